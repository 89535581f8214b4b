"""What babelwire knows of each language, one module per language (``babelwire.lang.ar`` …), read through
:func:`get`.

A language module holds plain data: word lists and patterns that the analysis stages read. Adding a
language is adding a module here; a language without one gets the stages' generic rules. See
``docs/LANGUAGES.md``.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType


@cache
def get(code: str) -> ModuleType | None:
    """The module of a language code (``ar``), or None when babelwire has no module for it."""
    if not code.isalpha() or not code.islower():
        return None
    try:
        return importlib.import_module(f"{__name__}.{code}")
    except ModuleNotFoundError:
        return None
