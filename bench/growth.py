"""Linking cost as the store grows: ms per ``StoryLinker.link`` call at 10k, 100k and 1M stored articles.

Synthetic 384-d unit vectors clustered like news: each story has a random centre,
its articles are unit(centre + noise) (cosine ≈ 0.7 to the centre), story sizes
are geometric (many singletons, a few large stories), articles of one story arrive
close together, and each article gets one of five languages (so the
same-language offset applies). Articles are undated: no time-window pruning, the
worst case for the number of candidate stories.

A :class:`babelwire.linking.StoryLinker` with the default ``UsearchIndex`` (exact
below 20k vectors, HNSW above) is filled with ``StoryLinker.load``; while filling,
a thin wrapper passes the vectors to the index in chunks instead of one by one (the
fill is timed and reported, but it is not what is measured). At each size, the
benchmark times ``link()`` — search, scoring, and insertion into the index — for
further articles (70 % continuing an existing story, 30 % new), then ``nearest()``
alone for the same vectors, and reports mean/p50/p99 ms, the share of articles
linked as intended, and memory (peak RSS from ``resource.getrusage``, current
RSS, and the index's own footprint).

Run from the repo root (the full run builds a 1M-vector HNSW graph: several minutes)::

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--probe 1000] [--limit N] [--json]

``--limit N`` keeps only the sizes up to N (a quick run: ``--limit 100000``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from babelwire.index import UsearchIndex
from babelwire.linking import StoryLinker
from babelwire.settings import Settings
from common import current_rss_mib, emit, format_table, log, machine, make_parser, peak_rss_mib, timed

DIM = 384
LANGUAGES = ("en", "de", "fr", "es", "ru")
DEFAULT_SIZES = "10000,100000,1000000"


# --- synthetic news ------------------------------------------------------------------------


@dataclass
class SyntheticNews:
    """Clustered unit vectors: story centres, noisy members, geometric story sizes, local arrival order."""

    total: int
    mean_story_size: float = 8.0
    noise: float = 1.0
    seed: int = 0
    rng: np.random.Generator = field(init=False)
    labels: np.ndarray = field(init=False)
    centres: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        sizes = self.rng.geometric(1.0 / self.mean_story_size, size=int(self.total / self.mean_story_size) + 1000)
        labels = np.repeat(np.arange(len(sizes)), sizes)[: self.total]
        for start in range(0, self.total, 1000):  # interleave the stories running at the same time
            self.rng.shuffle(labels[start : start + 1000])
        self.labels = labels
        self.centres = self.unit(self.rng.standard_normal((int(labels.max()) + 1, DIM), dtype=np.float32))

    @staticmethod
    def unit(matrix: np.ndarray) -> np.ndarray:
        return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)

    def members(self, centres: np.ndarray) -> np.ndarray:
        """One article vector per centre row: unit(centre + noise · g/√d)."""
        jitter = self.rng.standard_normal(centres.shape, dtype=np.float32) * (self.noise / np.sqrt(DIM))
        return self.unit(centres + jitter).astype(np.float32)

    def new_centre(self) -> np.ndarray:
        return self.unit(self.rng.standard_normal(DIM, dtype=np.float32))

    def language(self) -> str:
        return LANGUAGES[int(self.rng.integers(len(LANGUAGES)))]


# --- bulk filling through the public protocol ---------------------------------------------------


class ChunkedFillIndex:
    """A ``VectorIndex`` that, while ``filling``, buffers single adds and passes them on in chunks."""

    def __init__(self, inner: UsearchIndex, chunk: int = 50_000):
        self.inner = inner
        self.chunk = chunk
        self.filling = False
        self._keys: list[np.ndarray] = []
        self._vectors: list[np.ndarray] = []

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if not self.filling:
            self.inner.add(keys, vectors)
            return
        self._keys.append(np.atleast_1d(keys))
        self._vectors.append(np.atleast_2d(vectors))
        if len(self._keys) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if self._keys:
            self.inner.add(np.concatenate(self._keys), np.concatenate(self._vectors))
            self._keys, self._vectors = [], []

    def search(self, vector: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        self.flush()
        return self.inner.search(vector, count)

    def __len__(self) -> int:
        return len(self.inner) + sum(len(keys) for keys in self._keys)

    def memory_bytes(self) -> int:
        """The index's own footprint: usearch's ``memory_usage``, or the exact arrays below the HNSW threshold.

        ``UsearchIndex`` exposes neither, so this reads its two private fields.
        """
        graph, exact = getattr(self.inner, "_graph", None), getattr(self.inner, "_exact", None)
        if graph is not None:
            return int(graph.memory_usage)
        return int(exact._vectors.nbytes + exact._keys.nbytes) if exact is not None else 0


@dataclass
class Bench:
    """The linker under test, its index wrapper, the data, and the story ids handed out so far."""

    news: SyntheticNews
    settings: Settings
    index: ChunkedFillIndex = field(init=False)
    linker: StoryLinker = field(init=False)
    story_ids: dict[int, int] = field(default_factory=dict)  # synthetic label -> linker story id
    cursor: int = 0  # next synthetic article to load

    def __post_init__(self) -> None:
        def factory(dim: int) -> ChunkedFillIndex:
            self.index = ChunkedFillIndex(UsearchIndex(dim))
            return self.index

        self.linker = StoryLinker(self.settings, DIM, factory)

    def story_id(self, label: int) -> int:
        if label not in self.story_ids:
            self.story_ids[label] = self.linker.next_story_id
        return self.story_ids[label]

    def fill(self, size: int, batch: int = 20_000) -> float:
        """Load synthetic articles until the linker holds ``size``; returns the seconds it took."""
        self.index.filling = True
        with timed() as watch:
            while len(self.linker) < size:
                count = min(batch, size - len(self.linker))
                labels = self.news.labels[self.cursor : self.cursor + count]
                vectors = self.news.members(self.news.centres[labels])
                for label, vector in zip(labels.tolist(), vectors, strict=True):
                    self.linker.load(len(self.linker) + 1, vector, self.story_id(label), None, self.news.language())
                self.cursor += count
                self.index.flush()
                log(f"  filled {len(self.linker):,}")
            self.index.filling = False
        return watch.seconds


# --- measuring -----------------------------------------------------------------------------------


def probes(bench: Bench, count: int) -> Iterator[tuple[np.ndarray, int | None]]:
    """Further articles: 70 % continue a story already loaded (its id), 30 % start a new one (``None``)."""
    loaded = np.array(list(bench.story_ids), dtype=np.int64)
    for _ in range(count):
        if bench.news.rng.random() < 0.7:
            label = int(loaded[bench.news.rng.integers(len(loaded))])
            yield bench.news.members(bench.news.centres[label][None, :])[0], bench.story_ids[label]
        else:
            yield bench.news.members(bench.news.new_centre()[None, :])[0], None


def measure(bench: Bench, count: int) -> dict[str, float]:
    """Time ``link()`` for ``count`` further articles, then ``nearest()`` alone for the same vectors."""
    link_ns, vectors, intended = [], [], 0
    for vector, story in probes(bench, count):
        key = len(bench.linker) + 1
        started = time.perf_counter_ns()
        decision = bench.linker.link(key, f"probe-{key}", vector, None, bench.news.language())
        link_ns.append(time.perf_counter_ns() - started)
        intended += decision.new_story if story is None else decision.story_id == story
        vectors.append(vector)
    search_ns = []
    for vector in vectors:
        started = time.perf_counter_ns()
        bench.linker.nearest(vector, bench.settings.link_neighbours)
        search_ns.append(time.perf_counter_ns() - started)
    link_ms, search_ms = np.array(link_ns) / 1e6, np.array(search_ns) / 1e6
    return {
        "link_mean_ms": float(link_ms.mean()), "link_p50_ms": float(np.percentile(link_ms, 50)),
        "link_p99_ms": float(np.percentile(link_ms, 99)), "link_max_ms": float(link_ms.max()),
        "search_mean_ms": float(search_ms.mean()), "search_p99_ms": float(np.percentile(search_ms, 99)),
        "as_intended": intended / count,
    }


def run(sizes: list[int], probe: int, seed: int) -> list[dict]:
    news = SyntheticNews(total=max(sizes), seed=seed)
    bench = Bench(news, Settings())
    rows = []
    for size in sizes:
        log(f"filling to {size:,} …")
        fill_seconds = bench.fill(size)
        stored = len(bench.linker)
        log(f"measuring {probe} link() calls at {stored:,} …")
        row = {"stored": stored, "stories": len(set(bench.story_ids.values())), "fill_seconds": fill_seconds,
               **measure(bench, probe)}
        row.update(index_mib=bench.index.memory_bytes() / 2**20, rss_mib=current_rss_mib(), peak_rss_mib=peak_rss_mib())
        rows.append(row)
    return rows


HEADERS = ("stored", "stories loaded", "fill s", "link mean ms", "p50", "p99", "max", "nearest mean ms", "p99",
           "as intended", "index MiB", "RSS MiB", "peak RSS MiB")


def table(rows: list[dict], probe: int, settings: Settings) -> str:
    body = [
        [row["stored"], row["stories"], f"{row['fill_seconds']:.1f}", row["link_mean_ms"], row["link_p50_ms"],
         row["link_p99_ms"], row["link_max_ms"], row["search_mean_ms"], row["search_p99_ms"],
         f"{100 * row['as_intended']:.1f} %", f"{row['index_mib']:.0f}", f"{row['rss_mib']:.0f}",
         f"{row['peak_rss_mib']:.0f}"]
        for row in rows
    ]
    title = (
        f"StoryLinker.link() on synthetic clustered 384-d vectors, {probe} further articles per size "
        f"(link_neighbours={settings.link_neighbours}; exact search below 20k, usearch HNSW above)"
    )
    note = ("'fill s': time to load the articles up to that size (cumulative fill is the sum); "
            "'as intended': joined the story it was drawn from, or started a new one.")
    return format_table(HEADERS, body, title) + "\n" + note


def main() -> None:
    parser = make_parser(__doc__, "keep only the sizes up to N (quick run)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated store sizes (default {DEFAULT_SIZES})")
    parser.add_argument("--probe", type=int, default=1000, help="link() calls measured at each size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    sizes = [size for size in sizes if not args.limit or size <= args.limit] or [args.limit]
    info = machine()
    rows = run(sizes, args.probe, args.seed)
    emit({"machine": info, "probe": args.probe, "rows": rows}, [table(rows, args.probe, Settings())], args.json)


if __name__ == "__main__":
    main()
