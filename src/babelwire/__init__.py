"""babelwire: a local-first, multilingual news story tracker.

Articles in any language go in; stories (groups of articles about one event,
across languages) come out. See :class:`babelwire.Tracker`.
"""

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

__all__ = [
    "Article", "DateSource", "IngestProblem", "IngestReport", "LinkDecision", "PublishedDate",
    "SearchHit", "Settings", "Story", "StoryMerge", "Tracker", "__version__",
]
