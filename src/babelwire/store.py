"""The store behind one interface: SQLite (embedded, the default) or PostgreSQL (a server).

:class:`Store` holds every query once, in SQL both databases accept; :class:`SQLiteStore` and
:class:`~babelwire.store_postgres.PostgresStore` add what differs (connection, placeholders, schema
version, locking). :func:`open_store` picks one from what names the store: a ``postgresql://``
(or ``postgres://``) URL opens PostgreSQL, anything else is a SQLite file (in WAL mode).

Either way the schema is versioned, one transaction holds one batch of writes, and articles keep
their embedding (float32 bytes) so the vector index and the linker are rebuilt from the store at
start-up: the store is the only state, and whatever a crash interrupts was never committed.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urldefrag

import numpy as np

from babelwire.copies import BAND_LAYOUT_KEY, BANDS_DONE_KEY, BandLayout, signature_band_rows
from babelwire.settings import is_postgres_url
from babelwire.store_entities import EntityIndexStore
from babelwire.store_failures import describe_store_failure
from babelwire.store_outlets import OutletStore
from babelwire.store_sources import SourceStore
from babelwire.store_watchlists import WatchlistStore
from babelwire.types import Article, DateSource, PublishedDate, Story, StoryMerge

#: the rows of migration 7's story summaries, computed from the stored articles (PostgreSQL's migration 5 runs
#: the same statements). Part of two migrations, so frozen: later changes go into migrations of their own
SUMMARIES_BACKFILL = """
    INSERT INTO story_summaries (story_id, articles, copies, linked, first_placed, last_placed, first_ingested,
        last_ingested, first_seen, last_seen, listed)
    SELECT a.story_id, COUNT(*), SUM(CASE WHEN a.copy_of IS NULL THEN 0 ELSE 1 END),
        SUM(CASE WHEN a.kept_out IS NULL THEN 1 ELSE 0 END),
        MIN(CASE WHEN a.published_source <> 'html-text' THEN a.published END),
        MAX(CASE WHEN a.published_source <> 'html-text' THEN a.published END),
        MIN(a.ingested_at), MAX(a.ingested_at),
        COALESCE(MIN(CASE WHEN a.published_source <> 'html-text' THEN a.published END), MIN(a.ingested_at)),
        COALESCE(MAX(CASE WHEN a.published_source <> 'html-text' THEN a.published END), MAX(a.ingested_at)),
        CASE WHEN SUM(CASE WHEN a.kept_out IS NULL THEN 1 ELSE 0 END) > 0 THEN 1 ELSE 0 END
    FROM articles a JOIN stories s ON s.id = a.story_id WHERE s.merged_into IS NULL GROUP BY a.story_id;
    INSERT INTO story_languages (story_id, language, originals, copies)
    SELECT a.story_id, a.language, SUM(CASE WHEN a.copy_of IS NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.copy_of IS NULL THEN 0 ELSE 1 END)
    FROM articles a JOIN stories s ON s.id = a.story_id WHERE s.merged_into IS NULL GROUP BY a.story_id, a.language;
"""

#: the SQLite schema: each entry upgrades it from version ``index`` to ``index + 1``
#: (PostgreSQL has its own list, :data:`babelwire.store_postgres.MIGRATIONS`)
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        merged_into INTEGER REFERENCES stories(id)
    );
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        url TEXT,
        canonical_url TEXT UNIQUE,
        source TEXT,
        origin TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        language TEXT NOT NULL,
        language_confidence REAL NOT NULL,
        published TEXT,
        published_source TEXT NOT NULL,
        published_reliable INTEGER NOT NULL,
        ingested_at TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        embedding BLOB,
        story_id INTEGER REFERENCES stories(id),
        link_score REAL
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE story_merges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL REFERENCES stories(id),
        target_id INTEGER NOT NULL REFERENCES stories(id),
        article_id TEXT NOT NULL,
        score REAL NOT NULL,
        merged_at TEXT NOT NULL
    );
    """,
    # cached story analyses (entities, quotes, coverage; babelwire.reading), keyed by a fingerprint of
    # the story's articles, so an analysis is never served for articles it was not computed from
    """
    CREATE TABLE story_analyses (
        fingerprint TEXT PRIMARY KEY,
        story_id INTEGER NOT NULL,
        analysis TEXT NOT NULL,
        computed_at TEXT NOT NULL
    );
    CREATE INDEX story_analyses_story ON story_analyses(story_id);
    """,
    # syndicated copies: the same text from another outlet is a copy, no longer a duplicate, so
    # content_hash stops being unique (SQLite cannot drop a constraint: the table is rebuilt)
    """
    CREATE TABLE articles_v3 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        url TEXT,
        canonical_url TEXT UNIQUE,
        source TEXT,
        origin TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        language TEXT NOT NULL,
        language_confidence REAL NOT NULL,
        published TEXT,
        published_source TEXT NOT NULL,
        published_reliable INTEGER NOT NULL,
        ingested_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        embedding BLOB,
        story_id INTEGER REFERENCES stories(id),
        link_score REAL,
        copy_of TEXT,
        copy_similarity REAL,
        minhash BLOB
    );
    INSERT INTO articles_v3 (seq, id, url, canonical_url, source, origin, title, text, language,
        language_confidence, published, published_source, published_reliable, ingested_at, content_hash,
        embedding, story_id, link_score)
    SELECT seq, id, url, canonical_url, source, origin, title, text, language, language_confidence, published,
        published_source, published_reliable, ingested_at, content_hash, embedding, story_id, link_score
    FROM articles;
    DROP TABLE articles;
    ALTER TABLE articles_v3 RENAME TO articles;
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_content_hash ON articles(content_hash);
    CREATE INDEX articles_copy_of ON articles(copy_of);
    """,
    # the entity index (babelwire.entity_index, babelwire.store_entities): entries across stories, and per
    # story what its reading said of them; articles.source gets an index for the outlet pages and filter
    """
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        folded_name TEXT NOT NULL,
        type TEXT NOT NULL,
        anchor TEXT,
        story_count INTEGER NOT NULL DEFAULT 0,
        article_count INTEGER NOT NULL DEFAULT 0,
        mention_count INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT,
        last_seen TEXT,
        languages TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX entities_folded_name ON entities(folded_name);
    CREATE INDEX entities_rank ON entities(story_count, article_count);
    CREATE TABLE entity_keys (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        story_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        strong INTEGER NOT NULL
    );
    CREATE INDEX entity_keys_key ON entity_keys(key);
    CREATE INDEX entity_keys_entity ON entity_keys(entity_id);
    CREATE INDEX entity_keys_story ON entity_keys(story_id);
    CREATE TABLE entity_spellings (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        story_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        spelling TEXT NOT NULL,
        folded TEXT NOT NULL
    );
    CREATE INDEX entity_spellings_folded ON entity_spellings(folded);
    CREATE INDEX entity_spellings_entity ON entity_spellings(entity_id);
    CREATE INDEX entity_spellings_story ON entity_spellings(story_id);
    CREATE TABLE entity_articles (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        story_id INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        language TEXT NOT NULL,
        mentions INTEGER NOT NULL
    );
    CREATE INDEX entity_articles_entity ON entity_articles(entity_id);
    CREATE INDEX entity_articles_story ON entity_articles(story_id);
    CREATE TABLE entity_quotes (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        story_id INTEGER NOT NULL,
        role TEXT NOT NULL,
        quote_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT
    );
    CREATE INDEX entity_quotes_entity ON entity_quotes(entity_id, role);
    CREATE INDEX entity_quotes_story ON entity_quotes(story_id);
    CREATE TABLE entity_index_stories (
        story_id INTEGER PRIMARY KEY,
        fingerprint TEXT,
        indexed_at TEXT NOT NULL
    );
    CREATE INDEX articles_source ON articles(source);
    """,
    # live tracking (babelwire.sources, babelwire.watch, babelwire.watchlists): the sources polled on a
    # schedule and a record of each poll; watch-lists (saved conditions), what each has seen of a matching
    # story, and the alerts they raised with their webhook delivery state. A story's articles (originals or
    # copies) get an index of both columns: without statistics SQLite read them through the copy_of index
    # alone, every original of the store (20 stories of a 100k-article store: 21 ms, 1.6 ms with this index);
    # arrival times get one for what is developing now (babelwire.developing reads the last hours)
    """
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        every_s INTEGER NOT NULL,
        follow_links INTEGER NOT NULL DEFAULT 0,
        language TEXT,
        added_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        next_poll_at TEXT NOT NULL,
        last_poll_at TEXT,
        last_status TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        body_hash TEXT
    );
    CREATE INDEX sources_next_poll ON sources(next_poll_at);
    CREATE TABLE polls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL,
        http_status INTEGER,
        new_articles INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
    CREATE INDEX polls_source ON polls(source_id, id);
    CREATE TABLE watchlists (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        condition TEXT NOT NULL,
        triggers TEXT NOT NULL,
        webhook_url TEXT,
        webhook_secret TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE watch_matches (
        watchlist_id INTEGER NOT NULL,
        story_id INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        languages TEXT NOT NULL,
        outlets TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        last_growth_at TEXT,
        PRIMARY KEY (watchlist_id, story_id)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        watchlist_id INTEGER NOT NULL,
        story_id INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_at TEXT NOT NULL,
        delivered_at TEXT,
        delivery_attempts INTEGER NOT NULL DEFAULT 0,
        next_delivery_at TEXT,
        last_error TEXT
    );
    CREATE INDEX alerts_watchlist ON alerts(watchlist_id, id);
    CREATE INDEX alerts_undelivered ON alerts(delivered_at, next_delivery_at);
    CREATE INDEX articles_story_copy ON articles(story_id, copy_of);
    CREATE INDEX articles_ingested ON articles(ingested_at);
    """,
    # pages that are no news (paywall, consent, bot-block pages …: babelwire.junk) are stored in a story of
    # their own and never linked; the column holds why (NULL: an article like any other)
    """
    ALTER TABLE articles ADD COLUMN kept_out TEXT;
    """,
    # story summaries (issue #15): what the story lists read of a story's articles, kept current by each write
    # that changes a story (Store.assign, merge_stories, relink_stories), so that a listing reads one row per
    # story instead of every article. A row exists for each live story with articles; ``listed``: it has an
    # article not kept out of linking; ``first_placed``/``last_placed`` span its dated articles (see _PLACED),
    # ``first_seen``/``last_seen`` are the span shown (the ingest times when no article is dated).
    # story_languages counts originals and copies per language; language_totals and listing_totals hold what the
    # whole store adds up to (originals per language, listed stories), so that the river's language list and its
    # unfiltered count read a few rows. All are backfilled from the stored articles.
    """
    CREATE TABLE story_summaries (
        story_id INTEGER PRIMARY KEY,
        articles INTEGER NOT NULL,
        copies INTEGER NOT NULL,
        linked INTEGER NOT NULL,
        first_placed TEXT,
        last_placed TEXT,
        first_ingested TEXT NOT NULL,
        last_ingested TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        listed INTEGER NOT NULL
    );
    CREATE INDEX story_summaries_listing ON story_summaries(listed, last_seen, story_id);
    CREATE TABLE story_languages (
        story_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        originals INTEGER NOT NULL,
        copies INTEGER NOT NULL,
        PRIMARY KEY (story_id, language)
    );
    CREATE INDEX story_languages_language ON story_languages(language, story_id, originals);
    """ + SUMMARIES_BACKFILL + """
    CREATE TABLE language_totals (language TEXT PRIMARY KEY, originals INTEGER NOT NULL);
    INSERT INTO language_totals (language, originals)
    SELECT language, SUM(originals) FROM story_languages GROUP BY language;
    CREATE TABLE listing_totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO listing_totals (name, value) SELECT 'listed_stories', COUNT(*) FROM story_summaries WHERE listed = 1;
    """,
    # the vectors of the sentences and quotes a story's reading encoded (babelwire.sentence_vectors), so that
    # the next reading of a story that gained articles encodes only theirs: per article, encoder and text
    # (a hash of it), so that no vector is ever served for another text or another encoder's reading
    """
    CREATE TABLE sentence_vectors (
        article_id TEXT NOT NULL,
        encoder TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (article_id, encoder, text_hash)
    );
    """,
    # the copy detector's LSH bands (babelwire.copies.StoreCopyDetector): one row per band of each original's
    # MinHash signature, looked up by band hash, so that finding a near copy reads the few originals sharing a
    # band instead of loading every signature. Written with each original; the stored originals get theirs
    # from babelwire.copies.backfill_bands (a hash SQL cannot compute), once the layout is known
    """
    CREATE TABLE copy_bands (
        band_hash INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (band_hash, seq)
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_ARTICLE_COLUMNS = (
    "seq, id, url, source, origin, title, text, language, language_confidence, published, "
    "published_source, published_reliable, ingested_at, content_hash, story_id, link_score, copy_of, copy_similarity, "
    "kept_out"
)
#: a story's time span is the first and last publication of its dated articles (their ``_PLACED`` dates). An
#: undated article's date is inferred from that very span (``reldates.infer_story_date``), so it adds nothing
#: to it; its ingest time is no publication date (an archive ingested today would look like today's news).
#: Only a story without any dated article falls back to its articles' ingest times, and says so with
#: ``span_inferred``. A date guessed from the page text ("the 2001 conflict") places nothing, as in the linker
#: (``dates.linking_interval``).
_PLACED = "CASE WHEN a.published_source <> 'html-text' THEN a.published END"
#: a story's articles: oldest publication first, undated ones last
_PUBLICATION_ORDER = "published IS NULL, published, seq"
#: a story summary (``story_summaries``) computed from the articles of live stories, as migration 7 backfills it;
#: ``{where}`` narrows it to some stories. Its span (``first_seen``..``last_seen``) is the story's time span
#: (see :data:`_PLACED`), ``listed`` says whether it has an article that was not kept out of linking.
_SUMMARY_OF_ARTICLES = (
    "SELECT a.story_id, COUNT(*) AS articles, SUM(CASE WHEN a.copy_of IS NULL THEN 0 ELSE 1 END) AS copies, "
    "SUM(CASE WHEN a.kept_out IS NULL THEN 1 ELSE 0 END) AS linked, "
    f"MIN({_PLACED}) AS first_placed, MAX({_PLACED}) AS last_placed, "
    "MIN(a.ingested_at) AS first_ingested, MAX(a.ingested_at) AS last_ingested, "
    f"COALESCE(MIN({_PLACED}), MIN(a.ingested_at)) AS first_seen, "
    f"COALESCE(MAX({_PLACED}), MAX(a.ingested_at)) AS last_seen, "
    "CASE WHEN SUM(CASE WHEN a.kept_out IS NULL THEN 1 ELSE 0 END) > 0 THEN 1 ELSE 0 END AS listed "
    "FROM articles a JOIN stories s ON s.id = a.story_id WHERE s.merged_into IS NULL{where} GROUP BY a.story_id"
)
#: a story's originals and copies per language (``story_languages``), as migration 7 backfills them
_LANGUAGES_OF_ARTICLES = (
    "SELECT a.story_id, a.language, SUM(CASE WHEN a.copy_of IS NULL THEN 1 ELSE 0 END) AS originals, "
    "SUM(CASE WHEN a.copy_of IS NULL THEN 0 ELSE 1 END) AS copies "
    "FROM articles a JOIN stories s ON s.id = a.story_id WHERE s.merged_into IS NULL{where} "
    "GROUP BY a.story_id, a.language"
)
#: the columns of ``story_summaries`` that the articles add up to (the others follow from them)
_TALLY_COLUMNS = ("articles", "copies", "linked", "first_placed", "last_placed", "first_ingested", "last_ingested")
_SUMMARY_COLUMNS = ("story_id", *_TALLY_COLUMNS, "first_seen", "last_seen", "listed")
#: article ids (or keys) per query for their sentence vectors or copy candidates (SQLite builds before 3.32 allow
#: 999 parameters)
SENTENCE_VECTOR_CHUNK = 500


class StoreError(Exception):
    """The store cannot be opened or used as asked."""


#: the articles the linker holds: originals with a vector, not kept out of stories
_LINKED = "embedding IS NOT NULL AND copy_of IS NULL AND kept_out IS NULL"
#: the meta key of :meth:`Store.write_generation`
_GENERATION_KEY = "write_generation"


def canonical_url(url: str | None) -> str | None:
    """A URL normalised for duplicate detection: scheme, host case, tracking parameters, fragment.

    courlan's strict mode keeps only query parameters on its allow-list, which
    folds ``newsArticle.jhtml?storyID=6814152`` and every other Reuters story
    into one URL (9 of 234 Wikinews sources were lost that way). The lenient
    mode still drops tracking parameters (``utm_*``, ``fbclid``, ``ref``…); the
    fragment never names another page, so it goes too.
    """
    if not url:
        return None
    try:
        from courlan import normalize_url

        return urldefrag(normalize_url(url, strict=False)).url
    except (ValueError, ImportError):
        return url.strip()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _marks(count: int) -> str:
    """Placeholders for an ``IN (...)`` list; ``NULL`` keeps an empty list valid SQL that matches nothing."""
    return ",".join("?" * count) or "NULL"


def _paged(sql: str, params: list[Any], limit: int | None, offset: int) -> tuple[str, list[Any]]:
    if limit is None:
        return sql, params
    return sql + " LIMIT ? OFFSET ?", [*params, limit, offset]


def _least(first: str | None, second: str | None) -> str | None:
    """The smaller of two values, a missing one (``None``) ignored, as SQL's ``MIN`` over rows."""
    return second if first is None else first if second is None else min(first, second)


def _greatest(first: str | None, second: str | None) -> str | None:
    """The larger of two values, a missing one (``None``) ignored, as SQL's ``MAX`` over rows."""
    return second if first is None else first if second is None else max(first, second)


@dataclass(frozen=True)
class StoryTally:
    """What a story's articles add up to in its summary (``story_summaries``): counts and time bounds.

    Tallies of disjoint sets of articles combine with ``+``, as the grouped query over the articles would.
    """

    articles: int  # originals and copies
    copies: int
    linked: int  # articles not kept out of linking
    first_placed: str | None  # the span of the dated articles (see _PLACED)
    last_placed: str | None
    first_ingested: str
    last_ingested: str

    def __add__(self, other: StoryTally) -> StoryTally:
        return StoryTally(
            self.articles + other.articles, self.copies + other.copies, self.linked + other.linked,
            _least(self.first_placed, other.first_placed), _greatest(self.last_placed, other.last_placed),
            min(self.first_ingested, other.first_ingested), max(self.last_ingested, other.last_ingested),
        )

    def row(self) -> tuple[Any, ...]:
        """The summary's columns after ``story_id`` (:data:`_SUMMARY_COLUMNS`)."""
        first_seen = self.first_ingested if self.first_placed is None else self.first_placed
        last_seen = self.last_ingested if self.last_placed is None else self.last_placed
        return (self.articles, self.copies, self.linked, self.first_placed, self.last_placed, self.first_ingested,
                self.last_ingested, first_seen, last_seen, int(self.linked > 0))


@dataclass(frozen=True)
class LinkRow:
    """What the linker needs of one stored article."""

    seq: int
    id: str
    vector: np.ndarray
    story_id: int
    published: PublishedDate | None
    language: str


class Row(Protocol):
    """A result row of either backend, read by position or by column name (as :class:`sqlite3.Row`)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Rows(Protocol):
    """The result of a statement: a DB-API cursor of :class:`Row`."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def store_class(db: str | Path) -> type[Store]:
    """The backend that ``db`` names: :class:`~babelwire.store_postgres.PostgresStore` or :class:`SQLiteStore`."""
    if is_postgres_url(db):
        from babelwire.store_postgres import PostgresStore  # psycopg is an optional extra

        return PostgresStore
    return SQLiteStore


def open_store(db: str | Path, adopt: bool = False) -> Store:
    """Open (creating or migrating as needed) the store ``db`` names: a PostgreSQL URL or a SQLite path.

    A database holding another program's tables is refused unless ``adopt``: then babelwire adds its tables
    beside them (``babelwire ingest --adopt-db``), provided none of their names is one babelwire uses.
    """
    return store_class(db)(db, adopt=adopt)


#: the option that lets babelwire add its tables to another program's database (for messages)
ADOPT_OPTION = "--adopt-db"
_CREATED_NAME = re.compile(r"CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


class Store(EntityIndexStore, OutletStore, SourceStore, WatchlistStore):
    """A babelwire store. Use :meth:`transaction` around every batch of writes.

    ``Store(db)`` opens the backend that ``db`` names, as :func:`open_store` does. Every query is
    written once, here, with ``?`` placeholders; a subclass brings the connection and the few
    dialect differences (the class attributes and the methods that raise ``NotImplementedError``).
    """

    #: the backend's schema: entry ``i`` upgrades version ``i`` to ``i + 1``
    migrations: ClassVar[tuple[str, ...]] = ()
    #: LIKE that ignores the case of ASCII letters only (SQLite's LIKE)
    _like: ClassVar[str] = "LIKE"
    #: equality and inequality that treat NULL as a value (SQLite's IS and IS NOT)
    _same: ClassVar[str] = "IS"
    _differs: ClassVar[str] = "IS NOT"

    #: what the store is, for messages (a file path, or a URL without its password)
    path: str
    _db: Any
    _in_transaction = False
    #: add babelwire's tables to a database holding another program's (see :func:`open_store`)
    _adopt = False

    def __new__(cls, db: str | Path, *args: Any, **kwargs: Any) -> Store:
        # Store(db) stays the way to open a store: it picks the backend
        return super().__new__(store_class(db) if cls is Store else cls)

    # --- dialect -------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement written with ``?`` placeholders."""
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """Rows of a large result, read as they are consumed (SQLite's cursor already does)."""
        yield from self._execute(sql, params)

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` into a table keyed by ``seq``; returns the new row's ``seq``."""
        raise NotImplementedError

    def _begin(self) -> None:
        """Start a write transaction, waiting for any other writer to finish."""
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        """End the open transaction, if any, without its writes."""
        raise NotImplementedError

    def _read_schema_version(self) -> int:
        raise NotImplementedError

    def _write_schema_version(self, version: int) -> None:
        raise NotImplementedError

    def _foreign_tables(self) -> list[str]:
        """Tables of another program in a database babelwire has not set up yet (none: adopt it)."""
        return []

    def _integrity_problems(self) -> list[str]:
        """Damage below the schema that the database itself can detect."""
        return []

    def next_key(self) -> int:
        """The key the next inserted article will get (keys are never reused)."""
        raise NotImplementedError

    def data_version(self) -> int:
        """A number that changes whenever another connection (or process) commits to the store."""
        raise NotImplementedError

    # --- lifecycle -----------------------------------------------------------------

    def _configure(self) -> None:
        """Set up a new connection before the schema is looked at."""

    def _set_up(self, database_error: type[Exception]) -> None:
        """Configure and migrate a new connection; a ``database_error`` means the database is no store.

        The connection is closed when this fails.
        """
        try:
            self._configure()
            self._migrate()
        except database_error as exc:
            self._db.close()
            if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
                raise StoreError(f"cannot write to {self.path} (read-only): {exc}") from exc
            if "not a database" in str(exc):  # a file of something else, or one damaged in its header
                raise StoreError(f"{self.path} is not a babelwire store (or it is damaged): {exc}") from exc
            if (failure := describe_store_failure(exc, self.path)) is not None:  # full or damaged
                raise StoreError(failure) from exc
            raise StoreError(f"{self.path} is not a babelwire store: {exc}") from exc
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        """Bring the schema to this version, one transaction per migration; refuse a newer schema."""
        target = len(self.migrations)
        self._check_foreign()
        while (version := self._read_schema_version()) < target:
            with self.transaction():
                if self._read_schema_version() != version:
                    continue  # another process migrated while this one waited for the lock
                for statement in self.migrations[version].split(";"):
                    if statement.strip():
                        self._execute(statement)
                self._write_schema_version(version + 1)
        if version > target:
            raise StoreError(f"{self.path} has schema version {version}, newer than this babelwire ({target})")

    def _check_foreign(self) -> None:
        """Refuse another program's database unless asked to adopt it, and then if its names clash with ours."""
        version = self._read_schema_version()
        tables = self._foreign_tables()
        if not tables or (version > 0 and {"meta", "articles"} <= set(tables)):
            return  # new, empty, or babelwire's (adopted or not)
        if version == 0 and self._read_schema_version() > 0:
            # another process's first migration (its tables and version 1 in one transaction) committed between
            # the two reads: the tables are babelwire's own
            return
        listed = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        if version > 0:  # its version number is the other program's, not a babelwire schema version
            raise StoreError(f"{self.path} is another program's database (tables {listed}; it sets the schema "
                             f"version to {version} itself): babelwire cannot add its tables to it")
        if not self._adopt:
            raise StoreError(f"{self.path} is another program's database (tables {listed}), not a babelwire store: "
                             f"babelwire adds its tables only to a new or empty file, or to this one with "
                             f"{ADOPT_OPTION}")
        ours = {name.lower() for migration in self.migrations for name in _CREATED_NAME.findall(migration)}
        clash = sorted(name for name in self._foreign_names() if name.lower() in ours)
        if clash:
            raise StoreError(f"cannot adopt {self.path}: it already has {', '.join(clash[:5])}, "
                             "names babelwire's own tables and indexes use")

    def _foreign_names(self) -> list[str]:
        """Names of every table and index in a database babelwire has not set up yet."""
        return self._foreign_tables()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def optimize(self) -> None:
        """Refresh the query planner's statistics where they are missing or stale (cheap when they are current).

        Without statistics SQLite can read a story's articles through the wrong index (every original of
        the store for ``articles_of_stories``); a writer calls this after large batches and on close.
        """

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version the store is at."""
        return self._read_schema_version()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; writers on other connections wait their turn."""
        if self._in_transaction:
            raise StoreError("a transaction is already open on this store")
        self._begin()
        self._in_transaction = True
        try:
            yield
            self._commit()
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_transaction = False

    # --- meta ----------------------------------------------------------------------

    def write_generation(self) -> int:
        """How many linking write transactions the store has seen: a writer whose in-memory links were
        loaded at another generation must reload them (another process wrote in between)."""
        value = self.get_meta(_GENERATION_KEY)
        return int(value) if value else 0

    def bump_write_generation(self) -> int:
        """Count one more linking write; inside the transaction that wrote. The new generation."""
        generation = self.write_generation() + 1
        self.set_meta(_GENERATION_KEY, str(generation))
        return generation

    def get_meta(self, key: str) -> str | None:
        """A value stored under ``key`` (e.g. the encoder the vectors came from), or ``None``."""
        row = self._execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing what was there."""
        self._execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- writes --------------------------------------------------------------------

    def find_duplicate(self, article: Article) -> str | None:
        """The id of a stored article that is this one: same id, canonical URL, or same text from the same outlet.

        The same text from another outlet is not a duplicate but a syndicated copy (see :mod:`babelwire.copies`).
        """
        row = self._execute(
            "SELECT id FROM articles WHERE id = ? OR (canonical_url IS NOT NULL AND canonical_url = ?) "
            f"OR (content_hash = ? AND source {self._same} ?)",
            (article.id, canonical_url(article.url), article.content_hash, article.source),
        ).fetchone()
        return row[0] if row else None

    def insert_article(self, article: Article, minhash: bytes | None = None) -> int:
        """Store an analysed article (its story comes from :meth:`assign`); returns its key.

        A copy (``article.copy_of`` set) is stored without embedding: it never enters the linker.
        """
        published = article.published
        vector = None
        if article.embedding is not None and article.copy_of is None:
            vector = np.asarray(article.embedding, np.float32).tobytes()
        key = self._insert(
            "INSERT INTO articles (id, url, canonical_url, source, origin, title, text, language, "
            "language_confidence, published, published_source, published_reliable, ingested_at, "
            "content_hash, embedding, copy_of, copy_similarity, minhash, kept_out) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id, article.url, canonical_url(article.url), article.source, article.origin,
                article.title, article.text, article.language, article.language_confidence,
                published.value if published else None,
                str(published.source) if published else str(DateSource.NONE),
                int(published.reliable) if published else 0,
                article.ingested_at.isoformat(timespec="seconds"), article.content_hash, vector,
                article.copy_of, article.copy_similarity, minhash, article.kept_out,
            ),
        )
        if article.copy_of is None and minhash is not None:
            self.add_copy_bands([(key, minhash)])  # in this transaction: an original is never stored without them
        return key

    def iter_copy_fingerprints(self) -> Iterator[tuple[str, str, bytes | None]]:
        """``(id, content_hash, minhash)`` of every stored original (not copy), in insertion order."""
        rows = self._execute("SELECT id, content_hash, minhash FROM articles WHERE copy_of IS NULL ORDER BY seq")
        for row in rows:
            yield row[0], row[1], None if row[2] is None else bytes(row[2])

    def unsigned_originals(self, after: int, limit: int) -> list[tuple[int, str, str]]:
        """``(key, id, text)`` of up to ``limit`` stored originals after key ``after`` without a MinHash signature
        (stored before schema version 3, or too short to shingle), in key order."""
        rows = self._execute(
            "SELECT seq, id, text FROM articles WHERE copy_of IS NULL AND minhash IS NULL AND seq > ? "
            "ORDER BY seq LIMIT ?", (after, limit),
        )
        return [(int(row[0]), row[1], row[2]) for row in rows]

    def set_signatures(self, signatures: Sequence[tuple[int, bytes]]) -> None:
        """Store MinHash signatures by article key, only where none is stored (nothing stored is replaced)."""
        self._executemany("UPDATE articles SET minhash = ? WHERE seq = ? AND minhash IS NULL",
                          [(signature, key) for key, signature in signatures])
        self.add_copy_bands(signatures)

    # --- copy bands (babelwire.copies.StoreCopyDetector) ----------------------------

    def copy_band_layout(self) -> BandLayout | None:
        """The layout new originals' bands are written with (``None``: no detector asked for bands yet)."""
        return BandLayout.parse(self.get_meta(BAND_LAYOUT_KEY))

    def add_copy_bands(self, signed: Sequence[tuple[int, bytes]]) -> None:
        """Write the LSH bands of stored originals, ``(key, minhash bytes)``, in the store's band layout;
        bands already there are kept (a backfill may meet what an insert wrote)."""
        layout = self.copy_band_layout()
        if layout is None or not signed:
            return
        self._executemany("INSERT INTO copy_bands (band_hash, seq) VALUES (?, ?) "
                          "ON CONFLICT (band_hash, seq) DO NOTHING", signature_band_rows(layout, signed))

    def clear_copy_bands(self) -> None:
        """Remove every band (before the store's originals are banded in another layout)."""
        self._execute("DELETE FROM copy_bands")
        self._execute("DELETE FROM meta WHERE key = ?", (BANDS_DONE_KEY,))

    def signed_originals(self, after: int, limit: int) -> list[tuple[int, bytes]]:
        """``(key, minhash bytes)`` of up to ``limit`` stored originals with a signature after key ``after``."""
        rows = self._execute(
            "SELECT seq, minhash FROM articles WHERE copy_of IS NULL AND minhash IS NOT NULL AND seq > ? "
            "ORDER BY seq LIMIT ?", (after, limit),
        )
        return [(int(row[0]), bytes(row[1])) for row in rows]

    def copy_band_candidates(self, band_hashes: Sequence[int]) -> list[tuple[str, bytes]]:
        """``(id, minhash bytes)`` of the stored originals that have any of these band hashes.

        Two statements, the keys read first: with the keys written out, both databases read the articles by
        primary key whatever their statistics say (as one join, PostgreSQL without statistics on a new table
        chose to read every original).
        """
        keys = sorted({int(row[0]) for row in self._execute(
            f"SELECT seq FROM copy_bands WHERE band_hash IN ({_marks(len(band_hashes))})", list(band_hashes))})
        found: list[tuple[str, bytes]] = []
        for start in range(0, len(keys), SENTENCE_VECTOR_CHUNK):
            chunk = keys[start : start + SENTENCE_VECTOR_CHUNK]
            rows = self._execute(f"SELECT id, minhash FROM articles WHERE seq IN ({_marks(len(chunk))}) "
                                 "AND copy_of IS NULL AND minhash IS NOT NULL", chunk)
            found.extend((row[0], bytes(row[1])) for row in rows)
        return found

    def original_with_content(self, content_hash: str) -> str | None:
        """The id of the first stored original (not copy) with this title and text, or ``None``."""
        row = self._execute("SELECT id FROM articles WHERE content_hash = ? AND copy_of IS NULL ORDER BY seq LIMIT 1",
                            (content_hash,)).fetchone()
        return row[0] if row else None

    def stored_article_ids(self, article_ids: Sequence[str]) -> set[str]:
        """Which of these articles the store holds."""
        found: set[str] = set()
        for start in range(0, len(article_ids), SENTENCE_VECTOR_CHUNK):
            chunk = list(article_ids[start : start + SENTENCE_VECTOR_CHUNK])
            rows = self._execute(f"SELECT id FROM articles WHERE id IN ({_marks(len(chunk))})", chunk)
            found.update(row[0] for row in rows)
        return found

    def copy_band_drift(self) -> int:
        """How many band rows are missing or extra for the store's originals, once their backfill finished
        (0 before: the bands are still being written)."""
        layout = self.copy_band_layout()
        if layout is None or self.get_meta(BANDS_DONE_KEY) != layout.key():
            return 0
        signed = self._execute("SELECT COUNT(*) FROM articles WHERE copy_of IS NULL AND minhash IS NOT NULL "
                               "AND LENGTH(minhash) = ?", (4 * layout.num_perm,)).fetchone()[0]
        stored = self._execute("SELECT COUNT(*) FROM copy_bands").fetchone()[0]
        return abs(int(stored) - layout.bands * int(signed))

    def article_story_id(self, article_id: str) -> int | None:
        """The story an article is in."""
        row = self._execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def create_story(self, story_id: int, title: str) -> None:
        """Record a new story (its articles come with :meth:`assign`)."""
        now = _now()
        self._execute(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (story_id, title, now, now),
        )

    def assign(self, key: int, story_id: int, score: float | None) -> None:
        """Put an article into a story (and its summary)."""
        row = self._execute(
            "SELECT story_id, language, published, published_source, ingested_at, copy_of, kept_out "
            "FROM articles WHERE seq = ?", (key,),
        ).fetchone()
        self._execute("UPDATE articles SET story_id = ?, link_score = ? WHERE seq = ?", (story_id, score, key))
        self._execute("UPDATE stories SET updated_at = ? WHERE id = ?", (_now(), story_id))
        if row is None or row["story_id"] == story_id:
            return
        if row["story_id"] is not None:  # taken from another story (the tracker never does): count that one again
            self.resummarise_stories([row["story_id"]])
        copy = row["copy_of"] is not None
        placed = row["published"] if row["published_source"] != str(DateSource.HTML_TEXT) else None
        tally = StoryTally(1, int(copy), int(row["kept_out"] is None), placed, placed, row["ingested_at"],
                           row["ingested_at"])
        self._add_to_summary(story_id, tally, {row["language"]: (int(not copy), int(copy))})
        if not copy:
            self._add_to_language_totals(row["language"], 1)

    def _story_tally(self, story_id: int) -> StoryTally | None:
        """A story's stored summary, or ``None`` when it has none (no articles, or merged)."""
        row = self._execute(f"SELECT {', '.join(_TALLY_COLUMNS)} FROM story_summaries WHERE story_id = ?",
                            (story_id,)).fetchone()
        return None if row is None else StoryTally(*(row[column] for column in _TALLY_COLUMNS))

    def _add_to_summary(self, story_id: int, tally: StoryTally, languages: dict[str, tuple[int, int]]) -> None:
        """Add the tally of articles that joined a story, and their ``language: (originals, copies)``, to its
        summary: a few rows read and written, however large the story."""
        stored = self._story_tally(story_id)
        total = tally if stored is None else stored + tally
        if total.linked and not (stored and stored.linked):  # it is listed from now on
            self._add_to_listed_stories(1)
        self._execute(
            f"INSERT INTO story_summaries ({', '.join(_SUMMARY_COLUMNS)}) VALUES ({_marks(len(_SUMMARY_COLUMNS))}) "
            "ON CONFLICT (story_id) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in _SUMMARY_COLUMNS[1:]),
            (story_id, *total.row()),
        )
        self._executemany(
            "INSERT INTO story_languages (story_id, language, originals, copies) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (story_id, language) DO UPDATE SET originals = story_languages.originals + "
            "excluded.originals, copies = story_languages.copies + excluded.copies",
            [(story_id, language, originals, copies) for language, (originals, copies) in languages.items()],
        )

    def _add_to_listed_stories(self, count: int) -> None:
        """Count stories that started (``count`` > 0) or stopped being listed in the store's total."""
        self._execute("INSERT INTO listing_totals (name, value) VALUES ('listed_stories', ?) "
                      "ON CONFLICT (name) DO UPDATE SET value = listing_totals.value + excluded.value", (count,))

    def _add_to_language_totals(self, language: str, originals: int) -> None:
        self._execute("INSERT INTO language_totals (language, originals) VALUES (?, ?) ON CONFLICT (language) "
                      "DO UPDATE SET originals = language_totals.originals + excluded.originals", (language, originals))

    def _recount_totals(self) -> None:
        """Compute the store's totals again from the story summaries (after summaries were recomputed)."""
        self._execute("DELETE FROM language_totals")
        self._execute("INSERT INTO language_totals (language, originals) "
                      "SELECT language, SUM(originals) FROM story_languages GROUP BY language")
        self._execute("DELETE FROM listing_totals")
        self._execute("INSERT INTO listing_totals (name, value) "
                      "SELECT 'listed_stories', COUNT(*) FROM story_summaries WHERE listed = 1")

    def _fold_summary(self, source_id: int, target_id: int) -> None:
        """Move a merged story's summary into the story it went into."""
        tally = self._story_tally(source_id)
        if tally is None:
            return
        languages = {
            row["language"]: (int(row["originals"]), int(row["copies"]))
            for row in self._execute("SELECT language, originals, copies FROM story_languages WHERE story_id = ?",
                                     (source_id,))
        }
        self._execute("DELETE FROM story_summaries WHERE story_id = ?", (source_id,))
        self._execute("DELETE FROM story_languages WHERE story_id = ?", (source_id,))
        if tally.linked:  # no longer listed itself (its articles, and the store's languages, stay as they were)
            self._add_to_listed_stories(-1)
        self._add_to_summary(target_id, tally, languages)

    def resummarise_stories(self, story_ids: Sequence[int] | None = None) -> None:
        """Compute the summaries of these stories (default: every story) again from their articles; inside a
        transaction. Cheap for a few stories (through the story index); the whole store is one grouped scan."""
        where, params = "", []
        if story_ids is not None:
            where, params = f" AND a.story_id IN ({_marks(len(story_ids))})", list(story_ids)
            self._execute(f"DELETE FROM story_summaries WHERE story_id IN ({_marks(len(story_ids))})", params)
            self._execute(f"DELETE FROM story_languages WHERE story_id IN ({_marks(len(story_ids))})", params)
        else:
            self._execute("DELETE FROM story_summaries")
            self._execute("DELETE FROM story_languages")
        self._execute(f"INSERT INTO story_summaries ({', '.join(_SUMMARY_COLUMNS)}) "
                      + _SUMMARY_OF_ARTICLES.format(where=where), params)
        self._execute("INSERT INTO story_languages (story_id, language, originals, copies) "
                      + _LANGUAGES_OF_ARTICLES.format(where=where), params)
        self._recount_totals()  # one pass over the summaries: relinks, and articles moved between stories

    def summary_drift(self) -> list[int]:
        """Ids of the stories whose stored summary differs from what their articles add up to (none: the
        summaries are current). Reads every article."""
        def rows(sql: str, width: int) -> set[tuple[Any, ...]]:
            return {tuple(row[index] for index in range(width)) for row in self._execute(sql)}

        stored = rows(f"SELECT {', '.join(_SUMMARY_COLUMNS)} FROM story_summaries", len(_SUMMARY_COLUMNS))
        computed = rows(_SUMMARY_OF_ARTICLES.format(where=""), len(_SUMMARY_COLUMNS))
        stored_languages = rows("SELECT story_id, language, originals, copies FROM story_languages", 4)
        computed_languages = rows(_LANGUAGES_OF_ARTICLES.format(where=""), 4)
        return sorted({int(row[0]) for row in (stored ^ computed) | (stored_languages ^ computed_languages)})

    def totals_drift(self) -> bool:
        """Whether the store's totals (``language_totals``, ``listing_totals``) differ from the story summaries."""
        stored = {row[0]: int(row[1]) for row in self._execute("SELECT language, originals FROM language_totals")
                  if row[1]}
        computed = {row[0]: int(row[1]) for row in self._execute(
            "SELECT language, SUM(originals) FROM story_languages GROUP BY language") if row[1]}
        listed = self._execute("SELECT COUNT(*) FROM story_summaries WHERE listed = 1").fetchone()[0]
        return stored != computed or self._listed_stories() != int(listed)

    def _listed_stories(self) -> int:
        """How many stories a listing without filters holds (the store's total)."""
        row = self._execute("SELECT value FROM listing_totals WHERE name = 'listed_stories'").fetchone()
        return 0 if row is None else int(row[0])

    def merge_stories(self, source_id: int, target_id: int, article_id: str, score: float) -> None:
        """Fold one story into another and record it."""
        now = _now()
        self._execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (target_id, source_id))
        self._fold_summary(source_id, target_id)
        self._execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (target_id, now, source_id))
        self._execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (target_id, source_id))
        self._execute(
            "INSERT INTO story_merges (source_id, target_id, article_id, score, merged_at) VALUES (?, ?, ?, ?, ?)",
            (source_id, target_id, article_id, score, now),
        )
        self.refresh_entity_counts_after_merge(target_id)

    def relink_stories(
        self,
        assignments: Sequence[tuple[int, int, float | None]],
        titles: dict[int, str],
        merges: Sequence[tuple[int, int, str, float]] = (),
        changed: Sequence[int] = (),
    ) -> None:
        """Store a relink (:meth:`babelwire.Tracker.relink`): new ``(key, story, score)`` assignments.

        Ids stay stories' ids: ``titles`` holds every live story after the relink (an id the store lacks is
        created); ``merges`` folds each ``(old id, story, article id, share)`` into that story and records it
        (``share``: of the old story's articles that went there); ``changed`` stories get a new ``updated_at``.
        Earlier merges stay, so every id ever shown still leads somewhere. Syndicated copies follow their
        originals.
        """
        existing = {row[0] for row in self._execute("SELECT id FROM stories")}
        now = _now()
        for story_id, title in sorted(titles.items()):
            if story_id in existing:
                self._execute("UPDATE stories SET title = ? WHERE id = ?", (title, story_id))
            else:
                self.create_story(story_id, title)
        self._executemany(
            "UPDATE articles SET story_id = ?, link_score = ? WHERE seq = ?",
            [(story, score, key) for key, story, score in assignments],
        )
        self._execute(
            "UPDATE articles SET story_id = (SELECT o.story_id FROM articles o WHERE o.id = articles.copy_of) "
            "WHERE copy_of IS NOT NULL"
        )
        for source, target, article_id, share in merges:
            self._execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (target, now, source))
            self._execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (target, source))
            self._execute(
                "INSERT INTO story_merges (source_id, target_id, article_id, score, merged_at) VALUES (?, ?, ?, ?, ?)",
                (source, target, article_id, share, now),
            )
        self._executemany("UPDATE stories SET updated_at = ? WHERE id = ?", [(now, story) for story in changed])
        self.resummarise_stories()  # a relink may move any article: one grouped pass over the store
        # the entity index no longer knows what these stories hold: they are read again (reindex, or on use)
        self.forget_story_entities([*changed, *(merge[0] for merge in merges), *(merge[1] for merge in merges)])

    def max_story_id(self) -> int:
        """The highest story id the store has used, merged stories included (0 when none)."""
        return int(self._execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0])

    # --- reads ---------------------------------------------------------------------

    def count_articles(self) -> int:
        """How many articles (copies included) the store holds."""
        return int(self._execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def iter_link_rows(self, after: int = 0) -> Iterator[LinkRow]:
        """Every linked article with its vector (those with a key above ``after``), in insertion order
        (pages kept out of stories are left out)."""
        rows = self._stream(
            "SELECT seq, id, embedding, story_id, published, published_source, published_reliable, language "
            f"FROM articles WHERE seq > ? AND {_LINKED} ORDER BY seq", (after,),
        )
        for row in rows:
            yield LinkRow(
                seq=row["seq"], id=row["id"], vector=np.frombuffer(row["embedding"], dtype=np.float32),
                story_id=row["story_id"], published=_published(row), language=row["language"],
            )

    def link_members(self, keys: Sequence[int]) -> dict[int, tuple[int, PublishedDate | None, str]]:
        """``key -> (story id, publication date, language)`` of the linked articles among ``keys``."""
        if not keys:
            return {}
        rows = self._execute(
            "SELECT seq, story_id, published, published_source, published_reliable, language FROM articles "
            f"WHERE seq IN ({_marks(len(keys))}) AND {_LINKED}", list(keys),
        )
        return {row["seq"]: (row["story_id"], _published(row), row["language"]) for row in rows}

    def story_link_members(self, story_ids: Sequence[int]) -> Iterator[tuple[int, int, np.ndarray, str]]:
        """``(story id, key, vector, language)`` of the linked articles of these stories, by story, in key order."""
        if not story_ids:
            return
        rows = self._execute(
            f"SELECT story_id, seq, embedding, language FROM articles WHERE story_id IN ({_marks(len(story_ids))}) "
            f"AND {_LINKED} ORDER BY story_id, seq", list(story_ids),
        )
        for row in rows:
            yield row[0], row[1], np.frombuffer(row[2], dtype=np.float32), row[3]

    def article_id_at(self, key: int) -> str | None:
        """The id of the article stored under ``key``, or ``None``."""
        row = self._execute("SELECT id FROM articles WHERE seq = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def embedding(self, article_id: str) -> np.ndarray | None:
        """An article's stored vector (copies have none)."""
        row = self._execute("SELECT embedding FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None or row[0] is None else np.frombuffer(row[0], dtype=np.float32)

    def embeddings(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by article id, in one query (copies and unknown ids are left out)."""
        if not article_ids:
            return {}
        rows = self._execute(
            f"SELECT id, embedding FROM articles WHERE id IN ({_marks(len(article_ids))}) AND embedding IS NOT NULL",
            list(article_ids),
        )
        return {row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows}

    def article(self, article_id: str) -> Article | None:
        """One stored article, or ``None``."""
        row = self._execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles_by_keys(self, keys: Sequence[int]) -> dict[int, Article]:
        """Articles by their key (:meth:`insert_article`'s result); unknown keys are left out."""
        if not keys:
            return {}
        rows = self._execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE seq IN ({_marks(len(keys))})", list(keys))
        return {row["seq"]: _article(row) for row in rows}

    def story_articles(self, story_id: int, copies: bool = False) -> list[Article]:
        """A story's articles, oldest publication first (undated ones last).

        Syndicated copies are left out, or with ``copies=True`` returned alone.
        """
        rows = self._execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id = ? "
            f"AND copy_of IS {'NOT ' if copies else ''}NULL ORDER BY {_PUBLICATION_ORDER}",
            (story_id,),
        )
        return [_article(row) for row in rows]

    def resolve_story_id(self, story_id: int) -> int | None:
        """The live story an id now stands for (following merges), or ``None``."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self._execute("SELECT merged_into FROM stories WHERE id = ?", (story_id,)).fetchone()
            if row is None:
                return None
            if row[0] is None:
                return story_id
            story_id = row[0]
        raise StoreError(f"story merge cycle at {story_id}")

    def stories(
        self,
        language: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        story_ids: Sequence[int] | None = None,
        with_kept_out: bool = False,
    ) -> list[Story]:
        """Live stories, newest activity first, with their languages and time span; a listing (no ``story_ids``)
        leaves out the one-page stories of pages kept out of linking unless ``with_kept_out``."""
        spans, params = self._story_filter_sql(language, None, None, (), story_ids, with_kept_out=with_kept_out)
        sql, params = _paged(
            "SELECT s.id, s.title, s.created_at, s.updated_at, f.first_seen, f.last_seen, f.span_inferred "
            f"FROM ({spans}) AS f JOIN stories s ON s.id = f.id ORDER BY f.last_seen DESC, f.id DESC",
            params, limit, offset,
        )
        stories = {
            row["id"]: Story(
                id=row["id"], title=row["title"],
                created_at=datetime.fromisoformat(row["created_at"]),
                updated_at=datetime.fromisoformat(row["updated_at"]),
                first_seen=row["first_seen"], last_seen=row["last_seen"], span_inferred=bool(row["span_inferred"]),
            )
            for row in self._execute(sql, params).fetchall()
        }
        if stories:
            outlets: dict[int, set[str]] = {story_id: set() for story_id in stories}
            for row in self._execute(
                "SELECT story_id, id, language, source, copy_of FROM articles "
                f"WHERE story_id IN ({_marks(len(stories))}) ORDER BY {_PUBLICATION_ORDER}",
                list(stories),
            ):
                story = stories[row["story_id"]]
                # an article without a named source is an outlet of its own: it cannot be shown to repeat one
                outlets[story.id].add(row["source"] or f"\0{row['id']}")
                if row["copy_of"] is not None:
                    story.copies += 1
                    continue
                story.article_ids.append(row["id"])
                story.languages[row["language"]] = story.languages.get(row["language"], 0) + 1
            for story_id, names in outlets.items():
                stories[story_id].outlets = len(names)
        return list(stories.values())

    def find_story_ids(
        self,
        *,
        language: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        mentions: Sequence[str] = (),
        story_ids: Sequence[int] | None = None,
        outlet: str | None = None,
        entity_id: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of live stories that pass every filter, newest activity first (the order of :meth:`stories`).

        ``published_from``/``published_to`` (ISO dates, ``YYYY-MM-DD``) keep the stories whose
        publication span (``first_seen``..``last_seen``) overlaps the range, compared at the precision
        both sides have (a story last seen in ``2023-05`` overlaps a range from ``2023-05-20``).
        Each of ``mentions`` must occur in the title or text of one of the story's articles
        (case-insensitive for ASCII letters only, on either backend). ``outlet`` keeps the stories with an
        article or copy from that source; ``entity_id`` those the entity index holds that entry in.
        """
        sql, params = self._story_filter_sql(language, published_from, published_to, mentions, story_ids,
                                             outlet, entity_id)
        sql, params = _paged(sql + " ORDER BY g.last_seen DESC, g.story_id DESC", params, limit, offset)
        return [row[0] for row in self._execute(sql, params)]

    def count_stories_matching(
        self,
        *,
        language: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        mentions: Sequence[str] = (),
        story_ids: Sequence[int] | None = None,
        outlet: str | None = None,
        entity_id: int | None = None,
    ) -> int:
        """How many live stories :meth:`find_story_ids` finds without a limit (without filters: the store's total,
        one row read)."""
        unfiltered = not (language or published_from or published_to or mentions)
        if unfiltered and outlet is None and story_ids is None and entity_id is None:
            return self._listed_stories()
        sql, params = self._story_filter_sql(language, published_from, published_to, mentions, story_ids,
                                             outlet, entity_id)
        return int(self._execute(f"SELECT COUNT(*) FROM ({sql}) AS f", params).fetchone()[0])

    def _story_filter_sql(
        self,
        language: str | None,
        published_from: str | None,
        published_to: str | None,
        mentions: Sequence[str],
        story_ids: Sequence[int] | None,
        outlet: str | None = None,
        entity_id: int | None = None,
        with_kept_out: bool = False,
    ) -> tuple[str, list[Any]]:
        """``SELECT g.id, g.first_seen, g.last_seen, g.span_inferred`` of the live stories that pass the filters
        (without ``story_ids`` and ``with_kept_out``, only stories with an article that was not kept out of linking).

        It reads the story summaries (``story_summaries``, one row per live story with articles); only the
        filters on what the articles say (``mentions``, ``outlet``) look at articles, each story's through the
        story or outlet index.
        """
        where = []
        params: list[Any] = []
        if story_ids is not None:
            where.append(f"g.story_id IN ({_marks(len(story_ids))})")
            params.extend(story_ids)
        elif not with_kept_out:  # a listing leaves out the one-page stories of pages kept out of linking (junk.py)
            where.append("g.listed = 1")
        if language:
            where.append("EXISTS (SELECT 1 FROM story_languages l WHERE l.story_id = g.story_id AND l.language = ?)")
            params.append(language)
        for phrase in mentions:
            where.append(
                "EXISTS (SELECT 1 FROM articles m WHERE m.story_id = g.story_id "
                f"AND (m.title {self._like} ? ESCAPE '\\' OR m.text {self._like} ? ESCAPE '\\'))"
            )
            pattern = "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params.extend([pattern, pattern])
        if outlet is not None:
            where.append("EXISTS (SELECT 1 FROM articles o WHERE o.story_id = g.story_id AND o.source = ?)")
            params.append(outlet)
        if entity_id is not None:  # rows of a merged story count for the story it went into
            where.append("g.story_id IN (SELECT COALESCE(es.merged_into, es.id) FROM entity_articles ea "
                         "JOIN stories es ON es.id = ea.story_id WHERE ea.entity_id = ?)")
            params.append(entity_id)
        if published_from:  # the span ends on or after the start of the range
            where.append("substr(g.last_seen, 1, 10) >= substr(?, 1, length(substr(g.last_seen, 1, 10)))")
            params.append(published_from)
        if published_to:  # the span starts on or before the end of the range
            where.append("substr(g.first_seen, 1, 10) <= ?")
            params.append(published_to)
        sql = ("SELECT g.story_id AS id, g.first_seen, g.last_seen, "
               "CASE WHEN g.last_placed IS NULL THEN 1 ELSE 0 END AS span_inferred FROM story_summaries g")
        if where:
            sql += f" WHERE {' AND '.join(where)}"
        return sql, params

    def articles_of_stories(self, story_ids: Sequence[int]) -> dict[int, list[Article]]:
        """Each story's articles in the order of :meth:`story_articles`, in one query."""
        found: dict[int, list[Article]] = {story_id: [] for story_id in story_ids}
        if not found:
            return found
        rows = self._execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id IN ({_marks(len(found))}) AND copy_of IS NULL "
            f"ORDER BY story_id, {_PUBLICATION_ORDER}",
            list(found),
        )
        for row in rows:
            found[row["story_id"]].append(_article(row))
        return found

    def language_counts(self) -> dict[str, int]:
        """Articles per language code over the whole store, most frequent first."""
        rows = self._execute(  # the store's totals, kept with the story summaries: one row per language
            "SELECT language, originals AS n FROM language_totals WHERE originals > 0 ORDER BY n DESC, language"
        )
        return {row["language"]: row["n"] for row in rows}

    def merges(self, story_id: int | None = None) -> list[StoryMerge]:
        """Recorded story merges, oldest first; with ``story_id`` only those into that story."""
        sql = "SELECT source_id, target_id, article_id, score, merged_at FROM story_merges"
        rows = self._execute(sql + (" WHERE target_id = ?" if story_id else "") + " ORDER BY id",
                             (story_id,) if story_id else ())
        return [
            StoryMerge(row["source_id"], row["target_id"], datetime.fromisoformat(row["merged_at"]),
                       row["article_id"], row["score"])
            for row in rows
        ]

    def cached_story_analysis(self, fingerprint: str) -> str | None:
        """A story analysis (JSON) cached under its fingerprint, or ``None``."""
        row = self._execute("SELECT analysis FROM story_analyses WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return row[0] if row else None

    def save_story_analysis(self, story_id: int, fingerprint: str, analysis: str) -> None:
        """Cache a story's analysis (JSON), replacing the story's older ones."""
        with self.transaction():
            self._execute("DELETE FROM story_analyses WHERE story_id = ? AND fingerprint != ?",
                          (story_id, fingerprint))
            self._execute(
                "INSERT INTO story_analyses (fingerprint, story_id, analysis, computed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (fingerprint) DO UPDATE SET story_id = excluded.story_id, "
                "analysis = excluded.analysis, computed_at = excluded.computed_at",
                (fingerprint, story_id, analysis, _now()),
            )

    def sentence_vectors(self, encoder: str, article_ids: Sequence[str]) -> list[tuple[str, str, bytes]]:
        """``(article_id, text_hash, vector)`` stored for these articles by readings with ``encoder``."""
        found: list[tuple[str, str, bytes]] = []
        unique = list(dict.fromkeys(article_ids))
        for start in range(0, len(unique), SENTENCE_VECTOR_CHUNK):
            chunk = unique[start : start + SENTENCE_VECTOR_CHUNK]
            rows = self._execute(
                "SELECT article_id, text_hash, vector FROM sentence_vectors "
                f"WHERE encoder = ? AND article_id IN ({_marks(len(chunk))})", [encoder, *chunk])
            found.extend((row[0], row[1], bytes(row[2])) for row in rows)
        return found

    def save_sentence_vectors(self, encoder: str, rows: Sequence[tuple[str, str, bytes]]) -> None:
        """Keep ``(article_id, text_hash, vector)`` rows of ``encoder``; a row already stored is left as it is."""
        if not rows:
            return
        with self.transaction():
            self._executemany(
                "INSERT INTO sentence_vectors (article_id, encoder, text_hash, vector) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id, encoder, text_hash) DO NOTHING",
                [(article_id, encoder, key, vector) for article_id, key, vector in rows],
            )

    def check_consistency(self) -> list[str]:
        """Problems in the store's invariants; an empty list means consistent."""
        problems = []
        checks = {
            "articles without a story": "SELECT COUNT(*) FROM articles WHERE story_id IS NULL",
            "articles in a merged story": "SELECT COUNT(*) FROM articles a JOIN stories s ON a.story_id = s.id "
            "WHERE s.merged_into IS NOT NULL",
            "live stories without articles": "SELECT COUNT(*) FROM stories s WHERE s.merged_into IS NULL AND NOT "
            "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)",
            "duplicate content": "SELECT COUNT(*) - COUNT(DISTINCT content_hash) FROM articles WHERE copy_of IS NULL",
            "copies of missing articles": "SELECT COUNT(*) FROM articles c WHERE c.copy_of IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM articles o WHERE o.id = c.copy_of AND o.copy_of IS NULL)",
            "copies outside their original's story": "SELECT COUNT(*) FROM articles c JOIN articles o "
            f"ON o.id = c.copy_of WHERE c.story_id {self._differs} o.story_id",
        }
        for name, sql in checks.items():
            count = self._execute(sql).fetchone()[0]
            if count:
                problems.append(f"{count} {name}")
        if drift := self.summary_drift():
            problems.append(f"{len(drift)} story summaries that differ from their articles")
        if self.totals_drift():
            problems.append("store totals (languages, listed stories) that differ from the story summaries")
        if drift := self.copy_band_drift():
            problems.append(f"{drift} copy band rows missing or extra (copy detection would miss originals)")
        return problems + self._integrity_problems()


class SQLiteStore(Store):
    """The embedded store: one SQLite file in WAL mode (readers never wait for the writer)."""

    migrations = MIGRATIONS
    #: this connection committed a write (see :meth:`close`)
    _wrote = False

    def __init__(self, path: str | Path, adopt: bool = False):
        self.path = str(path)
        self._adopt = adopt
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        self._set_up(sqlite3.DatabaseError)

    def _configure(self) -> None:
        self._db.execute("PRAGMA busy_timeout=10000")  # first: switching a new file to WAL may wait too
        # ...but SQLite answers "locked" at once, without its busy handler, when another connection is
        # switching the same new file at that moment: retry for as long as the busy timeout would wait
        deadline = time.monotonic() + 10
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return self._db.execute(sql, params)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        cursor = self._db.execute(sql, params)
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")  # take the write lock now, not at the first write

    def _commit(self) -> None:
        self._db.execute("COMMIT")
        self._wrote = True

    def optimize(self) -> None:
        """``PRAGMA optimize``: ANALYZE the tables whose statistics are missing or stale, each on a bounded
        sample (``analysis_limit``), so it stays fast on a large store. A read-only store is left as it is."""
        try:
            self._db.execute("PRAGMA analysis_limit=1000")
            self._db.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass  # read-only, busy or closed: the statistics wait for the next writer

    def close(self) -> None:
        """Close the connection; a connection that wrote first refreshes the planner's statistics (SQLite's
        advice: ``PRAGMA optimize`` before closing), readers never do (they would wait for the write lock)."""
        if self._wrote:
            self._wrote = False  # closing twice optimizes once
            self.optimize()
        self._db.close()

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _read_schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _foreign_tables(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                "ORDER BY name").fetchall()
        return [row[0] for row in rows]

    def _foreign_names(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
        return [row[0] for row in rows]

    def _write_schema_version(self, version: int) -> None:
        self._db.execute(f"PRAGMA user_version={int(version)}")

    def _integrity_problems(self) -> list[str]:
        integrity = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        return [] if integrity == "ok" else [f"integrity check: {integrity}"]

    def next_key(self) -> int:
        """The key the next inserted article will get (AUTOINCREMENT never reuses keys)."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone()
        return (row[0] if row else 0) + 1

    def data_version(self) -> int:
        """A number that changes whenever another connection (or process) commits to the store."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])


def _published(row: Row) -> PublishedDate | None:
    if row["published"] is None:
        return None
    return PublishedDate(row["published"], DateSource(row["published_source"]), bool(row["published_reliable"]))


def _article(row: Row) -> Article:
    article = Article(
        title=row["title"], text=row["text"], url=row["url"], source=row["source"], origin=row["origin"],
        published=_published(row), language=row["language"], language_confidence=row["language_confidence"],
        ingested_at=datetime.fromisoformat(row["ingested_at"]), id=row["id"], content_hash=row["content_hash"],
    )
    article.story_id = row["story_id"]
    article.link_score = row["link_score"]
    article.copy_of = row["copy_of"]
    article.copy_similarity = row["copy_similarity"]
    article.kept_out = row["kept_out"]
    return article
