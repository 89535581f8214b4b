"""Watch-lists, what they saw of matching stories, their alerts, and story growth: part of the store.

``watchlists`` holds each list's condition (JSON) and triggers; ``watch_matches`` what a list last saw of
each story it matched (article count, languages, outlets), so that a story evaluated again without a change
raises nothing; ``alerts`` what the lists raised, with the webhook delivery state of each. The growth
queries (:meth:`WatchlistStore.story_growth`) rank stories by what arrived lately (``babelwire.developing``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from babelwire.store_entities import _marks


class WatchlistStore:
    """The watch-list queries of :class:`babelwire.store.Store` (a mixin: the store brings the connection)."""

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    # --- watch-lists -----------------------------------------------------------------------------

    def has_watchlists(self) -> bool:
        """Whether any watch-list exists (the ingest hook does nothing else when none does)."""
        return self._execute("SELECT 1 FROM watchlists LIMIT 1").fetchone() is not None

    def insert_watchlist(self, name: str, condition: dict[str, Any], triggers: Sequence[str],
                         webhook_url: str | None, webhook_secret: str | None, created_at: str) -> None:
        """Store a new watch-list (the caller checks that the name is free, inside the same transaction)."""
        self._execute(
            "INSERT INTO watchlists (name, condition, triggers, webhook_url, webhook_secret, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, json.dumps(condition, ensure_ascii=False, sort_keys=True), ",".join(triggers), webhook_url,
             webhook_secret, created_at))

    def watchlist_rows(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every watch-list (or the one named), oldest first, as stored (``condition`` decoded)."""
        sql = ("SELECT id, name, condition, triggers, webhook_url, webhook_secret, created_at FROM watchlists"
               + (" WHERE name = ?" if name is not None else "") + " ORDER BY id")
        return [{"id": int(row["id"]), "name": row["name"], "condition": json.loads(row["condition"]),
                 "triggers": [t for t in row["triggers"].split(",") if t], "webhook_url": row["webhook_url"],
                 "webhook_secret": row["webhook_secret"], "created_at": row["created_at"]}
                for row in self._execute(sql, () if name is None else (name,))]

    def delete_watchlist(self, watchlist_id: int) -> None:
        """Drop a watch-list with what it saw and the alerts it raised."""
        for table, column in (("alerts", "watchlist_id"), ("watch_matches", "watchlist_id"), ("watchlists", "id")):
            self._execute(f"DELETE FROM {table} WHERE {column} = ?", (watchlist_id,))

    # --- what evaluation reads -------------------------------------------------------------------

    def live_story_ids(self, story_ids: Sequence[int], keep_order: bool = False) -> list[int]:
        """The live stories these ids stand for (a merged story's ``merged_into`` is always live), sorted and
        unique; with ``keep_order`` one per id, in order (an unknown id stands for itself)."""
        ids = sorted({int(story_id) for story_id in story_ids})
        live = {int(row[0]): int(row[1]) for row in self._execute(
            f"SELECT id, COALESCE(merged_into, id) FROM stories WHERE id IN ({_marks(len(ids))})", ids)} if ids else {}
        if keep_order:
            return [live.get(int(story_id), int(story_id)) for story_id in story_ids]
        return sorted(set(live.values()))

    def story_facts(self, story_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Per story: ``articles`` (originals), ``languages`` (of originals) and ``outlets`` (copies included,
        named sources only), in one query."""
        facts: dict[int, dict[str, Any]] = {
            int(story_id): {"articles": 0, "languages": set(), "outlets": set()} for story_id in story_ids}
        if not facts:
            return facts
        for row in self._execute(
            f"SELECT story_id, language, source, copy_of FROM articles WHERE story_id IN ({_marks(len(facts))})",
            list(facts)):
            fact = facts[int(row["story_id"])]
            if row["source"]:
                fact["outlets"].add(row["source"])
            if row["copy_of"] is None:
                fact["articles"] += 1
                fact["languages"].add(row["language"])
        return facts

    def story_texts(self, story_ids: Sequence[int]) -> dict[int, list[str]]:
        """The titles and texts of the stories' articles and copies, by story."""
        found: dict[int, list[str]] = {int(story_id): [] for story_id in story_ids}
        if found:
            for row in self._execute(
                f"SELECT story_id, title, text FROM articles WHERE story_id IN ({_marks(len(found))})", list(found)):
                found[int(row["story_id"])].append(f"{row['title']}\n{row['text']}")
        return found

    def story_vectors(self, story_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored vectors of the stories' articles, one ``(n, dim)`` matrix per story that has any."""
        rows: dict[int, list[np.ndarray]] = {}
        if story_ids:
            for row in self._execute(
                f"SELECT story_id, embedding FROM articles WHERE story_id IN ({_marks(len(story_ids))}) "
                "AND embedding IS NOT NULL", list(story_ids)):
                rows.setdefault(int(row["story_id"]), []).append(np.frombuffer(row["embedding"], dtype=np.float32))
        return {story_id: np.vstack(vectors) for story_id, vectors in rows.items()}

    def entity_story_ids(self, entity_ids: Sequence[int], story_ids: Sequence[int]) -> set[int]:
        """Which of the stories the entity index holds one of the entries in."""
        if not entity_ids or not story_ids:
            return set()
        return {int(row[0]) for row in self._execute(
            f"SELECT DISTINCT story_id FROM entity_articles WHERE entity_id IN ({_marks(len(entity_ids))}) "
            f"AND story_id IN ({_marks(len(story_ids))})", [*entity_ids, *story_ids])}

    def watch_matches(self, story_ids: Sequence[int]) -> dict[tuple[int, int], dict[str, Any]]:
        """What every watch-list last saw of these stories, by ``(watchlist id, story id)``, in one query."""
        if not story_ids:
            return {}
        return {(int(row["watchlist_id"]), int(row["story_id"])): {
            "articles": int(row["articles"]), "languages": set(json.loads(row["languages"])),
            "outlets": set(json.loads(row["outlets"])), "last_growth_at": row["last_growth_at"]}
            for row in self._execute(
                "SELECT watchlist_id, story_id, articles, languages, outlets, last_growth_at FROM watch_matches "
                f"WHERE story_id IN ({_marks(len(story_ids))})", list(story_ids))}

    # --- what evaluation writes ------------------------------------------------------------------

    def save_watch_match(self, watchlist_id: int, story_id: int, fact: dict[str, Any], now: str,
                         last_growth_at: str | None, new: bool) -> None:
        """Record what a list now saw of a story."""
        values = (fact["articles"], json.dumps(sorted(fact["languages"]), ensure_ascii=False),
                  json.dumps(sorted(fact["outlets"]), ensure_ascii=False))
        if new:
            self._execute(
                "INSERT INTO watch_matches (watchlist_id, story_id, articles, languages, outlets, matched_at, "
                "checked_at, last_growth_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (watchlist_id, story_id, *values, now, now, last_growth_at))
        else:
            self._execute(
                "UPDATE watch_matches SET articles = ?, languages = ?, outlets = ?, checked_at = ?, "
                "last_growth_at = ? WHERE watchlist_id = ? AND story_id = ?",
                (*values, now, last_growth_at, watchlist_id, story_id))

    def insert_alert(self, watchlist_id: int, story_id: int, trigger: str, detail: dict[str, Any], now: str) -> None:
        """Record an alert (undelivered)."""
        self._execute("INSERT INTO alerts (watchlist_id, story_id, trigger, detail, created_at) VALUES (?, ?, ?, ?, ?)",
                      (watchlist_id, story_id, trigger, json.dumps(detail, ensure_ascii=False, sort_keys=True), now))

    # --- alerts ----------------------------------------------------------------------------------

    def alert_rows(self, watchlist_id: int | None = None, limit: int | None = None,
                   offset: int = 0) -> list[dict[str, Any]]:
        """Alerts, newest first (of one watch-list, or of all)."""
        sql = ("SELECT a.id, a.watchlist_id, w.name AS watchlist, a.story_id, a.trigger, a.detail, a.created_at, "
               "a.delivered_at, a.delivery_attempts, a.next_delivery_at, a.last_error "
               "FROM alerts a JOIN watchlists w ON w.id = a.watchlist_id")
        params: list[Any] = []
        if watchlist_id is not None:
            sql, params = sql + " WHERE a.watchlist_id = ?", [watchlist_id]
        sql += " ORDER BY a.id DESC"
        if limit is not None:
            sql, params = sql + " LIMIT ? OFFSET ?", [*params, limit, offset]
        return [_alert(row) for row in self._execute(sql, params)]

    def count_alerts(self, watchlist_id: int) -> int:
        """How many alerts a watch-list has raised."""
        return int(self._execute("SELECT COUNT(*) FROM alerts WHERE watchlist_id = ?", (watchlist_id,)).fetchone()[0])

    def pending_deliveries(self, now: str, max_attempts: int, watchlist_id: int | None = None) -> list[dict[str, Any]]:
        """Undelivered alerts of watch-lists with a webhook that are due now and have attempts left, oldest first."""
        sql = ("SELECT a.id, a.watchlist_id, w.name AS watchlist, a.story_id, a.trigger, a.detail, a.created_at, "
               "a.delivered_at, a.delivery_attempts, a.next_delivery_at, a.last_error, w.webhook_url, "
               "w.webhook_secret FROM alerts a JOIN watchlists w ON w.id = a.watchlist_id "
               "WHERE a.delivered_at IS NULL AND w.webhook_url IS NOT NULL AND a.delivery_attempts < ? "
               "AND (a.next_delivery_at IS NULL OR a.next_delivery_at <= ?)")
        params: list[Any] = [max_attempts, now]
        if watchlist_id is not None:
            sql, params = sql + " AND a.watchlist_id = ?", [*params, watchlist_id]
        return [{**_alert(row), "webhook_url": row["webhook_url"], "webhook_secret": row["webhook_secret"]}
                for row in self._execute(sql + " ORDER BY a.id", params)]

    def record_delivery(self, alert_id: int, delivered_at: str | None, next_delivery_at: str | None,
                        error: str | None) -> None:
        """Count one delivery attempt: delivered (``delivered_at``), or failed with ``error`` and retried at
        ``next_delivery_at`` (``None``: no attempt left)."""
        self._execute(
            "UPDATE alerts SET delivery_attempts = delivery_attempts + 1, delivered_at = ?, next_delivery_at = ?, "
            "last_error = ? WHERE id = ?", (delivered_at, next_delivery_at, error, alert_id))

    # --- growth ----------------------------------------------------------------------------------

    def story_growth(self, since: str, baseline_from: str,
                     story_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Per live story with an article that arrived (``ingested_at``) at or after ``since``: how many
        articles arrived since then (``recent``, copies included) and between ``baseline_from`` and ``since``
        (``earlier``), how many of its languages and outlets first arrived since then, and its latest arrival.

        Two grouped reads in one statement; languages are of originals, outlets of originals and copies.
        """
        # a page kept out of linking (paywall, consent …) is alone in its story: it never develops
        if story_ids is None:  # every story with an arrival in the window
            recent = "SELECT story_id FROM articles WHERE ingested_at >= ? AND kept_out IS NULL"
            recent_params = [since]
        else:  # these stories only, through the story index (no scan of the arrivals)
            recent = (f"SELECT story_id FROM articles WHERE story_id IN ({_marks(len(story_ids))}) "
                      "AND ingested_at >= ? AND kept_out IS NULL")
            recent_params = [*story_ids, since]
        sql = (
            "SELECT g.story_id, g.recent, g.earlier, g.last_arrival, "
            "COALESCE(n.new_languages, 0) AS new_languages, COALESCE(n.new_outlets, 0) AS new_outlets FROM ("
            "SELECT a.story_id, SUM(CASE WHEN a.ingested_at >= ? THEN 1 ELSE 0 END) AS recent, "
            "SUM(CASE WHEN a.ingested_at < ? AND a.ingested_at >= ? THEN 1 ELSE 0 END) AS earlier, "
            "MAX(a.ingested_at) AS last_arrival FROM articles a JOIN stories s ON s.id = a.story_id "
            f"WHERE s.merged_into IS NULL AND a.story_id IN ({recent}) GROUP BY a.story_id) AS g LEFT JOIN ("
            "SELECT f.story_id, SUM(CASE WHEN f.kind = 'l' AND f.first_at >= ? THEN 1 ELSE 0 END) AS new_languages, "
            "SUM(CASE WHEN f.kind = 'o' AND f.first_at >= ? THEN 1 ELSE 0 END) AS new_outlets FROM ("
            "SELECT story_id, 'l' AS kind, language AS name, MIN(ingested_at) AS first_at FROM articles "
            f"WHERE copy_of IS NULL AND story_id IN ({recent}) GROUP BY story_id, language UNION ALL "
            "SELECT story_id, 'o' AS kind, source AS name, MIN(ingested_at) AS first_at FROM articles "
            f"WHERE source IS NOT NULL AND story_id IN ({recent}) GROUP BY story_id, source) AS f "
            "GROUP BY f.story_id) AS n ON n.story_id = g.story_id"
        )
        params = [since, since, baseline_from, *recent_params, since, since, *recent_params, *recent_params]
        return [{"story_id": int(row["story_id"]), "recent": int(row["recent"]), "earlier": int(row["earlier"]),
                 "new_languages": int(row["new_languages"]), "new_outlets": int(row["new_outlets"]),
                 "last_arrival": row["last_arrival"]} for row in self._execute(sql, params)]


def _alert(row: Any) -> dict[str, Any]:
    return {"id": int(row["id"]), "watchlist_id": int(row["watchlist_id"]), "watchlist": row["watchlist"],
            "story_id": int(row["story_id"]), "trigger": row["trigger"], "detail": json.loads(row["detail"]),
            "created_at": row["created_at"], "delivered_at": row["delivered_at"],
            "delivery_attempts": int(row["delivery_attempts"]), "next_delivery_at": row["next_delivery_at"],
            "last_error": row["last_error"]}
