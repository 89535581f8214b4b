"""Story ids that survive a relink: each relinked story takes the id of the old story it overlaps most.

:func:`babelwire.linking.relink` numbers the stories it builds from 1, as a fresh store would; saved
links (``/stories/5``) must still lead to the same event afterwards. :func:`match_story_ids` pairs the
relinked stories with the stored ones by how many articles they share, largest overlap first, so a
story whose membership survives keeps its id. What does not survive is said, not hidden:

- a relinked story that matches no old one gets a fresh id, above every id the store ever used;
- an old story that lost its id to a larger overlap is *merged* into the story holding most of its
  articles (its id then leads there, as the ids of incrementally merged stories do);
- an old story whose articles went to several stories is *split*: one part may keep its id, the
  others have fresh ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class RelinkReport:
    """What a relink changed, in final story ids."""

    stories: int = 0  # live stories after the relink
    kept: list[int] = field(default_factory=list)  # old ids still live
    created: list[int] = field(default_factory=list)  # fresh ids
    #: old id → the story it now leads to, with the share of its articles that went there
    merged: dict[int, tuple[int, float]] = field(default_factory=dict)
    split: dict[int, list[int]] = field(default_factory=dict)  # old id → every story its articles went to
    moved: int = 0  # articles now in a story of another id

    @property
    def unchanged(self) -> bool:
        """Every story kept its id and its articles."""
        return not (self.created or self.merged or self.split or self.moved)

    def to_json(self) -> dict:
        """Plain data (story ids as JSON object keys become strings)."""
        return {
            "stories": self.stories, "kept": self.kept, "created": self.created,
            "merged": {str(old): {"into": into, "share": round(share, 4)}
                       for old, (into, share) in sorted(self.merged.items())},
            "split": {str(old): parts for old, parts in sorted(self.split.items())}, "moved": self.moved,
        }


def match_story_ids(
    old_story_of: Mapping[int, int], new_story_of: Mapping[int, int], next_free_id: int
) -> tuple[dict[int, int], RelinkReport]:
    """Final ids for the relinked stories, and what changed.

    ``old_story_of`` and ``new_story_of`` map each article key to its stored and its relinked story;
    ``next_free_id`` is above every story id the store has used (merged ones included). Returns the
    relinked story → final id mapping and the :class:`RelinkReport`. Ties break on the lower old id,
    then the lower relinked id, so the same input gives the same ids.
    """
    overlap = Counter((new_story_of[key], old_story_of[key]) for key in new_story_of)
    final: dict[int, int] = {}
    taken: set[int] = set()
    for (new, old), _ in sorted(overlap.items(), key=lambda item: (-item[1], item[0][1], item[0][0])):
        if new not in final and old not in taken:
            final[new] = old
            taken.add(old)
    report = RelinkReport(kept=sorted(taken))
    for new in sorted(set(new_story_of.values()) - set(final)):
        final[new] = next_free_id
        report.created.append(next_free_id)
        next_free_id += 1
    report.stories = len(final)

    destinations: dict[int, Counter] = {}  # old id → final id → articles
    for key, new in new_story_of.items():
        destinations.setdefault(old_story_of[key], Counter())[final[new]] += 1
        report.moved += final[new] != old_story_of[key]
    for old, counts in sorted(destinations.items()):
        if len(counts) > 1:
            report.split[old] = sorted(counts)
        if old not in taken:
            into, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
            report.merged[old] = (into, count / sum(counts.values()))
    return final, report
