"""Nearest-neighbour search over article vectors behind a small protocol.

The default, :class:`UsearchIndex`, searches exactly while the store is small
(exact results, and cheap at that size) and through an HNSW graph beyond
``exact_below`` vectors, so the cost per query stays flat as the store grows.
The linker keeps one such index per week of publication time
(:class:`TimeBucketedIndex`); at 1M articles a year a week holds ~19k, where
exact search costs 1 ms and the graph 0.2 ms, hence a 5k switch-over (where
both cost 0.2 ms).
The graph stores 8-bit vectors: on 100k clustered 384-d vectors (bench/growth.py's
data) searches and inserts were 3x faster than with float32 at the same recall
of the relevant neighbours (0.97), and the index is a third of the size; the
cosines it returns are then approximate (within about 0.01).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import numpy as np


class VectorIndex(Protocol):
    """Integer keys to unit vectors; ``search`` returns keys and cosine similarities."""

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...

    def search(self, vector: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


class ExactIndex:
    """Brute-force cosine search in numpy: exact, O(n) per query."""

    def __init__(self, dim: int):
        self.dim = dim
        self._keys = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._size = 0

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keys = np.atleast_1d(np.asarray(keys, dtype=np.int64))
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        needed = self._size + len(keys)
        if needed > len(self._keys):  # grow geometrically: amortised O(1) appends
            capacity = max(needed, 2 * len(self._keys), 64)
            self._keys = np.resize(self._keys, capacity)
            grown = np.zeros((capacity, self.dim), dtype=np.float32)
            grown[: self._size] = self._vectors[: self._size]
            self._vectors = grown
        self._keys[self._size : needed] = keys
        self._vectors[self._size : needed] = vectors
        self._size = needed

    def search(self, vector: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        if self._size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # einsum, not BLAS: a threaded matrix-vector product spends more on waking threads than on the
        # arithmetic at these sizes (10x slower at 2k vectors on 2 busy cores; docs/BENCHMARKS.md)
        sims = np.einsum("ij,j->i", self._vectors[: self._size], np.asarray(vector, dtype=np.float32))
        count = min(count, self._size)
        top = np.argpartition(-sims, count - 1)[:count]
        # ties broken by key so results never depend on memory layout
        order = np.lexsort((self._keys[top], -sims[top]))
        top = top[order]
        return self._keys[top].copy(), sims[top]

    def __len__(self) -> int:
        return self._size


class UsearchIndex:
    """HNSW (usearch) above ``exact_below`` vectors, exact numpy search below."""

    def __init__(
        self, dim: int, exact_below: int = 5_000, connectivity: int = 16, expansion_search: int = 128,
        dtype: str = "i8",
    ):
        self.dim = dim
        self.exact_below = exact_below
        self.connectivity = connectivity
        self.expansion_search = expansion_search
        self.dtype = dtype
        self._exact: ExactIndex | None = ExactIndex(dim)
        self._graph = None

    def _build_graph(self) -> None:
        from usearch.index import Index

        self._graph = Index(
            # cos, not ip: usearch scales 8-bit inner products, cosines come back in [-1, 1]
            ndim=self.dim, metric="cos", dtype=self.dtype,
            connectivity=self.connectivity, expansion_search=self.expansion_search,
        )
        assert self._exact is not None
        size = len(self._exact)
        # one thread: the graph (and so every search result) depends only on insertion order
        self._graph.add(self._exact._keys[:size], self._exact._vectors[:size], threads=1)
        self._exact = None

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if self._exact is not None:
            self._exact.add(keys, vectors)
            if len(self._exact) >= self.exact_below:
                self._build_graph()
            return
        self._graph.add(
            np.atleast_1d(np.asarray(keys, dtype=np.int64)),
            np.atleast_2d(np.asarray(vectors, dtype=np.float32)),
            threads=1,
        )

    def search(self, vector: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        if self._exact is not None:
            return self._exact.search(vector, count)
        matches = self._graph.search(np.asarray(vector, dtype=np.float32), count, threads=1)
        return np.asarray(matches.keys, dtype=np.int64), 1.0 - np.asarray(matches.distances, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._exact) if self._exact is not None else len(self._graph)


Interval = tuple[datetime, datetime]

_SECONDS_PER_DAY = 86_400.0


class TimeBucketedIndex:
    """One :class:`VectorIndex` per stretch of publication time, so a dated search reads only its window.

    Each vector goes to the bucket of its interval's start (``width_days`` wide).
    Undated vectors, and those dated more loosely than one bucket (a month, a
    year), go to a *loose* bucket that every search reads. A search around an
    interval reads the buckets within ``reach_days`` of it (plus the loose one)
    and merges their best matches, so the stored articles of other months cost
    nothing and never crowd the window's own neighbours out of the top ``count``.
    A search without an interval reads every bucket.
    """

    def __init__(
        self, dim: int, width_days: float, index_factory: Callable[[int], VectorIndex] = UsearchIndex,
    ):
        self.dim = dim
        # a window of zero or no width cannot bucket anything: one bucket then
        self.width_s = width_days * _SECONDS_PER_DAY if math.isfinite(width_days) and width_days > 0 else math.inf
        self.index_factory = index_factory
        self._buckets: dict[int, VectorIndex] = {}
        self._loose: VectorIndex | None = None
        self._widest_s = 0.0  # the longest interval among bucketed vectors: how far back a search must reach

    def _bucket_of(self, seconds: float) -> int:
        return 0 if math.isinf(self.width_s) else math.floor(seconds / self.width_s)

    def add(self, key: int, vector: np.ndarray, interval: Interval | None) -> None:
        """Store one vector under the bucket of its interval (or the loose bucket)."""
        keys, vectors = np.array([key], dtype=np.int64), np.asarray(vector, dtype=np.float32)[None, :]
        span = None if interval is None else (interval[1] - interval[0]).total_seconds()
        if span is None or span > self.width_s:
            if self._loose is None:
                self._loose = self.index_factory(self.dim)
            self._loose.add(keys, vectors)
            return
        bucket = self._bucket_of(interval[0].timestamp())
        index = self._buckets.get(bucket)
        if index is None:
            index = self._buckets[bucket] = self.index_factory(self.dim)
        index.add(keys, vectors)
        self._widest_s = max(self._widest_s, span)

    def buckets_around(self, interval: Interval | None, reach_days: float) -> list[VectorIndex]:
        """The indexes a search around ``interval`` reads: every one when it is undated."""
        chosen = [] if self._loose is None else [self._loose]
        if interval is None or not math.isfinite(reach_days):
            return chosen + [self._buckets[b] for b in sorted(self._buckets)]
        reach_s = max(reach_days, 0.0) * _SECONDS_PER_DAY
        # a stored interval starts at most _widest_s before it ends, so its bucket may lie that much earlier
        first = self._bucket_of(interval[0].timestamp() - reach_s - self._widest_s)
        last = self._bucket_of(interval[1].timestamp() + reach_s)
        if last - first < len(self._buckets):
            return chosen + [self._buckets[b] for b in range(first, last + 1) if b in self._buckets]
        return chosen + [self._buckets[b] for b in sorted(self._buckets) if first <= b <= last]

    def search(
        self, vector: np.ndarray, count: int, interval: Interval | None = None, reach_days: float = math.inf,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosines of the ``count`` nearest vectors within ``reach_days`` of ``interval``."""
        found = [index.search(vector, count) for index in self.buckets_around(interval, reach_days) if len(index)]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(found) == 1:
            return found[0]
        keys = np.concatenate([keys for keys, _ in found])
        sims = np.concatenate([sims for _, sims in found]).astype(np.float32)
        order = np.lexsort((keys, -sims))[:count]  # ties broken by key, as in ExactIndex
        return keys[order], sims[order]

    def __len__(self) -> int:
        return sum(len(index) for index in self._buckets.values()) + (len(self._loose) if self._loose else 0)
