"""Listing cost as the store grows: ``babelwire stories -n 10`` and the river page (``/``) on stores of 10k, 100k
(and, with ``--million``, 1M) articles, before and after the story summaries (issue #15).

Each store is generated straight into the schema (one SQLite transaction, no linking: synthetic stories of
geometric size, six languages, 40 outlets, a year of publication dates and of arrivals, hashing-encoder-sized
random vectors, a few syndicated copies, pages kept out of linking and merged stories), at schema version 6:
the store as the code before the summaries left it. Then, per store:

- *before*: the code of ``--before`` (default: ``main``'s ``src``, taken with ``git archive``) runs against it
  (schema 6: it reads every article);
- the code of this tree opens it once, which migrates it to the summaries (the backfill is timed) and, as a
  writer closing, refreshes the planner's statistics (``PRAGMA optimize``);
- *after*: this tree's code runs against it.

Measured each time: ``babelwire stories -n 10 --db …`` as a cold process (median of ``--runs``; an empty store's
time is the floor: imports and start-up), the store reads behind it and behind the river timed in one process
(``store.stories(limit=10)`` and ``articles_of_stories``; language counts, the count, a page of ids, its stories
and their articles), and ``GET /`` on a ``babelwire serve`` process (background reader
off) over HTTP on loopback, one client after another and then 20 at once: p50/p99 per request. Only SQLite is
measured here (``tests/test_store_summaries.py`` holds the PostgreSQL equivalence tests)::

    .venv/bin/python bench/scale.py                 # 10k and 100k
    .venv/bin/python bench/scale.py --sizes 10000   # one size
    .venv/bin/python bench/scale.py --million       # 1M too (about 3 GB of store and many minutes)
    .venv/bin/python bench/scale.py --sizes --million --before ''                   # 1M, the summaries only
    .venv/bin/python bench/scale.py --sizes --million --skip-after --runs 1 --requests 2  # 1M, main only
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from babelwire.store import MIGRATIONS
from common import REPO, format_table, log, machine, machine_line, make_parser
from page_latency import free_port, get_ms, percentile

#: the schema version the "before" code knows (the summaries are migration 7)
BEFORE_SCHEMA = 6
LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
#: the hashing encoder's name and size, so that the generated store opens with it
ENCODER_NAME, DIMENSIONS = "hashing-512-4", 512
SERVER_START_TIMEOUT_S = 300
ENV = {"BABELWIRE_ENCODER": "hashing", "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid",
       "BABELWIRE_READ_IN_BACKGROUND": "0", "BABELWIRE_READ_AT_INGEST": "0"}


def build_store(path: Path, count: int, seed: int = 7) -> dict[str, int]:
    """A schema-6 store of ``count`` generated articles at ``path``, written in one transaction; what it holds."""
    rng = random.Random(seed)
    vectors = np.random.default_rng(seed).standard_normal((256, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    blobs = [vector.tobytes() for vector in vectors]  # a few shared vectors: size matters here, not meaning
    connection = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:BEFORE_SCHEMA]:
        connection.executescript(migration)
    connection.execute(f"PRAGMA user_version={BEFORE_SCHEMA}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN")
    connection.execute("INSERT INTO meta (key, value) VALUES ('encoder', ?)", (ENCODER_NAME,))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    stories, articles, copies, kept_out, merged = [], [], 0, 0, 0
    story_id = 0
    while len(articles) < count:
        story_id += 1
        stamp = (start + timedelta(minutes=rng.randrange(365 * 24 * 60))).isoformat(timespec="seconds")
        if rng.random() < 0.01:  # a page kept out of linking: a story of its own
            size, reason = 1, "paywall"
            kept_out += 1
        else:
            size, reason = min(count - len(articles), 1 + int(rng.expovariate(1 / 3))), None
        day = start + timedelta(days=rng.randrange(365))
        words = " ".join(f"w{rng.randrange(10**6)}" for _ in range(8))
        stories.append((story_id, f"Story {story_id} {words[:30]}", stamp, stamp, None))
        originals: list[str] = []
        for member in range(size):
            article_id = f"s{story_id}-{member}"
            arrived = (datetime.fromisoformat(stamp) + timedelta(hours=member)).isoformat(timespec="seconds")
            published = (day + timedelta(hours=member)).date().isoformat() if rng.random() < 0.9 else None
            copy_of = rng.choice(originals) if originals and rng.random() < 0.05 else None
            copies += copy_of is not None
            text = f"Report {member} of story {story_id}: {words}. " * 4
            articles.append((
                article_id, f"https://outlet{rng.randrange(40)}.example/{article_id}", f"outlet{rng.randrange(40)}",
                "bench", f"Story {story_id} report {member}", text, rng.choice(LANGUAGES), 0.9, published,
                "header" if published else "none", int(published is not None), arrived,
                hashlib.sha1(text.encode()).hexdigest() + str(member), None if copy_of else blobs[rng.randrange(256)],
                story_id, None if member == 0 else 0.7, copy_of, 0.95 if copy_of else None, reason,
            ))
            if copy_of is None:
                originals.append(article_id)
        if story_id > 1 and rng.random() < 0.02:  # an earlier id folded into this story, as the linker does
            story_id += 1
            stories.append((story_id, "Merged away", stamp, stamp, story_id - 1))
            merged += 1
    connection.executemany(
        "INSERT INTO stories (id, title, created_at, updated_at, merged_into) VALUES (?, ?, ?, ?, ?)",
        [row for row in stories if row[4] is None],
    )
    connection.executemany(
        "INSERT INTO stories (id, title, created_at, updated_at, merged_into) VALUES (?, ?, ?, ?, ?)",
        [row for row in stories if row[4] is not None],
    )
    connection.executemany(
        "INSERT INTO articles (id, url, source, origin, title, text, language, language_confidence, published, "
        "published_source, published_reliable, ingested_at, content_hash, embedding, story_id, link_score, copy_of, "
        "copy_similarity, kept_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
    connection.execute("COMMIT")
    connection.close()
    return {"articles": len(articles), "stories": story_id - merged, "copies": copies, "kept_out": kept_out,
            "merged": merged}


def python(src: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run babelwire from ``src``."""
    return [sys.executable], {**os.environ, **ENV, "PYTHONPATH": str(src)}


def cli_ms(src: Path, *args: str) -> float:
    """Milliseconds of one cold ``babelwire`` process (from ``src``) with these arguments."""
    command, env = python(src)
    started = time.perf_counter()
    subprocess.run([*command, "-c", "from babelwire.cli import main; main()", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def migrate_s(src: Path, db: Path) -> float:
    """Seconds for this tree's code to open (migrate) and close (optimize) the store."""
    command, env = python(src)
    started = time.perf_counter()
    subprocess.run([*command, "-c", f"from babelwire.store import open_store; open_store({str(db)!r}).close()"],
                   env=env, check=True)
    return time.perf_counter() - started


#: what the river page and ``stories -n 10`` ask of the store, timed in one process (no imports, no titles)
STORE_READS = """
import json, statistics, sys, time
from babelwire.store import open_store
store = open_store(sys.argv[1])
times = {"stories -n 10 reads": [], "river reads": []}
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    found = store.stories(limit=10)
    store.articles_of_stories([story.id for story in found])
    times["stories -n 10 reads"].append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    store.language_counts()
    store.count_stories_matching()
    ids = store.find_story_ids(limit=20)
    store.stories(story_ids=ids)
    store.articles_of_stories(ids)
    times["river reads"].append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def store_reads(src: Path, db: Path, runs: int) -> dict[str, list[float]]:
    """Milliseconds of the store reads behind ``stories -n 10`` and the river, ``runs`` times in one process."""
    command, env = python(src)
    done = subprocess.run([*command, "-c", STORE_READS, str(db), str(runs)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


@contextmanager
def serving(src: Path, db: Path, ready_path: str = "/", env: dict[str, str] | None = None) -> Iterator[str]:
    """A ``babelwire serve`` (from ``src``) on ``db``, with the environment ``env`` (default: this bench's
    :data:`ENV`); yields its base URL once ``ready_path`` answers (that first request also pays the app's lazy
    imports), and stops it after."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from babelwire.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
        env={**os.environ, **(ENV if env is None else env), "PYTHONPATH": str(src)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                get_ms(base + ready_path)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start (status {server.poll()})") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)


def river(src: Path, db: Path, requests: int, clients: int) -> dict[str, list[float]]:
    """Latencies (ms) of ``GET /`` on a fresh ``babelwire serve`` (from ``src``): ``requests`` one after another,
    then ``clients`` at once, ``requests`` each after a warm-up request."""
    with serving(src, db) as base:
        url = base + "/"
        alone = [get_ms(url) for _ in range(requests)]
        with ThreadPoolExecutor(clients) as pool:
            together = list(pool.map(lambda _: get_ms(url), range(clients * max(1, requests // 4))))
    return {"1 client": alone, f"{clients} clients": together}


def measure(label: str, src: Path, db: Path, empty: Path, runs: int, requests: int, clients: int) -> list[list]:
    """Rows of the table for one code (``label``) on one store."""
    floor = statistics.median(cli_ms(src, "stories", "-n", "10", "--db", str(empty)) for _ in range(runs))
    cold = statistics.median(cli_ms(src, "stories", "-n", "10", "--db", str(db)) for _ in range(runs))
    rows = [[label, "stories -n 10 (cold process)", runs, cold, None, f"floor {floor:.0f} ms"]]
    for name, values in store_reads(src, db, 5 * runs).items():
        rows.append([label, f"{name} (in process)", len(values), percentile(values, 50), percentile(values, 99), ""])
    for name, values in river(src, db, requests, clients).items():
        rows.append([label, f"river / ({name})", len(values), percentile(values, 50), percentile(values, 99), ""])
    return rows


def before_source(ref: str, into: Path) -> Path:
    """``src`` of the git ``ref`` (e.g. ``main``), extracted under ``into`` (the working tree is not touched)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="store sizes (articles)")
    parser.add_argument("--million", action="store_true", help="also a store of 1M articles")
    parser.add_argument("--before", default="main", help="git ref of the code to compare with ('' to skip)")
    parser.add_argument("--skip-after", action="store_true", help="measure the --before code only (a long 1M run)")
    parser.add_argument("--runs", type=int, default=3, help="cold CLI processes per measurement (the median)")
    parser.add_argument("--requests", type=int, default=12, help="river requests by the single client")
    parser.add_argument("--clients", type=int, default=20, help="concurrent river clients")
    args = parser.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    info = machine()
    after_src = REPO / "src"
    results: list[dict] = []
    rows: list[list] = []
    with tempfile.TemporaryDirectory(prefix="babelwire-scale-") as folder:
        work = Path(folder)
        before_src = before_source(args.before, work) if args.before else None
        empty = work / "empty.db"
        build_store(empty, 0)
        migrate_s(after_src, empty)
        for size in sizes:
            db = work / f"store-{size}.db"
            started = time.perf_counter()
            held = build_store(db, size)
            log(f"{size}: built {held} in {time.perf_counter() - started:.0f} s")
            size_rows = []
            if before_src is not None:
                before_empty = work / "empty-before.db"
                if not before_empty.exists():
                    build_store(before_empty, 0)
                size_rows += measure("before", before_src, db, before_empty, args.runs, args.requests, args.clients)
            if not args.skip_after:
                migration = migrate_s(after_src, db)
                log(f"{size}: migrated to the summaries in {migration:.1f} s")
                size_rows += measure("after", after_src, db, empty, args.runs, args.requests, args.clients)
                size_rows.append(["after", "migration 7 (backfill + optimize)", 1, migration * 1000, None, ""])
            rows += [[f"{held['articles']:,}", *row] for row in size_rows]
            results.append({"size": size, "store": held, "rows": size_rows})
            log(format_table(["articles", "code", "what", "n", "p50 ms", "p99 ms", "note"], rows[-len(size_rows):]))
            db.unlink()
    if args.json:
        print(json.dumps({"machine": info, "results": results}, indent=2))
        return
    print(machine_line(info) + f" | load average {os.getloadavg()[0]:.2f} at end")
    print(format_table(["articles", "code", "what", "n", "p50 ms", "p99 ms", "note"], rows,
                       title="Listing cost as the store grows (p50 of stories -n 10 is the median of cold runs)"))


if __name__ == "__main__":
    main()
