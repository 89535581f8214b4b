"""Relative dates (gisteren, vorige week, i maj, yesterday, вчера …) resolved against publication dates.

Each expression becomes a range of days: exact (``yesterday`` of a dated article is one day) or wider
when the anchor is coarse (``yesterday`` of an article dated only ``2023-05`` is 30 April – 30 May). An
article without a date gets one inferred from its story, the span of its dated articles, marked as
inferred and with the articles it came from; its relative dates are then resolved against that span.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from babelwire.documents import Document
from babelwire.types import Article, DateSource

Shift = Callable[[date], tuple[date, date]]

#: number words 1–5 (and a few more) per language, for "two weeks ago"
_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10},
    "sv": {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "tio": 10},
    "nl": {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "tien": 10},
    "de": {"einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "zehn": 10},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10},
    "es": {"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "diez": 10},
    "ru": {"один": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "десять": 10},
}
#: unit words → day, week, month, year (with the plural and case forms the "ago" patterns use)
_UNITS: dict[str, dict[str, str]] = {
    "en": {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
           "year": "year", "years": "year"},
    "sv": {"dag": "day", "dagar": "day", "vecka": "week", "veckor": "week", "månad": "month", "månader": "month",
           "år": "year"},
    "nl": {"dag": "day", "dagen": "day", "week": "week", "weken": "week", "maand": "month", "maanden": "month",
           "jaar": "year"},
    "de": {"tag": "day", "tagen": "day", "woche": "week", "wochen": "week", "monat": "month", "monaten": "month",
           "jahr": "year", "jahren": "year"},
    "fr": {"jour": "day", "jours": "day", "semaine": "week", "semaines": "week", "mois": "month", "an": "year",
           "ans": "year"},
    "es": {"día": "day", "días": "day", "semana": "week", "semanas": "week", "mes": "month", "meses": "month",
           "año": "year", "años": "year"},
    "ru": {"день": "day", "дня": "day", "дней": "day", "неделю": "week", "недели": "week", "недель": "week",
           "месяц": "month", "месяца": "month", "месяцев": "month", "год": "year", "года": "year", "лет": "year"},
}
#: "N units ago" per language: a pattern with the groups ``n`` and ``unit``
_AGO: dict[str, str] = {
    "en": r"(?P<n>\w+) (?P<unit>\w+) ago",
    "sv": r"för (?P<n>\w+) (?P<unit>\w+) sedan",
    "nl": r"(?P<n>\w+) (?P<unit>\w+) geleden",
    "de": r"vor (?P<n>\w+) (?P<unit>\w+)",
    "fr": r"il y a (?P<n>\w+) (?P<unit>\w+)",
    "es": r"hace (?P<n>\w+) (?P<unit>\w+)",
    "ru": r"(?P<n>\w+) (?P<unit>\w+) назад",
}
#: fixed phrases → (unit, offset): day −1 is yesterday, week −1 last week, year 0 this year
_PHRASES: dict[str, dict[str, tuple[str, int]]] = {
    "en": {"the day before yesterday": ("day", -2), "yesterday": ("day", -1), "today": ("day", 0),
           "tomorrow": ("day", 1), "last week": ("week", -1), "this week": ("week", 0), "next week": ("week", 1),
           "last month": ("month", -1), "this month": ("month", 0), "next month": ("month", 1),
           "last year": ("year", -1), "this year": ("year", 0), "next year": ("year", 1)},
    "sv": {"i förrgår": ("day", -2), "igår": ("day", -1), "i går": ("day", -1), "idag": ("day", 0),
           "i dag": ("day", 0), "imorgon": ("day", 1), "i morgon": ("day", 1), "förra veckan": ("week", -1),
           "i veckan": ("week", 0), "denna vecka": ("week", 0), "nästa vecka": ("week", 1),
           "förra månaden": ("month", -1), "nästa månad": ("month", 1), "förra året": ("year", -1),
           "i fjol": ("year", -1), "i år": ("year", 0), "nästa år": ("year", 1)},
    "no": {"i forgårs": ("day", -2), "i går": ("day", -1), "i dag": ("day", 0), "i morgen": ("day", 1),
           "forrige uke": ("week", -1), "neste uke": ("week", 1), "forrige måned": ("month", -1),
           "i fjor": ("year", -1), "i år": ("year", 0)},
    "da": {"i forgårs": ("day", -2), "i går": ("day", -1), "i dag": ("day", 0), "i morgen": ("day", 1),
           "sidste uge": ("week", -1), "næste uge": ("week", 1), "sidste måned": ("month", -1),
           "sidste år": ("year", -1), "i år": ("year", 0)},
    "nl": {"eergisteren": ("day", -2), "gisteren": ("day", -1), "vandaag": ("day", 0), "morgen": ("day", 1),
           "vorige week": ("week", -1), "afgelopen week": ("week", -1), "deze week": ("week", 0),
           "volgende week": ("week", 1), "vorige maand": ("month", -1), "afgelopen maand": ("month", -1),
           "volgende maand": ("month", 1), "vorig jaar": ("year", -1), "afgelopen jaar": ("year", -1),
           "dit jaar": ("year", 0), "volgend jaar": ("year", 1)},
    "de": {"vorgestern": ("day", -2), "gestern": ("day", -1), "heute": ("day", 0), "morgen": ("day", 1),
           "letzte woche": ("week", -1), "vergangene woche": ("week", -1), "vorige woche": ("week", -1),
           "letzten woche": ("week", -1), "vergangenen woche": ("week", -1), "diese woche": ("week", 0),
           "nächste woche": ("week", 1), "nächsten woche": ("week", 1), "letzten monat": ("month", -1),
           "vergangenen monat": ("month", -1), "nächsten monat": ("month", 1), "letztes jahr": ("year", -1),
           "vergangenes jahr": ("year", -1), "vergangenen jahr": ("year", -1), "dieses jahr": ("year", 0),
           "nächstes jahr": ("year", 1)},
    "fr": {"avant-hier": ("day", -2), "hier": ("day", -1), "aujourd'hui": ("day", 0), "aujourd’hui": ("day", 0),
           "demain": ("day", 1), "la semaine dernière": ("week", -1), "cette semaine": ("week", 0),
           "la semaine prochaine": ("week", 1), "le mois dernier": ("month", -1), "le mois prochain": ("month", 1),
           "l'année dernière": ("year", -1), "l’année dernière": ("year", -1), "l'an dernier": ("year", -1),
           "l’an dernier": ("year", -1), "cette année": ("year", 0), "l'année prochaine": ("year", 1)},
    "es": {"anteayer": ("day", -2), "ayer": ("day", -1), "hoy": ("day", 0), "la semana pasada": ("week", -1),
           "esta semana": ("week", 0), "la próxima semana": ("week", 1), "el mes pasado": ("month", -1),
           "el próximo mes": ("month", 1), "el año pasado": ("year", -1), "este año": ("year", 0),
           "el próximo año": ("year", 1)},
    "it": {"l'altro ieri": ("day", -2), "ieri": ("day", -1), "oggi": ("day", 0), "domani": ("day", 1),
           "la settimana scorsa": ("week", -1), "la scorsa settimana": ("week", -1), "questa settimana": ("week", 0),
           "la prossima settimana": ("week", 1), "il mese scorso": ("month", -1), "l'anno scorso": ("year", -1),
           "l’anno scorso": ("year", -1), "quest'anno": ("year", 0)},
    "pt": {"anteontem": ("day", -2), "ontem": ("day", -1), "hoje": ("day", 0), "amanhã": ("day", 1),
           "semana passada": ("week", -1), "próxima semana": ("week", 1), "mês passado": ("month", -1),
           "ano passado": ("year", -1), "este ano": ("year", 0)},
    "pl": {"przedwczoraj": ("day", -2), "wczoraj": ("day", -1), "dzisiaj": ("day", 0), "dziś": ("day", 0),
           "jutro": ("day", 1), "w zeszłym tygodniu": ("week", -1), "w ubiegłym tygodniu": ("week", -1),
           "w tym tygodniu": ("week", 0), "w przyszłym tygodniu": ("week", 1), "w zeszłym miesiącu": ("month", -1),
           "w ubiegłym miesiącu": ("month", -1), "w zeszłym roku": ("year", -1), "w ubiegłym roku": ("year", -1),
           "w tym roku": ("year", 0)},
    "ru": {"позавчера": ("day", -2), "вчера": ("day", -1), "сегодня": ("day", 0), "завтра": ("day", 1),
           "на прошлой неделе": ("week", -1), "на этой неделе": ("week", 0), "на следующей неделе": ("week", 1),
           "в прошлом месяце": ("month", -1), "в следующем месяце": ("month", 1), "в прошлом году": ("year", -1),
           "в этом году": ("year", 0), "в следующем году": ("year", 1)},
    "uk": {"позавчора": ("day", -2), "вчора": ("day", -1), "сьогодні": ("day", 0), "завтра": ("day", 1),
           "минулого тижня": ("week", -1), "наступного тижня": ("week", 1), "минулого місяця": ("month", -1),
           "минулого року": ("year", -1), "цього року": ("year", 0)},
    "fi": {"toissapäivänä": ("day", -2), "eilen": ("day", -1), "tänään": ("day", 0), "huomenna": ("day", 1),
           "viime viikolla": ("week", -1), "ensi viikolla": ("week", 1), "viime kuussa": ("month", -1),
           "viime vuonna": ("year", -1), "tänä vuonna": ("year", 0)},
    "cs": {"předevčírem": ("day", -2), "včera": ("day", -1), "dnes": ("day", 0), "zítra": ("day", 1),
           "minulý týden": ("week", -1), "příští týden": ("week", 1), "minulý měsíc": ("month", -1),
           "loni": ("year", -1), "letos": ("year", 0)},
    "tr": {"dün": ("day", -1), "bugün": ("day", 0), "yarın": ("day", 1), "geçen hafta": ("week", -1),
           "gelecek hafta": ("week", 1), "geçen ay": ("month", -1), "geçen yıl": ("year", -1),
           "bu yıl": ("year", 0)},
    "zh": {"前天": ("day", -2), "昨天": ("day", -1), "今天": ("day", 0), "明天": ("day", 1), "上周": ("week", -1),
           "本周": ("week", 0), "下周": ("week", 1), "上个月": ("month", -1), "去年": ("year", -1),
           "今年": ("year", 0)},
    "ja": {"一昨日": ("day", -2), "昨日": ("day", -1), "今日": ("day", 0), "明日": ("day", 1), "先週": ("week", -1),
           "今週": ("week", 0), "来週": ("week", 1), "先月": ("month", -1), "昨年": ("year", -1), "去年": ("year", -1),
           "今年": ("year", 0)},
    "ar": {"أمس": ("day", -1), "اليوم": ("day", 0), "غدا": ("day", 1), "الأسبوع الماضي": ("week", -1),
           "الشهر الماضي": ("month", -1), "العام الماضي": ("year", -1)},
}
#: month names, January first; ``|`` separates forms (case forms for Slavic and Finnish)
_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"),
    "no": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
    "pl": ("styczeń|stycznia|styczniu", "luty|lutego|lutym", "marzec|marca|marcu", "kwiecień|kwietnia|kwietniu",
           "maj|maja|maju", "czerwiec|czerwca|czerwcu", "lipiec|lipca|lipcu", "sierpień|sierpnia|sierpniu",
           "wrzesień|września|wrześniu", "październik|października|październiku", "listopad|listopada|listopadzie",
           "grudzień|grudnia|grudniu"),
    "ru": ("январь|января|январе", "февраль|февраля|феврале", "март|марта|марте", "апрель|апреля|апреле",
           "май|мая|мае", "июнь|июня|июне", "июль|июля|июле", "август|августа|августе",
           "сентябрь|сентября|сентябре", "октябрь|октября|октябре", "ноябрь|ноября|ноябре", "декабрь|декабря|декабре"),
    "uk": ("січень|січня|січні", "лютий|лютого|лютому", "березень|березня|березні", "квітень|квітня|квітні",
           "травень|травня|травні", "червень|червня|червні", "липень|липня|липні", "серпень|серпня|серпні",
           "вересень|вересня|вересні", "жовтень|жовтня|жовтні", "листопад|листопада|листопаді",
           "грудень|грудня|грудні"),
    "fi": ("tammikuu|tammikuussa|tammikuuta", "helmikuu|helmikuussa|helmikuuta", "maaliskuu|maaliskuussa|maaliskuuta",
           "huhtikuu|huhtikuussa|huhtikuuta", "toukokuu|toukokuussa|toukokuuta", "kesäkuu|kesäkuussa|kesäkuuta",
           "heinäkuu|heinäkuussa|heinäkuuta", "elokuu|elokuussa|elokuuta", "syyskuu|syyskuussa|syyskuuta",
           "lokakuu|lokakuussa|lokakuuta", "marraskuu|marraskuussa|marraskuuta", "joulukuu|joulukuussa|joulukuuta"),
    "cs": ("leden|ledna|lednu", "únor|února|únoru", "březen|března|březnu", "duben|dubna|dubnu", "květen|května|květnu",
           "červen|června|červnu", "červenec|července|červenci", "srpen|srpna|srpnu", "září", "říjen|října|říjnu",
           "listopad|listopadu", "prosinec|prosince|prosinci"),
    "tr": ("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım",
           "aralık"),
}
#: words that must stand before a month name to make it a time ("in May", "i maj", "в мае"); with them,
#: English "may" and "march" are not taken for the verbs
_MONTH_LEADS: dict[str, str] = {
    "en": r"in|since|until|early|late|mid-?", "sv": r"i|sedan|under|sedan i|i slutet av|i början av",
    "da": r"i", "no": r"i", "nl": r"in|sinds|eind|begin|half", "de": r"im|seit|bis|ende|anfang|mitte",
    "fr": r"en|depuis|fin|début|mi-", "es": r"en|desde|a finales de|a principios de", "it": r"a|in|da|a fine|a inizio",
    "pt": r"em|desde", "pl": r"w|od|we", "ru": r"в|с|до|во", "uk": r"у|в|з|до", "cs": r"v|od|do", "tr": r"",
    "fi": r"",
}
_SCRIPTS_WITHOUT_SPACES = frozenset({"zh", "ja"})


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
    """A relative date expression of an article and the days it stands for."""

    text: str
    start: int  # offsets in the document
    end: int
    kind: str  # day | week | month | year | month-name | day-month | ago
    range: DateRange
    anchor: DateRange
    inferred: bool  # the anchor is a date inferred from the story, not the article's own


@dataclass(frozen=True)
class InferredDate:
    """A publication date range inferred for an undated article, and where it came from."""

    range: DateRange
    method: str
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


def _month_range(day: date, month: int, year_offset: int | None) -> tuple[date, date]:
    """A named month: in the anchor's year unless that is still to come (then the year before)."""
    year = day.year + year_offset if year_offset is not None else day.year - (month > day.month)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _day_month_range(day: date, month: int, number: int) -> tuple[date, date] | None:
    year = day.year if (month, number) <= (day.month, day.day) else day.year - 1
    try:
        found = date(year, month, number)
    except ValueError:
        return None
    return found, found


def _over(anchor: DateRange, shift: Shift) -> DateRange:
    """Apply a shift to both ends of the anchor and keep everything between."""
    first, last = shift(anchor.start), shift(anchor.end)
    return DateRange(min(first[0], last[0]), max(first[1], last[1]))


# --- finding expressions -----------------------------------------------------------------------------------


def _pattern(phrase: str, language: str) -> str:
    escaped = re.escape(phrase).replace(r"\ ", r"\s+")
    return escaped if language in _SCRIPTS_WITHOUT_SPACES or language == "ar" else rf"(?<!\w){escaped}(?!\w)"


def _phrase_matches(text: str, language: str) -> list[tuple[re.Match[str], Shift, str]]:
    found = []
    phrases = _PHRASES.get(language, {})
    for phrase in sorted(phrases, key=len, reverse=True):
        unit, offset = phrases[phrase]
        flags = 0 if language == "de" and phrase == "morgen" else re.IGNORECASE  # Morgen is also "morning"
        for match in re.finditer(_pattern(phrase, language), text, flags):
            found.append((match, lambda day, u=unit, o=offset: _unit_range(day, u, o), unit))
    return found


def _number(word: str, language: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(language, {}).get(word.casefold())


def _ago_matches(text: str, language: str) -> list[tuple[re.Match[str], Shift, str]]:
    pattern = _AGO.get(language)
    if pattern is None:
        return []
    found = []
    for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
        count = _number(match["n"], language)
        unit = _UNITS.get(language, {}).get(match["unit"].casefold())
        if count is None or unit is None:
            continue
        days = {"day": 1, "week": 7}.get(unit)
        if days is not None:
            shift: Shift = lambda day, n=count * days: (day - timedelta(days=n), day - timedelta(days=n))  # noqa: E731
        else:
            shift = lambda day, u=unit, n=count: _unit_range(day, u, -n)  # noqa: E731
        found.append((match, shift, "ago"))
    return found


def _month_matches(text: str, language: str) -> list[tuple[re.Match[str], Shift, str]]:
    months = _MONTHS.get(language)
    if months is None:
        return []
    found = []
    last_year = "|".join(re.escape(p) for p, (unit, offset) in _PHRASES.get(language, {}).items()
                         if unit == "year" and offset == -1)
    for number, forms in enumerate(months, start=1):
        names = "|".join(re.escape(form) for form in forms.split("|"))
        day_first = rf"(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?:{names})"
        with_day = rf"(?<!\w)(?:{day_first}|(?:{names})\s+(?P<day2>\d{{1,2}}))(?!\w)"
        for match in re.finditer(with_day, text, re.IGNORECASE):
            day_number = int(match["day"] or match["day2"])
            if re.match(r"\s*,?\s*\d{4}", text[match.end():]):
                continue  # a full date with its year is absolute, not relative
            found.append((match, lambda day, m=number, d=day_number: _day_month_range(day, m, d) or (day, day),
                          "day-month"))
        leads = _MONTH_LEADS.get(language, "")
        lead = rf"(?:{leads})\s+" if leads else ""
        tail = rf"(?:\s+(?P<last>{last_year}))?" if last_year else ""
        for match in re.finditer(rf"(?<!\w){lead}(?P<month>{names}){tail}(?![\w])", text, re.IGNORECASE):
            if re.match(r"\s+\d{4}", text[match.end():]):
                continue
            year_offset = -1 if tail and match["last"] else None
            found.append((match, lambda day, m=number, y=year_offset: _month_range(day, m, y), "month-name"))
    return found


def resolve_relative_dates(document: Document, anchor: DateRange, inferred: bool = False) -> list[ResolvedDate]:
    """Every relative date in a document, resolved against its anchor; overlapping matches keep the longest."""
    language = document.language
    text = document.text
    candidates = [*_phrase_matches(text, language), *_ago_matches(text, language), *_month_matches(text, language)]
    candidates.sort(key=lambda item: (-(item[0].end() - item[0].start()), item[0].start()))
    taken: list[tuple[int, int]] = []
    resolved = []
    for match, shift, kind in candidates:
        start, end = match.start(), match.end()
        if any(start < finish and begin < end for begin, finish in taken):
            continue
        taken.append((start, end))
        resolved.append(ResolvedDate(match.group(0), start, end, kind, _over(anchor, shift), anchor, inferred))
    return sorted(resolved, key=lambda item: item.start)
