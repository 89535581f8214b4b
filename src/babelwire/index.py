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

A :class:`TimeBucketedIndex` can be saved bucket by bucket and opened again without being rebuilt
(:meth:`TimeBucketedIndex.save` / :meth:`TimeBucketedIndex.open`; :mod:`babelwire.index_files` keeps
such files beside the store): an HNSW bucket opens as a memory-mapped, read-only view (about 2 ms for
19k vectors, against seconds to rebuild it) and is copied into memory only when a vector is added to it;
a bucket opens only when a search first reads it. Each save writes new files, never rewriting one, so a
reader's open view never changes under it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

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
        self._view = False  # the graph is a read-only view of a saved file
        self._file: Path | None = None  # a saved file not opened yet (see open)
        self._file_count = 0
        self._path: Path | None = None  # the file the view maps

    @classmethod
    def open(cls, path: str | Path, count: int, dim: int, **options: Any) -> UsearchIndex:
        """An index of the file :meth:`save` wrote, holding ``count`` vectors; the file is read on first use."""
        index = cls(dim, **options)
        index._exact = None
        index._file, index._file_count = Path(path), count
        return index

    def _open_file(self) -> None:
        """Read the saved file: exact vectors into memory, a graph as a memory-mapped view."""
        path, self._file = self._file, None
        assert path is not None
        if path.suffix == ".npz":
            with np.load(path) as saved:
                self._exact = ExactIndex(self.dim)
                self._exact.add(saved["keys"], saved["vectors"])
            return
        from usearch.index import Index

        self._graph = Index.restore(str(path), view=True)
        if self._graph is None:
            raise OSError(f"{path} is not a saved vector index")
        self._view, self._path = True, path

    def _writable_graph(self):
        """The graph, copied into memory first if it is a view (a view cannot grow)."""
        if self._view:
            from usearch.index import Index

            self._graph = Index.restore(str(self._path), view=False)
            self._view = False
        return self._graph

    def save(self, stem: str | Path) -> Path:
        """Write the index to ``stem`` plus a suffix (``.npz`` for exact vectors, ``.usearch`` for a graph);
        the path written."""
        if self._file is not None:
            self._open_file()
        if self._exact is not None:
            path = Path(f"{stem}.npz")
            size = len(self._exact)
            with open(path, "wb") as handle:  # a handle: np.savez would add its own suffix to a path
                np.savez(handle, keys=self._exact._keys[:size], vectors=self._exact._vectors[:size])
            return path
        path = Path(f"{stem}.usearch")
        self._graph.save(str(path))
        return path

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
        if self._file is not None:
            self._open_file()
        if self._exact is not None:
            self._exact.add(keys, vectors)
            if len(self._exact) >= self.exact_below:
                self._build_graph()
            return
        self._writable_graph().add(
            np.atleast_1d(np.asarray(keys, dtype=np.int64)),
            np.atleast_2d(np.asarray(vectors, dtype=np.float32)),
            threads=1,
        )

    def search(self, vector: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        if self._file is not None:
            self._open_file()
        if self._exact is not None:
            return self._exact.search(vector, count)
        matches = self._graph.search(np.asarray(vector, dtype=np.float32), count, threads=1)
        return np.asarray(matches.keys, dtype=np.int64), 1.0 - np.asarray(matches.distances, dtype=np.float32)

    def __len__(self) -> int:
        if self._file is not None:
            return self._file_count
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
        #: the buckets (``None``: the loose one) changed since they were opened or saved, and their saved files
        self._changed: set[int | None] = set()
        self._files: dict[int | None, str] = {}

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
            self._changed.add(None)
            return
        bucket = self._bucket_of(interval[0].timestamp())
        index = self._buckets.get(bucket)
        if index is None:
            index = self._buckets[bucket] = self.index_factory(self.dim)
        index.add(keys, vectors)
        self._changed.add(bucket)
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

    # --- saved to files ------------------------------------------------------------

    def save(self, directory: Path, tag: str) -> dict[str, Any]:
        """Write the buckets changed since the last save or open into ``directory`` (files named with ``tag``:
        new names each time); the layout that :meth:`open` takes.

        Only :class:`UsearchIndex` buckets can be saved (``TypeError`` otherwise).
        """
        for bucket in sorted(self._changed, key=lambda b: (b is not None, b or 0)):
            index = self._loose if bucket is None else self._buckets[bucket]
            if not isinstance(index, UsearchIndex):
                raise TypeError(f"a {type(index).__name__} cannot be saved")
            name = f"{'loose' if bucket is None else f'b{bucket}'}-{tag}"
            self._files[bucket] = index.save(directory / name).name
        self._changed.clear()
        return self.layout()

    def layout(self) -> dict[str, Any]:
        """The saved files of each bucket and their sizes, as :meth:`open` takes them (JSON-ready)."""
        def entry(bucket: int | None, index: VectorIndex) -> dict[str, Any]:
            return {"file": self._files[bucket], "count": len(index)}

        return {
            "width_s": None if math.isinf(self.width_s) else self.width_s,
            "widest_s": self._widest_s,
            "buckets": {str(bucket): entry(bucket, index) for bucket, index in sorted(self._buckets.items())},
            "loose": None if self._loose is None else entry(None, self._loose),
        }

    @classmethod
    def open(cls, dim: int, directory: Path, layout: dict[str, Any], **options: Any) -> TimeBucketedIndex:
        """The index :meth:`save` described in ``layout``; each bucket's file is read when first searched."""
        index = cls(dim, math.inf)
        index.width_s = math.inf if layout["width_s"] is None else float(layout["width_s"])
        index._widest_s = float(layout["widest_s"])

        def opened(entry: dict[str, Any]) -> UsearchIndex:
            return UsearchIndex.open(directory / entry["file"], int(entry["count"]), dim, **options)

        for bucket, entry in layout["buckets"].items():
            index._buckets[int(bucket)] = opened(entry)
            index._files[int(bucket)] = entry["file"]
        if layout["loose"] is not None:
            index._loose = opened(layout["loose"])
            index._files[None] = layout["loose"]["file"]
        return index
