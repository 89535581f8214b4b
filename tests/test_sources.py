"""Sources: intervals, OPML in and out, the store's source and poll records (both backends), and the
``babelwire sources`` commands on a temporary store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.settings import Settings
from babelwire.sources import (
    SourceError,
    add_sources,
    format_interval,
    parse_interval,
    read_opml,
    write_opml,
)
from babelwire.store import open_store
from babelwire.store_sources import PollRecord

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "news-feeds.opml"
runner = CliRunner()


def test_intervals() -> None:
    assert [parse_interval(text) for text in ("90s", "10m", "1h", "2d", "600", " 1.5H ")] == [
        90, 600, 3600, 172800, 600, 5400]
    assert [format_interval(seconds) for seconds in (90, 600, 3600, 5400, 86400)] == ["90s", "10m", "1h", "90m", "1d"]
    for bad in ("", "ten minutes", "10x", "-5m", "0s"):
        with pytest.raises(SourceError, match="interval"):
            parse_interval(bad)


def test_opml_round_trip_and_example(tmp_path: Path) -> None:
    feeds = read_opml(EXAMPLE)
    assert len(feeds) == 24 and len({url for url, _ in feeds}) == 24
    assert ("https://www.tagesschau.de/xml/rss2/", "tagesschau.de") in feeds  # nested outlines are read
    store = open_store(tmp_path / "a.db")
    added = add_sources(store, str(EXAMPLE), Settings(), every="15m")
    assert len(added) == 24 and all(new for _, new in added)
    exported = tmp_path / "out.opml"
    exported.write_text(write_opml(store.sources()))
    assert read_opml(exported) == feeds
    assert 'babelwireEvery="15m"' in exported.read_text()

    other = open_store(tmp_path / "b.db")
    add_sources(other, str(exported), Settings())
    assert [(s.url, s.title) for s in other.sources()] == [(s.url, s.title) for s in store.sources()]
    store.close()
    other.close()


def test_bad_sources_are_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    with pytest.raises(SourceError, match="neither an http"):
        add_sources(store, "feeds.txt", Settings())
    (tmp_path / "empty.opml").write_text("<opml><body></body></opml>")
    with pytest.raises(SourceError, match="no feeds"):
        add_sources(store, str(tmp_path / "empty.opml"), Settings())
    with pytest.raises(SourceError, match="watch_min_every_s"):
        add_sources(store, "https://example.org/feed", Settings(), every="5s")
    (tmp_path / "bad.opml").write_text('<opml><body><outline xmlUrl="file:///etc/passwd"/></body></opml>')
    with pytest.raises(SourceError, match="file:///etc/passwd"):
        add_sources(store, str(tmp_path / "bad.opml"), Settings())
    assert store.sources() == []
    store.close()


def test_store_sources_and_polls(store_db: str) -> None:
    store = open_store(store_db)
    try:
        source, new = store.add_source("https://example.org/a.rss", 600, title="A", now="2026-01-01T00:00:00+00:00")
        assert new and source.next_poll_at == "2026-01-01T00:00:00+00:00" and source.failures == 0
        store.add_source("https://example.org/b.rss", 60, now="2026-01-01T00:05:00+00:00")
        again, new = store.add_source("https://example.org/a.rss", 900, follow_links=True, language="de",
                                      now="2026-02-01T00:00:00+00:00")
        assert not new and (again.id, again.every_s, again.follow_links, again.language, again.title) == (
            source.id, 900, True, "de", "A")
        assert [s.url for s in store.due_sources("2026-01-01T00:01:00+00:00")] == ["https://example.org/a.rss"]
        assert store.next_due_at() == "2026-01-01T00:00:00+00:00"

        for minute in range(5):
            again.etag, again.failures, again.articles = f'"{minute}"', 0, again.articles + 1
            again.next_poll_at = f"2026-01-01T00:{minute + 10:02d}:00+00:00"
            again.last_status, again.last_poll_at = "ok", f"2026-01-01T00:{minute:02d}:30+00:00"
            store.record_poll(again, PollRecord(again.id, f"2026-01-01T00:{minute:02d}:00+00:00",
                                                again.last_poll_at, "ok", 200, 1, minute), keep_polls=3)
        stored = store.source(again.id)
        assert (stored.etag, stored.articles, stored.next_poll_at) == ('"4"', 5, "2026-01-01T00:14:00+00:00")
        assert [(p.skipped, p.http_status) for p in store.polls(again.id)] == [(2, 200), (3, 200), (4, 200)]
        assert [s.url for s in store.due_sources("2026-01-01T00:06:00+00:00")] == ["https://example.org/b.rss"]

        removed = store.remove_source(again.id)
        assert removed is not None and store.source(again.id) is None and store.polls(again.id) == []
        assert store.remove_source(again.id) is None
        assert store.count_sources() == 1
    finally:
        store.close()


def test_cli_sources(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["sources", "add", "https://example.org/news.rss", "--every", "10m", "--follow-links",
                                 "--language", "German", "--db", db])
    assert result.exit_code == 0, result.output
    assert "added 1 https://example.org/news.rss (every 10m)" in result.output
    assert runner.invoke(app, ["sources", "add", str(EXAMPLE), "--db", db]).exit_code == 0

    listed = json.loads(runner.invoke(app, ["sources", "list", "--json", "--db", db]).output)
    assert len(listed) == 25
    assert (listed[0]["every_s"], listed[0]["follow_links"], listed[0]["language"]) == (600, True, "de")
    assert listed[1]["every_s"] == Settings().watch_every_s and listed[1]["last_poll_at"] is None
    table = runner.invoke(app, ["sources", "list", "--db", db]).output
    assert "https://example.org/news.rss" in table and "never" in table

    exported = runner.invoke(app, ["sources", "export", "--opml", "--db", db]).output
    assert exported.count("<outline ") == 25 and 'language="de"' in exported

    assert runner.invoke(app, ["sources", "remove", "1", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["sources", "remove", "https://www.nrk.no/toppsaker.rss", "--db", db]).exit_code == 0
    missing = runner.invoke(app, ["sources", "remove", "999", "--db", db])
    assert missing.exit_code == 1 and "no source 999" in missing.output
    assert len(json.loads(runner.invoke(app, ["sources", "list", "--json", "--db", db]).output)) == 23

    bad = runner.invoke(app, ["sources", "add", "https://example.org/x", "--every", "often", "--db", db])
    assert bad.exit_code == 2 and "interval 'often'" in bad.output
    nostore = runner.invoke(app, ["sources", "list", "--db", str(tmp_path / "none.db")])
    assert nostore.exit_code == 2 and "no store" in nostore.output
