"""The entity index: one entry per entity across stories, built from each story's reading.

A story's reading (:func:`babelwire.reading.reading_json`) finds its entities across the story's
languages (Lukasjenko, Loekasjenko and Лукашенко are one entity there). This module turns those
entities into :class:`IndexedEntity` records and gives each the *identity keys* that join it to the
same entity read in other stories:

- an entity the reading anchored (a gazetteer entry such as ``country:DE``, or an id pinned by an alias
  file) has that id as its only key: Germany and Deutschland are one entry whatever the story;
- any other entity has the spelling keys of its names (:func:`babelwire.canonical.full_name_keys`, the
  keys the reading joins names by within a story), prefixed by its type. Names of two words or more are
  *strong* keys; a person's lone surnames are *weak* keys: a story that only writes "Lukasjenko" joins
  the one entry whose full name ends so, never one of two.

:func:`index_story` hands a story's records to the store, which replaces that story's rows (and those
of the stories merged into it) in one transaction: the index is incremental, one story at a time, and
a story read again replaces what its earlier reading said.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from babelwire.names import romanise, spelling_key
from babelwire.settings import SUPPORTED_LANGUAGES
from babelwire.types import PERSON

log = logging.getLogger(__name__)

#: a quote is *by* the entity that speaks it and *about* every entity named inside it
QUOTE_BY = "by"
QUOTE_ABOUT = "about"


@dataclass(frozen=True)
class IndexedQuote:
    """A quote of a story, as the index keeps it for an entity."""

    role: str  # QUOTE_BY | QUOTE_ABOUT
    quote_id: str
    article_id: str
    language: str
    text: str
    speaker: str | None


@dataclass
class IndexedEntity:
    """What one story's reading says about one entity, ready for the index."""

    name: str
    type: str
    anchor: str | None  # a gazetteer or pinned id: the same entity in every story
    strong_keys: frozenset[str]
    weak_keys: frozenset[str] = frozenset()
    spellings: set[tuple[str, str]] = field(default_factory=set)  # (language, name as written)
    mentions: dict[tuple[str, str], int] = field(default_factory=dict)  # (article id, language) → mentions
    quotes: list[IndexedQuote] = field(default_factory=list)

    @property
    def lone_person(self) -> bool:
        """A person the story names by one word only (a surname): joined across stories by weak keys."""
        return self.type == PERSON and all(len(name.split()) == 1 for _, name in self.spellings)


@runtime_checkable
class EntityIndex(Protocol):
    """Where the index is kept (:class:`babelwire.store.Store` is one)."""

    def replace_story_entities(self, story_id: int, entities: Sequence[IndexedEntity],
                               fingerprint: str | None = None) -> None: ...

    def indexed_fingerprint(self, story_id: int) -> str | None: ...


# --- names ---------------------------------------------------------------------------------------------------


def fold_spelling(text: str) -> str:
    """A spelling folded for look-up: NFKC, case-folded, diacritics dropped, inner spacing unified."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(folded.replace("’", "'").split())


def _typed(kind: str, keys: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{kind}|{key}" for key in keys if key)


def anchor_key(anchor: str) -> str:
    """The one identity key of an anchored entity."""
    return f"id|{anchor}"


def lookup_keys(name: str, kinds: Sequence[str] = ("person", "organisation", "place")) -> frozenset[str]:
    """Every key a name typed by a user may have: its spelling keys under each supported language's rules.

    The language of a typed name is unknown, so each language's rules are tried (Loekasjenko as Dutch,
    Lukasjenko as Swedish); the keys are only compared with keys of names the index holds.
    """
    words = name.split()
    keys: set[str] = set()
    for language in (None, *SUPPORTED_LANGUAGES):
        # the name as typed under each language's spelling rules: no inflection stems, whose first use per
        # language loads that language's lemma tables (seconds each, too slow for a page request)
        keys.add(" ".join(spelling_key(word, language) for word in words))
    return frozenset(f"{kind}|{key}" for kind in kinds for key in keys if key.strip())


def entry_key(kind: str, name: str, anchor: str | None) -> str:
    """The readable key an index entry is addressed by (``country:DE``, ``person:aleksandr-lukasjenko``)."""
    if anchor:
        return anchor
    slug = re.sub(r"[^a-z0-9]+", "-", romanise(name)).strip("-")
    if not slug:  # a script romanise() leaves empty (Arabic, Chinese): a short hash of the name
        slug = hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{kind}:{slug}"


# --- a story's reading as index records ------------------------------------------------------------------------


def _is_anchored(entity: Mapping[str, Any]) -> bool:
    """Whether the reading's id names the entity in every story: pinned, or a gazetteer id.

    Ids the reading makes up from a display name are ``{type}:{slug}`` (:func:`babelwire.canonical._slug_id`);
    gazetteer ids (``country:DE``, ``city:…``, ``org:…``) never start with a type's name.
    """
    return bool(entity.get("pinned")) or not str(entity.get("id", "")).startswith(f"{entity.get('type')}:")


def _identity_keys(kind: str, spellings: set[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Strong and weak keys of an unanchored entity's names (see the module's doc)."""
    # the name rules are imported when an entity is indexed, not with the store that imports this module
    from babelwire.canonical import full_name_keys

    full = [(language, name) for language, name in spellings if len(name.split()) > 1]
    lone = [(language, name) for language, name in spellings if len(name.split()) == 1]
    strong = _typed(kind, (key for language, name in (full or lone) for key in full_name_keys(name, language)))
    if not full or kind != PERSON:
        return strong, frozenset()
    surnames = [(language, name.split()[-1]) for language, name in full] + lone
    return strong, _typed(kind, (key for language, name in surnames for key in full_name_keys(name, language)))


def _quotes_of(entity_id: str, mentions: Sequence[Mapping[str, Any]],
               quotes: Sequence[Mapping[str, Any]]) -> list[IndexedQuote]:
    found = []
    for quote in quotes:
        role = None
        if quote.get("speaker_id") == entity_id:
            role = QUOTE_BY
        elif any(m["article_id"] == quote.get("article_id") and quote["start"] <= m["start"]
                 and m["end"] <= quote["end"] for m in mentions):
            role = QUOTE_ABOUT
        if role:
            found.append(IndexedQuote(role, str(quote["id"]), str(quote["article_id"]), str(quote.get("language", "")),
                                      str(quote.get("text", "")), quote.get("speaker")))
    return found


def entities_of_reading(analysis: Mapping[str, Any]) -> list[IndexedEntity]:
    """The index records of a story's reading (the analysis dict of :func:`babelwire.views.story_analysis`)."""
    records = []
    quotes = analysis.get("quotes", []) or []
    for entity in analysis.get("entities", []) or []:
        kind = str(entity.get("type") or entity.get("kind") or "")
        name = str(entity.get("name") or "").strip()
        if not kind or not name:
            continue
        spellings = {(language, alias) for language, names in (entity.get("aliases") or {}).items()
                     for alias in names if alias.strip()}
        by_language = entity.get("mentions") or {}
        mentions = [mention for found in by_language.values() for mention in found]
        if not spellings:  # a reading without aliases: the names as written
            spellings = {(language, m["text"]) for language, found in by_language.items() for m in found}
        counts: dict[tuple[str, str], int] = {}
        for language, found in by_language.items():
            for mention in found:
                counts[(mention["article_id"], language)] = counts.get((mention["article_id"], language), 0) + 1
        if _is_anchored(entity):
            anchor, strong, weak = str(entity["id"]), frozenset({anchor_key(str(entity["id"]))}), frozenset()
        else:
            anchor = None
            strong, weak = _identity_keys(kind, spellings or {("", name)})
            # a name without letters or digits has no spelling key: its folded self keeps it an entry
            strong = strong or frozenset({f"{kind}|={fold_spelling(name)}"})
        records.append(IndexedEntity(name, kind, anchor, strong, weak, spellings, counts,
                                     _quotes_of(str(entity.get("id")), mentions, quotes)))
    return records


def index_story(index: EntityIndex, story_id: int, analysis: Mapping[str, Any], fingerprint: str | None = None) -> int:
    """Replace a story's rows in the index by what its reading says; returns how many entities it holds.

    ``fingerprint`` (the reading's, :func:`babelwire.reading.fingerprint`) is kept so that
    :func:`ensure_indexed` and ``babelwire reindex`` skip a story whose reading has not changed.
    """
    records = entities_of_reading(analysis)
    index.replace_story_entities(story_id, records, fingerprint)
    return len(records)


def ensure_indexed(index: EntityIndex, story_id: int, analysis: Mapping[str, Any], fingerprint: str) -> bool:
    """Index a story unless the index already holds this reading of it; whether it was indexed now."""
    if index.indexed_fingerprint(story_id) == fingerprint:
        return False
    index_story(index, story_id, analysis, fingerprint)
    return True
