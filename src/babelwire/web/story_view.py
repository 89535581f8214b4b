"""A story's reading shaped for its page: quotes side by side across languages, entities with their
spellings, what each language alone reports, the main points with their sources.

Plain functions over :func:`babelwire.views.story_page`'s data; the template only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: statements shown per language before "more"; entities shown before "more"
SHOWN_STATEMENTS = 3
SHOWN_ENTITIES = 8
#: main points (the reading's summary) shown
SHOWN_POINTS = 4
#: a quote this long or longer in a statement makes it one "Who said what" shows already
MIN_QUOTE_CHARS = 8


def _components(quotes: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Quotes grouped by their ``matches`` (the same statement quoted in several articles), in first-seen order."""
    by_id = {quote.get("id"): quote for quote in quotes if quote.get("id")}
    seen: set[Any] = set()
    groups = []
    for quote in quotes:
        if quote.get("id") in seen:
            continue
        group, todo = [], [quote]
        while todo:
            current = todo.pop()
            if current.get("id") is not None and current["id"] in seen:
                continue
            seen.add(current.get("id"))
            group.append(current)
            todo.extend(by_id[other] for other in current.get("matches") or [] if other in by_id and other not in seen)
        groups.append(sorted(group, key=quotes.index))
    return groups


def quote_groups(quotes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``shared``: statements quoted in several languages, each as ``{"languages": [{"language", "quotes"}]}``
    (the most languages first); ``single``: the other quotes, by language."""
    shared, single = [], {}
    for group in _components(list(quotes)):
        languages: dict[str, list[Mapping[str, Any]]] = {}
        for quote in group:
            languages.setdefault(str(quote.get("language") or "und"), []).append(quote)
        if len(languages) > 1:
            shared.append({"languages": [{"language": code, "quotes": found} for code, found in languages.items()]})
        else:
            for code, found in languages.items():
                single.setdefault(code, []).extend(found)
    shared.sort(key=lambda group: -len(group["languages"]))
    return {"shared": shared, "single": single, "single_count": sum(map(len, single.values()))}


def entity_rows(entities: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Entities with their spellings by language; those named in several languages, then in the most
    articles, are ``shown``, the rest ``more``."""
    rows = [{
        "name": entity.get("name") or "", "kind": entity.get("kind") or entity.get("type") or "",
        "spellings": sorted((code, list(names)) for code, names in (entity.get("aliases") or {}).items()),
        "article_count": int(entity.get("article_count") or 0),
    } for entity in entities if entity.get("name")]
    rows.sort(key=lambda row: (-len(row["spellings"]) if len(row["spellings"]) > 1 else 0, -row["article_count"]))
    return {"shown": rows[:SHOWN_ENTITIES], "more": rows[SHOWN_ENTITIES:]}


def _names_by_language(entities: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[str, ...]]]:
    """The spellings of each entity that only one language's articles name, by that language."""
    only: dict[str, list[tuple[str, ...]]] = {}
    for entity in entities:
        aliases = entity.get("aliases") or {}
        if len(aliases) == 1:
            code, names = next(iter(aliases.items()))
            spellings = tuple(name for name in names if len(name) > 2)  # "EU" would match inside words
            if spellings:
                only.setdefault(code, []).append(spellings)
    return only


def language_additions(
    by_language: Mapping[str, Sequence[Mapping[str, Any]]],
    entities: Sequence[Mapping[str, Any]],
    language_order: Sequence[str],
    quotes: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Per language, the statements only its articles make. Statements that hold one of ``quotes`` (shown
    under "Who said what" already) come last; before them, those naming the most entities that no other
    language names (what the language adds: a person, a place, a source of its own), then in article
    order. ``shown`` holds the first :data:`SHOWN_STATEMENTS`, ``more`` the rest."""
    only = _names_by_language(entities)
    quoted = [quote for quote in quotes if len(quote) >= MIN_QUOTE_CHARS]
    result = []
    for code in sorted(by_language, key=lambda c: (language_order.index(c) if c in language_order else 99, c)):
        statements = list(by_language[code])
        names = only.get(code, [])

        def weight(item: tuple[int, Mapping[str, Any]],
                   names: list[tuple[str, ...]] = names) -> tuple[bool, int, int]:
            position, statement = item
            text = str(statement.get("text", ""))
            own = sum(any(name in text for name in spellings) for spellings in names)
            return any(quote in text for quote in quoted), -own, position

        ranked = [statement for _, statement in sorted(enumerate(statements), key=weight)]
        if ranked:
            result.append({"language": code, "shown": ranked[:SHOWN_STATEMENTS], "more": ranked[SHOWN_STATEMENTS:]})
    return result


def main_points(summary: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The reading's summary statements, those reported in the most languages first, each with its
    ``source_languages``: one ``(language, first article id)`` per language that reports it."""
    ranked = sorted(enumerate(summary), key=lambda item: (-len(item[1].get("languages") or []), item[0]))
    points = []
    for _, point in ranked[:SHOWN_POINTS]:
        first: dict[str, str] = {}
        for source in point.get("sources") or []:
            first.setdefault(str(source.get("language") or "und"), str(source.get("article_id") or ""))
        points.append({**point, "source_languages": list(first.items())})
    return points


def story_reading(page: Mapping[str, Any], language_order: Sequence[str]) -> dict[str, Any]:
    """Everything the story page shows of the reading (see the module's doc)."""
    coverage = page.get("coverage") or {}
    entities = page.get("entities") or []
    return {
        "quotes": quote_groups(page.get("quotes") or []),
        "entities": entity_rows(entities),
        "additions": language_additions(coverage.get("by_language") or {}, entities, language_order,
                                        [str(quote.get("text") or "") for quote in page.get("quotes") or []]),
        "points": main_points(coverage.get("summary") or []),
    }
