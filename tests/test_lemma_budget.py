"""Decoded lemma dictionaries stay within an entry budget, and lemmas are the same however few are kept."""

from __future__ import annotations

from babelwire import lemmas

WORDS = {"en": ["performing", "children", "went", "Houses"], "fr": ["chevaux", "allées", "étaient", "Yeux"]}


def _answers(*languages: str) -> dict[tuple[str, str], tuple[str, bool, bool]]:
    lemmas.lemma.cache_clear()
    lemmas.is_known_word.cache_clear()
    lemmas.is_common_word.cache_clear()
    return {(word, language): (lemmas.lemma(word, language), lemmas.is_known_word(word, language),
                               lemmas.is_common_word(word, language))
            for language in languages or WORDS for word in WORDS[language]}


def test_dictionaries_are_dropped_past_the_budget_without_changing_lemmas(monkeypatch) -> None:
    cache = lemmas._shared_factory()._get_dictionary
    cache.cache_clear()
    expected = _answers()
    assert set(cache.languages()) == {"en", "fr"}  # both fit the default budget
    monkeypatch.setattr(cache, "budget", 300_000)  # English has 181,612 entries, French 249,548: one at a time
    cache.cache_clear()
    for _ in range(2):  # the languages alternate: each is decoded again after the other
        for language in ("en", "fr"):
            assert _answers(language) == {key: value for key, value in expected.items() if key[1] == language}
            assert cache.languages() == [language]
    assert expected[("chevaux", "fr")][0] == "cheval" and expected[("performing", "en")][0] == "perform"
    cache.cache_clear()
