"""A story's reading is computed once and stored: at ingest (when asked), by the server's background reader,
or on first request (one computation for concurrent requests), and read again only when its articles change.

The reading itself is replaced by a counting stand-in: these tests are about when it is computed and stored
(the real reading of the seeds is checked in the browser tests and in test_coverage/test_quotes).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire import reading, reading_memory
from babelwire.cli import app as cli
from babelwire.encoders import HashingEncoder
from babelwire.tracker import Tracker
from babelwire.web.catalog import Catalog, StoryFilters
from story_corpus import HASHING_SETTINGS, article, build_store, corpus, make_app


class CountingReader:
    """Stands in for :func:`babelwire.reading.compute_reading`: counts calls, optionally slowly or failing."""

    def __init__(self, delay: float = 0.0, fail: bool = False):
        self.calls: list[list[str]] = []
        self.delay, self.fail = delay, fail
        self.lock = threading.Lock()

    def __call__(self, articles: Sequence[Any], encoder: Any, aliases: Any, vectors: Any = None) -> dict[str, Any]:
        with self.lock:
            self.calls.append(sorted(article.id for article in articles))
        time.sleep(self.delay)
        if self.fail:
            raise ValueError("odd text")
        return {**reading_memory.empty_reading(), "entities": [
            {"id": "person:x", "name": f"Reader of {len(articles)}", "kind": "person", "article_count": 1,
             "aliases": {articles[0].language: ["X"]}}]}


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingReader:
    counter = CountingReader()
    monkeypatch.setattr(reading, "compute_reading", counter)
    monkeypatch.setattr(reading_memory, "_MEMORY", OrderedDict())  # as in a new process
    return counter


def tracker(db: str | Path, **settings: Any) -> Tracker:
    return Tracker(db, HASHING_SETTINGS.replace(**settings), encoder=HashingEncoder())


def stored_rows(db: str | Path) -> list[tuple[int, str]]:
    with tracker(db) as opened:
        return [tuple(row) for row in opened.store._execute("SELECT story_id, fingerprint FROM story_analyses")]


def flood_id(opened: Tracker) -> int:
    """The flood story: the one with a Spanish article."""
    return next(story.id for story in opened.stories() if story.languages.get("es"))


def test_a_reading_is_computed_once_and_stored(tmp_path: Path, counting: CountingReader,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_store(tmp_path / "s.db", corpus())
    with tracker(db) as opened:
        story_id = flood_id(opened)
        first = opened.read_story(story_id)
        assert first is not None and first["entities"][0]["name"] == "Reader of 4"
        assert opened.read_story(story_id) == first
    assert len(counting.calls) == 1
    assert [story for story, _ in stored_rows(db)] == [story_id]
    monkeypatch.setattr(reading_memory, "_MEMORY", OrderedDict())  # a new process reads the stored one
    with tracker(db) as opened:
        assert opened.read_story(story_id) == first
        assert opened.read_story(999) is None
    assert len(counting.calls) == 1


def test_a_story_whose_articles_change_is_read_again(tmp_path: Path, counting: CountingReader) -> None:
    db = build_store(tmp_path / "s.db", corpus())
    with tracker(db) as opened:
        story_id = flood_id(opened)
        opened.read_story(story_id)
        (_, before), = stored_rows(db)
        added = opened.add([article("Rivamonte: the river falls", "Tarrasco-Bellini said 4.300 Rivamonte R-9 "
                                    "Piave-Süd people return.", "en", "2024-04-12", "Wire", None, "late")])
        assert added.added == 1 and added.story_ids() == [story_id]
        assert opened.stored_reading(opened.story(story_id)[1]) is None  # stale: another set of articles
        assert opened.read_story(story_id)["entities"][0]["name"] == "Reader of 5"
    (row_story, after), = stored_rows(db)  # the stale reading is replaced, not kept beside
    assert row_story == story_id and after != before
    assert len(counting.calls) == 2 and "late" in counting.calls[1]


def test_reading_at_ingest_reads_each_changed_story_once(tmp_path: Path, counting: CountingReader) -> None:
    with tracker(tmp_path / "i.db", read_at_ingest=True, ingest_batch_size=2) as opened:
        report = opened.add(corpus())  # six batches, four stories
        assert len(report.story_ids()) == 4
        assert len(counting.calls) == 4
        assert all(opened.stored_reading(opened.story(s)[1]) is not None for s in report.story_ids())
        opened.add([article("Storm Greta on Gotland", "Stormen Greta Gotland 12 000 hushåll ström torsdag.", "en",
                            "2024-02-01", "Wire", None, "greta-en")])
        assert len(counting.calls) == 5 and "greta-en" in counting.calls[-1]
        opened.add([article("x" * 30, "y" * 30, "en")], read=False)
        assert len(counting.calls) == 5


def test_every_stored_reading_goes_through_save_reading(tmp_path: Path, counting: CountingReader,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    saved: list[int] = []
    original = Tracker.save_reading
    monkeypatch.setattr(Tracker, "save_reading", lambda self, story_id, key, data: (
        saved.append(story_id), original(self, story_id, key, data)))
    with tracker(tmp_path / "h.db", read_at_ingest=True) as opened:
        report = opened.add(corpus())
    assert sorted(saved) == sorted(report.story_ids())


def test_a_failed_reading_is_served_empty_and_not_stored(tmp_path: Path, counting: CountingReader) -> None:
    counting.fail = True
    db = build_store(tmp_path / "f.db", corpus())
    with tracker(db) as opened:
        assert opened.read_story(flood_id(opened)) == reading_memory.empty_reading()
    assert stored_rows(db) == []


def test_concurrent_requests_for_an_unread_story_compute_it_once(tmp_path: Path, counting: CountingReader) -> None:
    counting.delay = 0.5
    db = build_store(tmp_path / "c.db", corpus())
    catalog = Catalog(db, HASHING_SETTINGS, encoder=HashingEncoder())
    with tracker(db) as opened:
        story_id = flood_id(opened)
    pages: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: pages.append(catalog.story(story_id))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    catalog.close()
    assert len(pages) == 4 and all(page["entities"][0]["name"] == "Reader of 4" for page in pages)
    assert len(counting.calls) == 1


def test_the_background_reader_reads_what_is_not_stored(tmp_path: Path, counting: CountingReader) -> None:
    db = build_store(tmp_path / "b.db", corpus())
    with tracker(db) as opened:
        opened.read_story(flood_id(opened))  # stored before the server starts: not read again
    app = make_app(db, settings=HASHING_SETTINGS.replace(read_in_background=True), admin_token="t")
    with TestClient(app) as client:
        background = app.state.background_reader
        deadline = time.monotonic() + 30
        while background.read_count < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert background.read_count == 3 and len(counting.calls) == 4
        for story in client.get("/api/stories").json():  # every page reads the stored reading
            assert client.get(f"/api/stories/{story['id']}").json()["entities"][0]["name"].startswith("Reader of")
        assert len(counting.calls) == 4
        posted = client.post("/api/articles", headers={"Authorization": "Bearer t"}, json=[
            {"title": "Gotland after Greta", "text": "Stormen Greta Gotland 12 000 hushåll ström torsdag.",
             "language": "en", "published": "2024-02-02"}])
        assert posted.status_code == 200 and posted.json()["added"] == 1
        while len(counting.calls) < 5 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
        assert len(counting.calls) == 5  # the story the ingest changed, read in the background


def test_titles_follow_accept_language(tmp_path: Path, counting: CountingReader) -> None:
    db = build_store(tmp_path / "t.db", corpus())
    with TestClient(make_app(db)) as client:
        def flood(headers: dict[str, str]) -> dict[str, Any]:
            return next(s for s in client.get("/api/stories", headers=headers).json() if "es" in s["languages"])

        assert flood({})["title"] == "Rivamonte flood: thousands evacuated"  # the default reader_languages: en
        spanish = flood({"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
        assert (spanish["title"], spanish["title_language"], spanish["title_reason"]) == (
            "Inundaciones en Rivamonte", "es", "reader-language")
        assert spanish["gist"].endswith("inglés, español, italiano")
        assert flood({"Accept-Language": "de;q=0.1, it;q=0.8"})["title"] == "Alluvione a Rivamonte"
        vote = next(s for s in client.get("/api/stories", headers={"Accept-Language": "fi"}).json()
                    if "pl" in s["languages"])
        assert vote["title_reason"] == "representative" and vote["translated_title"] is None
        page = client.get(f"/stories/{flood({})['id']}", headers={"Accept-Language": "it"}).text
        assert '<h1 id="story-title" lang="it" dir="auto">Alluvione a Rivamonte</h1>' in page
        # an outlet's story cards follow the request too, in the API and on its page
        flood_id = flood({})["id"]
        outlets = [row["name"] for row in client.get("/api/outlets").json()]
        with_flood = [name for name in outlets
                      if any(story["id"] == flood_id for story in client.get(f"/api/outlets/{name}").json()["stories"])]
        assert with_flood
        for name in with_flood:
            cards = client.get(f"/api/outlets/{name}", headers={"Accept-Language": "es"}).json()["stories"]
            assert next(card for card in cards if card["id"] == flood_id)["title"] == "Inundaciones en Rivamonte"
        italian = client.get(f"/outlets/{with_flood[0]}", headers={"Accept-Language": "it"})
        assert "Alluvione a Rivamonte" in italian.text


def test_cli_lang_titles_and_a_bad_lang(tmp_path: Path, counting: CountingReader,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    db = build_store(tmp_path / "cli.db", corpus())
    result = CliRunner().invoke(cli, ["stories", "--db", db, "--lang", "es,en", "--json"])
    assert result.exit_code == 0, result.output
    titles = {story["title"] for story in json.loads(result.stdout)}
    assert "Inundaciones en Rivamonte" in titles and "Varnaholm bridge collapses into the river" in titles
    table = CliRunner().invoke(cli, ["stories", "--db", db, "--lang", "it"])
    assert "Alluvione" in table.stdout and "Inundaciones" not in table.stdout  # (rich wraps the title)
    bad = CliRunner().invoke(cli, ["stories", "--db", db, "--lang", "es;en"])
    assert bad.exit_code == 2 and "--lang: 'es;en' is not a comma-separated list" in bad.output
    story_id = next(s["id"] for s in json.loads(result.stdout) if s["title"] == "Inundaciones en Rivamonte")
    shown = CliRunner().invoke(cli, ["story", str(story_id), "--db", db, "--lang", "it", "--json"])
    assert json.loads(shown.stdout)["title"] == "Alluvione a Rivamonte"
    assert len(counting.calls) == 1  # story --json read the story once and stored it
    again = CliRunner().invoke(cli, ["story", str(story_id), "--db", db, "--json"])
    assert json.loads(again.stdout)["entities"][0]["name"] == "Reader of 4" and len(counting.calls) == 1


class Shouting:
    """A stand-in translator: upper-cases Polish into English, knows no other pair."""

    name = "shouting"

    def translate(self, text: str, source: str, target: str) -> str | None:
        return text.upper() if (source, target) == ("pl", "en") else None


def test_a_translator_adds_a_translated_title_never_required(tmp_path: Path, counting: CountingReader) -> None:
    db = build_store(tmp_path / "tr.db", corpus())
    with TestClient(make_app(db, translator=Shouting())) as client:
        stories = client.get("/api/stories").json()
        vote = next(s for s in stories if "pl" in s["languages"])
        bridge = next(s for s in stories if "de" in s["languages"])
        assert (vote["title"], vote["title_language"]) == ("Referendum w Wierzbowie", "pl")  # representative
        assert vote["translated_title"] == "REFERENDUM W WIERZBOWIE"
        page = client.get(f"/stories/{vote['id']}").text
        assert 'REFERENDUM W WIERZBOWIE <span class="note">(machine translation)</span>' in page
        assert bridge["translated_title"] is None  # already in the reader's language


class FinishedAtOnce:
    """A page-reading pool whose jobs are done before ``submit`` returns, as a remembered reading is on a
    loaded machine (the pool's thread runs while the request's thread waits for the GIL)."""

    def submit(self, function: Any, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(function(*args))
        return future

    def shutdown(self, **_: Any) -> None:
        pass


def test_a_page_whose_reading_is_done_before_it_waits_is_served(tmp_path: Path, counting: CountingReader) -> None:
    """The job's done callback runs in the page's own thread then: it once took the lock that thread held."""
    db = build_store(tmp_path / "s.db", corpus())
    catalog = Catalog(db, HASHING_SETTINGS, encoder=HashingEncoder())
    catalog._page_readings = FinishedAtOnce()  # type: ignore[assignment]
    story_id = catalog.stories(StoryFilters(), limit=1).stories[0]["id"]
    pages: list[Any] = []
    thread = threading.Thread(target=lambda: pages.append(catalog.story(story_id)), daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the story page waits forever"
    assert pages[0]["entities"][0]["name"].startswith("Reader of")
    assert catalog._page_reading_jobs == {}  # forgotten once done
    catalog.close()
