"""What is developing now: stories ranked by how fast they grow lately, against their own earlier pace.

The clock is the articles' arrival in the store (``ingested_at``), not their publication date: arrival is
what a live tracker sees happen, while publication dates can be missing, wrong or only a month. The price:
an archive loaded with ``babelwire backfill`` arrives all at once, so for one window its stories rank as
developing (watch-lists are not evaluated by a backfill).

A story's growth over the last ``developing_window_hours`` (the *window*) is::

    articles that arrived in the window
    + developing_language_weight * languages whose first article arrived in the window
    + developing_outlet_weight * outlets whose first article arrived in the window
    - the articles its earlier pace (over the ``developing_baseline_hours`` before the window) would bring
      in a window

so a story that just gained articles, languages and outlets ranks above one that grows at the pace it has
always grown, and a story that last grew yesterday is not in the list at all. The "grows fast" trigger of
watch-lists (:mod:`babelwire.watchlists`) uses the same measure against ``watch_growth_min_score``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from babelwire.settings import Settings

if TYPE_CHECKING:
    from babelwire.store import Store
    from babelwire.types import Story


class GrowthStore(Protocol):
    """What the ranking reads (:class:`babelwire.store.Store` is one)."""

    def story_growth(self, since: str, baseline_from: str, story_ids: Sequence[int] | None = None) -> list[dict]: ...


@dataclass(frozen=True)
class Growth:
    """How one story grew in the window."""

    story_id: int
    score: float
    recent_articles: int  # arrived in the window (copies included)
    earlier_articles: int  # arrived in the baseline period before it
    new_languages: int
    new_outlets: int
    last_arrival: str

    def to_json(self) -> dict[str, object]:
        """The growth as plain data."""
        return {"score": round(self.score, 3), "recent_articles": self.recent_articles,
                "earlier_articles": self.earlier_articles, "new_languages": self.new_languages,
                "new_outlets": self.new_outlets, "last_arrival": self.last_arrival}


def _stamp(moment: datetime) -> str:
    """A time as ``ingested_at`` is stored (UTC, seconds), so that the text comparison in SQL is by time."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def story_growth(store: GrowthStore, settings: Settings, now: datetime | None = None,
                 story_ids: Sequence[int] | None = None) -> list[Growth]:
    """The growth of every live story with an article that arrived in the window (or of those of ``story_ids``
    among them), the fastest first; ties go to the latest arrival, then the newest story."""
    if settings.developing_window_hours <= 0 or settings.developing_baseline_hours <= 0:
        raise ValueError("developing_window_hours and developing_baseline_hours must be positive")
    now = now or datetime.now(UTC)
    since = now - timedelta(hours=settings.developing_window_hours)
    baseline_from = since - timedelta(hours=settings.developing_baseline_hours)
    pace = settings.developing_window_hours / settings.developing_baseline_hours
    found = []
    for row in store.story_growth(_stamp(since), _stamp(baseline_from), story_ids):
        score = (row["recent"] + settings.developing_language_weight * row["new_languages"]
                 + settings.developing_outlet_weight * row["new_outlets"] - row["earlier"] * pace)
        found.append(Growth(row["story_id"], score, row["recent"], row["earlier"], row["new_languages"],
                            row["new_outlets"], row["last_arrival"] or ""))
    found.sort(key=lambda growth: (-growth.score, _negated(growth.last_arrival), -growth.story_id))
    return found


def _negated(text: str) -> tuple[int, ...]:
    """A key that sorts ISO times latest first."""
    return tuple(-ord(char) for char in text)


def developing_story_ids(store: GrowthStore, settings: Settings, now: datetime | None = None) -> list[int]:
    """Ids of the stories developing now, the fastest growing first (see the module's doc)."""
    return [growth.story_id for growth in story_growth(store, settings, now)]


def developing_stories(store: Store, settings: Settings, *, language: str | None = None, limit: int | None = None,
                       offset: int = 0, now: datetime | None = None) -> list[tuple[Story, Growth]]:
    """The stories developing now (optionally only those with an article in ``language``), the fastest growing
    first, each with its growth."""
    ranked = story_growth(store, settings, now)
    if language:
        passing = set(store.find_story_ids(language=language, story_ids=[growth.story_id for growth in ranked]))
        ranked = [growth for growth in ranked if growth.story_id in passing]
    ranked = ranked[offset:] if limit is None else ranked[offset : offset + limit]
    stories = {story.id: story for story in store.stories(story_ids=[growth.story_id for growth in ranked])}
    return [(stories[growth.story_id], growth) for growth in ranked if growth.story_id in stories]
