"""Language identification behind a one-method protocol; lingua by default."""

from __future__ import annotations

import re
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


class LinguaIdentifier:
    """The most accurate offline identifier, restricted to ``languages`` to save memory."""

    def __init__(self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12):
        self.languages = languages
        self.min_confidence = min_confidence
        self.min_letters = min_letters

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
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return UNDETERMINED, 0.0
        code = values[0].language.iso_code_639_1.name.lower()
        code = _ALIASES.get(code, code)
        # Bokmål and Nynorsk compete for the same text: add them up as "no"
        confidence = sum(
            v.value for v in values[:3] if _ALIASES.get(n := v.language.iso_code_639_1.name.lower(), n) == code
        )
        if confidence < self.min_confidence:
            return UNDETERMINED, float(confidence)
        return code, float(confidence)


class Py3LangidIdentifier:
    """A small, fast alternative (py3langid), restricted to the same languages."""

    def __init__(self, languages: tuple[str, ...], min_confidence: float = 0.5, min_letters: int = 12):
        from py3langid.langid import MODEL_FILE
        from py3langid.langid import LanguageIdentifier as _Identifier

        self._identifier = _Identifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._identifier.set_languages([c for c in languages if c in self._identifier.nb_classes])
        self.min_confidence = min_confidence
        self.min_letters = min_letters

    def identify(self, text: str) -> tuple[str, float]:
        if len(_LETTERS.findall(text)) < self.min_letters:
            return UNDETERMINED, 0.0
        code, confidence = self._identifier.classify(text)
        code = _ALIASES.get(code, code)
        if confidence < self.min_confidence:
            return UNDETERMINED, float(confidence)
        return code, float(confidence)
