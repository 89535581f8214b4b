"""Linking cost as the store grows: ms per ``StoryLinker.link`` call at 10k, 100k and 1M stored articles.

Synthetic 384-d unit vectors clustered like news: each story has a random centre,
its articles are unit(centre + noise) (cosine ≈ 0.7 to the centre), story sizes
are geometric (many singletons, a few large stories), articles of one story arrive
close together, and each article gets one of five languages (so the
same-language offset applies).

Articles are dated: the largest size arrives evenly over ``--days`` (365 by
default: 1M articles a year is 2,700 a day), in order, so the linker's time
buckets prune the search to the weeks around each new article. ``--undated``
drops the dates, the worst case: no pruning, every search reads the whole store.

A :class:`babelwire.linking.StoryLinker` with the default ``UsearchIndex`` (exact
below 5k vectors, HNSW above) per time bucket is filled with ``StoryLinker.load``;
while filling, a thin wrapper passes the vectors to each index in chunks instead
of one by one (the fill is timed and reported, but it is not what is measured).
At each size, the benchmark times ``link()`` — search, scoring, and insertion
into the index — for further articles published just after the last stored one
(70 % continuing a story of the last link window, 30 % new), then ``nearest()``
alone for the same vectors and dates, and reports mean/p50/p99 ms, the share of
articles linked as intended, and memory (peak RSS from ``resource.getrusage``,
current RSS, and the indexes' own footprint).

Run from the repo root (the full run builds 1M vectors into HNSW graphs: several minutes)::

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--probe 1000] [--days 365] [--undated]
                                     [--limit N] [--json]

``--limit N`` keeps only the sizes up to N (a quick run: ``--limit 100000``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from babelwire.index import UsearchIndex
from babelwire.linking import StoryLinker
from babelwire.settings import Settings
from common import current_rss_mib, emit, format_table, log, machine, make_parser, peak_rss_mib, timed

DIM = 384
LANGUAGES = ("en", "de", "fr", "es", "ru")
DEFAULT_SIZES = "10000,100000,1000000"
START = datetime(2025, 1, 1, tzinfo=UTC)


# --- synthetic news ------------------------------------------------------------------------


@dataclass
class SyntheticNews:
    """Clustered unit vectors: story centres, noisy members, geometric story sizes, local arrival order."""

    total: int
    days: float | None = 365.0  # the whole stream's time span; None: undated
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

    def interval(self, position: float) -> tuple[datetime, datetime] | None:
        """The publication moment of the article at ``position`` in the stream (evenly spread)."""
        if self.days is None:
            return None
        moment = START + timedelta(days=self.days * position / self.total)
        return moment, moment

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
    indexes: list[ChunkedFillIndex] = field(default_factory=list)  # one per time bucket
    linker: StoryLinker = field(init=False)
    story_ids: dict[int, int] = field(default_factory=dict)  # synthetic label -> linker story id
    cursor: int = 0  # next synthetic article to load
    filling: bool = False

    def __post_init__(self) -> None:
        def factory(dim: int) -> ChunkedFillIndex:
            index = ChunkedFillIndex(UsearchIndex(dim))
            index.filling = self.filling
            self.indexes.append(index)
            return index

        self.linker = StoryLinker(self.settings, DIM, factory)

    def set_filling(self, filling: bool) -> None:
        self.filling = filling
        for index in self.indexes:
            index.filling = filling
            index.flush()

    def memory_bytes(self) -> int:
        return sum(index.memory_bytes() for index in self.indexes)

    def recent_labels(self) -> np.ndarray:
        """Stories a further article may continue: those of the last link window (all, when undated)."""
        if self.news.days is None:
            return np.array(list(self.story_ids), dtype=np.int64)
        per_day = self.news.total / self.news.days
        since = max(0, self.cursor - int(self.settings.link_window_days * per_day))
        return np.unique(self.news.labels[since : self.cursor])

    def story_id(self, label: int) -> int:
        if label not in self.story_ids:
            self.story_ids[label] = self.linker.next_story_id
        return self.story_ids[label]

    def fill(self, size: int, batch: int = 20_000) -> float:
        """Load synthetic articles until the linker holds ``size``; returns the seconds it took."""
        self.set_filling(True)
        with timed() as watch:
            while len(self.linker) < size:
                count = min(batch, size - len(self.linker))
                labels = self.news.labels[self.cursor : self.cursor + count]
                vectors = self.news.members(self.news.centres[labels])
                for offset, (label, vector) in enumerate(zip(labels.tolist(), vectors, strict=True)):
                    interval = self.news.interval(self.cursor + offset)
                    self.linker.load(len(self.linker) + 1, vector, self.story_id(label), interval, self.news.language())
                self.cursor += count
                log(f"  filled {len(self.linker):,}")
            self.set_filling(False)
        return watch.seconds


# --- measuring -----------------------------------------------------------------------------------


def probes(bench: Bench, count: int) -> Iterator[tuple[np.ndarray, int | None]]:
    """Further articles: 70 % continue a recent story (its id), 30 % start a new one (``None``)."""
    loaded = bench.recent_labels()
    for _ in range(count):
        if bench.news.rng.random() < 0.7:
            label = int(loaded[bench.news.rng.integers(len(loaded))])
            yield bench.news.members(bench.news.centres[label][None, :])[0], bench.story_ids[label]
        else:
            yield bench.news.members(bench.news.new_centre()[None, :])[0], None


def measure(bench: Bench, count: int) -> dict[str, float]:
    """Time ``link()`` for ``count`` further articles, then ``nearest()`` alone for the same vectors."""
    link_ns, queries, intended = [], [], 0
    interval = bench.news.interval(bench.cursor)  # just after the last stored article
    for vector, story in probes(bench, count):
        key = len(bench.linker) + 1
        started = time.perf_counter_ns()
        decision = bench.linker.link(key, f"probe-{key}", vector, interval, bench.news.language())
        link_ns.append(time.perf_counter_ns() - started)
        intended += decision.new_story if story is None else decision.story_id == story
        queries.append(vector)
    search_ns = []
    for vector in queries:
        started = time.perf_counter_ns()
        bench.linker.nearest(vector, bench.settings.link_neighbours, interval)
        search_ns.append(time.perf_counter_ns() - started)
    link_ms, search_ms = np.array(link_ns) / 1e6, np.array(search_ns) / 1e6
    return {
        "link_mean_ms": float(link_ms.mean()), "link_p50_ms": float(np.percentile(link_ms, 50)),
        "link_p99_ms": float(np.percentile(link_ms, 99)), "link_max_ms": float(link_ms.max()),
        "search_mean_ms": float(search_ms.mean()), "search_p99_ms": float(np.percentile(search_ms, 99)),
        "as_intended": intended / count,
    }


def run(sizes: list[int], probe: int, seed: int, days: float | None) -> list[dict]:
    news = SyntheticNews(total=max(sizes), days=days, seed=seed)
    bench = Bench(news, Settings())
    rows = []
    for size in sizes:
        log(f"filling to {size:,} …")
        fill_seconds = bench.fill(size)
        stored = len(bench.linker)
        log(f"measuring {probe} link() calls at {stored:,} …")
        row = {"stored": stored, "stories": len(set(bench.story_ids.values())), "fill_seconds": fill_seconds,
               **measure(bench, probe)}
        row.update(buckets=len(bench.indexes), index_mib=bench.memory_bytes() / 2**20,
                   rss_mib=current_rss_mib(), peak_rss_mib=peak_rss_mib())
        rows.append(row)
    return rows


HEADERS = ("stored", "stories loaded", "buckets", "fill s", "link mean ms", "p50", "p99", "max", "nearest mean ms",
           "p99", "as intended", "index MiB", "RSS MiB", "peak RSS MiB")


def table(rows: list[dict], probe: int, settings: Settings, days: float | None, total: int) -> str:
    body = [
        [row["stored"], row["stories"], row["buckets"], f"{row['fill_seconds']:.1f}", row["link_mean_ms"],
         row["link_p50_ms"], row["link_p99_ms"], row["link_max_ms"], row["search_mean_ms"], row["search_p99_ms"],
         f"{100 * row['as_intended']:.1f} %", f"{row['index_mib']:.0f}", f"{row['rss_mib']:.0f}",
         f"{row['peak_rss_mib']:.0f}"]
        for row in rows
    ]
    dating = "undated (no time pruning)" if days is None else f"{total:,} articles over {days:g} days"
    title = (
        f"StoryLinker.link() on synthetic clustered 384-d vectors, {dating}, {probe} further articles per size "
        f"(link_neighbours={settings.link_neighbours}, link_window_days={settings.link_window_days:g}; "
        "per time bucket: exact search below 5k, usearch HNSW above)"
    )
    note = ("'fill s': time to load the articles up to that size (cumulative fill is the sum); "
            "'as intended': joined the story it was drawn from, or started a new one.")
    return format_table(HEADERS, body, title) + "\n" + note


def main() -> None:
    parser = make_parser(__doc__, "keep only the sizes up to N (quick run)")
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated store sizes (default {DEFAULT_SIZES})")
    parser.add_argument("--probe", type=int, default=1000, help="link() calls measured at each size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--days", type=float, default=365.0, help="time span of the largest size (default 365)")
    parser.add_argument("--undated", action="store_true", help="no dates: the worst case, no time pruning")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    sizes = [size for size in sizes if not args.limit or size <= args.limit] or [args.limit]
    days = None if args.undated else args.days
    info = machine()
    rows = run(sizes, args.probe, args.seed, days)
    report = table(rows, args.probe, Settings(), days, max(sizes))
    emit({"machine": info, "probe": args.probe, "days": days, "rows": rows}, [report], args.json)


if __name__ == "__main__":
    main()
