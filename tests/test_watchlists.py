"""Watch-lists: which ingest batch raises which alert, on both backends; the entity index's spellings; the Atom
feed; signed webhooks with retries; the CLI, API and pages."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.encoders import HashingEncoder
from babelwire.entity_index import IndexedEntity
from babelwire.tracker import Tracker
from babelwire.types import Article
from babelwire.watchlists import (
    WatchlistError,
    add_watchlist,
    atom_feed,
    evaluate_watchlists,
    get_watchlist,
    make_watchlist,
    titled_alerts,
)
from babelwire.webhooks import SIGNATURE_HEADER, deliver_pending, verify_signature
from story_corpus import BRIDGE, HASHING_SETTINGS, article, make_app

runner = CliRunner()
LUKASHENKO = "Minsk summit 2026 Belavia Ostrovets Grodno-Brest corridor"


@pytest.fixture
def tracker(store_db: str) -> Iterator[Tracker]:
    """A hashing-encoder tracker on an empty store, once per backend."""
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as found:
        yield found


def bridge(language: str, source: str, number: int) -> Article:
    """An article of the bridge story (the hashing encoder links them by the shared names and numbers)."""
    return article(f"Varnaholm bridge {number}", f"Report {number} on the M-17 bridge at Varnaholm. {BRIDGE}",
                   language, "2024-03-05", source, f"https://example.org/bridge/{number}")


def storm() -> Article:
    return article("Stormen Greta drog in över Gotland",
                   "Stormen Greta fällde tusentals träd på Gotland natten till torsdag, och 12 000 hushåll saknade "
                   "ström på morgonen.", "sv", "2024-02-01", "Dagbladet", "https://example.se/greta")


def alerts_of(tracker: Tracker, name: str) -> list[tuple[str, int, Any]]:
    """(trigger, story, detail) of a list's alerts, oldest first."""
    watchlist = get_watchlist(tracker.store, name)
    return [(a["trigger"], a["story_id"], a["detail"]) for a in reversed(tracker.store.alert_rows(watchlist.id))]


# --- evaluation --------------------------------------------------------------------------------------------


def test_a_list_fires_on_the_batch_that_matches_and_not_again_for_an_unchanged_story(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("german", language="German", triggers="new-story"))
    assert get_watchlist(tracker.store, "german").language == "de"  # the name became its code
    tracker.add([bridge("en", "Daily Wire", 1), storm()])
    assert alerts_of(tracker, "german") == []  # nothing German yet
    report = tracker.add([bridge("de", "Tagesblatt", 2)])
    story = report.story_ids()[0]
    assert alerts_of(tracker, "german") == [
        ("new-story", story, {"articles": 2, "languages": ["de", "en"], "outlets": ["Daily Wire", "Tagesblatt"]})]
    # evaluated again without a change (another process, a re-run): nothing new
    assert evaluate_watchlists(tracker.store, [story], tracker.settings) == []
    tracker.add([bridge("de", "Tagesblatt", 2)])  # a duplicate stores nothing and raises nothing
    tracker.add([storm()])
    assert len(alerts_of(tracker, "german")) == 1


def test_gaining_a_language_or_an_outlet_fires_that_trigger_only(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("mayor", entity="Kessler-Lindqvist", source="Daily Wire",
                                                triggers="new-story,new-language,new-outlet"))
    story = tracker.add([bridge("en", "Daily Wire", 1)]).story_ids()[0]
    tracker.add([bridge("en", "Morning Post", 2)])  # another outlet, same language
    tracker.add([bridge("fr", "Daily Wire", 3)])  # another language, a known outlet
    tracker.add([bridge("fr", "Daily Wire", 4)])  # neither
    assert alerts_of(tracker, "mayor") == [
        ("new-story", story, {"articles": 1, "languages": ["en"], "outlets": ["Daily Wire"]}),
        ("new-outlet", story, {"articles": 2, "outlets": ["Morning Post"]}),
        ("new-language", story, {"articles": 3, "languages": ["fr"]}),
    ]


def test_every_condition_must_hold_for_the_story(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("both", language="fr", source="Tagesblatt", triggers="new-story"))
    tracker.add([bridge("en", "Tagesblatt", 1)])
    french = article("Tempête Greta sur Gotland", "La tempête Greta a abattu des milliers d'arbres sur Gotland, "
                     "12 000 foyers sans courant.", "fr", "2024-02-01", "Le Quotidien")
    tracker.add([french])
    assert alerts_of(tracker, "both") == []  # the source without the language, the language without the source
    story = tracker.add([bridge("fr", "Le Quotidien", 2)]).story_ids()[0]
    assert [trigger for trigger, *_ in alerts_of(tracker, "both")] == ["new-story"]
    assert alerts_of(tracker, "both")[0][1] == story


def test_an_entity_list_finds_another_spelling_once_the_index_knows_it(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("minsk", entity="Loekasjenko", triggers="new-story"))
    first = article("Lukashenko opens the summit", f"President Lukashenko opened the summit. {LUKASHENKO}", "en",
                    "2026-01-10", "Daily Wire", "https://example.org/minsk/1")
    story = tracker.add([first]).story_ids()[0]
    assert alerts_of(tracker, "minsk") == []  # the index does not know the Dutch spelling of this name yet
    # a story read earlier told the index that both spellings are one person
    entity = IndexedEntity("Aleksandr Lukashenko", "person", None, frozenset({"person|aleksandr lukasjenko"}),
                           spellings={("nl", "Loekasjenko"), ("en", "Lukashenko"), ("ru", "Лукашенко")},
                           mentions={("x", "nl"): 1})
    tracker.store.replace_story_entities(tracker.add([storm()]).story_ids()[0], [entity], "fp")
    second = article("Лукашенко открыл саммит", f"Александр Лукашенко открыл саммит. {LUKASHENKO}", "ru",
                     "2026-01-10", "Новости", "https://example.ru/minsk/2")
    assert tracker.add([second]).story_ids() == [story]
    assert alerts_of(tracker, "minsk") == [
        ("new-story", story, {"articles": 2, "languages": ["en", "ru"], "outlets": ["Daily Wire", "Новости"]})]


def test_a_query_list_matches_by_meaning_with_the_tracker_encoder(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("q", query=f"Varnaholm M-17 bridge {BRIDGE}", triggers="new-story"))
    tracker.add([storm()])
    assert alerts_of(tracker, "q") == []
    story = tracker.add([bridge("en", "Daily Wire", 1)]).story_ids()[0]
    assert [(trigger, story_id) for trigger, story_id, _ in alerts_of(tracker, "q")] == [("new-story", story)]


def test_a_growing_story_fires_growth_once_per_window(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("grow", entity="Varnaholm", triggers="growth"))
    early = bridge("en", "Daily Wire", 1)
    early.ingested_at = datetime.now(UTC) - timedelta(days=1)
    story = tracker.add([early]).story_ids()[0]
    tracker.add([bridge("en", "Daily Wire", 2)])  # growth 1: not fast
    assert alerts_of(tracker, "grow") == []
    tracker.add([bridge("de", "Tagesblatt", 3), bridge("fr", "Le Quotidien", 4)])  # 3 + 2*2 + 2 = 9
    found = alerts_of(tracker, "grow")
    assert [(trigger, story_id) for trigger, story_id, _ in found] == [("growth", story)]
    assert found[0][2]["new_languages"] == 2 and found[0][2]["score"] >= tracker.settings.watch_growth_min_score
    tracker.add([bridge("it", "Il Giornale", 5), bridge("es", "El Diario", 6)])
    assert len(alerts_of(tracker, "grow")) == 1  # at most once per window


def test_no_watchlist_means_no_evaluation(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    import babelwire.watchlists

    def fail(*_: Any, **__: Any) -> None:
        raise AssertionError("evaluated without a watch-list")

    monkeypatch.setattr(babelwire.watchlists, "evaluate_watchlists", fail)
    assert tracker.add([bridge("en", "Daily Wire", 1)]).added == 1


def test_a_failing_evaluation_is_logged_and_the_batch_stays_stored(tracker: Tracker,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    import babelwire.watchlists

    add_watchlist(tracker.store, make_watchlist("x", language="en"))

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(babelwire.watchlists, "evaluate_watchlists", broken)
    assert tracker.add([bridge("en", "Daily Wire", 1)]).added == 1
    assert tracker.store.count_articles() == 1 and "evaluating the watch-lists failed" in caplog.text
    monkeypatch.undo()
    story = tracker.store.find_story_ids()[0]  # the next evaluation of the story catches up
    assert [a["trigger"] for a in evaluate_watchlists(tracker.store, [story], tracker.settings)] == ["new-story"]


def test_a_backfill_raises_no_alert(tracker: Tracker, tmp_path: Path) -> None:
    from babelwire.backfill import backfill

    add_watchlist(tracker.store, make_watchlist("x", language="en"))
    archive = tmp_path / "archive.jsonl"
    archive.write_text(json.dumps({"title": "Varnaholm bridge", "text": f"The M-17 bridge. {BRIDGE}",
                                   "language": "en", "source": "Daily Wire", "published": "2024-03-05"}) + "\n")
    assert backfill(tracker, [archive]).added == 1
    assert tracker.store.alert_rows() == []


def test_bad_watchlists_are_errors_naming_the_input(tracker: Tracker) -> None:
    with pytest.raises(WatchlistError, match="needs a condition"):
        make_watchlist("empty")
    with pytest.raises(WatchlistError, match="'Klingon'"):
        make_watchlist("x", language="Klingon")
    with pytest.raises(WatchlistError, match="'sometimes'"):
        make_watchlist("x", language="en", triggers="new-story,sometimes")
    with pytest.raises(WatchlistError, match=r"name .a b\.atom."):
        make_watchlist("a b.atom", language="en")
    with pytest.raises(WatchlistError, match="'file:///etc/passwd'"):
        make_watchlist("x", language="en", webhook_url="file:///etc/passwd")
    add_watchlist(tracker.store, make_watchlist("x", language="en"))
    with pytest.raises(WatchlistError, match="exists already"):
        add_watchlist(tracker.store, make_watchlist("x", source="y"))


# --- the Atom feed -----------------------------------------------------------------------------------------


def test_the_atom_feed_parses_with_an_entry_per_alert_linking_to_its_story(tracker: Tracker) -> None:
    add_watchlist(tracker.store, make_watchlist("bridge", entity="Varnaholm", triggers="new-story,new-language"))
    story = tracker.add([bridge("en", "Daily Wire", 1)]).story_ids()[0]
    tracker.add([bridge("de", "Tagesblatt & Co <b>", 2)])
    watchlist = get_watchlist(tracker.store, "bridge")
    alerts = titled_alerts(tracker.store, tracker.store.alert_rows(watchlist.id), ("de", "en"))
    feed = feedparser.parse(atom_feed(watchlist, alerts, "http://news.local:8000/"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == "babelwire watch-list bridge"
    assert [entry.link for entry in feed.entries] == [f"http://news.local:8000/stories/{story}"] * 2
    # titled for the reader as the river is (German first), with what happened
    assert feed.entries[0].title == "Varnaholm bridge 2 (new language: de)"
    assert feed.entries[1].title.endswith("(new story (1 article))")
    assert len({entry.id for entry in feed.entries}) == 2


# --- webhooks ------------------------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on 127.0.0.1: answers the statuses it is given in turn, records what it got."""

    def __init__(self, statuses: list[int]):
        self.statuses = statuses
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "file:///etc/passwd")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_webhook_gets_the_signed_payload_at_ingest(tracker: Tracker) -> None:
    with Receiver([200]) as receiver:
        add_watchlist(tracker.store, make_watchlist("hook", source="Daily Wire", triggers="new-story",
                                                    webhook_url=receiver.url, webhook_secret="s3cret"))
        story = tracker.add([bridge("en", "Daily Wire", 1)]).story_ids()[0]
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected and verify_signature(body, "s3cret", headers[SIGNATURE_HEADER])
    assert not verify_signature(body + b" ", "s3cret", headers[SIGNATURE_HEADER])
    data = json.loads(body)
    assert data["watchlist"] == "hook" and data["trigger"] == "new-story"
    assert data["story"] == {"id": story, "title": "Varnaholm bridge 1", "title_language": "en",
                             "path": f"/stories/{story}"}
    [alert] = tracker.store.alert_rows()
    assert alert["delivered_at"] and alert["delivery_attempts"] == 1 and alert["last_error"] is None


def test_a_failing_receiver_is_retried_with_back_off_until_it_takes_the_alert(tracker: Tracker) -> None:
    settings = tracker.settings.replace(webhook_retry_base_s=60)
    with Receiver([500, 302, 200]) as receiver:
        add_watchlist(tracker.store, make_watchlist("hook", language="en", triggers="new-story",
                                                    webhook_url=receiver.url, webhook_secret="k"))
        tracker.add([bridge("en", "Daily Wire", 1)])  # delivered at once: 500
        [alert] = tracker.store.alert_rows()
        assert (alert["delivered_at"], alert["delivery_attempts"], alert["last_error"]) == (None, 1, "HTTP 500")
        retry_at = datetime.fromisoformat(alert["next_delivery_at"])
        now = datetime.now(UTC)
        assert timedelta(seconds=50) < retry_at - now <= timedelta(seconds=61)
        assert deliver_pending(tracker.store, settings, now=now).to_json() == {"delivered": 0, "failed": 0,
                                                                               "errors": []}  # not due yet
        report = deliver_pending(tracker.store, settings, now=retry_at)  # a redirect is not followed
        assert report.failed == 1 and "HTTP 302" in report.errors[0]
        [alert] = tracker.store.alert_rows()
        assert alert["delivery_attempts"] == 2
        assert datetime.fromisoformat(alert["next_delivery_at"]) - retry_at == timedelta(seconds=120)  # doubled
        report = deliver_pending(tracker.store, settings, now=retry_at + timedelta(seconds=120))
        assert (report.delivered, report.failed) == (1, 0)
    assert len(receiver.received) == 3
    assert len({body for _, body in receiver.received}) == 1  # the same signed body each time
    [alert] = tracker.store.alert_rows()
    assert alert["delivered_at"] and alert["delivery_attempts"] == 3 and alert["last_error"] is None
    assert deliver_pending(tracker.store, settings, now=retry_at + timedelta(days=1)).delivered == 0


def test_an_unreachable_receiver_gives_up_after_the_last_attempt(tracker: Tracker) -> None:
    settings = tracker.settings.replace(webhook_max_attempts=2, watch_deliver_at_ingest=False)
    tracker.settings = settings
    with Receiver([]) as receiver:
        url = receiver.url
    add_watchlist(tracker.store, make_watchlist("hook", language="en", triggers="new-story",
                                                webhook_url=url))  # nobody listens there now
    english_storm = article("Storm Greta hits Gotland", "Storm Greta felled thousands of trees on Gotland; "
                            "12 000 homes had no power.", "en", "2024-02-01", "Island News")
    assert len(set(tracker.add([bridge("en", "Daily Wire", 1), english_storm]).story_ids())) == 2
    assert [alert["delivery_attempts"] for alert in tracker.store.alert_rows()] == [0, 0]  # left to the poller
    later = datetime.now(UTC) + timedelta(days=2)
    # one timeout for the receiver, not one per alert: the second alert waits for the next run
    assert deliver_pending(tracker.store, settings, now=later).failed == 1
    assert sorted(alert["delivery_attempts"] for alert in tracker.store.alert_rows()) == [0, 1]
    for day in (4, 6, 8):
        deliver_pending(tracker.store, settings, now=later + timedelta(days=day))
    for alert in tracker.store.alert_rows():
        assert alert["delivery_attempts"] == 2 and alert["next_delivery_at"] is None and alert["last_error"]
    assert deliver_pending(tracker.store, settings, now=later + timedelta(days=19)).failed == 0


# --- CLI, API, pages -------------------------------------------------------------------------------------------


def test_cli_adds_lists_shows_alerts_and_removes(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["watchlist", "add", "mayor", "--db", db, "--entity", "Kessler-Lindqvist",
                                 "--language", "English", "--on", "new-story,new-language"])
    assert result.exit_code == 0, result.output
    assert "watch-list mayor: entity Kessler-Lindqvist, language en; on new-story, new-language" in result.stdout
    again = runner.invoke(app, ["watchlist", "add", "mayor", "--db", db, "--source", "x"])
    assert again.exit_code == 2 and "exists already" in again.stderr
    bad = runner.invoke(app, ["watchlist", "add", "other", "--db", db, "--language", "Klingon"])
    assert bad.exit_code == 2 and "'Klingon'" in bad.stderr
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        story = tracker.add([bridge("en", "Daily Wire", 1)]).story_ids()[0]
        tracker.add([bridge("de", "Tagesblatt", 2)])
    listed = json.loads(runner.invoke(app, ["watchlist", "list", "--db", db, "--json"]).stdout)
    assert [(w["name"], w["alerts"], w["condition"]) for w in listed] == [
        ("mayor", 2, {"entity": "Kessler-Lindqvist", "language": "en"})]
    alerts = json.loads(runner.invoke(app, ["alerts", "mayor", "--db", db, "--json"]).stdout)
    assert [(a["trigger"], a["story_id"], a["title"]) for a in alerts] == [
        ("new-language", story, "Varnaholm bridge 1"), ("new-story", story, "Varnaholm bridge 1")]
    table = runner.invoke(app, ["alerts", "--db", db, "--deliver"])
    assert table.exit_code == 0 and "delivered 0 alerts, 0 failed" in table.stdout
    assert "new language: de" in table.stdout
    missing = runner.invoke(app, ["alerts", "nobody", "--db", db])
    assert missing.exit_code == 2 and "no watch-list called 'nobody'" in missing.stderr
    assert runner.invoke(app, ["watchlist", "remove", "mayor", "--db", db]).exit_code == 0
    assert json.loads(runner.invoke(app, ["watchlist", "list", "--db", db, "--json"]).stdout) == []
    assert runner.invoke(app, ["watchlist", "remove", "mayor", "--db", db]).exit_code == 2


def test_api_and_pages_show_watchlists_alerts_and_feed(tmp_path: Path) -> None:
    db = str(tmp_path / "web.db")
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        add_watchlist(tracker.store, make_watchlist("bridge", entity="Varnaholm", webhook_url="http://127.0.0.1:9/x",
                                                    webhook_secret="never-shown"))
        tracker.settings = tracker.settings.replace(watch_deliver_at_ingest=False)
        story = tracker.add([bridge("en", "Daily Wire", 1), bridge("fr", "Le Quotidien", 2)]).story_ids()[0]
    with TestClient(make_app(db)) as client:
        listed = client.get("/api/watchlists")
        assert listed.status_code == 200
        assert listed.json() == [{"name": "bridge", "condition": {"entity": "Varnaholm"},
                                  "triggers": ["new-story", "new-language", "new-outlet", "growth"], "webhook": True,
                                  "created_at": listed.json()[0]["created_at"], "feed": "/watch/bridge.atom",
                                  "alerts": 1}]
        alerts = client.get("/api/watchlists/bridge/alerts", headers={"Accept-Language": "fr"})
        assert alerts.headers["X-Total-Count"] == "1"
        assert [(a["trigger"], a["story_id"], a["title"]) for a in alerts.json()] == [
            ("new-story", story, "Varnaholm bridge 2")]
        assert "never-shown" not in listed.text + alerts.text and "127.0.0.1:9" not in listed.text + alerts.text
        assert client.get("/api/watchlists/nobody/alerts").status_code == 404

        river = client.get("/").text
        assert '<a href="/watch">Watch-lists</a>' in river and '<a href="/?sort=developing">' in river
        index = client.get("/watch")
        assert index.status_code == 200 and '<a href="/watch/bridge">bridge</a>' in index.text
        page = client.get("/watch/bridge")
        assert page.status_code == 200 and "<h1>Watch-list bridge</h1>" in page.text
        assert f'<a href="/stories/{story}" lang="en" dir="auto">Varnaholm bridge 1</a>' in page.text
        assert "new story (2 articles)" in page.text and 'href="/watch/bridge.atom"' in page.text
        assert '<link rel="alternate" type="application/atom+xml" title="Watch-list bridge" ' in page.text
        assert client.get("/watch/nobody").status_code == 404

        feed_response = client.get("/watch/bridge.atom")
        assert feed_response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(feed_response.text)
        assert feed.bozo == 0 and [entry.link for entry in feed.entries] == [f"http://testserver/stories/{story}"]
        assert client.get("/watch/nobody.atom").status_code == 404
