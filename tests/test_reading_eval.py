"""The reading evaluator: offsets mapped across normalisation, and scores that move with what was found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from babelwire.canonical import Entity
from babelwire.entities import Mention
from babelwire.quotes import Quote
from babelwire.reading import StoryReading
from babelwire.reading_eval import GoldArticle, OffsetMap, evaluate_reading, load_gold, tracker_reader
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article
from conftest import FIXTURES

GOLD = FIXTURES / "reading_gold_small.json"


def test_offsets_map_across_collapsed_spaces() -> None:
    source, target = "a b. Maria Jansen", "a  b.  Maria Jansen"
    start = source.index("Maria")
    assert OffsetMap(source, target).span(start, start + 12) == (target.index("Maria"), len(target))


def _locate(lead: str, text: str, number: int = 0) -> tuple[int, int]:
    position = -1
    for _ in range(number + 1):
        position = lead.index(text, position + 1)
    return position, position + len(text)


def _oracle(wrong_speaker: bool = False):
    """A reader that returns the labels themselves (optionally with every speaker replaced by a place)."""

    def read(members: Sequence[GoldArticle]) -> tuple[list[Article], StoryReading]:
        articles = [Article(title=m.title, text=m.text, url=m.url, language=m.language) for m in members]
        entities: dict[str, Entity] = {}
        mention_of = {}
        quotes, speaker_of, matches = [], {}, {}
        for gold, article in zip(members, articles, strict=True):
            seen: dict[str, int] = {}
            for label in gold.mentions:
                start, end = _locate(article.lead, label.text, seen.get(label.text, 0))
                seen[label.text] = seen.get(label.text, 0) + 1
                mention = Mention(article.id, article.language, label.text, label.text, label.type, start, end, 0)
                entity = entities.setdefault(label.key, Entity(label.key, label.key, label.type, [], {}))
                entity.mentions.append(mention)
                mention_of[article.id, label.key] = mention
            for number, label in enumerate(gold.quotes):
                start, end = _locate(article.lead, label.text)
                key = "Rotterdam" if wrong_speaker else label.speaker_key
                quote = Quote(f"{article.id}-{number}", article.id, article.language, label.text, start, end, 1,
                              speaker=mention_of[article.id, key])
                quotes.append(quote)
                speaker_of[quote.id] = entities[key]
        for quote in quotes:
            matches[quote.id] = [other.id for other in quotes if other.article_id != quote.article_id]
        reading = StoryReading([], [], list(entities.values()), quotes, matches, speaker_of, None, {}, {})
        return articles, reading

    return read


def test_the_labels_themselves_score_perfectly() -> None:
    result = evaluate_reading(load_gold(GOLD), _oracle())
    assert result["mentions"]["f1"] == result["mentions_typed"]["f1"] == 1.0
    assert result["quotes"]["f1"] == 1.0
    assert result["speakers"]["right"] == result["speakers"]["gold"] == 2
    assert result["identity"]["cross_language"]["f1"] == 1.0
    assert result["matched_statements"] == {**result["matched_statements"], "precision": 1.0, "recall": 1.0}
    assert set(result["by_language"]) == {"en", "nl"}


def test_a_wrong_speaker_is_counted_wrong() -> None:
    result = evaluate_reading(load_gold(GOLD), _oracle(wrong_speaker=True))
    assert result["speakers"]["wrong"] == 2 and result["speakers"]["right"] == 0
    assert result["errors"]["wrong_speakers"]


def test_missing_and_mistyped_mentions_lower_recall_and_typed_scores() -> None:
    gold = load_gold(GOLD)

    def read(members):
        articles, reading = _oracle()(members)
        kept = [replace(entity, type="person", mentions=entity.mentions[:1]) for entity in reading.entities]
        return articles, replace(reading, entities=kept)

    result = evaluate_reading(gold, read)
    assert result["mentions"]["precision"] == 1.0
    assert result["mentions"]["recall"] < 1.0
    assert result["mentions_typed"]["f1"] < result["mentions"]["f1"]


def test_a_malformed_gold_file_names_the_problem(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"articles": [{"gold_id": "x"}]}')
    with pytest.raises(ValueError, match="article 0"):
        load_gold(bad)


def test_groups_go_through_a_real_store(e5, language_identifier) -> None:
    """End to end on the small invented fixture: each group stored, its languages identified, and scored."""
    reader = tracker_reader(lambda db: Tracker(db, Settings(), encoder=e5, language_identifier=language_identifier),
                            e5)
    result = evaluate_reading(load_gold(GOLD), reader)
    assert result["language_id"]["right"] == 2
    assert result["mentions"]["right"] >= 1 and result["mentions"]["gold"] == 7
    assert 0.0 <= result["speakers"]["right_share"] <= 1.0


def test_the_cli_prints_the_figures_and_names_a_bad_file(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from babelwire.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["eval", "reading", "--data", str(GOLD), "--json", "--errors", "3"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["articles"] == 2 and set(figures["by_language"]) == {"en", "nl"}
    assert all(len(items) <= 3 for items in figures["errors"].values())
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    failed = runner.invoke(app, ["eval", "reading", "--data", str(bad)])
    assert failed.exit_code == 2 and "bad.json" in failed.output
