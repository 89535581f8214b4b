"""A story's gist in one line, in the reader's language, from what the reading knows.

No translation: places are named by CLDR in the reader's locale (``babel``), people by their spelling
in the reader's language when an article in it names them (else their canonical name, by surname), and
the story's languages by their CLDR names::

    Belarus, Russia · Lukasjenko, Poetin · Swedish, Dutch
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

#: places and people named in a gist at most
GIST_NAMES = 3
#: what separates a gist's parts
SEPARATOR = " · "


@cache
def _locale(language: str) -> Any:
    """The babel locale of a language code, or English when babel has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def language_label(code: str, reader_language: str) -> str:
    """A language's name in the reader's language (CLDR), or its code when CLDR has no name for it."""
    return _locale(reader_language).languages.get(code, code)


def _ranked(entities: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    """Entities of one kind, those in the most articles (then with the most mentions) first."""
    chosen = [entity for entity in entities if (entity.get("kind") or entity.get("type")) == kind]
    return sorted(chosen, key=lambda e: (-int(e.get("article_count") or 0), -int(e.get("mention_count") or 0)))


def place_name(entity: Mapping[str, Any], reader_language: str) -> str:
    """A place in the reader's language: CLDR's name for a country, else its spelling in the reader's
    language's articles, else its canonical name."""
    entity_id = str(entity.get("id") or "")
    if entity_id.startswith("country:"):
        name = _locale(reader_language).territories.get(entity_id.split(":", 1)[1].upper())
        if name:
            return str(name)
    spellings = (entity.get("aliases") or {}).get(reader_language) or []
    return max(spellings, key=len) if spellings else str(entity.get("name") or "")


def person_name(entity: Mapping[str, Any], reader_language: str) -> str:
    """A person by surname, as the reader's language spells it when one of its articles names them."""
    spellings = (entity.get("aliases") or {}).get(reader_language) or []
    full = max(spellings, key=len) if spellings else str(entity.get("name") or "")
    return full.split()[-1] if full.split() else full


def story_gist(
    entities: Sequence[Mapping[str, Any]],
    language_counts: Mapping[str, int],
    reader_language: str,
) -> str:
    """Places, people and languages of a story in one line (entities as the reading serves them)."""
    places = [place_name(entity, reader_language) for entity in _ranked(entities, "place")]
    people = [person_name(entity, reader_language) for entity in _ranked(entities, "person")]
    languages = [language_label(code, reader_language)
                 for code, _ in sorted(language_counts.items(), key=lambda item: (-item[1], item[0]))]
    parts = [", ".join(list(dict.fromkeys(filter(None, names)))[:GIST_NAMES]) for names in (places, people)]
    parts.append(", ".join(languages))
    return SEPARATOR.join(part for part in parts if part)
