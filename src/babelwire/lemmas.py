"""Lemmas and dictionary membership through simplemma (54 languages, offline), when it is installed.

The entity rules ask two questions of a word: its lemma (Sądowi → sąd, performing → perform), to compare
inflected forms with word lists and with the words a document writes in lower case; and whether the
language's dictionary knows it at all, since a capitalised word no dictionary knows is most likely a name.
Without simplemma, or for a language it lacks, a word is its own lemma and counts as known.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import lru_cache

#: words whose answers each look-up below remembers (four caches; they held up to 700,000 words together,
#: which a long-running server fills with every word it reads); a look-up again is microseconds
WORD_CACHE_SIZE = 50_000

#: babelwire's codes as simplemma names them
_SIMPLEMMA_CODES = {"no": "nb"}


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    except ImportError:
        return frozenset()
    _shared_factory()  # before simplemma's first look-up, so that it keeps enough languages
    return frozenset(SUPPORTED_LANGUAGES)


def _fold(word: str, language: str) -> str:
    """Lower case as the language writes it: Turkish İ → i and I → ı (casefold would give i̇ and i)."""
    if language in ("tr", "az"):
        word = word.replace("İ", "i").replace("I", "ı")
    return word.casefold()


def _code(language: str) -> str | None:
    code = _SIMPLEMMA_CODES.get(language, language)
    return code if code in _languages() else None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def lemma(word: str, language: str) -> str:
    """The word's lemma in lower case (the word itself, folded, when it cannot be lemmatised)."""
    code = _code(language)
    folded = _fold(word, language)
    if code is None:
        return folded
    import simplemma

    return simplemma.lemmatize(folded, lang=code).casefold()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def proper_lemma(name: str, language: str) -> str | None:
    """The dictionary's base form of an inflected proper name (Zakopanem → Zakopane), or None when the
    dictionary gives no capitalised base form different from the name."""
    code = _code(language)
    if code is None or not name[:1].isupper():
        return None
    import simplemma

    base = simplemma.lemmatize(name, lang=code)
    return base if base != name and base[:1].isupper() else None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def is_known_word(word: str, language: str) -> bool:
    """Whether the language's dictionary holds the word (True when there is no dictionary to ask)."""
    code = _code(language)
    if code is None:
        return True
    import simplemma

    # Turkish capitals fold their own way (İ → i), which simplemma's own lower-casing does not know
    return simplemma.is_known(_fold(word, language) if language == "tr" else word, lang=code)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def is_common_word(word: str, language: str) -> bool:
    """Whether the dictionary holds the word as a common word: in lower case, or for German (which
    capitalises nouns) as written. False when there is no dictionary to ask.

    Proper names that the dictionaries also hold (Berlin) answer True in German; callers weigh that.
    """
    code = _code(language)
    if code is None:
        return False
    table = _dictionary(code)
    if table is None:
        return False
    return _fold(word, language) in table or (language == "de" and word in table)


#: dictionary entries (over all languages) that stay loaded at once. Each language is kept as simplemma's
#: front-coded stream with a sparse block index (``StreamMap``, about 14 bytes an entry; Polish, the
#: largest with 3.7 M entries, takes ~50 MB and 1.4 s to open) instead of a decoded dict (~100 bytes an
#: entry: Polish alone was 370 MB, and issue 16's server must stay under 1 GB). All 54 languages together
#: are 38 M entries (~500 MB), so past the budget the least recently used are dropped and opened again
#: when needed: lemmas and look-ups are the same either way, only slower when the languages change often
DICTIONARY_BUDGET_ENTRIES = 10_000_000


class _DictionaryBudget:
    """A least-recently-used cache of opened dictionaries bounded by their total entries (not their number);
    the dictionary asked for last is always kept, however large."""

    def __init__(self, load: Callable[[str], Mapping[str, str]], budget: int):
        self._load = load
        self.budget = budget
        self._tables: OrderedDict[str, Mapping[str, str]] = OrderedDict()
        self._sizes: dict[str, int] = {}  # entries of each dictionary opened so far, kept or not
        self._lock = threading.Lock()  # one decoding at a time: two threads must not hold two copies

    def __call__(self, code: str) -> Mapping[str, str]:
        with self._lock:
            table = self._tables.get(code)
            if table is not None:
                self._tables.move_to_end(code)
                return table
            # make room first when the size is known (opened before): two large ones never overlap again
            self._evict(self._sizes.get(code, 0))
            table = self._load(code)
            self._sizes[code] = len(table)
            self._tables[code] = table
            self._evict(0)
            return table

    def _evict(self, coming: int) -> None:
        """Drop the least recently used dictionaries until ``coming`` more entries fit (the last one stays)."""
        while self._tables and sum(map(len, self._tables.values())) + coming > self.budget:
            if not coming and len(self._tables) == 1:
                return
            self._tables.popitem(last=False)

    def cache_clear(self) -> None:
        with self._lock:
            self._tables.clear()

    def languages(self) -> list[str]:
        """The languages open now, least recently used first."""
        with self._lock:
            return list(self._tables)


@lru_cache(maxsize=1)
def _shared_factory():  # -> simplemma's DefaultDictionaryFactory
    """simplemma's process-wide dictionary factory, which ``lemmatize`` and ``is_known`` use too, keeping
    :data:`DICTIONARY_BUDGET_ENTRIES` entries as compact streams (its own cache keeps 8 languages, whatever their size,
    and a second factory of ours would decode every dictionary twice)."""
    from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY as factory
    from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

    # a look-up in a stream is ~7 µs instead of ~0.3 µs; the word caches above absorb most of them
    factory._get_dictionary = _DictionaryBudget(StreamMap, DICTIONARY_BUDGET_ENTRIES)
    return factory


def _dictionary(code: str) -> Mapping[str, str] | None:
    """The dictionary of a simplemma language (from the shared, bounded cache), or ``None``."""
    try:  # the dictionary itself: is_known() also answers True for proper names given in lower case
        return _shared_factory().get_dictionary(code)
    except (ImportError, ValueError, OSError):
        return None
