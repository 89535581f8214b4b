"""The quality gate: evaluations on real data must not fall below the floors pinned in the repo.

Floors live in ``quality_floors.json`` beside this file. The pair slice is the
one the shipped model never trained on (``babelwire.evaluation.is_held_out``);
the clustering runs the product's linker settings on the UCI headlines.
Raising a floor is a deliberate commit; lowering one needs a reason in its log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babelwire.evaluation import (
    evaluate_clusters,
    evaluate_pairs,
    is_held_out,
    load_pairs,
    read_uci,
    semeval_texts,
    wikinews_texts,
)
from babelwire.junk import junk_reason
from babelwire.settings import Settings
from babelwire.similarity import PairScorer
from babelwire.tracker import Tracker
from conftest import SHARED

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text())
PAIRS = SHARED / "data" / "semeval2022_task8" / "dev_pairs.csv"
HEADLINES = SHARED / "data" / "uci_news_aggregator" / "dev_headlines.csv"


@pytest.mark.skipif(not PAIRS.is_file(), reason="../shared/data is not beside the repo")
def test_pair_similarity_on_held_out_pairs(e5) -> None:
    pairs, _ = load_pairs(PAIRS, min_chars=20)
    held_out = [pair for pair in pairs if is_held_out(pair.pair_id)][: FLOORS["pairs_slice"]]
    result = evaluate_pairs(held_out, PairScorer(e5))
    print(f"held-out pairs: Pearson {result['pearson']} on {result['n']}")
    assert result["n"] == len(held_out)
    assert result["pearson"] >= FLOORS["pairs_pearson"]


@pytest.mark.skipif(not HEADLINES.is_file(), reason="../shared/data is not beside the repo")
def test_story_clustering_on_uci_headlines(e5, language_identifier) -> None:
    def make_tracker(db: str) -> Tracker:
        return Tracker(db, Settings(), encoder=e5, language_identifier=language_identifier)

    result = evaluate_clusters(read_uci(HEADLINES), make_tracker)
    print(f"UCI headlines: BCubed F1 {result['bcubed_f1']} (P {result['bcubed_precision']}), "
          f"{result['clusters']} stories")
    assert result["bcubed_f1"] >= FLOORS["uci_bcubed_f1"]
    assert result["bcubed_precision"] >= FLOORS["uci_bcubed_precision"]


READING = SHARED / "data" / "reading_dev" / "reading_gold.json"


@pytest.mark.skipif(not READING.is_file(), reason="../shared/data is not beside the repo")
def test_reading_on_hand_labelled_articles(e5, language_identifier) -> None:
    from babelwire.reading_eval import evaluate_reading, load_gold, tracker_reader

    reader = tracker_reader(lambda db: Tracker(db, Settings(), encoder=e5, language_identifier=language_identifier),
                            e5)
    result = evaluate_reading(load_gold(READING), reader)
    mentions, speakers = result["mentions"], result["speakers"]
    print(f"reading: mentions F1 {mentions['f1']} (P {mentions['precision']}, R {mentions['recall']}), "
          f"typed F1 {result['mentions_typed']['f1']}, quotes P {result['quotes']['precision']}, "
          f"speakers right {speakers['right_share']} wrong {speakers['wrong_share']}, "
          f"matched statements {result['matched_statements']}")
    assert mentions["f1"] >= FLOORS["reading_mention_f1"]
    assert result["mentions_typed"]["f1"] >= FLOORS["reading_mention_typed_f1"]
    assert min(block["mentions"]["recall"] for block in result["by_language"].values()) \
        >= FLOORS["reading_mention_recall_every_language"]
    assert result["quotes"]["precision"] >= FLOORS["reading_quote_precision"]
    assert speakers["right_share"] >= FLOORS["reading_speaker_right"]
    assert speakers["wrong_share"] <= FLOORS["reading_speaker_wrong_at_most"]
    assert result["matched_statements"]["precision"] >= FLOORS["reading_matched_statements_precision"]
    assert result["matched_statements"]["recall"] >= FLOORS["reading_matched_statements_recall"]


WIKINEWS = SHARED / "data" / "wikinews_sources" / "events.jsonl"
JUNK_JUDGED = Path(__file__).parent.parent / "bench" / "data" / "junk_judged.jsonl"


@pytest.mark.skipif(not (PAIRS.is_file() and WIKINEWS.is_file()), reason="../shared/data is not beside the repo")
def test_junk_filter_flags_only_pages_judged_junk() -> None:
    judged = {row["id"]: row["junk"] for row in map(json.loads, JUNK_JUDGED.read_text().splitlines())}
    settings = Settings()
    texts = semeval_texts(PAIRS) + wikinews_texts(WIKINEWS)  # the ids bench/junk.py prints
    flagged = [key for key, _, article in texts if junk_reason(article, settings)]
    unjudged = [key for key in flagged if key not in judged]
    assert not unjudged, f"newly flagged, read them and add them to {JUNK_JUDGED.name}: {unjudged}"
    right = sum(judged[key] for key in flagged)
    print(f"junk filter: {len(flagged)} texts flagged, {right} judged junk")
    assert len(flagged) >= FLOORS["junk_flagged_min"]
    assert right / len(flagged) >= FLOORS["junk_precision"]
