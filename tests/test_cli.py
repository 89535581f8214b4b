"""The command line: JSON shapes, the default store, errors with exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from babelwire import __version__
from babelwire.cli import app
from babelwire.encoders import HashingEncoder
from babelwire.export import COLUMNS, export_rows
from babelwire.tracker import Tracker
from conftest import DEMO, REPO, SEEDS
from story_corpus import HASHING_SETTINGS, build_store, corpus

runner = CliRunner()


def babelwire(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script, as a user would."""
    command = [str(Path(sys.executable).parent / "babelwire"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")
def test_ingest_seeds_then_stories_json(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    ingest = babelwire("ingest", str(SEEDS), "--db", db)
    assert ingest.returncode == 0, ingest.stderr
    assert "added 2 articles and 0 syndicated copies, 0 duplicates skipped, 1 new story," in ingest.stdout
    listed = babelwire("stories", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    stories = json.loads(listed.stdout)
    assert len(stories) == 1
    story = stories[0]
    assert story["languages"] == ["nl", "sv"]
    assert story["article_count"] == 2
    for key in ("id", "title", "first_seen", "last_seen", "articles"):
        assert key in story
    for article in story["articles"]:
        assert set(article) >= {"id", "title", "language", "published", "source"}
    assert {a["language"]: a["published"] for a in story["articles"]} == {"sv": "2023-05", "nl": None}
    # the undated Dutch article does not stretch the span to the day it was ingested
    assert (story["first_seen"], story["last_seen"], story["span_inferred"]) == ("2023-05", "2023-05", False)

    detail = json.loads(babelwire("story", str(story["id"]), "--db", db, "--json").stdout)
    swedish = next(a for a in detail["articles"] if a["language"] == "sv")
    assert swedish["published_source"] == "header" and swedish["published_reliable"] is True


def test_default_db_from_environment(tmp_path: Path) -> None:
    env = {**os.environ, "BABELWIRE_DB": str(tmp_path / "env.db")}
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("001_fr.txt", "002_fr.txt"):
        (corpus / name).write_bytes((DEMO / "corpus" / name).read_bytes())
    assert babelwire("ingest", str(corpus), env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "env.db").exists()
    assert not (tmp_path / "babelwire.db").exists()
    listed = json.loads(babelwire("stories", "--json", env=env, cwd=tmp_path).stdout)
    assert sum(story["article_count"] for story in listed) == 2


def test_search_and_story_commands_on_the_demo(demo_tracker) -> None:
    db = demo_tracker.store.path
    result = runner.invoke(app, ["search", "Schachweltmeisterschaft Finale", "--db", db, "--json", "-n", "5"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 5
    assert len({hit["story_id"] for hit in hits[:3]}) == 1
    assert len({hit["language"] for hit in hits}) >= 3
    shown = runner.invoke(app, ["story", str(hits[0]["story_id"]), "--db", db])
    assert shown.exit_code == 0 and "articles" in shown.stdout


def test_missing_story_and_bad_store_exit_nonzero(tmp_path: Path, hashing_tracker) -> None:
    result = runner.invoke(app, ["story", "999", "--db", hashing_tracker.store.path],
                           env={"BABELWIRE_ENCODER": "hashing"})
    assert result.exit_code == 1 and "no story 999" in result.stderr
    (tmp_path / "junk.db").write_bytes(b"garbage" * 200)
    result = runner.invoke(app, ["stories", "--db", str(tmp_path / "junk.db")])
    assert result.exit_code == 2
    assert "not a babelwire store" in result.stderr


def test_ingest_reports_problems_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "good.txt").write_bytes((DEMO / "corpus" / "001_fr.txt").read_bytes())
    db = str(tmp_path / "p.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db, "--encoder", "hashing", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 1
    assert summary["problems"] == [{"input": str(tmp_path / "in" / "empty.txt"), "reason": "empty input"}]


def test_readme_documents_every_command_and_option() -> None:
    readme = (REPO / "README.md").read_text()
    import typer.main

    def walk(command, prefix: str):
        for name, sub in getattr(command, "commands", {}).items():
            yield f"{prefix} {name}", sub
            yield from walk(sub, f"{prefix} {name}")

    for name, sub in walk(typer.main.get_command(app), "babelwire"):
        assert name in readme, f"README does not show `{name}`"
        for param in sub.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"README does not document {option} of `{name}`"


def copy_store(tracker, target: Path) -> str:
    """A copy of a tracker's SQLite store, for a test that changes it."""
    with sqlite3.connect(tracker.store.path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return str(target)


def test_relink_on_the_demo_keeps_every_story_id(demo_tracker, tmp_path: Path) -> None:
    db = copy_store(demo_tracker, tmp_path / "demo.db")
    before = {story.id: sorted(story.article_ids) for story in demo_tracker.stories()}
    result = runner.invoke(app, ["relink", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["kept"] == sorted(before) and report["created"] == [] and report["merged"] == {}
    shown = runner.invoke(app, ["relink", "--db", db])
    assert shown.stdout.startswith(f"{len(before)} stories after relinking: {len(before)} kept their id, 0 new")
    listed = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).stdout)
    assert {story["id"]: sorted(a["id"] for a in story["articles"]) for story in listed} == before


# --- export -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small hashing-encoder store (four stories in eight languages) for the export tests."""
    return build_store(tmp_path_factory.mktemp("export") / "corpus.db", corpus())


def export(db: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("BABELWIRE_ENCODER", "hashing")
    return runner.invoke(app, ["export", *args, "--db", db])


def test_export_tables_in_every_format_hold_the_same_rows(corpus_db: str, tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    with Tracker(corpus_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        stories = tracker.stories()
    for what in ("stories", "articles"):
        names = [name for name, _ in COLUMNS[what]]
        lines = export(corpus_db, what, monkeypatch=monkeypatch)
        assert lines.exit_code == 0, lines.output
        rows = [json.loads(line) for line in lines.stdout.splitlines()]
        assert rows and all(list(row) == names for row in rows)
        table = export(corpus_db, what, "--format", "csv", monkeypatch=monkeypatch)
        parsed = list(csv.DictReader(io.StringIO(table.stdout)))
        assert list(parsed[0]) == names and len(parsed) == len(rows)
        assert [row[names[0]] for row in parsed] == [str(row[names[0]]) for row in rows]
        out = tmp_path / f"{what}.parquet"
        result = export(corpus_db, what, "-f", "parquet", "--out", str(out), monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
        assert pq.read_table(out).to_pylist() == rows  # typed columns: the same values as the JSON
    story_rows = [json.loads(line) for line in export(corpus_db, "stories", monkeypatch=monkeypatch).stdout.split("\n")
                  if line]
    assert [row["story_id"] for row in story_rows] == sorted(story.id for story in stories)
    flood = next(row for row in story_rows if row["title"] == "Inundaciones en Rivamonte")
    assert (flood["languages"], flood["article_count"], flood["span_inferred"]) == ("en es it", 4, False)
    assert (flood["first_seen"], flood["last_seen"]) == ("2024-04-10", "2024-04-12")


def test_export_in_pieces_is_the_whole_export(corpus_db: str) -> None:
    """What the API streams, piece by piece from the store, is byte for byte what the CLI writes."""
    from babelwire.export import export_chunks, write_export

    with Tracker(corpus_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        for what in ("stories", "articles"):
            for format_name in ("jsonl", "csv"):
                whole = io.BytesIO()
                write_export(export_rows(tracker.store, what), what, format_name, whole)
                pieces = list(export_chunks(tracker.store, what, format_name, chunk_bytes=128))
                assert len(pieces) > 1 and all(pieces) and b"".join(pieces) == whole.getvalue()
                assert all(len(piece) >= 128 for piece in pieces[:-1])  # rows gathered, not sent one by one


def test_export_of_quotes_and_entities_reads_the_stories(corpus_db: str, monkeypatch) -> None:
    with Tracker(corpus_db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        live = {story.id for story in tracker.stories()}
    entities = [json.loads(line) for line in export(corpus_db, "entities", monkeypatch=monkeypatch).stdout.split("\n")
                if line]
    assert {row["story_id"] for row in entities} <= live and all(
        list(row) == [name for name, _ in COLUMNS["entities"]] for row in entities)
    names = {row["name"] for row in entities}
    assert any("Tarrasco-Bellini" in name for name in names), names
    quotes = export(corpus_db, "quotes", "-f", "csv", monkeypatch=monkeypatch)
    assert quotes.exit_code == 0 and quotes.stdout.splitlines()[0] == ",".join(n for n, _ in COLUMNS["quotes"])


def test_export_errors_name_the_input_and_keep_what_is_there(corpus_db: str, tmp_path: Path, monkeypatch) -> None:
    unknown = export(corpus_db, "people", monkeypatch=monkeypatch)
    assert unknown.exit_code == 2 and "'people'" in unknown.stderr
    bad_format = export(corpus_db, "stories", "--format", "xlsx", monkeypatch=monkeypatch)
    assert bad_format.exit_code == 2 and "'xlsx'" in bad_format.stderr
    missing = export(str(tmp_path / "typo.db"), "stories", monkeypatch=monkeypatch)
    assert missing.exit_code == 2 and "no store at" in missing.stderr and not (tmp_path / "typo.db").exists()
    out = tmp_path / "stories.csv"
    out.write_text("an earlier export\n")

    rows = export_rows

    def failing(store, what):
        yield next(rows(store, what))
        raise OSError("disk full")

    monkeypatch.setattr("babelwire.export.export_rows", failing)
    result = export(corpus_db, "stories", "-f", "jsonl", "-o", str(out), monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "disk full" in result.stderr
    assert out.read_text() == "an earlier export\n" and sorted(p.name for p in tmp_path.iterdir()) == ["stories.csv"]


def test_readme_documents_every_export_column() -> None:
    section = (REPO / "README.md").read_text().split("### Export", 1)[1].split("\n## ", 1)[0]
    for what, columns in COLUMNS.items():
        assert f"`{what}`" in section
        for name, _ in columns:
            assert f"`{name}`" in section, f"README's export section lacks {what}.{name}"


# --- friction: what a user types and reads ------------------------------------------------------


def test_a_missing_store_is_an_error_except_for_the_commands_that_fill_one(tmp_path: Path) -> None:
    typo = tmp_path / "nwes.db"
    for command in (["stories"], ["story", "1"], ["search", "x"], ["compare", "a", "b"], ["relink"],
                    ["export", "stories"], ["serve"]):
        result = runner.invoke(app, [*command, "--db", str(typo)])
        assert result.exit_code == 2, (command, result.output)
        assert f"no store at {typo}" in result.stderr and not typo.exists()
    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_bytes((DEMO / "corpus" / "001_fr.txt").read_bytes())
    made = runner.invoke(app, ["ingest", str(corpus_dir), "--db", str(typo), "--encoder", "hashing"])
    assert made.exit_code == 0 and typo.exists()
    assert "added 1 article and 0 syndicated copies, 0 duplicates skipped, 1 new story," in made.stdout
    listed = runner.invoke(app, ["stories", "--db", str(typo)], env={"BABELWIRE_ENCODER": "hashing"})
    assert listed.exit_code == 0 and "1 story" in listed.stdout and "1 stories" not in listed.stdout


def test_python_dash_m_runs_the_command() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "babelwire", "--version"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "babelwire" in result.stdout


#: runs the command named by its arguments, then prints the modules the process imported, after a marker line
_MODULES_SCRIPT = """
import sys
from babelwire.cli import main
sys.argv = ["babelwire", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("--- modules ---")
print(" ".join(sorted(sys.modules)))
"""


def _modules_imported(*args: str) -> set[str]:
    """The modules a new ``babelwire ARGS`` process imported."""
    result = subprocess.run([sys.executable, "-c", _MODULES_SCRIPT, *args], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split("--- modules ---", 1)[1].split())


def test_help_and_version_import_no_pipeline() -> None:
    # every command pays for what the CLI module imports: the tracker, the store and numpy only where used
    for args in (["--help"], ["--version"], ["stories", "--help"]):
        loaded = _modules_imported(*args)
        assert not loaded & {"babelwire.tracker", "babelwire.store", "babelwire.reading", "numpy"}, args


def test_listing_stories_imports_no_reading_analysis(demo_tracker) -> None:
    # a listing shows stored readings (gists): computing one (coverage, quotes, scipy) or reading files
    # (feeds, HTML) is not its work
    loaded = _modules_imported("stories", "-n", "5", "--db", str(demo_tracker.store.path))
    assert "babelwire.tracker" in loaded  # the check is of a command that ran
    assert not loaded & {"babelwire.reading", "babelwire.coverage", "babelwire.quotes", "scipy",
                         "babelwire.readers", "babelwire.entities"}


def test_package_names_are_imported_on_first_use() -> None:
    import babelwire
    from babelwire.tracker import Tracker as TrackerClass
    from babelwire.types import Article

    assert babelwire.Tracker is TrackerClass and babelwire.Article is Article
    assert {"Tracker", "Settings", "Story", "__version__"} <= set(dir(babelwire))
    with pytest.raises(AttributeError, match="no attribute 'Trackr'"):
        _ = babelwire.Trackr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"babelwire {__version__}"


@pytest.mark.parametrize("spelling", ["EN", "english", "English", "en", "eng"])
def test_language_option_takes_codes_and_names(demo_tracker, spelling: str) -> None:
    result = runner.invoke(app, ["stories", "--db", demo_tracker.store.path, "-l", spelling, "--json"])
    assert result.exit_code == 0, result.output
    english = [s.id for s in demo_tracker.stories(language="en")]
    assert english and [story["id"] for story in json.loads(result.stdout)] == english


def test_an_unknown_language_is_an_error_naming_it(demo_tracker) -> None:
    result = runner.invoke(app, ["stories", "--db", demo_tracker.store.path, "-l", "klingon"])
    assert result.exit_code == 2 and "'klingon'" in result.stderr


def test_tables_off_a_terminal_keep_one_line_per_row(demo_tracker) -> None:
    result = runner.invoke(app, ["stories", "--db", demo_tracker.store.path])
    stories = demo_tracker.stories()
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == len(stories) and result.stdout.splitlines()[0].strip() == f"{len(stories)} stories"
    # each story titled for the reader (the default reader_languages, English), as the JSON gives it
    titles = {s["id"]: s["title"] for s in json.loads(
        runner.invoke(app, ["stories", "--db", demo_tracker.store.path, "--json"]).stdout)}
    for story, row in zip(stories, rows, strict=True):
        assert row.split("│")[1].strip() == str(story.id)
        title = row.split("│")[2].strip()
        assert titles[story.id].startswith(title.rstrip("…"))


def test_story_lists_each_articles_id_language_and_inferred_date(demo_tracker) -> None:
    story = next(s for s in demo_tracker.stories() if "Mirzoyan" in s.title)
    articles = demo_tracker.store.story_articles(story.id)
    undated = [a for a in articles if a.published is None]
    assert undated  # the demo's Arabic chess article has no date
    result = runner.invoke(app, ["story", str(story.id), "--db", demo_tracker.store.path])
    assert result.exit_code == 0, result.output
    for article in articles:
        row = next(line for line in result.stdout.splitlines() if article.id in line)
        assert f"│ {article.language} " in row
    row = next(line for line in result.stdout.splitlines() if undated[0].id in line)
    assert "2025-12-03..2025-12-04 (inferred)" in row


def test_search_shows_ids_and_finds_nothing_for_what_is_not_there(demo_tracker) -> None:
    db = demo_tracker.store.path
    for query in ("football world cup final", "chocolate cake recipe", "tennis Wimbledon final",
                  "new smartphone launch"):
        assert demo_tracker.search(query) == [], query
        result = runner.invoke(app, ["search", query, "--db", db])
        assert result.exit_code == 0 and "no article scores 0.32 or more" in result.stdout
    stories = {s.title: s.id for s in demo_tracker.stories()}
    for query, word in (("Erdbeben in Izmir", "Izmir"), ("museum painting theft Amsterdam", "Amsterdam"),
                        ("Vienna airport cyberattack", "NightHarbor"), ("iceberg breaks off Antarctica", "Antarctica")):
        (story_id,) = [sid for title, sid in stories.items() if word in title]
        hits = demo_tracker.search(query)
        assert hits and {hit.story_id for hit in hits} == {story_id}, query
    result = runner.invoke(app, ["search", "Erdbeben in Izmir", "--db", db])
    assert all(hit.article_id in result.stdout for hit in demo_tracker.search("Erdbeben in Izmir"))


def test_compare_names_features_in_words_and_adds_up(demo_tracker) -> None:
    first, second = demo_tracker.store.story_articles(demo_tracker.stories()[0].id)[:2]
    result = runner.invoke(app, ["compare", first.id, second.id, "--db", demo_tracker.store.path])
    assert result.exit_code == 0, result.output
    assert "meaning of title and lead (cosine)" in result.stdout and "lead_cos" not in result.stdout
    data = json.loads(runner.invoke(app, ["compare", first.id, second.id, "--db", demo_tracker.store.path,
                                          "--json"]).stdout)
    total = data["base"] + sum(data["contributions"].values())
    assert abs(min(max(total, 0.0), 1.0) - data["score"]) < 0.01
    base_row = next(line for line in result.stdout.splitlines() if "average pair" in line)
    assert f"{data['base']:.3f}" in base_row


def test_ingest_progress_moves_within_a_batch(tmp_path: Path, make_tracker) -> None:
    from babelwire.settings import Settings

    tracker = make_tracker(settings=Settings(embed_batch_size=4))
    steps: list[int] = []
    report = tracker.ingest(sorted((DEMO / "corpus").glob("*.txt"))[:10], progress=steps.append)
    assert report.added == 10 and sum(steps) == 10
    assert max(steps) <= 4 and len(steps) >= 3  # a batch of 10 (below ingest_batch_size) in encoder batches


def test_the_demo_river_and_date_filters_follow_the_dated_articles(demo_tracker) -> None:
    stories = demo_tracker.stories()
    assert not any(story.span_inferred for story in stories)  # every demo story has a dated article
    ingested = {a.ingested_at.date().isoformat() for s in stories for a in demo_tracker.store.story_articles(s.id)}
    assert not any((story.last_seen or "")[:10] in ingested for story in stories)  # no span ends on ingest day
    assert [s.last_seen for s in stories] == sorted((s.last_seen for s in stories), reverse=True)
    may = demo_tracker.store.find_story_ids(published_from="2026-05-01", published_to="2026-05-31")
    assert may and all(
        any((a.published.value if a.published else "").startswith("2026-05")
            for a in demo_tracker.store.story_articles(story_id))
        for story_id in may)
