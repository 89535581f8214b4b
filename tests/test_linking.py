"""The incremental linker on synthetic vectors: joins, new stories, the time window, merges, time buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from babelwire.dates import interval_gap_days
from babelwire.index import ExactIndex, TimeBucketedIndex, UsearchIndex
from babelwire.linking import StoryLinker, relink
from babelwire.relinking import match_story_ids
from babelwire.settings import Settings

DIM = 16
SETTINGS = Settings(link_threshold=0.8, merge_threshold=0.85, link_window_days=3, same_language_offset=0.0)


def unit(*components: float) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(components)] = components
    return vector / np.linalg.norm(vector)


def day(n: int) -> tuple[datetime, datetime]:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
    return start, start + timedelta(hours=23)


def test_join_and_new_story() -> None:
    linker = StoryLinker(SETTINGS, DIM)
    first = linker.link(1, "a", unit(1, 0), day(0))
    second = linker.link(2, "b", unit(1, 0.1), day(0))
    third = linker.link(3, "c", unit(0, 1), day(0))
    assert first.new_story and first.story_id == 1
    assert not second.new_story and second.story_id == 1 and second.score > 0.9
    assert third.new_story and third.story_id == 2


def test_time_window_separates_recurring_events() -> None:
    linker = StoryLinker(SETTINGS, DIM)
    linker.link(1, "a", unit(1, 0), day(0))
    late = linker.link(2, "b", unit(1, 0), day(10))
    assert late.new_story
    undated = linker.link(3, "c", unit(1, 0.05), None)
    assert not undated.new_story  # no date: no window to apply


def test_partial_date_overlaps_its_whole_month() -> None:
    month = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    linker = StoryLinker(SETTINGS, DIM)
    linker.link(1, "a", unit(1, 0), month)
    assert not linker.link(2, "b", unit(1, 0.05), day(20)).new_story


def test_old_near_copies_do_not_crowd_out_the_window() -> None:
    # 60 look-alikes a month earlier outrank the one story member of this week; a single
    # global top-50 would hold only them, and the article would start a story of its own
    linker = StoryLinker(SETTINGS.replace(link_neighbours=50), DIM)
    for key in range(1, 61):
        linker.link(key, f"old-{key}", unit(1, 0), day(0))
    linker.link(100, "this-week", unit(1, 0.3), day(40))
    decision = linker.link(101, "new", unit(1, 0.05), day(41))
    assert not decision.new_story and decision.story_id == linker.story_of(100)


def test_time_buckets_miss_nothing_inside_the_window() -> None:
    rng = np.random.default_rng(3)
    window = 3.0
    buckets, everything = TimeBucketedIndex(DIM, window, ExactIndex), {}
    for key in range(600):
        vector = rng.normal(size=DIM).astype(np.float32)
        vector /= np.linalg.norm(vector)
        kind = key % 6
        if kind == 0:
            interval = None  # undated
        elif kind == 1:  # loosely dated (a month): the loose bucket
            interval = (day(int(rng.integers(0, 60))), day(int(rng.integers(0, 60)) + 30))
            interval = (interval[0][0], interval[1][1])
        else:  # precise, up to a bit less than a bucket long
            start = day(0)[0] + timedelta(hours=float(rng.uniform(0, 90 * 24)))
            interval = (start, start + timedelta(hours=float(rng.uniform(0, 2.9 * 24))))
        buckets.add(key, vector, interval)
        everything[key] = (vector, interval)
    assert len(buckets) == 600
    for trial in range(40):
        query = rng.normal(size=DIM).astype(np.float32)
        start = day(0)[0] + timedelta(hours=float(rng.uniform(-10 * 24, 100 * 24)))
        around = (start, start + timedelta(hours=float(rng.uniform(0, 24 * (1 if trial % 2 else 20)))))
        keys, _ = buckets.search(query, 600, around, window)
        found = {key for key in keys.tolist()
                 if everything[key][1] is None or interval_gap_days(around, everything[key][1]) <= window}
        expected = {key for key, (_, interval) in everything.items()
                    if interval is None or interval_gap_days(around, interval) <= window}
        assert found == expected
        assert len(keys) < 600  # far buckets were not read
    keys, _ = buckets.search(rng.normal(size=DIM).astype(np.float32), 600)
    assert len(keys) == 600  # undated: every bucket


def test_bucketed_search_ranks_across_buckets() -> None:
    buckets = TimeBucketedIndex(DIM, 7.0, ExactIndex)
    buckets.add(1, unit(1, 0.5), day(0))
    buckets.add(2, unit(1, 0), day(8))  # the next week
    buckets.add(3, unit(1, 0.2), None)
    buckets.add(4, unit(0, 1), day(9))
    keys, sims = buckets.search(unit(1, 0), 3, day(8), 7.0)
    assert keys.tolist() == [2, 3, 1]
    assert sims[0] == pytest.approx(1.0) and list(sims) == sorted(sims, reverse=True)


def test_bridge_article_merges_two_stories_and_records_it() -> None:
    linker = StoryLinker(SETTINGS, DIM)
    linker.link(1, "a", unit(1, 0.35), day(0))
    linker.link(2, "b", unit(1, -0.35), day(0))  # cos ~0.78 with a: a second story
    assert linker.story_of(1) != linker.story_of(2)
    bridge = linker.link(3, "c", unit(1, 0), day(0))  # cos ~0.94 with both: joins the older
    # the grown story's centroid is now ~0.875 from the other's: one event after all
    assert bridge.merged_story_ids == (2,)
    assert bridge.story_id == 1
    assert linker.story_of(1) == linker.story_of(2) == linker.story_of(3) == 1


def test_same_language_offset_demands_more_of_same_language_pairs() -> None:
    settings = SETTINGS.replace(same_language_offset=0.1)
    linker = StoryLinker(settings, DIM)
    linker.link(1, "a", unit(1, 0), day(0), "de")
    assert linker.link(2, "b", unit(1, 0.6), day(0), "de").new_story  # cos 0.857 - 0.1 < 0.8
    assert not linker.link(3, "c", unit(1, 0.6), day(0), "fr").new_story  # cross-language: 0.857


def test_same_input_same_stories() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(5, DIM))
    vectors = [centres[i % 5] + rng.normal(scale=0.3, size=DIM) for i in range(60)]
    vectors = [(v / np.linalg.norm(v)).astype(np.float32) for v in vectors]
    items = [(i + 1, f"a{i}", v, day(i % 3), "en") for i, v in enumerate(vectors)]
    first_linker, first = relink(SETTINGS, DIM, items)
    second_linker, second = relink(SETTINGS, DIM, items)
    assert first == second
    assert [first_linker.story_of(k) for k, *_ in items] == [second_linker.story_of(k) for k, *_ in items]


def test_hnsw_index_agrees_with_exact_search() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = np.arange(1, 3001)
    exact, graph = ExactIndex(32), UsearchIndex(32, exact_below=1000)
    exact.add(keys, vectors)
    graph.add(keys[:1500], vectors[:1500])  # crosses exact_below: builds the graph
    graph.add(keys[1500:], vectors[1500:])
    assert len(graph) == 3000
    hits = 0
    for query in vectors[:50]:
        exact_keys, exact_sims = exact.search(query, 10)
        graph_keys, graph_sims = graph.search(query, 10)
        hits += len(set(exact_keys.tolist()) & set(graph_keys.tolist()))
        assert abs(exact_sims[0] - graph_sims[0]) < 1e-4
        exact_by_key = dict(zip(exact_keys.tolist(), exact_sims.tolist(), strict=True))
        # the graph holds 8-bit vectors: its cosines are approximate, not wrong
        assert all(abs(exact_by_key[k] - s) < 0.02 for k, s in zip(graph_keys.tolist(), graph_sims.tolist(),
                                                                       strict=True) if k in exact_by_key)
    assert hits / 500 > 0.95


# --- story ids through a relink (babelwire.relinking) ----------------------------------------------


def test_relinked_stories_keep_the_id_they_overlap_most() -> None:
    old = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}
    new = {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 3}  # article 3 moved from story 1 to story 2
    final, report = match_story_ids(old, new, next_free_id=10)
    assert final == {1: 1, 2: 2, 3: 3}
    assert (report.kept, report.created, report.merged, report.moved) == ([1, 2, 3], [], {}, 1)
    assert report.split == {1: [1, 2]} and report.stories == 3 and not report.unchanged


def test_a_story_that_loses_its_id_is_merged_where_most_of_it_went() -> None:
    final, report = match_story_ids({1: 1, 2: 2, 3: 2}, {1: 7, 2: 7, 3: 7}, next_free_id=5)
    assert final == {7: 2} and report.merged == {1: (2, 1.0)} and report.moved == 1 and report.split == {}


def test_a_relinked_story_without_an_old_one_gets_a_fresh_id() -> None:
    final, report = match_story_ids({1: 1, 2: 1}, {1: 1, 2: 2}, next_free_id=10)
    assert final == {1: 1, 2: 10} and report.created == [10] and report.split == {1: [1, 10]}
    same, unchanged = match_story_ids({1: 4, 2: 4, 3: 9}, {1: 1, 2: 1, 3: 2}, next_free_id=10)
    assert same == {1: 4, 2: 9} and unchanged.unchanged and unchanged.kept == [4, 9]
