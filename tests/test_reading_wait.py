"""A story page waits at most ``reading_wait_s`` for a reading not stored yet, then is served without it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

from fastapi.testclient import TestClient

from babelwire import reading, reading_memory
from story_corpus import HASHING_SETTINGS, build_store, corpus, make_app


def test_a_page_is_served_while_its_reading_is_computed_once(tmp_path: Path, monkeypatch) -> None:
    db = build_store(tmp_path / "wait.db", corpus()[:3])
    release = threading.Event()
    calls: list[int] = []

    def slow_reading(articles, *args, **kwargs):
        calls.append(len(articles))
        release.wait(120)
        return reading_memory.empty_reading()

    monkeypatch.setattr(reading, "compute_reading", slow_reading)
    # as in a new process: an earlier test's reading of the same articles, remembered in this process (a page
    # pool of a closed server may finish one late), would be served at once
    monkeypatch.setattr(reading_memory, "_MEMORY", OrderedDict())
    with TestClient(make_app(db, settings=HASHING_SETTINGS.replace(reading_wait_s=0.05))) as client:
        story_id = client.get("/api/stories").json()[0]["id"]
        first = client.get(f"/api/stories/{story_id}")
        assert first.status_code == 200 and first.json()["reading_pending"] is True
        assert first.json()["articles"]  # the story itself is all there
        page = client.get(f"/stories/{story_id}")
        assert page.status_code == 200 and "is being prepared" in page.text
        release.set()
        deadline = time.monotonic() + 60
        while "reading_pending" in (answer := client.get(f"/api/stories/{story_id}").json()):
            assert time.monotonic() < deadline, "the reading was never stored"
            time.sleep(0.05)
        assert "is being prepared" not in client.get(f"/stories/{story_id}").text
    assert len(calls) == 1  # three requests, one computation
    assert answer["id"] == story_id
