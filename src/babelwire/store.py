"""The embedded store: SQLite in WAL mode, versioned schema, one transaction per batch.

Articles keep their embedding (float32 bytes) so the vector index and the
linker are rebuilt from the store at start-up: the store is the only state, and
whatever a crash interrupts was never committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from babelwire.types import Article, DateSource, PublishedDate, Story, StoryMerge

#: each entry upgrades the schema from version ``index`` to ``index + 1``
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
)
SCHEMA_VERSION = len(MIGRATIONS)

_ARTICLE_COLUMNS = (
    "seq, id, url, source, origin, title, text, language, language_confidence, published, "
    "published_source, published_reliable, ingested_at, content_hash, story_id, link_score"
)


class StoreError(Exception):
    """The store cannot be opened or used as asked."""


def canonical_url(url: str | None) -> str | None:
    """A URL normalised for duplicate detection (scheme, host case, tracking parameters)."""
    if not url:
        return None
    try:
        from courlan import normalize_url

        return normalize_url(url, strict=True)
    except (ValueError, ImportError):
        return url.strip()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LinkRow:
    """What the linker needs of one stored article."""

    seq: int
    id: str
    vector: np.ndarray
    story_id: int
    published: PublishedDate | None
    language: str


class Store:
    """SQLite store. Use :meth:`transaction` around every batch of writes."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path} is not a babelwire store: {exc}") from exc

    # --- lifecycle -----------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this babelwire ({SCHEMA_VERSION})"
            )
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={target + 1}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- meta ----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- writes --------------------------------------------------------------------

    def find_duplicate(self, article: Article) -> str | None:
        """The id of a stored article that is this one (same id, canonical URL or content)."""
        row = self._db.execute(
            "SELECT id FROM articles WHERE id = ? OR content_hash = ? "
            "OR (canonical_url IS NOT NULL AND canonical_url = ?)",
            (article.id, article.content_hash, canonical_url(article.url)),
        ).fetchone()
        return row[0] if row else None

    def insert_article(self, article: Article) -> int:
        """Store an analysed article (its story comes from :meth:`assign`); returns its key."""
        published = article.published
        vector = None if article.embedding is None else np.asarray(article.embedding, np.float32).tobytes()
        cursor = self._db.execute(
            "INSERT INTO articles (id, url, canonical_url, source, origin, title, text, language, "
            "language_confidence, published, published_source, published_reliable, ingested_at, "
            "content_hash, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id, article.url, canonical_url(article.url), article.source, article.origin,
                article.title, article.text, article.language, article.language_confidence,
                published.value if published else None,
                str(published.source) if published else str(DateSource.NONE),
                int(published.reliable) if published else 0,
                article.ingested_at.isoformat(timespec="seconds"), article.content_hash, vector,
            ),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def next_key(self) -> int:
        """The key the next inserted article will get (AUTOINCREMENT never reuses keys)."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone()
        return (row[0] if row else 0) + 1

    def create_story(self, story_id: int, title: str) -> None:
        now = _now()
        self._db.execute(
            "INSERT INTO stories (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (story_id, title, now, now),
        )

    def assign(self, key: int, story_id: int, score: float | None) -> None:
        """Put an article into a story."""
        self._db.execute("UPDATE articles SET story_id = ?, link_score = ? WHERE seq = ?", (story_id, score, key))
        self._db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (_now(), story_id))

    def merge_stories(self, source_id: int, target_id: int, article_id: str, score: float) -> None:
        """Fold one story into another and record it."""
        now = _now()
        self._db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (target_id, source_id))
        self._db.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (target_id, now, source_id))
        self._db.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (target_id, source_id))
        self._db.execute(
            "INSERT INTO story_merges (source_id, target_id, article_id, score, merged_at) VALUES (?, ?, ?, ?, ?)",
            (source_id, target_id, article_id, score, now),
        )

    def replace_stories(self, assignments: Sequence[tuple[int, int, float | None]], titles: dict[int, str]) -> None:
        """Drop every story and merge record, then store new ``(key, story, score)`` assignments."""
        self._db.execute("UPDATE articles SET story_id = NULL, link_score = NULL")
        self._db.execute("DELETE FROM story_merges")
        self._db.execute("DELETE FROM stories")
        for story_id, title in sorted(titles.items()):
            self.create_story(story_id, title)
        self._db.executemany(
            "UPDATE articles SET story_id = ?, link_score = ? WHERE seq = ?",
            [(story, score, key) for key, story, score in assignments],
        )

    # --- reads ---------------------------------------------------------------------

    def count_articles(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def iter_link_rows(self) -> Iterator[LinkRow]:
        """Every linked article with its vector, in insertion order."""
        cursor = self._db.execute(
            "SELECT seq, id, embedding, story_id, published, published_source, published_reliable, language "
            "FROM articles WHERE embedding IS NOT NULL ORDER BY seq"
        )
        for row in cursor:
            yield LinkRow(
                seq=row["seq"], id=row["id"], vector=np.frombuffer(row["embedding"], dtype=np.float32),
                story_id=row["story_id"], published=_published(row), language=row["language"],
            )

    def embedding(self, article_id: str) -> np.ndarray | None:
        row = self._db.execute("SELECT embedding FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None or row[0] is None else np.frombuffer(row[0], dtype=np.float32)

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles_by_keys(self, keys: Sequence[int]) -> dict[int, Article]:
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE seq IN ({marks})", list(keys))
        return {row["seq"]: _article(row) for row in rows}

    def story_articles(self, story_id: int) -> list[Article]:
        """A story's articles, oldest publication first (undated ones last)."""
        rows = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id = ? "
            "ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        return [_article(row) for row in rows]

    def resolve_story_id(self, story_id: int) -> int | None:
        """The live story an id now stands for (following merges), or ``None``."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self._db.execute("SELECT merged_into FROM stories WHERE id = ?", (story_id,)).fetchone()
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
    ) -> list[Story]:
        """Live stories, newest activity first, with their languages and time span."""
        where = ["s.merged_into IS NULL"]
        params: list[object] = []
        if language:
            where.append("EXISTS (SELECT 1 FROM articles l WHERE l.story_id = s.id AND l.language = ?)")
            params.append(language)
        if story_ids is not None:
            where.append(f"s.id IN ({','.join('?' * len(story_ids)) or 'NULL'})")
            params.extend(story_ids)
        sql = (
            "SELECT s.id, s.title, s.created_at, s.updated_at, "
            "MIN(COALESCE(a.published, a.ingested_at)) AS first_seen, "
            "MAX(COALESCE(a.published, a.ingested_at)) AS last_seen "
            "FROM stories s JOIN articles a ON a.story_id = s.id "
            f"WHERE {' AND '.join(where)} GROUP BY s.id ORDER BY last_seen DESC, s.id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        rows = self._db.execute(sql, params).fetchall()
        stories = {
            row["id"]: Story(
                id=row["id"], title=row["title"],
                created_at=datetime.fromisoformat(row["created_at"]),
                updated_at=datetime.fromisoformat(row["updated_at"]),
                first_seen=row["first_seen"], last_seen=row["last_seen"],
            )
            for row in rows
        }
        if stories:
            marks = ",".join("?" * len(stories))
            for row in self._db.execute(
                f"SELECT story_id, id, language FROM articles WHERE story_id IN ({marks}) "
                "ORDER BY published IS NULL, published, seq",
                list(stories),
            ):
                story = stories[row["story_id"]]
                story.article_ids.append(row["id"])
                story.languages[row["language"]] = story.languages.get(row["language"], 0) + 1
        return list(stories.values())

    def find_story_ids(
        self,
        *,
        language: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        mentions: Sequence[str] = (),
        story_ids: Sequence[int] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[int]:
        """Ids of live stories that pass every filter, newest activity first (the order of :meth:`stories`).

        ``published_from``/``published_to`` (ISO dates, ``YYYY-MM-DD``) keep the stories whose
        publication span (``first_seen``..``last_seen``) overlaps the range, compared at the precision
        both sides have (a story last seen in ``2023-05`` overlaps a range from ``2023-05-20``).
        Each of ``mentions`` must occur in the title or text of one of the story's articles
        (SQL ``LIKE``: case-insensitive for ASCII letters only).
        """
        sql, params = self._story_filter_sql(language, published_from, published_to, mentions, story_ids)
        sql += " ORDER BY last_seen DESC, s.id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        return [row[0] for row in self._db.execute(sql, params)]

    def count_stories_matching(
        self,
        *,
        language: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        mentions: Sequence[str] = (),
        story_ids: Sequence[int] | None = None,
    ) -> int:
        """How many live stories :meth:`find_story_ids` finds without a limit."""
        sql, params = self._story_filter_sql(language, published_from, published_to, mentions, story_ids)
        return int(self._db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0])

    def _story_filter_sql(
        self,
        language: str | None,
        published_from: str | None,
        published_to: str | None,
        mentions: Sequence[str],
        story_ids: Sequence[int] | None,
    ) -> tuple[str, list[object]]:
        """The grouped ``SELECT s.id, first_seen, last_seen`` behind :meth:`find_story_ids`."""
        where = ["s.merged_into IS NULL"]
        having = []
        params: list[object] = []
        if language:
            where.append("EXISTS (SELECT 1 FROM articles l WHERE l.story_id = s.id AND l.language = ?)")
            params.append(language)
        for phrase in mentions:
            where.append(
                "EXISTS (SELECT 1 FROM articles m WHERE m.story_id = s.id "
                "AND (m.title LIKE ? ESCAPE '\\' OR m.text LIKE ? ESCAPE '\\'))"
            )
            pattern = "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params.extend([pattern, pattern])
        if story_ids is not None:
            where.append(f"s.id IN ({','.join('?' * len(story_ids)) or 'NULL'})")
            params.extend(story_ids)
        having_params: list[object] = []
        if published_from:  # the span ends on or after the start of the range
            having.append("substr(last_seen, 1, 10) >= substr(?, 1, length(substr(last_seen, 1, 10)))")
            having_params.append(published_from)
        if published_to:  # the span starts on or before the end of the range
            having.append("substr(first_seen, 1, 10) <= ?")
            having_params.append(published_to)
        sql = (
            "SELECT s.id, MIN(COALESCE(a.published, a.ingested_at)) AS first_seen, "
            "MAX(COALESCE(a.published, a.ingested_at)) AS last_seen "
            "FROM stories s JOIN articles a ON a.story_id = s.id "
            f"WHERE {' AND '.join(where)} GROUP BY s.id"
        )
        if having:
            sql += f" HAVING {' AND '.join(having)}"
        return sql, params + having_params

    def articles_of_stories(self, story_ids: Sequence[int]) -> dict[int, list[Article]]:
        """Each story's articles in the order of :meth:`story_articles`, in one query."""
        found: dict[int, list[Article]] = {story_id: [] for story_id in story_ids}
        if not found:
            return found
        marks = ",".join("?" * len(found))
        rows = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id IN ({marks}) "
            "ORDER BY story_id, published IS NULL, published, seq",
            list(found),
        )
        for row in rows:
            found[row["story_id"]].append(_article(row))
        return found

    def language_counts(self) -> dict[str, int]:
        """Articles per language code over the whole store, most frequent first."""
        rows = self._db.execute(
            "SELECT language, COUNT(*) AS n FROM articles WHERE story_id IS NOT NULL "
            "GROUP BY language ORDER BY n DESC, language"
        )
        return {row["language"]: row["n"] for row in rows}

    def data_version(self) -> int:
        """A number that changes whenever another connection (or process) commits to the store."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def merges(self, story_id: int | None = None) -> list[StoryMerge]:
        sql = "SELECT source_id, target_id, article_id, score, merged_at FROM story_merges"
        rows = self._db.execute(sql + (" WHERE target_id = ?" if story_id else "") + " ORDER BY id",
                                (story_id,) if story_id else ())
        return [
            StoryMerge(row["source_id"], row["target_id"], datetime.fromisoformat(row["merged_at"]),
                       row["article_id"], row["score"])
            for row in rows
        ]

    def cached_story_analysis(self, fingerprint: str) -> str | None:
        """A story analysis (JSON) cached under its fingerprint, or ``None``."""
        row = self._db.execute("SELECT analysis FROM story_analyses WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return row[0] if row else None

    def save_story_analysis(self, story_id: int, fingerprint: str, analysis: str) -> None:
        """Cache a story's analysis (JSON), replacing the story's older ones."""
        with self.transaction():
            self._db.execute("DELETE FROM story_analyses WHERE story_id = ? AND fingerprint != ?",
                             (story_id, fingerprint))
            self._db.execute(
                "INSERT OR REPLACE INTO story_analyses (fingerprint, story_id, analysis, computed_at) "
                "VALUES (?, ?, ?, ?)",
                (fingerprint, story_id, analysis, _now()),
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
            "duplicate content": "SELECT COUNT(*) - COUNT(DISTINCT content_hash) FROM articles",
        }
        for name, sql in checks.items():
            count = self._db.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{count} {name}")
        integrity = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity check: {integrity}")
        return problems


def _published(row: sqlite3.Row) -> PublishedDate | None:
    if row["published"] is None:
        return None
    return PublishedDate(row["published"], DateSource(row["published_source"]), bool(row["published_reliable"]))


def _article(row: sqlite3.Row) -> Article:
    article = Article(
        title=row["title"], text=row["text"], url=row["url"], source=row["source"], origin=row["origin"],
        published=_published(row), language=row["language"], language_confidence=row["language_confidence"],
        ingested_at=datetime.fromisoformat(row["ingested_at"]), id=row["id"], content_hash=row["content_hash"],
    )
    article.story_id = row["story_id"]
    article.link_score = row["link_score"]
    return article
