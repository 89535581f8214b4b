"""One module per language (babelwire.lang): every supported language has one, each holds the documented
constants with their types, and a language without a module still gets the generic rules (issue 12, item 7)."""

from __future__ import annotations

import re
import sys
from datetime import date
from types import ModuleType

import pytest

from babelwire import lang, lexicon, names
from babelwire.documents import make_document
from babelwire.entities import PERSON, RuleTagger
from babelwire.lang import CONSTANTS, DateWords
from babelwire.quotes import QuoteFinder
from babelwire.reldates import LANGUAGES, DateRange, resolve_relative_dates
from babelwire.settings import SUPPORTED_LANGUAGES
from babelwire.types import Article


def _article(text: str, language: str) -> Article:
    found = Article(title="", text=text, id="a")
    found.language = language
    return found


@pytest.mark.parametrize("code", [*SUPPORTED_LANGUAGES, "ja"])
def test_every_supported_language_has_a_module(code: str) -> None:
    assert lang.get(code) is not None
    assert code in lang.codes()
    assert isinstance(lang.get(code).DATES, DateWords)
    assert LANGUAGES[code] is lang.get(code).DATES


@pytest.mark.parametrize("code", lang.codes())
def test_module_constants_have_the_documented_types(code: str) -> None:
    module = lang.get(code)
    for name, kind in CONSTANTS.items():
        if hasattr(module, name):
            assert isinstance(getattr(module, name), kind), f"{code}.{name} is not a {kind.__name__}"
    for name in ("SPELLING", "ROMANISATION"):
        for key, value in getattr(module, name, {}).items():
            assert isinstance(key, str) and isinstance(value, str)
    for name in ("SPELLING_BEFORE", "SPELLING_AFTER"):
        for pattern, replacement in getattr(module, name, ()):
            assert isinstance(pattern, re.Pattern) and isinstance(replacement, str)


@pytest.mark.parametrize("code", lang.codes())
def test_word_lists_are_lower_case(code: str) -> None:
    module = lang.get(code)
    for name, kind in CONSTANTS.items():
        if kind in (frozenset, tuple) and hasattr(module, name) and name not in ("SPELLING_BEFORE", "SPELLING_AFTER"):
            upper = [word for word in getattr(module, name) if word != word.lower()]
            assert not upper, f"{code}.{name}: {upper}"


def test_lexicon_sets_are_the_union_of_the_modules() -> None:
    assert "kanzlerin" in lexicon.TITLES and "nyhetsbyrån" in lexicon.ORGANISATION_CUES
    assert lexicon.union("TITLES") == lexicon.TITLES
    assert frozenset({"de"}) == lexicon.CAPITALISE_NOUNS
    assert lexicon.GERMAN_DETERMINERS == lang.get("de").DETERMINERS
    # a caseless script's lists serve its own rules, not the capital-letter ones
    assert not lexicon.ORGANISATION_CUES & lang.get("ar").ORGANISATION_CUES


def test_a_language_without_a_module_gets_the_generic_rules() -> None:
    assert lang.get("xx") is None
    assert lang.get("") is None and lang.get("../x") is None and lang.get("EN") is None
    assert "xx" not in lang.codes()
    text = 'President Vladimir Putin met Angela Merkel in Berlin yesterday. "We agree on this," Putin said.'
    document = make_document(_article(text, "xx"))
    mentions = RuleTagger().tag(document)
    assert any(mention.type == PERSON and "Putin" in mention.text for mention in mentions)
    assert [quote.text for quote in QuoteFinder(document, mentions).find()] == ["We agree on this"]
    assert resolve_relative_dates(document, DateRange(date(2023, 5, 25), date(2023, 5, 25))) is not None
    assert names.spelling_key("Lukasjenko", "xx") == names.spelling_key("Lukasjenko")
    assert names.inflection_stems("Lukasjenkos", "xx") == ["Lukasjenkos"]
    assert lexicon.speech_verbs("xx") == lexicon.speech_verbs("en")


def test_an_added_module_is_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    module = ModuleType("babelwire.lang.xx")
    module.TITLES = frozenset({"xyzarch"})
    module.SPELLING = {"q": "k"}
    module.ENDINGS = ("ek",)
    module.DATES = DateWords(phrases={"xyzday": ("day", -1)})
    monkeypatch.setitem(sys.modules, "babelwire.lang.xx", module)
    lang.get.cache_clear()
    try:
        assert lang.get("xx") is module
        assert "xx" in lang.codes()
        assert "xyzarch" in lexicon.union("TITLES")
        assert names.spelling_key("Qadir", "xx") == names.spelling_key("Kadir")
        assert "Lukasj" in names.inflection_stems("Lukasjek", "xx")
    finally:
        monkeypatch.delitem(sys.modules, "babelwire.lang.xx")
        lang.get.cache_clear()
    assert lang.get("xx") is None


@pytest.mark.parametrize("code", lang.codes())
def test_speech_verbs_and_source_cues_come_from_the_module(code: str) -> None:
    """Each language's speech verbs live in its module; its source cues ("according to") are among them."""
    module = lang.get(code)
    verbs = getattr(module, "SPEECH_VERBS", ())
    if verbs:
        assert lexicon.SPEECH_VERBS[code] is verbs
    assert set(getattr(module, "SOURCE_CUES", ())) <= set(verbs)
    assert set(getattr(module, "PRONOUNS", ())) <= lexicon.PRONOUNS
