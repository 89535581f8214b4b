"""Syndicated copies: reprints are stored, attached to their original, and never inflate a story."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from babelwire.copies import MinHashCopyDetector, MinHashSigner, band_layout, shingles
from babelwire.store import MIGRATIONS, Store
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate

# a wire story written for these tests, and what outlets do to it when they reprint it
WIRE = (
    "The harbour authority of Port Alvera closed the northern shipping lane on Tuesday after a cargo ship lost "
    "power and drifted onto a sandbank near the lighthouse. Tugboats tried for six hours to pull the vessel free "
    "before the tide turned. Nobody was hurt, the authority said, and no fuel has leaked. Around forty ships are "
    "waiting at anchor outside the harbour, and the fishing cooperative warned that fresh catches could spoil if "
    "the lane stays closed until the weekend. Engineers will inspect the hull on Wednesday morning."
)
REPRINT = WIRE.replace("Engineers will inspect the hull on Wednesday morning.", "") + " (Reporting by the wire desk.)"
# the same event, reported independently: other words, other facts
OWN_REPORT = (
    "Dozens of vessels sat idle off Port Alvera on Tuesday evening: a freighter without engine power had run "
    "aground beside the old lighthouse and blocked the only deep channel into the port. Local fishermen said "
    "they would lose a week of income. The port's director promised the channel would reopen once divers had "
    "checked the damage, possibly by Thursday."
)


def _article(text: str, source: str | None, url: str | None = None, title: str = "Ship aground at Port Alvera",
             day: str = "2026-03-03") -> Article:
    published = PublishedDate(day, DateSource.CALLER, True)
    return Article(title=title, text=text, source=source, url=url, published=published)


def test_shingles_use_characters_for_scripts_without_spaces() -> None:
    chinese = "港口管理局周二关闭了北部航道因为一艘货船失去动力搁浅在灯塔附近的沙洲上拖船试图将其拉出"
    assert all(len(shingle) == 7 for shingle in shingles(chinese))
    assert len(shingles("one two three four five six")) == 2


@pytest.mark.parametrize("num_perm", [16, 64, 128])
def test_signatures_are_datasketchs_affine32_signatures(num_perm: int) -> None:
    # stored signatures were made by datasketch: signing without it must give the same values, bit for bit
    from datasketch import MinHash

    rng = random.Random(num_perm)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöüßλж") for _ in range(rng.randint(1, 9)))
             for _ in range(2000)]
    signer = MinHashSigner(num_perm)
    for _ in range(60):
        found = {" ".join(rng.choice(words) for _ in range(5)) for _ in range(rng.randint(1, 500))}
        reference = MinHash(num_perm=num_perm, seed=1, scheme="affine32")
        reference.update_batch([shingle.encode("utf-8") for shingle in found])
        assert np.array_equal(signer.signature(found), reference.hashvalues.astype(np.uint32))
    assert (signer.signature(set()) == 2**32 - 1).all()


@pytest.mark.parametrize("num_perm", [32, 64, 128])
def test_band_layout_is_the_one_datasketch_chooses(num_perm: int) -> None:
    from datasketch.lsh import _optimal_param

    for threshold in [step / 20 for step in range(1, 20)] + [0.33, 0.67, 0.71, 0.85]:
        layout = band_layout(threshold, num_perm)
        assert (layout.bands, layout.rows) == _optimal_param(threshold, num_perm, 0.5, 0.5), threshold
    assert band_layout(1.0, num_perm) is None


def test_signing_and_banding_do_not_import_datasketch() -> None:
    # datasketch's LSH module imports scipy.integrate: a third of a second in every cold ingest
    code = ("import sys; from babelwire.copies import MinHashSigner, band_layout; "
            "MinHashSigner(64).signature({'a b c d e'}); band_layout(0.7, 64); "
            "print(sorted(m for m in sys.modules if m.startswith(('datasketch', 'scipy.integrate'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_detector_finds_reprints_but_not_independent_reports() -> None:
    detector = MinHashCopyDetector(threshold=0.7)
    original = _article(WIRE, "wire.example")
    detector.add(original.id, detector.fingerprint(original))
    reprint = detector.match(detector.fingerprint(_article(REPRINT, "daily.example", title="Lane closed")))
    assert reprint is not None and reprint.original_id == original.id and 0.7 <= reprint.similarity < 1.0
    exact = detector.match(detector.fingerprint(_article(WIRE, "other.example")))
    assert exact is not None and exact.similarity == 1.0
    assert detector.match(detector.fingerprint(_article(OWN_REPORT, "local.example"))) is None
    # a short text shares phrases by chance: only the exact same text counts
    short = _article("Port Alvera closed its northern lane after a ship ran aground.", "a.example")
    detector.add(short.id, detector.fingerprint(short))
    near_short = _article("Port Alvera closed its northern lane after a ship ran aground on Tuesday.", "b.example")
    assert detector.match(detector.fingerprint(near_short)) is None


def test_signatures_survive_the_store(tmp_path: Path) -> None:
    """A detector rebuilt from stored bytes matches like the one that made them."""
    first = MinHashCopyDetector()
    original = _article(WIRE, "wire.example")
    fingerprint = first.fingerprint(original)
    first.add(original.id, fingerprint)
    second = MinHashCopyDetector()
    second.load([(original.id, original.content_hash, fingerprint.minhash_bytes())])
    reprint = _article(REPRINT, "daily.example")
    match = second.match(second.fingerprint(reprint))
    assert match is not None and match.original_id == original.id
    assert match == first.match(first.fingerprint(reprint))


def test_copies_join_the_story_without_inflating_it(hashing_tracker: Tracker, tmp_path: Path) -> None:
    tracker = hashing_tracker
    report = tracker.add([
        _article(WIRE, "wire.example", "https://wire.example/ship"),
        _article(WIRE, "herald.example", "https://herald.example/ship"),  # the same text elsewhere
        _article(REPRINT, "daily.example", "https://daily.example/lane", title="Lane closed"),  # trimmed, signed
        _article(WIRE, "wire.example", "https://wire.example/ship?utm_source=feed"),  # the same article again
        _article(OWN_REPORT, "local.example", "https://local.example/aground", title="Freighter blocks channel"),
    ])
    assert (report.added, report.copies, report.duplicates) == (2, 2, 1)
    assert not tracker.store.check_consistency()
    story = next(s for s in tracker.stories() if s.copies)
    assert story.copies == 2
    original_id = _article(WIRE, "wire.example", "https://wire.example/ship").id
    assert original_id in story.article_ids
    copies = tracker.story_copies(story.id)
    assert {copy.source for copy in copies} == {"herald.example", "daily.example"}
    assert all(copy.copy_of == original_id and copy.story_id == story.id for copy in copies)
    assert all(copy.id not in story.article_ids for copy in copies)
    # copies are never linked or searched on their own: they have no vector
    assert all(tracker.store.embedding(copy.id) is None for copy in copies)
    assert sum(story.languages.values()) == len(story.article_ids)
    expected_outlets = 3 + (1 if _article(OWN_REPORT, "local.example").id in story.article_ids else 0)
    assert story.outlets == expected_outlets

    # a new process rebuilds the detector from the store: a later reprint is still a copy
    db = tracker.store.path
    tracker.close()
    reopened = Tracker(db, tracker.settings, encoder=tracker.encoder, language_identifier=tracker.language_identifier)
    try:
        later = reopened.add([_article(REPRINT + " Updated.", "evening.example", "https://evening.example/x")])
        assert (later.added, later.copies) == (0, 1)
        assert reopened.relink().stories >= 1  # re-linking from scratch keeps copies with their originals
        assert not reopened.store.check_consistency()
        story_after = reopened.store.resolve_story_id(reopened.store.article_story_id(original_id) or 0)
        assert story_after is not None and len(reopened.story_copies(story_after)) == 3
    finally:
        reopened.close()


def test_copy_threshold_one_keeps_only_exact_copies(tmp_path: Path, language_identifier) -> None:
    from babelwire.encoders import HashingEncoder
    from babelwire.settings import Settings

    settings = Settings(encoder="hashing", copy_threshold=1.0)
    with Tracker(tmp_path / "exact.db", settings, encoder=HashingEncoder(),
                 language_identifier=language_identifier) as tracker:
        report = tracker.add([
            _article(WIRE, "wire.example"), _article(REPRINT, "daily.example"), _article(WIRE, "herald.example"),
        ])
        assert (report.added, report.copies) == (2, 1)


def test_the_copies_migration_keeps_stored_articles(tmp_path: Path) -> None:
    old = tmp_path / "v2.db"
    with sqlite3.connect(old) as connection:  # a store as schema version 2 made it, with one article
        connection.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1])
        connection.execute("INSERT INTO stories VALUES (1, 't', '2026-01-01', '2026-01-01', NULL)")
        connection.execute(
            "INSERT INTO articles (id, origin, title, text, language, language_confidence, published_source, "
            "published_reliable, ingested_at, content_hash, story_id) "
            "VALUES ('a1', 'x.txt', 't', 'some text', 'en', 1.0, 'none', 0, '2026-01-01', 'h1', 1)"
        )
        connection.execute("PRAGMA user_version=2")
    with Store(old) as store:
        assert store.schema_version == len(MIGRATIONS)
        article = store.article("a1")
        assert article is not None and article.text == "some text" and article.story_id == 1
        assert article.copy_of is None and not store.check_consistency()
        assert store.find_duplicate(Article(title="t", text="other", id="a1")) == "a1"


def test_near_copies_of_articles_stored_before_signatures_are_found(store_db: str, language_identifier) -> None:
    """A store migrated from before schema version 3 holds its articles without MinHash signatures; the copy
    detector signs them the first time it loads, so reprints of old articles are still found (issue 16)."""
    from babelwire.copies import BACKFILL_DONE_KEY
    from babelwire.encoders import HashingEncoder
    from babelwire.settings import Settings
    from babelwire.store import open_store

    def tracker() -> Tracker:
        return Tracker(store_db, Settings(encoder="hashing"), encoder=HashingEncoder(),
                       language_identifier=language_identifier)

    with tracker() as first:
        first.add([_article(WIRE, "wire.example"), _article(OWN_REPORT, "own.example")])
    with open_store(store_db) as store:  # what the v3 migration leaves: the column there, every value NULL
        with store.transaction():
            store._execute("UPDATE articles SET minhash = NULL")
            store._execute("DELETE FROM meta WHERE key = ?", (BACKFILL_DONE_KEY,))
        before = {aid: store.article(aid) for aid, _, _ in store.iter_copy_fingerprints()}
        assert all(minhash is None for _, _, minhash in store.iter_copy_fingerprints())
    with tracker() as second:
        report = second.add([_article(REPRINT, "daily.example")])
        assert (report.added, report.copies) == (0, 1)
        wire_id = next(aid for aid, article in before.items() if article.source == "wire.example")
        assert report.decisions == [] or all(d.article_id != wire_id for d in report.decisions)
    with open_store(store_db) as store:
        signed = {aid: minhash for aid, _, minhash in store.iter_copy_fingerprints()}
        assert set(signed) == set(before) and all(signed.values())
        assert store.get_meta(BACKFILL_DONE_KEY) == "1"
        for aid, article in before.items():  # nothing else of the stored articles changed
            after = store.article(aid)
            assert (after.text, after.title, after.story_id, after.content_hash) == (
                article.text, article.title, article.story_id, article.content_hash)


def test_a_pre_v3_sqlite_store_is_signed_in_batches(tmp_path: Path) -> None:
    from babelwire.copies import BACKFILL_DONE_KEY, backfill_signatures

    old = tmp_path / "v2.db"
    with sqlite3.connect(old) as connection:  # schema version 2: no minhash column yet
        connection.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1])
        connection.execute("INSERT INTO stories VALUES (1, 't', '2026-01-01', '2026-01-01', NULL)")
        for number, text in enumerate([WIRE, OWN_REPORT, "too short to shingle"]):
            connection.execute(
                "INSERT INTO articles (id, origin, title, text, language, language_confidence, published_source, "
                "published_reliable, ingested_at, content_hash, story_id) "
                "VALUES (?, 'x.txt', 't', ?, 'en', 1.0, 'none', 0, '2026-01-01', ?, 1)",
                (f"a{number}", text, f"h{number}"),
            )
        connection.execute("PRAGMA user_version=2")
    with Store(old) as store:
        detector = MinHashCopyDetector()
        assert backfill_signatures(store, detector, batch_size=1) == 2  # the short text stays unsigned
        assert backfill_signatures(store, detector) == 0 and store.get_meta(BACKFILL_DONE_KEY) == "1"
        detector.load(store.iter_copy_fingerprints())
        match = detector.match(detector.fingerprint(_article(REPRINT, "daily.example")))
        assert match is not None and match.original_id == "a0"
