"""Killing an ingest half-way loses nothing committed, and a re-run completes it exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from babelwire.store import Store

WORDS = [
    "harbour", "council", "minister", "storm", "bridge", "election", "vaccine", "outbreak", "tariff", "summit",
    "river", "court", "strike", "budget", "airport", "museum", "festival", "wildfire", "border", "pipeline",
]


def write_corpus(path: Path, count: int) -> None:
    rng = random.Random(42)
    with path.open("w") as handle:
        for number in range(count):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            record = {"title": f"Report {number}", "text": f"Report number {number}: {words}.", "language": "en",
                      "published": f"2026-01-{1 + number % 28:02d}", "url": f"https://example.org/{number}"}
            handle.write(json.dumps(record) + "\n")


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the schema is not there yet


def test_kill_mid_ingest_then_resume(tmp_path: Path) -> None:
    total = 400
    corpus = tmp_path / "big.jsonl"
    write_corpus(corpus, total)
    db = tmp_path / "crash.db"
    env = {**os.environ, "BABELWIRE_INGEST_BATCH_SIZE": "8"}
    command = [str(Path(sys.executable).parent / "babelwire"), "ingest", str(corpus), "--db", str(db)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while stored_count(db) < 64 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    at_kill = stored_count(db)
    assert 0 < at_kill < total

    with Store(db) as store:  # consistent right after the kill: whole batches only
        assert store.check_consistency() == []
        assert store.count_articles() % 8 == 0

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{at_kill} duplicate(s) skipped" in rerun.stdout
    with Store(db) as store:
        assert store.check_consistency() == []
        assert store.count_articles() == total
    with sqlite3.connect(db) as connection:
        urls = [row[0] for row in connection.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(f"https://example.org/{n}" for n in range(total))
