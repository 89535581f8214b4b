"""Writers take turns (issue 16): several CLI ingests into one store at once, on SQLite and PostgreSQL,
store every article once, give each story its own id and exit 0."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from babelwire.store import open_store

WORDS = [
    "harbour", "council", "budget", "election", "storm", "bridge", "vaccine", "court", "strike", "festival",
    "museum", "railway", "drought", "airport", "minister", "protest", "market", "school", "river", "hospital",
    "factory", "border", "treaty", "satellite",
]


def _articles(name: str, count: int) -> list[dict[str, str]]:
    rng = random.Random(name)
    found = []
    for number in range(count):
        topic = rng.sample(WORDS, 4)
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        found.append({"title": f"{name} {number}: {' '.join(topic)}", "text": f"{' '.join(topic)} {words}.",
                      "language": "en", "url": f"https://example.org/{name}/{number}"})
    return found


def _ingest_at_once(db: str, files: list[Path]) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "BABELWIRE_ENCODER": "hashing", "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid",
           "BABELWIRE_INGEST_BATCH_SIZE": "2"}
    command = [sys.executable, "-c", "from babelwire.cli import main; main()"]
    processes = [subprocess.Popen([*command, "ingest", str(path), "--db", db, "--json"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in files]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _check_writers(db: str, tmp_path: Path) -> None:
    files = []
    for name in ("alpha", "beta", "gamma"):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(item) for item in _articles(name, 8)) + "\n")
        files.append(path)
    # three different files and the first one twice more, all at once
    results = _ingest_at_once(db, [*files, files[0], files[0]])
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
    added = sum(json.loads(result.stdout)["added"] for result in results)
    with open_store(db) as store:
        assert store.count_articles() == 24 and added == 24
        assert store.check_consistency() == []
        story_ids = [story.id for story in store.stories()]
        assert len(story_ids) == len(set(story_ids))


def test_concurrent_ingests_on_sqlite(tmp_path: Path) -> None:
    _check_writers(str(tmp_path / "shared.db"), tmp_path)


def test_concurrent_ingests_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    _check_writers(postgres_url, tmp_path)
