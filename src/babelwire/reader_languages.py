"""The reader's languages: from a browser's ``Accept-Language`` header, a ``--lang`` list or the settings.

Only the primary language subtag counts (``sv-SE`` reads as ``sv``): stories know the languages of
their articles, not their regions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: a primary language subtag (ISO 639-1 or 639-3)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def parse_language_list(value: str, what: str = "--lang") -> tuple[str, ...]:
    """Comma-separated language codes (``sv,en``), in order; ``ValueError`` naming ``what`` and the bad code."""
    codes = [part.strip().lower().split("-")[0] for part in value.split(",") if part.strip()]
    bad = [code for code in codes if not _LANGUAGE.match(code)]
    if bad or not codes:
        raise ValueError(f"{what}: {value!r} is not a comma-separated list of language codes such as 'sv,en'")
    return tuple(dict.fromkeys(codes))


def parse_accept_language(header: str | None) -> tuple[str, ...]:
    """The languages of an ``Accept-Language`` header, most preferred first (by q-value, then order).

    ``*``, languages with ``q=0`` and malformed entries are left out; a bad q-value counts as 1.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate((header or "").split(",")):
        tag, _, params = entry.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        if not _LANGUAGE.match(code):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
        if quality > 0:
            ranked.append((-quality, position, code))
    return tuple(dict.fromkeys(code for _, _, code in sorted(ranked)))


def reader_languages(accept_language: str | None, default: Sequence[str]) -> tuple[str, ...]:
    """The header's languages when it names any, else ``default`` (the setting or ``--lang``)."""
    return parse_accept_language(accept_language) or tuple(default)
