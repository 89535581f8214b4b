"""Writers take turns (issue 16): several CLI ingests into one store at once, on SQLite and PostgreSQL,
store every article once, give each story its own id and exit 0."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
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


def _start_ingests(db: str, files: list[Path]) -> list[subprocess.Popen]:
    env = {**os.environ, "BABELWIRE_ENCODER": "hashing", "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid",
           "BABELWIRE_INGEST_BATCH_SIZE": "2"}
    command = [sys.executable, "-c", "from babelwire.cli import main; main()"]
    return [subprocess.Popen([*command, "ingest", str(path), "--db", db, "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in files]


def _finish(processes: list[subprocess.Popen]) -> list[subprocess.CompletedProcess]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _ingest_at_once(db: str, files: list[Path]) -> list[subprocess.CompletedProcess]:
    return _finish(_start_ingests(db, files))


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


# --- CLI ingests and POST /api/articles of a running server, all at once ---------------------------------

TOKEN = "writers-token"


def _post_batches(url: str, records: list[dict[str, str]], statuses: list[int], added: list[int]) -> None:
    """POST the records two at a time, as a feed poller would, noting each reply."""
    import httpx2

    with httpx2.Client(base_url=url, timeout=300) as client:
        for start in range(0, len(records), 2):
            response = client.post("/api/articles", json=records[start:start + 2],
                                   headers={"Authorization": f"Bearer {TOKEN}"})
            statuses.append(response.status_code)
            if response.status_code == 200:
                added.append(response.json()["added"])


def _check_writers_and_server(db: str, tmp_path: Path) -> None:
    import threading

    from story_corpus import make_app, running_server

    files = []
    for name in ("alpha", "beta", "gamma"):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(item) for item in _articles(name, 8)) + "\n")
        files.append(path)
    delta = _articles("delta", 8)
    # the server's own articles in two streams, and alpha's and gamma's again, which the CLI ingests too
    streams = [delta[:4], delta[4:], _articles("alpha", 8), _articles("gamma", 8)[::-1]]
    statuses: list[int] = []
    api_added: list[int] = []
    with running_server(make_app(db, admin_token=TOKEN)) as url:
        processes = _start_ingests(db, [files[0], files[1], files[2], files[0]])
        with open_store(db) as store:  # post once the ingests write (their start-up is seconds of imports)
            deadline = time.monotonic() + 120
            while store.count_articles() == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
        posters = [threading.Thread(target=_post_batches, args=(url, stream, statuses, api_added))
                   for stream in streams]
        for poster in posters:
            poster.start()
        results = _finish(processes)
        for poster in posters:
            poster.join(timeout=600)
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
    assert statuses == [200] * 12  # no 500, no 503: writers take turns
    added = sum(json.loads(result.stdout)["added"] for result in results) + sum(api_added)
    with open_store(db) as store:
        assert store.count_articles() == 32 and added == 32  # every article stored exactly once
        assert store.check_consistency() == []
        urls = [article.url for story in store.stories() for article in store.story_articles(story.id)]
        assert len(urls) == len(set(urls)) == 32
        story_ids = [story.id for story in store.stories()]
        assert len(story_ids) == len(set(story_ids))


def test_cli_ingests_and_api_posts_at_once_on_sqlite(tmp_path: Path) -> None:
    _check_writers_and_server(str(tmp_path / "shared.db"), tmp_path)


def test_cli_ingests_and_api_posts_at_once_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    _check_writers_and_server(postgres_url, tmp_path)
