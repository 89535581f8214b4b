"""Cross-lingual canonical entities: one entity for Lukasjenko (sv), Loekasjenko (nl) and Лукашенко (ru).

Mentions are grouped by their written name per article (a *form*), and forms are joined when the
evidence says they are one entity, strongest first:

1. the same gazetteer entry (Belarus, Wit-Rusland, Беларусь) or the same pinned id from an alias file;
2. within one article, a surname alone joins the one full name it ends (Lukasjenko → Aleksandr Lukasjenko),
   and an acronym the name whose initials it is (ISW → Institute for the Study of War);
3. full names whose surnames share a spelling key (:mod:`babelwire.names`) and whose given names agree;
4. a surname alone joins the one person in the story with that surname;
5. a looser match of consonant skeletons (Łukaszenka, Lukashenko) only with more evidence: agreeing
   given names that both articles write, or the encoder finding the mentions' sentences alike.

Different given names (Aleksandr and Viktor Lukashenko) never merge, nor do a person and a place, nor
two different pinned ids. An entity needs one mention the tagger was sure of and a type.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy as np

from babelwire.entities import ORGANISATION, PERSON, PLACE, UNKNOWN, Mention
from babelwire.gazetteer import GazetteerEntry, default_gazetteer, fold_name
from babelwire.names import (
    given_names_compatible,
    inflection_stems,
    romanise,
    skeleton,
    spelling_key,
    token_keys,
)

#: sentences of two mentions at least this alike (encoder cosine) support a loose spelling match
CONTEXT_SIMILARITY = 0.55
#: a key of a name of several words is built from at most this many combinations of word keys
MAX_NAME_KEYS = 64
#: languages whose every name word inflects, so the base forms of given names are tried too
_INFLECTING_NAMES = frozenset({"ru", "uk", "pl", "cs", "fi"})

SentenceVectors = dict[tuple[str, int], np.ndarray]
#: the cues whose type is trusted: two clusters typed differently by these never join (a model's type, or a
#: guess from capitalisation, gives way: natasha may call a Latin-script person an organisation)
SURE_EVIDENCE = frozenset({"gazetteer", "title", "organisation-cue", "organisation-word", "given-name",
                           "defined-short"})


# --- alias files -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasEntry:
    """A pinned entity: its id, display label, optional type, and names per language."""

    id: str
    label: str
    type: str | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)


def full_name_keys(name: str, language: str) -> frozenset[str]:
    """Keys of a whole name: each word's keys joined by spaces (bounded in number)."""
    words = name.split()
    if not words:
        return frozenset()
    choices = []
    for position, word in enumerate(words):
        if position == len(words) - 1 or language in _INFLECTING_NAMES:
            choices.append(sorted(token_keys(word, language)))
        else:
            choices.append(sorted({spelling_key(word), spelling_key(word, language)} - {""}))
    keys = set()
    for combination in product(*choices):
        keys.add(" ".join(combination))
        if len(keys) >= MAX_NAME_KEYS:
            break
    return frozenset(keys)


class AliasBook:
    """Pinned entities loaded from a file: a mention whose name matches an alias takes the entry's id.

    CSV: a header ``id,label,language,aliases`` (``type`` optional), aliases separated by ``|``; one row
    per language. JSON: a list of ``{"id", "label", "type"?, "aliases": {"sv": [...], "nl": [...]}}``.
    """

    def __init__(self, entries: Iterable[AliasEntry] = ()):
        self.entries: dict[str, AliasEntry] = {}
        self._keys: dict[str, set[str]] = defaultdict(set)  # name key → entry ids
        for entry in entries:
            self.add(entry)

    def add(self, entry: AliasEntry) -> None:
        """Add an entry (merging names into one already known by its id)."""
        known = self.entries.get(entry.id)
        if known is not None:
            names = {lang: tuple(dict.fromkeys(known.aliases.get(lang, ()) + entry.aliases.get(lang, ())))
                     for lang in {*known.aliases, *entry.aliases}}
            entry = AliasEntry(entry.id, known.label or entry.label, known.type or entry.type, names)
        self.entries[entry.id] = entry
        for language, names in entry.aliases.items():
            for name in (*names, entry.label):
                for key in full_name_keys(name, "" if language == "*" else language):
                    self._keys[key].add(entry.id)

    def match(self, name: str, language: str) -> AliasEntry | None:
        """The one entry a name matches (``None`` when it matches none or several)."""
        found = {entry_id for key in full_name_keys(name, language) for entry_id in self._keys.get(key, ())}
        return self.entries[found.pop()] if len(found) == 1 else None

    def digest(self) -> str:
        """A short text that changes whenever the book's content does (for caches)."""
        parts = sorted(f"{e.id}|{e.label}|{e.type}|{sorted(e.aliases.items())}" for e in self.entries.values())
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12] if parts else ""

    @classmethod
    def load(cls, path: str | Path) -> AliasBook:
        """Read a CSV or JSON alias file (by its extension; anything else is tried as JSON first)."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".csv":
            return cls(_csv_entries(text))
        try:
            return cls(_json_entries(json.loads(text)))
        except json.JSONDecodeError:
            return cls(_csv_entries(text))


def _csv_entries(text: str) -> list[AliasEntry]:
    entries = []
    for row in csv.DictReader(text.splitlines()):
        if not (row.get("id") or "").strip():
            continue
        names = tuple(name.strip() for name in (row.get("aliases") or "").split("|") if name.strip())
        language = (row.get("language") or "*").strip() or "*"
        entries.append(AliasEntry(row["id"].strip(), (row.get("label") or "").strip(),
                                  (row.get("type") or "").strip() or None, {language: names}))
    return entries


def _json_entries(data: object) -> list[AliasEntry]:
    if not isinstance(data, list):
        raise ValueError("an alias file in JSON is a list of objects with id, label and aliases")
    entries = []
    for item in data:
        aliases = item.get("aliases") or {}
        if isinstance(aliases, list):  # names used in every language
            aliases = {"*": aliases}
        entries.append(AliasEntry(str(item["id"]), str(item.get("label") or item["id"]), item.get("type"),
                                  {lang: tuple(names) for lang, names in aliases.items()}))
    return entries


# --- forms and their clusters -----------------------------------------------------------------------------


@dataclass
class _Form:
    """All mentions of one written name in one article."""

    index: int
    article_id: str
    language: str
    name: str
    mentions: list[Mention]
    gazetteer_id: str | None = None
    pinned: AliasEntry | None = None

    def __post_init__(self) -> None:
        words = self.name.split()
        self.words = words
        self.surname_keys = token_keys(words[-1], self.language) if words else frozenset()
        self.given_keys = [frozenset({spelling_key(w), *token_keys(w, self.language)}) for w in words[:-1]]
        self.skeletons = frozenset(skeleton(key) for key in self.surname_keys if len(key) >= 5)
        typed = [m.type for m in self.mentions if m.type != UNKNOWN]
        self.type = Counter(typed).most_common(1)[0][0] if typed else UNKNOWN
        self.sure_types = {m.type for m in self.mentions if m.type != UNKNOWN and m.evidence in SURE_EVIDENCE}
        self.confident = any(m.confident for m in self.mentions)

    @property
    def acronym(self) -> bool:
        return len(self.words) == 1 and self.name.isupper() and 2 <= len(self.name) <= 6

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.words if word[:1].isupper())


class _Clusters:
    """Union-find over forms, each root keeping what the merge guards need."""

    def __init__(self, forms: list[_Form]):
        self.forms = forms
        self.parent = list(range(len(forms)))
        self.members: dict[int, list[int]] = {form.index: [form.index] for form in forms}

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def cluster(self, index: int) -> list[_Form]:
        return [self.forms[i] for i in self.members[self.find(index)]]

    def can_join(self, first: int, second: int) -> bool:
        """Whether two clusters may become one: types, gazetteer and pinned ids, given names agree."""
        a, b = self.cluster(first), self.cluster(second)
        if len({kind for form in a + b for kind in form.sure_types}) > 1:
            return False
        for attribute in ("gazetteer_id", "pinned"):
            values = {getattr(form, attribute) for form in a + b if getattr(form, attribute) is not None}
            if len(values) > 1:
                return False
        full_a = [form for form in a if len(form.words) > 1 and form.type != PLACE]
        full_b = [form for form in b if len(form.words) > 1 and form.type != PLACE]
        return all(given_names_compatible(x.given_keys, y.given_keys) for x in full_a for y in full_b)

    def join(self, first: int, second: int) -> bool:
        root_a, root_b = self.find(first), self.find(second)
        if root_a == root_b:
            return True
        if not self.can_join(first, second):
            return False
        self.parent[root_b] = root_a
        self.members[root_a].extend(self.members.pop(root_b))
        return True

    def roots(self) -> list[int]:
        return sorted(self.members)


# --- the linker -----------------------------------------------------------------------------------------------


@dataclass
class Entity:
    """A canonical entity: its id, display name, type, names per language and every mention."""

    id: str
    name: str
    type: str
    mentions: list[Mention]
    aliases: dict[str, list[str]]
    pinned: bool = False

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(mention.article_id for mention in self.mentions))


def _forms_of(mentions: Sequence[Mention], aliases: AliasBook | None) -> list[_Form]:
    grouped: dict[tuple[str, str, str | None], list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.name.strip():
            grouped[(mention.article_id, mention.name, mention.gazetteer_id)].append(mention)
    forms = []
    for (article_id, name, gazetteer_id), members in grouped.items():
        pinned = aliases.match(name, members[0].language) if aliases else None
        forms.append(_Form(len(forms), article_id, members[0].language, name, members, gazetteer_id, pinned))
    return forms


class EntityLinker:
    """Links mentions from a story's articles into canonical entities (see the module's doc)."""

    def __init__(self, aliases: AliasBook | None = None, context_similarity: float = CONTEXT_SIMILARITY):
        self.aliases = aliases
        self.context_similarity = context_similarity

    def link(self, mentions: Sequence[Mention], sentence_vectors: SentenceVectors | None = None) -> list[Entity]:
        """Canonical entities of the mentions, those in the most articles first."""
        forms = _forms_of(mentions, self.aliases)
        clusters = _Clusters(forms)
        self._join_by_ids(clusters)
        self._join_within_articles(clusters)
        self._join_full_names(clusters)
        self._join_lone_names(clusters)
        self._join_loose_spellings(clusters, sentence_vectors or {})
        return self._entities(clusters)

    # the merge steps, strongest evidence first

    @staticmethod
    def _join_by_ids(clusters: _Clusters) -> None:
        first_with: dict[object, int] = {}
        for form in clusters.forms:
            for key in (("gazetteer", form.gazetteer_id), ("pinned", form.pinned.id if form.pinned else None)):
                if key[1] is None:
                    continue
                if key in first_with:
                    clusters.join(first_with[key], form.index)
                else:
                    first_with[key] = form.index

    @staticmethod
    def _join_within_articles(clusters: _Clusters) -> None:
        by_article: dict[str, list[_Form]] = defaultdict(list)
        for form in clusters.forms:
            by_article[form.article_id].append(form)
        for forms in by_article.values():
            full = [form for form in forms if len(form.words) > 1 and form.gazetteer_id is None]
            for form in forms:
                if form.gazetteer_id is not None or len(form.words) != 1:
                    continue
                if form.acronym:
                    owners = [other for other in full if other.initials == form.name and other.type != PERSON]
                else:
                    owners = [other for other in full if other.surname_keys & form.surname_keys]
                roots = {clusters.find(owner.index) for owner in owners}
                if len(roots) == 1:
                    clusters.join(roots.pop(), form.index)

    @staticmethod
    def _join_full_names(clusters: _Clusters) -> None:
        full = [form for form in clusters.forms if len(form.words) > 1 and form.gazetteer_id is None]
        for form, other in _pairs_sharing(full, lambda f: f.surname_keys):
            if given_names_compatible(form.given_keys, other.given_keys) and _same_name_length(form, other):
                clusters.join(form.index, other.index)

    @staticmethod
    def _join_lone_names(clusters: _Clusters) -> None:
        """A one-word name joins the one cluster of full names with that surname, or other one-word names."""
        candidates = [form for form in clusters.forms if form.gazetteer_id is None]
        lone = [form for form in candidates if len(form.words) == 1]
        full = [form for form in candidates if len(form.words) > 1]
        by_surname: dict[str, set[int]] = defaultdict(set)
        for form in full:
            for key in form.surname_keys:
                by_surname[key].add(form.index)
        for form in lone:
            owners = {clusters.find(i) for key in form.surname_keys for i in by_surname.get(key, ())}
            if len(owners) == 1:
                clusters.join(owners.pop(), form.index)
        for form, other in _pairs_sharing(lone, lambda f: f.surname_keys):
            clusters.join(form.index, other.index)

    def _join_loose_spellings(self, clusters: _Clusters, vectors: SentenceVectors) -> None:
        candidates = [form for form in clusters.forms if form.gazetteer_id is None and form.type != PLACE]
        for form, other in _pairs_sharing(candidates, lambda f: f.skeletons):
            if clusters.find(form.index) == clusters.find(other.index) or form.article_id == other.article_id:
                continue
            both_given = form.given_keys and other.given_keys
            agreeing_names = both_given and given_names_compatible(form.given_keys, other.given_keys)
            if agreeing_names or (not both_given and self._contexts_alike(form, other, vectors)):
                clusters.join(form.index, other.index)

    def _contexts_alike(self, first: _Form, second: _Form, vectors: SentenceVectors) -> bool:
        left = [vectors[key] for m in first.mentions if (key := (m.article_id, m.sentence)) in vectors]
        right = [vectors[key] for m in second.mentions if (key := (m.article_id, m.sentence)) in vectors]
        if not left or not right:
            return False
        return float(np.max(np.stack(left) @ np.stack(right).T)) >= self.context_similarity

    # the result

    def _entities(self, clusters: _Clusters) -> list[Entity]:
        gazetteer = default_gazetteer()
        entities = []
        used_ids: set[str] = set()
        for root in clusters.roots():
            forms = clusters.cluster(root)
            kind = _cluster_type(forms)
            if kind == UNKNOWN or not any(form.confident for form in forms):
                continue
            pinned = next((form.pinned for form in forms if form.pinned), None)
            entry = next((gazetteer.entries.get(f.gazetteer_id) for f in forms if f.gazetteer_id), None)
            name = _display_name(forms, pinned, entry)
            entity_id = _unique_id(pinned.id if pinned else entry.id if entry else _slug_id(kind, name), used_ids)
            mentions = sorted((m for form in forms for m in form.mentions), key=lambda m: (m.article_id, m.start))
            entities.append(Entity(entity_id, name, (pinned.type if pinned and pinned.type else kind),
                                   mentions, _aliases(forms), pinned is not None))
        entities.sort(key=lambda e: (-len(e.article_ids), -len(e.mentions), e.name.casefold()))
        return entities


def _same_name_length(first: _Form, second: _Form) -> bool:
    """Full names join when one's given names are a prefix of the other's or as many (initials aside)."""
    return abs(len(first.words) - len(second.words)) <= 1


def _pairs_sharing(forms: list[_Form], keys_of) -> Iterable[tuple[_Form, _Form]]:
    """Pairs of forms that share at least one key (blocking, so large stories stay fast)."""
    blocks: dict[str, list[_Form]] = defaultdict(list)
    for form in forms:
        for key in keys_of(form):
            blocks[key].append(form)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for position, form in enumerate(members):
            for other in members[position + 1 :]:
                pair = (min(form.index, other.index), max(form.index, other.index))
                if pair not in seen and form.index != other.index:
                    seen.add(pair)
                    yield form, other


def _cluster_type(forms: list[_Form]) -> str:
    if any(form.gazetteer_id for form in forms):
        return next(form.type for form in forms if form.gazetteer_id)
    counts = Counter(m.type for form in forms for m in form.mentions if m.type != UNKNOWN)
    for kind in (PERSON, ORGANISATION, PLACE):  # a tie goes to the more specific evidence
        if counts and counts[kind] == max(counts.values()):
            return kind
    return UNKNOWN


def _display_name(forms: list[_Form], pinned: AliasEntry | None, entry: GazetteerEntry | None) -> str:
    if pinned is not None and pinned.label:
        return pinned.label
    if entry is not None:
        return entry.label
    counts = Counter(form.name for form in forms for _ in form.mentions)

    def preference(name: str) -> tuple:
        return (-len(name.split()), not name.isascii(), -counts[name], name)

    return min(counts, key=preference)


def _aliases(forms: list[_Form]) -> dict[str, list[str]]:
    """Names per language in their base form: an inflected word (Putins, Путина) becomes the form the
    cluster also writes (Putin, Путин), a gazetteer name (Кремле, Rysslands) its dictionary form."""
    written: dict[str, set[str]] = defaultdict(set)
    for form in forms:
        written[form.language].update(form.words)
    aliases: dict[str, set[str]] = defaultdict(set)
    for form in forms:
        if form.gazetteer_id:
            aliases[form.language].add(_gazetteer_name(form))
        else:
            known = written[form.language]
            aliases[form.language].add(" ".join(_base_word(word, form.language, known) for word in form.words))
    return {language: sorted(names) for language, names in sorted(aliases.items())}


def _base_word(word: str, language: str, known: set[str]) -> str:
    """The shortest word also written in the cluster that is one of ``word``'s base forms, else ``word``."""
    stems = {spelling_key(stem, language) for stem in inflection_stems(word, language)[1:]}
    bases = [other for other in known if len(other) < len(word) and spelling_key(other, language) in stems]
    return min(bases, key=len, default=word)


def _gazetteer_name(form: _Form) -> str:
    """The gazetteer's own name for an inflected place name (Rysslands → Ryssland), else the name as written."""
    entry = default_gazetteer().entries.get(form.gazetteer_id or "")
    if entry is None:
        return form.name
    names = {fold_name(name): name for name in (*entry.names.get(form.language, ()), *entry.names.get("*", ()))}
    head = " ".join(form.words[:-1])
    for stem in inflection_stems(form.words[-1], form.language):
        found = names.get(fold_name(f"{head} {stem}".strip()))
        if found:
            return found
    return form.name


def _slug_id(kind: str, name: str) -> str:
    """``person:aleksandr-lukasjenko``: the display name folded to ASCII (romanised when Cyrillic)."""
    romanised = romanise(name)
    slug = re.sub(r"[^a-z0-9]+", "-", romanised).strip("-") or "entity"
    return f"{kind}:{slug}"


def _unique_id(candidate: str, used: set[str]) -> str:
    entity_id, number = candidate, 2
    while entity_id in used:
        entity_id, number = f"{candidate}-{number}", number + 1
    used.add(entity_id)
    return entity_id
