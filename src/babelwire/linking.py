"""Incremental story linking: each new article joins the best story or starts one.

The linker keeps, in memory, every article's vector (in a
:class:`TimeBucketedIndex`: one :class:`VectorIndex` per week of publication
time, so a search reads only the weeks around the new article) and, per story,
the sum of its members' vectors and their languages. For a new article it
fetches the nearest stored articles of its time window, drops those outside the
window's exact bounds, and scores each story they belong to by the cosine
between the article and the story's centroid, less a same-language offset. It joins the best story
when that score reaches ``link_threshold``, or starts a new one. Centroids
resist the chaining that member-to-member links suffer from: on the UCI
headlines, scoring by the two closest members collapsed 3,183 headlines into a
handful of stories at thresholds where centroids keep them apart.

After a join, the grown story's centroid is compared with the other candidate
stories' centroids: two stories whose centroids reach ``merge_threshold`` were
one event all along, and are merged into the older one, with a record of it.

The linker need not hold the whole store in memory: given a :class:`LinkSource` (the tracker's reads the
store), it reads the members and stories a decision needs when it first needs them and keeps them, and
its vector index can be one opened from files (:mod:`babelwire.index_files`). Without one it holds what
:meth:`StoryLinker.load` gave it, as a batch :func:`relink` does.

Stories are never rebuilt behind the user's back; :func:`relink` is the explicit
batch command. Given the same articles in the same order, the decisions are the
same: story ids come from a counter, ties break on ids, and the index is
deterministic (in one process: a week's HNSW graph grown from its saved file by
a later process may find slightly different neighbours, :mod:`babelwire.index_files`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from babelwire.dates import interval_gap_days
from babelwire.index import Interval, TimeBucketedIndex, UsearchIndex, VectorIndex
from babelwire.settings import Settings
from babelwire.types import UNDETERMINED, LinkDecision


class LinkSource(Protocol):
    """Where a linker reads the linked articles it does not hold yet (the tracker's reads its store)."""

    def members(self, keys: Sequence[int]) -> dict[int, tuple[int, Interval | None, str]]:
        """``key -> (story id, linking interval, language)`` of the given linked articles."""
        ...

    def story_members(self, story_ids: Sequence[int]) -> Iterable[tuple[int, int, np.ndarray, str]]:
        """``(story id, key, vector, language)`` of every linked article of these stories, in key order."""
        ...


@dataclass
class _Member:
    story_id: int
    interval: Interval | None
    language: str


@dataclass
class _StoryState:
    total: np.ndarray  # sum of member vectors (float64: no drift over many additions)
    members: set[int] = field(default_factory=set)
    languages: Counter = field(default_factory=Counter)
    _unit: np.ndarray | None = None  # cached centroid: one story changes per link, the others are reused

    def centroid(self) -> np.ndarray:
        if self._unit is None:
            self._unit = self.total / max(float(np.linalg.norm(self.total)), 1e-12)
        return self._unit

    def add(self, key: int, vector: np.ndarray, language: str) -> None:
        self.total += vector
        self.members.add(key)
        self.languages[language] += 1
        self._unit = None

    def absorb(self, other: _StoryState) -> None:
        self.total += other.total
        self.members |= other.members
        self.languages.update(other.languages)
        self._unit = None

    def language_share(self, language: str) -> float:
        """Share of members in ``language``; an undetermined language counts as shared."""
        if language == UNDETERMINED:
            return 1.0
        return self.languages[language] / max(len(self.members), 1)


@dataclass
class StoryLinker:
    """In-memory state of the story graph, and the decision rule for new articles."""

    settings: Settings
    dim: int
    index_factory: Callable[[int], VectorIndex] = UsearchIndex
    next_story_id: int = 1
    #: the vector index to start from (one opened from files); a new, empty one by default
    index: TimeBucketedIndex | None = None
    #: where members and stories not held in memory are read; without one, memory holds them all
    source: LinkSource | None = None
    _members: dict[int, _Member] = field(default_factory=dict)  # article key -> member
    _stories: dict[int, _StoryState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.index is None:
            # buckets as wide as the window: a dated search reads two or three of them
            self.index = TimeBucketedIndex(self.dim, self.settings.link_window_days, self.index_factory)

    def __len__(self) -> int:
        """How many linked articles the index holds."""
        assert self.index is not None
        return len(self.index)

    def story_of(self, key: int) -> int:
        """The story an already-linked article belongs to."""
        self._read_members([key])
        return self._members[key].story_id

    def held(self) -> int:
        """How many members and stories memory holds (read from the source, or linked here)."""
        return len(self._members) + len(self._stories)

    def forget(self) -> None:
        """Drop the members and stories held in memory; the source gives them again when needed.

        Only with a source: without one, memory is all the linker has.
        """
        if self.source is not None:
            self._members.clear()
            self._stories.clear()

    def _read_members(self, keys: Iterable[int]) -> None:
        """Hold the members of ``keys`` (those the source knows), reading the missing ones in one go."""
        missing = [key for key in keys if key not in self._members]
        if missing and self.source is not None:
            for key, (story_id, interval, language) in self.source.members(missing).items():
                self._members[key] = _Member(story_id, interval, language)

    def _read_stories(self, story_ids: Iterable[int]) -> None:
        """Hold the states of these stories, summing their members' vectors in key order (as loading does)."""
        missing = sorted({story for story in story_ids if story not in self._stories})
        if not missing or self.source is None:
            return
        states = {story: _StoryState(np.zeros(self.dim, dtype=np.float64)) for story in missing}
        for story_id, key, vector, language in self.source.story_members(missing):
            states[story_id].add(key, vector, language)
        self._stories.update(states)

    def load(self, key: int, vector: np.ndarray, story_id: int, interval: Interval | None, language: str) -> None:
        """Restore an article already linked in the store (no decision is made)."""
        self._remember(key, vector, _Member(story_id, interval, language))
        self.next_story_id = max(self.next_story_id, story_id + 1)

    def _remember(self, key: int, vector: np.ndarray, member: _Member, new_story: bool = False) -> None:
        assert self.index is not None
        if not new_story:  # a story joined must be whole in memory before it grows
            self._read_stories([member.story_id])
        self.index.add(key, vector, member.interval)
        self._members[key] = member
        state = self._stories.get(member.story_id)
        if state is None:
            state = self._stories[member.story_id] = _StoryState(np.zeros(self.dim, dtype=np.float64))
        state.add(key, vector, member.language)

    def nearest(
        self, vector: np.ndarray, count: int, interval: Interval | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosine similarities of the stored articles closest to ``vector``.

        Given an ``interval``, only the time buckets within the link window of it
        are read (the result may still hold articles just outside the window).
        """
        assert self.index is not None
        if interval is None:
            return self.index.search(vector, count)
        return self.index.search(vector, count, interval, self.settings.link_window_days)

    def candidate_stories(self, vector: np.ndarray, interval: Interval | None) -> list[int]:
        """Stories with a member among the nearest neighbours, inside the time window."""
        keys, _ = self.nearest(vector, self.settings.link_neighbours, interval)
        window = self.settings.link_window_days
        found = set()
        self._read_members(keys.tolist())
        for key in keys.tolist():
            member = self._members.get(key)
            if member is None:
                continue
            if interval is not None and member.interval is not None and (
                interval_gap_days(interval, member.interval) > window
            ):
                continue
            found.add(member.story_id)
        return sorted(found)

    def story_score(self, vector: np.ndarray, language: str, story_id: int) -> float:
        """Cosine with the story's centroid, corrected for the encoder's same-language bias.

        Multilingual encoders place two texts of one language closer than their
        content warrants. The bundled neutraliser removes most of that, but on
        SemEval dev pairs unrelated same-language pairs still sit ~0.1 above
        unrelated cross-language ones (median 0.145 vs 0.046), so the score
        gives up ``same_language_offset`` in proportion to the story's members
        in the article's language.
        """
        self._read_stories([story_id])
        state = self._stories[story_id]
        similarity = float(state.centroid() @ vector)
        return similarity - self.settings.same_language_offset * state.language_share(language)

    def story_scores(self, vector: np.ndarray, interval: Interval | None, language: str) -> dict[int, float]:
        """Score of each candidate story for an article with this vector, date and language.

        The same numbers as :meth:`story_score` per story, in one matrix product.
        """
        candidates = self.candidate_stories(vector, interval)
        if not candidates:
            return {}
        self._read_stories(candidates)
        states = [self._stories[story] for story in candidates]
        similarities = np.stack([state.centroid() for state in states]) @ np.asarray(vector, dtype=np.float64)
        offset = self.settings.same_language_offset
        return {
            story: float(similarity) - offset * state.language_share(language)
            for story, state, similarity in zip(candidates, states, similarities.tolist(), strict=True)
        }

    def _stories_alike(self, first: int, second: int) -> float:
        """Centroid cosine of two stories, with the same-language offset for their shared languages."""
        a, b = self._stories[first], self._stories[second]
        overlap = sum(
            min(a.language_share(code), b.language_share(code)) for code in set(a.languages) & set(b.languages)
        )
        return float(a.centroid() @ b.centroid()) - self.settings.same_language_offset * overlap

    def link(
        self, key: int, article_id: str, vector: np.ndarray, interval: Interval | None, language: str = UNDETERMINED
    ) -> LinkDecision:
        """Decide the story of a new article and record it in memory."""
        if key in self._members:
            raise ValueError(f"article {article_id} (key {key}) is already linked")
        scores = self.story_scores(vector, interval, language)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] < self.settings.link_threshold:
            story_id = self.next_story_id
            self.next_story_id += 1
            self._remember(key, vector, _Member(story_id, interval, language), new_story=True)
            return LinkDecision(article_id, story_id, ranked[0][1] if ranked else 0.0, new_story=True)
        best, best_score = ranked[0]
        self._remember(key, vector, _Member(best, interval, language))
        alike = self._alike_candidates(best, [story for story, _ in ranked[1:]])
        if not alike:
            return LinkDecision(article_id, best, best_score, new_story=False)
        target, *sources = sorted([best, *alike])  # the oldest story survives
        for source in sources:
            self._fold(source, target)
        return LinkDecision(article_id, target, best_score, new_story=False, merged_story_ids=tuple(sources))

    def _alike_candidates(self, grown: int, others: list[int]) -> list[int]:
        """The other candidate stories the grown story is now recognisably the same event as.

        The language offset only lowers a score, so the centroid cosines, taken in one
        product, rule out most stories before the offset is worked out.
        """
        if not others:
            return []
        threshold = self.settings.merge_threshold
        cosines = np.stack([self._stories[story].centroid() for story in others]) @ self._stories[grown].centroid()
        return [
            story for story, cosine in zip(others, cosines.tolist(), strict=True)
            if cosine >= threshold and self._stories_alike(grown, story) >= threshold
        ]

    def _fold(self, source: int, target: int) -> None:
        state = self._stories.pop(source)
        for key in state.members:
            if key in self._members:  # the others are read from the source, which the tracker merges too
                self._members[key].story_id = target
        self._stories[target].absorb(state)


def relink(
    settings: Settings,
    dim: int,
    articles: Iterable[tuple[int, str, np.ndarray, Interval | None, str]],
    index_factory: Callable[[int], VectorIndex] = UsearchIndex,
) -> tuple[StoryLinker, list[LinkDecision]]:
    """Link a whole collection from scratch, in the order given.

    Returns the final linker (whose :meth:`StoryLinker.story_of` reflects later
    merges) and the decision made for each article on arrival.
    """
    linker = StoryLinker(settings, dim, index_factory)
    decisions = [linker.link(*article) for article in articles]
    return linker, decisions
