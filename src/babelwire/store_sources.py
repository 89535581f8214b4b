"""Sources polled on a schedule and the record of each poll, part of the store (tables ``sources``, ``polls``).

Times are ISO 8601 strings in UTC with whole seconds (``2026-01-02T03:04:05+00:00``), so that they compare
as text in both backends. A poll's record and its source's new state are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

_SOURCE_COLUMNS = ("id, url, title, every_s, follow_links, language, added_at, etag, last_modified, next_poll_at, "
                   "last_poll_at, last_status, failures, articles, last_error, body_hash")


@dataclass
class SourceRow:
    """A stored source and its polling state."""

    id: int
    url: str
    title: str | None
    every_s: int
    follow_links: bool
    language: str | None
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: str = ""
    last_poll_at: str | None = None
    last_status: str | None = None
    failures: int = 0
    articles: int = 0
    last_error: str | None = None
    #: SHA-256 of the last feed body read (a server without ETag sends the same bytes again)
    body_hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The source as JSON-ready data."""
        return dict(self.__dict__)


@dataclass
class PollRecord:
    """What one poll of a source did."""

    source_id: int
    started_at: str
    finished_at: str
    status: str
    http_status: int | None = None
    new_articles: int = 0
    skipped: int = 0
    error: str | None = None


def _source(row: Any) -> SourceRow:
    return SourceRow(
        id=int(row["id"]), url=row["url"], title=row["title"], every_s=int(row["every_s"]),
        follow_links=bool(row["follow_links"]), language=row["language"], added_at=row["added_at"],
        etag=row["etag"], last_modified=row["last_modified"], next_poll_at=row["next_poll_at"],
        last_poll_at=row["last_poll_at"], last_status=row["last_status"], failures=int(row["failures"]),
        articles=int(row["articles"]), last_error=row["last_error"], body_hash=row["body_hash"],
    )


class SourceStore:
    """The source and poll queries of :class:`babelwire.store.Store` (a mixin: the store brings the connection)."""

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def add_source(self, url: str, every_s: int, *, title: str | None = None, follow_links: bool = False,
                   language: str | None = None, now: str) -> tuple[SourceRow, bool]:
        """Store a source, due at once; an already stored URL keeps its polling state and takes the new
        options. The source, and whether it is new."""
        with self.transaction():
            existing = self.source(url)
            if existing is None:
                self._execute(
                    "INSERT INTO sources (url, title, every_s, follow_links, language, added_at, next_poll_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (url, title, every_s, int(follow_links), language, now, now))
            else:
                self._execute(
                    "UPDATE sources SET title = COALESCE(?, title), every_s = ?, follow_links = ?, language = ? "
                    "WHERE id = ?", (title, every_s, int(follow_links), language, existing.id))
        source = self.source(url)
        assert source is not None
        return source, existing is None

    def source(self, key: int | str) -> SourceRow | None:
        """A source by id or URL."""
        column = "id" if isinstance(key, int) else "url"
        row = self._execute(f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE {column} = ?", (key,)).fetchone()
        return _source(row) if row else None

    def sources(self) -> list[SourceRow]:
        """Every source, in the order they were added."""
        return [_source(row) for row in self._execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id")]

    def count_sources(self) -> int:
        return int(self._execute("SELECT COUNT(*) FROM sources").fetchone()[0])

    def due_sources(self, now: str, limit: int | None = None) -> list[SourceRow]:
        """The sources whose next poll is due at ``now``, the longest overdue first."""
        sql = f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE next_poll_at <= ? ORDER BY next_poll_at, id"
        params: list[Any] = [now]
        if limit is not None:
            sql, params = sql + " LIMIT ?", [now, limit]
        return [_source(row) for row in self._execute(sql, params)]

    def next_due_at(self) -> str | None:
        """When the earliest source is due; ``None`` without sources."""
        row = self._execute("SELECT MIN(next_poll_at) FROM sources").fetchone()
        return row[0] if row else None

    def remove_source(self, key: int | str) -> SourceRow | None:
        """Forget a source and its poll records (its articles stay); the removed source, if there was one."""
        source = self.source(key)
        if source is None:
            return None
        with self.transaction():
            self._execute("DELETE FROM polls WHERE source_id = ?", (source.id,))
            self._execute("DELETE FROM sources WHERE id = ?", (source.id,))
        return source

    def record_poll(self, source: SourceRow, poll: PollRecord, keep_polls: int = 0) -> None:
        """Write a poll's record and the source's new state (``source`` as updated by the poller) together;
        with ``keep_polls`` the source's older records beyond that many are deleted."""
        with self.transaction():
            self._execute(
                "INSERT INTO polls (source_id, started_at, finished_at, status, http_status, new_articles, skipped, "
                "error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (poll.source_id, poll.started_at, poll.finished_at, poll.status, poll.http_status, poll.new_articles,
                 poll.skipped, poll.error))
            self._execute(
                "UPDATE sources SET title = ?, etag = ?, last_modified = ?, next_poll_at = ?, last_poll_at = ?, "
                "last_status = ?, failures = ?, articles = ?, last_error = ?, body_hash = ? WHERE id = ?",
                (source.title, source.etag, source.last_modified, source.next_poll_at, source.last_poll_at,
                 source.last_status, source.failures, source.articles, source.last_error, source.body_hash,
                 source.id))
            if keep_polls > 0:
                row = self._execute(
                    "SELECT id FROM polls WHERE source_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                    (source.id, keep_polls)).fetchone()
                if row is not None:
                    self._execute("DELETE FROM polls WHERE source_id = ? AND id <= ?", (source.id, row[0]))

    def polls(self, source_id: int, limit: int | None = None) -> list[PollRecord]:
        """A source's poll records, oldest first (with ``limit``: the latest that many)."""
        sql = ("SELECT source_id, started_at, finished_at, status, http_status, new_articles, skipped, error "
               "FROM polls WHERE source_id = ? ORDER BY id DESC")
        params: list[Any] = [source_id]
        if limit is not None:
            sql, params = sql + " LIMIT ?", [source_id, limit]
        rows = list(self._execute(sql, params))
        return [PollRecord(int(r["source_id"]), r["started_at"], r["finished_at"], r["status"],
                           None if r["http_status"] is None else int(r["http_status"]), int(r["new_articles"]),
                           int(r["skipped"]), r["error"]) for r in reversed(rows)]
