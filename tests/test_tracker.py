"""The tracker over a real store: dedup, bad batches, transactions, schema, relink."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.store import SCHEMA_VERSION, Store, StoreError
from babelwire.tracker import Tracker
from babelwire.types import Article
from samples import ARTICLE_DE, ARTICLE_EN


def stored_snapshot(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT * FROM articles ORDER BY seq").fetchall()


def test_reingest_does_not_duplicate(tmp_path: Path, hashing_tracker: Tracker) -> None:
    (tmp_path / "a.txt").write_text("title A\nurl https://example.org/a?utm_source=x\n\n" + ARTICLE_EN)
    (tmp_path / "b.txt").write_text(ARTICLE_DE)
    first = hashing_tracker.ingest([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert first.added == 2 and not first.problems
    again = hashing_tracker.ingest([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert again.added == 0 and again.duplicates == 2
    # the same URL with other tracking parameters is the same article
    (tmp_path / "c.txt").write_text("title A (updated)\nurl https://EXAMPLE.org/a\n\n" + ARTICLE_EN + " More.")
    assert hashing_tracker.ingest([tmp_path / "c.txt"]).duplicates == 1
    assert hashing_tracker.store.count_articles() == 2


def test_same_url_twice_in_one_batch_is_one_article(hashing_tracker: Tracker) -> None:
    first = Article(title="A", text=ARTICLE_EN, url="https://example.org/x?utm_source=feed")
    second = Article(title="A, updated", text=ARTICLE_EN + " Updated.", url="https://example.org/x")
    report = hashing_tracker.add([first, second])
    assert (report.added, report.duplicates) == (1, 1)


def test_bad_inputs_do_not_touch_what_is_stored(tmp_path: Path, hashing_tracker: Tracker) -> None:
    good = tmp_path / "good.txt"
    good.write_text("date 2026-01-02\ntitle Good\n\n" + ARTICLE_EN)
    hashing_tracker.ingest([good])
    before = stored_snapshot(hashing_tracker.store.path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "broken.html").write_bytes(b"<html><body><<<")
    (bad / "feed.rss").write_bytes(b"<rss><channel><item><title>x</ti")
    (bad / "lines.jsonl").write_text("{oops\n" + json.dumps({"text": ARTICLE_DE}) + "\n")
    (bad / "short.txt").write_text("tiny")
    report = hashing_tracker.ingest([bad, "http://127.0.0.1:9/x.html"])
    assert report.added == 1  # the one good JSONL line
    origins = " ".join(problem.origin for problem in report.problems)
    for name in ("empty.txt", "junk.txt", "broken.html", "feed.rss", "lines.jsonl:1", "short.txt", "127.0.0.1:9"):
        assert name in origins
    assert all(problem.reason for problem in report.problems)
    after = stored_snapshot(hashing_tracker.store.path)
    assert after[: len(before)] == before
    assert hashing_tracker.store.check_consistency() == []


def test_failed_batch_rolls_back_and_the_linker_recovers(tmp_path: Path, hashing_tracker: Tracker) -> None:
    hashing_tracker.add([Article(title="One", text=ARTICLE_EN)])

    def broken():
        yield Article(title="Two", text=ARTICLE_DE)
        raise RuntimeError("disk on fire")

    hashing_tracker.settings = hashing_tracker.settings.replace(ingest_batch_size=1)
    with pytest.raises(RuntimeError):
        hashing_tracker.add(broken())
    # "Two" was committed in its own batch before the failure; nothing half-written
    assert hashing_tracker.store.count_articles() == 2
    assert hashing_tracker.store.check_consistency() == []
    # (a new text: "One" plus a word would be a syndicated copy of it, which is not linked)
    third = "Flooding closed the coastal railway for a second day while crews repaired the damaged embankment."
    report = hashing_tracker.add([Article(title="Three", text=third)])
    assert report.added == 1 and len(hashing_tracker.linker) == 3


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "s.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "s.db")


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a babelwire store"):
        Store(tmp_path / "junk.db")


def test_store_remembers_its_encoder(tmp_path: Path, language_identifier) -> None:
    Tracker(tmp_path / "e.db", Settings(), encoder=HashingEncoder(), language_identifier=language_identifier).close()
    with pytest.raises(StoreError, match="hashing-512-4"):
        Tracker(tmp_path / "e.db", Settings(), encoder=HashingEncoder(dim=256))


def test_relink_reproduces_incremental_stories(tmp_path: Path, make_tracker) -> None:
    tracker = make_tracker()
    texts = [
        ("2026-01-01", ARTICLE_EN), ("2026-01-01", ARTICLE_DE),
        ("2026-01-02", "The central bank raised its key interest rate by half a point to fight inflation, "
                       "the governor said on Wednesday."),
    ]
    items = [Article(title="", text=t, published=None) for _, t in texts]
    tracker.add(items)
    before = sorted(sorted(s.article_ids) for s in tracker.stories())
    tracker.relink()
    after = sorted(sorted(s.article_ids) for s in tracker.stories())
    assert before == after
    assert tracker.store.check_consistency() == []
