"""Shared fixtures: models are loaded once per session, stores live in tmp_path."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

import pytest

from babelwire.encoders import E5Encoder, HashingEncoder
from babelwire.settings import Settings
from babelwire.tracker import Tracker, make_language_identifier

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DEMO = REPO / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def e5() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="session")
def language_identifier():
    return make_language_identifier(Settings())


@pytest.fixture
def make_tracker(tmp_path: Path, e5, language_identifier) -> Callable[..., Tracker]:
    """Build trackers on a store in tmp_path with the session's models (closed after the test)."""
    opened: list[Tracker] = []

    def factory(db: str | Path | None = None, settings: Settings | None = None, encoder=None) -> Tracker:
        tracker = Tracker(
            db or tmp_path / "test.db", settings or Settings(),
            encoder=encoder or e5, language_identifier=language_identifier,
        )
        opened.append(tracker)
        return tracker

    yield factory
    for tracker in opened:
        tracker.close()


@pytest.fixture(scope="session")
def demo_tracker(tmp_path_factory, e5, language_identifier) -> Tracker:
    """One store holding the demo corpus, shared by the tests that only read it."""
    tracker = Tracker(
        tmp_path_factory.mktemp("demo") / "demo.db", Settings(), encoder=e5, language_identifier=language_identifier
    )
    tracker.demo_report = tracker.ingest([DEMO / "corpus"])
    yield tracker
    tracker.close()


@pytest.fixture
def hashing_tracker(tmp_path: Path, language_identifier) -> Tracker:
    """A tracker with the model-free hashing encoder, for tests about storage and input handling."""
    settings = Settings(encoder="hashing")
    tracker = Tracker(tmp_path / "hash.db", settings, encoder=HashingEncoder(), language_identifier=language_identifier)
    yield tracker
    tracker.close()


# --- PostgreSQL for the store tests -------------------------------------------------------------
# A throwaway cluster is started once per session (or $BABELWIRE_TEST_POSTGRES_URL is used), the
# session makes a database on it, and each test gets a schema of its own in that database.

POSTGRES_URL_ENV = "BABELWIRE_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "BABELWIRE_REQUIRE_POSTGRES"


def _without_postgres(reason: str) -> NoReturn:
    """Skip a PostgreSQL test, or fail it where CI requires PostgreSQL."""
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(f"{reason} (and {REQUIRE_POSTGRES_ENV}=1)", pytrace=False)
    pytest.skip(f"{reason}; install PostgreSQL or set {POSTGRES_URL_ENV}")


def _postgres_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    versions.sort(key=lambda bindir: int(bindir.parent.name) if bindir.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(server: str, name: str) -> str:
    """``server``'s URL naming database ``name`` (built by hand: urlunsplit drops an empty host)."""
    parts = urlsplit(server)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server the tests may create databases on.

    ``$BABELWIRE_TEST_POSTGRES_URL`` when set; otherwise a cluster initialised in a temporary folder
    (as the ``postgres`` user when we are root: PostgreSQL refuses to run as root), listening only on
    a unix socket in that folder, and stopped at the end of the session.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _without_postgres("psycopg is not installed (pip install 'babelwire[postgres]')")
    given = os.environ.get(POSTGRES_URL_ENV)
    if given:
        yield given
        return
    bindir = _postgres_bindir()
    if bindir is None:
        _without_postgres("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="babelwire-pg-"))  # short: a socket path has at most 107 bytes
    if os.geteuid() == 0:
        try:
            shutil.chown(root, "postgres")
        except LookupError:
            shutil.rmtree(root)
            _without_postgres("PostgreSQL will not run as root, and there is no 'postgres' user to run it as")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*command: str | Path) -> None:
        subprocess.run([*as_user, *map(str, command)], check=True, capture_output=True, text=True)

    try:
        try:
            run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                "--no-sync")
        except subprocess.CalledProcessError:  # no C.UTF-8 locale here
            run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                "--no-sync")
        # durability is not what these tests check: skip the fsyncs
        options = (f"-p {port} -k '{root}' -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c shared_buffers=32MB")
        run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-t", "60", "-o", options, "start")
    except subprocess.CalledProcessError as exc:
        log = root / "server.log"
        shutil.rmtree(root, ignore_errors=True)
        detail = exc.stderr or (log.read_text() if log.exists() else "")
        pytest.fail(f"could not start PostgreSQL from {bindir}: {detail}", pytrace=False)
    try:
        yield f"postgresql://postgres@{quote(str(root), safe='')}:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str) -> Iterator[Any]:
    """A database of this session's own on the test server, as an open (autocommit) connection to it."""
    import psycopg

    name = f"babelwire_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(_database_url(postgres_server, name), autocommit=True) as connection:
            yield connection
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_server: str, postgres_database: Any) -> Iterator[str]:
    """The URL of an empty PostgreSQL store of the test's own, dropped after it.

    Each test gets a schema (the URL sets ``search_path`` to it) in the session's database: as
    empty as a new database to the store, and made in milliseconds where a database takes 0.4 s.
    """
    schema = f"test_{uuid.uuid4().hex[:12]}"
    postgres_database.execute(f'CREATE SCHEMA "{schema}"')
    url = _database_url(postgres_server, postgres_database.info.dbname)
    yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    postgres_database.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What names an empty store, once per backend: a SQLite file, then a PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")
