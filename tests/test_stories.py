"""End to end on real multilingual text: the seed pair and the demo corpus."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from babelwire.types import DateSource
from conftest import DEMO, SEEDS


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")
def test_seeds_become_one_story(make_tracker) -> None:
    tracker = make_tracker()
    report = tracker.ingest([SEEDS])
    assert report.added == 2 and not report.problems
    stories = tracker.stories()
    assert len(stories) == 1
    assert sorted(stories[0].languages) == ["nl", "sv"]
    _, articles = tracker.story(stories[0].id)
    swedish = next(a for a in articles if a.language == "sv")
    assert swedish.published is not None
    assert swedish.published.value == "2023-05"
    assert swedish.published.source is DateSource.HEADER
    dutch = next(a for a in articles if a.language == "nl")
    assert dutch.published is None  # no date in the file: none is invented


def demo_labels() -> dict[str, str]:
    return {row["file"]: row["event"] for row in csv.DictReader((DEMO / "labels.csv").open())}


def test_demo_corpus_every_event_is_one_story(demo_tracker) -> None:
    labels = demo_labels()
    tracker, report = demo_tracker, demo_tracker.demo_report
    assert not report.problems
    # 059_en.txt reprints 005_en.txt for another outlet: a copy, not an article
    assert (report.added, report.copies) == (len(labels) - 1, 1)
    story_of_event: dict[str, set[int]] = defaultdict(set)
    events_of_story: dict[int, set[str]] = defaultdict(set)
    for story in tracker.stories():
        for article in tracker.story(story.id)[1] + tracker.story_copies(story.id):
            event = labels[Path(article.origin).name]
            story_of_event[event].add(story.id)
            events_of_story[story.id].add(event)
    split = {event: stories for event, stories in story_of_event.items() if len(stories) > 1}
    mixed = {story: events for story, events in events_of_story.items() if len(events) > 1}
    assert not split, f"events split over several stories: {split}"
    assert not mixed, f"stories mixing events: {mixed}"
    assert len(story_of_event) == len(set(labels.values()))


def test_demo_corpus_languages_are_identified(demo_tracker) -> None:
    tracker = demo_tracker
    wrong = Counter()
    for story in tracker.stories():
        for article in tracker.story(story.id)[1]:
            expected = Path(article.origin).stem.split("_")[1]
            if article.language != expected:
                wrong[(expected, article.language)] += 1
    assert not wrong


def test_search_crosses_languages(demo_tracker) -> None:
    tracker, labels = demo_tracker, demo_labels()
    hits = tracker.search("Erdbeben in der Türkei, Tote und Verletzte", limit=5)
    events = [labels[Path(tracker.store.article(hit.article_id).origin).name] for hit in hits]
    languages = {hit.language for hit in hits}
    assert events[:3] == ["izmir-earthquake"] * 3
    assert languages - {"de"}, "the hits should not all be German"


def test_compare_explains_the_score(demo_tracker) -> None:
    labels = demo_labels()
    by_file = {}
    for story in demo_tracker.stories():
        for article in demo_tracker.story(story.id)[1]:
            by_file[Path(article.origin).name] = article.id
    same = demo_tracker.compare(by_file["001_fr.txt"], by_file["013_en.txt"])  # both izmir-earthquake
    other = demo_tracker.compare(by_file["001_fr.txt"], by_file["012_en.txt"])  # the Izmir forum
    assert labels["001_fr.txt"] == labels["013_en.txt"] != labels["012_en.txt"]
    assert same.score > other.score
    assert 0.0 <= other.score <= same.score <= 1.0
    assert set(same.contributions) == set(same.features)
    assert same.top_reasons(2)[0][0] in same.features
