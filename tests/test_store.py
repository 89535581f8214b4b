"""The store's interface, on both backends: every test runs on SQLite and on PostgreSQL (``store_db``).

The PostgreSQL runs use a server started for the session (see ``postgres_server`` in conftest.py),
or ``$BABELWIRE_TEST_POSTGRES_URL``; without PostgreSQL they are skipped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.cli import app as cli
from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    SQLiteStore,
    Store,
    StoreError,
    canonical_url,
    is_postgres_url,
    open_store,
)
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate
from conftest import DEMO
from story_corpus import HASHING_SETTINGS, article, corpus, make_app, put

INGESTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make(
    title: str,
    text: str | None = None,
    *,
    language: str = "en",
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    seed: int = 0,
) -> Article:
    """An analysed article with a small vector."""
    article = Article(
        title=title, text=text or f"{title}. A few words on {title.lower()} for the test.", url=url, source=source,
        origin="test", published=PublishedDate(published, DateSource.HEADER, True) if published else None,
        language=language, language_confidence=0.75, ingested_at=INGESTED,
    )
    article.embedding = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    return article


@pytest.fixture
def store(store_db: str) -> Iterator[Store]:
    with open_store(store_db) as opened:
        yield opened


@pytest.fixture
def world(store: Store) -> dict[str, Article]:
    """Three stories: a storm (en + sv, January 2026), a vote (de, May 2023, month precision), an undated one (fr)."""
    articles = {
        "storm_en": make("Storm hits Gotland", source="SVT", published="2026-01-03", seed=1),
        "storm_sv": make("Stormen på Gotland", "Stormen fällde träd på Gotland; 50% av hushållen saknade ström.",
                         language="sv", source="DN", published="2026-01-05T08:30:00+00:00", seed=2),
        "vote": make("Wahl in Kasachstan", "Die Wahl_beteiligung lag bei Émile Durand über dem Schnitt.",
                     language="de", published="2023-05", seed=3),
        "undated": make("Le musée rouvre", language="fr", seed=4),
    }
    put(store, articles["storm_en"], 1)
    put(store, articles["storm_sv"], 1, 0.8125)
    put(store, articles["vote"], 2)
    put(store, articles["undated"], 3)
    return articles


def integrity_error(store: Store) -> type[Exception]:
    if isinstance(store, SQLiteStore):
        return sqlite3.IntegrityError
    import psycopg

    return psycopg.IntegrityError


# --- opening, schema, migrations ------------------------------------------------------------------


def test_open_store_picks_the_backend(store_db: str) -> None:
    with open_store(store_db) as store, Store(store_db) as again:
        assert type(store) is type(again)
        assert is_postgres_url(store_db) == (type(store).__name__ == "PostgresStore")
        assert store.schema_version == len(type(store).migrations)
        assert "***" not in store.path and store_db.rsplit("/", 1)[-1] in store.path


def test_a_newer_schema_is_refused(store_db: str) -> None:
    with open_store(store_db) as store, store.transaction():
        store._write_schema_version(len(store.migrations) + 1)  # as a later babelwire would leave it
    with pytest.raises(StoreError, match="newer"):
        open_store(store_db)


def test_first_opens_at_once_migrate_once(store_db: str) -> None:
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: open_store(store_db), range(4)))
    try:
        assert {store.schema_version for store in stores} == {len(stores[0].migrations)}
        with stores[0].transaction():
            stores[0].set_meta("encoder", "hashing")
        assert stores[3].get_meta("encoder") == "hashing"
    finally:
        for store in stores:
            store.close()


def test_sqlite_migrations_keep_what_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    connection = sqlite3.connect(db)  # a store as the first schema version left it
    connection.executescript(MIGRATIONS[0])
    connection.execute("INSERT INTO stories (id, title, created_at, updated_at) VALUES (1, 'Old', ?, ?)",
                       (INGESTED.isoformat(), INGESTED.isoformat()))
    connection.execute(
        "INSERT INTO articles (id, origin, title, text, language, language_confidence, published_source, "
        "published_reliable, ingested_at, content_hash, embedding, story_id, link_score) "
        "VALUES ('old', 'test', 'Old', 'Old text.', 'en', 0.5, 'none', 0, ?, 'hash', ?, 1, NULL)",
        (INGESTED.isoformat(), np.ones(8, np.float32).tobytes()),
    )
    connection.execute("PRAGMA user_version=1")
    connection.commit()
    connection.close()
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        old = store.article("old")
        assert old is not None and (old.title, old.story_id, old.copy_of) == ("Old", 1, None)
        assert [row.id for row in store.iter_link_rows()] == ["old"] and store.next_key() == 2
        twin = make("Old", "Old text.", source="Elsewhere")
        twin.content_hash = "hash"  # the same text from another outlet: no longer refused (v3)
        put(store, twin, 1)
        assert store.count_articles() == 2


def test_postgres_url_without_a_server_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=r"cannot open store postgresql://me:\*\*\*@127.0.0.1:9/none"):
        open_store("postgresql://me:secret@127.0.0.1:9/none")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://me:secret@db.example:5432/news", "postgresql://me:***@db.example:5432/news"),
        ("postgres://me@db.example/news", "postgres://me@db.example/news"),
        ("postgresql:///news?host=/var/run/postgresql", "postgresql:///news?host=/var/run/postgresql"),
        ("postgresql://db.example/news?user=me&password=pw", "postgresql://db.example/news?user=me&password=***"),
    ],
)
def test_messages_never_show_a_password(url: str, shown: str) -> None:
    from babelwire.store_postgres import redact

    assert redact(url) == shown
    assert is_postgres_url(url) and not is_postgres_url(Path(url)) and not is_postgres_url("news.db")


# --- writes ---------------------------------------------------------------------------------------


def test_articles_round_trip(store: Store) -> None:
    first = make("Bridge opens", url="https://example.org/bridge", source="Example", published="2026-02-02", seed=5)
    assert store.next_key() == 1
    key = put(store, first, 7, None)
    assert key == 1 and store.next_key() == 2
    second_key = put(store, make("Bridge closes", seed=6), 7, 0.123456789012345)
    assert second_key == 2 and store.count_articles() == 2
    found = store.article(first.id)
    assert found is not None
    assert (found.title, found.text, found.url, found.source, found.origin, found.language) == (
        first.title, first.text, first.url, "Example", "test", "en")
    assert found.published == first.published and found.ingested_at == INGESTED
    assert found.language_confidence == 0.75 and found.content_hash == first.content_hash
    assert (found.story_id, found.link_score, found.copy_of) == (7, None, None)
    assert np.array_equal(store.embedding(first.id), first.embedding)
    assert store.embedding("missing") is None and store.article("missing") is None
    by_key = store.articles_by_keys([2, 1, 99])
    assert sorted(by_key) == [1, 2] and by_key[2].link_score == 0.123456789012345  # a double, both ways
    assert store.articles_by_keys([]) == {}
    assert store.article_story_id(first.id) == 7 and store.article_story_id("missing") is None
    rows = list(store.iter_link_rows())
    assert [(row.seq, row.story_id, row.language) for row in rows] == [(1, 7, "en"), (2, 7, "en")]
    assert rows[0].published == first.published and rows[1].published is None
    assert rows[0].vector.dtype == np.float32 and np.array_equal(rows[0].vector, first.embedding)


def test_duplicates_by_id_url_and_same_outlet_text(store: Store) -> None:
    original = make("Harbour fire", url="https://example.org/fire?utm_source=feed", source="Example")
    put(store, original, 1)
    assert store.find_duplicate(original) == original.id
    moved = make("Harbour fire", "Another text entirely about the harbour.", url="https://EXAMPLE.org/fire")
    assert store.find_duplicate(moved) == original.id  # the same canonical URL
    same_outlet = make("Harbour fire", url="https://example.org/fire-2", source="Example")
    assert store.find_duplicate(same_outlet) == original.id  # the same text from the same outlet
    syndicated = make("Harbour fire", url="https://other.example/fire", source="Other")
    assert store.find_duplicate(syndicated) is None  # another outlet: a copy, not a duplicate
    unnamed = make("Quiet day", url="https://example.org/quiet-1")
    put(store, unnamed, 2)
    again = make("Quiet day", url="https://example.org/quiet-2")
    assert store.find_duplicate(again) == unnamed.id  # no source on either side: the same outlet
    assert store.find_duplicate(make("Quiet day", url="https://example.org/quiet-3", source="Example")) is None


def test_canonical_url_keeps_the_parameters_that_name_the_article() -> None:
    story = "http://www.wire.example/newsArticle.jhtml?type=topNews&storyID=6814152"
    other = "http://www.wire.example/newsArticle.jhtml?type=topNews&storyID=6814153"
    assert canonical_url(story) != canonical_url(other)
    assert canonical_url(story + "&utm_source=rss&fbclid=x") == canonical_url(story)
    assert canonical_url("https://EXAMPLE.org/fire#comments") == canonical_url("https://example.org/fire")
    assert canonical_url(None) is None and canonical_url("") is None


def test_copies_are_stored_beside_their_original(store: Store) -> None:
    original = make("Chess final", url="https://a.example/chess", source="A")
    put(store, original, 1)
    copy = make("Chess final (reprint)", url="https://b.example/chess", source="B", seed=9)
    copy.copy_of, copy.copy_similarity = original.id, 0.9140625
    with store.transaction():
        key = store.insert_article(copy, minhash=b"\x00\x01\xfe\xff" * 4)
        store.assign(key, 1, None)
    found = store.article(copy.id)
    assert found is not None and (found.copy_of, found.copy_similarity) == (original.id, 0.9140625)
    assert store.embedding(copy.id) is None  # a copy never enters the linker
    assert [row.id for row in store.iter_link_rows()] == [original.id]
    assert list(store.iter_copy_fingerprints()) == [(original.id, original.content_hash, None)]
    assert [a.id for a in store.story_articles(1)] == [original.id]
    assert [a.id for a in store.story_articles(1, copies=True)] == [copy.id]
    assert [a.id for a in store.articles_of_stories([1])[1]] == [original.id]
    (story,) = store.stories()
    assert (story.article_ids, story.copies, story.outlets) == ([original.id], 1, 2)
    assert store.language_counts() == {"en": 1}
    assert store.check_consistency() == []


def test_copy_fingerprints_keep_their_minhash(store: Store) -> None:
    article = make("Minhashed")
    with store.transaction():
        store.create_story(1, "Minhashed")
        store.assign(store.insert_article(article, minhash=bytes(range(256))), 1, None)
    assert list(store.iter_copy_fingerprints()) == [(article.id, article.content_hash, bytes(range(256)))]


def test_meta_is_replaced(store: Store) -> None:
    assert store.get_meta("encoder") is None
    with store.transaction():
        store.set_meta("encoder", "e5")
        store.set_meta("encoder", "hashing-512-4")
    assert store.get_meta("encoder") == "hashing-512-4"


# --- stories and their filters --------------------------------------------------------------------


def test_stories_newest_activity_first(store: Store, world: dict[str, Article]) -> None:
    stories = store.stories()
    assert [story.id for story in stories] == [3, 1, 2]  # undated: its ingest time (March 2026) counts
    undated, storm, vote = stories
    assert (storm.title, storm.first_seen, storm.last_seen) == (
        "Storm hits Gotland", "2026-01-03", "2026-01-05T08:30:00+00:00")
    assert storm.article_ids == [world["storm_en"].id, world["storm_sv"].id]
    assert storm.languages == {"en": 1, "sv": 1} and storm.outlets == 2 and storm.copies == 0
    assert (vote.first_seen, vote.last_seen) == ("2023-05", "2023-05")
    assert undated.first_seen == INGESTED.isoformat(timespec="seconds")  # no dated article: ingest time, marked
    assert undated.span_inferred and not storm.span_inferred and not vote.span_inferred
    assert isinstance(storm.created_at, datetime) and storm.updated_at >= storm.created_at
    assert [s.id for s in store.stories(language="sv")] == [1]
    assert [s.id for s in store.stories(limit=1, offset=1)] == [1]
    assert [s.id for s in store.stories(story_ids=[2, 3])] == [3, 2]
    assert store.stories(story_ids=[]) == []
    assert [a.id for a in store.story_articles(1)] == [world["storm_en"].id, world["storm_sv"].id]
    assert {k: [a.id for a in v] for k, v in store.articles_of_stories([2, 1]).items()} == {
        2: [world["vote"].id], 1: [world["storm_en"].id, world["storm_sv"].id]}
    assert store.articles_of_stories([]) == {}
    assert store.language_counts() == {"de": 1, "en": 1, "fr": 1, "sv": 1}


def test_an_undated_article_does_not_stretch_its_storys_span(store: Store, world: dict[str, Article]) -> None:
    late = make("Wahl: Nachlese", language="de", seed=21)  # undated, ingested in March 2026
    put(store, late, 2)
    vote = store.stories(story_ids=[2])[0]
    assert (vote.first_seen, vote.last_seen, vote.span_inferred) == ("2023-05", "2023-05", False)
    assert [story.id for story in store.stories()] == [3, 1, 2]  # still the oldest activity
    assert store.find_story_ids(published_from="2026-03-01") == [3]  # the undated story, at its ingest time
    assert store.find_story_ids(published_from="2023-05-01", published_to="2023-05-31") == [2]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [3, 1, 2]),
        ({"language": "de"}, [2]),
        ({"language": "xx"}, []),
        ({"published_from": "2026-01-05"}, [3, 1]),  # a span overlaps the range on its last day
        ({"published_from": "2026-01-06", "published_to": "2026-02-28"}, []),
        ({"published_to": "2026-01-03"}, [1, 2]),
        ({"published_from": "2023-05-20", "published_to": "2023-05-20"}, [2]),  # a month covers its days
        ({"published_from": "2023-06-01", "published_to": "2025-12-31"}, []),
        ({"mentions": ["gotland"]}, [1]),  # ASCII letters in any case
        ({"mentions": ["GOTLAND", "ström"]}, [1]),  # every phrase must occur
        ({"mentions": ["émile"]}, []),  # other letters only in their own case, as SQLite's LIKE
        ({"mentions": ["Émile"]}, [2]),
        ({"mentions": ["50%"]}, [1]),  # % and _ are literal
        ({"mentions": ["5%"]}, []),
        ({"mentions": ["Wahl_b"]}, [2]),
        ({"mentions": ["Wahlxb"]}, []),
        ({"mentions": ["Storm"], "language": "en", "published_from": "2026-01-01"}, [1]),
        ({"story_ids": [2, 3, 99]}, [3, 2]),
        ({"story_ids": []}, []),
    ],
)
def test_story_filters(store: Store, world: dict[str, Article], filters: dict, expected: list[int]) -> None:
    assert store.find_story_ids(**filters) == expected
    assert store.count_stories_matching(**filters) == len(expected)
    assert store.find_story_ids(**filters, limit=1, offset=1) == expected[1:2]


# --- merges and relinking -------------------------------------------------------------------------


def test_merges_fold_stories_and_are_recorded(store: Store, world: dict[str, Article]) -> None:
    with store.transaction():
        store.merge_stories(3, 2, world["undated"].id, 0.71)
    with store.transaction():
        store.merge_stories(2, 1, world["vote"].id, 0.64)
    assert store.resolve_story_id(3) == 1 and store.resolve_story_id(2) == 1 and store.resolve_story_id(99) is None
    assert [s.id for s in store.stories()] == [1]
    assert set(store.stories()[0].article_ids) == {a.id for a in world.values()}
    assert [(m.source_id, m.target_id, m.article_id, m.score) for m in store.merges()] == [
        (3, 2, world["undated"].id, 0.71), (2, 1, world["vote"].id, 0.64)]
    assert [m.source_id for m in store.merges(1)] == [2] and isinstance(store.merges()[0].merged_at, datetime)
    assert store.check_consistency() == []


def test_relink_stories_keeps_ids_moves_copies_and_records_merges(store: Store, world: dict[str, Article]) -> None:
    copy = make("Storm hits Gotland (AP)", source="AP", seed=8)
    copy.copy_of, copy.copy_similarity = world["storm_en"].id, 0.95
    with store.transaction():
        store.assign(store.insert_article(copy), 1, None)
        store.merge_stories(3, 2, world["undated"].id, 0.5)
    keys = {row.id: row.seq for row in store.iter_link_rows()}
    # the English storm article starts story 10 alone; the rest go to story 1; story 2 is folded into 1
    assignments = [(keys[world["storm_en"].id], 10, None)] + [
        (keys[world[name].id], 1, 0.25) for name in ("storm_sv", "vote", "undated")]
    with store.transaction():
        store.relink_stories(assignments, {1: "The rest", 10: "Storm"}, [(2, 1, world["vote"].id, 1.0)], [1, 10])
    assert [(s.id, s.title, s.copies) for s in sorted(store.stories(), key=lambda s: s.id)] == [
        (1, "The rest", 0), (10, "Storm", 1)]
    assert store.article_story_id(copy.id) == 10
    assert store.resolve_story_id(2) == 1 and store.resolve_story_id(3) == 1  # every id shown still leads somewhere
    assert [(m.source_id, m.target_id, m.score) for m in store.merges()] == [(3, 2, 0.5), (2, 1, 1.0)]
    assert store.article(world["vote"].id).link_score == 0.25
    assert store.max_story_id() == 10
    assert store.check_consistency() == []


# --- the analysis cache ---------------------------------------------------------------------------


def test_story_analyses_are_cached_by_fingerprint(store: Store) -> None:
    assert store.cached_story_analysis("f1") is None
    store.save_story_analysis(3, "f1", '{"entities": []}')
    store.save_story_analysis(4, "g1", '{"entities": ["other"]}')
    assert store.cached_story_analysis("f1") == '{"entities": []}'
    store.save_story_analysis(3, "f2", '{"entities": [1]}')  # a newer analysis of story 3 replaces the old
    store.save_story_analysis(3, "f2", '{"entities": [2]}')
    assert store.cached_story_analysis("f1") is None and store.cached_story_analysis("f2") == '{"entities": [2]}'
    assert store.cached_story_analysis("g1") == '{"entities": ["other"]}'


# --- transactions and concurrency -----------------------------------------------------------------


def test_a_failed_transaction_leaves_nothing(store: Store, world: dict[str, Article]) -> None:
    before = (store.count_articles(), [s.id for s in store.stories()])
    with pytest.raises(RuntimeError), store.transaction():
        key = store.insert_article(make("Half-written", seed=11))
        store.create_story(9, "Half-written")
        store.assign(key, 9, None)
        raise RuntimeError("disk on fire")
    assert (store.count_articles(), [s.id for s in store.stories()]) == before
    with pytest.raises(integrity_error(store)), store.transaction():
        store.insert_article(make("Fresh", seed=12))
        store.insert_article(world["vote"])  # the same id again
    assert store.count_articles() == before[0]
    put(store, make("After the failures", seed=13), 4)  # the connection is usable again
    assert store.count_articles() == before[0] + 1 and store.check_consistency() == []


def test_transactions_do_not_nest(store: Store) -> None:
    with store.transaction(), pytest.raises(StoreError, match="already open"), store.transaction():
        pass
    with store.transaction():  # and the outer one ended cleanly
        store.set_meta("after", "yes")
    assert store.get_meta("after") == "yes"


def test_data_version_changes_when_another_connection_commits(store_db: str) -> None:
    with open_store(store_db) as watcher, open_store(store_db) as writer:
        before = watcher.data_version()
        assert watcher.data_version() == before  # reading changes nothing
        with writer.transaction():
            writer.set_meta("k", "v")
            assert watcher.data_version() == before  # not before the commit
        seen = watcher.data_version()
        assert seen != before
        with watcher.transaction():  # its own commits a connection does not report, as on SQLite
            watcher.set_meta("k", "w")
        assert watcher.data_version() == seen
        with writer.transaction():
            writer.set_meta("k", "x")
        assert watcher.data_version() != seen


def test_writers_take_turns(store_db: str) -> None:
    with open_store(store_db) as first, open_store(store_db) as second:
        order: list[str] = []

        def write_second() -> None:
            with second.transaction():
                order.append("second")
                second.set_meta("last", "second")

        with first.transaction():
            first.set_meta("last", "first")
            waiting = threading.Thread(target=write_second)
            waiting.start()
            time.sleep(0.3)  # long enough for the second writer to be waiting, not writing
            order.append("first")
        waiting.join(20)
        assert order == ["first", "second"] and first.get_meta("last") == "second"


def test_readers_do_not_wait_for_a_writer(store: Store, store_db: str, world: dict[str, Article]) -> None:
    with open_store(store_db) as reader, store.transaction():
        store.insert_article(make("Uncommitted", seed=14))
        assert reader.count_articles() == 4  # the writer's batch is not visible yet, and nothing blocks


# --- consistency ----------------------------------------------------------------------------------


def test_consistency_checks_find_broken_invariants(store: Store, world: dict[str, Article]) -> None:
    assert store.check_consistency() == []
    stray = make("No story yet", seed=15)
    orphan = make("Copy of nothing", source="Elsewhere", seed=16)
    orphan.copy_of = "missing"
    astray = make("Storm copy in the wrong story", source="AP", seed=17)
    astray.copy_of = world["storm_en"].id
    with store.transaction():
        store.insert_article(stray)
        store.assign(store.insert_article(orphan), 1, None)
        store.assign(store.insert_article(astray), 2, None)
        store.create_story(5, "Empty")
    problems = store.check_consistency()
    assert "1 articles without a story" in problems and "1 live stories without articles" in problems
    assert "1 copies of missing articles" in problems
    assert "1 copies outside their original's story" in problems


# --- the tracker, CLI and API over each backend ---------------------------------------------------


def story_shapes(tracker: Tracker) -> list[tuple]:
    """What should not depend on the backend: each story's title, articles, languages, copies and outlets."""
    return sorted(
        (story.id, story.title, tuple(story.article_ids), tuple(sorted(story.languages.items())), story.copies,
         story.outlets)
        for story in tracker.stories()
    )


def link_scores(tracker: Tracker) -> dict[str, tuple]:
    return {
        article.id: (article.story_id, article.link_score, article.copy_of)
        for story in tracker.stories()
        for article in tracker.store.story_articles(story.id) + tracker.store.story_articles(story.id, copies=True)
    }


def test_the_demo_corpus_gives_the_same_stories_on_both_backends(
    tmp_path: Path, postgres_url: str, language_identifier
) -> None:
    results = []
    for db in (str(tmp_path / "demo.db"), postgres_url):
        with Tracker(db, Settings(encoder="hashing"), encoder=HashingEncoder(),
                     language_identifier=language_identifier) as tracker:
            report = tracker.ingest([DEMO / "corpus"])
            assert report.added >= 50 and not report.problems
            searched = [(hit.article_id, hit.score) for hit in tracker.search("earthquake Izmir", limit=5)]
            incremental = (story_shapes(tracker), link_scores(tracker), searched)
            tracker.relink()
            relinked = (story_shapes(tracker), link_scores(tracker))
            assert tracker.store.check_consistency() == []
            results.append(((report.added, report.duplicates, report.copies), incremental, relinked))
    assert results[0] == results[1]


def test_tracker_end_to_end(store_db: str, language_identifier, monkeypatch) -> None:
    def open_tracker() -> Tracker:
        return Tracker(store_db, Settings(encoder="hashing"), encoder=HashingEncoder(),
                       language_identifier=language_identifier)

    with open_tracker() as tracker:
        first = tracker.ingest([DEMO / "corpus"])
        before = story_shapes(tracker)
    with open_tracker() as tracker:  # the story graph is rebuilt from the stored vectors
        again = tracker.ingest([DEMO / "corpus"])
        assert again.added == 0 and again.duplicates == first.added + first.duplicates + first.copies
        assert len(tracker.linker) == sum(len(story[2]) for story in before)
        assert story_shapes(tracker) == before
        assert tracker.relink().unchanged and tracker.store.check_consistency() == []
        relinked = story_shapes(tracker)
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    listed = CliRunner().invoke(cli, ["stories", "--db", store_db, "--json"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == len(relinked)


def story_of_text(tracker: Tracker, word: str) -> int:
    """The live story whose articles mention ``word``."""
    (found,) = {a.story_id for s in tracker.stories() for a in tracker.store.story_articles(s.id) if word in a.text}
    return found


def test_relink_keeps_story_ids_and_says_what_changed(store_db: str) -> None:
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        tracker.add(corpus())
        before = {s.id: sorted(s.article_ids) for s in tracker.stories()}
        assert tracker.relink().unchanged  # relinking what the linker built changes nothing
        assert {s.id: sorted(s.article_ids) for s in tracker.stories()} == before
        bridge, flood, storm = (story_of_text(tracker, word) for word in ("Varnaholm", "Rivamonte", "Gotland"))
        stray = tracker.store.story_articles(flood)[-1]
        # as an older linking might have left it: the storm wrongly merged into the bridge story, and one
        # flood article alone in a story of a high id
        with tracker.store.transaction():
            tracker.store.merge_stories(storm, bridge, stray.id, 0.61)
            tracker.store.create_story(40, stray.title)
            tracker.store.assign(next(row.seq for row in tracker.store.iter_link_rows() if row.id == stray.id), 40,
                                 None)
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        report = tracker.relink()
        assert report.kept == sorted(set(before) - {storm}) and report.created == [41]
        assert report.merged == {40: (flood, 1.0)} and report.split == {bridge: [bridge, 41]}
        assert report.moved == 2 and report.stories == len(before)
        after = {s.id: sorted(s.article_ids) for s in tracker.stories()}
        assert after[bridge] == before[bridge] and after[flood] == before[flood] and after[41] == before[storm]
        assert tracker.store.resolve_story_id(40) == flood  # a saved link to the stray story leads to the flood
        assert (40, flood) in [(m.source_id, m.target_id) for m in tracker.store.merges()]
        logged = json.loads(tracker.store.get_meta("relinks") or "[]")
        assert [entry["created"] for entry in logged] == [[], [41]] and logged[-1]["split"] == {
            str(bridge): [bridge, 41]}
        late = article("Oskarshamn harbour reopens", "Ships left Oskarshamn harbour after a week.", "en", "2024-06-01")
        assert tracker.add([late]).new_stories == 1 and tracker.store.article_story_id(late.id) == 42
        assert tracker.store.check_consistency() == []


def test_a_new_story_never_takes_a_merged_storys_id(store_db: str) -> None:
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        tracker.add(corpus())
        highest = max(s.id for s in tracker.stories())
        with tracker.store.transaction():  # the newest story folded into the first, as the linker merges
            tracker.store.merge_stories(highest, 1, "x", 0.7)
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:  # rebuilt from the store
        late = article("Oskarshamn harbour reopens", "Ships left Oskarshamn harbour after a week.", "en", "2024-06-01")
        assert tracker.add([late]).new_stories == 1
        assert tracker.store.article_story_id(late.id) == highest + 1


def test_api_over_each_backend(store_db: str) -> None:
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        tracker.add(corpus())
        expected = [story.id for story in tracker.stories()]  # the API titles them for the reader
        varnaholm = [
            story.id for story in tracker.stories()
            if any("varnaholm" in f"{a.title} {a.text}".lower() for a in tracker.store.story_articles(story.id))
        ]
        languages = tracker.store.language_counts()
    with TestClient(make_app(store_db)) as client:
        listed = client.get("/api/stories")
        assert listed.status_code == 200 and [s["id"] for s in listed.json()] == expected
        assert listed.headers["X-Total-Count"] == str(len(expected))
        assert varnaholm and [s["id"] for s in client.get("/api/stories?entity=VARNAHOLM").json()] == varnaholm
        assert client.get("/api/languages").json() == languages
        late = article("Quarantine lifted at Oskarshamn harbour",
                       "Ships left Oskarshamn harbour again after a week of quarantine.", "en", "2024-06-01")
        with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as other:  # another process's ingest
            assert other.add([late]).added == 1
        hits = client.get("/api/search", params={"q": "Oskarshamn harbour quarantine"}).json()
        assert hits[0]["article_id"] == late.id  # the server saw the other commit and reloaded its story graph


def test_cli_reports_an_unreachable_postgres_server(monkeypatch) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    result = CliRunner().invoke(cli, ["stories", "--db", "postgres://babelwire@127.0.0.1:9/none"])
    assert result.exit_code == 2 and "cannot open store" in result.output


def test_another_programs_database_is_not_adopted(tmp_path: Path) -> None:
    """--db otherapp.db used to add babelwire's tables to a foreign SQLite file (issue 16)."""
    foreign = tmp_path / "otherapp.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE users (id INTEGER)")
    with pytest.raises(StoreError, match="another program's database"):
        open_store(foreign)
    with sqlite3.connect(foreign) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["users"]
