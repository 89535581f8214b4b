"""The copy detector's LSH bands kept in the store (issue #15): the store-backed detector decides as the in-memory
one did, without loading every signature; stores made before the bands get theirs; a failed write leaves none."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import numpy as np
import pytest

from babelwire.copies import (
    BAND_LAYOUT_KEY,
    BANDS_DONE_KEY,
    MinHashCopyDetector,
    StoreCopyDetector,
    backfill_bands,
    band_hashes,
    band_layout,
)
from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.store import Store, open_store
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate

VOCABULARY = [f"{stem}{suffix}" for stem in ("harbour", "vessel", "council", "river", "market", "school", "storm",
                                             "bridge", "mayor", "station", "budget", "strike", "court", "league")
              for suffix in ("", "s", "ed", "ing", "er", "al", "ly", "ment", "ness", "ion")]
#: the two detectors' settings for these tests: batches of 4, so that copies meet originals of their own batch
#: and of earlier ones
SETTINGS = Settings(encoder="hashing", language_identifier="py3langid", read_at_ingest=False,
                    read_in_background=False, ingest_batch_size=4)


def _text(rng: random.Random, words: int = 110) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)) + "."


def _edited(rng: random.Random, text: str, changes: int) -> str:
    """``text`` with ``changes`` words replaced by others: every change breaks up to five 5-gram shingles."""
    words = text.split()
    for position in rng.sample(range(len(words)), changes):
        words[position] = f"edit{rng.randrange(10**6)}"
    return " ".join(words)


def syndication_corpus(seed: int = 5) -> list[Article]:
    """Originals, exact reprints and edited reprints on both sides of the 0.7 threshold, in arrival order.

    Some originals are edits of others that stay below the threshold, and their reprints sit between two
    originals: the most similar one must win, as in the in-memory detector.
    """
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(8):
        base = _text(rng)
        texts.append(base)
        texts.append(_edited(rng, base, 12))  # a second original, similar but below the threshold
        texts.extend(_edited(rng, base, changes) for changes in (0, 0, 1, 2, 3, 4, 5, 6, 8))
    texts.extend(_text(rng, words=12) for _ in range(3))  # too short to sign: exact matches only
    texts.extend(texts[-3:])
    rest = list(range(2, len(texts)))
    rng.shuffle(rest)  # the first two originals come first; the rest arrive in any order
    order = [0, 1, *rest]
    published = PublishedDate("2026-03-03", DateSource.CALLER, True)
    return [Article(title="Report", text=texts[index], source=f"outlet{number}.example",
                    url=f"https://outlet{number}.example/{number}", published=published)
            for number, index in enumerate(order)]


def _tracker(db: str, language_identifier, factory: Callable[[Settings], object] | None = None,
             settings: Settings = SETTINGS) -> Tracker:
    return Tracker(db, settings, encoder=HashingEncoder(), language_identifier=language_identifier,
                   copy_detector_factory=factory)  # type: ignore[arg-type]


def _in_memory(settings: Settings) -> MinHashCopyDetector:
    return MinHashCopyDetector(settings.copy_threshold, settings.copy_num_perm)


def _decisions(store: Store, articles: list[Article]) -> list[tuple[str | None, float | None]]:
    """What the store says of each article: the original it copies and how similar it is."""
    found = [store.article(article.id) for article in articles]
    assert all(found)
    return [(article.copy_of, article.copy_similarity) for article in found if article is not None]


def _band_rows(store: Store) -> int:
    return int(store._execute("SELECT COUNT(*) FROM copy_bands").fetchone()[0])


def _signed_originals(store: Store) -> int:
    return int(store._execute("SELECT COUNT(*) FROM articles WHERE copy_of IS NULL AND minhash IS NOT NULL")
               .fetchone()[0])


def test_the_band_layout_and_hashes_are_datasketchs_and_stable() -> None:
    from datasketch import MinHashLSH

    index = MinHashLSH(threshold=0.7, num_perm=64)
    layout = band_layout(0.7, 64)
    assert layout is not None and (layout.bands, layout.rows) == (index.b, index.r) == (8, 8)
    assert band_layout(1.0, 64) is None
    strict = band_layout(0.8, 64)
    assert strict is not None and (strict.bands, strict.rows) == (MinHashLSH(threshold=0.8, num_perm=64).b, 11)
    # stored hashes must never change: a change would need a new layout key (and a backfill)
    assert band_hashes(np.arange(64, dtype=np.uint32), layout)[0, :2].tolist() == [
        2086416528024037492, 1970709154838249951]
    first = np.arange(64, dtype=np.uint32)
    second = first.copy()
    second[8:] += 1  # only the first band is the same
    hashes = band_hashes(np.stack([first, second]), layout)
    assert hashes.dtype == np.int64 and hashes.shape == (2, 8)
    assert hashes[0, 0] == hashes[1, 0] and not (hashes[0, 1:] == hashes[1, 1:]).any()
    same_values = np.full(64, 7, dtype=np.uint32)
    assert len(set(band_hashes(same_values, layout)[0].tolist())) == 8  # the band number is in each hash


def _halves() -> tuple[list[Article], list[Article]]:
    """The corpus in two parts, as new objects: a tracker marks the articles it is given (``copy_of``)."""
    articles = syndication_corpus()
    return articles[:60], articles[60:]


def test_the_store_detector_decides_as_the_in_memory_one(store_db: str, tmp_path, language_identifier) -> None:
    first, later = _halves()
    with _tracker(str(tmp_path / "memory.db"), language_identifier, _in_memory) as memory:
        memory.add(first)
        expected = _decisions(memory.store, first)
    first, later = _halves()
    with _tracker(store_db, language_identifier) as banded:
        assert isinstance(banded.copy_detector, StoreCopyDetector)
        banded.add(first)
        assert _decisions(banded.store, first) == expected
        assert not banded.store.check_consistency()

    # a later process: the in-memory detector loads every stored signature, the banded one asks the store
    with _tracker(str(tmp_path / "memory.db"), language_identifier, _in_memory) as memory:
        memory.add(later)
        expected_later = _decisions(memory.store, later)
    first, later = _halves()
    with _tracker(store_db, language_identifier) as banded:
        banded.store.iter_copy_fingerprints = _refuse  # type: ignore[method-assign]
        banded.add(later)
        assert _decisions(banded.store, later) == expected_later
        assert _band_rows(banded.store) == 8 * _signed_originals(banded.store)
        assert not banded.store.check_consistency()
    # the corpus has what the comparison is about: exact and near copies, near texts that are no copies, and
    # copies of originals a previous process stored
    similarities = [similarity for copy_of, similarity in expected + expected_later if copy_of is not None]
    assert similarities.count(1.0) >= 8 and sum(0.7 <= s < 1.0 for s in similarities) >= 20
    assert sum(copy_of is None for copy_of, _ in expected + expected_later) >= 30
    assert any(copy_of in {a.id for a in first} for copy_of, _ in expected_later)


def _refuse() -> None:
    raise AssertionError("the store-backed detector must not load every signature")


def test_the_batch_overlay_is_dropped_once_stored(tmp_path, language_identifier) -> None:
    with _tracker(str(tmp_path / "s.db"), language_identifier) as tracker:
        tracker.add(syndication_corpus()[:20])
        detector = tracker.copy_detector
        assert isinstance(detector, StoreCopyDetector)
        probe = detector.fingerprint(Article(title="x", text="nothing like it " * 30))
        assert detector.match(probe) is None
        assert detector._overlay.ids() == set()  # the stored batches are found in the store, not held


def _forget_bands(store: Store) -> None:
    """Take the store back to the schema before the bands (same articles and signatures)."""
    with store.transaction():
        store._execute("DROP TABLE copy_bands")
        store._execute("DELETE FROM meta WHERE key IN (?, ?)", (BAND_LAYOUT_KEY, BANDS_DONE_KEY))
        store._write_schema_version(len(store.migrations) - 1)


def test_a_store_from_before_the_bands_gets_them_and_finds_old_originals(store_db: str, language_identifier) -> None:
    articles = syndication_corpus()[:40]
    rng = random.Random(9)
    reprints = [Article(title="Reprint", text=_edited(rng, article.text, 2), source="late.example")
                for article in articles]
    with _tracker(store_db, language_identifier, _in_memory) as old:
        old.add(articles)
        expected = [old.copy_detector.match(old.copy_detector.fingerprint(a)) for a in reprints]
    with open_store(store_db) as store:
        _forget_bands(store)
        assert store.schema_version == len(store.migrations) - 1
    with open_store(store_db) as store:  # migrated: the table is there, empty until a detector bands it
        assert store.schema_version == len(store.migrations)
        assert _band_rows(store) == 0 and store.get_meta(BANDS_DONE_KEY) is None
        layout = band_layout(0.7, 64)
        assert layout is not None
        assert backfill_bands(store, layout, batch_size=3) == _signed_originals(store) > 10
        assert backfill_bands(store, layout) == 0 and store.get_meta(BANDS_DONE_KEY) == layout.key()
        assert _band_rows(store) == 8 * _signed_originals(store)
        with store.transaction():
            store._execute("DELETE FROM copy_bands WHERE seq = (SELECT MIN(seq) FROM copy_bands)")
        assert any("copy band rows" in problem for problem in store.check_consistency())
        _forget_bands(store)
    with _tracker(store_db, language_identifier) as banded:  # the tracker's detector backfills when bound
        detector = banded.copy_detector
        assert _band_rows(banded.store) == 8 * _signed_originals(banded.store)
        found = [detector.match(detector.fingerprint(a)) for a in reprints]
        assert found == expected and sum(match is not None and match.similarity < 1 for match in found) >= 10
        assert not banded.store.check_consistency()


def test_another_threshold_rebands_the_store(store_db: str, tmp_path, language_identifier) -> None:
    strict = dataclasses.replace(SETTINGS, copy_threshold=0.8)
    with _tracker(store_db, language_identifier) as banded:
        banded.add(syndication_corpus()[:40])
    memory_db = str(tmp_path / "memory.db")
    with _tracker(memory_db, language_identifier, _in_memory) as memory:
        memory.add(syndication_corpus()[:40])
    with _tracker(memory_db, language_identifier, _in_memory, settings=strict) as memory:
        articles = syndication_corpus()
        memory.add(articles[40:])
        expected = _decisions(memory.store, articles[40:])
    assert sum(copy_of is not None and 0.8 <= similarity < 1 for copy_of, similarity in expected) >= 5
    articles = syndication_corpus()
    with _tracker(store_db, language_identifier, settings=strict) as banded:
        banded.add(articles[40:])
        assert _decisions(banded.store, articles[40:]) == expected
        assert banded.store.get_meta(BAND_LAYOUT_KEY) == "64:5x11"
        assert _band_rows(banded.store) == 5 * _signed_originals(banded.store)


def test_a_failed_write_leaves_no_band_rows(store_db: str, language_identifier) -> None:
    articles = syndication_corpus()[:12]
    with _tracker(store_db, language_identifier) as tracker:
        store = tracker.store
        assign = store.assign

        def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError("disk on fire")

        store.assign = fail  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            tracker.add(articles)
        assert _band_rows(store) == 0 and _signed_originals(store) == 0
        assert store.get_meta(BAND_LAYOUT_KEY) == "64:8x8"  # bound before the batch: the layout stays
        store.assign = assign  # type: ignore[method-assign]
        articles = syndication_corpus()[:12]  # read again, as a new run would
        report = tracker.add(articles)  # the detector forgot the batch that was not stored: nothing is lost
        assert report.added + report.copies == len(articles)
        assert _band_rows(store) == 8 * _signed_originals(store) > 0
        assert not store.check_consistency()


def test_many_candidates_are_read_in_chunks(store_db: str) -> None:
    """Originals sharing a band are all read, however many (the keys go to the database in chunks)."""
    layout = band_layout(0.7, 64)
    assert layout is not None
    signature = np.arange(64, dtype=np.uint32).tobytes()
    with open_store(store_db) as store:
        with store.transaction():
            store.set_meta(BAND_LAYOUT_KEY, layout.key())
            for number in range(1203):
                store.insert_article(Article(title="t", text=f"text {number}", source="s.example"), signature)
        hashes = band_hashes(np.frombuffer(signature, dtype=np.uint32), layout)[0].tolist()
        found = store.copy_band_candidates(hashes[:1])
        assert len(found) == 1203 and len({article_id for article_id, _ in found}) == 1203
        assert all(blob == signature for _, blob in found)
        assert store.copy_band_candidates([12345]) == []


def test_a_detector_bands_the_store_again_when_another_process_changed_the_layout(store_db: str) -> None:
    articles = syndication_corpus()[:30]
    with open_store(store_db) as store:
        usual, strict = StoreCopyDetector(0.7), StoreCopyDetector(0.8)
        usual.bind(store)
        with store.transaction():
            for article in articles[:20]:
                fingerprint = usual.fingerprint(article)
                if usual.match(fingerprint) is None:
                    store.insert_article(article, fingerprint.minhash_bytes())
        memory = MinHashCopyDetector(0.7)
        memory.bind(store)
        expected = [memory.match(memory.fingerprint(article)) for article in articles[20:]]
        assert any(match is not None and match.similarity < 1 for match in expected)
        strict.bind(store)  # another process, other settings: the bands are cut 5 x 11 now
        assert store.get_meta(BAND_LAYOUT_KEY) == "64:5x11"
        assert [usual.match(usual.fingerprint(article)) for article in articles[20:]] == expected
        assert store.get_meta(BAND_LAYOUT_KEY) == "64:8x8" and store.copy_band_drift() == 0
