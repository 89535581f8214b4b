"""Dates in article text (gisteren, on Tuesday, am 10. Mai, 31 de diciembre de 1939 …) resolved against
publication dates.

Each expression becomes a range of days: exact (``yesterday`` of a dated article is one day) or wider
when the anchor is coarse (``yesterday`` of an article dated only ``2023-05`` is 30 April – 30 May). An
article without a date gets one inferred from its story, the span of its dated articles, marked as
inferred and with the articles it came from; its relative dates are then resolved against that span.

What a date expression means depends on the sentence around it. A weekday or a day and month without a
year is taken as the nearest such day before the anchor, unless the sentence speaks of the future (a
future marker such as ``will``, ``soll``, ``-acak``, ``سوف`` lies closer to it than a past one) or a word
says so (``next``, ``el próximo``, ``المقبل``). A date with its year stands for that day whatever the
anchor. Relative words are skipped where they are part of a name (``USA Today``, ``روسيا اليوم``), a short
title in quotes, or an idiom (``hoy en día``). An article's dateline (``MOSCOW, May 25 (Reuters) -``) is
read, and its date is evidence for the publication date of an undated article.

Month and weekday names come from CLDR (``babel``) for every language; the words CLDR lacks (case forms,
leads, tense markers, idioms) are kept in one :class:`DateWords` per language, the ``DATES`` of its module in
:mod:`babelwire.lang`, gathered in :data:`LANGUAGES`.
``dateparser`` was measured and not used: its ``search_dates`` took 0.43 s for one 3,000-character
Spanish article and found "de mi", "a una" and "de 26 años" (→ 1994) as dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from babelwire import lang
from babelwire.documents import Document
from babelwire.lang import DateWords
from babelwire.types import Article, DateSource

Shift = Callable[[date], tuple[date, date]]

#: a day and month written in past-tense context may still lie this many days after the anchor: news
#: announce dates a few days ahead ("schools close on 16 March") in sentences whose verb is past; in the
#: gold set (bench/dates.py) such dates lay up to 8 days ahead, and none referred to the year before
FUTURE_GRACE_DAYS = 14
#: … and one in future context this many days before it (a sentence about what comes may recall its start:
#: "the campaign that began on 13 February ends on 20 February")
PAST_GRACE_DAYS = 7
#: how far into the text of an article its dateline may start (it follows a run-in title in scraped text)
DATELINE_WINDOW = 400
#: languages that write a weekday and a part of the day as one word (Dienstagabend)
_COMPOUNDING = frozenset({"de", "nl", "sv", "da", "no"})
#: languages whose verb ends the clause: the tense is read after the expression and at the sentence's end
_VERB_FINAL = frozenset({"tr", "ja", "ko"})
#: scripts written without spaces: a phrase is matched anywhere, with no word boundaries
_SCRIPTS_WITHOUT_SPACES = frozenset({"zh", "ja"})
#: languages without letter case: no capital letter tells a name from a word
_CASELESS = frozenset({"ar", "zh", "ja", "he", "fa", "ur"})


#: the date words of each language, by language code: the ``DATES`` of each language module
#: (:mod:`babelwire.lang`); a language without one gets no relative words, only CLDR's month and weekday names
LANGUAGES: dict[str, DateWords] = {
    code: module.DATES for code, module in lang.modules() if isinstance(getattr(module, "DATES", None), DateWords)
}


@dataclass(frozen=True)
class DateRange:
    """Days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def value(self) -> str | None:
        """An ISO date at the precision the range has exactly (a day, a calendar month or year), else None."""
        if self.start == self.end:
            return self.start.isoformat()
        month_end = self.start.replace(day=calendar.monthrange(self.start.year, self.start.month)[1])
        if self.start.day == 1 and self.end == month_end:
            return self.start.strftime("%Y-%m")
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
                and self.start.year == self.end.year:
            return str(self.start.year)
        return None


@dataclass(frozen=True)
class ResolvedDate:
    """A date expression of an article and the days it stands for."""

    text: str
    start: int  # offsets in the document
    end: int
    kind: str  # day | week | month | year | month-name | day-month | ago | weekday | date | dateline
    range: DateRange
    anchor: DateRange
    inferred: bool  # the anchor is a date inferred from the story, not the article's own


@dataclass(frozen=True)
class Dateline:
    """The place (and agency, and date) an article's text opens with: ``MOSCOW, May 25 (Reuters) -``."""

    text: str
    start: int  # offsets in the document
    end: int
    place: str
    agency: str | None
    date_text: str | None  # the date as written, if the dateline has one
    day: int | None = None
    month: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class InferredDate:
    """A publication date range inferred for an undated article, and where it came from."""

    range: DateRange
    method: str  # story-span | dateline | dateline+story-span
    articles: list[str] = field(default_factory=list)
    source: str = str(DateSource.INFERRED)
    reliable: bool = False


def anchor_of(article: Article) -> DateRange | None:
    """The days an article's publication date stands for, if it has one."""
    if article.published is None:
        return None
    first, last = article.published.interval()
    return DateRange(first.date(), last.date())


def infer_story_date(article: Article, story_articles: Sequence[Article]) -> InferredDate | None:
    """For an undated article, the span of its story's dated articles (``None`` when it has a date or
    no other article of the story has one)."""
    if article.published is not None:
        return None
    dated = [(other.id, span) for other in story_articles if other.id != article.id
             and (span := anchor_of(other)) is not None]
    if not dated:
        return None
    start = min(span.start for _, span in dated)
    end = max(span.end for _, span in dated)
    return InferredDate(DateRange(start, end), "story-span", [article_id for article_id, _ in dated])


def infer_from_dateline(dateline: Dateline | None, story: InferredDate | None) -> InferredDate | None:
    """An undated article's publication day from its dateline's date.

    A dateline with its year gives the day outright; one without a year ("May 25") takes the year that puts
    the day nearest the story's span, and without a story it gives nothing. The day is written by the outlet
    but may be the event's rather than the publication's (updates keep the first dateline), so it is marked
    as read from the page text (:attr:`DateSource.HTML_TEXT`) and unreliable; it is preferred to the story
    span because it is the article's own and one day wide.
    """
    if dateline is None or dateline.day is None or dateline.month is None:
        return None
    if dateline.year is not None:
        found = _safe_date(dateline.year, dateline.month, dateline.day)
        return None if found is None else InferredDate(DateRange(found, found), "dateline",
                                                       source=str(DateSource.HTML_TEXT))
    if story is None:
        return None
    middle = story.range.start + (story.range.end - story.range.start) / 2
    found = _nearest_day_month(middle, dateline.month, dateline.day, before=None)
    if found is None:
        return None
    return InferredDate(DateRange(found, found), "dateline+story-span", story.articles,
                        source=str(DateSource.HTML_TEXT))


# --- names from CLDR ---------------------------------------------------------------------------------------


@cache
def month_names(language: str) -> tuple[tuple[str, ...], ...]:
    """Lower-case forms of each month's name (January first): CLDR's format and stand-alone names and the
    language's own case forms."""
    from babel.core import UnknownLocaleError
    from babel.dates import get_month_names

    forms: list[set[str]] = [set() for _ in range(12)]
    try:
        for context in ("format", "stand-alone"):
            for number, name in get_month_names("wide", context, locale=language).items():
                forms[number - 1].add(name.casefold())
    except (UnknownLocaleError, ValueError):
        pass
    words = LANGUAGES.get(language)
    for number, extra in enumerate(words.month_forms if words else ()):
        forms[number].update(form.casefold() for form in extra.split("|") if form)
    return tuple(tuple(sorted(names, key=len, reverse=True)) for names in forms)


@cache
def month_abbreviations(language: str) -> tuple[tuple[str, ...], ...]:
    """CLDR's abbreviated month names (no final dot) where they differ from the full names; written with a
    dot in running text (``Jan. 7``) and without one in datelines (``2 ene``)."""
    from babel.core import UnknownLocaleError
    from babel.dates import get_month_names

    full = month_names(language)
    forms: list[set[str]] = [set() for _ in range(12)]
    try:
        for number, name in get_month_names("abbreviated", "format", locale=language).items():
            short = name.casefold().rstrip(".")
            if len(short) >= 3 and short not in full[number - 1] and not short.isdigit():
                forms[number - 1].add(short)
    except (UnknownLocaleError, ValueError):
        pass
    if language == "en":
        forms[8].add("sept")
    return tuple(tuple(sorted(names, key=len, reverse=True)) for names in forms)


@cache
def weekday_names(language: str) -> tuple[tuple[str, ...], ...]:
    """Lower-case forms of each weekday's name, Monday first (CLDR's and the language's own)."""
    from babel.core import UnknownLocaleError
    from babel.dates import get_day_names

    forms: list[set[str]] = [set() for _ in range(7)]
    try:
        for context in ("format", "stand-alone"):
            for number, name in get_day_names("wide", context, locale=language).items():
                forms[number].add(name.casefold())
    except (UnknownLocaleError, ValueError):
        pass
    words = LANGUAGES.get(language)
    for number, extra in enumerate(words.weekday_forms if words else ()):
        forms[number].update(form.casefold() for form in extra.split("|") if form)
    return tuple(tuple(sorted(names, key=len, reverse=True)) for names in forms)


def _alternation(names: Sequence[str]) -> str:
    return "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(names, key=len, reverse=True))


def _month_number(word: str, language: str) -> int | None:
    word = word.casefold().rstrip(".")
    word = re.sub(r"\s+", " ", word)
    for table in (month_names(language), month_abbreviations(language)):
        for number, forms in enumerate(table, start=1):
            if word in forms:
                return number
    return None


# --- shifting an anchor day ---------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _unit_range(day: date, unit: str, offset: int) -> tuple[date, date]:
    """The day, ISO week, calendar month or year ``offset`` units from ``day``."""
    if unit == "day":
        moved = day + timedelta(days=offset)
        return moved, moved
    if unit == "week":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        first = _add_months(day, offset)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    year = day.year + offset
    return date(year, 1, 1), date(year, 12, 31)


def _month_range(day: date, month: int, year_offset: int | None, future: bool = False) -> tuple[date, date]:
    """A named month: in the anchor's year unless that is still to come (then the year before); in future
    context the next such month from the anchor's on."""
    if year_offset is not None:
        year = day.year + year_offset
    elif future:
        year = day.year + (month < day.month)
    else:
        year = day.year - (month > day.month)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, number: int) -> date | None:
    try:
        return date(year, month, number)
    except ValueError:
        return None


def _nearest_day_month(day: date, month: int, number: int, before: bool | None) -> date | None:
    """The day ``number`` of ``month`` in the year that fits: ``before`` — the latest on or before ``day``
    (up to :data:`FUTURE_GRACE_DAYS` after it); ``not before`` — the first on or after it (from
    :data:`PAST_GRACE_DAYS` before it); ``None`` — the nearest."""
    options = [found for year in (day.year - 1, day.year, day.year + 1)
               if (found := _safe_date(year, month, number)) is not None]
    if not options:
        return None
    if before is None:
        return min(options, key=lambda found: abs((found - day).days))
    if before:
        fitting = [found for found in options if found <= day + timedelta(days=FUTURE_GRACE_DAYS)]
        return max(fitting) if fitting else None
    fitting = [found for found in options if found >= day - timedelta(days=PAST_GRACE_DAYS)]
    return min(fitting) if fitting else None


def _weekday_day(day: date, weekday: int, direction: int) -> tuple[date, date]:
    """The weekday nearest ``day``: on or before it (``direction`` −1 or 0), on or after it (+1)."""
    if direction > 0:
        ahead = (weekday - day.weekday()) % 7
        found = day + timedelta(days=ahead)
    else:
        found = day - timedelta(days=(day.weekday() - weekday) % 7)
    return found, found


def _over(anchor: DateRange, shift: Shift) -> DateRange:
    """Apply a shift to both ends of the anchor and keep everything between."""
    first, last = shift(anchor.start), shift(anchor.end)
    return DateRange(min(first[0], last[0]), max(first[1], last[1]))


# --- context: tense, names, idioms ----------------------------------------------------------------------------


_SENTENCE_END = re.compile(r"(?<!\d)[.!?](?=\s)|\n")
_CLAUSE_END = re.compile(r"(?<!\d)[,:](?!\d)|[;()\"“”«»—–]")  # not the colon of 13:55 or the comma of 38,94


def _bounds(text: str, start: int, end: int, pattern: re.Pattern[str]) -> tuple[int, int]:
    """The span around ``start``–``end`` up to the nearest matches of ``pattern`` on either side."""
    before = [match.end() for match in pattern.finditer(text, max(0, start - 400), start)]
    after = pattern.search(text, end, end + 400)
    return (before[-1] if before else max(0, start - 400)), (after.start() if after else min(len(text), end + 400))


@cache
def _word_pattern(regex: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{regex})(?!\w)", re.IGNORECASE)


def _markers(text: str, lo: int, hi: int, start: int, end: int, words: DateWords) -> tuple[int | None, int | None]:
    """Distances from the expression to the nearest future and past marker between ``lo`` and ``hi``."""
    future_spans = [match.span() for match in _word_pattern(words.future).finditer(text, lo, hi)
                    if not (match.start() < end and start < match.end())] if words.future else []
    past_spans = [match.span() for match in _word_pattern(words.past).finditer(text, lo, hi)
                  if not (match.start() < end and start < match.end())
                  and not any(a < match.end() and match.start() < b for a, b in future_spans)] if words.past else []

    def nearest(spans: list[tuple[int, int]]) -> int | None:
        gaps = [start - b if b <= start else a - end for a, b in spans]
        return min(gaps) if gaps else None

    return nearest(future_spans), nearest(past_spans)


def tense(text: str, start: int, end: int, language: str) -> int:
    """+1 when the words around an expression speak of the future, −1 of the past, 0 when nothing says.

    The clause (between commas, quotes, dashes) is read first, then the sentence; the nearer marker wins and
    a tie goes to the past: ``said on Tuesday that it will`` is past, ``the vote will be on Tuesday,
    officials said`` future.
    """
    words = LANGUAGES.get(language)
    if words is None:
        return 0
    sentence = _bounds(text, start, end, _SENTENCE_END)
    if language in _VERB_FINAL:
        return _verb_final_tense(text, start, end, sentence, words)
    clause = _bounds(text, start, end, _CLAUSE_END)
    clause = (max(clause[0], sentence[0]), min(clause[1], sentence[1]))
    for lo, hi in (clause, sentence):
        future, past = _markers(text, lo, hi, start, end, words)
        if future is not None and (past is None or future < past):
            return 1
        if past is not None:
            return -1
    return 0


def _verb_final_tense(text: str, start: int, end: int, sentence: tuple[int, int], words: DateWords) -> int:
    """The tense of a verb-final language: the first marker in the few words after the expression (its own
    verb: "12 Haziran'da yeniden başlaması beklenen"), else the last one of the sentence (the main verb)."""
    window = re.match(r"(?:\W*\w+){1,4}", text[end:sentence[1]])
    near = (end, end + window.end()) if window else (end, end)
    for lo, hi, last in ((near[0], near[1], False), (sentence[0], sentence[1], True)):
        found = [(match.start(), +1) for match in _word_pattern(words.future).finditer(text, lo, hi)
                 if not (match.start() < end and start < match.end())] if words.future else []
        found += [(match.start(), -1) for match in _word_pattern(words.past).finditer(text, lo, hi)
                  if not (match.start() < end and start < match.end())] if words.past else []
        if found:
            return (max(found) if last else min(found))[1]
    return 0


def _in_short_quote(text: str, start: int, end: int) -> bool:
    """Whether the span lies in a quoted stretch of at most six words: a title, not a quoted sentence."""
    opening = re.search(r"[\"“«„‘'][^\"“”«»„‘’'\n]{0,60}$", text[max(0, start - 60):start])
    closing = re.match(r"[^\"“”«»„‘’'\n]{0,60}[\"”»“’']", text[end:end + 60])
    if not opening or not closing:
        return False
    inner = opening.group(0)[1:] + text[start:end] + closing.group(0)[:-1]
    return len(inner.split()) <= 6


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in ".!?:;\"“”«»„\n—–-(" or bool(re.search(r"\n\s*$", text[:start]))


def _covered(text: str, start: int, end: int, regex: str) -> bool:
    """Whether a match of ``regex`` near the span overlaps it."""
    lo, hi = max(0, start - 60), min(len(text), end + 60)
    return any(match.start() < end and start < match.end() for match in _word_pattern(regex).finditer(text, lo, hi))


def is_date_use(text: str, start: int, end: int, language: str, capital_means_name: bool = True) -> bool:
    """Whether a date word at ``start``–``end`` is used as a date: not in an outlet's or show's name, not in
    a short title in quotes, not in an idiom; a relative word written with a capital inside a sentence
    (``USA Today``, ``El Diario de Hoy``) is taken as a name."""
    words = LANGUAGES.get(language, DateWords())
    if words.names and _covered(text, start, end, words.names):
        return False
    if any(_covered(text, start, end, idiom) for idiom in words.idioms):
        return False
    if capital_means_name and language not in _CASELESS and text[start:end][:1].isupper() \
            and not _starts_sentence(text, start):
        return False
    return not (capital_means_name and _in_short_quote(text, start, end))


# --- finding expressions -----------------------------------------------------------------------------------

Found = tuple[int, int, Shift, str]


def _pattern(phrase: str, language: str) -> str:
    escaped = re.escape(phrase).replace(r"\ ", r"\s+")
    if language in _SCRIPTS_WITHOUT_SPACES:
        return escaped
    if language == "ar":  # a proclitic conjunction or preposition may be written on the word
        return rf"(?<!\w)(?:[وفبل]|وب|ول|فب|فل)?{escaped}(?!\w)"
    return rf"(?<!\w){escaped}(?!\w)"


@cache
def _phrase_regexes(language: str) -> tuple[tuple[re.Pattern[str], str, int], ...]:
    phrases = LANGUAGES[language].phrases
    compiled = []
    for phrase in sorted(phrases, key=len, reverse=True):
        unit, offset = phrases[phrase]
        flags = 0 if language == "de" and phrase == "morgen" else re.IGNORECASE  # Morgen is also "morning"
        compiled.append((re.compile(_pattern(phrase, language), flags), unit, offset))
    return tuple(compiled)


def _phrase_matches(text: str, language: str) -> list[Found]:
    found: list[Found] = []
    for pattern, unit, offset in _phrase_regexes(language):
        for match in pattern.finditer(text):
            if not is_date_use(text, match.start(), match.end(), language):
                continue
            found.append((match.start(), match.end(), lambda day, u=unit, o=offset: _unit_range(day, u, o), unit))
    return found


def _number(word: str, language: str) -> int | None:
    if word.isdigit():
        return int(word)
    return LANGUAGES[language].numbers.get(word.casefold())


def _ago_matches(text: str, language: str) -> list[Found]:
    words = LANGUAGES[language]
    if words.ago is None:
        return []
    found: list[Found] = []
    for match in re.finditer(rf"(?<!\w){words.ago}(?!\w)", text, re.IGNORECASE):
        count = _number(match["n"], language)
        unit = words.units.get(match["unit"].casefold())
        if count is None or unit is None:
            continue
        days = {"day": 1, "week": 7}.get(unit)
        if days is not None:
            shift: Shift = lambda day, n=count * days: (day - timedelta(days=n), day - timedelta(days=n))  # noqa: E731
        else:
            shift = lambda day, u=unit, n=count: _unit_range(day, u, -n)  # noqa: E731
        found.append((match.start(), match.end(), shift, "ago"))
    return found


@cache
def _day_month_regex(language: str) -> re.Pattern[str]:
    """A day and a month name, either order, with an optional year: ``7 de enero de 2020``, ``Jan. 7, 2020``,
    ``10. Mai``, ``7 يناير``."""
    names = _alternation([form for forms in month_names(language) for form in forms])
    shorts = _alternation([form for forms in month_abbreviations(language) for form in forms])
    dotted = rf"|(?:{shorts})\." if shorts else ""  # "Jan. 7": an abbreviation only with its dot
    month = rf"(?P<month>{names}{dotted})"
    month2 = month.replace("?P<month>", "?P<month2>")
    join = LANGUAGES[language].year_join
    year = rf"(?:{join}(?P<year>(?:1[89]|20)\d\d)(?!\d))?"
    day_first = rf"(?P<day>\d{{1,2}})\.?(?:er|º)?\s+(?:de\s+)?{month}"
    month_first = rf"{month2}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?"
    year2 = year.replace("?P<year>", "?P<year2>")
    return re.compile(rf"(?<![\w/.]){day_first}{year}(?!\w)|(?<![\w/.]){month_first}{year2}(?![\w/])",
                      re.IGNORECASE)


def _day_month_matches(text: str, language: str) -> list[Found]:
    found: list[Found] = []
    for match in _day_month_regex(language).finditer(text):
        if not is_date_use(text, match.start(), match.end(), language, capital_means_name=False):
            continue
        number = int(match["day"] or match["day2"])
        month = _month_number(match["month"] or match["month2"], language)
        if month is None or not 1 <= number <= 31:
            continue
        if match["year"] or match["year2"]:
            exact = _safe_date(int(match["year"] or match["year2"]), month, number)
            if exact is not None:
                found.append((match.start(), match.end(), lambda _day, d=exact: (d, d), "date"))
            continue
        direction = tense(text, match.start(), match.end(), language)

        # past: the latest such day (up to two weeks ahead); future: the next one; nothing said: the nearest
        before = None if direction == 0 else direction < 0

        def shift(day: date, m: int = month, n: int = number, b: bool | None = before) -> tuple[date, date]:
            moved = _nearest_day_month(day, m, n, before=b) or day
            return moved, moved

        found.append((match.start(), match.end(), shift, "day-month"))
    return found


def _month_patterns(language: str, names: str) -> list[str]:
    """Patterns for a month name standing for its month: after a lead, before a tail, or bare where every
    form is unambiguous. A bare month name is too often a word ("may", "Nisan", مارس) to be taken alone."""
    words = LANGUAGES[language]
    last_year = "|".join(re.escape(p) for p, (unit, offset) in words.phrases.items() if unit == "year" and offset == -1)
    tail = rf"(?:\s+(?P<last>{last_year}))?" if last_year else ""
    year = rf"(?:{words.year_join}(?P<year>(?:1[89]|20)\d\d)(?!\d))?"
    patterns = []
    if words.month_leads:
        patterns.append(rf"(?<!\w)(?:{words.month_leads})\s+(?:شهر\s+)?(?P<month>{names}){year}{tail}(?!\w)")
    if words.month_tails:
        lead = rf"(?:{words.year_lead})?" if words.year_lead else ""
        patterns.append(rf"(?<!\w){lead}(?P<month>{names})(?:{words.month_tails})(?!\w)")
    if words.bare_months:
        patterns.append(rf"(?<!\w)(?P<month>{names}){year}{tail}(?!\w)")
    # a month name and a year need no lead ("octubre 2019", "Ocak 2001"): the year makes it a date
    patterns.append(rf"(?<!\w)(?P<month>{names})(?:{words.year_join}|\s+)(?P<year>(?:1[89]|20)\d\d)(?!\d)")
    return patterns


@cache
def _month_regexes(language: str) -> tuple[re.Pattern[str], ...]:
    names = _alternation([form for forms in month_names(language) for form in forms])
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in _month_patterns(language, names))


def _month_matches(text: str, language: str) -> list[Found]:
    found: list[Found] = []
    for match in (match for pattern in _month_regexes(language) for match in pattern.finditer(text)):
        number = _month_number(match["month"], language)
        if number is None:
            continue
        groups = match.groupdict()
        if match.end("month") == match.end() and re.match(r"\s*\d", text[match.end():]):
            continue  # "in May 25": a day follows, the day-month matcher has it
        if groups.get("year") or groups.get("pre"):
            year = int(groups.get("year") or groups["pre"])
            span = (date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]))
            found.append((match.start(), match.end(), lambda _day, s=span: s, "month-name"))
            continue
        year_offset = -1 if groups.get("last") else None
        future = tense(text, match.start(), match.end(), language) > 0
        found.append((match.start(), match.end(),
                      lambda day, m=number, y=year_offset, f=future: _month_range(day, m, y, f), "month-name"))
    return found


@cache
def _weekday_regex(language: str) -> re.Pattern[str]:
    words = LANGUAGES[language]
    names = _alternation([form for forms in weekday_names(language) for form in forms])
    lead = rf"(?:(?P<lead>{words.weekday_leads})\s+)?" if words.weekday_leads else ""
    join = "" if language in _COMPOUNDING else r"\s+"
    tails = "|".join(part for part in (words.weekday_after, words.weekday_last, words.weekday_next) if part)
    after = rf"(?:{join}(?P<after>{tails}))?" if tails else ""
    return re.compile(rf"(?<!\w){lead}(?P<name>{names}){after}(?!\w)", re.IGNORECASE)


def _weekday_matches(text: str, language: str) -> list[Found]:
    """Weekdays: the nearest such day on or before the anchor, or on or after it in future context (strictly
    before or after with ``last`` or ``next``); beside a date, the day both agree on."""
    words = LANGUAGES[language]
    table = weekday_names(language)
    if not any(table):
        return []  # a language CLDR has no names for
    months = _alternation([form for forms in month_names(language) for form in forms])
    found: list[Found] = []
    for match in _weekday_regex(language).finditer(text):
        name, groups = match["name"].casefold(), match.groupdict()
        weekday = next((number for number, forms in enumerate(table) if name in forms), None)
        if weekday is None:
            continue
        if name in words.weekday_needs_after and not groups.get("after"):
            continue
        if name in words.weekday_needs_lead and not groups.get("lead"):
            continue
        before, after = text[max(0, match.start("name") - 25):match.start("name")], text[match.end("name"):]
        if words.not_weekday and re.search(words.not_weekday, before, re.IGNORECASE):
            continue
        if words.not_weekday_after and re.match(words.not_weekday_after, after, re.IGNORECASE):
            continue
        if not is_date_use(text, match.start(), match.end(), language, capital_means_name=False):
            continue
        beside = _date_beside(text, match.start(), match.end(), language, months)
        if beside is not None:
            # "Tuesday, January 7", "martes 7 de enero", "10 Mart 2020 Pazartesi", "el próximo viernes 24": the
            # day is the one that date and weekday agree on; none (a typo, a misread) gives no date
            day_number, month, year = beside
            if year is not None and month is not None and \
                    (_safe_date(year, month, day_number) or date.min).weekday() != weekday:
                continue
            found.append((match.start(), match.end(),
                          lambda day, w=weekday, n=day_number, m=month, y=year: _agreeing_day(day, w, n, m, y),
                          "weekday"))
            continue
        modifiers = " ".join(part for part in (groups.get("lead"), groups.get("after")) if part)
        if words.weekday_next and _word_pattern(words.weekday_next).search(modifiers):
            direction = 1
        elif words.weekday_last and _word_pattern(words.weekday_last).search(modifiers):
            direction = -1
        else:
            direction = 1 if tense(text, match.start(), match.end(), language) > 0 else -1
        # "last Tuesday" and "next Tuesday" in a Tuesday article are a week away; a plain "Tuesday" in past or
        # future context may be the day itself ("will meet on Tuesday" in Tuesday's paper is today)
        strict = bool(words.weekday_last and _word_pattern(words.weekday_last).search(modifiers)) \
            or bool(words.weekday_next and _word_pattern(words.weekday_next).search(modifiers))

        def shift(day: date, w: int = weekday, d: int = direction, strict: bool = strict) -> tuple[date, date]:
            return _weekday_day(day + timedelta(days=d) if strict else day, w, d)

        found.append((match.start(), match.end(), shift, "weekday"))
    return found


DayMonthYear = tuple[int, int | None, int | None]
#: what a shift returns when the anchor leaves it no day: the expression is dropped
_NO_DAY = (date.min, date.min)


def _date_beside(text: str, start: int, end: int, language: str, months: str) -> DayMonthYear | None:
    """Day, month and year of a date written right after or before a weekday, if there is one."""
    year = r"(?:,?\s+(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)(?!\d))?"
    article = r"(?:the\s+|den\s+|dem\s+|le\s+|el\s+)?"
    # the day number is no hour ("Pazartesi 20:43") and no decimal
    after = re.match(rf"\s*,?\s*\(?{article}(?:(?P<d>\d{{1,2}})(?!\d|[:.,]\d\d)\.?(?:\s*(?:de\s+)?"
                     rf"(?P<m>{months})(?!\w){year}|(?:(?P<mn>\d{{1,2}})\.(?!\d))?)|(?P<m2>{months})\s+(?P<d2>\d{{1,2}})"
                     rf"(?!\d)(?:st|nd|rd|th)?{year.replace('?P<y>', '?P<y2>')})", text[end:end + 60], re.IGNORECASE)
    if after and (after["d"] or after["d2"]):
        name = after["m"] or after["m2"]
        month = _month_number(name, language) if name else int(after["mn"]) if after["mn"] else None
        found_year = after["y"] or after["y2"]
        return int(after["d"] or after["d2"]), month, int(found_year) if found_year else None
    before = re.search(rf"(?:(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?(?P<m>{months})|(?P<m2>{months})\s+(?P<d2>\d{{1,2}}))"
                       rf"(?:,?\s+(?P<y>(?:19|20)\d\d))?\s*[,/(]?\s*$", text[max(0, start - 40):start], re.IGNORECASE)
    if before:
        month = _month_number(before["m"] or before["m2"], language)
        return int(before["d"] or before["d2"]), month, int(before["y"]) if before["y"] else None
    return None


def _agreeing_day(day: date, weekday: int, number: int, month: int | None, year: int | None) -> tuple[date, date]:
    """The day nearest ``day`` that is the ``number``-th (of ``month``, of ``year``) and falls on ``weekday``;
    :data:`_NO_DAY` when none within a year does (a weekday and day that rarely meet are a misreading)."""
    if year is not None and month is not None and (exact := _safe_date(year, month, number)) is not None:
        return exact, exact  # a full date: the caller has checked its weekday
    options = [found for offset in range(-366, 367) if (found := day + timedelta(days=offset)).day == number
               and found.weekday() == weekday and (month is None or found.month == month)
               and (year is None or found.year == year)]
    if not options:
        return _NO_DAY
    best = min(options, key=lambda found: abs((found - day).days))
    return best, best


# --- datelines ----------------------------------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯİŞĞÇ"
_AGENCY = r"\((?P<agency>[^()\n]{2,30})\)"
_DATELINE_DATE = r"(?:,\s*(?P<date>[^()\n,]{1,25}?(?:,\s*\d{4})?))?"
_DATELINE_PATTERNS = (
    # MOSCOW, May 25 (Reuters) -  ·  WASHINGTON — …  ·  MADRID, 2 (EUROPA PRESS) -
    re.compile(rf"(?P<place>[{_UPPER}][{_UPPER}.'’-]+(?:[ /]{{1,2}}[{_UPPER}][{_UPPER}.'’-]+){{0,2}}){_DATELINE_DATE}"
               rf"[ \t]*(?:{_AGENCY})?[ \t]*(?:[-–—]+|:)\s"),
    # Madrid, 2 ene (EFE).-  ·  Paris (AFP) -  ·  القاهرة (رويترز) -
    re.compile(rf"(?P<place>[{_UPPER}\u0600-\u06ff][\w.'’-]+(?:[ /][{_UPPER}\u0600-\u06ff][\w.'’-]+){{0,3}})"
               rf"{_DATELINE_DATE}\s*{_AGENCY}\s*[.]?\s*(?:[-–—]+|:|\.-)\s*"),
    # Köln / Göttingen.  ·  Seoul/Washington.
    re.compile(rf"(?P<place>[{_UPPER}][\w-]+(?:\s*/\s*[{_UPPER}][\w-]+)+)\.\s"),
)


def _dateline_date(text: str, language: str) -> tuple[int | None, int | None, int | None]:
    """Day, month and year of a dateline's date (``May 25``, ``2 ene``, ``25. Mai 2023``, ``2``)."""
    text = text.strip().rstrip(".")
    if re.fullmatch(r"\d{1,2}", text):
        return int(text), None, None
    for language_code in dict.fromkeys((language, "en")):
        shorts = [form for forms in month_abbreviations(language_code) for form in forms]
        names = _alternation([*(form for forms in month_names(language_code) for form in forms), *shorts])
        month = rf"(?P<m>{names})\.?"
        for pattern in (rf"(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?{month}(?:\s+(?:de\s+)?(?P<y>\d{{4}}))?",
                        rf"{month}\s+(?P<d>\d{{1,2}})(?:,?\s+(?P<y>\d{{4}}))?"):
            match = re.fullmatch(pattern, text, re.IGNORECASE)
            if match:
                return (int(match["d"]), _month_number(match["m"], language_code),
                        int(match["y"]) if match["y"] else None)
    return None, None, None


def find_dateline(document: Document) -> Dateline | None:
    """The dateline the article's text opens with, if any: at the start of the text after the title, or of a
    line or sentence within the first :data:`DATELINE_WINDOW` characters."""
    text = document.text
    body = text.index("\n") + 1 if "\n" in text and document.sentences and document.sentences[0].in_title else 0
    starts = {body + len(text[body:]) - len(text[body:].lstrip())}
    # after a line break or a sentence end: scraped text runs the title into the body ("… verzichten? Köln /
    # Göttingen. Aktionstag …"), and a title may be followed by a teaser before the dateline
    starts.update(match.end() for match in re.finditer(r"\n\s*|[.!?]\s+", text[:body + DATELINE_WINDOW])
                  if match.end() >= body)
    for start in sorted(starts):
        if start >= min(len(text), body + DATELINE_WINDOW):
            break
        for pattern in _DATELINE_PATTERNS:
            match = pattern.match(text, start)
            if not match:
                continue
            place = match["place"].strip()
            date_text = match.groupdict().get("date")
            day = month = year = None
            if date_text:
                day, month, year = _dateline_date(date_text, document.language)
                if day is None:
                    continue  # "PARIS, France (AFP)": what follows the comma is no date; not a dateline we read
            if len(place) < 3 or (pattern is _DATELINE_PATTERNS[0] and not match["agency"]
                                  and not re.search(r"[-–—]", match.group(0)[len(place):])):
                continue
            return Dateline(match.group(0).strip(), match.start(), match.start() + len(match.group(0).rstrip()),
                            place, match.groupdict().get("agency"), date_text, day, month, year)
    return None


def _dateline_matches(document: Document, dateline: Dateline | None) -> list[Found]:
    if dateline is None or dateline.day is None:
        return []
    day_number, month, year = dateline.day, dateline.month, dateline.year

    def shift(day: date) -> tuple[date, date]:
        if month is None:  # "MADRID, 2 (EUROPA PRESS)": the day of the anchor's month, or the month before
            candidates = [found for back in (0, 1) if (found := _safe_date(_add_months(day, -back).year,
                          _add_months(day, -back).month, day_number)) is not None and found <= day]
            found = max(candidates) if candidates else day
        elif year is not None:
            found = _safe_date(year, month, day_number) or day
        else:
            found = _nearest_day_month(day, month, day_number, before=None) or day
        return found, found

    return [(dateline.start, dateline.end, shift, "dateline")]


def resolve_relative_dates(document: Document, anchor: DateRange, inferred: bool = False) -> list[ResolvedDate]:
    """Every date expression in a document, resolved against its anchor; overlapping matches keep the
    longest. Languages without date words give nothing."""
    language = document.language
    text = document.text
    if language not in LANGUAGES:
        return []
    candidates = [*_phrase_matches(text, language), *_ago_matches(text, language),
                  *_day_month_matches(text, language), *_month_matches(text, language),
                  *_weekday_matches(text, language), *_dateline_matches(document, find_dateline(document))]
    candidates.sort(key=lambda item: (item[3] != "dateline", -(item[1] - item[0]), item[0]))
    taken: list[tuple[int, int]] = []
    resolved = []
    for start, end, shift, kind in candidates:
        if any(start < finish and begin < end for begin, finish in taken):
            continue
        span = _over(anchor, shift)
        if span.start == date.min:
            continue
        taken.append((start, end))
        resolved.append(ResolvedDate(text[start:end], start, end, kind, span, anchor, inferred))
    return sorted(resolved, key=lambda item: item.start)
