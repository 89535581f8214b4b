"""Language identification behind a one-method protocol; lingua by default."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from typing import Protocol

from babelwire.types import UNDETERMINED

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
#: lingua's codes that babelwire reports under another name
_ALIASES = {"nb": "no", "nn": "no"}
_EXPANSIONS = {"no": ("nb", "nn")}


class LanguageIdentifier(Protocol):
    """Returns an ISO 639-1 code (or ``und``) and a confidence in [0, 1]."""

    def identify(self, text: str) -> tuple[str, float]: ...


def _decide(scores: Iterable[tuple[str, float]], min_confidence: float, min_ratio: float) -> tuple[str, float]:
    """The top language of an identifier's ``(code, confidence)`` scores, or ``und`` when it is not clear enough.

    Codes reported under one name are added up first: Bokmål and Nynorsk compete
    for the same text and together are "no".

    Short texts spread the confidence over related languages: on 3,141 English UCI
    headlines lingua gave English below 0.5 for 20 % of them (0.41 English, 0.17
    Dutch, ...), yet the top language was right. So a top language below
    ``min_confidence`` still wins when it is ``min_ratio`` times as likely as the
    runner-up: that left 8 % of those headlines undetermined and 0.3 % wrong, and
    on 1,652 SemEval titles in five other languages it cut the undetermined share
    from 2.4 % to 0.9 % with no new error.
    """
    merged: dict[str, float] = {}
    for code, confidence in scores:
        code = _ALIASES.get(code, code)
        merged[code] = merged.get(code, 0.0) + float(confidence)
    ranked = sorted(merged.items(), key=lambda item: -item[1])
    if not ranked:
        return UNDETERMINED, 0.0
    code, confidence = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if confidence >= min_confidence or (min_ratio > 0 and confidence >= min_ratio * runner_up):
        return code, float(confidence)
    return UNDETERMINED, float(confidence)


class LinguaIdentifier:
    """The most accurate offline identifier, restricted to ``languages`` to save memory."""

    def __init__(
        self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12, min_ratio: float = 2.0
    ):
        self.languages = languages
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        self.min_ratio = min_ratio

    @cached_property
    def _detector(self):
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        chosen = []
        for code in self.languages:
            for lingua_code in _EXPANSIONS.get(code, (code,)):
                iso = getattr(IsoCode639_1, lingua_code.upper(), None)
                if iso is None:
                    raise ValueError(f"lingua does not support the language {code!r}")
                chosen.append(Language.from_iso_code_639_1(iso))
        if len(chosen) < 2:
            raise ValueError("language identification needs at least two languages")
        return LanguageDetectorBuilder.from_languages(*chosen).build()

    def identify(self, text: str) -> tuple[str, float]:
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        scores = self._detector.compute_language_confidence_values(text)
        return _decide(
            ((value.language.iso_code_639_1.name.lower(), value.value) for value in scores),
            self.min_confidence, self.min_ratio,
        )


class Py3LangidIdentifier:
    """A small, fast alternative (py3langid), restricted to the same languages."""

    def __init__(
        self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12, min_ratio: float = 2.0
    ):
        from py3langid.langid import MODEL_FILE
        from py3langid.langid import LanguageIdentifier as _Identifier

        self._identifier = _Identifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._identifier.set_languages([c for c in languages if c in self._identifier.nb_classes])
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        self.min_ratio = min_ratio

    def identify(self, text: str) -> tuple[str, float]:
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        return _decide(self._identifier.rank(text)[:3], self.min_confidence, self.min_ratio)
