"""Language identification behind a one-method protocol; lingua over every language it knows by default.

Identification and reading are separate: babelwire names the language of text in any of lingua's 75
languages (:data:`babelwire.settings.IDENTIFIED_LANGUAGES`), while the reading (entity rules, quotes,
gazetteer) is built for fewer (:data:`babelwire.settings.SUPPORTED_LANGUAGES`). Text in a script that no
candidate language is written in (Ethiopic, Tibetan, Khmer… for lingua) is ``und``, never a guess, and
:func:`unreadable_script` says which script it was so that the ingest report can tell the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable
from functools import cache, cached_property
from typing import Protocol

from babelwire.settings import SUPPORTED_LANGUAGES
from babelwire.types import UNDETERMINED

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
#: lingua's codes that babelwire reports under another name
_ALIASES = {"nb": "no", "nn": "no"}
_EXPANSIONS = {"no": ("nb", "nn")}

#: the script of every language written in one that is not Latin, among lingua's and py3langid's codes
#: (Serbian is Cyrillic here because lingua only knows Serbian in Cyrillic: see :func:`_serbian_or_croatian`)
NON_LATIN_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba"), "Cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ug", "ku"), "Arabic"),
    **dict.fromkeys(("hi", "mr", "ne", "sa"), "Devanagari"),
    **dict.fromkeys(("bn", "as"), "Bengali"),
    **dict.fromkeys(("zh", "ja"), "CJK"),
    "el": "Greek", "he": "Hebrew", "hy": "Armenian", "ka": "Georgian", "pa": "Gurmukhi", "gu": "Gujarati",
    "ta": "Tamil", "te": "Telugu", "kn": "Kannada", "ml": "Malayalam", "or": "Oriya", "si": "Sinhala",
    "th": "Thai", "lo": "Lao", "km": "Khmer", "my": "Myanmar", "ko": "Hangul", "am": "Ethiopic",
    "dz": "Tibetan",
}
#: Unicode name prefixes that are one writing system: Japanese mixes kana with Chinese characters
_SCRIPT_NAMES = {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}
#: ideographs and Hangul syllables carry about what two letters of an alphabet do: weighed so, a Chinese
#: headline with a Latin brand name in it ("Intel 11代Core行動版…") is still read as Chinese
_DENSE_SCRIPTS = {"CJK": 2, "Hangul": 2}


class LanguageIdentifier(Protocol):
    """Returns an ISO 639-1 code (or ``und``) and a confidence in [0, 1]."""

    def identify(self, text: str) -> tuple[str, float]: ...


@cache
def script_of(char: str) -> str:
    """The writing system of one letter, from its Unicode name: ``Latin``, ``Cyrillic``, ``CJK``, ``Ethiopic``…"""
    words = unicodedata.name(char, "UNKNOWN").split()
    if words[0] in {"FULLWIDTH", "HALFWIDTH"} and len(words) > 1:
        words = words[1:]
    return _SCRIPT_NAMES.get(words[0], words[0].title())


def main_script(text: str) -> str | None:
    """The script most of the text's letters are in (ideographs weighed double); ``None`` without letters."""
    counts: Counter[str] = Counter()
    for letter in _LETTERS.findall(text):
        script = script_of(letter)
        counts[script] += _DENSE_SCRIPTS.get(script, 1)
    return counts.most_common(1)[0][0] if counts else None


def scripts_of(languages: Iterable[str]) -> frozenset[str]:
    """The scripts texts in ``languages`` are written in."""
    return frozenset(NON_LATIN_SCRIPTS.get(code, "Latin") for code in languages)


def unreadable_script(text: str, readable: Iterable[str]) -> str | None:
    """The main script of ``text`` when it is none of ``readable``: no language can be told from it."""
    script = main_script(text)
    return script if script is not None and script not in set(readable) else None


def in_script(text: str, script: str) -> str:
    """``text`` with the letters of other scripts blanked out.

    A headline in Russian quoting "Apple" or in Chinese naming "Intel" is identified from its own script:
    the embedded Latin words only pull the statistics toward some Latin-script language.
    """
    return "".join(c if not c.isalpha() or script_of(c) == script else " " for c in text)


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code as lingua spells it ("Korean"), or the code itself."""
    if code == "no":
        return "Norwegian"
    try:
        from lingua import IsoCode639_1, Language

        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name.title()
    except (AttributeError, ValueError, ImportError):
        return code


def _decide(
    scores: Iterable[tuple[str, float]], min_confidence: float, min_ratio: float,
    preferred: frozenset[str] | None = None, min_other: float = 0.8,
) -> tuple[str, float]:
    """The top language of an identifier's ``(code, confidence)`` scores, or ``und`` when it is not clear enough.

    Codes reported under one name are added up first: Bokmål and Nynorsk compete
    for the same text and together are "no".

    Short texts spread the confidence over related languages: on 3,141 English UCI
    headlines lingua gave English below 0.5 for 20 % of them (0.41 English, 0.17
    Dutch, ...), yet the top language was right. So a top language below
    ``min_confidence`` still wins when it is ``min_ratio`` times as likely as the
    runner-up: that left 8 % of those headlines undetermined and 0.3 % wrong, and
    on 1,652 SemEval titles in five other languages it cut the undetermined share
    from 2.4 % to 0.9 % with no new error. A top language with no confidence at all
    never wins: lingua gives every language 0 for a script none of them is written in.

    A language outside ``preferred`` (the languages the reading supports) must reach ``min_other``,
    with no ratio rule. With all 75 languages competing, a headline of names and brands comes out as
    Yoruba ("Carl Icahn slams eBay CEO", 0.34) or Tagalog (0.58), and Turkish as Azerbaijani (0.50);
    every such language rightly found in the Babel Briefings sample had 0.9 or more.
    """
    merged: dict[str, float] = {}
    for code, confidence in scores:
        code = _ALIASES.get(code, code)
        merged[code] = merged.get(code, 0.0) + float(confidence)
    ranked = sorted(merged.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] <= 0.0:
        return UNDETERMINED, 0.0
    code, confidence = ranked[0]
    if preferred is not None and code not in preferred:
        return (code, float(confidence)) if confidence >= min_other else (UNDETERMINED, float(confidence))
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if confidence >= min_confidence or (min_ratio > 0 and confidence >= min_ratio * runner_up):
        return code, float(confidence)
    return UNDETERMINED, float(confidence)


# --- Serbian in Latin script ---------------------------------------------------------------------------

#: Serbian, Croatian and Bosnian share most of their words; lingua knows Serbian only in Cyrillic, so it
#: calls Latin-script Serbian (Blic, Kurir, N1) Croatian or Bosnian, even at confidence 1.0. Serbian
#: is ekavian ("predsednik", "vreme", "gde"); Croatian and Bosnian are ijekavian ("predsjednik",
#: "vrijeme", "gdje"). These frequent words tell them apart; without one of them nothing is claimed.
_EKAVIAN = re.compile(
    r"\b(?:predsedni\w*|predsedava\w*|vremen?\w*|dete|deteta|deca|dece|deci|decu|čovek\w*|mest[aou]\w*|"
    r"svet|sveta|svetu|svetsk\w*|vest|vesti|nedelj\w*|gde|ovde|uvek|pre|posle|lep[aeiou]?|mleko|"
    r"rek[aeu]|sneg\w*|hteo|htela|pobed\w*|cen[aeiu]|tel[aou]|lek\w*|zvezd\w*|primer\w*|promen\w*|"
    r"mesec\w*|izveštaj\w*|obaveštenj\w*|saopšten\w*|bezbednost\w*|opšt\w*|verovatno)\b"
)
_IJEKAVIAN = re.compile(
    r"\b(?:predsjedni\w*|predsjedava\w*|vrijem\w*|djet\w*|djec\w*|čovjek\w*|mjest\w*|svijet\w*|svjetsk\w*|"
    r"vijest\w*|nedjelj\w*|gdje|ovdje|uvijek|prije|poslije|lijep\w*|mlijek\w*|rijek\w*|snijeg\w*|htio|"
    r"htjela|pobjed\w*|cijen\w*|tijel\w*|lijek\w*|zvijezd\w*|primjer\w*|promjen\w*|mjesec\w*|"
    r"izvješt\w*|obavješt\w*|tijekom|također|tisuć\w*|tjedn?\w*|vjerojatno|vjerovatno)\b"
)
_SERBO_CROATIAN = frozenset({"sr", "hr", "bs"})
#: the languages the reading supports: the ones news read with babelwire is expected to be in (see _decide)
_PREFERRED = frozenset(SUPPORTED_LANGUAGES)


def _serbian_or_croatian(text: str, scores: dict[str, float]) -> tuple[str, float] | None:
    """Serbian, or lingua's best of Croatian and Bosnian, for Latin text lingua put among the three.

    ``None`` (undetermined) when the text has no ekavian or ijekavian word, or both.
    """
    lowered = text.lower()
    ekavian, ijekavian = bool(_EKAVIAN.search(lowered)), bool(_IJEKAVIAN.search(lowered))
    group = sum(scores.get(code, 0.0) for code in _SERBO_CROATIAN)
    if ekavian and not ijekavian:
        return "sr", group
    if ijekavian and not ekavian:
        return max((scores.get("hr", 0.0), "hr"), (scores.get("bs", 0.0), "bs"))[1], group
    return None


# --- identifiers ---------------------------------------------------------------------------------------


class LinguaIdentifier:
    """lingua over ``languages`` (by default every language it knows), in two passes to bound memory.

    lingua's high-accuracy models of all 75 languages take ~1.1 GB once loaded, and for one text lingua
    consults every one written in its script (~45 for Latin text). Its low-accuracy models (trigrams)
    of every language take ~90 MB but are weak on headlines. So the low-accuracy pass only proposes:
    its top ``candidates`` languages with at least ``candidate_floor`` that the reading does not support
    join the supported ones, and the high-accuracy models of those decide (lingua loads a model on
    first use and shares it between detectors). ``accuracy="low"`` stops after the first pass;
    ``accuracy="high"`` runs every high-accuracy model. ``bench/langid.py`` compares the three.
    """

    def __init__(
        self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12, min_ratio: float = 2.0,
        accuracy: str = "two-pass", candidates: int = 1, candidate_floor: float = 0.5, min_other: float = 0.8,
    ):
        if accuracy not in {"two-pass", "low", "high"}:
            raise ValueError(f"unknown lingua accuracy {accuracy!r} (two-pass, low, high)")
        self.languages = languages
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        self.min_ratio = min_ratio
        self.accuracy = accuracy
        self.candidates = candidates
        self.candidate_floor = candidate_floor
        self.min_other = min_other
        #: the scripts this identifier reads; a text mostly in another one is ``und``
        self.scripts = scripts_of(languages)
        self._narrow: OrderedDict[frozenset, object] = OrderedDict()  # second-pass detectors, newest last

    @cached_property
    def _lingua_languages(self) -> list:
        from lingua import IsoCode639_1, Language

        chosen = []
        for code in self.languages:
            for lingua_code in _EXPANSIONS.get(code, (code,)):
                iso = getattr(IsoCode639_1, lingua_code.upper(), None)
                if iso is None:
                    raise ValueError(f"lingua does not support the language {code!r}")
                chosen.append(Language.from_iso_code_639_1(iso))
        if len(chosen) < 2:
            raise ValueError("language identification needs at least two languages")
        return chosen

    @cached_property
    def _detector(self):
        """The first pass (or the only one): every language, low or high accuracy."""
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_languages(*self._lingua_languages)
        return builder.build() if self.accuracy == "high" else builder.with_low_accuracy_mode().build()

    def _narrow_detector(self, languages: frozenset):
        """A high-accuracy detector over a few candidates; lingua shares loaded models between detectors."""
        from lingua import LanguageDetectorBuilder

        detector = self._narrow.pop(languages, None)
        if detector is None:
            detector = LanguageDetectorBuilder.from_languages(*languages).build()
            if len(self._narrow) >= 256:
                self._narrow.popitem(last=False)
        self._narrow[languages] = detector
        return detector

    @cached_property
    def _core(self) -> frozenset:
        """The languages always compared in the second pass: the supported ones this identifier knows."""
        return frozenset(language for language in self._lingua_languages
                         if _ALIASES.get(code := language.iso_code_639_1.name.lower(), code) in SUPPORTED_LANGUAGES)

    def _scores(self, text: str) -> list[tuple[str, float]]:
        """``(code, confidence)`` of the languages that competed for ``text``, most likely first."""
        values = self._detector.compute_language_confidence_values(text)
        if self.accuracy == "two-pass":
            top = {value.language for value in values[: self.candidates] if value.value >= self.candidate_floor}
            chosen = frozenset(top | self._core)
            if len(chosen) > 1:  # lingua needs two languages to compare
                values = self._narrow_detector(chosen).compute_language_confidence_values(text)
            if values and values[0].language in self._core and len(self._core) > 1 and not top <= self._core:
                # a supported language won; the low-accuracy pass's other candidates are mostly noise on
                # short headlines (English ones come out as Tagalog or Malay there) that would only spread
                # the confidence: the supported languages decide among themselves, as they always did
                values = self._narrow_detector(self._core).compute_language_confidence_values(text)
        return [(value.language.iso_code_639_1.name.lower(), value.value) for value in values]

    def identify(self, text: str) -> tuple[str, float]:
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        script = main_script(text)
        if script not in self.scripts:
            return UNDETERMINED, 0.0
        text = in_script(text, script)
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        scores = self._scores(text)
        code, confidence = _decide(scores, self.min_confidence, self.min_ratio, _PREFERRED, self.min_other)
        if script == "Latin" and "sr" in self.languages and code in _SERBO_CROATIAN | {UNDETERMINED}:
            by_code = dict(scores)
            if max(by_code, key=by_code.__getitem__) in _SERBO_CROATIAN:
                found = _serbian_or_croatian(text, by_code)
                return found if found is not None and found[1] >= self.min_other else (UNDETERMINED, confidence)
        return code, confidence


class Py3LangidIdentifier:
    """A small, fast alternative (py3langid), restricted to the same languages."""

    def __init__(
        self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12, min_ratio: float = 2.0,
        min_other: float = 0.8,
    ):
        from py3langid.langid import MODEL_FILE
        from py3langid.langid import LanguageIdentifier as _Identifier

        self._identifier = _Identifier.from_model_file(MODEL_FILE, norm_probs=True)
        known = [c for c in languages if c in self._identifier.nb_classes]
        self._identifier.set_languages(known)
        self.scripts = scripts_of(known)
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        self.min_ratio = min_ratio
        self.min_other = min_other

    def identify(self, text: str) -> tuple[str, float]:
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        script = main_script(text)
        if script not in self.scripts:  # langid.py always answers, even for a script none of its languages use
            return UNDETERMINED, 0.0
        ranked = self._identifier.rank(in_script(text, script))[:3]
        return _decide(ranked, self.min_confidence, self.min_ratio, _PREFERRED, self.min_other)
