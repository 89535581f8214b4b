"""Story summaries (``story_summaries``, ``story_languages``): every write that changes a story keeps them current,
and the story lists read from them give what a recomputation from the articles gives. On both backends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from babelwire.cli import app as cli
from babelwire.encoders import HashingEncoder
from babelwire.store import SQLiteStore, Store, open_store
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate
from story_corpus import HASHING_SETTINGS, article, corpus, put

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
#: what a listing's filters may be, each checked against the recomputation
FILTERS = [{}, {"language": "en"}, {"language": "de"}, {"language": "xx"}, {"published_from": "2026-01-04"},
           {"published_to": "2024-12-31"}, {"published_from": "2025-01-01", "published_to": "2026-01-31"},
           {"mentions": ["storm"]}, {"outlet": "AP"}, {"language": "fr", "published_from": "2026-03-01"}]


def make(title: str, *, language: str = "en", published: str | None = None, source: str | None = None,
         ingested: int = 0, date_source: DateSource = DateSource.HEADER, seed: int = 0) -> Article:
    """An analysed article with a small vector, ingested ``ingested`` hours after :data:`START`."""
    found = Article(
        title=title, text=f"{title}. A few words on {title.lower()} for the test.", source=source, origin="test",
        published=PublishedDate(published, date_source, True) if published else None, language=language,
        language_confidence=0.75, ingested_at=START + timedelta(hours=ingested),
    )
    found.embedding = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    return found


def copy_of(original: Article, source: str, ingested: int, seed: int) -> Article:
    """A syndicated copy of ``original`` from another outlet (in its language, as the tracker stores it)."""
    copy = make(original.title + " (wire)", language=original.language, source=source, ingested=ingested, seed=seed)
    copy.copy_of, copy.copy_similarity = original.id, 0.97
    return copy


def recomputed(store: Store) -> dict:
    """The listings as computed from the articles themselves (the store's queries before the summaries)."""
    rows = store._execute(
        "SELECT a.story_id, a.language, a.published, a.published_source, a.ingested_at, a.copy_of, a.kept_out, "
        "a.source FROM articles a JOIN stories s ON s.id = a.story_id WHERE s.merged_into IS NULL"
    ).fetchall()
    stories: dict[int, dict] = {}
    for row in rows:
        story = stories.setdefault(row["story_id"], {"placed": [], "ingested": [], "languages": set(), "linked": 0,
                                                     "sources": set()})
        if row["published"] is not None and row["published_source"] != "html-text":
            story["placed"].append(row["published"])
        story["ingested"].append(row["ingested_at"])
        story["languages"].add(row["language"])
        story["sources"].add(row["source"])
        story["linked"] += row["kept_out"] is None
    spans = {
        story_id: (min(s["placed"] or s["ingested"]), max(s["placed"] or s["ingested"]), not s["placed"])
        for story_id, s in stories.items()
    }
    order = sorted(stories, key=lambda story_id: (spans[story_id][1], story_id), reverse=True)
    listed = [story_id for story_id in order if stories[story_id]["linked"]]
    languages = Counter(row["language"] for row in store._execute(
        "SELECT language FROM articles WHERE story_id IS NOT NULL AND copy_of IS NULL"))
    return {"order": order, "listed": listed, "spans": spans, "stories": stories,
            "languages": dict(sorted(languages.items(), key=lambda item: (-item[1], item[0])))}


def expected_ids(reference: dict, filters: dict) -> list[int]:
    """The listing ``find_story_ids(**filters)`` should give, from the recomputation."""
    found = []
    for story_id in reference["listed"]:
        story, (first, last, _) = reference["stories"][story_id], reference["spans"][story_id]
        if "language" in filters and filters["language"] not in story["languages"]:
            continue
        if "outlet" in filters and filters["outlet"] not in story["sources"]:
            continue
        if "published_from" in filters and last[:10] < filters["published_from"][: len(last[:10])]:
            continue
        if "published_to" in filters and first[:10] > filters["published_to"]:
            continue
        found.append(story_id)
    return found


def assert_listings_match_articles(store: Store) -> None:
    """Every listing read from the summaries equals the recomputation from the articles."""
    assert store.summary_drift() == []
    reference = recomputed(store)
    listed = store.stories()
    assert [story.id for story in listed] == reference["listed"]
    assert [story.id for story in store.stories(with_kept_out=True)] == reference["order"]
    assert {story.id: (story.first_seen, story.last_seen, story.span_inferred) for story in listed} == {
        story_id: reference["spans"][story_id] for story_id in reference["listed"]}
    assert [story.id for story in store.stories(limit=2, offset=1)] == reference["listed"][1:3]
    assert store.language_counts() == reference["languages"]
    assert list(store.language_counts()) == list(reference["languages"])  # the order too
    for filters in FILTERS:
        if "mentions" in filters:  # the text filter reads the articles themselves: only its consistency
            found = store.find_story_ids(**filters)
            assert found == [story_id for story_id in reference["listed"] if story_id in set(found)]
            continue
        assert store.find_story_ids(**filters) == expected_ids(reference, filters), filters
        assert store.count_stories_matching(**filters) == len(expected_ids(reference, filters)), filters
    for story in listed:  # what a listed story says of its articles
        articles = store.story_articles(story.id)
        copies = store.story_articles(story.id, copies=True)
        assert story.article_ids == [found.id for found in articles] and story.copies == len(copies)
        assert story.languages == dict(Counter(found.language for found in articles))


@pytest.fixture
def store(store_db: str) -> Iterator[Store]:
    with open_store(store_db) as opened:
        yield opened


def build_mixed(store: Store) -> dict[str, Article]:
    """Stories through every write that changes one: ingests, copies, kept-out pages, merges, a moved article."""
    made = {
        "storm": make("Storm hits Gotland", source="SVT", published="2026-01-03", seed=1),
        "storm_de": make("Sturm auf Gotland", language="de", source="DW", published="2026-01-05T08:30:00+00:00",
                         ingested=1, seed=2),
        "vote": make("Wahl in Kasachstan", language="de", published="2023-05", ingested=2, seed=3),
        "undated": make("Le musée rouvre", language="fr", ingested=30, seed=4),
        "guessed": make("A date from the text", published="2001-01-01", date_source=DateSource.HTML_TEXT,
                        ingested=3, seed=5),
        "late": make("Gotland cleans up", source="SVT", published="2026-01-09", ingested=40, seed=6),
    }
    put(store, made["storm"], 1)
    assert_listings_match_articles(store)
    put(store, made["storm_de"], 1)
    put(store, made["vote"], 2)
    put(store, made["undated"], 3)
    put(store, made["guessed"], 4)  # a date guessed from the text places nothing: ingest time, inferred
    assert_listings_match_articles(store)
    put(store, copy_of(made["storm"], "AP", 5, 7), 1)
    put(store, copy_of(made["vote"], "AP", 50, 8), 2)  # a copy arriving late moves nothing of the span
    assert_listings_match_articles(store)
    paywall = make("Subscribe to read", source="Paywalled", published="2026-02-01", ingested=6, seed=9)
    paywall.kept_out = "paywall: subscribe"
    put(store, paywall, 5)  # a page kept out of linking: a story of its own, left out of listings
    kept_copy = copy_of(paywall, "Mirror", 7, 10)
    kept_copy.kept_out = paywall.kept_out
    put(store, kept_copy, 5)
    assert 5 not in [story.id for story in store.stories()]
    assert_listings_match_articles(store)
    with store.transaction():  # merges: the undated story into the vote, that into the storm
        store.merge_stories(3, 2, made["undated"].id, 0.7)
    assert_listings_match_articles(store)
    put(store, made["late"], 6)
    with store.transaction():
        store.merge_stories(2, 1, made["vote"].id, 0.6)
    assert_listings_match_articles(store)
    key = next(row.seq for row in store.iter_link_rows() if row.id == made["storm_de"].id)
    with store.transaction():  # an article taken from one story into another (the relink tests do this)
        store.create_story(7, "Moved")
        store.assign(key, 7, None)
    assert_listings_match_articles(store)
    return made


def test_summaries_follow_ingests_copies_kept_out_pages_merges_and_moves(store: Store) -> None:
    build_mixed(store)
    assert store.check_consistency() == []
    assert [story.id for story in store.stories()] == [4, 6, 7, 1]  # story 5 holds a page kept out


def test_summaries_follow_a_relink(store: Store) -> None:
    made = build_mixed(store)
    keys = {row.id: row.seq for row in store.iter_link_rows()}
    # the storm's first article alone in story 10; everything else of story 1 stays; story 4 folds into 7
    assignments = [(keys[made["storm"].id], 10, None), (keys[made["guessed"].id], 7, 0.3)]
    with store.transaction():
        store.relink_stories(assignments, {1: "Storm", 7: "Moved", 10: "Storm alone"},
                             [(4, 7, made["guessed"].id, 1.0)], [1, 7, 10])
    assert_listings_match_articles(store)
    assert store.article_story_id(made["storm"].id) == 10 and store.check_consistency() == []


def test_a_failed_write_leaves_the_summaries_as_they_were(store: Store) -> None:
    build_mixed(store)
    before = [(story.id, story.last_seen, story.languages) for story in store.stories()]
    with pytest.raises(RuntimeError), store.transaction():
        put_key = store.insert_article(make("Half-written", language="sv", published="2027-01-01", seed=20))
        store.create_story(9, "Half-written")
        store.assign(put_key, 9, None)
        raise RuntimeError("disk on fire")
    assert [(story.id, story.last_seen, story.languages) for story in store.stories()] == before
    assert "sv" not in store.language_counts()
    assert_listings_match_articles(store)


def forget_summaries(store: Store) -> None:
    """Take the store back to the schema before the summaries (same data), as an older babelwire left it."""
    with store.transaction():
        store._execute("DROP TABLE story_summaries")
        store._execute("DROP TABLE story_languages")
        store._execute("DROP TABLE language_totals")
        store._execute("DROP TABLE listing_totals")
        store._execute("DROP TABLE sentence_vectors")  # the migrations after the summaries' (empty here)
        store._execute("DROP TABLE copy_bands")
        store._write_schema_version(next(number for number, migration in enumerate(store.migrations)
                                         if "CREATE TABLE story_summaries" in migration))


def test_the_migration_backfills_the_summaries(store_db: str) -> None:
    with open_store(store_db) as store:
        build_mixed(store)
        listed = [(s.id, s.title, s.first_seen, s.last_seen, s.span_inferred, s.article_ids, s.languages, s.copies,
                   s.outlets) for s in store.stories(with_kept_out=True)]
        languages = store.language_counts()
        forget_summaries(store)
        assert store.schema_version < len(store.migrations)
    with open_store(store_db) as store:  # migrated again: the summaries are computed from the articles
        assert store.schema_version == len(store.migrations)
        assert [(s.id, s.title, s.first_seen, s.last_seen, s.span_inferred, s.article_ids, s.languages, s.copies,
                 s.outlets) for s in store.stories(with_kept_out=True)] == listed
        assert store.language_counts() == languages
        assert_listings_match_articles(store)
        assert store.check_consistency() == []


def test_drift_is_found_and_resummarising_repairs_it(store: Store) -> None:
    build_mixed(store)
    with store.transaction():
        store._execute("UPDATE story_summaries SET articles = articles + 1 WHERE story_id = 1")
        store._execute("DELETE FROM story_languages WHERE story_id = 4")
    assert store.summary_drift() == [1, 4]
    assert "2 story summaries that differ from their articles" in store.check_consistency()
    with store.transaction():
        store.resummarise_stories([1])
    assert store.summary_drift() == [4]
    with store.transaction():
        store.resummarise_stories()
    assert store.check_consistency() == []
    with store.transaction():  # the store's totals are checked against the summaries too
        store._execute("UPDATE listing_totals SET value = value + 1")
    assert store.check_consistency() == [
        "store totals (languages, listed stories) that differ from the story summaries"]
    with store.transaction():
        store.resummarise_stories([1])
    assert store.check_consistency() == []


def test_the_tracker_keeps_summaries_through_ingest_and_relink(store_db: str) -> None:
    with Tracker(store_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        stories = corpus()
        tracker.add(stories)
        reprint = article(stories[0].title, stories[0].text, stories[0].language, source="Another outlet")
        paywall = article("Subscribe now", "Subscribe to continue reading. Already a subscriber? Log in.", "en",
                          source="Paywalled")
        report = tracker.add([reprint, paywall])
        assert report.copies == 1
        assert_listings_match_articles(tracker.store)
        tracker.relink()
        assert_listings_match_articles(tracker.store)
        assert tracker.store.check_consistency() == []
    listed = CliRunner().invoke(cli, ["stories", "--db", store_db, "--json"], env={"BABELWIRE_ENCODER": "hashing"})
    assert listed.exit_code == 0, listed.output


def test_articles_of_stories_reads_the_story_index_once_the_planner_has_statistics(tmp_path: Path) -> None:
    db = tmp_path / "planned.db"
    with open_store(db) as store, store.transaction():
        for number in range(300):
            store.create_story(number + 1, f"Story {number}")
            for member in range(3):
                found = make(f"Story {number} part {member}", ingested=number, seed=number * 3 + member)
                store.assign(store.insert_article(found), number + 1, None)
    with open_store(db) as store:  # the writer's close ran PRAGMA optimize
        assert isinstance(store, SQLiteStore)
        analysed = {row[0] for row in store._execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
        assert "articles" in analysed
        ids = [story.id for story in store.stories(limit=20)]
        plan = " ".join(row[3] for row in store._execute(
            "EXPLAIN QUERY PLAN SELECT seq FROM articles WHERE story_id IN (" + ",".join("?" * len(ids)) + ") "
            "AND copy_of IS NULL ORDER BY story_id, published IS NULL, published, seq", ids))
        assert "articles_story_copy" in plan
        listing = " ".join(row[3] for row in store._execute(
            "EXPLAIN QUERY PLAN SELECT g.story_id FROM story_summaries g WHERE g.listed = 1 "
            "ORDER BY g.last_seen DESC, g.story_id DESC LIMIT 10"))
        assert "story_summaries_listing" in listing and "TEMP B-TREE" not in listing  # no scan, no sort
        assert len(store.articles_of_stories(ids)[ids[0]]) == 3
