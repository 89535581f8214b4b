"""What is developing now: stories ranked by what arrived lately against their earlier pace, on both backends,
and the sort option of the CLI, the API and the river."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.developing import developing_stories, story_growth
from babelwire.encoders import HashingEncoder
from babelwire.tracker import Tracker
from babelwire.types import Article
from story_corpus import BRIDGE, FLOOD, HASHING_SETTINGS, VOTE, article, make_app

runner = CliRunner(env={"BABELWIRE_ENCODER": "hashing"})
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def arrived(item: Article, hours_ago: float, now: datetime = NOW) -> Article:
    item.ingested_at = now - timedelta(hours=hours_ago)
    return item


def bridge(language: str, source: str, number: int) -> Article:
    return article(f"Varnaholm bridge {number}", f"Report {number} on the M-17 bridge at Varnaholm. {BRIDGE}",
                   language, "2024-03-05", source)


def flood(language: str, source: str, number: int) -> Article:
    return article(f"Rivamonte flood {number}", f"Report {number} on the Rivamonte flood. {FLOOD}", language,
                   "2024-04-10", source)


def vote(language: str, source: str, number: int) -> Article:
    return article(f"Wierzbowo vote {number}", f"Report {number} on the Wierzbowo vote. {VOTE}", language,
                   "2024-05-20", source)


@pytest.fixture
def stories(store_db: str) -> Iterator[tuple[Tracker, dict[str, int]]]:
    """Three stories: the flood grew long ago, the vote grows at its usual steady pace, the bridge had one article
    two days ago and just gained three in two new languages from new outlets."""
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        ids = {
            "flood": tracker.add([arrived(flood("es", "El Diario", n), 80 - n) for n in range(4)]).story_ids()[0],
            "bridge": tracker.add([arrived(bridge("en", "Daily Wire", 0), 48)]).story_ids()[0],
            # one article every 4 hours for two days: its pace over the window is what it always was
            "vote": tracker.add([arrived(vote("pl", "Gazeta", n), 4 * n + 1) for n in range(14)]).story_ids()[0],
        }
        tracker.add([arrived(bridge("de", "Tagesblatt", 1), 2), arrived(bridge("fr", "Le Quotidien", 2), 1),
                     arrived(bridge("en", "Daily Wire", 3), 0.5)])
        yield tracker, ids


def test_a_story_that_just_gained_articles_and_languages_ranks_first(stories) -> None:
    tracker, ids = stories
    growth = story_growth(tracker.store, tracker.settings, NOW)
    assert [rise.story_id for rise in growth] == [ids["bridge"], ids["vote"]]  # the flood grew days ago
    bridge_growth, vote_growth = growth
    assert (bridge_growth.recent_articles, bridge_growth.new_languages, bridge_growth.new_outlets) == (3, 2, 2)
    assert bridge_growth.earlier_articles == 1
    assert bridge_growth.score == pytest.approx(3 + 2 * 2 + 2 - 1 * 6 / 48)
    assert (vote_growth.recent_articles, vote_growth.earlier_articles) == (2, 12)
    assert vote_growth.score == pytest.approx(2 - 12 * 6 / 48)  # at its usual pace: about nothing
    assert story_growth(tracker.store, tracker.settings, NOW, story_ids=[ids["vote"]]) == [vote_growth]
    # a four-day window sees every story begin: 14 + 2 + 1 for the vote, 4 + 2*3 + 3 for the bridge, 4 + 2 + 1
    wide = story_growth(tracker.store, tracker.settings.replace(developing_window_hours=96), NOW)
    assert [(rise.story_id, rise.score) for rise in wide] == [(ids["vote"], 17), (ids["bridge"], 13), (ids["flood"], 7)]
    # a day later nothing is developing
    assert story_growth(tracker.store, tracker.settings, NOW + timedelta(days=1)) == []


def test_pages_kept_out_of_stories_never_develop(stories) -> None:
    tracker, ids = stories
    notice = ("TAKE A FREE TRIAL Registered users can read up to 3 reports. Enter your details below for "
              "immediate access. Email address First Name Last Name Organisation Job Title Telephone")
    pages = [arrived(article(f"Market note {n}", notice, "en", "2024-03-05", f"Wire {n}"), 0.2) for n in range(3)]
    report = tracker.add(pages, read=False, watch=False)
    assert len(report.kept_out) == 3
    kept = {tracker.store.article(page.id).story_id for page in pages}
    everything = [rise.story_id for rise in story_growth(tracker.store, tracker.settings, NOW)]
    assert everything == [ids["bridge"], ids["vote"]] and not kept & set(everything)
    assert story_growth(tracker.store, tracker.settings, NOW, story_ids=sorted(kept)) == []


def test_developing_stories_filter_by_language_and_page(stories) -> None:
    tracker, ids = stories
    found = developing_stories(tracker.store, tracker.settings, now=NOW)
    assert [story.id for story, _ in found] == [ids["bridge"], ids["vote"]]
    assert [story.id for story, _ in developing_stories(tracker.store, tracker.settings, language="pl", now=NOW)] == [
        ids["vote"]]
    assert [story.id for story, _ in developing_stories(tracker.store, tracker.settings, limit=1, offset=1,
                                                        now=NOW)] == [ids["vote"]]


def test_bad_windows_are_errors(stories) -> None:
    tracker, _ = stories
    with pytest.raises(ValueError, match="developing_window_hours"):
        story_growth(tracker.store, tracker.settings.replace(developing_window_hours=0), NOW)


@pytest.fixture
def live_store(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """A store whose stories arrived relative to the real clock (the CLI and the server rank at their now)."""
    db = str(tmp_path / "live.db")
    now = datetime.now(UTC)
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        ids = {"old": tracker.add([arrived(flood("es", "El Diario", n), 30 + n, now) for n in range(5)]).story_ids()[0],
               "new": tracker.add([arrived(bridge("en", "Daily Wire", 0), 1, now),
                                   arrived(bridge("de", "Tagesblatt", 1), 0, now)]).story_ids()[0],
               "slow": tracker.add([arrived(vote("pl", "Gazeta", 0), 2, now)]).story_ids()[0]}
    return db, ids


def test_cli_sorts_stories_by_development(live_store) -> None:
    db, ids = live_store
    result = runner.invoke(app, ["stories", "--db", db, "--sort", "developing", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [story["id"] for story in listed] == [ids["new"], ids["slow"]]
    assert listed[0]["growth"]["new_languages"] == 2 and listed[0]["title"] == "Varnaholm bridge 0"
    table = runner.invoke(app, ["stories", "--db", db, "--sort", "developing"])
    assert table.exit_code == 0 and "2 stories" in table.stdout and "Rivamonte" not in table.stdout
    default = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).stdout)
    assert {story["id"] for story in default} == set(ids.values()) and "growth" not in default[0]
    bad = runner.invoke(app, ["stories", "--db", db, "--sort", "loudest"])
    assert bad.exit_code == 2 and "'loudest'" in bad.stderr


def test_api_and_river_sort_by_development(live_store) -> None:
    db, ids = live_store
    with TestClient(make_app(db)) as client:
        response = client.get("/api/stories", params={"sort": "developing"})
        assert response.status_code == 200 and response.headers["X-Total-Count"] == "2"
        assert [story["id"] for story in response.json()] == [ids["new"], ids["slow"]]
        assert response.json()[0]["growth"]["recent_articles"] == 2
        only_polish = client.get("/api/stories", params={"sort": "developing", "language": "pl"}).json()
        assert [story["id"] for story in only_polish] == [ids["slow"]]
        assert client.get("/api/stories", params={"sort": "loudest"}).status_code == 422
        searched = client.get("/api/stories", params={"sort": "developing", "q": "Varnaholm M-17 bridge"})
        assert [story["id"] for story in searched.json()] == [ids["new"]]  # the query's stories, developing

        page = client.get("/", params={"sort": "developing"})
        assert page.status_code == 200
        assert "2 stories developing now (articles arrived in the last 6 hours), fastest growing first" in page.text
        assert page.text.index("Varnaholm bridge") < page.text.index("Wierzbowo vote") and "Rivamonte" not in page.text
        assert '<input type="hidden" name="sort" value="developing">' in page.text  # kept by the filters and search
        river = client.get("/").text
        assert '<a href="/?sort=developing">developing now</a>' in river and "Rivamonte" in river
