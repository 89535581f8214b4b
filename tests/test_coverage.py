"""What each article of a story adds, and the analysis in ``babelwire story --json`` and its cache (issue 4)."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from babelwire import reading, reading_memory, views
from babelwire.cli import app as cli
from babelwire.coverage import (
    CoverageComparer,
    Evidence,
    Statement,
    candidate_table,
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
    monkeypatch.setattr(reading_memory, "default_encoder", lambda: tracker.encoder)  # the session's e5, not a new one
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
    reading_memory.forget_readings()  # a new process: the store's cache answers without analysing again
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


# --- the candidate table against the per-candidate definition ------------------------------------------------


def synthetic_story(seed: int) -> tuple[list[Statement], np.ndarray]:
    """Statements of articles of 1 to 9 statements in three languages, sharing names and numbers by chance,
    with unit vectors (float32, as encoders give) some of which repeat a statement of another article."""
    rng = random.Random(seed)
    names = ["Varnaholm", "Kessler", "Lindqvist", "Wierzbowo", "Oberhaus", "Maribel", "Tannery", "Quillon"]
    words = ["bridge", "river", "council", "storm", "mayor", "vote", "strike", "report", "engineers", "harbour"]
    statements = []
    for article in range(rng.randint(2, 7)):
        language = rng.choice(["en", "de", "fr"])
        for sentence in range(rng.randint(1, 9)):
            text = " ".join(rng.sample(names + words, rng.randint(0, 6)) + [str(rng.choice([12, 40, 2023, 600]))
                                                                         for _ in range(rng.randint(0, 2))])
            statements.append(Statement(f"a{article}", language, sentence, text))
    generator = np.random.default_rng(seed)
    vectors = generator.normal(size=(len(statements), 8)).astype(np.float32)
    for row in range(0, len(statements), 3):  # near-copies, so that cosines tie and run high
        vectors[row] = vectors[generator.integers(len(statements))]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return statements, vectors @ vectors.T


def candidates_one_by_one(statements: list[Statement], similarity: np.ndarray) -> list[tuple[int, int, Evidence]]:
    """The candidates as the reading defined them before the table, one pair at a time."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, statement in enumerate(statements):
        rows_of[statement.article_id].append(row)
    stems = [stems_of(s.text) for s in statements]
    numbers = [numbers_of(s.text) for s in statements]
    counts: dict[str, int] = defaultdict(int)
    for found in stems:
        for stem in found:
            counts[stem] += 1
    weight = {stem: math.log((1 + len(stems)) / (1 + count)) for stem, count in counts.items()}

    def top_mean(values: np.ndarray) -> float:
        return float(np.sort(values)[-min(4, values.size):].mean())

    found = []
    for own, rows in rows_of.items():
        for other, columns in rows_of.items():
            if other == own:
                continue
            block = similarity[np.ix_(rows, columns)]
            for position, row in enumerate(rows):
                for column_position in np.argsort(-block[position], kind="stable")[:3]:
                    cosine = float(block[position, column_position])
                    spread = 0.5 * top_mean(block[position]) + 0.5 * top_mean(block[:, column_position])
                    column = columns[int(column_position)]
                    found.append((row, column, Evidence(
                        cosine, cosine / spread if spread > 0 else 0.0,
                        rare_word_overlap(stems[row], stems[column], weight), len(numbers[row] & numbers[column]),
                        statements[row].language == statements[column].language)))
    return found


@pytest.mark.parametrize("seed", range(12))
def test_the_candidate_table_holds_the_candidates_defined_pair_by_pair(seed: int) -> None:
    statements, similarity = synthetic_story(seed)
    table = candidate_table(statements, similarity)
    # both sorted by statement, stably: per statement, the other articles in order, nearest first
    expected = sorted(candidates_one_by_one(statements, similarity), key=lambda candidate: candidate[0])
    by_row = sorted(range(len(table.row)), key=lambda index: table.row[index])
    assert [(int(table.row[i]), int(table.column[i])) for i in by_row] == [(row, column) for row, column, _ in expected]
    for index, (_, _, evidence) in zip(by_row, expected, strict=True):
        found = table.evidence(index)
        # the overlap's weights are summed in another order: equal to the last bits
        assert found.overlap == pytest.approx(evidence.overlap, rel=1e-12, abs=1e-15)
        assert found == Evidence(evidence.cosine, evidence.margin, found.overlap, evidence.shared_numbers,
                                 evidence.same_language)
        assert table.probabilities()[index] == pytest.approx(same_fact_probability(found), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("seed", range(12))
def test_best_matches_keep_the_most_probable_counterpart_per_article_above_the_floor(seed: int) -> None:
    statements, similarity = synthetic_story(seed)
    comparer = CoverageComparer(encoder=None)  # type: ignore[arg-type]  # the similarity is given
    expected: dict[int, dict[str, tuple[float, str]]] = defaultdict(dict)
    for row, column, evidence in candidates_one_by_one(statements, similarity):
        probability = same_fact_probability(evidence)
        held = expected[row].get(statements[column].article_id)
        if held is None or probability > held[0] + 1e-12:  # a near-tie keeps the nearer candidate
            expected[row][statements[column].article_id] = (probability, statements[column].text)
    floor = 0.2
    best = comparer.best_matches(statements, similarity, floor=floor)
    for row in range(len(statements)):
        kept = {article: found for article, found in expected[row].items() if found[0] >= floor}
        assert {match.article_id: match.text for match in best[row]} == {a: text for a, (_, text) in kept.items()}
        for match in best[row]:
            assert match.confidence == pytest.approx(kept[match.article_id][0], rel=1e-12)
