"""A full or damaged store is one clear line naming it (CLI exit 2, API 503), and nothing committed is lost.

The store is made full with SQLite's ``PRAGMA max_page_count`` (a tiny tmpfs needs root) and damaged by
overwriting pages of a copy of its file.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from babelwire.cli import app as cli
from babelwire.store import SQLiteStore, open_store
from babelwire.store_failures import describe_store_failure, store_failure_kind
from samples import ARTICLE_DE, ARTICLE_EN
from story_corpus import build_store, corpus, make_app

TOKEN = "s3cret-admin-token"
ENV = {"BABELWIRE_ENCODER": "hashing", "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid"}


def _write_articles(folder: Path, count: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(start, start + count):
        body = f"Report number {number} from the harbour of Port Alvera. " + (ARTICLE_EN if number % 2 else ARTICLE_DE)
        (folder / f"a{number}.txt").write_text(f"title Report {number}\n\n{body * 3}")
    return folder


def _stored(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        return {row[0]: row[1] for row in store._execute("SELECT id, text FROM articles")}


def _cap_pages(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    """Every new connection to ``db`` may not grow the file: the store is full."""
    with sqlite3.connect(db) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    configure = SQLiteStore._configure

    def capped(self: SQLiteStore) -> None:
        configure(self)
        self._db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(SQLiteStore, "_configure", capped)


def _damage(db: Path, copy: Path, *, header: bool) -> Path:
    """A copy of ``db`` with its pages after the first (or its header too) overwritten."""
    shutil.copyfile(db, copy)
    data = bytearray(copy.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = 0 if header else page
    data[start:] = bytes((index * 37) % 251 for index in range(len(data) - start))
    copy.write_bytes(bytes(data))
    return copy


def test_ingest_into_a_full_store_is_one_line_and_keeps_what_was_stored(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "store.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest", "--db", str(db), str(_write_articles(tmp_path / "one", 3))], env=ENV)
    assert first.exit_code == 0, first.output
    before = _stored(db)
    assert len(before) == 3
    _cap_pages(monkeypatch, db)
    full = runner.invoke(cli, ["ingest", "--db", str(db), str(_write_articles(tmp_path / "two", 40, start=3))],
                         env=ENV)
    assert full.exit_code == 2, full.output
    message = full.stderr.strip()
    assert "\n" not in message and "Traceback" not in full.output
    assert message.startswith(f"error: the store {db} is full (database or disk is full)")
    monkeypatch.undo()
    after = _stored(db)
    assert {key: after[key] for key in before} == before  # nothing committed is lost
    with open_store(db) as store:
        assert not store.check_consistency()


@pytest.mark.parametrize("header", [False, True], ids=["pages", "header"])
def test_a_damaged_store_is_one_line_naming_it(tmp_path: Path, header: bool) -> None:
    db = tmp_path / "store.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--db", str(db), str(_write_articles(tmp_path / "in", 30))],
                         env=ENV).exit_code == 0
    damaged = _damage(db, tmp_path / "damaged.db", header=header)
    for command in (["stories"], ["ingest", str(_write_articles(tmp_path / "more", 2, start=50))]):
        result = runner.invoke(cli, [*command, "--db", str(damaged)], env=ENV)
        assert result.exit_code == 2, result.output
        message = result.stderr.strip()
        assert "\n" not in message and "Traceback" not in result.output
        if header:  # a file whose header is gone may as well be something else
            assert message == f"error: {damaged} is not a babelwire store (or it is damaged): file is not a database"
        else:
            assert message.startswith(f"error: the store {damaged} is damaged (database disk image is malformed)")
    assert len(_stored(db)) == 30  # the original is untouched


def test_the_api_answers_503_with_the_reason_for_a_damaged_store(tmp_path: Path) -> None:
    db = Path(build_store(tmp_path / "api.db", corpus()))
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(db, damaged)
    client = TestClient(make_app(str(damaged)), raise_server_exceptions=False)  # no lifespan: no warm-up
    _damage(db, damaged, header=False)  # while the server runs
    response = client.get("/api/stories")
    assert response.status_code == 503
    assert response.json()["detail"].startswith(f"the store {damaged} is damaged (")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_api_answers_503_when_the_store_is_full_and_keeps_what_was_stored(tmp_path: Path, monkeypatch) -> None:
    db = Path(build_store(tmp_path / "api.db", corpus()))
    before = _stored(db)
    _cap_pages(monkeypatch, db)
    client = TestClient(make_app(str(db), admin_token=TOKEN), raise_server_exceptions=False)
    records = [{"title": f"Report {n}", "text": f"Report {n}. " + ARTICLE_EN * 3} for n in range(40)]
    response = client.post("/api/articles", json=records, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503, response.text
    assert response.json()["detail"].startswith(f"the store {db} is full (")
    monkeypatch.undo()
    after = _stored(db)
    assert {key: after[key] for key in before} == before


def test_postgresql_states_are_described_too() -> None:
    class DiskFull(Exception):
        sqlstate = "53100"

    class DataCorrupted(Exception):
        sqlstate = "XX001"

    assert store_failure_kind(DiskFull("could not extend file")) == "full"
    assert store_failure_kind(DataCorrupted("invalid page in block 3")) == "damaged"
    assert store_failure_kind(sqlite3.OperationalError("database is locked")) is None
    assert store_failure_kind(ValueError("database or disk is full")) is None  # only the database's own errors
    url = "postgresql://babel@db.example/news"
    assert describe_store_failure(DiskFull("could not extend file"), url).startswith(f"the store {url} is full (")
