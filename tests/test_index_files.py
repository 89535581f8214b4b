"""The linker's vector index saved beside the store (babelwire.index_files, babelwire.linker_state).

A process opens the saved index and reads from the store only what was stored after it; whatever happens
between a commit and a save, the decisions and search results are those of an index rebuilt from the store.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from babelwire.encoders import HashingEncoder
from babelwire.index import TimeBucketedIndex, UsearchIndex
from babelwire.index_files import MANIFEST, IndexFiles, IndexIdentity
from babelwire.linker_state import LinkerState
from babelwire.settings import Settings
from babelwire.store import Store
from babelwire.tracker import Tracker
from story_corpus import HASHING_SETTINGS, article

#: six events, each told in a few articles over three weeks (so the index has several time buckets)
EVENTS = [
    ("Varnaholm bridge M-17 collapse Kessler", "en"), ("Rivamonte flood R-9 Tarrasco levee", "it"),
    ("Wierzbowo referendum Nowakowska turnout", "pl"), ("Ostbrücke strike Lindqvist port", "de"),
    ("Piave-Süd wildfire Bellini evacuation", "fr"), ("Kallavesi election Mäkinen coalition", "fi"),
]
FILLER = ["report", "said", "officials", "local", "residents", "morning", "city", "news", "update", "later",
          "statement"]


def _articles(count: int, seed: int, prefix: str) -> list:
    chance = random.Random(seed)
    made = []
    for number in range(count):
        event, language = chance.choice(EVENTS)
        day = 1 + chance.randrange(21)
        words = event.split() * 3 + chance.sample(FILLER, 5)
        chance.shuffle(words)
        made.append(article(f"{event} {number}", " ".join(words) + f" {prefix}{number}.", language,
                            published=f"2024-03-{day:02d}", source=f"outlet{number % 7}.example",
                            article_id=f"{prefix}{number}"))
    return made


def _tracker(db: Path | str, settings: Settings = HASHING_SETTINGS) -> Tracker:
    return Tracker(db, settings, encoder=HashingEncoder())


def _rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The keys of the linked articles the tracker reads from the store to build or catch up its index."""
    read: list[int] = []
    original = Store.iter_link_rows

    def counting(store: Store, after: int = 0):
        for row in original(store, after):
            read.append(row.seq)
            yield row

    monkeypatch.setattr(Store, "iter_link_rows", counting)
    return read


def _stories(tracker: Tracker) -> dict[str, int]:
    return {a.id: a.story_id for story in tracker.stories() for a in tracker.story(story.id)[1]}


def _search(tracker: Tracker, queries: list[str]) -> list[list[tuple[str, float]]]:
    return [[(hit.article_id, round(hit.score, 5)) for hit in tracker.search(query, limit=8, min_score=0.0)]
            for query in queries]


QUERIES = [event for event, _ in EVENTS] + ["port strike", "nothing at all here"]


def test_a_saved_graph_opens_as_a_view_with_the_same_neighbours(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((700, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    built = UsearchIndex(32, exact_below=500)  # past 500 vectors: an HNSW graph
    built.add(np.arange(700), vectors)
    path = built.save(tmp_path / "bucket")
    opened = UsearchIndex.open(path, 700, 32, exact_below=500)
    assert len(opened) == 700 and path.suffix == ".usearch"
    for query in vectors[::37]:
        expected, opened_found = built.search(query, 10), opened.search(query, 10)
        assert opened_found[0].tolist() == expected[0].tolist()
        assert np.allclose(opened_found[1], expected[1])
    opened.add(np.array([700]), vectors[:1])  # a view cannot grow: it is read into memory first
    assert len(opened) == 701 and opened.search(vectors[0], 2)[0].tolist() in ([0, 700], [700, 0])


def test_a_bucketed_index_opens_from_its_files_without_reading_them_before_a_search(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    index = TimeBucketedIndex(16, 7.0)
    from datetime import UTC, datetime, timedelta

    start = datetime(2024, 1, 1, tzinfo=UTC)
    vectors = rng.standard_normal((60, 16)).astype(np.float32)
    for key, vector in enumerate(vectors):
        moment = start + timedelta(days=key)
        index.add(key, vector / np.linalg.norm(vector), None if key % 10 == 0 else (moment, moment))
    layout = index.save(tmp_path, "t1")
    opened = TimeBucketedIndex.open(16, tmp_path, layout)
    assert len(opened) == 60
    assert all(bucket._file is not None for bucket in opened._buckets.values())  # nothing read yet
    for key in (3, 25, 41):
        moment = start + timedelta(days=key)
        expected = index.search(vectors[key], 5, (moment, moment), 7.0)
        found = opened.search(vectors[key], 5, (moment, moment), 7.0)
        assert found[0].tolist() == expected[0].tolist()
    assert any(bucket._file is not None for bucket in opened._buckets.values())  # far buckets still unread


def test_a_new_process_opens_the_saved_index_and_decides_as_a_rebuilt_one(tmp_path: Path, monkeypatch) -> None:
    first, second = _articles(120, 1, "a"), _articles(60, 2, "b")
    with _tracker(tmp_path / "saved.db") as tracker:
        tracker.add(first)
    assert (tmp_path / "saved.db.vectors" / MANIFEST).is_file()
    read = _rows_read(monkeypatch)
    with _tracker(tmp_path / "saved.db") as tracker:
        tracker.add(second)  # opens the saved index: reads no stored vector
        assert read == []
        saved_stories, saved_hits = _stories(tracker), _search(tracker, QUERIES)
    off = HASHING_SETTINGS.replace(vector_index_dir="off")
    with _tracker(tmp_path / "rebuilt.db", off) as tracker:
        tracker.add(first)
    with _tracker(tmp_path / "rebuilt.db", off) as tracker:
        tracker.add(second)
        assert len(read) == len(first)  # without saved files, every stored vector is read again
        assert _stories(tracker) == saved_stories and _search(tracker, QUERIES) == saved_hits
    assert not (tmp_path / "rebuilt.db.vectors").exists()


def test_a_crash_between_the_commit_and_the_save_is_caught_up_from_the_store(tmp_path: Path, monkeypatch) -> None:
    first, second, third = _articles(80, 3, "a"), _articles(40, 4, "b"), _articles(30, 5, "c")
    with _tracker(tmp_path / "crash.db") as tracker:
        tracker.add(first)
    with monkeypatch.context() as patched:
        patched.setattr(LinkerState, "save", lambda self, linker: None)  # the process dies before saving
        with _tracker(tmp_path / "crash.db") as tracker:
            tracker.add(second)
    read = _rows_read(monkeypatch)
    with _tracker(tmp_path / "crash.db") as tracker:
        tracker.add(third)
        # only what the saved index missed is read
        assert {a.id for a in tracker.store.articles_by_keys(read).values()} == {a.id for a in second}
        caught_up_stories, caught_up_hits = _stories(tracker), _search(tracker, QUERIES)
    off = HASHING_SETTINGS.replace(vector_index_dir="off")
    with _tracker(tmp_path / "plain.db", off) as tracker:
        for batch in (first, second, third):
            tracker.add(batch)
        assert _stories(tracker) == caught_up_stories and _search(tracker, QUERIES) == caught_up_hits


def test_a_searching_process_sees_another_process_s_articles_without_a_rebuild(tmp_path: Path, monkeypatch) -> None:
    first, second = _articles(60, 6, "a"), _articles(20, 7, "b")
    with _tracker(tmp_path / "live.db") as writer:
        writer.add(first)
    read = _rows_read(monkeypatch)
    with _tracker(tmp_path / "live.db") as searcher, _tracker(tmp_path / "live.db") as writer:
        before = searcher.search(second[0].title, limit=3, min_score=0.0)
        assert read == [] and second[0].id not in [hit.article_id for hit in before]
        writer.add(second)  # the writer saves its index after committing
        after = searcher.search(second[0].text, limit=3, min_score=0.0)
        assert read == [] and after[0].article_id == second[0].id  # the searcher opened the writer's files


@pytest.mark.parametrize("damage", ["foreign", "older copy", "garbled", "missing file"])
def test_saved_files_that_do_not_match_the_store_are_rebuilt(tmp_path: Path, monkeypatch, damage: str) -> None:
    first, second = _articles(50, 8, "a"), _articles(30, 9, "b")
    with _tracker(tmp_path / "store.db") as tracker:
        tracker.add(first)
    shutil.copy(tmp_path / "store.db", tmp_path / "older.db")
    with _tracker(tmp_path / "store.db") as tracker:
        tracker.add(second)
    vectors = tmp_path / "store.db.vectors"
    if damage == "foreign":  # another store's files beside this one
        with _tracker(tmp_path / "other.db") as tracker:
            tracker.add(_articles(10, 10, "z"))
        shutil.rmtree(vectors)
        shutil.copytree(tmp_path / "other.db.vectors", vectors)
    elif damage == "older copy":  # the store restored from a copy older than its files
        shutil.copy(tmp_path / "older.db", tmp_path / "store.db")
        for name in ("store.db-wal", "store.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
    elif damage == "garbled":
        (vectors / MANIFEST).write_text("{not json", encoding="utf-8")
    else:  # a file the manifest names (earlier ones stay a while for readers of earlier manifests)
        layout = json.loads((vectors / MANIFEST).read_text())["layout"]
        (vectors / next(iter(layout["buckets"].values()))["file"]).unlink()
    read = _rows_read(monkeypatch)
    with _tracker(tmp_path / "store.db") as tracker:
        hits = _search(tracker, QUERIES)
        stored = tracker.store.count_articles()
    assert len(read) == stored  # rebuilt from every stored vector
    with _tracker(tmp_path / "store.db", HASHING_SETTINGS.replace(vector_index_dir="off")) as tracker:
        assert _search(tracker, QUERIES) == hits


def test_a_saved_state_older_than_the_files_is_not_saved_over_them(tmp_path: Path) -> None:
    index = TimeBucketedIndex(4, 7.0)
    index.add(1, np.array([1, 0, 0, 0], dtype=np.float32), None)
    files = IndexFiles(tmp_path)
    identity = IndexIdentity("store", "hashing", 4, "p")
    assert files.save(index, identity, 5, "e5")
    index.add(2, np.array([0, 1, 0, 0], dtype=np.float32), None)
    assert not files.save(index, identity, 4, "e4")  # a writer that went on from an older state
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["high_water"] == 5 and manifest["layout"]["loose"]["count"] == 1
    assert files.open(identity, {5: "e5"}.get) is not None
    assert files.open(identity, {5: "another"}.get) is None
    assert files.open(IndexIdentity("store", "e5", 4, "p"), {5: "e5"}.get) is None


def test_a_postgresql_store_keeps_its_index_under_the_given_directory(postgres_url: str, tmp_path: Path,
                                                                      monkeypatch) -> None:
    settings = HASHING_SETTINGS.replace(vector_index_dir=str(tmp_path / "vectors"))
    first, second = _articles(40, 11, "a"), _articles(20, 12, "b")
    with _tracker(postgres_url, settings) as tracker:
        tracker.add(first)
    assert len(list((tmp_path / "vectors").glob(f"*/{MANIFEST}"))) == 1
    read = _rows_read(monkeypatch)
    with _tracker(postgres_url, settings) as tracker:
        tracker.add(second)
        assert read == []
        assert tracker.search(second[3].text, limit=1, min_score=0.0)[0].article_id == second[3].id


def test_a_server_encodes_queries_and_new_articles_outside_its_lock(tmp_path: Path) -> None:
    from babelwire.web.catalog import Catalog, StoryFilters

    held: list[bool] = []

    class Watching(HashingEncoder):
        def encode(self, texts, kind="passage"):
            held.append(catalog._lock.locked())
            return super().encode(texts, kind)

    catalog = Catalog(tmp_path / "served.db", HASHING_SETTINGS, encoder=Watching())
    try:
        first = _articles(30, 13, "a")
        assert catalog.ingest(first)["added"] == 30
        assert catalog.search(first[0].text, limit=3, min_score=0.0)[0]["article_id"] == first[0].id
        assert catalog.stories(StoryFilters(query=EVENTS[0][0]), limit=5).stories
    finally:
        catalog.close()
    assert len(held) >= 3 and not any(held)  # the articles' batch, the search and the story query


def test_files_no_manifest_names_are_deleted_only_after_the_grace(tmp_path: Path) -> None:
    import os

    from babelwire.index_files import GRACE_S

    index = TimeBucketedIndex(4, 7.0)
    files, identity = IndexFiles(tmp_path), IndexIdentity("store", "hashing", 4, "p")
    for key in range(1, 4):
        index.add(key, np.eye(4, dtype=np.float32)[key], None)
        assert files.save(index, identity, key, f"e{key}")
    current = json.loads((tmp_path / MANIFEST).read_text())["layout"]["loose"]["file"]
    replaced = sorted(path.name for path in tmp_path.glob("*.npz") if path.name != current)
    assert len(replaced) == 2  # a reader of an earlier manifest may still open them
    stale = tmp_path / replaced[0]
    os.utime(stale, (stale.stat().st_mtime - GRACE_S - 1,) * 2)
    index.add(4, np.eye(4, dtype=np.float32)[0], None)
    assert files.save(index, identity, 4, "e4")
    left = {path.name for path in tmp_path.glob("*.npz")}
    assert stale.name not in left and replaced[1] in left and current in left
    assert files.open(identity, {4: "e4"}.get).index.search(np.eye(4, dtype=np.float32)[2], 1)[0].tolist() == [2]
