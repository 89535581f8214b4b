"""Where a story's reading is kept once computed: the fingerprint it is stored under, this process's memory of
recent readings, and the store's cache (its ``story_analyses`` table).

Kept apart from :mod:`babelwire.reading` so that showing a stored reading (``babelwire stories``, a story page
served from the store) does not import the analysis that computes one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from babelwire.canonical import AliasBook
    from babelwire.encoders import Encoder
    from babelwire.types import Article

log = logging.getLogger(__name__)

#: bump when the analysis changes, so that cached analyses are recomputed
ANALYSIS_VERSION = 4  # 2: weekdays, tense, explicit years, datelines; 3: entities, coverage and quotes on real news;
# 4: base forms by lemma, short forms defined in brackets, brand names
#: an alias file (CSV or JSON, see :class:`babelwire.canonical.AliasBook`) used when none is given
ALIASES_VARIABLE = "BABELWIRE_ALIASES"
#: the encoder used when none is given (the bundled multilingual e5 with its language neutraliser)
DEFAULT_ENCODER = "e5"
#: analyses kept in memory per process
MEMORY_CACHE_SIZE = 64


class AnalysisCache(Protocol):
    """Where computed analyses are kept between processes (:class:`babelwire.store.Store` is one)."""

    def cached_story_analysis(self, fingerprint: str) -> str | None: ...

    def save_story_analysis(self, story_id: int, fingerprint: str, analysis: str) -> None: ...


@cache
def default_encoder() -> Encoder:
    """The process-wide encoder for analyses (loaded once, on first use)."""
    from babelwire.encoders import make_encoder

    return make_encoder(DEFAULT_ENCODER)


def default_aliases() -> AliasBook | None:
    """The alias file named by ``$BABELWIRE_ALIASES``, if any (re-read when it changes)."""
    path = os.environ.get(ALIASES_VARIABLE)
    if not path or not Path(path).is_file():
        return None
    stat = Path(path).stat()
    return _load_aliases(path, stat.st_mtime_ns, stat.st_size)


@cache
def _load_aliases(path: str, _mtime: int, _size: int) -> AliasBook:
    from babelwire.canonical import AliasBook

    return AliasBook.load(path)


def fingerprint(articles: Sequence[Article], encoder: Encoder, aliases: AliasBook | None) -> str:
    """What an analysis depends on: the articles' content and dates, the encoder, the alias file, the version."""
    parts = [f"v{ANALYSIS_VERSION}", encoder.name, aliases.digest() if aliases else ""]
    for article in sorted(articles, key=lambda a: a.id):
        published = article.published.value if article.published else ""
        parts.append(f"{article.id}|{article.content_hash}|{article.language}|{published}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def empty_reading() -> dict[str, Any]:
    """The reading served when none could be computed: a story is always shown."""
    return {"entities": [], "quotes": [], "statements": {}, "articles": {},
            "coverage": {"by_language": {}, "summary": []}}


#: the readings this process computed or read last, most recent at the end
_MEMORY: OrderedDict[str, dict[str, Any]] = OrderedDict()


def remembered_reading(key: str, cache: AnalysisCache | None) -> dict[str, Any] | None:
    """The reading under fingerprint ``key`` from this process's memory or ``cache``; ``None`` when neither has it."""
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    stored = read_cache(cache, key)
    if stored is not None:
        remember_reading(key, stored)
    return stored


def memorised_reading(key: str) -> dict[str, Any] | None:
    """The reading under ``key`` if this process holds it (the store's cache is not asked)."""
    return _MEMORY.get(key)


def remember_reading(key: str, data: dict[str, Any]) -> None:
    """Keep a reading in this process's memory (the most recent :data:`MEMORY_CACHE_SIZE`)."""
    _MEMORY[key] = data
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > MEMORY_CACHE_SIZE:
        _MEMORY.popitem(last=False)


def forget_readings() -> None:
    """Empty this process's memory of readings (as a new process starts)."""
    _MEMORY.clear()


def read_cache(cache: AnalysisCache | None, key: str) -> dict[str, Any] | None:
    """The reading ``cache`` stores under ``key``; ``None`` when it has none or cannot be read (logged)."""
    if cache is None:
        return None
    try:
        text = cache.cached_story_analysis(key)
        return json.loads(text) if text else None
    except Exception as exc:  # a cache that cannot be read is no reason to fail: recompute
        log.warning("cannot read the cached analysis: %s", exc)
        return None


def write_cache(cache: AnalysisCache | None, story_id: int, key: str, data: dict[str, Any]) -> None:
    """Store a reading in ``cache``; a cache that cannot be written only loses it (logged)."""
    if cache is None:
        return
    try:
        cache.save_story_analysis(story_id, key, json.dumps(data, ensure_ascii=False))
    except Exception as exc:  # a read-only or busy store only loses the cache
        log.warning("cannot cache the analysis of story %s: %s", story_id, exc)
