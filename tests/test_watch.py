"""The poller: conditional GETs, back-off, Retry-After, deadlines, malformed feeds, followed links with
robots.txt and per-host pacing, language of a source, the run loop, and a kill -9 in the middle of a cycle."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.sources import add_sources, parse_iso
from babelwire.tracker import Tracker, make_language_identifier
from babelwire.watch import Watcher, backoff_seconds, retry_after_seconds
from feed_server import Answer, FeedServer, feed_server, items, report_text, rss

START = 1_800_000_000.0  # 2027-01-15: a fixed epoch the fake clock starts from
SETTINGS = Settings(encoder="hashing", language_identifier="py3langid", allow_private_hosts=True,
                    http_deadline_s=1.0, http_timeout_s=1.0, watch_min_every_s=1, watch_host_delay_s=2.0)


class FakeClock:
    """Time that passes only when the poller sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = START
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def identifier():
    return make_language_identifier(SETTINGS)


@pytest.fixture
def tracker(tmp_path: Path, identifier) -> Iterator[Tracker]:
    with Tracker(tmp_path / "watch.db", SETTINGS, encoder=HashingEncoder(), language_identifier=identifier) as t:
        yield t


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def watcher_for(tracker: Tracker, clock: FakeClock, settings: Settings = SETTINGS) -> Watcher:
    return Watcher(tracker, settings, clock=clock, sleep=clock.sleep)


def add(tracker: Tracker, url: str, every: str = "10m", **options) -> int:
    ((source, _),) = add_sources(tracker.store, url, SETTINGS, every=every, **options)
    # due at the fake clock's start, whatever the real time
    with tracker.store.transaction():
        tracker.store._execute("UPDATE sources SET next_poll_at = ? WHERE id = ?", ("2000-01-01T00:00:00+00:00",
                                                                                      source.id))
    return source.id


def stored_titles(tracker: Tracker) -> list[str]:
    return sorted(row[0] for row in tracker.store._execute("SELECT title FROM articles"))


def test_new_items_304_and_changes(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/etag.rss"] = Answer(body=rss(items(range(2))), etag='"v1"')
    server.routes["/dated.rss"] = Answer(body=rss(items(range(10, 12))), last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
    by_etag = add(tracker, server.url("/etag.rss"))
    by_date = add(tracker, server.url("/dated.rss"))
    watcher = watcher_for(tracker, clock)

    first = watcher.run_once()
    assert [(p.status, p.http_status, p.new_articles) for p in first.polls] == [("ok", 200, 2), ("ok", 200, 2)]
    assert watcher.run_once().polls == []  # nothing is due again before its interval
    clock.now += 600
    second = watcher.run_once()
    assert [(p.status, p.http_status, p.new_articles, p.skipped) for p in second.polls] == [
        ("not-modified", 304, 0, 0), ("not-modified", 304, 0, 0)]
    assert server.requests_to("/etag.rss")[-1].headers["if-none-match"] == '"v1"'
    assert server.requests_to("/dated.rss")[-1].headers["if-modified-since"] == "Mon, 05 Jan 2026 10:00:00 GMT"
    assert "user-agent" in server.hits[0].headers and server.hits[0].headers["user-agent"].startswith("babelwire/")

    server.routes["/etag.rss"] = Answer(body=rss(items(range(3))), etag='"v2"')  # one new item
    clock.now += 600
    third = watcher.run_once()
    assert [(p.status, p.new_articles, p.skipped) for p in third.polls] == [("ok", 1, 2), ("not-modified", 0, 0)]
    assert stored_titles(tracker) == ["Report 0", "Report 1", "Report 10", "Report 11", "Report 2"]

    source = tracker.store.source(by_etag)
    assert (source.etag, source.failures, source.articles, source.last_status) == ('"v2"', 0, 3, "ok")
    assert source.title == "Test Wire"  # from the feed, as none was given
    assert parse_iso(source.next_poll_at) == parse_iso(source.last_poll_at) + 600
    assert [p.status for p in tracker.store.polls(by_etag)] == ["ok", "not-modified", "ok"]
    assert [p.status for p in tracker.store.polls(by_date)] == ["ok", "not-modified", "not-modified"]


def test_schedule_and_host_pacing(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    for name in ("a", "b", "c"):
        server.routes[f"/{name}.rss"] = Answer(body=rss(items(range(ord(name) * 10, ord(name) * 10 + 1))))
    ids = [add(tracker, server.url(f"/{name}.rss"), every="5m") for name in ("a", "b", "c")]
    watcher = watcher_for(tracker, clock)
    report = watcher.run_once()
    assert len(report.polls) == 3
    # one host: the 2nd and 3rd request waited watch_host_delay_s after the one before
    assert clock.slept == [2.0, 2.0]
    for source_id in ids:
        source = tracker.store.source(source_id)
        assert parse_iso(source.next_poll_at) == pytest.approx(parse_iso(source.last_poll_at) + 300)


def test_errors_back_off_and_recover(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/flaky.rss"] = Answer(status=500, body=b"oops")
    source_id = add(tracker, server.url("/flaky.rss"), every="1m")
    settings = SETTINGS.replace(watch_max_backoff_s=300)
    watcher = watcher_for(tracker, clock, settings)
    waits = []
    for _ in range(4):
        (poll,) = watcher.run_once().polls
        assert (poll.status, poll.http_status, poll.error) == ("error", 500, "HTTP 500")
        source = tracker.store.source(source_id)
        waits.append(parse_iso(source.next_poll_at) - parse_iso(source.last_poll_at))
        clock.now = parse_iso(source.next_poll_at)
    assert waits == [120, 240, 300, 300]  # doubling from the interval, capped at watch_max_backoff_s
    assert tracker.store.source(source_id).failures == 4

    server.routes["/flaky.rss"] = Answer(body=rss(items(range(1))))
    (poll,) = watcher.run_once().polls
    source = tracker.store.source(source_id)
    assert (poll.status, poll.new_articles, source.failures, source.last_error) == ("ok", 1, 0, None)
    assert parse_iso(source.next_poll_at) - parse_iso(source.last_poll_at) == 60


def test_throttled_honours_retry_after(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/busy.rss"] = Answer(status=429, headers={"Retry-After": "3600"})
    http_date = "Fri, 15 Jan 2027 10:00:00 GMT"  # START is 2027-01-15T08:00:00Z: two hours ahead
    server.routes["/down.rss"] = Answer(status=503, headers={"Retry-After": http_date})
    busy = add(tracker, server.url("/busy.rss"), every="1m")
    down = add(tracker, server.url("/down.rss"), every="1m")
    watcher = watcher_for(tracker, clock, SETTINGS.replace(watch_host_delay_s=0.0))
    polls = watcher.run_once().polls
    assert [(p.status, p.http_status) for p in polls] == [("throttled", 429), ("throttled", 503)]
    assert "Retry-After 3600" in (polls[0].error or "")
    assert parse_iso(tracker.store.source(busy).next_poll_at) == START + 3600
    assert parse_iso(tracker.store.source(down).next_poll_at) == parse_iso("2027-01-15T10:00:00+00:00")
    assert tracker.store.source(busy).failures == 1
    clock.now += 3599
    assert [p.source_id for p in watcher.run_once().polls] == []  # nothing before Retry-After


def test_retry_after_and_backoff_values() -> None:
    assert retry_after_seconds("120", START) == 120
    assert retry_after_seconds("Fri, 15 Jan 2027 08:01:00 GMT", START) == 60
    assert retry_after_seconds("Fri, 15 Jan 2027 07:00:00 GMT", START) == 0  # a date past: no wait
    assert retry_after_seconds("soon", START) is None and retry_after_seconds(None, START) is None
    assert retry_after_seconds("99999999999", START) == 7 * 86400
    assert backoff_seconds(600, 1, 3600) == 1200 and backoff_seconds(600, 10, 3600) == 3600
    assert backoff_seconds(7200, 3, 3600) == 7200  # never sooner than the interval


def test_slow_and_malformed_feeds_fail_alone(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/slow.rss"] = Answer(body=rss(items(range(1))), delay_s=2.5)
    server.routes["/broken.rss"] = Answer(body=b"<html><body>Not a feed at all</body></html>", etag='"x"')
    server.routes["/good.rss"] = Answer(body=rss(items(range(5, 6))))
    slow = add(tracker, server.url("/slow.rss"))
    broken = add(tracker, server.url("/broken.rss"))
    add(tracker, server.url("/good.rss"))
    polls = watcher_for(tracker, clock).run_once().polls
    by_source = {p.source_id: p for p in polls}
    assert by_source[slow].status == "error" and "timed out" in by_source[slow].error
    assert by_source[broken].status == "error" and by_source[broken].http_status == 200
    assert "not an RSS or Atom feed" in by_source[broken].error
    assert tracker.store.source(broken).etag is None  # an unreadable feed is asked for in full next time
    assert stored_titles(tracker) == ["Report 5"]


def test_follow_links_robots_and_redirects(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    page = "<html><head><title>{0}</title></head><body><article><h1>{0}</h1><p>{1}</p></article></body></html>"
    for n in (1, 2, 3):
        server.routes[f"/news/{n}"] = Answer(body=page.format(f"Page {n}", report_text(100 + n) * 2).encode(),
                                             content_type="text/html")
    # the entry link of item 3 redirects to another host name (localhost), whose robots.txt is asked too
    server.routes["/go/3"] = Answer(status=302, headers={"Location": server.url("/news/3", host="localhost")})
    server.routes["/robots.txt"] = Answer(body=b"User-agent: *\nDisallow: /news/2\n", content_type="text/plain")
    feed = [{"guid": f"g{n}", "title": f"Entry {n}", "text": report_text(n), "link": server.url(path)}
            for n, path in ((1, "/news/1"), (2, "/news/2"), (3, "/go/3"))]
    server.routes["/linked.rss"] = Answer(body=rss(feed))
    source_id = add(tracker, server.url("/linked.rss"), follow_links=True)
    (poll,) = watcher_for(tracker, clock).run_once().polls

    assert (poll.status, poll.new_articles) == ("ok", 3)
    assert server.requests_to("/news/2") == []  # robots.txt disallows it: the feed's text is used
    assert "robots.txt" in (poll.error or "")
    assert len(server.requests_to("/news/1")) == 1
    (redirected,) = server.requests_to("/news/3")
    assert redirected.host.startswith("localhost")
    robots_hosts = sorted(hit.host.split(":")[0] for hit in server.requests_to("/robots.txt"))
    assert robots_hosts == ["127.0.0.1", "localhost"]  # one robots.txt per host, cached for the next entries
    rows = {row["title"]: row["url"] for row in tracker.store._execute("SELECT title, url FROM articles")}
    assert rows["Page 1"] == server.url("/news/1")
    assert rows["Entry 2"] == server.url("/news/2")  # the feed's own text and link
    assert rows["Page 3"] == server.url("/news/3", host="localhost")
    assert tracker.store.source(source_id).articles == 3
    assert all(pause <= 2.0 for pause in clock.slept) and clock.slept  # requests to 127.0.0.1 were paced


def test_source_language_is_the_articles(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/sv.rss"] = Answer(body=rss(items(range(3))))
    add(tracker, server.url("/sv.rss"), language="sv")
    watcher_for(tracker, clock).run_once()
    assert {row[0] for row in tracker.store._execute("SELECT language FROM articles")} == {"sv"}


def test_run_loop_sleeps_until_due_and_stops(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    counter = {"n": 0}

    def growing(_hit) -> Answer:  # two new items on every poll
        counter["n"] += 1
        return Answer(body=rss(items(range(2 * counter["n"]))))

    server.routes["/growing.rss"] = growing
    source_id = add(tracker, server.url("/growing.rss"), every="90s")
    watcher = watcher_for(tracker, clock)
    watcher.run(cycles=4)
    polls = tracker.store.polls(source_id)
    assert [(p.new_articles, p.skipped) for p in polls] == [(2, 0), (2, 2), (2, 4), (2, 6)]
    starts = [parse_iso(p.started_at) for p in polls]
    assert [b - a for a, b in itertools.pairwise(starts)] == [90, 90, 90]
    assert len(stored_titles(tracker)) == 8

    watcher.stop.set()
    clock.now += 1000
    watcher.run()  # stopped: returns before polling
    assert len(tracker.store.polls(source_id)) == 4


def test_kept_polls_are_bounded(tracker: Tracker, server: FeedServer) -> None:
    clock = FakeClock()
    server.routes["/same.rss"] = Answer(body=rss(items(range(1))), etag='"same"')
    source_id = add(tracker, server.url("/same.rss"), every="1m")
    watcher = watcher_for(tracker, clock, SETTINGS.replace(watch_keep_polls=3))
    for _ in range(6):
        watcher.run_once()
        clock.now += 60
    polls = tracker.store.polls(source_id)
    assert [p.status for p in polls] == ["not-modified"] * 3
    assert parse_iso(polls[-1].started_at) == START + 5 * 60


# --- kill -9 in the middle of a cycle -----------------------------------------------------------


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=5) as connection:
        return connection.execute(sql).fetchone()[0]


def test_kill_mid_cycle_then_resume(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "crash.db"
    hold = threading.Event()
    for n in range(1, 6):
        server.routes[f"/feed{n}.rss"] = Answer(body=rss(items(range(n * 10, n * 10 + 4))), etag=f'"{n}"')
    server.routes["/feed3.rss"].hold = hold  # the third source stalls: the kill lands mid-cycle
    babelwire = str(Path(sys.executable).parent / "babelwire")
    env = {**os.environ, "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid", "BABELWIRE_WATCH_HOST_DELAY_S": "0",
           "BABELWIRE_ENCODER": "hashing", "BABELWIRE_HTTP_DEADLINE_S": "30"}
    for n in range(1, 6):
        subprocess.run([babelwire, "sources", "add", server.url(f"/feed{n}.rss"), "--every", "1h", "--db", str(db)],
                       env=env, check=True, capture_output=True)
    process = subprocess.Popen([babelwire, "watch", "--db", str(db), "--allow-private-hosts"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert server.arrived.wait(120), "the poller never asked for the stalled feed"
        time.sleep(0.2)
        assert process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    hold.set()
    assert _count(db, "SELECT COUNT(*) FROM articles") == 8  # feeds 1 and 2 were committed
    assert _count(db, "SELECT COUNT(*) FROM polls") == 2
    server.routes["/feed3.rss"].hold = None

    result = subprocess.run([babelwire, "watch", "--once", "--db", str(db), "--allow-private-hosts"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "3 polled: 12 new" in result.stdout
    assert len(server.requests_to("/feed1.rss")) == 1  # not due: the schedule resumed from the store
    assert len(server.requests_to("/feed3.rss")) == 2
    assert _count(db, "SELECT COUNT(*) FROM articles") == 20
    assert _count(db, "SELECT COUNT(DISTINCT url) FROM articles") == 20
    assert _count(db, "SELECT COUNT(*) FROM polls") == 5
    assert _count(db, "SELECT COUNT(*) FROM sources WHERE next_poll_at > last_poll_at AND failures = 0") == 5


def test_sigterm_stops_between_polls(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "term.db"
    hold = threading.Event()
    server.routes["/a.rss"] = Answer(body=rss(items(range(3))), hold=hold)
    server.routes["/b.rss"] = Answer(body=rss(items(range(10, 13))))
    babelwire = str(Path(sys.executable).parent / "babelwire")
    env = {**os.environ, "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid", "BABELWIRE_WATCH_HOST_DELAY_S": "0",
           "BABELWIRE_ENCODER": "hashing"}
    for path in ("/a.rss", "/b.rss"):
        subprocess.run([babelwire, "sources", "add", server.url(path), "--db", str(db)], env=env, check=True,
                       capture_output=True)
    process = subprocess.Popen([babelwire, "watch", "--db", str(db), "--allow-private-hosts"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert server.arrived.wait(120)
        process.send_signal(signal.SIGTERM)  # while the first poll waits for its answer
        time.sleep(0.2)
        hold.set()
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    # the poll under way finished and was recorded; the next one never started
    assert _count(db, "SELECT COUNT(*) FROM polls") == 1
    assert _count(db, "SELECT COUNT(*) FROM articles") == 3
    assert server.requests_to("/b.rss") == []


def test_poller_thread_for_serve(tmp_path: Path, server: FeedServer, identifier) -> None:
    """``serve --watch``: the poller runs in a thread of its own, over its own tracker, until stopped."""
    from babelwire.watch import start_in_thread

    db = tmp_path / "serve.db"
    server.routes["/live.rss"] = Answer(body=rss(items(range(3))))
    with Tracker(db, SETTINGS, encoder=HashingEncoder(), language_identifier=identifier) as tracker:
        add(tracker, server.url("/live.rss"))
    changed: list[list[int]] = []
    thread, watcher = start_in_thread(str(db), SETTINGS, encoder=HashingEncoder(), language_identifier=identifier,
                                      on_ingest=changed.append)
    try:
        deadline = time.monotonic() + 60
        while not changed and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert len(changed) == 1 and len(changed[0]) >= 1  # the stories the poll changed, for the background reader
    assert _count(db, "SELECT COUNT(*) FROM articles") == 3


def test_robots_missing_unreachable_and_expired(server: FeedServer) -> None:
    from babelwire.watch import HostPacer, RobotsRules

    clock = FakeClock()
    settings = SETTINGS.replace(watch_robots_ttl_s=600)
    rules = RobotsRules(settings, HostPacer(0.0, clock, clock.sleep), clock)
    server.routes["/robots.txt"] = Answer(status=404, body=b"", content_type="text/plain")
    assert rules.allowed(server.url("/a")) and rules.allowed(server.url("/b"))  # no robots.txt: all allowed
    assert rules.fetches == 1  # kept for the host
    server.routes["/robots.txt"] = Answer(status=500, body=b"", content_type="text/plain")
    clock.now += 601
    assert not rules.allowed(server.url("/a"))  # cannot be had: nothing is fetched there for now
    server.routes["/robots.txt"] = Answer(body=b"User-agent: babelwire\nDisallow: /a\n", content_type="text/plain")
    clock.now += 3601
    assert not rules.allowed(server.url("/a")) and rules.allowed(server.url("/b"))
    assert rules.fetches == 3


def test_polls_on_each_backend(store_db: str, server: FeedServer, identifier) -> None:
    clock = FakeClock()
    server.routes["/both.rss"] = Answer(body=rss(items(range(4))), etag='"b1"')
    with Tracker(store_db, SETTINGS, encoder=HashingEncoder(), language_identifier=identifier) as tracker:
        source_id = add(tracker, server.url("/both.rss"))
        watcher = watcher_for(tracker, clock)
        assert [(p.status, p.new_articles) for p in watcher.run_once().polls] == [("ok", 4)]
        clock.now += 600
        server.routes["/both.rss"] = Answer(body=rss(items(range(5))), etag='"b2"')
        assert [(p.status, p.new_articles, p.skipped) for p in watcher.run_once().polls] == [("ok", 1, 4)]
        clock.now += 600
        assert [p.status for p in watcher.run_once().polls] == ["not-modified"]
        source = tracker.store.source(source_id)
        assert (source.etag, source.articles, source.failures) == ('"b2"', 5, 0)
        assert [p.new_articles for p in tracker.store.polls(source_id)] == [4, 1, 0]
        assert tracker.store.count_articles() == 5
        assert len(stored_titles(tracker)) == 5


def test_same_body_without_etag_is_not_read_again(tracker: Tracker, server: FeedServer, monkeypatch) -> None:
    clock = FakeClock()
    server.routes["/plain.rss"] = Answer(body=rss(items(range(2))))  # no ETag, no Last-Modified
    source_id = add(tracker, server.url("/plain.rss"))
    watcher = watcher_for(tracker, clock)
    assert [p.new_articles for p in watcher.run_once().polls] == [2]
    read = []
    monkeypatch.setattr(tracker, "add", lambda *args, **kwargs: read.append(args))
    clock.now += 600
    (poll,) = watcher.run_once().polls
    assert (poll.status, poll.http_status, read) == ("not-modified", 200, [])  # same bytes: neither parsed nor added
    assert tracker.store.source(source_id).failures == 0


def test_a_watch_list_fires_on_the_cycle_that_brings_its_story(tracker: Tracker, server: FeedServer) -> None:
    """End to end through the poller: nothing matches on the first cycle; the cycle whose feed gains an item
    about the watched name raises one new-story alert, delivered signed to the webhook (retried by the cycle
    after the receiver failed it) and listed in the watch-list's Atom feed; a later 304 cycle raises nothing."""
    import feedparser
    from fastapi.testclient import TestClient

    from babelwire.api import create_app
    from babelwire.watchlists import add_watchlist, make_watchlist
    from babelwire.webhooks import SIGNATURE_HEADER, verify_signature
    from test_watchlists import Receiver

    clock = FakeClock()
    server.routes["/wire.rss"] = Answer(body=rss(items(range(2))), etag='"v1"')
    add(tracker, server.url("/wire.rss"))
    # the receiver fails the first delivery (made at ingest); the cycle's end tries again, due at once here
    tracker.settings = SETTINGS.replace(webhook_retry_base_s=0)
    watcher = watcher_for(tracker, clock, tracker.settings)
    with Receiver([500]) as receiver:
        add_watchlist(tracker.store, make_watchlist("varnaholm", entity="Varnaholm", triggers="new-story",
                                                    webhook_url=receiver.url, webhook_secret="k3y"))
        assert watcher.run_once().new_articles == 2
        assert tracker.store.alert_rows() == [] and receiver.received == []

        news = {"guid": "item-v", "title": "Varnaholm bridge closed after storm damage",
                "text": "The Varnaholm bridge was closed on Monday after the storm damaged two of its piers; "
                        "engineers expect the ferry to replace it until the spring inspection is complete."}
        server.routes["/wire.rss"] = Answer(body=rss([*items(range(2)), news]), etag='"v2"')
        clock.now += 600
        assert watcher.run_once().new_articles == 1
        [alert] = tracker.store.alert_rows()
        assert alert["trigger"] == "new-story" and alert["delivered_at"] and alert["delivery_attempts"] == 2
        assert len(receiver.received) == 2
        headers, body = receiver.received[-1]
        assert verify_signature(body, "k3y", headers[SIGNATURE_HEADER])

        clock.now += 600
        assert [p.status for p in watcher.run_once().polls] == ["not-modified"]
        assert len(tracker.store.alert_rows()) == 1 and len(receiver.received) == 2

    with TestClient(create_app(tracker.store.path, settings=SETTINGS, encoder=HashingEncoder())) as client:
        answer = client.get("/watch/varnaholm.atom")
    assert answer.status_code == 200
    feed = feedparser.parse(answer.content)
    assert not feed.bozo and [entry.title for entry in feed.entries] == [
        "Varnaholm bridge closed after storm damage (new story (1 article))"]
    assert feed.entries[0].link.endswith(f"/stories/{alert['story_id']}")
