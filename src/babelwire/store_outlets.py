"""Outlets (an article's ``source``: the site or publication) and what they published, part of the store.

An outlet is named as the articles name it, exactly; syndicated copies count for the outlet that ran them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: first and last publication (an undated article's ingest time is no publication date)
_SPAN = "MIN(published) AS first_seen, MAX(published) AS last_seen"


class OutletStore:
    """The outlet queries of :class:`babelwire.store.Store` (a mixin: the store brings the connection)."""

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def outlet_summary(self, name: str) -> dict[str, Any] | None:
        """An outlet's counts: articles, syndicated copies, stories, articles per language, first/last seen;
        ``None`` when no stored article has that source."""
        row = self._execute(
            "SELECT COUNT(*) AS n, SUM(CASE WHEN copy_of IS NULL THEN 0 ELSE 1 END) AS copies, "
            f"COUNT(DISTINCT story_id) AS stories, {_SPAN} FROM articles WHERE source = ? AND story_id IS NOT NULL",
            (name,)).fetchone()
        if row is None or not row["n"]:
            return None
        languages = {r["language"]: int(r["n"]) for r in self._execute(
            "SELECT language, COUNT(*) AS n FROM articles WHERE source = ? AND story_id IS NOT NULL "
            "GROUP BY language ORDER BY n DESC, language", (name,))}
        return {
            "name": name, "article_count": int(row["n"]) - int(row["copies"] or 0),
            "copy_count": int(row["copies"] or 0),
            "story_count": int(row["stories"]), "languages": languages,
            "first_seen": row["first_seen"], "last_seen": row["last_seen"],
        }

    def outlet_counts(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Every outlet with its article count (copies included), the most prolific first."""
        sql = ("SELECT source, COUNT(*) AS n FROM articles WHERE source IS NOT NULL AND story_id IS NOT NULL "
               "GROUP BY source ORDER BY n DESC, source")
        params: list[Any] = []
        if limit is not None:
            sql, params = sql + " LIMIT ? OFFSET ?", [limit, offset]
        return [{"name": row["source"], "article_count": int(row["n"])} for row in self._execute(sql, params)]

    def count_outlets(self) -> int:
        """How many outlets :meth:`outlet_counts` lists without a limit."""
        return int(self._execute(
            "SELECT COUNT(DISTINCT source) FROM articles WHERE source IS NOT NULL AND story_id IS NOT NULL"
        ).fetchone()[0])
