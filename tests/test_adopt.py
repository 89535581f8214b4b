"""Another program's database: refused by default, adopted only when asked (``--adopt-db``, ``adopt=True``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app as cli
from babelwire.store import StoreError, is_postgres_url, open_store
from samples import ARTICLE_EN

ENV = {"BABELWIRE_ENCODER": "hashing", "BABELWIRE_LANGUAGE_IDENTIFIER": "py3langid"}


def _run(db: str, *statements: str) -> list[Sequence[object]]:
    """Run SQL as the other program would, on either backend; the rows of the last statement."""
    if is_postgres_url(db):
        import psycopg

        with psycopg.connect(db, autocommit=True) as connection:
            rows: list[Sequence[object]] = []
            for statement in statements:
                cursor = connection.execute(statement)
                rows = cursor.fetchall() if cursor.description else []
            return rows
    with sqlite3.connect(db) as connection:
        rows = []
        for statement in statements:
            rows = connection.execute(statement).fetchall()
        return rows


def _other_program(db: str) -> None:
    _run(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO users VALUES (1, 'ada')",
         "CREATE INDEX users_name ON users (name)")


def test_a_foreign_database_is_refused_naming_the_option_and_adopted_when_asked(store_db: str) -> None:
    _other_program(store_db)
    with pytest.raises(StoreError, match=r"another program.s database .*users.*--adopt-db"):
        open_store(store_db)
    with open_store(store_db, adopt=True) as store:
        assert store.schema_version == len(store.migrations)
        assert store.count_articles() == 0
    with open_store(store_db) as store:  # adopted once: an ordinary store from then on
        assert not store.check_consistency()
    assert _run(store_db, "SELECT id, name FROM users") == [(1, "ada")]  # the other program's data untouched


def test_adopting_refuses_tables_named_like_babelwire_s(store_db: str) -> None:
    _run(store_db, "CREATE TABLE articles (id INTEGER)", "INSERT INTO articles VALUES (7)")
    with pytest.raises(StoreError, match=r"cannot adopt .*articles"):
        open_store(store_db, adopt=True)
    assert _run(store_db, "SELECT id FROM articles") == [(7,)]


def test_a_sqlite_file_with_its_own_user_version_is_never_adopted(tmp_path: Path) -> None:
    db = str(tmp_path / "otherapp.db")
    _other_program(db)
    _run(db, "PRAGMA user_version = 2")
    with pytest.raises(StoreError, match="sets the schema version to 2 itself"):
        open_store(db, adopt=True)
    assert [row[0] for row in _run(db, "SELECT name FROM sqlite_master WHERE type = 'table'")] == ["users"]


def test_ingest_adopts_only_with_the_option(tmp_path: Path) -> None:
    db = str(tmp_path / "otherapp.db")
    _other_program(db)
    (tmp_path / "a.txt").write_text(f"title Dam holds\n\n{ARTICLE_EN}")
    runner = CliRunner()
    refused = runner.invoke(cli, ["ingest", "--db", db, str(tmp_path / "a.txt")], env=ENV)
    assert refused.exit_code == 2 and "--adopt-db" in refused.stderr and "Traceback" not in refused.output
    assert [row[0] for row in _run(db, "SELECT name FROM sqlite_master WHERE type = 'table'")] == ["users"]
    adopted = runner.invoke(cli, ["ingest", "--adopt-db", "--db", db, str(tmp_path / "a.txt"), "--json"], env=ENV)
    assert adopted.exit_code == 0, adopted.output
    with open_store(db) as store:
        assert [row[0] for row in store._execute("SELECT title FROM articles")] == ["Dam holds"]
    assert _run(db, "SELECT id, name FROM users") == [(1, "ada")]
