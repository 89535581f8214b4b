"""What babelwire knows of each language, one module per language (``babelwire.lang.de`` …), read through
:func:`get`.

A language module holds plain data: word lists, tables and patterns that the analysis stages read, under
the names of :data:`CONSTANTS` (a module defines those it has; a missing one counts as empty). Adding a
language is adding a module here; a language without one gets the stages' generic rules. See
``docs/LANGUAGES.md``.

Dependencies point one way: analysis modules (``lexicon``, ``reldates``, ``names``, ``entities``) import
this package, and nothing here imports them, so the small types the data needs (:class:`DateWords`) live
here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType


@dataclass(frozen=True)
class DateWords:
    """What one language writes around dates; month and weekday names themselves come from CLDR.

    Regular expressions are matched case-insensitively as whole words. ``month_forms`` and
    ``weekday_forms`` add case forms CLDR lacks (January / Monday first, ``|`` between forms, ``""``
    for none).
    """

    numbers: dict[str, int] = field(default_factory=dict)  # number words for "two weeks ago"
    units: dict[str, str] = field(default_factory=dict)  # unit word → day | week | month | year
    ago: str | None = None  # "N units ago" with the groups ``n`` and ``unit``
    phrases: dict[str, tuple[str, int]] = field(default_factory=dict)  # yesterday → (day, −1)
    month_forms: tuple[str, ...] = ()
    month_leads: str = ""  # words before a month name that make it a time ("in May")
    month_tails: str = ""  # … or after it ("Ocak ayında": in the month of January)
    year_lead: str = ""  # a year written before a month name, as the group ``pre`` ("2019 yılının ocak ayında")
    bare_months: bool = False  # every form of the month names is a time by itself (Finnish "tammikuussa")
    weekday_forms: tuple[str, ...] = ()
    weekday_leads: str = ""  # words that may stand before a weekday and belong to the expression
    weekday_last: str = ""  # a lead or tail that means the previous such day ("last", "pasado")
    weekday_next: str = ""  # … the next one ("next", "el próximo", "المقبل")
    weekday_after: str = ""  # a part of the day after the weekday ("evening", "günü")
    weekday_needs_after: tuple[str, ...] = ()  # weekday names that are dates only with ``weekday_after``
    weekday_needs_lead: tuple[str, ...] = ()  # … only with a lead (Arabic الأحد is also "the one")
    not_weekday: str = ""  # text just before a weekday that makes it no single day ("los martes", "Good")
    not_weekday_after: str = ""  # … just after it ("Cuma namazı": Friday prayer)
    future: str = ""  # words that put a sentence in the future
    past: str = ""  # … in the past
    year_join: str = r",?\s+"  # between a day and month and their year
    idioms: tuple[str, ...] = ()  # phrases in which a relative word is no date ("hoy en día")
    names: str = ""  # names that hold a date word (outlets, shows)


#: the shared names a language module may define, with their types (docs/LANGUAGES.md says what reads each);
#: word sets hold lower-case words, compared with ``str.casefold()`` of the text's words
CONSTANTS: dict[str, type] = {
    # entities (lexicon.py): cues around capitalised words
    "TITLES": frozenset,  # titles and roles before a person's name (president, kanzlerin)
    "TITLE_ENDINGS": tuple,  # endings of compound role words (-minister: försvarsminister)
    "ORGANISATION_CUES": frozenset,  # words just before a name that make it an organisation (nyhetsbyrån)
    "ORGANISATION_WORDS": frozenset,  # words inside a name that make it an organisation (institute)
    "PLACE_WORDS": frozenset,  # head nouns that make a name a place (hospital, airport), one form each
    "NAME_CONNECTORS": frozenset,  # lower-case words inside a name (of, de, van, von)
    "FUNCTION_WORDS": frozenset,  # words capitalised at a sentence start that are never names (the, der)
    "GIVEN_NAMES": frozenset,  # common given names (romanised: compared by spelling key)
    "CAPITALISED_COMMON": frozenset,  # capitalised words that are no names (months, "Lees ook")
    "DEMONYM_ENDINGS": tuple,  # endings of capitalised nationality adjectives (-ische: Russische)
    "CAPITALISES_NOUNS": bool,  # every noun is capitalised (German)
    "TITLE_CASE_HEADLINES": bool,  # headlines capitalise every word (English): "Bocelli Performing Live"
    "DETERMINERS": frozenset,  # articles: in a noun-capitalising language the next word is a noun
    "NOUN_ENDINGS": tuple,  # endings of common nouns, in a noun-capitalising language
    "CASELESS": bool,  # no letter case: the lists above are left out of the capital-letter rules
    # quotes (quotes.py)
    "SPEECH_VERBS": tuple,  # verbs and phrases that report speech (said, a déclaré, according to)
    "SOURCE_CUES": tuple,  # those of SPEECH_VERBS that name a source: the speaker is what they govern
    "PRONOUNS": frozenset,  # personal pronouns that stand for the last person named (he, sie, هو)
    # dates (reldates.py)
    "DATES": DateWords,
    # spelling keys of names (names.py)
    "SPELLING": dict,  # how the language writes English romanisation's sounds (sj → sh)
    "SPELLING_BEFORE": tuple,  # (pattern, replacement) run before SPELLING
    "SPELLING_AFTER": tuple,  # … and after it
    "ENDINGS": tuple,  # inflectional endings of names, longest first (-ого, -s)
    "NOMINATIVE_ENDINGS": tuple,  # endings an oblique stem may take back (Путина → Путин, Путина)
    "ROMANISATION": dict,  # Cyrillic letter → Latin letters, for a language written in Cyrillic
    # pages that are no news (junk.py)
    "JUNK_SIGNATURES": dict,  # reason (paywall, consent, bot-block …) → phrases of such pages, lower case
}


def words(text: str) -> frozenset[str]:
    """A word set from a string of words separated by white space (how the modules write their lists)."""
    return frozenset(text.split())


@cache
def get(code: str) -> ModuleType | None:
    """The module of a language code (``ar``), or None when babelwire has no module for it."""
    if not code.isalpha() or not code.islower():
        return None
    try:
        return importlib.import_module(f"{__name__}.{code}")
    except ModuleNotFoundError:
        return None


def codes() -> tuple[str, ...]:
    """The codes of the language modules, sorted: the files of this package, and modules registered in
    ``sys.modules`` under it by other means (a plugin, a test)."""
    found = {info.name for info in pkgutil.iter_modules(__path__)}
    found.update(name.rpartition(".")[2] for name in sys.modules if name.startswith(f"{__name__}."))
    return tuple(sorted(code for code in found if re.fullmatch(r"[a-z]{2,3}", code)))


def modules(languages: tuple[str, ...] | None = None) -> Iterator[tuple[str, ModuleType]]:
    """Each language (default: every module of the package) with its module; languages without one are skipped."""
    for code in codes() if languages is None else languages:
        module = get(code)
        if module is not None:
            yield code, module
