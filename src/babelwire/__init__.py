"""babelwire: a local-first, multilingual news story tracker.

Articles in any language go in; stories (groups of articles about one event,
across languages) come out. See :class:`babelwire.Tracker`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babelwire.settings import Settings
    from babelwire.tracker import Tracker
    from babelwire.types import (
        Article,
        DateSource,
        IngestProblem,
        IngestReport,
        LinkDecision,
        PublishedDate,
        SearchHit,
        Story,
        StoryMerge,
    )

__version__ = "0.1.0"

#: where each public name lives; imported on first use (PEP 562), so that a command that never builds a
#: tracker (``babelwire --help``, ``stories``) does not pay for importing the whole pipeline
_PUBLIC = {
    "Settings": "babelwire.settings",
    "Tracker": "babelwire.tracker",
    **{name: "babelwire.types" for name in (
        "Article", "DateSource", "IngestProblem", "IngestReport", "LinkDecision", "PublishedDate", "SearchHit",
        "Story", "StoryMerge",
    )},
}

__all__ = [
    "Article", "DateSource", "IngestProblem", "IngestReport", "LinkDecision", "PublishedDate",
    "SearchHit", "Settings", "Story", "StoryMerge", "Tracker", "__version__",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'babelwire' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
