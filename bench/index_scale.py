"""Cold ``search`` and ``ingest`` of one file on large stores: the vector index rebuilt in each process
(the code of ``--before``) against the index opened from its saved files (this tree), issue #15.

Each store is generated straight into the schema (version 6, then migrated by each code), like
``bench/scale.py``'s (synthetic stories of geometric size over a year, six languages, kept-out pages and
copies), but with a vector of its own per article (its story's direction plus noise, hashing-encoder-sized),
so that the HNSW graphs are the size and shape real ones are. Copy signatures are left out (the copy
detector's cost is another bench's).

Per store and per code, each a cold process (``/usr/bin/time``: wall, CPU, peak RSS):

- ``search`` of a query (the index of the whole year is read: a query has no date);
- ``ingest`` of one small article file dated inside the year (no reading, no watch-lists);
- with ``--serve``: ``GET /api/search`` on a ``babelwire serve``, twice, then once more right after another
  process ingested a file (the server takes the new state in before it answers).

For this tree the first ``search`` builds the index and saves it (``STORE.vectors``, timed apart), then the
measured runs open it. The ``before`` code rebuilds it in every process::

    .venv/bin/python bench/index_scale.py                       # 10k and 100k, before = main
    .venv/bin/python bench/index_scale.py --sizes 100000 --before e438523
    .venv/bin/python bench/index_scale.py --sizes --million --before ''    # 1M, this tree only
    .venv/bin/python bench/index_scale.py --sizes --million --before e36da14 --before-opens-saved
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from babelwire.store import MIGRATIONS
from common import format_table, log, machine, machine_line, make_parser
from scale import BEFORE_SCHEMA, DIMENSIONS, ENCODER_NAME, ENV, LANGUAGES, before_source, serving

#: the copy detector's meta key: set, so that no process signs the generated articles first
SIGNED_KEY = "copies.signatures_backfilled"
QUERY = "flooding in the river valley after days of rain"
ARTICLE = """date 2025-06-14
source Bench Gazette
url https://bench.example/news/valley-floods
title Floods in the valley after days of rain

The river burst its banks on Saturday after four days of rain, flooding the lower town and cutting the
road to the valley. Firefighters evacuated two hundred residents overnight, the mayor said, and the army
sent boats. Forecasters expect the rain to ease on Monday.
"""


def build_store(path: Path, count: int, seed: int = 11) -> dict[str, int]:
    """A store of ``count`` generated articles at ``path``, in this tree's schema; what it holds."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    connection = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:BEFORE_SCHEMA]:
        connection.executescript(migration)
    connection.execute(f"PRAGMA user_version={BEFORE_SCHEMA}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                           [("encoder", ENCODER_NAME), (SIGNED_KEY, "1")])
    start = datetime(2025, 1, 1, tzinfo=UTC)
    held = {"articles": 0, "stories": 0, "linked": 0}
    articles: list[tuple] = []
    stories: list[tuple] = []
    while held["articles"] < count:
        held["stories"] += 1
        story_id = held["stories"]
        stamp = (start + timedelta(minutes=rng.randrange(365 * 24 * 60))).isoformat(timespec="seconds")
        kept_out = "paywall" if rng.random() < 0.01 else None
        size = 1 if kept_out else min(count - held["articles"], 1 + int(rng.expovariate(1 / 3)))
        day = start + timedelta(days=rng.randrange(365))
        direction = noise.standard_normal(DIMENSIONS).astype(np.float32)
        vectors = direction + 0.8 * noise.standard_normal((size, DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(8))
        stories.append((story_id, f"Story {story_id} {words[:30]}", stamp, stamp))
        originals: list[str] = []
        for member in range(size):
            article_id = f"s{story_id}-{member}"
            published = (day + timedelta(hours=member)).date().isoformat() if rng.random() < 0.9 else None
            copy_of = rng.choice(originals) if originals and rng.random() < 0.05 else None
            text = f"Report {member} of story {story_id}: {words}. " * 4
            articles.append((
                article_id, f"https://outlet{rng.randrange(40)}.example/{article_id}", f"outlet{rng.randrange(40)}",
                "bench", f"Story {story_id} report {member}", text, rng.choice(LANGUAGES), 0.9, published,
                "header" if published else "none", int(published is not None), stamp,
                hashlib.sha1(text.encode()).hexdigest() + str(member),
                None if copy_of else vectors[member].tobytes(), story_id, None if member == 0 else 0.7, copy_of,
                0.95 if copy_of else None, kept_out,
            ))
            held["linked"] += copy_of is None and kept_out is None
            if copy_of is None:
                originals.append(article_id)
        held["articles"] += size
        if len(articles) >= 50_000:
            _write(connection, stories, articles)
    _write(connection, stories, articles)
    connection.execute("COMMIT")
    connection.close()
    return held


#: opens a store with one code's babelwire: its migrations (and their backfills) run, and the copy bands are
#: cut where that code has them (no signatures here: quick), so that no measured process pays either
PREPARE = """
import sys
from babelwire.settings import Settings
from babelwire.store import open_store
store = open_store(sys.argv[1])
try:
    from babelwire.copies import backfill_bands, band_layout
except ImportError:
    pass
else:
    backfill_bands(store, band_layout(Settings().copy_threshold, Settings().copy_num_perm))
store.close()
"""


def prepare(src: Path, db: Path) -> None:
    """Bring the store up to the schema of the code in ``src`` before that code is measured on it."""
    subprocess.run([sys.executable, "-c", PREPARE, str(db)], env={**os.environ, **ENV, "PYTHONPATH": str(src)},
                   check=True)


def _write(connection: sqlite3.Connection, stories: list[tuple], articles: list[tuple]) -> None:
    connection.executemany("INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)", stories)
    connection.executemany(
        "INSERT INTO articles (id, url, source, origin, title, text, language, language_confidence, published, "
        "published_source, published_reliable, ingested_at, content_hash, embedding, story_id, link_score, copy_of, "
        "copy_similarity, kept_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
    stories.clear()
    articles.clear()


def cold(src: Path, *args: str) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one cold ``babelwire`` process run from ``src``."""
    env = {**os.environ, **ENV, "PYTHONPATH": str(src)}
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "-c", "from babelwire.cli import main; main()",
         *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, user, system, rss_kib = done.stderr.strip().splitlines()[-1].split()
    return {"wall_s": float(wall), "cpu_s": float(user) + float(system), "rss_mib": int(rss_kib) / 1024}


def measure(label: str, src: Path, db: Path, article: Path, runs: int, serve: bool) -> list[list]:
    """Rows for one code on one store: medians of ``runs`` cold searches and ingests (a fresh copy each)."""
    rows = []
    searches = [cold(src, "search", QUERY, "--db", str(db)) for _ in range(runs)]
    rows.append([label, "search (cold process)", runs, *_medians(searches)])
    log(f"{label}: {rows[-1]}")
    ingests = []
    for run in range(runs):
        copy = db.with_name(f"{db.stem}-ingest{run}.db")
        shutil.copy(db, copy)
        if db.with_name(f"{db.name}.vectors").exists():
            shutil.copytree(db.with_name(f"{db.name}.vectors"), copy.with_name(f"{copy.name}.vectors"))
        # the copy is gigabytes of dirty pages at 1M: written out now, not by the ingest's first fsync (SQLite's
        # checkpoint), which would time the bench's own copy (about 0.7 s of the ingest's wall time at 1M)
        os.sync()
        ingests.append(cold(src, "ingest", str(article), "--db", str(copy)))
        copy.unlink()
        shutil.rmtree(copy.with_name(f"{copy.name}.vectors"), ignore_errors=True)
    rows.append([label, "ingest one file (cold process)", runs, *_medians(ingests)])
    log(f"{label}: {rows[-1]}")
    if serve:
        served = db.with_name(f"{db.stem}-served.db")
        shutil.copy(db, served)
        if db.with_name(f"{db.name}.vectors").exists():
            shutil.copytree(db.with_name(f"{db.name}.vectors"), served.with_name(f"{served.name}.vectors"))
        first, second, after = serve_after_ingest(src, served, article)
        served.unlink()
        shutil.rmtree(served.with_name(f"{served.name}.vectors"), ignore_errors=True)
        for name, value in (("first", first), ("second", second), ("after another process's ingest", after)):
            rows.append([label, f"serve: /api/search, {name}", 1, value / 1000, None, None])
    return rows


def serve_after_ingest(src: Path, db: Path, article: Path) -> list[float]:
    """Milliseconds of ``GET /api/search`` on a ``babelwire serve`` (from ``src``): the first search, a second,
    and one right after another process ingested a file into the store (the server must take it in)."""
    with serving(src, db, "/api/stories?limit=1", ENV) as base:
        url = f"{base}/api/search?q={urllib.parse.quote(QUERY)}&min_score=0"
        first, second = slow_get_ms(url), slow_get_ms(url)
        cold(src, "ingest", str(article), "--db", str(db))
        return [first, second, slow_get_ms(url)]


def slow_get_ms(url: str) -> float:
    """Milliseconds to fetch ``url``, however long it takes (a rebuild at 1M takes minutes)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=3600) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _medians(runs: list[dict[str, float]]) -> list[float]:
    return [statistics.median(run[key] for run in runs) for key in ("wall_s", "cpu_s", "rss_mib")]


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="store sizes (articles)")
    parser.add_argument("--million", action="store_true", help="also a store of 1M articles")
    parser.add_argument("--before", default="main", help="git ref of the code to compare with ('' to skip)")
    parser.add_argument("--runs", type=int, default=3, help="cold processes per measurement (the median)")
    parser.add_argument("--before-opens-saved", action="store_true",
                        help="the --before code opens saved index files too: measure it after this tree's first "
                             "search saved them (both codes then open the same files)")
    parser.add_argument("--serve", nargs="?", const="both", choices=["both", "after"],
                        help="also a server's search after another process's ingest (of both codes, or this tree's)")
    args = parser.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    info = machine()
    after_src = Path(__file__).resolve().parent.parent / "src"
    headers = ["articles", "code", "what", "n", "wall s", "CPU s", "peak RSS MiB"]
    rows: list[list] = []
    results = []
    with tempfile.TemporaryDirectory(prefix="babelwire-index-scale-") as folder:
        work = Path(folder)
        before_src = before_source(args.before, work) if args.before else None
        article = work / "valley.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        for size in sizes:
            db = work / f"store-{size}.db"
            started = time.perf_counter()
            held = build_store(db, size)
            log(f"{size}: built {held} in {time.perf_counter() - started:.0f} s")
            size_rows = []
            if before_src is not None and not args.before_opens_saved:
                prepare(before_src, db)
                size_rows += measure("before", before_src, db, article, args.runs, args.serve == "both")
            prepare(after_src, db)
            first = cold(after_src, "search", QUERY, "--db", str(db))  # builds and saves the index
            size_rows.append(["after", "first search (builds and saves the index)", 1,
                              first["wall_s"], first["cpu_s"], first["rss_mib"]])
            if before_src is not None and args.before_opens_saved:
                size_rows += measure("before", before_src, db, article, args.runs, args.serve == "both")
            size_rows += measure("after", after_src, db, article, args.runs, args.serve is not None)
            saved = sum(path.stat().st_size for path in db.with_name(f"{db.name}.vectors").iterdir())
            size_rows.append(["after", f"saved index: {saved / 2**20:.0f} MiB", 1, None, None, None])
            rows += [[f"{held['articles']:,}", *row] for row in size_rows]
            results.append({"size": size, "store": held, "rows": size_rows})
            log(format_table(headers, rows[-len(size_rows):]))
            db.unlink()
            shutil.rmtree(db.with_name(f"{db.name}.vectors"), ignore_errors=True)
    if args.json:
        print(json.dumps({"machine": info, "results": results}, indent=2))
        return
    print(machine_line(info) + f" | load average {os.getloadavg()[0]:.2f} at end")
    print(format_table(headers, rows, title="Cold search and ingest as the store grows (medians of cold processes)"))


if __name__ == "__main__":
    main()
