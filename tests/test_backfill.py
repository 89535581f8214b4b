"""Backfill: publication order, one writer, and the same stories in one process as on Ray.

Ray runs in this process's own local cluster (2 CPUs, a small object store), started
once for the module. The Ray-versus-one-process stores use the bundled e5 encoder, as
a user's would (the Ray actors rebuild it from the settings, so the comparison covers
that too); the cheaper checks against ``ingest`` use the hashing encoder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.backfill import backfill
from babelwire.cli import app
from babelwire.encoders import HashingEncoder
from babelwire.readers import read_inputs
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, IngestReport
from conftest import DEMO
from samples import ARTICLE_DE, ARTICLE_EN

ray = pytest.importorskip("ray")

CORPUS = DEMO / "corpus"


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A small Ray of this process, shared by the module's tests; backfill joins it and leaves it running."""
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=256 * 2**20, log_to_driver=False)
    yield
    ray.shutdown()


def troublesome_inputs(folder: Path) -> list[str]:
    """Inputs beside the corpus that exercise every report field: problems of each kind and a duplicate."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "short.txt").write_text("tiny")
    (folder / "lines.jsonl").write_text("{oops\n" + json.dumps({"text": ARTICLE_DE}) + "\n")
    (folder / "undated.txt").write_text("title Undated\n\n" + ARTICLE_EN)
    shutil.copy(CORPUS / "001_fr.txt", folder / "again_001_fr.txt")  # the same article: a duplicate
    return [str(CORPUS), str(folder), str(folder / "missing.txt")]


def expected_order(inputs: list[str]) -> list[str]:
    """Article ids in publication order, undated last, ties by id: computed here, independently of order_key."""
    articles = [item for item in read_inputs(inputs, Settings()) if isinstance(item, Article)]

    def key(article: Article) -> tuple[bool, datetime, str]:
        start = article.published.interval()[0] if article.published else datetime.max.replace(tzinfo=UTC)
        return (article.published is None, start, article.id)

    seen, order = set(), []
    for article in sorted(articles, key=key):
        if article.id not in seen:  # a later duplicate is dropped by the writer
            seen.add(article.id)
            order.append(article.id)
    return order


def story_map(tracker: Tracker) -> dict[frozenset[str], str]:
    """Each live story as its set of article ids (copies included), with its title."""
    found = {}
    for story in tracker.stories():
        members = {article.id for article in tracker.store.story_articles(story.id)}
        members |= {article.id for article in tracker.story_copies(story.id)}
        found[frozenset(members)] = story.title
    return found


def languages(tracker: Tracker) -> dict[str, str]:
    return {
        article.id: article.language
        for story in tracker.stories()
        for article in tracker.store.story_articles(story.id)
    }


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory, e5, language_identifier, local_ray) -> Iterator[dict]:
    """The same inputs backfilled on Ray into one store and in this process into another."""
    folder = tmp_path_factory.mktemp("backfill")
    inputs = troublesome_inputs(folder / "extra")
    result: dict = {"inputs": inputs}
    for mode in ("ray", "local"):
        tracker = Tracker(folder / f"{mode}.db", Settings(), encoder=e5, language_identifier=language_identifier)
        result[mode] = tracker
        result[f"{mode}_report"] = backfill(tracker, inputs, use_ray=mode == "ray")
    yield result
    for mode in ("ray", "local"):
        result[mode].close()


def test_ray_and_single_process_make_the_same_stories(backfilled: dict) -> None:
    ray_tracker, local_tracker = backfilled["ray"], backfilled["local"]
    ray_report, local_report = backfilled["ray_report"], backfilled["local_report"]
    assert ray_report.added >= 50
    assert (ray_report.added, ray_report.copies, ray_report.duplicates) == (
        local_report.added, local_report.copies, local_report.duplicates,
    )
    assert ray_report.duplicates == 1
    assert [d.article_id for d in ray_report.decisions] == [d.article_id for d in local_report.decisions]
    assert ray_report.problems == local_report.problems
    problems = " ".join(str(problem) for problem in ray_report.problems)
    for name in ("missing.txt", "empty.txt", "short.txt", "lines.jsonl:1"):
        assert name in problems
    ray_stories = story_map(ray_tracker)
    assert len(ray_stories) >= 11  # the demo's 11 events, plus the undated extra
    assert ray_stories == story_map(local_tracker)
    assert languages(ray_tracker) == languages(local_tracker)
    assert ray.is_initialized()  # backfill joined the caller's Ray and left it running


def test_backfill_links_in_publication_order(backfilled: dict) -> None:
    report: IngestReport = backfilled["ray_report"]
    stored = [d.article_id for d in report.decisions]  # the writer's order (syndicated copies are not linked)
    everything = expected_order(backfilled["inputs"])
    assert stored == [article_id for article_id in everything if article_id in set(stored)]
    assert len(everything) == len(stored) + report.copies + len(["short.txt"])  # the rest never reach the linker
    undated = backfilled["ray"].store.article(stored[-1])
    assert undated is not None and undated.published is None


def test_rerun_adds_nothing(backfilled: dict) -> None:
    """Re-running over the Ray-built store (in one process: the writer is the same) stores nothing new."""
    tracker: Tracker = backfilled["ray"]
    before = story_map(tracker)
    again = backfill(tracker, backfilled["inputs"])
    assert (again.added, again.copies, again.new_stories) == (0, 0, 0)
    assert again.duplicates == backfilled["ray_report"].added + backfilled["ray_report"].copies + 1
    assert story_map(tracker) == before


def test_single_process_equals_ingest_in_publication_order(tmp_path: Path, language_identifier) -> None:
    """``ingest`` links in reading order: given the files in publication order it must agree with backfill.

    With the hashing encoder, to keep the module's run time down (e5 is compared with Ray above).
    """
    files = {item.id: item.origin for item in read_inputs([CORPUS], Settings()) if isinstance(item, Article)}
    ordered_files = [files[article_id] for article_id in expected_order([str(CORPUS)])]
    assert sorted(ordered_files) == sorted(str(path) for path in CORPUS.iterdir())  # one article per file
    results = []
    for name, run, inputs in (("ingest", Tracker.ingest, ordered_files), ("backfill", backfill, [CORPUS])):
        tracker = Tracker(tmp_path / f"{name}.db", Settings(encoder="hashing"), encoder=HashingEncoder(),
                          language_identifier=language_identifier)
        with tracker:
            report = run(tracker, inputs)
            results.append((report, story_map(tracker)))
    (ingested, ingest_stories), (backfilled_report, backfill_stories) = results
    assert backfill_stories == ingest_stories
    assert len(backfill_stories) > 11  # hashing does not link across languages: many small stories
    assert [d.article_id for d in backfilled_report.decisions] == [d.article_id for d in ingested.decisions]
    assert (backfilled_report.added, backfilled_report.copies) == (ingested.added, ingested.copies)
    assert backfilled_report.added + backfilled_report.copies == len(files)


def test_single_process_reports_like_ingest(tmp_path: Path, language_identifier) -> None:
    """The same counts and problems as ``ingest`` for inputs whose reading order is publication order."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2026-01-02\ntitle A\n\n" + ARTICLE_EN)
    (folder / "b.txt").write_text("date 2026-01-03\ntitle B\n\n" + ARTICLE_DE)
    (folder / "c.txt").write_text("date 2026-01-02\ntitle A\n\n" + ARTICLE_EN)  # duplicate of a.txt
    (folder / "empty.txt").write_bytes(b"")
    (folder / "short.txt").write_text("date 2026-01-04\n\ntiny")
    inputs = [folder, tmp_path / "missing.txt"]
    reports = []
    for name, run in (("ingest", Tracker.ingest), ("backfill", backfill)):
        tracker = Tracker(tmp_path / f"{name}.db", Settings(encoder="hashing"), encoder=HashingEncoder(),
                          language_identifier=language_identifier)
        with tracker:
            reports.append(run(tracker, inputs))
    ingested, backfilled_report = reports
    assert (backfilled_report.added, backfilled_report.duplicates) == (ingested.added, ingested.duplicates) == (2, 1)
    assert sorted(map(str, backfilled_report.problems)) == sorted(map(str, ingested.problems))
    assert len(backfilled_report.problems) == 3


def test_ray_refuses_an_encoder_the_workers_cannot_rebuild(tmp_path: Path, language_identifier) -> None:
    tracker = Tracker(tmp_path / "odd.db", Settings(encoder="hashing"), encoder=HashingEncoder(dim=64),
                      language_identifier=language_identifier)
    with tracker:
        with pytest.raises(ValueError, match="hashing-64-4"):
            backfill(tracker, [CORPUS], use_ray=True)
        assert tracker.store.count_articles() == 0


def test_cli_backfill_in_one_process(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('encoder = "hashing"\nlanguage_identifier = "py3langid"\n')
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("date 2026-01-02\ntitle A\n\n" + ARTICLE_EN)
    (folder / "b.txt").write_text("title B\n\n" + ARTICLE_DE)
    db = str(tmp_path / "cli.db")
    result = CliRunner().invoke(app, ["backfill", str(folder), "--db", db, "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 2
    again = CliRunner().invoke(app, ["backfill", str(folder), "--db", db, "--config", str(config)])
    assert again.exit_code == 0, again.output
    assert "added 0 articles" in again.stdout and "2 duplicates skipped" in again.stdout
