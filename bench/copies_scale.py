"""Copy detection on a large store: the in-memory detector (every signature loaded) against the store's LSH bands.

Builds a SQLite store of N originals (default 100k) straight into the schema, each with a random 64-value MinHash
signature and its band rows (``copy_bands``), as a store that ingested them would hold; one of them is a real
wire text whose reprint the measured runs must find. No article has a vector: the linker loads nothing, so what
is measured is copy detection (the linker's own load is another issue's). Then, each in a cold child process:

- ``baseline``: imports, the store opened and the probe fingerprinted: the floor of the two runs below;
- ``match``: the detector made as the tracker makes it (signature backfill check, ``bind``) and asked for the
  probe's original: ``MinHashCopyDetector`` (``memory``) against ``StoreCopyDetector`` (``bands``);
- ``ingest``: ``Tracker.ingest`` of one small JSONL file (a reprint, an exact copy and three new articles), on
  a copy of the store, with either detector;
- ``backfill``: the bands dropped and written again from the stored signatures (``backfill_bands``), the
  one-time cost of the schema-9 migration.

Measured: CPU seconds (user + system) and peak RSS of each child, and the wall time::

    .venv/bin/python bench/copies_scale.py             # 100k originals
    .venv/bin/python bench/copies_scale.py --size 20000
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from babelwire.copies import BAND_LAYOUT_KEY, BANDS_DONE_KEY, MinHashSigner, band_layout, signature_band_rows
from babelwire.store import MIGRATIONS
from babelwire.types import Article
from common import REPO, emit, format_table, log, machine, make_parser
from scale import ENCODER_NAME, ENV

WIRE = (
    "The harbour authority of Port Alvera closed the northern shipping lane on Tuesday after a cargo ship lost "
    "power and drifted onto a sandbank near the lighthouse. Tugboats tried for six hours to pull the vessel free "
    "before the tide turned. Nobody was hurt, the authority said, and no fuel has leaked. Around forty ships are "
    "waiting at anchor outside the harbour, and the fishing cooperative warned that fresh catches could spoil if "
    "the lane stays closed until the weekend. Engineers will inspect the hull on Wednesday morning."
)
REPRINT = WIRE.replace("Engineers will inspect the hull on Wednesday morning.", "") + " (Reporting by the wire desk.)"
ROWS_PER_INSERT = 20_000


def build_store(path: Path, count: int, seed: int = 11) -> None:
    """A store at the current schema with ``count`` originals, random signatures and their bands; the middle
    one is :data:`WIRE`, signed for real."""
    rng = np.random.default_rng(seed)
    layout = band_layout(0.7, 64)
    assert layout is not None
    wire = Article(title="Ship aground", text=WIRE, source="wire.example", url="https://wire.example/ship")
    wire_signature = MinHashSigner().fingerprint(wire).minhash_bytes()
    assert wire_signature is not None
    connection = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS:
        connection.executescript(migration)
    connection.execute(f"PRAGMA user_version={len(MIGRATIONS)}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN")
    for key, value in (("encoder", ENCODER_NAME), (BAND_LAYOUT_KEY, layout.key()), (BANDS_DONE_KEY, layout.key())):
        connection.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    for start in range(0, count, ROWS_PER_INSERT):
        keys = range(start + 1, min(start + ROWS_PER_INSERT, count) + 1)
        signatures = rng.integers(0, 2**32, size=(len(keys), 64), dtype=np.uint32)
        blobs = [row.tobytes() for row in signatures]
        articles = []
        for key, blob in zip(keys, blobs, strict=True):
            text, article_id, source = f"Report {key}: synthetic text of the copies benchmark.", f"a{key}", "bench"
            if key == count // 2 + 1:
                text, article_id, source, blob = WIRE, wire.id, "wire.example", wire_signature
            digest = hashlib.sha256(text.encode()).hexdigest()
            articles.append((key, article_id, source, "bench", "Report", text, "en", 0.9, "none", 0,
                             "2026-01-01T00:00:00+00:00", digest, key, blob))
            blobs[key - keys.start] = blob
        connection.executemany("INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, 'Report', "
                               "'2026-01-01', '2026-01-01')", [(key,) for key in keys])
        connection.executemany(
            "INSERT INTO articles (seq, id, source, origin, title, text, language, language_confidence, "
            "published_source, published_reliable, ingested_at, content_hash, story_id, minhash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", articles)
        connection.executemany("INSERT INTO copy_bands (band_hash, seq) VALUES (?, ?)",
                               signature_band_rows(layout, list(zip(keys, blobs, strict=True))))
    connection.execute("COMMIT")
    connection.close()


#: one measured run, in a fresh process: argv is mode, detector, store path (and the input file for ingest)
CHILD = """
import json, resource, sys, time
started = time.perf_counter()
mode, kind, db = sys.argv[1:4]
from babelwire.copies import MinHashCopyDetector, StoreCopyDetector, backfill_bands, backfill_signatures, band_layout
from babelwire.settings import Settings
from babelwire.store import open_store
from babelwire.types import Article
factory = {"memory": MinHashCopyDetector, "bands": StoreCopyDetector}
found = None
if mode == "ingest":
    from babelwire.tracker import Tracker
    settings = Settings.from_env()
    with Tracker(db, settings, copy_detector_factory=lambda s: factory[kind](s.copy_threshold, s.copy_num_perm)) as t:
        report = t.ingest([sys.argv[4]])
        found = {"added": report.added, "copies": report.copies}
elif mode == "backfill":
    with open_store(db) as store:
        with store.transaction():
            store.clear_copy_bands()
        found = backfill_bands(store, band_layout(0.7, 64))
else:
    probe = Article(title="Lane closed", text=sys.argv[4], source="daily.example")
    with open_store(db) as store:
        detector = factory[kind]()
        fingerprint = detector.fingerprint(probe)
        if mode == "match":
            backfill_signatures(store, detector)
            detector.bind(store)
            match = detector.match(fingerprint)
            found = None if match is None else [match.original_id, match.similarity]
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM, not ru_maxrss: Linux carries the parent's peak at fork time over exec into ru_maxrss (the parent
# built the store), while VmHWM is this program's own
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": peak / 1024,
                  "wall_s": time.perf_counter() - started, "found": found}))
"""


def run_child(*args: str) -> dict[str, object]:
    """CPU seconds, peak RSS and wall time of one cold child process running :data:`CHILD`."""
    import os

    env = {**os.environ, **ENV, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table_mib(db: Path, name: str) -> float | None:
    """The pages a table (with its primary key) takes in a SQLite file, in MiB (``None`` without dbstat)."""
    with sqlite3.connect(db) as connection:
        try:
            size = connection.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = ?", (name,)).fetchone()[0]
        except sqlite3.OperationalError:  # a SQLite built without the dbstat table
            return None
    return (size or 0) / 2**20


def write_input(path: Path) -> None:
    """The small file of the ingest runs: a reprint of the stored wire text, an exact copy, three new articles."""
    records = [
        {"title": "Lane closed", "text": REPRINT, "source": "daily.example", "url": "https://daily.example/1"},
        {"title": "Ship aground", "text": WIRE, "source": "herald.example", "url": "https://herald.example/1"},
    ] + [{"title": f"Local news {n}", "text": f"Local report number {n}: " + " ".join(f"word{n}x{i}" for i in
                                                                                      range(80)),
          "source": "local.example", "url": f"https://local.example/{n}"} for n in range(3)]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--size", type=int, default=100_000, help="originals in the generated store")
    args = parser.parse_args()
    result: dict[str, object] = {"machine": machine(), "size": args.size}
    rows = []
    with tempfile.TemporaryDirectory(prefix="babelwire-copies-") as folder:
        db, feed = Path(folder) / "store.db", Path(folder) / "input.jsonl"
        started = time.perf_counter()
        build_store(db, args.size)
        write_input(feed)
        result["store_mib"], result["copy_bands_mib"] = db.stat().st_size / 2**20, table_mib(db, "copy_bands")
        log(f"built {args.size} originals in {time.perf_counter() - started:.1f} s")
        runs: list[tuple[str, str, list[str]]] = [("baseline", "bands", [str(db), REPRINT])]
        runs += [("match", kind, [str(db), REPRINT]) for kind in ("memory", "bands")]
        for kind in ("memory", "bands"):
            copy = Path(folder) / f"ingest-{kind}.db"
            shutil.copy(db, copy)
            runs.append(("ingest", kind, [str(copy), str(feed)]))
        runs.append(("backfill", "bands", [str(db)]))
        for mode, kind, extra in runs:
            log(f"{mode} {kind} …")
            measured = run_child(mode, kind, *extra)
            result[f"{mode}-{kind}"] = measured
            rows.append((mode, kind if mode != "baseline" else "-", round(float(measured["cpu_s"]), 2),
                         round(float(measured["peak_rss_mib"])), round(float(measured["wall_s"]), 2),
                         json.dumps(measured["found"])))
    title = (f"Copy detection on a store of {args.size} originals (cold processes); store "
             f"{result['store_mib']:.0f} MiB, of which copy_bands {result['copy_bands_mib']:.1f} MiB")
    table = format_table(("run", "detector", "CPU s", "peak RSS MiB", "wall s", "result"), rows, title=title)
    emit(result, [table], args.json)


if __name__ == "__main__":
    main()
