"""What each article of a story adds, and the analysis in ``babelwire story --json`` and its cache (issue 4)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire import reading, views
from babelwire.cli import app as cli
from babelwire.coverage import (
    CoverageComparer,
    Evidence,
    furniture_of,
    numbers_of,
    rare_word_overlap,
    same_fact_probability,
    statements_of,
    stems_of,
)
from babelwire.documents import make_document
from babelwire.store import MIGRATIONS, Store
from babelwire.types import Article
from seed_reading import SEEDS, seed_reading

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")


def texts(statements) -> str:
    return "\n".join(statement.text for statement in statements)


@needs_seeds
def test_seed_coverage_tells_what_each_article_adds(e5, language_identifier) -> None:
    articles, found = seed_reading(e5, language_identifier)
    swedish, dutch = (found.coverage.articles[article.id] for article in articles)
    assert "Tokayev" in texts(dutch.unique) and "Kazachstan" in texts(dutch.unique)
    assert "ISW anser" in texts(swedish.unique) and "Institute for the Study of War" in texts(swedish.unique)
    shared = {statement.text: matches for statement, matches in swedish.shared}
    nuclear = next(matches for text, matches in shared.items() if "kärnvapen för alla, säger presidenten" in text)
    assert "Er zullen kernwapens zijn voor iedereen" in nuclear[0].text and nuclear[0].article_id == dutch.article_id
    assert not set(texts(dutch.unique).split("\n")) & {s.text for s, _ in dutch.shared}
    assert "Tokayev" in texts(found.coverage.by_language["nl"]) and "ISW" in texts(found.coverage.by_language["sv"])
    summary = found.coverage.summary
    assert summary and summary[0].languages == ["nl", "sv"]  # the most central statement is in both languages
    assert {source.article_id for source in summary[0].sources} == {swedish.article_id, dutch.article_id}


def article(article_id: str, language: str, text: str, title: str = "Headline") -> Article:
    made = Article(title=title, text=text, id=article_id)
    made.language = language
    return made


def test_page_furniture_is_not_a_statement() -> None:
    page = article("page", "en", "\n".join([
        "Sáb, 13 Nov - 16h00",
        "(01 Aug 04 | Business )",
        "© Rheinpost, Freitag, 03.01.2020",
        "By Jane Doe and John Roe, Health Editor",
        "The storm felled thousands of trees on Gotland during the night.",
        "From: Jane Doe To: the news desk CC: John Roe;",
        "ROAD TRAFFIC STOPPED ON THE BRIDGE",
        "Twelve thousand households had no power in the morning, the utility said.",
        "Power cuts across the island",
        "The utility expects to restore every line by Friday evening.",
        "Read more: how the last storm cost the island a week of power",
        "Sign up for our morning newsletter with all the news",
    ]))
    kept = texts(statements_of(make_document(page)))
    assert kept.split("\n") == [
        "The storm felled thousands of trees on Gotland during the night.",
        "Twelve thousand households had no power in the morning, the utility said.",
        "The utility expects to restore every line by Friday evening.",
    ]


def test_furniture_keeps_statements_that_only_look_short_or_dated() -> None:
    page = article("page", "de", "Der Anschlag geschah am 13.11.2015 in Paris.\n"
                                 "Reklamahanna Lis kritisierte die Show am Abend scharf auf Twitter.\n"
                                 "Related to the case, the police questioned two more men on Sunday.\n"
                                 "Die Polizei nahm am Abend zwei Verdächtige fest und verhörte sie")
    document = make_document(page)
    assert furniture_of(document) == set()


def test_numbers_and_rare_words_are_read_across_conventions() -> None:
    assert numbers_of("mehr als 20.000 Todesopfer, 8,3 Pfund") == {20000.0, 8.3}
    assert numbers_of("more than 20,000 deaths") == {20000.0}
    first, second, topic = (stems_of("Bocelli sings with the organist Emanuele Vianelli"),
                            stems_of("Bocelli wird vom Organisten Emanuele Vianelli begleitet"),
                            stems_of("Bocelli sang im Dom"))
    assert {"viane", "emanu", "bocel"} <= first & second
    # the story's weights: Bocelli is in every sentence (the topic), Vianelli in two (a fact)
    weight = dict.fromkeys(first | second | topic, 2.0) | {"bocel": 0.1, "viane": 1.0, "emanu": 1.0}
    assert rare_word_overlap(first, second, weight) > 2 * rare_word_overlap(first, topic, weight)


def test_same_topic_is_not_the_same_fact_but_a_translation_is(e5) -> None:
    portuguese = article("pt", "pt", "\n".join([
        "O ministro do Comércio visitou ontem a nova fábrica de baterias em Campinas com o governador.",
        "Depois, o ministro conversou durante meia hora com a comunidade japonesa da cidade.",
        "A fábrica vai contratar 850 trabalhadores até março, anunciou a empresa Voltara.",
        "O almoço no refeitório da fábrica teve feijoada e suco de caju.",
        "Os moradores reclamam do barulho dos caminhões que entram na fábrica à noite.",
    ]))
    english = article("en", "en", "\n".join([
        "The battery maker Voltara said its new plant will hire 850 workers by March.",
        "Meanwhile, Japan agreed to buy more Brazilian lithium for its car makers.",
        "The lithium deal could be worth two billion dollars over five years, officials said.",
        "Analysts expect more Asian investment in the region's battery industry.",
        "Residents complain about the noise of the lorries that drive into the factory at night.",
    ]))
    coverage = CoverageComparer(e5).compare([make_document(portuguese), make_document(english)])
    shared = {statement.text: matches for statement, matches in coverage.articles["pt"].shared}
    hiring = next(matches for text, matches in shared.items() if "850 trabalhadores" in text)
    assert "850 workers" in hiring[0].text and hiring[0].confidence >= 0.5
    noise = next(matches for text, matches in shared.items() if "barulho" in text)  # no shared name or number
    assert "noise of the lorries" in noise[0].text
    assert not any("comunidade japonesa" in text for text in shared)  # same topic (Japan, Brazil), another fact
    assert not any("feijoada" in text for text in shared)


def test_a_story_of_one_article_has_nothing_shared_or_unique(e5) -> None:
    alone = Article(title="Storm", text="The storm felled thousands of trees on Gotland during the night. "
                                         "Twelve thousand households had no power in the morning.", id="alone")
    alone.language = "en"
    coverage = CoverageComparer(e5).compare([make_document(alone)])
    assert coverage.articles["alone"].shared == [] and coverage.articles["alone"].unique == []
    assert coverage.by_language == {} and all(len(point.sources) == 1 for point in coverage.summary)


@needs_seeds
def test_story_json_has_entities_quotes_statements_dates_and_is_cached(make_tracker, tmp_path: Path,
                                                                       monkeypatch) -> None:
    db = tmp_path / "seeds.db"
    tracker = make_tracker(db)
    tracker.ingest([SEEDS])
    story_id = tracker.stories()[0].id
    monkeypatch.setattr(reading, "default_encoder", lambda: tracker.encoder)  # the session's e5, not a new one
    result = CliRunner().invoke(cli, ["story", str(story_id), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    story = json.loads(result.stdout)
    lukashenko = next(e for e in story["entities"] if "Lukasjenko" in e["aliases"].get("sv", []))
    assert {"id", "name", "type", "aliases", "mentions"} <= set(lukashenko) and lukashenko["type"] == "person"
    assert set(lukashenko["mentions"]) == {"sv", "nl"} and lukashenko["mentions"]["nl"][0]["text"]
    quote = next(q for q in story["quotes"] if q["text"] == "Det kommer att finnas kärnvapen för alla")
    assert quote["speaker"] == lukashenko["name"] and quote["speaker_id"] == lukashenko["id"]
    assert quote["language"] == "sv" and quote["matches"]
    dutch = next(a for a in story["articles"] if a["language"] == "nl")
    assert any("Tokayev" in text for text in dutch["unique"]) and dutch["shared"]
    assert dutch["published_inferred"]["source"] == "inferred" and dutch["published_inferred"]["start"] == "2023-05-01"
    assert any(d["text"] == "gisteren" and d["inferred"] for d in dutch["dates"])
    assert "dateline" in dutch  # None when the text opens without one
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM story_analyses").fetchone()[0] == 1
    reading._MEMORY.clear()  # a new process: the store's cache answers without analysing again
    monkeypatch.setattr(reading, "read_story", lambda *args: pytest.fail("analysed again despite the cache"))
    again = CliRunner().invoke(cli, ["story", str(story_id), "--db", str(db), "--json"])
    assert json.loads(again.stdout) == story


def test_the_analysis_table_is_a_new_migration(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as connection:  # a store as the first schema version made it
        connection.executescript(MIGRATIONS[0])
        connection.execute("PRAGMA user_version=1")
    with Store(old) as store:
        assert store.schema_version == len(MIGRATIONS)
        store.save_story_analysis(3, "f1", '{"entities": []}')
        store.save_story_analysis(3, "f2", '{"entities": [1]}')  # a newer analysis of story 3 replaces the old
        assert store.cached_story_analysis("f1") is None and store.cached_story_analysis("f2") == '{"entities": [1]}'


def test_a_failing_analysis_still_shows_the_story(monkeypatch) -> None:
    article = Article(title="t", text="Some text about nothing in particular at all.", id="x")
    story = views.Story(1, "t", article.ingested_at, article.ingested_at, ["x"])

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(reading, "analyse_story", broken)
    detail = views.story_detail(story, [article])
    assert detail["entities"] == [] and detail["articles"][0]["unique"] == []


def test_a_hopeless_pair_has_probability_near_zero_not_an_overflow() -> None:
    hopeless = Evidence(cosine=-1e6, margin=-1e6, overlap=0.0, shared_numbers=0, same_language=False)
    assert 0.0 <= same_fact_probability(hopeless) < 1e-300
    plain = Evidence(cosine=0.9, margin=0.2, overlap=0.5, shared_numbers=1, same_language=False)
    assert 0.0 < same_fact_probability(plain) < 1.0
