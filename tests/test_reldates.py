"""Relative dates resolved against publication dates, and dates inferred for undated articles (issue 4)."""

from __future__ import annotations

from datetime import date

import pytest

from babelwire.documents import make_document
from babelwire.reldates import DateRange, anchor_of, infer_story_date, resolve_relative_dates
from babelwire.types import Article, DateSource, PublishedDate

THURSDAY = DateRange(date(2023, 5, 25), date(2023, 5, 25))


def resolved(text: str, language: str, anchor: DateRange = THURSDAY) -> dict[str, tuple[str, str]]:
    article = Article(title="", text=text, id="d")
    article.language = language
    return {found.text: (found.range.start.isoformat(), found.range.end.isoformat())
            for found in resolve_relative_dates(make_document(article), anchor)}


@pytest.mark.parametrize(("text", "language", "phrase"), [
    ("Loekasjenko zei gisteren dat het simpel is.", "nl", "gisteren"),
    ("Lukasjenko sa igår att det är enkelt.", "sv", "igår"),
    ("Lukaschenko sagte gestern, es sei einfach.", "de", "gestern"),
    ("Lukashenko said yesterday that it was simple.", "en", "yesterday"),
    ("Loukachenko a déclaré hier que c'était simple.", "fr", "hier"),
    ("Lukashenko dijo ayer que era sencillo.", "es", "ayer"),
    ("Лукашенко вчера заявил, что всё просто.", "ru", "вчера"),
    ("Łukaszenka powiedział wczoraj, że to proste.", "pl", "wczoraj"),
    ("卢卡申科昨天说这很简单。", "zh", "昨天"),
])
def test_yesterday_in_many_languages(text: str, language: str, phrase: str) -> None:
    assert resolved(text, language)[phrase] == ("2023-05-24", "2023-05-24")


def test_weeks_months_years_and_ago() -> None:
    dutch = resolved("Vorige week begon Rusland; in februari vorig jaar viel het Oekraïne binnen. "
                     "Drie dagen geleden sprak hij, en twee weken geleden ook.", "nl")
    assert dutch["Vorige week"] == ("2023-05-15", "2023-05-21")
    assert dutch["in februari vorig jaar"] == ("2022-02-01", "2022-02-28")
    assert dutch["Drie dagen geleden"] == ("2023-05-22", "2023-05-22")
    assert dutch["twee weken geleden"] == ("2023-05-11", "2023-05-11")
    swedish = resolved("I maj träffades de, och i december förra året också. Förra månaden var lugn.", "sv")
    assert swedish["I maj"] == ("2023-05-01", "2023-05-31")
    assert swedish["Förra månaden"] == ("2023-04-01", "2023-04-30")
    assert resolved("Im Juni wird gewählt, letztes Jahr nicht.", "de")["Im Juni"] == ("2022-06-01", "2022-06-30")
    assert resolved("Он приехал 3 мая.", "ru")["3 мая"] == ("2023-05-03", "2023-05-03")
    assert resolved("It happened on 25 May 2021 in Minsk.", "en") == {}  # a full date is not relative


def test_a_coarse_publication_date_gives_a_range() -> None:
    may = DateRange(date(2023, 5, 1), date(2023, 5, 31))
    assert resolved("Han sa det igår.", "sv", may)["igår"] == ("2023-04-30", "2023-05-30")
    assert DateRange(date(2023, 5, 1), date(2023, 5, 31)).value == "2023-05"
    assert DateRange(date(2023, 5, 24), date(2023, 5, 24)).value == "2023-05-24"
    assert DateRange(date(2023, 4, 30), date(2023, 5, 30)).value is None


def test_an_undated_article_gets_its_storys_span_marked_as_inferred() -> None:
    dated = [Article(title="a", text="x", id="a", published=PublishedDate("2023-05-24", DateSource.HEADER, True)),
             Article(title="b", text="y", id="b", published=PublishedDate("2023-05-26T08:00:00+00:00",
                                                                            DateSource.FEED, True))]
    undated = Article(title="c", text="z", id="c")
    inferred = infer_story_date(undated, [*dated, undated])
    assert inferred is not None and inferred.source == "inferred" and not inferred.reliable
    assert (inferred.range.start, inferred.range.end) == (date(2023, 5, 24), date(2023, 5, 26))
    assert inferred.articles == ["a", "b"] and inferred.method == "story-span"
    assert infer_story_date(dated[0], dated) is None  # a dated article keeps its own date
    assert infer_story_date(undated, [undated]) is None  # nothing to infer from
    assert anchor_of(undated) is None and anchor_of(dated[0]) == DateRange(date(2023, 5, 24), date(2023, 5, 24))
