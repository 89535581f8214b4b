"""Sentence vectors are stored once per article and reused by readings (babelwire.sentence_vectors).

The store tests run on both backends (``store_db``); the readings use the hashing encoder, except the last
tests, which check the two things the reuse rests on with the real e5: a text's vector does not depend on
its batch, and a multilingual reading from stored vectors is the reading computed afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import pytest

from babelwire import reading, reading_memory
from babelwire.encoders import E5Encoder, HashingEncoder, TextKind, openmp_threads
from babelwire.reading import compute_reading, read_story, reading_json
from babelwire.sentence_vectors import ArticleTextVectors, SentenceVectorStore, text_hash
from babelwire.store import open_store
from babelwire.tracker import Tracker
from babelwire.types import Article
from seed_reading import seed_articles
from story_corpus import HASHING_SETTINGS, article, corpus


class CountingEncoder:
    """The hashing encoder, remembering every text it was asked to encode."""

    def __init__(self) -> None:
        self.inner = HashingEncoder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts, kind)


def flood(tracker: Tracker) -> tuple[int, list[Article]]:
    """The flood story (es, it, en, en) and its articles."""
    story = next(story for story in tracker.stories() if story.languages.get("es"))
    return story.id, tracker.store.story_articles(story.id)


LATE = article("Rivamonte: the river falls", "The river fell overnight in Rivamonte, mayor Tarrasco-Bellini said. "
               "\"We are going home,\" said one of the 4.300 people evacuated. Rivamonte R-9 Tarrasco-Bellini "
               "Piave-Süd 4.300", "en", "2024-04-13", "Wire", None, "late")


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingEncoder:
    """The readings' encoder (in place of e5), counting; no reading remembered from another test."""
    encoder = CountingEncoder()
    monkeypatch.setattr(reading_memory, "default_encoder", lambda: encoder)
    monkeypatch.setattr(reading_memory, "_MEMORY", OrderedDict())
    return encoder


def test_the_store_keeps_vectors_per_article_and_encoder(store_db: str) -> None:
    first, second = np.ones(4, np.float32).tobytes(), np.zeros(4, np.float32).tobytes()
    with open_store(store_db) as store:
        assert isinstance(store, SentenceVectorStore)
        assert store.sentence_vectors("e5", ["a"]) == []
        store.save_sentence_vectors("e5", [("a", "h1", first), ("a", "h2", first), ("b", "h1", first)])
        store.save_sentence_vectors("e5", [("a", "h1", second)])  # a key stored keeps its vector
        store.save_sentence_vectors("hashing", [("a", "h1", second)])
        assert sorted(store.sentence_vectors("e5", ["a", "a"])) == [("a", "h1", first), ("a", "h2", first)]
        assert store.sentence_vectors("hashing", ["a", "b"]) == [("a", "h1", second)]
        many = [f"x{number}" for number in range(1200)]  # more ids than one query takes
        store.save_sentence_vectors("e5", [(article_id, "h", first) for article_id in many])
        assert len(store.sentence_vectors("e5", many)) == 1200


def test_vectors_are_reused_only_for_the_same_text_and_width() -> None:
    encoder = CountingEncoder()
    texts = ArticleTextVectors(encoder)
    fresh = texts.encode(["a", "a", "b"], ["One text.", "One text.", "One text."])
    assert encoder.texts == ["One text.", "One text."]  # once per article: the key is the article's
    rows = texts.fresh_rows()
    assert len(rows) == 2 and texts.encoded == 2
    wide = ("c", text_hash("One text."), np.ones(encoder.dim + 1, np.float32).tobytes())
    again = ArticleTextVectors(encoder, [*rows, wide])
    assert len(again) == 2  # the row of another width is no vector of this encoder
    assert np.array_equal(again.encode(["b", "a"], ["One text.", "One text."]), fresh[[2, 0]])
    assert again.encoded == 0 and again.fresh_rows() == []
    again.encode(["a", "c"], ["Another text.", "One text."])  # a's other text, and c's: encoded
    assert encoder.texts[2:] == ["Another text.", "One text."]


def test_a_story_read_again_after_it_grew_encodes_only_the_new_article(
    store_db: str, counting: CountingEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Tracker(store_db, HASHING_SETTINGS, encoder=counting) as tracker:  # the readings' encoder
        tracker.add(corpus())
        counting.texts.clear()  # the ingest's
        story_id, articles = flood(tracker)
        first = tracker.read_story(story_id)
        assert first == compute_reading(articles, HashingEncoder(), None)  # as computed without a store
        assert counting.texts and len(tracker.store.sentence_vectors(counting.name, [a.id for a in articles]))
        counting.texts.clear()
        added = tracker.add([LATE])
        assert added.story_ids() == [story_id]
        counting.texts.clear()
        _, grown = flood(tracker)
        late = next(a for a in grown if a.id == "late")
        again = tracker.read_story(story_id)
        assert counting.texts  # the new article's sentences and quote …
        assert all(text in late.text for text in counting.texts)  # … and nothing of the others
        assert again == compute_reading(grown, HashingEncoder(), None)
        assert again["quotes"] and again != first
    monkeypatch.setattr(reading_memory, "_MEMORY", OrderedDict())  # another process, whose reading is not stored
    counting.texts.clear()
    with open_store(store_db) as store:
        store._execute("DELETE FROM story_analyses")
        assert compute_reading(grown, counting, None, store) == again
    assert counting.texts == []


def test_a_story_read_again_after_it_grew_finds_mentions_only_in_the_new_article(
    store_db: str, counting: CountingEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "_ARTICLES", OrderedDict())
    mentioned: list[str] = []
    extract = reading.extract_mentions
    monkeypatch.setattr(reading, "extract_mentions", lambda document: mentioned.append(document.article_id)
                        or extract(document))
    with Tracker(store_db, HASHING_SETTINGS, encoder=counting) as tracker:
        tracker.add(corpus())
        story_id, articles = flood(tracker)
        first = tracker.read_story(story_id)
        assert sorted(mentioned) == sorted(article.id for article in articles)
        mentioned.clear()
        tracker.add([LATE])
        _, grown = flood(tracker)
        again = tracker.read_story(story_id)
        assert mentioned == ["late"]
    # the same reading as a process that read none of the articles before
    monkeypatch.setattr(reading, "_ARTICLES", OrderedDict())
    assert again == compute_reading(grown, HashingEncoder(), None) != first
    assert len(mentioned) == 1 + len(grown)
    # an article whose text changed is read again, not taken from memory
    edited = Article(title=grown[0].title, text=grown[0].text + " Tarrasco-Bellini resigned.", source="x")
    edited.id, edited.language = grown[0].id, grown[0].language
    mentioned.clear()
    compute_reading([edited, *grown[1:]], HashingEncoder(), None)
    assert mentioned == [edited.id]


def test_a_store_that_cannot_keep_vectors_still_gives_the_reading(counting: CountingEncoder) -> None:
    class Broken:
        def sentence_vectors(self, encoder: str, article_ids: Sequence[str]) -> list[tuple[str, str, bytes]]:
            raise OSError("disk gone")

        def save_sentence_vectors(self, encoder: str, rows: Sequence[tuple[str, str, bytes]]) -> None:
            raise OSError("read-only")

    articles = corpus()[3:7]
    assert compute_reading(articles, counting, None, Broken()) == compute_reading(articles, HashingEncoder(), None)


def test_an_e5_vector_does_not_depend_on_its_batch(e5: E5Encoder) -> None:
    texts = ["Die Brücke in Varnaholm ist am Dienstag eingestürzt.", "Le pont s'est effondré mardi.",
             "The mayor said nobody was hurt.", "Ja.", "Ingenieure hatten seit Jahren gewarnt, sagte sie."]
    together = e5.encode(texts)
    for number, text in enumerate(texts):
        assert np.array_equal(e5.encode([text])[0], together[number])
    assert np.array_equal(e5.encode(texts[1:4]), together[1:4])


def test_one_text_is_encoded_on_one_openmp_thread_then_the_count_is_restored(
    e5: E5Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = e5._model._lib
    threads: list[int] = []
    encode = e5._model.encode
    monkeypatch.setattr(e5._model, "encode", lambda texts, query: threads.append(int(library.omp_get_max_threads()))
                        or encode(texts, query))
    before = int(library.omp_get_max_threads())
    single, pair = e5.encode(["Die Brücke ist eingestürzt."]), e5.encode(["Die Brücke ist eingestürzt.", "Ja."])
    assert threads == [1, before] and int(library.omp_get_max_threads()) == before
    assert np.array_equal(single[0], pair[0])  # the same vector on one thread as on the team
    with openmp_threads(object(), 1):  # a library without OpenMP is left alone
        pass


def test_an_e5_reading_from_stored_vectors_is_the_fresh_reading(e5: E5Encoder, language_identifier) -> None:
    articles = seed_articles(language_identifier)  # Swedish and Dutch
    fresh = reading_json(read_story(articles, e5))
    first = ArticleTextVectors(e5)
    assert reading_json(read_story(articles[:1], e5, texts=first)) == reading_json(read_story(articles[:1], e5))
    grown = ArticleTextVectors(e5, first.fresh_rows())  # the Swedish article's vectors, as stored
    assert reading_json(read_story(articles, e5, texts=grown)) == fresh
    assert grown.encoded and grown.encoded < first.encoded + grown.encoded
    stored = ArticleTextVectors(e5, [*first.fresh_rows(), *grown.fresh_rows()])
    assert reading_json(read_story(articles, e5, texts=stored)) == fresh
    assert stored.encoded == 0
