"""Dates the linker can trust: an unreliable date widens an article's window instead of placing it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from babelwire.dates import linking_interval
from babelwire.readers.html import find_publication_date
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate


class TopicEncoder:
    """One fixed vector per topic word found in the text: articles about one topic are alike, whatever
    their wording (so they are no syndicated copies), and nothing else is."""

    name = "topic-test"
    dim = 4
    TOPICS = ("flood", "election", "quake")

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        rows = np.full((len(texts), self.dim), 0.01, dtype=np.float32)
        for row, text in enumerate(texts):
            for column, topic in enumerate(self.TOPICS):
                if topic in text.casefold():
                    rows[row, column] = 1.0
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _article(text: str, source: str, published: PublishedDate | None) -> Article:
    article = Article(title="", text=text, source=source, url=f"https://{source}/story", published=published)
    article.language, article.language_confidence = "en", 1.0  # no language model needed
    return article


@pytest.fixture
def topic_tracker(tmp_path: Path, language_identifier) -> Tracker:
    tracker = Tracker(tmp_path / "dates.db", Settings(), encoder=TopicEncoder(),
                      language_identifier=language_identifier)
    yield tracker
    tracker.close()


FIRST = PublishedDate("2023-10-30", DateSource.JSONL, True)
FIRST_TEXT = "Flood waters rose across the valley on Monday and thousands left their homes for higher ground."


def test_a_date_guessed_from_the_page_text_does_not_pull_an_article_out_of_its_story(topic_tracker) -> None:
    guessed = PublishedDate("2001", DateSource.HTML_TEXT, False)  # "the 2001 conflict" in the body
    report = topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("Twenty years after the 2001 conflict, the flood is the worst the region has seen; "
                 "rescue teams worked through the night.", "second.example", guessed),
    ], read=False, watch=False)
    first, second = report.decisions
    assert not second.new_story and second.story_id == first.story_id
    story = topic_tracker.stories()[0]  # nor does the guess stretch the story's span back to 2001
    assert (story.first_seen, story.last_seen, story.span_inferred) == ("2023-10-30", "2023-10-30", False)


def test_a_reliable_date_far_away_still_starts_a_new_story(topic_tracker) -> None:
    report = topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("The flood of 2001 was the last one of this size, an archive piece recalls in detail today.",
                 "third.example", PublishedDate("2001-03-02", DateSource.JSONL, True)),
    ], read=False, watch=False)
    assert report.decisions[1].new_story


def test_a_url_date_widens_the_window_by_its_slack(topic_tracker) -> None:
    # nine days after the first article: outside the 7-day window, inside it with 3 days of slack
    report = topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("A week after the flood, families returned to clean mud out of their houses in the valley.",
                 "url.example", PublishedDate("2023-11-09", DateSource.URL, False)),
    ], read=False, watch=False)
    first, by_url = report.decisions
    assert by_url.story_id == first.story_id


def test_the_same_date_from_page_metadata_is_trusted(topic_tracker) -> None:
    report = topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("Nine days on, the flood damage bill is put at two billion euros by the regional government.",
                 "meta.example", PublishedDate("2023-11-09", DateSource.HTML_META, True)),
    ], read=False, watch=False)
    assert report.decisions[1].new_story  # nine days away, and no slack


def test_a_crawl_date_bounds_publication_from_above_only(topic_tracker) -> None:
    report = topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("Before the flood: the valley's river defences were praised in a council report this week.",
                 "early.example", PublishedDate("2023-10-01T00:00:00+00:00", DateSource.CRAWL, False)),
        _article("Archived months later: the flood in the valley and what the rescue services learned.",
                 "archive.example", PublishedDate("2024-06-01T00:00:00+00:00", DateSource.CRAWL, False)),
    ], read=False, watch=False)
    first, earlier_crawl, later_crawl = report.decisions
    assert earlier_crawl.new_story  # captured a month before the story began: it cannot be part of it
    assert later_crawl.story_id == first.story_id  # may have been published any time before its capture


def test_relink_and_a_fresh_linker_use_the_same_intervals(topic_tracker, tmp_path: Path) -> None:
    topic_tracker.add([
        _article(FIRST_TEXT, "first.example", FIRST),
        _article("Flood relief: the 2001 plan is finally in use, officials say.", "second.example",
                 PublishedDate("2001", DateSource.HTML_TEXT, False)),
    ], read=False, watch=False)
    report = topic_tracker.relink()
    assert report.unchanged
    reopened = Tracker(tmp_path / "dates.db", Settings(), encoder=TopicEncoder(),
                       language_identifier=topic_tracker.language_identifier)
    try:
        later = reopened.add([_article("The flood: insurers count the claims, a week on.", "third.example",
                                       PublishedDate("2023-11-02", DateSource.JSONL, True))], read=False, watch=False)
        assert not later.decisions[0].new_story
        assert len(reopened.stories()) == 1
    finally:
        reopened.close()


def test_linking_interval_by_source() -> None:
    day = PublishedDate("2023-10-30", DateSource.URL, False)
    start, end = linking_interval(day, url_slack_days=3)
    assert start == datetime(2023, 10, 27, tzinfo=UTC) and end.date().isoformat() == "2023-11-02"
    assert linking_interval(PublishedDate("2023-10-30", DateSource.HTML_TEXT, False)) is None
    assert linking_interval(PublishedDate("2023-10-30", DateSource.HTML_META, True)) == day.interval()
    assert linking_interval(None) is None
    crawl = PublishedDate("2023-10-30T12:00:00+00:00", DateSource.CRAWL, False)
    assert linking_interval(crawl)[0].year == 1 and linking_interval(crawl)[1] == crawl.interval()[1]
    assert linking_interval(crawl, crawl_lookback_days=10)[0] == datetime(2023, 10, 20, 12, tzinfo=UTC)
    assert linking_interval(day, url_slack_days=math.inf) is not None  # an absurd setting does not raise


def test_html_dates_from_body_text_are_marked_as_guessed() -> None:
    # htmldate's quick (metadata) pass must not read a year in the body as the publication date
    page = "<html><head><title>Talks</title></head><body><article><p>Twenty years after the 2001 conflict, " \
           "leaders met again.</p></article></body></html>"
    found = find_publication_date(page, None)
    assert found is not None and found.source == DateSource.HTML_TEXT and not found.reliable
    assert found.value == "2001"  # a year, not the first of January it was padded to
    assert linking_interval(found) is None
    meta = '<html><head><meta property="article:published_time" content="2023-10-30"></head>' \
           "<body><p>Twenty years after the 2001 conflict.</p></body></html>"
    dated = find_publication_date(meta, None)
    assert dated is not None and dated.value == "2023-10-30" and dated.reliable


def test_both_backends_leave_text_guessed_dates_out_of_a_story_span(store_db: str) -> None:
    from babelwire.store import open_store

    with open_store(store_db) as store:
        for number, published in enumerate((FIRST, PublishedDate("2001", DateSource.HTML_TEXT, False))):
            article = _article(f"{FIRST_TEXT} ({number})", f"s{number}.example", published)
            article.embedding = np.ones(4, np.float32)
            with store.transaction():
                key = store.insert_article(article)
                if number == 0:
                    store.create_story(1, "Flood")
                store.assign(key, 1, None)
        story = store.stories()[0]
        assert (story.first_seen, story.last_seen, len(story.article_ids)) == ("2023-10-30", "2023-10-30", 2)
