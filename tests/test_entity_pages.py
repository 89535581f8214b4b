"""The entity and outlet pages and their API over a store whose entity index is built (tests/entity_corpus.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from babelwire.api import create_app
from babelwire.settings import Settings
from entity_corpus import build_indexed_store
from story_corpus import XSS_IMG, XSS_SCRIPT, article, make_app
from test_web import assert_nothing_injected, card_titles

CHESS = "Schachfestival in Deutschland eröffnet"
WIND = "Germany approves Ostwind 77 wind park"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = build_indexed_store(tmp_path_factory.mktemp("entities") / "entities.db")
    with TestClient(make_app(db)) as test_client:
        yield test_client


@pytest.mark.parametrize("name", ["Germany", "Deutschland", "duitsland", "Tyskland", "country:DE"])
def test_an_entity_page_lists_every_story_of_the_entity_whatever_the_spelling(client: TestClient, name: str) -> None:
    response = client.get(f"/entities/{name}")
    assert response.status_code == 200
    html = response.text
    assert re.search(r'<h1 id="entity-title">Germany <span class="kind">place</span></h1>', html)
    assert sorted(card_titles(html)) == sorted([CHESS, WIND])
    spellings = dict(re.findall(r"<dt>(\w+)</dt>\s*<dd[^>]*>([^<]+)</dd>", html))
    assert spellings == {"Dutch": "Duitsland", "English": "Germany", "German": "Deutschland", "Swedish": "Tyskland"}
    assert "From the entity index (2 of 2 stories read)" in html


def test_a_person_page_shows_spellings_and_quotes_by_and_about_them(client: TestClient) -> None:
    html = client.get("/entities/Scharapow").text
    assert sorted(card_titles(html)) == sorted([CHESS, WIND])
    assert "Quotes by " in html and "Wir sind bereit" in html and "Dit is een goede dag voor de kust" in html
    about = html[html.index('id="quotes-about"'):html.index('id="stories"')]
    assert "Oleg Sharapov brought luck to the coast" in about and "Petra Holmqvist" in about
    assert '<a class="outlet-link" href="/outlets/Coastal%20Wire">Coastal Wire</a>' in html


def test_an_unknown_entity_is_a_404_page_naming_it(client: TestClient) -> None:
    response = client.get("/entities/Nobody%20Anywhere")
    assert response.status_code == 404 and "No entity called “Nobody Anywhere”" in response.text
    assert client.get("/api/entities/Nobody").status_code == 404
    assert client.get("/api/entities/Nobody").json() == {"detail": "no entity 'Nobody' in the entity index"}


def test_api_lists_searches_and_gives_one_entity(client: TestClient) -> None:
    response = client.get("/api/entities", params={"type": "place"})
    rows = response.json()
    assert response.headers["X-Total-Count"] == str(len(rows)) and rows[0]["key"] == "country:DE"
    assert rows[0]["story_count"] == 2 and set(rows[0]["spellings"]) == {"de", "en", "nl", "sv"}
    assert {row["type"] for row in rows} == {"place"}
    found = client.get("/api/entities", params={"q": "SJARAP"}).json()
    assert len(found) == 1 and {"Oleg Scharapow", "Oleg Sharapov"} <= {
        name for names in found[0]["spellings"].values() for name in names}
    assert client.get("/api/entities", params={"type": "planet"}).status_code == 422
    first = client.get("/api/entities", params={"limit": 1, "offset": 1})
    assert len(first.json()) == 1 and first.headers["X-Total-Count"] == client.get("/api/entities").headers[
        "X-Total-Count"]
    one = client.get("/api/entities/Sjarapov", params={"limit": 1}).json()
    assert one["id"] == found[0]["id"] and one["story_total"] == 2 and len(one["stories"]) == 1
    assert {quote["language"] for quote in one["quotes_by"]} >= {"de", "sv", "en", "nl"}
    assert one["index"] == {"indexed_stories": 2, "stories": 2}


def test_outlet_page_and_api_show_its_stories_languages_and_counts(client: TestClient) -> None:
    html = client.get("/outlets/Coastal%20Wire").text
    assert '<h1 id="outlet-title">Coastal Wire <span class="kind">outlet</span></h1>' in html
    assert sorted(card_titles(html)) == sorted([CHESS, WIND])
    assert "3 articles" in html and "in 2 stories" in html
    header = html[:html.index('id="stories"')]
    assert re.findall(r'badge-code" aria-hidden="true">(\w+)<', header) == ["en", "nl", "sv"]
    data = client.get("/api/outlets/Coastal Wire").json()
    assert (data["article_count"], data["story_count"], data["languages"]) == (3, 2, {"en": 1, "nl": 1, "sv": 1})
    assert client.get("/outlets/Nowhere%20Times").status_code == 404
    assert client.get("/api/outlets/Nowhere Times").status_code == 404
    outlets = client.get("/api/outlets").json()
    assert outlets[0] == {"name": "Coastal Wire", "article_count": 3} and len(outlets) == 2


def test_the_river_and_api_filter_by_outlet(client: TestClient) -> None:
    html = client.get("/", params={"outlet": "Schachblatt"}).text
    assert card_titles(html) == [CHESS] and "Only stories from the outlet" in html
    assert '<input type="hidden" name="outlet" value="Schachblatt">' in html
    stories = client.get("/api/stories", params={"outlet": "Schachblatt"})
    assert [s["title"] for s in stories.json()] == [CHESS] and stories.headers["X-Total-Count"] == "1"
    assert client.get("/api/stories", params={"outlet": "Nowhere"}).json() == []


def test_entity_and_outlet_pages_inject_nothing(tmp_path) -> None:
    hostile = [
        article(f"Hafenbrand {XSS_SCRIPT} in Deutschland", f"Der Hafen von Zorvath brennt in Deutschland. „{XSS_IMG} "
                f"ist gefährlich“, sagte Oleg Scharapow am Montag. {XSS_SCRIPT}", "de", "2031-06-01",
                f"Outlet {XSS_IMG}", "https://example.org/h"),
    ]
    with TestClient(make_app(build_indexed_store(tmp_path / "hostile.db", hostile))) as client:
        for path in ("/entities/Germany", "/entities/Scharapow", "/outlets/" + f"Outlet {XSS_IMG}".replace("/", "%2F"),
                     "/?outlet=" + XSS_SCRIPT):
            response = client.get(path)
            assert response.status_code == 200, path
            assert_nothing_injected(response.text)
        assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt; ist gefährlich" in client.get(
            "/entities/Scharapow").text


def test_on_the_demo_corpus_germany_lists_the_chess_story_where_it_is_deutschland(
        demo_tracker: Any, e5: Any, language_identifier: Any) -> None:
    """Issue 13: the Germany chip of the chess story (written Deutschland there) listed only the measles story."""
    store = demo_tracker.store
    ids = sorted({*store.find_story_ids(mentions=["Deutschland"]), *store.find_story_ids(mentions=["Germany"])})
    assert len(ids) == 3  # chess and Poland–Japan (de: Deutschland), measles (en: Germany)
    demo_tracker.index_entities(ids, encoder=e5)  # reads these three stories only: seconds each
    app = create_app(store.path, settings=Settings(), encoder=e5, language_identifier=language_identifier)
    with TestClient(app) as client:
        html = client.get("/entities/Germany").text
    titles = card_titles(html)
    assert len(titles) == 3, titles
    # titled for an English reader: the measles story by its English headline, not the first-ingested Italian one
    assert any("chess" in title for title in titles) and any("measles outbreak" in title for title in titles)
    assert re.search(r"<dt>German</dt>\s*<dd[^>]*>Deutschland</dd>", html)
