"""Hand-written word lists that the entity and quote rules read, built from the language modules.

Everything is lower case. A list is a cue, never a proof: a title before a capitalised word says it is a
person, a speech verb after a quote says who spoke. Languages without a list get the rules without that cue.

Each set here is the union of one constant over the language modules of :mod:`babelwire.lang` (``TITLES``
is every module's ``TITLES``): the capital-letter rules look for a cue whatever the article's language,
since an English title may stand in a Swedish sentence. Modules of languages without letter case
(``CASELESS``) are left out; their lists are read by the uncased rules. See ``docs/LANGUAGES.md``.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from babelwire import lang
from babelwire.names import spelling_key


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cased_modules() -> list[ModuleType]:
    """The language modules whose lists serve the capital-letter rules (every one but caseless scripts)."""
    return [module for _, module in lang.modules() if not getattr(module, "CASELESS", False)]


def union(name: str) -> frozenset[str]:
    """One constant's words over every cased language module (a module without it adds nothing)."""
    return frozenset(word for module in _cased_modules() for word in getattr(module, name, ()))


def _endings(name: str) -> tuple[str, ...]:
    """One constant's endings over every cased language module, each once (for ``str.endswith``)."""
    return tuple(dict.fromkeys(ending for module in _cased_modules() for ending in getattr(module, name, ())))


#: titles and roles that stand before a person's name (also capitalised: President, Präsident)
TITLES = union("TITLES")
#: endings of compound role words (försvarsminister, utrikeschef, riksbankschef, Außenminister)
TITLE_ENDINGS = _endings("TITLE_ENDINGS")
#: words just before a capitalised name that make it an organisation (nyhetsbyrån Belta)
ORGANISATION_CUES = union("ORGANISATION_CUES")
#: words inside a capitalised name that make it an organisation (Institute for the Study of War)
ORGANISATION_WORDS = union("ORGANISATION_WORDS")
#: head nouns that make a capitalised name a place, not an organisation (the guidelines count named buildings
#: as places: hospitals, prisons, cathedrals); compared by lemma, so one form per language suffices
PLACE_WORDS = union("PLACE_WORDS")
#: lower-case words that may join capitalised words inside one name (Institute for the Study of War)
NAME_CONNECTORS = union("NAME_CONNECTORS")
#: function words that start sentences capitalised and are never names by themselves
FUNCTION_WORDS = union("FUNCTION_WORDS")
#: pronouns that stand for the last person named (säger han, he said, zei hij, powiedział on, قال هو), every
#: language's, caseless scripts included: an article may report a pronoun of another language
PRONOUNS = frozenset(word for _, module in lang.modules() for word in getattr(module, "PRONOUNS", ()))
#: verbs and phrases that report speech, per language (several words as one string). Inflected forms of the
#: single words are found by lemma too (:func:`babelwire.quotes.is_speech_verb`), so one form per verb is enough
#: where the lemmatiser knows the language; Arabic, Turkish and Chinese list their forms.
SPEECH_VERBS: dict[str, tuple[str, ...]] = {
    code: module.SPEECH_VERBS for code, module in lang.modules() if getattr(module, "SPEECH_VERBS", ())
}
#: the subset of speech verbs that name a source ("according to X", "X'e göre"): the speaker is the entity
#: they govern, which may be an organisation such as a news agency
SOURCE_CUES = frozenset(cue for _, module in lang.modules() for cue in getattr(module, "SOURCE_CUES", ()))
#: common given names, for names at a sentence start and in German (where every noun is capitalised)
GIVEN_NAMES = union("GIVEN_NAMES")
#: adjective endings of nationalities in languages that capitalise them (Russische, Kazachse, Russian)
DEMONYM_ENDINGS: dict[str, tuple[str, ...]] = {
    code: module.DEMONYM_ENDINGS for code, module in lang.modules() if hasattr(module, "DEMONYM_ENDINGS")
}
#: languages that capitalise every noun, so a capitalised word alone says little
CAPITALISE_NOUNS = frozenset(code for code, module in lang.modules() if getattr(module, "CAPITALISES_NOUNS", False))
#: German articles and determiners: the capitalised word after one is a noun, not a name
GERMAN_DETERMINERS = frozenset(
    word for code in sorted(CAPITALISE_NOUNS) for word in getattr(lang.get(code), "DETERMINERS", ())
)
#: endings of German common nouns (Beziehungen, Gipfeltreffen, Raketentests): such a word before a name
#: describes it (Gipfeltreffen Kims) and is no part of it
GERMAN_NOUN_ENDINGS = tuple(
    ending for code in sorted(CAPITALISE_NOUNS) for ending in getattr(lang.get(code), "NOUN_ENDINGS", ())
)
#: languages whose headlines capitalise every word ("Bocelli Performing Live"), so that a capitalised word
#: the text also writes in lower case is an ordinary word
TITLE_CASE_LANGUAGES = frozenset(code for code, module in lang.modules()
                                 if getattr(module, "TITLE_CASE_HEADLINES", False))
#: words that are capitalised for other reasons than being names (months, weekdays in English and German)
CAPITALISED_COMMON = union("CAPITALISED_COMMON")


def _census_given_names() -> set[str]:
    """The 5,163 given names of the US 1990 census shipped by the ``names`` package (MIT; public-domain data).

    US-centred, yet it holds many names of other origins (Jorge, Andrea, Hanna, Antonio, Lionel); a name that
    is also a country or city (Paris, China, Georgia) is left out, since it would mark a place as a person.
    """
    try:
        from importlib.resources import files

        folder = files("names")
    except (ImportError, ModuleNotFoundError):
        return set()
    found = set()
    for file_name in ("dist.male.first", "dist.female.first"):
        try:
            text = folder.joinpath(file_name).read_text(encoding="utf-8")
        except OSError:
            continue
        found.update(line.split()[0].casefold() for line in text.splitlines() if line.strip())
    from babelwire.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    return {name for name in found if gazetteer.lookup([name.capitalize()], "en") is None}


@cache
def census_surnames() -> frozenset[str]:
    """The 88,799 surnames of the US 1990 census shipped by the ``names`` package, case-folded (empty without
    it): surnames of every origin that are also dictionary words (Baker, Shah, Malkin, Bach)."""
    try:
        from importlib.resources import files

        text = files("names").joinpath("dist.all.last").read_text(encoding="utf-8")
    except (ImportError, ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(line.split()[0].casefold() for line in text.splitlines() if line.strip())


@cache
def given_name_keys() -> frozenset[str]:
    """The spelling keys of :data:`GIVEN_NAMES` and of the packaged census given names."""
    return frozenset(spelling_key(name) for name in GIVEN_NAMES | _census_given_names())


def is_title(word: str) -> bool:
    """Whether a word is a title or role that precedes a person's name."""
    folded = word.casefold().rstrip(".")
    return folded in TITLES or (len(folded) > 6 and folded.endswith(TITLE_ENDINGS))


def speech_verbs(language: str) -> tuple[str, ...]:
    """The language's speech verbs, longest first (so that ``a déclaré`` wins over ``déclaré``)."""
    return tuple(sorted(SPEECH_VERBS.get(language, SPEECH_VERBS["en"]), key=len, reverse=True))
