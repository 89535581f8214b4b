"""Relative dates resolved against publication dates, and dates inferred for undated articles (issue 4)."""

from __future__ import annotations

from datetime import date

import pytest

from babelwire.documents import make_document
from babelwire.reldates import (
    DateRange,
    anchor_of,
    find_dateline,
    infer_from_dateline,
    infer_story_date,
    resolve_relative_dates,
)
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
    # "wird gewählt": the future; a past sentence keeps the month behind the anchor
    assert resolved("Im Juni wird gewählt, letztes Jahr nicht.", "de")["Im Juni"] == ("2023-06-01", "2023-06-30")
    assert resolved("Im Juni hatte er gewonnen.", "de")["Im Juni"] == ("2022-06-01", "2022-06-30")
    assert resolved("Он приехал 3 мая.", "ru")["3 мая"] == ("2023-05-03", "2023-05-03")
    assert resolved("It happened on 25 May 2021 in Minsk.", "en") == {"25 May 2021": ("2021-05-25", "2021-05-25")}


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


def kinds(text: str, language: str, anchor: DateRange = THURSDAY) -> dict[str, str]:
    article = Article(title="", text=text, id="d")
    article.language = language
    return {found.text: found.kind for found in resolve_relative_dates(make_document(article), anchor)}


@pytest.mark.parametrize(("text", "language", "phrase", "day"), [
    # Thursday 25 May 2023: a past weekday is the latest such day, the anchor's own included
    ("Putin said on Tuesday that talks had failed.", "en", "on Tuesday", "2023-05-23"),
    ("The ministry announced Thursday that it had closed the border.", "en", "Thursday", "2023-05-25"),
    ("Lukaschenko hatte am Montagabend gesagt, es sei einfach.", "de", "am Montagabend", "2023-05-22"),
    ("El presidente anunció el martes que habrá elecciones.", "es", "el martes", "2023-05-23"),
    ("Le président a annoncé mardi soir sa décision.", "fr", "mardi soir", "2023-05-23"),
    ("Premier powiedział we wtorek, że to proste.", "pl", "we wtorek", "2023-05-23"),
    ("Bakan Salı günü açıklama yaptı.", "tr", "Salı günü", "2023-05-23"),
    ("Министр заявил во вторник, что переговоры провалились.", "ru", "во вторник", "2023-05-23"),
    ("وقال الوزير يوم الثلاثاء إن المحادثات فشلت.", "ar", "يوم الثلاثاء", "2023-05-23"),
    # the future: a future verb or "next" puts the day after the anchor
    ("The parliament will vote on Tuesday.", "en", "on Tuesday", "2023-05-30"),
    ("Am Samstag soll der Bürgermeister gewählt werden.", "de", "Am Samstag", "2023-05-27"),
    ("El próximo martes se celebrará la reunión.", "es", "El próximo martes", "2023-05-30"),
    ("Meclis Cuma günü toplanacak.", "tr", "Cuma günü", "2023-05-26"),
    ("Заседание состоится в пятницу.", "ru", "в пятницу", "2023-05-26"),
    # languages with no lead words: the weekday alone
    ("Il ministro ha detto martedì che i colloqui sono falliti.", "it", "martedì", "2023-05-23"),
    ("De minister zei dinsdag dat het simpel is.", "nl", "dinsdag", "2023-05-23"),
    ("وسيعقد الاجتماع يوم الأحد المقبل.", "ar", "يوم الأحد المقبل", "2023-05-28"),
    ("He left last Thursday.", "en", "last Thursday", "2023-05-18"),
    # a future day and month is not pushed a year back; a past one is
    ("Am 10. Juni soll ein neuer Präsident gewählt werden.", "de", "10. Juni", "2023-06-10"),
    ("Am 10. Juni hatte er gewonnen.", "de", "10. Juni", "2022-06-10"),
    ("On May 28 schools reopened.", "en", "May 28", "2023-05-28"),  # a few days ahead: written ahead of time
    # explicit years are kept
    ("Nació el 31 de diciembre de 1939 en Madrid.", "es", "31 de diciembre de 1939", "1939-12-31"),
    ("It was signed on January 7, 2020.", "en", "January 7, 2020", "2020-01-07"),
    ("Le traité du 9 mai 1950 reste en vigueur.", "fr", "9 mai 1950", "1950-05-09"),
])
def test_weekdays_tense_and_years(text: str, language: str, phrase: str, day: str) -> None:
    assert resolved(text, language)[phrase] == (day, day)


@pytest.mark.parametrize(("text", "language"), [
    ("El programa «Hoy por hoy» abrió con la noticia.", "es"),
    ("De hoy en día nadie habla así.", "es"),
    ("Según el diario Hoy, el alcalde dimitió.", "es"),
    ("According to USA Today, the mayor resigned.", "en"),
    ("The film \"Tomorrow Never Dies\" was shown again.", "en"),
    ("وقالت قناة روسيا اليوم إن المحادثات فشلت.", "ar"),
    ("ونقل موقع اليوم السابع عن مصدر.", "ar"),
    ("وفي اليوم التالي بدأت المحادثات.", "ar"),
    ("Er war bis Bild am Sonntag Chefredakteur.", "de"),
    ("Los martes cierra el mercado.", "es"),
    ("Cuma namazı camilerde kılınmadı.", "tr"),
])
def test_date_words_in_names_titles_and_idioms_are_no_dates(text: str, language: str) -> None:
    assert resolved(text, language) == {}


def test_relative_words_still_count_in_running_text() -> None:
    assert resolved("El Gobierno aprobó hoy el decreto.", "es")["hoy"] == ("2023-05-25", "2023-05-25")
    assert resolved("وقال الوزير اليوم إن المحادثات فشلت.", "ar")["اليوم"] == ("2023-05-25", "2023-05-25")
    assert resolved("وقال الوزير اليوم الخميس إن المحادثات فشلت.", "ar")["اليوم الخميس"] == ("2023-05-25", "2023-05-25")
    assert resolved("Today the mayor resigned.", "en")["Today"] == ("2023-05-25", "2023-05-25")
    assert resolved("Arabic: وصل أمسية الخميس", "ar").get("أمس") is None  # أمسية is "evening", not أمس


@pytest.mark.parametrize(("text", "place", "agency", "date_parts"), [
    ("MOSCOW, May 25 (Reuters) - Russia said on Thursday ...", "MOSCOW", "Reuters", (25, 5, None)),
    ("PARIS (AFP) — Le gouvernement a annoncé ...", "PARIS", "AFP", (None, None, None)),
    ("Seoul/Washington. Nordkorea hat erneut ...", "Seoul/Washington", None, (None, None, None)),
    ("Madrid, 2 ene (EFE).- El Gobierno aprobó ...", "Madrid", "EFE", (2, 1, None)),
    ("WASHINGTON, Jan. 7, 2020 (AP) — The House voted ...", "WASHINGTON", "AP", (7, 1, 2020)),
])
def test_datelines_are_read(text: str, place: str, agency: str | None,
                            date_parts: tuple[int | None, int | None, int | None]) -> None:
    article = Article(title="A title", text=text, id="d")
    article.language = "es" if "EFE" in text else "en"
    found = find_dateline(make_document(article))
    assert found is not None
    assert (found.place, found.agency, (found.day, found.month, found.year)) == (place, agency, date_parts)


def test_no_dateline_in_an_ordinary_opening() -> None:
    article = Article(title="A title", text="The mayor said on Tuesday - to nobody's surprise - that ...", id="d")
    article.language = "en"
    assert find_dateline(make_document(article)) is None


def test_a_dateline_dates_an_undated_article() -> None:
    dated = Article(title="a", text="x", id="a", published=PublishedDate("2023-05-26", DateSource.HEADER, True))
    undated = Article(title="b", text="MOSCOW, May 25 (Reuters) - Russia said on Thursday ...", id="b")
    undated.language = "en"
    story = infer_story_date(undated, [dated, undated])
    guessed = infer_from_dateline(find_dateline(make_document(undated)), story)
    assert guessed is not None and guessed.method == "dateline+story-span" and not guessed.reliable
    assert guessed.source == "html-text" and guessed.range == THURSDAY
    alone = Article(title="c", text="WASHINGTON, Jan. 7, 2020 (AP) — The House voted ...", id="c")
    alone.language = "en"
    explicit = infer_from_dateline(find_dateline(make_document(alone)), None)
    assert explicit is not None and explicit.range.start == date(2020, 1, 7) and explicit.method == "dateline"
    assert infer_from_dateline(find_dateline(make_document(undated)), None) is None  # no year, no story
    assert kinds(undated.text, "en")["MOSCOW, May 25 (Reuters) -"] == "dateline"


@pytest.mark.parametrize(("text", "language", "phrase", "day"), [
    # a weekday beside a date is the day they agree on, even a year away from the anchor
    ("Il est prévu le lundi 19 février.", "fr", "le lundi", "2024-02-19"),  # 2024's 19 February is a Monday
    ("El próximo viernes 26 llegará la serie.", "es", "El próximo viernes", "2023-05-26"),
    ("DHA 11 Mayıs 2020 Pazartesi 20:43", "tr", "Pazartesi", "2020-05-11"),  # 20:43 is the hour, not a day
    ("Hong Kong, Saturday, April 18, 2020.", "en", "Saturday", "2020-04-18"),
    # Turkish months need "ayı" after them; a year may come first
    ("Manisa ocak ayında 272 milyon dolarlık ihracat gerçekleştirdi.", "tr", "ocak ayında", "2023-01"),
    ("2019 yılının ocak ayında ihracat düştü.", "tr", "2019 yılının ocak ayında", "2019-01"),
    ("Kuopiossa tammikuussa satoi.", "fi", "tammikuussa", "2023-01"),
])
def test_weekdays_beside_dates_and_month_forms(text: str, language: str, phrase: str, day: str) -> None:
    start, end = resolved(text, language)[phrase]
    assert (start if len(day) == 10 else start[:7]) == day and (len(day) == 7 or end == day)


def test_a_weekday_that_contradicts_its_date_gives_nothing() -> None:
    assert "on Tuesday" not in resolved("It opened on Tuesday, January 7, 2021.", "en")  # 7 January 2021: Thursday
    assert "le mercredi" not in resolved("Il est prévu le mercredi 19 février.", "fr")  # none near 2023 (2025)
    assert resolved("It opened on Tuesday, January 7, 2021.", "en")["January 7, 2021"] == ("2021-01-07", "2021-01-07")
    assert resolved("Kasım Bey ile görüştü.", "tr") == {}  # a name, not November


def test_a_month_with_its_year_needs_no_lead() -> None:
    spanish = resolved("Precios de octubre 2019 y de diciembre de 2019.", "es")
    assert spanish["octubre 2019"] == ("2019-10-01", "2019-10-31")
    assert resolved("Verinin açıklandığı Ocak 2001'den bu yana", "tr")["Ocak 2001"] == ("2001-01-01", "2001-01-31")
    assert "may" not in resolved("You may go.", "en")


def test_reading_dates_an_undated_article_by_its_dateline() -> None:
    from babelwire.documents import make_document as document_of
    from babelwire.reading import _dates

    dated = Article(title="a", text="Russia said on Thursday it would talk.", id="a",
                    published=PublishedDate("2023-05-26", DateSource.HEADER, True))
    undated = Article(title="b", text="MOSCOW, May 25 (Reuters) - Russia said on Thursday it would talk.", id="b")
    for article in (dated, undated):
        article.language = "en"
    dates, inferred, datelines = _dates([dated, undated], [document_of(dated), document_of(undated)])
    assert inferred["b"].method == "dateline+story-span" and inferred["b"].range == THURSDAY
    assert datelines["b"].place == "MOSCOW" and "a" not in datelines and "a" not in inferred
    assert [(found.kind, found.range.start) for found in dates["b"]] == [
        ("dateline", date(2023, 5, 25)), ("weekday", date(2023, 5, 25))]
