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


def write_corpus(path: Path, count: int, reprint_every: int = 0) -> None:
    """Random-word reports; with ``reprint_every``, every so many records reprint an earlier one elsewhere."""
    rng = random.Random(42)
    records = []
    with path.open("w") as handle:
        for number in range(count):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            record = {"title": f"Report {number}", "text": f"Report number {number}: {words}.", "language": "en",
                      "published": f"2026-01-{1 + number % 28:02d}", "url": f"https://example.org/{number}"}
            if reprint_every and number % reprint_every == reprint_every - 1:
                original = rng.choice([r for r in records if "source" not in r])
                record = {**original, "url": f"https://reprints.example/{number}", "source": f"Reprinter {number}"}
            records.append(record)
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
    assert f"{at_kill} duplicates skipped" in rerun.stdout  # at_kill > 64
    with Store(db) as store:
        assert store.check_consistency() == []
        assert store.count_articles() == total
    with sqlite3.connect(db) as connection:
        urls = [row[0] for row in connection.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(f"https://example.org/{n}" for n in range(total))


def test_repeated_kills_at_random_points_lose_nothing(tmp_path: Path) -> None:
    """Kill -9 an ingest at several random points, re-running each time: never a half batch, never a lost
    commit, and in the end every article (and every syndicated copy) exactly once."""
    total, batch = 600, 8
    corpus = tmp_path / "big.jsonl"
    write_corpus(corpus, total, reprint_every=10)
    db = tmp_path / "crash.db"
    env = {**os.environ, "BABELWIRE_INGEST_BATCH_SIZE": str(batch), "BABELWIRE_ENCODER": "hashing"}
    command = [str(Path(sys.executable).parent / "babelwire"), "ingest", str(corpus), "--db", str(db)]
    rng = random.Random(2026)
    committed: set[str] = set()
    kills = 0
    for target in sorted(rng.sample(range(batch, total - 4 * batch), 4)):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while stored_count(db) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))  # land anywhere: inside a transaction, between two, in a commit
        if process.poll() is not None:
            continue  # it finished first: nothing to kill at this point
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        with Store(db) as store:
            assert store.check_consistency() == []
            assert store.count_articles() % batch == 0, "a batch was half-written"
        with sqlite3.connect(db) as connection:
            stored = {row[0] for row in connection.execute("SELECT url FROM articles")}
        assert committed <= stored, "a committed article was lost"
        committed = stored
    assert kills >= 3, "the ingest outran the kills"
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.check_consistency() == []
    with sqlite3.connect(db) as connection:
        urls = [row[0] for row in connection.execute("SELECT url FROM articles")]
        copies = connection.execute("SELECT COUNT(*) FROM articles WHERE copy_of IS NOT NULL").fetchone()[0]
    records = [json.loads(line) for line in corpus.read_text().splitlines()]
    assert sorted(urls) == sorted(record["url"] for record in records)
    assert copies == sum(1 for record in records if "source" in record) > 0
