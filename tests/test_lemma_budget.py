"""Lemma dictionaries stay within an entry budget, kept compact, and lemmas are the same however few are kept."""

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


def test_compact_dictionaries_answer_as_simplemmas_decoded_ones() -> None:
    """The compact streams (a few bytes an entry) give the same entries and lemmas as decoded dicts."""
    import simplemma
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    decoded = DefaultDictionaryFactory(cache_max_size=1).get_dictionary("fr")
    compact = lemmas._dictionary("fr")
    assert compact is not None and type(compact).__name__ == "StreamMap"
    assert len(compact) == len(decoded)
    sample = [key for index, key in enumerate(decoded) if index % 5_000 == 0] + ["chevaux", "qwertzuiop", "Paris"]
    assert all(compact.get(key) == decoded.get(key) for key in sample)
    from simplemma.strategies import DefaultStrategy

    strategy = DefaultStrategy(dictionary_factory=DefaultDictionaryFactory(cache_max_size=1))
    own = simplemma.Lemmatizer(lemmatization_strategy=strategy)
    lemmas.lemma.cache_clear()
    for word in ("chevaux", "allées", "étaient", "mangerions", "anticonstitutionnellement"):
        assert lemmas.lemma(word, "fr") == own.lemmatize(word, lang="fr").casefold()
