"""Scoring cross-lingual entity merges against a labelled list of name variants.

The list (``variant,language,canonical_id,type``, one row per written name) is the kind of evidence a story
gives the linker: each row becomes a mention in an article of its own, and all rows are linked together.
Every pair of rows in *different languages* is then a merge decision: precision is the share of merged
pairs that are one entity, recall the share of one-entity pairs that were merged.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from babelwire.canonical import EntityLinker
from babelwire.entities import Mention
from babelwire.gazetteer import default_gazetteer


@dataclass(frozen=True)
class NameVariant:
    """One labelled way a language writes an entity's name."""

    variant: str
    language: str
    canonical_id: str
    type: str


@dataclass(frozen=True)
class MergeScores:
    """Pairwise precision and recall of cross-language merges, and the pairs that went wrong."""

    precision: float
    recall: float
    pairs: int  # cross-language pairs that are one entity
    false_merges: list[tuple[NameVariant, NameVariant]]
    missed_merges: list[tuple[NameVariant, NameVariant]]

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_name_variants(path: str | Path) -> list[NameVariant]:
    """Read a ``variant,language,canonical_id,type`` CSV file."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [NameVariant(row["variant"].strip(), row["language"].strip(), row["canonical_id"].strip(),
                            row.get("type", "person").strip() or "person") for row in csv.DictReader(handle)]


def _mention(number: int, variant: NameVariant) -> Mention:
    """The mention a tagger would give for the variant, in an article of its own."""
    entry = default_gazetteer().lookup(variant.variant.split(), variant.language)
    return Mention(f"variant-{number}", variant.language, variant.variant, variant.variant,
                   entry.type if entry else variant.type, 0, len(variant.variant), 0,
                   gazetteer_id=entry.id if entry else None)


def evaluate_merges(variants: Sequence[NameVariant], linker: EntityLinker | None = None) -> MergeScores:
    """Link all variants as one story's mentions and score every cross-language pair."""
    linker = linker or EntityLinker()
    mentions = [_mention(number, variant) for number, variant in enumerate(variants)]
    cluster_of: dict[str, str] = {}
    for entity in linker.link(mentions):
        for mention in entity.mentions:
            cluster_of[mention.article_id] = entity.id
    true_positive = predicted = gold = 0
    false_merges, missed = [], []
    for (i, first), (j, second) in combinations(enumerate(variants), 2):
        if first.language == second.language:
            continue
        same = first.canonical_id == second.canonical_id
        merged = cluster_of.get(f"variant-{i}") is not None and \
            cluster_of.get(f"variant-{i}") == cluster_of.get(f"variant-{j}")
        gold += same
        predicted += merged
        true_positive += same and merged
        if merged and not same:
            false_merges.append((first, second))
        if same and not merged:
            missed.append((first, second))
    return MergeScores(true_positive / predicted if predicted else 1.0, true_positive / gold if gold else 1.0,
                       gold, false_merges, missed)
