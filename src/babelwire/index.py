"""Nearest-neighbour search over article vectors behind a small protocol.

The default, :class:`UsearchIndex`, searches exactly while the store is small
(exact results, and cheap at that size) and through an HNSW graph beyond
``exact_below`` vectors, so the cost per query stays flat as the store grows.
The graph stores 8-bit vectors: on 100k clustered 384-d vectors (bench/growth.py's
data) searches and inserts were 3x faster than with float32 at the same recall
of the relevant neighbours (0.97), and the index is a third of the size; the
cosines it returns are then approximate (within about 0.01).
"""

from __future__ import annotations

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
        self, dim: int, exact_below: int = 20_000, connectivity: int = 16, expansion_search: int = 128,
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
