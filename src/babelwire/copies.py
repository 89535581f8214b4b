"""Syndicated copies: the same article published again by another outlet, or the same outlet at another URL.

Wire copy (AP, Reuters, AFP, national agencies) is reprinted by dozens of outlets
with a changed headline, a byline or a trimmed paragraph. Counting each reprint
as an article would inflate a story and its languages; dropping them would hide
who ran it. A copy is stored, attached to the first article seen with that
text (``Article.copy_of``), and never enters the linker: it joins its original's
story and follows it through merges and re-links.

Two tests find copies, cheapest first:

* exact: the same title and text (``content_hash``) from another outlet;
* near: MinHash over word 5-gram shingles (character 7-grams for scripts
  written without spaces), looked up in an LSH index, and confirmed by the
  estimated Jaccard similarity reaching :attr:`MinHashCopyDetector.threshold`.

The detector is state rebuilt from the store (``iter_copy_fingerprints``), like
the linker; the store keeps each original's MinHash signature as bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from babelwire.types import Article

if TYPE_CHECKING:
    from babelwire.store import Store

_WORD = re.compile(r"\w+")
_SEED = 1  # fixed: signatures are stored, so the permutations must never change


@dataclass(frozen=True)
class Fingerprint:
    """What copy detection knows of one article."""

    content_hash: str
    minhash: np.ndarray | None  # uint32 hash values; None when the text is too short to shingle

    def minhash_bytes(self) -> bytes | None:
        return None if self.minhash is None else self.minhash.astype(np.uint32).tobytes()


@dataclass(frozen=True)
class CopyMatch:
    """An earlier article that a new one copies."""

    original_id: str
    similarity: float  # 1.0 for the same text, else the estimated Jaccard similarity of the shingles


class CopyDetector(Protocol):
    """Finds the original of a syndicated copy among the articles it was shown."""

    name: str

    def fingerprint(self, article: Article) -> Fingerprint: ...

    def match(self, fingerprint: Fingerprint) -> CopyMatch | None: ...

    def add(self, article_id: str, fingerprint: Fingerprint) -> None: ...

    def load(self, stored: Iterable[tuple[str, str, bytes | None]]) -> None: ...


def shingles(text: str, words: int = 5, chars: int = 7) -> set[str]:
    """Word n-gram shingles of a normalised text; character n-grams when words are not space-separated."""
    tokens = _WORD.findall(text.casefold())
    if not tokens:
        return set()
    # Chinese, Japanese and Thai come out as a few long "words": shingle characters instead
    if sum(map(len, tokens)) / len(tokens) > 12:
        joined = "".join(tokens)
        return {joined[i : i + chars] for i in range(len(joined) - chars + 1)}
    return {" ".join(tokens[i : i + words]) for i in range(len(tokens) - words + 1)}


class MinHashCopyDetector:
    """Exact-hash and MinHash-LSH near-duplicate detection (datasketch).

    ``threshold`` is the Jaccard similarity of shingle sets from which two texts
    are copies; 0.7 keeps reprints with a changed headline, a dropped closing
    paragraph or an added byline, and stays far above what two independent
    reports of one event share (their 5-gram overlap is typically under 0.1).
    Texts with fewer than ``min_shingles`` shingles are only matched exactly:
    short texts share too many phrases by chance.
    """

    def __init__(self, threshold: float = 0.7, num_perm: int = 64, min_shingles: int = 20):
        from datasketch import MinHash, MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.name = f"minhash-{num_perm}-{threshold}"
        self._minhash_type = MinHash
        # the 32-bit scheme is pinned: stored signatures must stay comparable across datasketch releases
        self._template = MinHash(num_perm=num_perm, seed=_SEED, scheme="affine32")
        # at 1.0 only the exact same text is a copy: the content hash says that without LSH
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm) if threshold < 1.0 else None
        self._by_hash: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}

    def fingerprint(self, article: Article) -> Fingerprint:
        """The content hash and, for long enough texts, the MinHash signature of an article's text."""
        found = shingles(article.text)
        if len(found) < self.min_shingles:
            return Fingerprint(article.content_hash, None)
        minhash = self._template.copy()
        minhash.clear()
        minhash.update_batch([shingle.encode("utf-8") for shingle in found])
        return Fingerprint(article.content_hash, minhash.hashvalues.astype(np.uint32))

    def match(self, fingerprint: Fingerprint) -> CopyMatch | None:
        """The earliest added article this one copies, or ``None``."""
        original = self._by_hash.get(fingerprint.content_hash)
        if original is not None:
            return CopyMatch(original, 1.0)
        if fingerprint.minhash is None or self._lsh is None:
            return None
        best: CopyMatch | None = None
        for candidate in self._lsh.query(self._as_minhash(fingerprint.minhash)):
            similarity = float(np.mean(self._signatures[candidate] == fingerprint.minhash))
            if similarity < self.threshold:
                continue  # LSH returns candidates, not verdicts
            if best is None or similarity > best.similarity or (
                similarity == best.similarity and candidate < best.original_id
            ):
                best = CopyMatch(candidate, similarity)
        return best

    def add(self, article_id: str, fingerprint: Fingerprint) -> None:
        """Remember an original so later copies of it are found."""
        self._by_hash.setdefault(fingerprint.content_hash, article_id)
        if fingerprint.minhash is not None and self._lsh is not None and article_id not in self._signatures:
            self._signatures[article_id] = fingerprint.minhash
            self._lsh.insert(article_id, self._as_minhash(fingerprint.minhash))

    def load(self, stored: Iterable[tuple[str, str, bytes | None]]) -> None:
        """Add stored originals: ``(id, content_hash, minhash bytes)``."""
        for article_id, content_hash, minhash in stored:
            values = None if minhash is None else np.frombuffer(minhash, dtype=np.uint32)
            self.add(article_id, Fingerprint(content_hash, values))

    def _as_minhash(self, values: np.ndarray):
        return self._minhash_type(
            num_perm=self.num_perm, seed=_SEED, hashvalues=values, permutations=self._template.permutations,
            scheme=self._template.scheme,
        )


#: the store's meta key that says every original stored before schema version 3 has its signature
BACKFILL_DONE_KEY = "copies.signatures_backfilled"
#: articles read and signed per transaction: memory stays bounded however large the store
BACKFILL_BATCH = 256


def backfill_signatures(store: Store, detector: CopyDetector, batch_size: int = BACKFILL_BATCH) -> int:
    """Sign the stored originals that have no MinHash signature, once per store; how many got one.

    Stores migrated from before schema version 3 (which added signatures) hold their articles unsigned, and
    an unsigned article is only found again by its exact text: without this, near-copies of every old article
    are missed. Texts too short to shingle stay unsigned; a meta key records that the pass was made, so it is
    not repeated for them.
    """
    if store.get_meta(BACKFILL_DONE_KEY):
        return 0
    signed = 0
    after = -1
    while rows := store.unsigned_originals(after, batch_size):
        signatures = []
        for key, article_id, text in rows:
            minhash = detector.fingerprint(Article(title="", text=text, id=article_id)).minhash_bytes()
            if minhash is not None:
                signatures.append((key, minhash))
        if signatures:
            with store.transaction():
                store.set_signatures(signatures)
            signed += len(signatures)
        after = rows[-1][0]
    with store.transaction():
        store.set_meta(BACKFILL_DONE_KEY, "1")
    return signed
