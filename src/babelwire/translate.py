"""Translated titles, when a user has a translation model: a small protocol, and no model by default.

babelwire ships no translation model (it works offline). A :class:`Translator` given to
:func:`babelwire.api.create_app` adds a ``translated_title`` to stories whose title is not in the
reader's language; nothing requires one.
"""

from __future__ import annotations

from typing import Protocol


class Translator(Protocol):
    """Translates short texts between languages (ISO 639-1 codes)."""

    #: shown next to a translated text, e.g. ``"opus-mt"``
    name: str

    def translate(self, text: str, source: str, target: str) -> str | None:
        """``text`` in ``target``, or ``None`` when this pair of languages is not supported."""
        ...


class NoTranslator:
    """The default: translates nothing."""

    name = "none"

    def translate(self, text: str, source: str, target: str) -> str | None:
        """Always ``None``."""
        return None
