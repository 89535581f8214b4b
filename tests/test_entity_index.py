"""The entity index: records from a story's reading, identity across stories, and the store's tables on both
backends (every store test runs on SQLite and on PostgreSQL, see ``store_db`` in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from babelwire.encoders import HashingEncoder
from babelwire.entity_index import (
    QUOTE_ABOUT,
    QUOTE_BY,
    ensure_indexed,
    entities_of_reading,
    fold_spelling,
    index_story,
    lookup_keys,
)
from babelwire.store import Store, open_store
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate
from entity_corpus import build_indexed_store
from story_corpus import HASHING_SETTINGS

INGESTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def entity(entity_id: str, name: str, kind: str, aliases: dict[str, list[str]], article_id: str,
           starts: tuple[int, ...] = (0,), pinned: bool = False) -> dict[str, Any]:
    """An entity as :func:`babelwire.reading.reading_json` writes it, mentioned in one article."""
    language = next(iter(aliases))
    return {"id": entity_id, "name": name, "type": kind, "kind": kind, "aliases": aliases, "pinned": pinned,
            "mentions": {language: [{"article_id": article_id, "text": aliases[language][0], "start": start,
                                     "end": start + len(aliases[language][0]), "sentence": 0} for start in starts]}}


def quote(quote_id: str, article_id: str, start: int, end: int, speaker_id: str | None) -> dict[str, Any]:
    return {"id": quote_id, "text": f"words of {quote_id}", "speaker": speaker_id and speaker_id.split(":")[1],
            "speaker_id": speaker_id, "language": "sv", "article_id": article_id, "start": start, "end": end}


def reading(*entities: dict[str, Any], quotes: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"entities": list(entities), "quotes": list(quotes)}


GERMANY_DE = entity("country:DE", "Germany", "place", {"de": ["Deutschland"]}, "a1")
GERMANY_EN = entity("country:DE", "Germany", "place", {"en": ["Germany"]}, "b1")
LUKASJENKO_SV = entity("person:aleksandr-lukasjenko", "Aleksandr Lukasjenko", "person",
                       {"sv": ["Aleksandr Lukasjenko", "Lukasjenko"]}, "a2", (0, 40))
LOEKASJENKO_NL = entity("person:aleksandr-loekasjenko", "Aleksandr Loekasjenko", "person",
                        {"nl": ["Aleksandr Loekasjenko"]}, "b2")


# --- records from a reading ---------------------------------------------------------------------------


def test_a_gazetteer_entity_is_keyed_by_its_id_and_a_person_by_the_spelling_keys_of_its_names() -> None:
    germany, person = entities_of_reading(reading(GERMANY_DE, LUKASJENKO_SV))
    assert (germany.anchor, germany.strong_keys, germany.spellings) == (
        "country:DE", frozenset({"id|country:DE"}), {("de", "Deutschland")})
    assert person.anchor is None and "person|aleksandr lukashenko" in person.strong_keys
    assert "person|lukashenko" in person.weak_keys and "person|lukashenko" not in person.strong_keys
    assert person.mentions == {("a2", "sv"): 2}
    dutch = entities_of_reading(reading(LOEKASJENKO_NL))[0]
    assert dutch.strong_keys & person.strong_keys  # Loekasjenko (nl) and Lukasjenko (sv) share a key


def test_quotes_are_by_their_speaker_and_about_the_entities_named_inside() -> None:
    spoken = quote("a2:q1", "a2", 30, 60, "person:aleksandr-lukasjenko")  # holds the mention at 40
    other = quote("a2:q2", "a2", 100, 120, None)
    person, = entities_of_reading(reading(LUKASJENKO_SV, quotes=(spoken, other)))
    assert [(q.role, q.quote_id) for q in person.quotes] == [(QUOTE_BY, "a2:q1")]
    named = quote("a2:q3", "a2", 0, 80, "person:someone-else")
    person, = entities_of_reading(reading(LUKASJENKO_SV, quotes=(named,)))
    assert [(q.role, q.quote_id) for q in person.quotes] == [(QUOTE_ABOUT, "a2:q3")]


def test_a_pinned_entity_is_anchored_and_an_entity_without_type_or_name_is_left_out() -> None:
    pinned = entity("belarus-leader", "Lukashenko", "person", {"en": ["Lukashenko"]}, "a1", pinned=True)
    nameless = {**GERMANY_DE, "name": " "}
    assert [(e.anchor, e.name) for e in entities_of_reading(reading(pinned, nameless))] == [
        ("belarus-leader", "Lukashenko")]


def test_a_name_without_letters_still_gets_a_key_and_an_entry(store: Store) -> None:
    odd = entity("organisation:entity", "+++", "organisation", {"en": ["+++"]}, "b1")
    record, = entities_of_reading(reading(odd))
    assert record.strong_keys == frozenset({"organisation|=+++"})
    index_story(store, 2, reading(odd))
    assert entry(store, "+++")["story_count"] == 1


def test_lookup_keys_and_folding_ignore_case_accents_and_the_language() -> None:
    assert fold_spelling("  ŁÓDŹ  Łukaszenka ") == fold_spelling("łodz łukaszenka") == "łodz łukaszenka"
    assert "person|aleksandr lukashenko" in lookup_keys("Aleksandr Loekasjenko")


# --- the index in the store ---------------------------------------------------------------------------


def make(article_id: str, language: str, published: str | None, source: str = "Wire") -> Article:
    found = Article(title=f"Title {article_id}", text=f"Text of {article_id}.", source=source, origin="test",
                    published=PublishedDate(published, DateSource.HEADER, True) if published else None,
                    language=language, language_confidence=0.9, ingested_at=INGESTED, id=article_id)
    found.embedding = np.ones(8, np.float32)
    return found


@pytest.fixture
def store(store_db: str) -> Iterator[Store]:
    """Three stories: 1 (a1 de, a2 sv), 2 (b1 en, b2 nl), 3 (c1 en, undated)."""
    with open_store(store_db) as opened:
        with opened.transaction():
            for story_id, articles in {1: [make("a1", "de", "2026-01-02", "Blatt"), make("a2", "sv", "2026-01-05")],
                                       2: [make("b1", "en", "2026-02-01"), make("b2", "nl", "2026-02-03")],
                                       3: [make("c1", "en", None)]}.items():
                opened.create_story(story_id, f"Story {story_id}")
                for found in articles:
                    opened.assign(opened.insert_article(found), story_id, None)
        yield opened


def entry(store: Store, name: str) -> dict[str, Any]:
    found = store.find_entities(name, lookup_keys(name))
    assert found, f"no entry for {name}"
    return found[0]


def test_one_entry_per_entity_across_stories_whatever_the_spelling(store: Store) -> None:
    index_story(store, 1, reading(GERMANY_DE, LUKASJENKO_SV), "f1")
    index_story(store, 2, reading(GERMANY_EN, LOEKASJENKO_NL), "f2")
    germany = entry(store, "Deutschland")
    assert entry(store, "germany")["id"] == entry(store, "country:DE")["id"] == germany["id"]
    assert (germany["key"], germany["name"], germany["story_count"], germany["languages"]) == (
        "country:DE", "Germany", 2, {"de": 1, "en": 1})
    assert (germany["first_seen"], germany["last_seen"]) == ("2026-01-02", "2026-02-01")
    assert store.find_story_ids(entity_id=germany["id"]) == [2, 1]
    person = entry(store, "Loekasjenko")
    assert person["id"] == entry(store, "Aleksandr Lukasjenko")["id"] and person["story_count"] == 2
    assert store.entity_spellings(person["id"]) == {"nl": ["Aleksandr Loekasjenko"],
                                                    "sv": ["Aleksandr Lukasjenko", "Lukasjenko"]}
    assert store.count_entities() == 2 and store.count_entities(kind="place") == 1
    assert [row["name"] for row in store.entity_summaries(query="LOEKAS")] == ["Aleksandr Lukasjenko"]
    assert store.find_entities("Nobody", lookup_keys("Nobody")) == []


def test_a_lone_surname_joins_the_one_person_with_that_surname_and_never_one_of_two(store: Store) -> None:
    index_story(store, 1, reading(LUKASJENKO_SV))
    lone = entity("person:lukasjenko", "Lukasjenko", "person", {"en": ["Lukasjenko"]}, "c1")
    index_story(store, 3, reading(lone))
    assert entry(store, "Lukasjenko")["story_count"] == 2
    namesake = entity("person:viktor-lukasjenko", "Viktor Lukasjenko", "person", {"nl": ["Viktor Lukasjenko"]}, "b1")
    index_story(store, 2, reading(namesake))
    index_story(store, 3, reading(lone), "again")  # now two people end so: the lone name stays apart
    assert store.count_entities(kind="person") == 3


def test_a_story_read_again_replaces_its_rows_and_entries_left_without_stories_go(store: Store) -> None:
    index_story(store, 1, reading(GERMANY_DE, LUKASJENKO_SV), "f1")
    index_story(store, 2, reading(GERMANY_EN), "f2")
    germany_id = entry(store, "Germany")["id"]
    index_story(store, 1, reading(GERMANY_DE), "f1b")  # the person is no longer read in story 1
    assert store.find_entities("Lukasjenko", lookup_keys("Lukasjenko")) == []
    assert entry(store, "Germany")["id"] == germany_id and store.indexed_fingerprint(1) == "f1b"
    index_story(store, 2, reading(), "f2b")
    assert entry(store, "Germany")["story_count"] == 1
    assert store.entity_spellings(germany_id) == {"de": ["Deutschland"]}
    assert not ensure_indexed(store, 2, reading(GERMANY_EN), "f2b")  # the same reading: nothing to do
    assert ensure_indexed(store, 2, reading(GERMANY_EN), "f2c") and entry(store, "Germany")["story_count"] == 2


def test_a_merged_story_counts_for_its_successor_until_that_is_read_again(store: Store) -> None:
    index_story(store, 1, reading(GERMANY_DE))
    index_story(store, 2, reading(GERMANY_EN, LOEKASJENKO_NL))
    with store.transaction():
        store.merge_stories(2, 1, "b1", 0.9)
    germany = entry(store, "Germany")
    assert germany["story_count"] == 1 and store.find_story_ids(entity_id=germany["id"]) == [1]
    index_story(store, 1, reading(GERMANY_DE))  # the successor's new reading replaces the merged story's rows
    assert store.find_entities("Loekasjenko", lookup_keys("Loekasjenko")) == []
    assert store.indexed_story_count() == 1 and store.unindexed_story_ids() == [3]


def test_quotes_by_and_about_an_entry_come_with_their_story_and_article(store: Store) -> None:
    index_story(store, 1, reading(LUKASJENKO_SV, quotes=(
        quote("a2:q1", "a2", 30, 60, "person:aleksandr-lukasjenko"), quote("a2:q2", "a2", 35, 70, None))))
    person = entry(store, "Lukasjenko")
    by = store.entity_quotes(person["id"], QUOTE_BY)
    assert [(q["id"], q["story_id"], q["source"], q["published"]) for q in by] == [("a2:q1", 1, "Wire", "2026-01-05")]
    assert [q["id"] for q in store.entity_quotes(person["id"], QUOTE_ABOUT)] == ["a2:q2"]


def test_a_relink_makes_the_index_forget_the_stories_it_changed(store: Store) -> None:
    index_story(store, 1, reading(GERMANY_DE, LUKASJENKO_SV), "f1")
    index_story(store, 2, reading(GERMANY_EN), "f2")
    with store.transaction():
        store.relink_stories([], {1: "Story 1", 2: "Story 2", 3: "Story 3"}, changed=[1])
    assert store.indexed_fingerprint(1) is None and store.indexed_fingerprint(2) == "f2"
    assert store.find_entities("Lukasjenko", lookup_keys("Lukasjenko")) == []
    assert entry(store, "Germany")["story_count"] == 1 and sorted(store.unindexed_story_ids()) == [1, 3]


def test_outlets_count_their_articles_languages_and_stories(store: Store) -> None:
    assert store.outlet_summary("Wire") == {
        "name": "Wire", "article_count": 4, "copy_count": 0, "story_count": 3, "languages": {"en": 2, "nl": 1, "sv": 1},
        "first_seen": "2026-01-05", "last_seen": "2026-02-03"}
    assert store.outlet_summary("wire") is None  # names are exact
    assert store.find_story_ids(outlet="Blatt") == [1] and store.count_stories_matching(outlet="Wire") == 3
    assert store.outlet_counts() == [{"name": "Wire", "article_count": 4}, {"name": "Blatt", "article_count": 1}]
    assert store.count_outlets() == 2


# --- built from stored stories --------------------------------------------------------------------------


def test_the_tracker_indexes_every_story_once_and_again_only_when_it_changes(tmp_path) -> None:
    db = build_indexed_store(tmp_path / "entities.db")
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        store = tracker.store
        assert store.indexed_story_count() == 2 and store.unindexed_story_ids() == []
        germany = entry(store, "Duitsland")
        assert germany["story_count"] == 2 and set(store.entity_spellings(germany["id"])) == {"de", "en", "nl", "sv"}
        grandmaster = entry(store, "Oleg Sjarapov")
        assert grandmaster["story_count"] == 2, store.entity_summaries(query="arapo")
        assert entry(store, "Scharapow")["id"] == entry(store, "Oleg Sharapov")["id"] == grandmaster["id"]
        assert len(store.entity_quotes(grandmaster["id"], QUOTE_BY)) >= 3
        assert tracker.index_entities(encoder=HashingEncoder()) == 0  # incremental: nothing changed
        chess = store.find_story_ids(entity_id=entry(store, "Ilse Brandauer")["id"])
        tracker.add([Article(
            title="Norrvik 2031: Scharapow vinner", text="Oleg Sjarapov vann mot Ilse Brandauer. Norrvik 2031 "
            "Brandauer K-12", source="Schacknytt", origin="test", language="sv", language_confidence=1.0)])
        assert tracker.index_entities(encoder=HashingEncoder()) == 1 and store.find_story_ids(
            entity_id=entry(store, "Ilse Brandauer")["id"]) == chess
        with pytest.raises(KeyError, match="no story 999"):
            tracker.index_entities([999], encoder=HashingEncoder())
