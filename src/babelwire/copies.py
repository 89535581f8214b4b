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

The store keeps each original's MinHash signature as bytes and, beside it, the
signature's LSH band hashes (table ``copy_bands``, one row per band). Two detectors
make the same decisions:

* :class:`StoreCopyDetector` (the tracker's) asks the store for the originals that
  share a band with a new article, so a process never loads every signature (that
  took about 3.7 KiB of memory and 37 µs of start-up per stored original:
  ``bench/copies_scale.py``);
* :class:`MinHashCopyDetector` holds every signature in memory (datasketch's
  ``MinHashLSH``), rebuilt from the store (``iter_copy_fingerprints``) when bound.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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

    def bind(self, store: Store) -> None:
        """Make the originals stored in ``store`` findable (load them, or prepare the store to be asked)."""
        ...


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


#: MurmurHash3's 32-bit finaliser: (shift, multiplier, shift, multiplier, shift)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser on uint32 values: a bijection that spreads every input bit (wrapping arithmetic)."""
    shift1, multiplier1, shift2, multiplier2, shift3 = _FMIX32
    values = values ^ (values >> shift1)
    values = values * multiplier1
    values = values ^ (values >> shift2)
    values = values * multiplier2
    return values ^ (values >> shift3)


@functools.lru_cache(maxsize=8)
def affine32_permutations(num_perm: int, seed: int = _SEED) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` of the permutations ``h -> a * h + b`` (mod 2**32, ``a`` odd: a bijection), drawn as
    datasketch 2's ``MinHash(scheme="affine32", seed=seed)`` draws them, so signatures are its signatures."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    for array in (a, b):
        array.setflags(write=False)  # shared by every signer of this size
    return a, b


class MinHashSigner:
    """MinHash signatures of shingle sets: the part of copy detection that needs no index.

    The scheme is datasketch 2's ``affine32`` (SHA-1's first 32 bits of each shingle, MurmurHash3's finaliser,
    then ``num_perm`` affine permutations modulo 2**32), computed here with numpy: the signatures are stored,
    so they must not change with a datasketch release, and a process that signs an article does not import
    datasketch (whose LSH module loads scipy.integrate: about 0.3 s of every cold ``babelwire ingest``).
    ``tests/test_copies.py`` checks them against datasketch's.

    Texts with fewer than ``min_shingles`` shingles get no signature: short texts share too many phrases
    by chance, so they are only matched exactly.
    """

    def __init__(self, num_perm: int = 64, min_shingles: int = 20):
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.permutations = affine32_permutations(num_perm)

    def signature(self, found: Iterable[str]) -> np.ndarray:
        """The uint32 MinHash signature of a set of shingles (all ``2**32 - 1`` for none)."""
        hashes = np.fromiter((int.from_bytes(hashlib.sha1(shingle.encode("utf-8")).digest()[:4], "little")
                              for shingle in found), dtype=np.uint32)
        if not hashes.size:
            return np.full(self.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        a, b = self.permutations
        return (_fmix32(hashes)[:, None] * a + b).min(axis=0)

    def fingerprint(self, article: Article) -> Fingerprint:
        """The content hash and, for long enough texts, the MinHash signature of an article's text."""
        found = shingles(article.text)
        if len(found) < self.min_shingles:
            return Fingerprint(article.content_hash, None)
        return Fingerprint(article.content_hash, self.signature(found))


def _better(best: CopyMatch | None, candidate: str, similarity: float) -> bool:
    """Whether ``candidate`` beats ``best``: the highest similarity wins, then the smallest id (a stable choice)."""
    return best is None or similarity > best.similarity or (
        similarity == best.similarity and candidate < best.original_id
    )


class MinHashCopyDetector:
    """Exact-hash and MinHash-LSH near-duplicate detection (datasketch), every signature held in memory.

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
        self._signer = MinHashSigner(num_perm, min_shingles)
        # at 1.0 only the exact same text is a copy: the content hash says that without LSH
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm) if threshold < 1.0 else None
        self._by_hash: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}

    def fingerprint(self, article: Article) -> Fingerprint:
        """The content hash and, for long enough texts, the MinHash signature of an article's text."""
        return self._signer.fingerprint(article)

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
            if _better(best, candidate, similarity):
                best = CopyMatch(candidate, similarity)
        return best

    def add(self, article_id: str, fingerprint: Fingerprint) -> None:
        """Remember an original so later copies of it are found."""
        self._by_hash.setdefault(fingerprint.content_hash, article_id)
        if fingerprint.minhash is not None and self._lsh is not None and article_id not in self._signatures:
            self._signatures[article_id] = fingerprint.minhash
            self._lsh.insert(article_id, self._as_minhash(fingerprint.minhash))

    def bind(self, store: Store) -> None:
        """Load every original stored in ``store``: all their signatures are held in memory."""
        self.load(store.iter_copy_fingerprints())

    def load(self, stored: Iterable[tuple[str, str, bytes | None]]) -> None:
        """Add stored originals: ``(id, content_hash, minhash bytes)``."""
        for article_id, content_hash, minhash in stored:
            values = None if minhash is None else np.frombuffer(minhash, dtype=np.uint32)
            self.add(article_id, Fingerprint(content_hash, values))

    def _as_minhash(self, values: np.ndarray):
        return self._minhash_type(
            num_perm=self.num_perm, seed=_SEED, hashvalues=values, permutations=self._signer.permutations,
            scheme="affine32",
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


# --- LSH bands kept in the store ------------------------------------------------------------------

#: the band layout the store writes each new original's bands with (:meth:`BandLayout.key`); set by the first
#: :class:`StoreCopyDetector` bound to the store
BAND_LAYOUT_KEY = "copies.band_layout"
#: the band layout whose backfill over every stored original finished (the bands of that layout are complete)
BANDS_DONE_KEY = "copies.bands_backfilled"
#: originals whose bands one backfill transaction writes: bounded memory, and short write locks
BANDS_BATCH = 2048

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class BandLayout:
    """How a signature is cut into LSH bands: ``bands`` bands of ``rows`` consecutive values each, as
    datasketch's ``MinHashLSH`` cuts it (values after ``bands * rows`` are in no band)."""

    num_perm: int
    bands: int
    rows: int

    def key(self) -> str:
        """The layout as the store's meta value: ``num_perm:bandsxrows``."""
        return f"{self.num_perm}:{self.bands}x{self.rows}"

    @classmethod
    def parse(cls, key: str | None) -> BandLayout | None:
        """The layout of a meta value written by :meth:`key` (``None`` for none)."""
        if not key:
            return None
        num_perm, shape = key.split(":")
        bands, rows = shape.split("x")
        return cls(int(num_perm), int(bands), int(rows))


@functools.lru_cache(maxsize=16)
def band_layout(threshold: float, num_perm: int) -> BandLayout | None:
    """The bands datasketch's ``MinHashLSH`` uses for ``threshold`` and ``num_perm`` (its false-positive and
    false-negative weights left equal, as :class:`MinHashCopyDetector` leaves them), so that both detectors see
    the same candidates; ``None`` at 1.0, where only the exact text is a copy.

    Like datasketch, it takes the (bands, rows) with the least false-positive plus false-negative area: the
    integrals of the chance that two texts of Jaccard similarity ``s`` share a band, below ``threshold``, and
    of the chance that they share none, above it. That chance is a polynomial of degree ``bands * rows <=
    num_perm``, so Gauss–Legendre quadrature with ``num_perm // 2 + 1`` nodes integrates it exactly (datasketch
    integrates adaptively with scipy, which a signing process need not import). ``tests/test_copies.py``
    checks that both choose the same layout.
    """
    if threshold >= 1.0:
        return None
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    shapes = np.array([(bands, rows) for bands in range(1, num_perm + 1) for rows in range(1, num_perm // bands + 1)],
                      dtype=float)
    bands, rows = shapes[:, :1], shapes[:, 1:]

    def area(low: float, high: float, shared: bool) -> np.ndarray:
        """The integral over [low, high] of the chance that a band is shared (or, not ``shared``, none is)."""
        similarity = (high - low) / 2 * nodes + (high + low) / 2
        none_shared = (1 - similarity**rows) ** bands
        return ((1 - none_shared) if shared else none_shared) @ weights * (high - low) / 2

    errors = area(0.0, threshold, shared=True) + area(threshold, 1.0, shared=False)
    best = int(np.argmin(errors))  # the first of equal errors, as datasketch's strict ``<`` keeps the first
    return BandLayout(num_perm, int(shapes[best, 0]), int(shapes[best, 1]))


def band_hashes(signatures: np.ndarray, layout: BandLayout) -> np.ndarray:
    """One signed 64-bit hash per band of each signature: an ``(n, bands)`` int64 array for ``(n, num_perm)``.

    A band's hash is FNV-1a over its 32-bit values, seeded with the band number and the layout (a value never
    matches another band's, nor another layout's), then the splitmix64 finaliser. It is numpy arithmetic modulo
    2**64, so it is stable across processes and platforms and a backfill hashes thousands of signatures at
    once. Equal bands always hash equal, so no candidate the band values would give is missed; a collision
    only adds a candidate, which the similarity check then turns down.
    """
    values = np.asarray(signatures, dtype=np.uint32).reshape(-1, layout.num_perm)
    used = values[:, : layout.bands * layout.rows].astype(np.uint64).reshape(len(values), layout.bands, layout.rows)
    seeds = (np.arange(1, layout.bands + 1, dtype=np.uint64) + np.uint64(layout.rows << 16)) * _GOLDEN
    hashed = np.broadcast_to(_FNV_OFFSET ^ seeds, (len(values), layout.bands)).copy()
    for row in range(layout.rows):
        hashed = (hashed ^ used[:, :, row]) * _FNV_PRIME
    hashed ^= hashed >> np.uint64(30)
    hashed *= _MIX_1
    hashed ^= hashed >> np.uint64(27)
    hashed *= _MIX_2
    hashed ^= hashed >> np.uint64(31)
    return hashed.view(np.int64)


def signature_band_rows(layout: BandLayout, signed: Sequence[tuple[int, bytes]]) -> list[tuple[int, int]]:
    """``(band_hash, key)`` rows of ``copy_bands`` for ``(key, minhash bytes)`` of stored originals.

    A signature of another length (made with another ``copy_num_perm``) gets no bands: it is compared with
    nothing, as the in-memory index would refuse it.
    """
    kept = [(key, blob) for key, blob in signed if len(blob) == 4 * layout.num_perm]
    if not kept:
        return []
    signatures = np.frombuffer(b"".join(blob for _, blob in kept), dtype=np.uint32).reshape(len(kept), -1)
    hashes = band_hashes(signatures, layout)
    return [(int(band), key) for (key, _), row in zip(kept, hashes.tolist(), strict=True) for band in row]


def backfill_bands(store: Store, layout: BandLayout, batch_size: int = BANDS_BATCH) -> int:
    """Write the bands of every stored original with a signature, once per store and layout; how many got them.

    Stores made before schema version 9 hold signatures but no bands, and a store whose bands were cut for
    another threshold or permutation count has the wrong ones: the layout is recorded first (so that originals
    stored meanwhile, by this process or another, get their bands as they are inserted), then the stored
    originals are banded in key order, one bounded batch per transaction. Rewriting a band that is there
    already is a no-op, so a backfill interrupted, or run by two processes at once, ends complete.
    """
    if store.get_meta(BANDS_DONE_KEY) == layout.key() and store.get_meta(BAND_LAYOUT_KEY) == layout.key():
        return 0
    with store.transaction():
        if store.get_meta(BAND_LAYOUT_KEY) != layout.key():
            store.clear_copy_bands()  # another layout's bands would never match this one's
            store.set_meta(BAND_LAYOUT_KEY, layout.key())
    banded = 0
    after = -1
    while rows := store.signed_originals(after, batch_size):
        with store.transaction():
            store.add_copy_bands(rows)
        banded += len(rows)
        after = rows[-1][0]
    with store.transaction():
        store.set_meta(BANDS_DONE_KEY, layout.key())
    return banded


@dataclass
class _BatchOverlay:
    """The originals added since the store last changed, not stored yet: the tracker adds a batch's originals
    while it marks copies, and stores them only later, so a copy later in the same batch must find them here."""

    by_hash: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, np.ndarray] = field(default_factory=dict)
    buckets: dict[int, list[str]] = field(default_factory=dict)
    bands: dict[str, list[int]] = field(default_factory=dict)

    def add(self, article_id: str, fingerprint: Fingerprint, hashes: list[int] | None) -> None:
        """Remember an original; ``hashes`` are its band hashes (``None``: matched by its exact text only)."""
        self.by_hash.setdefault(fingerprint.content_hash, article_id)
        if fingerprint.minhash is None or hashes is None or article_id in self.signatures:
            return
        self.signatures[article_id] = fingerprint.minhash
        self.bands[article_id] = hashes
        for band in hashes:
            self.buckets.setdefault(band, []).append(article_id)

    def candidates(self, hashes: Iterable[int]) -> dict[str, np.ndarray]:
        """Signatures of the originals sharing a band hash with ``hashes``, by id."""
        found = {article_id for band in hashes for article_id in self.buckets.get(band, ())}
        return {article_id: self.signatures[article_id] for article_id in found}

    def forget(self, article_ids: Iterable[str]) -> None:
        """Drop originals the store now holds (it finds them itself)."""
        gone = set(article_ids)
        if not gone:
            return
        self.by_hash = {key: value for key, value in self.by_hash.items() if value not in gone}
        for article_id in gone:
            self.signatures.pop(article_id, None)
            for band in self.bands.pop(article_id, ()):
                members = self.buckets.get(band, [])
                if article_id in members:
                    members.remove(article_id)
                if not members:
                    self.buckets.pop(band, None)

    def ids(self) -> set[str]:
        """Every original held, exact-only ones included."""
        return set(self.by_hash.values()) | set(self.signatures)


class StoreCopyDetector:
    """The decisions of :class:`MinHashCopyDetector`, looked up in the store instead of memory.

    The exact text is found through the stored content hashes; near copies through the stored LSH bands
    (``copy_bands``, cut as datasketch cuts them for the same threshold and permutations): the originals
    sharing a band with the new article are read with their signatures and kept when their estimated
    Jaccard similarity reaches ``threshold``, the best one winning as in :class:`MinHashCopyDetector`. So a
    process reads a few rows per article instead of every stored signature at start-up. Originals added and
    not stored yet (the rest of the tracker's current batch) are held in memory until the store has them.
    """

    def __init__(self, threshold: float = 0.7, num_perm: int = 64, min_shingles: int = 20):
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self.name = f"minhash-{num_perm}-{threshold}"
        self._signer = MinHashSigner(num_perm, min_shingles)
        self.layout = band_layout(threshold, num_perm)
        self._store: Store | None = None
        self._overlay = _BatchOverlay()
        #: the store's write generation when the overlay was last pruned of what the store holds
        self._generation: int | None = None

    def fingerprint(self, article: Article) -> Fingerprint:
        """The content hash and, for long enough texts, the MinHash signature of an article's text."""
        return self._signer.fingerprint(article)

    def bind(self, store: Store) -> None:
        """Ask ``store`` from now on; first give its stored originals the bands of this detector's layout."""
        if self.layout is not None:
            backfill_bands(store, self.layout)
        self._store = store
        self._generation = store.write_generation()

    def match(self, fingerprint: Fingerprint) -> CopyMatch | None:
        """The earliest stored (or added) article with the same text, else the most similar near copy, or ``None``."""
        store = self._bound()
        self._forget_stored(store)
        self._keep_layout(store)
        original = store.original_with_content(fingerprint.content_hash)
        if original is None:
            original = self._overlay.by_hash.get(fingerprint.content_hash)
        if original is not None:
            return CopyMatch(original, 1.0)
        if fingerprint.minhash is None or self.layout is None:
            return None
        hashes = self._band_hashes(fingerprint)
        candidates = {article_id: np.frombuffer(blob, dtype=np.uint32)
                      for article_id, blob in store.copy_band_candidates(hashes)}
        candidates.update(self._overlay.candidates(hashes))
        best: CopyMatch | None = None
        for candidate, signature in candidates.items():
            if signature.shape != fingerprint.minhash.shape:
                continue  # a signature of another permutation count: not comparable
            similarity = float(np.mean(signature == fingerprint.minhash))
            if similarity < self.threshold:
                continue  # a shared band makes a candidate, not a verdict
            if _better(best, candidate, similarity):
                best = CopyMatch(candidate, similarity)
        return best

    def add(self, article_id: str, fingerprint: Fingerprint) -> None:
        """Remember an original until the store has it (the tracker stores it later in the batch)."""
        hashes = None if fingerprint.minhash is None or self.layout is None else self._band_hashes(fingerprint)
        self._overlay.add(article_id, fingerprint, hashes)

    def _band_hashes(self, fingerprint: Fingerprint) -> list[int]:
        assert self.layout is not None and fingerprint.minhash is not None
        return band_hashes(fingerprint.minhash, self.layout)[0].tolist()

    def _keep_layout(self, store: Store) -> None:
        """Band the store again if another process cut its bands for other settings since this one was bound:
        asked with this layout's hashes, the other layout's bands would hide every near copy. (One store, one
        ``copy_threshold``: two processes that differ band it again in turn, correct but slow.)"""
        if self.layout is not None and store.get_meta(BAND_LAYOUT_KEY) != self.layout.key():
            backfill_bands(store, self.layout)

    def _bound(self) -> Store:
        if self._store is None:
            raise RuntimeError("StoreCopyDetector.bind(store) must come before match()")
        return self._store

    def _forget_stored(self, store: Store) -> None:
        """Drop from the overlay what the store holds now: every write transaction of the tracker bumps the
        write generation, so the overlay is checked once per stored batch and stays the size of one batch."""
        generation = store.write_generation()
        if generation == self._generation:
            return
        self._generation = generation
        held = self._overlay.ids()
        if held:
            self._overlay.forget(store.stored_article_ids(sorted(held)))
