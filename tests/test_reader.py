"""Titles and gists for the reader, reader languages, single-flight, and the story page's shaping of a reading."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from babelwire.gist import story_gist
from babelwire.reader_languages import parse_accept_language, parse_language_list, reader_languages
from babelwire.singleflight import SingleFlight
from babelwire.titles import closest_to_centroid, story_title
from babelwire.web.story_view import entity_rows, language_additions, main_points, quote_groups
from story_corpus import article

# --- reader languages ------------------------------------------------------------------------------


def test_accept_language_orders_by_q_value_and_drops_the_rest() -> None:
    assert parse_accept_language("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7,*;q=0.5") == ("nl", "en")
    assert parse_accept_language("en;q=0.3, sv, de;q=0.9") == ("sv", "de", "en")
    assert parse_accept_language("fr;q=0, it") == ("it",)  # q=0 means "not this one"
    assert parse_accept_language("da;q=oops") == ("da",)  # a bad q-value counts as 1
    assert parse_accept_language("") == () and parse_accept_language(None) == ()
    assert parse_accept_language("*, 12, x-klingon") == ()


def test_reader_languages_fall_back_to_the_setting() -> None:
    assert reader_languages(None, ("sv", "en")) == ("sv", "en")
    assert reader_languages("*", ("en",)) == ("en",)
    assert reader_languages("de-AT", ("en",)) == ("de",)


def test_lang_option_is_checked_and_names_the_bad_value() -> None:
    assert parse_language_list("sv, EN,sv-FI") == ("sv", "en")
    with pytest.raises(ValueError, match="--lang: 'sv;en'"):
        parse_language_list("sv;en")
    with pytest.raises(ValueError, match="--lang"):
        parse_language_list(" , ")


# --- titles --------------------------------------------------------------------------------------------


def _story() -> tuple[list, dict[str, np.ndarray]]:
    """Four articles; the German one is nearest the centroid, the first (Swedish) one an outlier."""
    articles = [
        article("Först ut", "Svensk text om händelsen.", "sv", article_id="sv1"),
        article("Erster Bericht", "Deutscher Text.", "de", article_id="de1"),
        article("", "Een Nederlandse tekst zonder kop.", "nl", article_id="nl1"),
        article("English report", "English text.", "en", article_id="en1"),
    ]
    vectors = {"sv1": np.array([0.0, 1.0, 0.0]), "de1": np.array([1.0, 0.2, 0.0]),
               "nl1": np.array([1.0, 0.0, 0.3]), "en1": np.array([0.9, 0.0, -0.2])}
    return articles, vectors


def test_title_in_the_readers_first_language_the_story_has() -> None:
    articles, vectors = _story()
    title = story_title(articles, vectors, ("fi", "en", "de"), "stored")
    assert (title.text, title.language, title.reason) == ("English report", "en", "reader-language")


def test_title_is_the_most_representative_headline_not_the_first() -> None:
    articles, vectors = _story()
    assert [a.id for a in closest_to_centroid(articles, vectors)][-1] == "sv1"
    title = story_title(articles, vectors, ("ja",), "Först ut")
    assert title.reason == "representative" and title.article_id != "sv1"
    assert (title.article_id, title.text) == ("de1", "Erster Bericht")  # the vector nearest the centroid


def test_an_untitled_article_in_the_readers_language_beats_a_foreign_headline() -> None:
    articles, vectors = _story()
    title = story_title(articles, vectors, ("nl",), "stored")
    assert (title.language, title.text) == ("nl", "Een Nederlandse tekst zonder kop.")


def test_title_without_vectors_still_prefers_headlines() -> None:
    articles, _ = _story()
    assert story_title(articles, {}, ("pl",), "x").article_id == "sv1"  # given order when nothing is known
    assert story_title([], {}, ("en",), "x") is None


# --- gist -----------------------------------------------------------------------------------------------

ENTITIES = [
    {"id": "person:a", "name": "Aleksandr Lukasjenko", "kind": "person", "article_count": 2, "mention_count": 9,
     "aliases": {"sv": ["Aleksandr Lukasjenko", "Lukasjenko"], "nl": ["Alexandr Loekasjenko", "Loekasjenko"]}},
    {"id": "country:RU", "name": "Russia", "kind": "place", "article_count": 2, "mention_count": 12,
     "aliases": {"sv": ["Ryssland"], "nl": ["Rusland"]}},
    {"id": "country:BY", "name": "Belarus", "kind": "place", "article_count": 2, "mention_count": 10,
     "aliases": {"sv": ["Belarus"], "nl": ["Wit-Rusland"]}},
    {"id": "city:minsk", "name": "Minsk", "kind": "place", "article_count": 1, "mention_count": 1,
     "aliases": {"nl": ["Minsk"]}},
    {"id": "org:nato", "name": "NATO", "kind": "organisation", "article_count": 1, "mention_count": 2,
     "aliases": {"sv": ["Nato"]}},
]


def test_gist_names_places_people_and_languages_in_the_readers_language() -> None:
    counts = {"sv": 1, "nl": 1}
    assert story_gist(ENTITIES, counts, "en") == "Russia, Belarus, Minsk · Lukasjenko · Dutch, Swedish"
    assert story_gist(ENTITIES, counts, "sv") == "Ryssland, Belarus, Minsk · Lukasjenko · nederländska, svenska"
    assert story_gist(ENTITIES, counts, "nl").startswith("Rusland, Belarus, Minsk · Loekasjenko · Nederlands")


def test_gist_without_a_reading_names_the_languages_only() -> None:
    assert story_gist([], {"fr": 2, "de": 3}, "en") == "German, French"
    assert story_gist([], {"fr": 1}, "xx-not-a-locale") == "French"  # an unknown locale reads as English


# --- single-flight ------------------------------------------------------------------------------------


def test_concurrent_callers_share_one_computation() -> None:
    flight: SingleFlight[int] = SingleFlight()
    calls = []
    started = threading.Event()

    def compute() -> int:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(flight.run("k", compute))) for _ in range(5)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [42] * 5 and len(calls) == 1
    assert flight.in_flight() == 0
    assert flight.run("k", lambda: 7) == 7  # the key is free again once it is done


def test_an_error_reaches_every_waiting_caller_and_is_not_kept() -> None:
    flight: SingleFlight[int] = SingleFlight()
    started = threading.Event()

    def fail() -> int:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("broken text")

    errors: list[str] = []

    def call() -> None:
        try:
            flight.run("k", fail)
        except RuntimeError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=call)
    first.start()
    started.wait(5)
    second = threading.Thread(target=call)
    second.start()
    first.join(5)
    second.join(5)
    assert errors == ["broken text", "broken text"]
    assert flight.run("k", lambda: 1) == 1


# --- the story page's shaping of a reading -------------------------------------------------------------


def test_quotes_matched_across_languages_are_grouped_side_by_side() -> None:
    quotes = [
        {"id": "a:q1", "text": "för alla", "language": "sv", "speaker": "L", "matches": ["b:q1"]},
        {"id": "a:q2", "text": "enkelt", "language": "sv", "speaker": None, "matches": []},
        {"id": "b:q1", "text": "voor iedereen", "language": "nl", "speaker": "L", "matches": ["a:q1", "b:q4"]},
        {"id": "b:q4", "text": "heel simpel", "language": "nl", "speaker": "L", "matches": ["b:q1"]},
        {"id": "b:q5", "text": "grap", "language": "nl", "speaker": "T", "matches": []},
    ]
    groups = quote_groups(quotes)
    assert len(groups["shared"]) == 1
    shared = groups["shared"][0]["languages"]
    assert [(part["language"], [q["id"] for q in part["quotes"]]) for part in shared] == [
        ("sv", ["a:q1"]), ("nl", ["b:q1", "b:q4"])]
    assert {code: [q["id"] for q in found] for code, found in groups["single"].items()} == {
        "sv": ["a:q2"], "nl": ["b:q5"]}
    assert groups["single_count"] == 2


def test_entities_named_in_several_languages_come_first_with_their_spellings() -> None:
    rows = entity_rows(ENTITIES)
    assert [row["name"] for row in rows["shown"][:3]] == ["Aleksandr Lukasjenko", "Russia", "Belarus"]
    assert rows["shown"][0]["spellings"] == [("nl", ["Alexandr Loekasjenko", "Loekasjenko"]),
                                             ("sv", ["Aleksandr Lukasjenko", "Lukasjenko"])]
    assert [row["name"] for row in rows["shown"][3:]] == ["Minsk", "NATO"]  # one language each: given order


def test_what_a_language_adds_puts_statements_naming_its_own_entities_first() -> None:
    by_language = {
        "sv": [{"article_id": "a", "text": "Ryssland och Belarus skriver avtal."},
               {"article_id": "a", "text": "Nato har fördömt avtalet."},
               {"article_id": "a", "text": "Det var kallt."}],
        "nl": [{"article_id": "b", "text": "Rusland plaatst wapens."}, {"article_id": "b", "text": "Minsk zwijgt."}],
    }
    additions = language_additions(by_language, ENTITIES, ["nl", "sv"])
    assert [part["language"] for part in additions] == ["nl", "sv"]
    assert additions[0]["shown"][0]["text"] == "Minsk zwijgt."  # Minsk: only the Dutch name it
    assert additions[1]["shown"][0]["text"] == "Nato har fördömt avtalet."
    assert [s["text"] for s in additions[1]["shown"][1:]] == ["Ryssland och Belarus skriver avtal.", "Det var kallt."]


def test_statements_holding_a_quote_shown_elsewhere_come_last() -> None:
    by_language = {"nl": [{"article_id": "b", "text": "“Ik waardeerde zijn grap”, zei Tokayev in Minsk."},
                          {"article_id": "b", "text": "Minsk zwijgt."}]}
    plain = language_additions(by_language, ENTITIES, ["nl"])
    assert plain[0]["shown"][0]["text"].startswith("“Ik waardeerde")  # article order when nothing else differs
    quoted = language_additions(by_language, ENTITIES, ["nl"], quotes=["Ik waardeerde zijn grap", "ja"])
    assert [s["text"] for s in quoted[0]["shown"]] == [
        "Minsk zwijgt.", "“Ik waardeerde zijn grap”, zei Tokayev in Minsk."]


def test_main_points_name_each_reporting_language_once() -> None:
    summary = [
        {"text": "One language", "language": "en", "languages": ["en"],
         "sources": [{"article_id": "e1", "language": "en", "text": "One language"}]},
        {"text": "Everywhere", "language": "ar", "languages": ["ar", "en", "ru"],
         "sources": [{"article_id": "a1", "language": "ar"}, {"article_id": "e1", "language": "en"},
                     {"article_id": "e2", "language": "en"}, {"article_id": "r1", "language": "ru"},
                     {"article_id": "a2", "language": "ar"}]},
    ]
    points = main_points(summary)
    assert [point["text"] for point in points] == ["Everywhere", "One language"]
    assert points[0]["source_languages"] == [("ar", "a1"), ("en", "e1"), ("ru", "r1")]
