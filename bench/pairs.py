"""Pair similarity on SemEval-2022 Task 8 dev pairs: five scoring methods side by side.

Measures Pearson(score, −Overall) (positive is good; 1 = same event … 4 = unrelated)
over all usable pairs, the original (human-written) and machine-translated rows,
and the cross-lingual pairs (lang1 ≠ lang2), for:

(a) TF-IDF cosine on word 1–2-grams of title + text,
(b) TF-IDF cosine on character 3–5-grams (``char_wb``) of title + text
    (both vectorisers fitted on all texts of the pairs scored),
(c) raw e5 cosine (``E5Encoder(neutralize=False)``) of the lead,
(d) language-neutralised e5 cosine (``E5Encoder()``) of the lead — the vector the linker uses,
(e) babelwire's learned pair model (the features of ``babelwire.similarity``), scored
    fairly: nested 5-fold cross-validated ridge predictions, the ridge strength chosen
    inside each training fold;
(f) the shipped model (``src/babelwire/data/pair_model.json``), scored only on the
    held-out slice (``babelwire.evaluation.is_held_out``, about one pair in ten) that
    ``scripts/train_pair_model.py`` never trains on: elsewhere its score would be in-sample.

Every method also gets a column for the held-out slice, for comparison with (f).

The lead in (c) and (d) is exactly what the linker embeds: title and leading whole
sentences up to ``Settings().embed_max_chars`` characters (700); the pair model
reads its own, longer lead (``babelwire.similarity.CHUNK_CHARS``, 800). Vectors are
cached in ``.cache/embeddings.sqlite`` (``scripts/train_pair_model.py`` fills the
same cache), so reruns are cheap.

Run from the repo root::

    .venv/bin/python bench/pairs.py [--limit N] [--json]
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from babelwire.analysis import embedding_text
from babelwire.encoders import CachedEncoder, E5Encoder, Encoder
from babelwire.evaluation import LabelledPair, feature_matrix, is_held_out, load_pairs, pearson, profile_pairs
from babelwire.sentences import split_sentences
from babelwire.settings import Settings
from babelwire.similarity import CHUNK_CHARS, TERMS, PairScorer
from babelwire.types import UNDETERMINED, Article
from common import EMBEDDING_CACHE, REPO, SEMEVAL_PAIRS, emit, format_table, log, machine, make_parser, timed

FOLDS = 5
SEED = 13
ALPHAS = (0.1, 1.0, 3.0, 10.0, 30.0, 100.0)
ENCODE_BATCH = 64
TRAIN_SCRIPT = REPO / "scripts" / "train_pair_model.py"


# --- subsets -------------------------------------------------------------------------


def subsets(pairs: Sequence[LabelledPair]) -> dict[str, np.ndarray]:
    """Boolean masks of the reported subsets, by column name."""
    translated = np.array([pair.machine_translated for pair in pairs], dtype=bool)
    cross = np.array([pair.first.language != pair.second.language for pair in pairs], dtype=bool)
    return {
        "all": np.ones(len(pairs), dtype=bool),
        "original": ~translated,
        "machine-translated": translated,
        "cross-lingual": cross,
        "cross-lingual original": cross & ~translated,
        "held-out slice": np.array([is_held_out(pair.pair_id) for pair in pairs], dtype=bool),
    }


def fisher_interval(r: float | None, n: int) -> str:
    """The 95 % confidence interval of a Pearson correlation (Fisher z), as text."""
    if r is None or n < 4:
        return "–"
    z, spread = np.arctanh(r), 1.96 / np.sqrt(n - 3)
    return f"[{np.tanh(z - spread):.3f}, {np.tanh(z + spread):.3f}]"


def correlations(scores: np.ndarray, overall: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, float | None]:
    """Pearson(score, −Overall) on each subset."""
    return {name: pearson(scores[mask], -overall[mask]) for name, mask in masks.items()}


# --- (a), (b): TF-IDF ----------------------------------------------------------------


def full_text(article: Article) -> str:
    return f"{article.title}\n{article.text}" if article.title else article.text


def tfidf_scores(pairs: Sequence[LabelledPair], **vectorizer_options: object) -> np.ndarray:
    """Cosine of the two sides' TF-IDF vectors, the vectoriser fitted on all texts of the pairs."""
    texts = [full_text(article) for pair in pairs for article in (pair.first, pair.second)]
    matrix = TfidfVectorizer(dtype=np.float32, **vectorizer_options).fit_transform(texts)  # rows are L2-normalised
    first, second = matrix[0::2], matrix[1::2]
    return np.asarray(first.multiply(second).sum(axis=1)).ravel()


# --- (c), (d): encoder cosine of the lead -----------------------------------------------


def prepare_sentences(pairs: Sequence[LabelledPair]) -> None:
    """Split every article into sentences once, as the profiler would (``und`` splits as English)."""
    for pair in pairs:
        for article in (pair.first, pair.second):
            if not article.sentences:
                language = article.language if article.language != UNDETERMINED else "en"
                article.sentences = split_sentences(article.text, language)


def lead(article: Article) -> str:
    """Title and leading whole sentences up to ``embed_max_chars``: the linker's embedding text."""
    return embedding_text(article, Settings().embed_max_chars)


def encode_unique(encoder: Encoder, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Vectors of the distinct texts, encoded in batches (each batch is committed to the cache)."""
    unique = list(dict.fromkeys(texts))
    vectors: dict[str, np.ndarray] = {}
    for start in range(0, len(unique), ENCODE_BATCH):
        chunk = unique[start : start + ENCODE_BATCH]
        vectors.update(zip(chunk, encoder.encode(chunk), strict=True))
        log(f"  {encoder.name}: {min(start + ENCODE_BATCH, len(unique))}/{len(unique)} leads")
    return vectors


def lead_cosines(pairs: Sequence[LabelledPair], encoder: Encoder) -> np.ndarray:
    """Cosine of the two leads' vectors for each pair (the encoders return unit rows)."""
    leads = [(lead(pair.first), lead(pair.second)) for pair in pairs]
    vectors = encode_unique(encoder, [text for both in leads for text in both])
    return np.array([float(vectors[a] @ vectors[b]) for a, b in leads])


# --- (e): the learned pair model, cross-validated ------------------------------------------


def load_train_script() -> ModuleType:
    """``scripts/train_pair_model.py`` as a module, for its closed-form ``fit_ridge``."""
    spec = importlib.util.spec_from_file_location("train_pair_model", TRAIN_SCRIPT)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {TRAIN_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fold_indices(size: int, folds: int, seed: int) -> list[np.ndarray]:
    """A seeded shuffle of ``range(size)`` dealt into ``folds`` held-out sets."""
    order = list(range(size))
    random.Random(seed).shuffle(order)
    return [np.array(sorted(order[fold::folds]), dtype=np.int64) for fold in range(folds)]


class Predictor(Protocol):
    """A fitted model (``babelwire.similarity.PairModel``)."""

    def predict(self, rows: np.ndarray) -> np.ndarray: ...


Fit = Callable[[np.ndarray, np.ndarray, float], Predictor]


def cv_predict(rows: np.ndarray, target: np.ndarray, alpha: float, fit: Fit, seed: int) -> np.ndarray:
    """Out-of-fold predictions of ``target``: each row predicted by a model that never saw it."""
    predictions = np.zeros(len(target))
    for held in fold_indices(len(target), FOLDS, seed):
        train = np.setdiff1d(np.arange(len(target)), held)
        predictions[held] = fit(rows[train], target[train], alpha).predict(rows[held])
    return predictions


def best_alpha(rows: np.ndarray, target: np.ndarray, fit: Fit) -> float:
    """The ridge strength with the best inner cross-validated Pearson on these rows only."""
    scored = {alpha: pearson(cv_predict(rows, target, alpha, fit, SEED + 1), target) or -1.0 for alpha in ALPHAS}
    return max(scored, key=lambda alpha: scored[alpha])


def nested_cv_predict(rows: np.ndarray, target: np.ndarray, fit: Fit) -> tuple[np.ndarray, list[float]]:
    """Outer 5-fold predictions; the ridge strength is chosen inside each outer training fold."""
    predictions = np.zeros(len(target))
    chosen = []
    for held in fold_indices(len(target), FOLDS, SEED):
        train = np.setdiff1d(np.arange(len(target)), held)
        alpha = best_alpha(rows[train], target[train], fit)
        chosen.append(alpha)
        predictions[held] = fit(rows[train], target[train], alpha).predict(rows[held])
    return predictions, chosen


@dataclass
class PairModelResult:
    """What (e) produces: nested-CV similarities, the alphas chosen, bundled scores."""

    cv_scores: np.ndarray
    alphas: list[float]
    bundled_scores: np.ndarray  # the shipped model's similarity, fair only on its held-out slice


def pair_model_scores(pairs: Sequence[LabelledPair], cache: Path) -> PairModelResult:
    """Pair features once, then nested-CV ridge predictions and the bundled model's scores."""
    scorer = PairScorer(CachedEncoder(E5Encoder(), cache))
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        log(f"  pair features: {done}/{len(pairs)} pairs")

    profiles = profile_pairs(list(pairs), scorer, progress=progress)
    rows = feature_matrix(profiles, TERMS)
    target = np.array([pair.overall for pair in pairs])
    predictions, alphas = nested_cv_predict(rows, target, load_train_script().fit_ridge)
    bundled = np.array([scorer.score_profiles(a, b).score for a, b in profiles])
    return PairModelResult(-predictions, alphas, bundled)


# --- report --------------------------------------------------------------------------------


METHODS = (
    ("tfidf-word", "(a) TF-IDF word 1–2-grams"),
    ("tfidf-char", "(b) TF-IDF char_wb 3–5-grams"),
    ("e5-raw", "(c) e5 cosine, raw (lead)"),
    ("e5-neutral", "(d) e5 cosine, neutralised (lead) = linker"),
    ("pair-model-cv", "(e) pair model, nested 5-fold CV ridge"),
    ("pair-model-bundled", "(f) shipped pair model, held-out slice only"),
)
#: the shipped model was trained on every pair outside the held-out slice: scored there only
HELD_OUT_ONLY = {"pair-model-bundled"}


def run(pairs: list[LabelledPair], cache: Path) -> tuple[dict[str, np.ndarray], dict[str, float], dict]:
    """Scores of every method, seconds per method, and notes (alphas chosen, sanity checks)."""
    scores: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    notes: dict = {}
    steps: dict[str, Callable[[], np.ndarray]] = {
        "tfidf-word": lambda: tfidf_scores(pairs, analyzer="word", ngram_range=(1, 2)),
        "tfidf-char": lambda: tfidf_scores(pairs, analyzer="char_wb", ngram_range=(3, 5)),
        "e5-raw": lambda: lead_cosines(pairs, CachedEncoder(E5Encoder(neutralize=False), cache)),
        "e5-neutral": lambda: lead_cosines(pairs, CachedEncoder(E5Encoder(), cache)),
    }
    with timed() as watch:
        prepare_sentences(pairs)
    notes["sentence_split_s"] = round(watch.seconds, 1)
    for key, step in steps.items():
        log(f"{key} …")
        with timed() as watch:
            scores[key] = step()
        seconds[key] = watch.seconds
    log("pair-model-cv …")
    with timed() as watch:
        model = pair_model_scores(pairs, cache)
    scores["pair-model-cv"], scores["pair-model-bundled"] = model.cv_scores, model.bundled_scores
    seconds["pair-model-cv"] = seconds["pair-model-bundled"] = watch.seconds
    notes["alphas_chosen"] = model.alphas
    notes["pair_model_lead_chars"] = CHUNK_CHARS
    return scores, seconds, notes


def main() -> None:
    parser = make_parser(__doc__, "score only the first N usable pairs (quick run)")
    parser.add_argument("--data", type=Path, default=SEMEVAL_PAIRS)
    parser.add_argument("--cache", type=Path, default=EMBEDDING_CACHE, help="SQLite cache of text vectors")
    args = parser.parse_args()
    info = machine()
    pairs, unusable = load_pairs(args.data, min_chars=20)
    pairs = pairs[: args.limit] if args.limit else pairs
    log(f"{len(pairs)} pairs ({len(unusable)} without two usable sides skipped)")
    scores, seconds, notes = run(pairs, args.cache)
    overall = np.array([pair.overall for pair in pairs])
    masks = subsets(pairs)
    results = {key: correlations(scores[key], overall, masks) for key, _ in METHODS}
    for key in HELD_OUT_ONLY:
        results[key] = {name: value if name == "held-out slice" else None for name, value in results[key].items()}
    headers = ["method", *(f"{name} (n={int(mask.sum())})" for name, mask in masks.items()), "seconds"]
    rows = [
        [label, *results[key].values(), "with (e)" if key in HELD_OUT_ONLY else f"{seconds[key]:.1f}"]
        for key, label in METHODS
    ]
    title = (
        f"Pearson(score, −Overall) on {len(pairs)} SemEval-2022 Task 8 dev pairs "
        f"({len(unusable)} unusable skipped; min_chars=20)"
    )
    footer = (
        f"(e) ridge strengths chosen per outer fold: {notes['alphas_chosen']}; "
        f"the pair model's lead: {notes['pair_model_lead_chars']} characters; "
        f"sentence splitting took {notes['sentence_split_s']} s (shared by (c)–(e))"
    )
    intervals = [
        f"{key} on {name}: {fisher_interval(results[key][name], int(masks[name].sum()))}"
        for key, name in (("e5-neutral", "all"), ("pair-model-cv", "all"), ("pair-model-cv", "held-out slice"),
                          ("pair-model-bundled", "held-out slice"))
    ]
    footer += "\n95 % confidence intervals (Fisher z): " + "; ".join(intervals)
    result = {
        "machine": info, "pairs": len(pairs), "unusable": len(unusable),
        "n": {name: int(mask.sum()) for name, mask in masks.items()},
        "pearson": results, "seconds": seconds, "notes": notes,
    }
    emit(result, [format_table(headers, rows, title) + "\n" + footer], args.json)


if __name__ == "__main__":
    main()
