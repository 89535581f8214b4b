"""Cross-lingual entity merges on the labelled name variants (tests/fixtures/name_variants.csv).

Every written name becomes a mention in an article of its own; all are linked together as one story by
``babelwire.canonical.EntityLinker`` (names only: no sentence context, so no encoder evidence), and every
pair of variants in different languages is scored: precision (merged pairs that are one entity) and recall
(one-entity pairs that were merged). Goal: precision ≥ 0.95, recall ≥ 0.90. Wrong and missed merges are
listed. Run from the repo root::

    .venv/bin/python bench/entities.py [--data CSV] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from babelwire.entity_eval import NameVariant, evaluate_merges, load_name_variants

REPO = Path(__file__).resolve().parent.parent
NAME_VARIANTS = REPO / "tests" / "fixtures" / "name_variants.csv"


def _label(variant: NameVariant) -> str:
    return f"{variant.variant} ({variant.language})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=NAME_VARIANTS, help="variant,language,canonical_id,type CSV")
    parser.add_argument("--json", action="store_true", help="print JSON")
    options = parser.parse_args()
    variants = load_name_variants(options.data)
    started = time.perf_counter()
    scores = evaluate_merges(variants)
    seconds = time.perf_counter() - started
    result = {
        "precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
        "variants": len(variants), "entities": len({v.canonical_id for v in variants}),
        "languages": len({v.language for v in variants}), "cross_language_pairs": scores.pairs,
        "seconds": round(seconds, 3),
        "false_merges": [[_label(a), _label(b)] for a, b in scores.false_merges],
        "missed_merges": [[_label(a), _label(b)] for a, b in scores.missed_merges],
    }
    if options.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"{result['variants']} variants of {result['entities']} entities in {result['languages']} languages, "
          f"{scores.pairs} cross-language pairs of one entity ({seconds:.2f} s)")
    print(f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
          f"(goal: precision ≥ 0.95, recall ≥ 0.90)")
    for label, pairs in (("wrong merges", result["false_merges"]), ("missed merges", result["missed_merges"])):
        print(f"{label}: {len(pairs)}")
        for first, second in pairs[:25]:
            print(f"  {first}  ~  {second}")


if __name__ == "__main__":
    main()
