"""Spelling keys for names across languages and scripts: Lukasjenko, Loekasjenko, Łukaszenka, Лукашенко.

A name is written by each language's own conventions for the same sounds (Dutch ``oe`` and Swedish
``sj`` for English ``u`` and ``sh``, German ``sch``, Polish ``sz``/``cz``/``ł``, Cyrillic letters). Each
token gets a few *keys*: its plain romanised form and its form after the rules of the language it was
written in, each also without its inflection (Swedish genitive ``-s``, Slavic case endings). Two tokens
that share a key are spelled alike for this purpose. The *skeleton* of a key (its consonants) is a
looser match that needs other evidence before two names are taken as one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from babelwire import lang
from babelwire.lemmas import proper_lemma

#: letters that Unicode decomposition does not reduce to ASCII
_SPECIAL_LETTERS = {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}

#: Cyrillic е, ё after a vowel, a sign or at the start of a word are romanised with y (Tokayev, Yeltsin)
_IOTATED = re.compile(r"(?:(?<=[аеёиоуыэюяіїєьъ])|^)([её])")
#: rules every key gets after the language's own: one symbol for j/y/i, for w/v, and no doubled letters
_UNIVERSAL = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
)

#: endings never stripped from short words: a stem must keep this many characters
_MIN_STEM = 3


def _table(language: str | None, name: str, default: Any) -> Any:
    """A constant of a language's module (:mod:`babelwire.lang`), or ``default`` for a language without it.

    The tables are looked up on each call, not gathered once, so a module added later is read: how each
    language writes English romanisation's sounds (``SPELLING``, ``SPELLING_BEFORE``, ``SPELLING_AFTER``:
    Swedish sj for sh), its name endings (``ENDINGS``, ``NOMINATIVE_ENDINGS``) and its Cyrillic
    romanisation (``ROMANISATION``).
    """
    module = lang.get(language) if language else None
    return getattr(module, name, default)

#: given names that are one name in different national forms; written forms, keyed at first use
_GIVEN_NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Vladimir", "Volodymyr", "Włodzimierz", "Uladzimir", "Wladimir"),
    ("Aleksandr", "Oleksandr", "Alexander", "Alexandre", "Aliaksandr", "Alessandro", "Alejandro", "Aleksandar"),
    ("Sergei", "Serhiy", "Serhii", "Siergiej", "Sergio", "Sergiy"),
    ("Dmitry", "Dmytro", "Dimitri", "Dmitrij"),
    ("Nikolai", "Mykola", "Nicolas", "Mikołaj", "Nikolaj"),
    ("Yuri", "Yurii", "Jurij", "Jerzy"),
    ("Andrei", "Andriy", "Andrii", "Andrzej", "André", "Andrej"),
    ("Aleksei", "Oleksiy", "Oleksii", "Alexei", "Aleksiej"),
    ("Mikhail", "Mykhailo", "Michał", "Michael", "Michail", "Michel"),
    ("Georgy", "Heorhiy", "Georg", "Jerzy", "George", "Georges"),
    ("Grigory", "Hryhoriy", "Grzegorz", "Gregor", "Gregory"),
    ("Pavel", "Pavlo", "Paweł", "Paul"),
    ("Iosif", "Josef", "Józef", "Joseph", "Josep", "José", "Giuseppe"),
    ("David", "Davit", "Dawid", "Davide"),
    ("Yevgeny", "Yevhen", "Evgeny", "Jewgeni", "Eugeniusz"),
    ("Anatoly", "Anatoliy", "Anatolij"),
    ("Valery", "Valeriy", "Walerij", "Valeri"),
)

def _romanise_cyrillic(text: str, language: str) -> str:
    # Cyrillic in a language without a table of its own is romanised as Russian (the common practice)
    table = _table(language, "ROMANISATION", None) or _table("ru", "ROMANISATION", {})
    text = _IOTATED.sub(lambda match: "y" + table[match.group(1)], text)
    return "".join(table.get(char, char) for char in text)


def _apply_table(text: str, table: dict[str, str]) -> str:
    if not table:
        return text
    pattern = _table_pattern(tuple(sorted(table, key=len, reverse=True)))
    return pattern.sub(lambda match: table[match.group(0)], text)


@cache
def _table_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(pattern) for pattern in patterns))


def _fold(text: str) -> str:
    """Lower case, special letters mapped, diacritics dropped, only letters and digits kept."""
    text = "".join(_SPECIAL_LETTERS.get(char, char) for char in text.casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


def _universal(text: str) -> str:
    for pattern, replacement in _UNIVERSAL:
        text = pattern.sub(replacement, text)
    return text


def romanise(text: str) -> str:
    """A text in lower-case ASCII letters, digits and the rest of its punctuation (Лукашенко → lukashenko)."""
    lowered = text.casefold()
    if has_cyrillic(lowered):
        lowered = _romanise_cyrillic(lowered, "ru")
    lowered = "".join(_SPECIAL_LETTERS.get(char, char) for char in lowered)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if char.isascii() and not unicodedata.combining(char))


def has_cyrillic(text: str) -> bool:
    """Whether a text holds Cyrillic letters."""
    return any("\u0400" <= char <= "\u04ff" for char in text)


def spelling_key(token: str, language: str | None = None) -> str:
    """One token's key under a language's spelling rules (``None``: no language rules, plain romanisation)."""
    lowered = token.casefold()
    if has_cyrillic(lowered):
        lowered = _romanise_cyrillic(lowered, language or "ru")
    elif language:
        for pattern, replacement in _table(language, "SPELLING_BEFORE", ()):
            lowered = pattern.sub(replacement, lowered)
        lowered = _apply_table(lowered, _table(language, "SPELLING", {}))
        for pattern, replacement in _table(language, "SPELLING_AFTER", ()):
            lowered = pattern.sub(replacement, lowered)
    return _universal(_fold(lowered))


def inflection_stems(token: str, language: str) -> list[str]:
    """The token and its possible base forms once a case or genitive ending is removed, the token first."""
    forms = [token]
    lowered = token.casefold()
    for ending in _table(language, "ENDINGS", ()):
        if lowered.endswith(ending) and len(lowered) - len(ending) >= _MIN_STEM:
            stem = token[: len(token) - len(ending)]
            for nominative in _table(language, "NOMINATIVE_ENDINGS", ("",)):
                forms.append(stem + nominative)
    base = proper_lemma(token, language)
    if base is not None:  # the dictionary knows this name's base form (Zakopanem → Zakopane)
        forms.append(base)
    if has_cyrillic(token) and language not in ("ru", "uk"):  # a Cyrillic name quoted in another language
        forms.extend(inflection_stems(token, "ru")[1:])
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=50_000)  # bounded: a server reads new words for as long as it runs
def token_keys(token: str, language: str) -> frozenset[str]:
    """Every key of one token: plain and language spelling, of the token and of its base forms."""
    keys = set()
    for form in inflection_stems(token, language):
        keys.add(spelling_key(form))
        keys.add(spelling_key(form, language))
        if language == "fr" and form.casefold().endswith("e"):  # Poutine, Alexandre: French adds a mute e
            keys.add(spelling_key(form[:-1], language))
    keys.discard("")
    return frozenset(keys)


def base_key(token: str, language: str) -> str:
    """The key of the token as written, under its language's rules (no inflection removed)."""
    return spelling_key(token, language)


def skeleton(key: str) -> str:
    """The first letter and the consonants of a key (a leading h dropped): a loose match (-enko/-enka)."""
    key = key[1:] if key.startswith("h") and len(key) > 4 else key  # Harutjunjan, Арутюнян
    return key[:1] + re.sub(r"[aeiou]", "", key[1:])


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance between two short strings."""
    if first == second:
        return 0
    previous = list(range(len(second) + 1))
    for row, char_a in enumerate(first, start=1):
        current = [row]
        for column, char_b in enumerate(second, start=1):
            current.append(min(previous[column] + 1, current[column - 1] + 1,
                               previous[column - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@cache
def _given_name_groups() -> dict[str, frozenset[int]]:
    """Every key of every listed form, with the groups it belongs to (Jerzy is both Yuri and George)."""
    groups: dict[str, set[int]] = {}
    spelling_languages = [code for code, module in lang.modules() if hasattr(module, "SPELLING")]
    for number, forms in enumerate(_GIVEN_NAME_GROUPS):
        for form in forms:
            for language in (None, *spelling_languages):
                groups.setdefault(spelling_key(form, language), set()).add(number)
    return {key: frozenset(numbers) for key, numbers in groups.items()}


def given_names_compatible(first: Iterable[frozenset[str]], second: Iterable[frozenset[str]]) -> bool:
    """Whether two people's given names (each a list of token key sets) can be one person's.

    Missing given names fit any; an initial fits any name it starts; names of one national-form group
    (Vladimir, Volodymyr) or a small spelling distance apart (Aleksandr, Alexandre) are compatible.
    Only as many names as both have are compared (Kassym-Jomart fits Kassym).
    """
    first, second = list(first), list(second)
    return all(
        any(_given_pair_compatible(a, b) for a in keys_a for b in keys_b)
        for keys_a, keys_b in zip(first, second, strict=False)
    )


def _given_pair_compatible(first: str, second: str) -> bool:
    if first == second:
        return True
    if len(first) == 1 or len(second) == 1:  # an initial
        return first[0] == second[0]
    groups = _given_name_groups()
    if groups.get(first, frozenset()) & groups.get(second, frozenset()):
        return True
    tolerance = 1 if min(len(first), len(second)) < 7 else 2
    return edit_distance(first, second) <= tolerance
