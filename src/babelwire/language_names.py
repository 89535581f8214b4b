"""What a user may type for a language (``en``, ``EN``, ``english``, ``Deutsch``, ``fra``) → its ISO 639-1 code.

The CLI's ``--language`` and the API's ``language`` filter take any of these; a name babelwire does not
know is an error that names it, never a filter that silently matches nothing.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache

from babelwire.settings import IDENTIFIED_LANGUAGES, SUPPORTED_LANGUAGES
from babelwire.types import UNDETERMINED


class UnknownLanguageError(ValueError):
    """A language option names no language babelwire identifies."""


@cache
def _names() -> dict[str, str]:
    """Every accepted spelling, case-folded, → code: the code, ISO 639-2/3 codes, English and native names."""
    import pycountry
    from babel import Locale, UnknownLocaleError

    from babelwire.langid import language_name

    english = Locale("en")
    names: dict[str, str] = {UNDETERMINED: UNDETERMINED, "undetermined": UNDETERMINED}
    for code in sorted(set(IDENTIFIED_LANGUAGES) | set(SUPPORTED_LANGUAGES)):
        spellings = {code, language_name(code), english.languages.get(code, code)}
        with suppress(UnknownLocaleError, ValueError):  # a language CLDR has no locale for
            spellings.add(Locale(code).get_display_name(code) or code)
        record = pycountry.languages.get(alpha_2=code)
        if record is not None:
            spellings |= {record.alpha_3, getattr(record, "bibliographic", record.alpha_3), record.name}
        for spelling in spellings:
            names.setdefault(spelling.casefold(), code)
    names.setdefault("norwegian bokmål", "no")
    names.setdefault("nb", "no")
    names.setdefault("nn", "no")
    return names


def language_code(text: str) -> str:
    """The ISO 639-1 code ``text`` names (a code in any case, or a language's English or own name).

    Raises :class:`UnknownLanguageError` naming ``text`` when it is no language babelwire identifies.
    """
    found = _names().get(text.strip().casefold())
    if found is None:
        raise UnknownLanguageError(
            f"unknown language {text!r}: give an ISO 639-1 code (en, de, zh…) or a name (English, Deutsch); "
            f"`babelwire languages` lists them"
        )
    return found
