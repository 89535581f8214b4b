"""Quotes in every convention, their speakers, and the same quote across languages (issue 4)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from babelwire.documents import make_document
from babelwire.entities import extract_mentions
from babelwire.quotes import QUOTE_MATCH_THRESHOLD, Quote, find_quotes, quote_similarities
from babelwire.types import Article
from seed_reading import SEEDS, seed_reading

FIXTURES = Path(__file__).resolve().parent / "fixtures"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")


def quotes_of(text: str, language: str) -> list[Quote]:
    article = Article(title="", text=text, id="q")
    article.language = language
    document = make_document(article)
    return find_quotes(document, extract_mentions(document))


@needs_seeds
def test_seed_quotes_match_across_languages_and_share_their_speaker(e5, language_identifier) -> None:
    _, reading = seed_reading(e5, language_identifier)
    swedish = next(q for q in reading.quotes if q.text == "Det kommer att finnas kärnvapen för alla")
    dutch = next(q for q in reading.quotes if "Er zullen kernwapens zijn voor iedereen" in q.text)
    assert dutch.id in reading.quote_matches[swedish.id] and swedish.id in reading.quote_matches[dutch.id]
    lukashenko = reading.speaker_of[swedish.id]
    assert lukashenko is not None and "Loekasjenko" in lukashenko.aliases["nl"]
    assert reading.speaker_of[dutch.id] is lukashenko
    assert swedish.speaker_text == "presidenten" and swedish.attribution == "role"  # "– …, säger presidenten."
    tokayev = next(q for q in reading.quotes if q.text == "Ik waardeerde zijn grap")
    assert reading.speaker_of[tokayev.id].name == "Kassym-Jomart Tokayev"
    assert reading.quote_matches[tokayev.id] == []  # Kazakhstan's answer is not in the Swedish article


@needs_seeds
def test_seed_dialogue_dash_quote_ends_at_its_attribution(e5, language_identifier) -> None:
    _, reading = seed_reading(e5, language_identifier)
    dash = next(q for q in reading.quotes if q.text.startswith("Det är väldigt enkelt. Unionen"))
    assert dash.text.endswith("Det kommer att finnas kärnvapen för alla")  # ", säger Lukasjenko …" is not quoted
    assert dash.speaker is not None and dash.speaker.name == "Lukasjenko" and dash.attribution == "speech-verb"


@pytest.mark.parametrize(("text", "language", "quoted", "speaker"), [
    ("“We will rebuild every house,” said Mayor Anna Kessler on Monday.", "en", "We will rebuild every house",
     "Anna Kessler"),
    ("Bürgermeisterin Anna Kessler sagte: „Wir bauen jedes Haus wieder auf.“", "de",
     "Wir bauen jedes Haus wieder auf.", "Anna Kessler"),
    ("« Nous reconstruirons chaque maison », a déclaré la maire Anna Kessler.", "fr",
     "Nous reconstruirons chaque maison", "Anna Kessler"),
    ("”Vi bygger upp varje hus”, säger kommunalrådet Anna Kessler.", "sv", "Vi bygger upp varje hus",
     "Anna Kessler"),
    ("– Vi bygger upp varje hus, säger Anna Kessler till tidningen.", "sv", "Vi bygger upp varje hus",
     "Anna Kessler"),
    ("«Мы восстановим каждый дом», — заявил мэр Иван Петров.", "ru", "Мы восстановим каждый дом", "Иван Петров"),
    ("„Odbudujemy każdy dom” – powiedział burmistrz Jan Kowalski.", "pl", "Odbudujemy każdy dom", "Jan Kowalski"),
    ("“We bouwen elk huis weer op”, zei burgemeester Anna Kessler.", "nl", "We bouwen elk huis weer op",
     "Anna Kessler"),
    ('"Reconstruiremos cada casa", dijo la alcaldesa Ana Gómez.', "es", "Reconstruiremos cada casa", "Ana Gómez"),
    ("»Vi genopbygger hvert hus«, siger borgmester Anna Kessler.", "da", "Vi genopbygger hvert hus", "Anna Kessler"),
])
def test_quote_conventions_and_speech_verbs(text: str, language: str, quoted: str, speaker: str) -> None:
    found = quotes_of(text, language)
    assert [quote.text for quote in found] == [quoted]
    assert found[0].speaker is not None and found[0].speaker.name == speaker


def test_corner_brackets_and_single_quotes_are_quotes_but_apostrophes_are_not() -> None:
    assert [q.text for q in quotes_of("市长表示：「我们会重建每一座房子」。", "zh")] == ["我们会重建每一座房子"]
    english = quotes_of("The mayor's office called it ‘a very hard night’ for Kessler's team.", "en")
    assert [q.text for q in english] == ["a very hard night"]


def test_pronouns_roles_and_continued_quotes_take_the_last_speaker() -> None:
    text = ("Borgmästare Anna Kessler besökte platsen i går.\n"
            "– Det här är en mycket svår natt, säger hon.\n"
            "– Vi bygger upp allt igen, säger borgmästaren.\n"
            "Hon lovade stöd. ”Ingen ska lämnas ensam.” ”Vi finns här.”")
    found = quotes_of(text, "sv")
    assert [q.attribution for q in found][:2] == ["pronoun", "role"]
    assert all(q.speaker is not None and q.speaker.name == "Anna Kessler" for q in found)


def test_a_quote_without_a_speaker_keeps_none() -> None:
    found = quotes_of("”Nattens storm”\nTusentals träd föll över natten.", "sv")
    assert [(q.text, q.speaker) for q in found] == [("Nattens storm", None)]


def test_quote_match_threshold_is_calibrated_on_the_fixture(e5) -> None:
    with open(FIXTURES / "quote_pairs.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 40 and all(row["language_a"] != row["language_b"] for row in rows)
    quotes = [Quote(f"{side}{n}", f"{side}{n}", row[f"language_{side}"], row[f"text_{side}"], 0, 0, 0)
              for n, row in enumerate(rows) for side in "ab"]
    similarity = quote_similarities(quotes, e5)
    matched = [similarity[2 * n, 2 * n + 1] >= QUOTE_MATCH_THRESHOLD for n in range(len(rows))]
    same = [row["same"] == "1" for row in rows]
    true_positive = sum(m and s for m, s in zip(matched, same, strict=True))
    assert true_positive / max(sum(matched), 1) >= 0.95  # precision
    assert true_positive / sum(same) >= 0.85  # recall
