"""The entity index's tables and queries, part of :class:`babelwire.store.Store` on both backends.

``entities`` holds one row per entry (its readable ``key``, display name and type, and its counts,
languages and first/last publication, recounted whenever a story of it is indexed or merged, so that
listing the index reads this table alone); the other tables
hold what each story's reading said about it, keyed by story so that a story read again replaces its
own rows only: ``entity_keys`` (identity keys, :mod:`babelwire.entity_index`), ``entity_spellings``,
``entity_articles`` (mentions per article, which give the languages and first/last seen dates) and
``entity_quotes`` (quotes by and about the entity). ``entity_index_stories`` records which reading of
each story the index holds. A merged story's rows count for the story it was merged into until that
story is indexed again, which replaces them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, ClassVar

from babelwire.entity_index import IndexedEntity, entry_key, fold_spelling

#: the tables that hold a story's rows, emptied for that story before it is indexed again
STORY_TABLES = ("entity_keys", "entity_spellings", "entity_articles", "entity_quotes")
#: the live story a row's story stands for (a merged story's ``merged_into`` is always a live story)
_LIVE_STORY = "COALESCE(s.merged_into, s.id)"


def _marks(count: int) -> str:
    return ",".join("?" * count) or "NULL"


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class EntityIndexStore:
    """The entity index's part of the store (a mixin: :class:`babelwire.store.Store` brings the connection)."""

    _like: ClassVar[str]

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    # --- writes ------------------------------------------------------------------------------------

    def replace_story_entities(self, story_id: int, entities: Sequence[IndexedEntity],
                               fingerprint: str | None = None) -> None:
        """Replace what the index holds of a story (and of the stories merged into it) by ``entities``.

        Each entity joins the entry it shares the most strong identity keys with (a lone surname: the one
        entry whose full name ends so), else a new entry; entries left without a story are dropped.
        Matching runs before the story's old rows go, so an entity read again keeps its entry.
        """
        with self.transaction():
            entries: dict[int, list[tuple[IndexedEntity, bool]]] = {}
            for entity in entities:
                entry, by_surname = self._matching_entry(entity)
                if entry is None:
                    entry = self._new_entry(entity)
                entries.setdefault(entry, []).append((entity, by_surname))
            stale = [story_id, *(row[0] for row in self._execute(
                "SELECT id FROM stories WHERE merged_into = ?", (story_id,)))]
            touched = set(entries) | self._entities_of_stories(stale)
            for table in (*STORY_TABLES, "entity_index_stories"):
                self._execute(f"DELETE FROM {table} WHERE story_id IN ({_marks(len(stale))})", stale)
            self._insert_rows(story_id, entries)
            self._execute("DELETE FROM entities WHERE NOT EXISTS "
                          "(SELECT 1 FROM entity_keys k WHERE k.entity_id = entities.id)")
            self.refresh_entity_counts(touched)
            self._execute("INSERT INTO entity_index_stories (story_id, fingerprint, indexed_at) VALUES (?, ?, ?)",
                          (story_id, fingerprint, datetime.now(UTC).isoformat(timespec="seconds")))

    def _entities_of_stories(self, story_ids: Sequence[int]) -> set[int]:
        return {int(row[0]) for row in self._execute(
            f"SELECT DISTINCT entity_id FROM entity_articles WHERE story_id IN ({_marks(len(story_ids))})",
            list(story_ids))}

    def refresh_entity_counts(self, entity_ids: Iterable[int]) -> None:
        """Recount the stories (live ones: a merged story counts as its successor), articles and mentions of
        entries; the counts are kept on ``entities`` so that listing and ranking the index reads no other table."""
        ids = sorted(entity_ids)
        if not ids:
            return
        self._execute(
            f"UPDATE entities SET story_count = (SELECT COUNT(DISTINCT {_LIVE_STORY}) FROM entity_articles ea "
            "JOIN stories s ON s.id = ea.story_id WHERE ea.entity_id = entities.id), "
            "article_count = (SELECT COUNT(DISTINCT article_id) FROM entity_articles WHERE entity_id = entities.id), "
            "mention_count = (SELECT COALESCE(SUM(mentions), 0) FROM entity_articles WHERE entity_id = entities.id), "
            "first_seen = (SELECT MIN(a.published) FROM entity_articles ea JOIN articles a ON a.id = ea.article_id "
            "WHERE ea.entity_id = entities.id), "
            "last_seen = (SELECT MAX(a.published) FROM entity_articles ea JOIN articles a ON a.id = ea.article_id "
            f"WHERE ea.entity_id = entities.id) WHERE id IN ({_marks(len(ids))})", ids)
        languages: dict[int, dict[str, int]] = {entity_id: {} for entity_id in ids}
        for row in self._execute(
            "SELECT entity_id, language, COUNT(DISTINCT article_id) AS n FROM entity_articles "
            f"WHERE entity_id IN ({_marks(len(ids))}) GROUP BY entity_id, language "
            "ORDER BY entity_id, n DESC, language", ids):
            languages[int(row["entity_id"])][row["language"]] = int(row["n"])
        self._executemany("UPDATE entities SET languages = ? WHERE id = ?",
                          [(json.dumps(counts), entity_id) for entity_id, counts in languages.items()])

    def refresh_entity_counts_after_merge(self, target_id: int) -> None:
        """Recount the entries of the stories now merged into ``target_id`` (they count as it)."""
        merged = [row[0] for row in self._execute("SELECT id FROM stories WHERE merged_into = ?", (target_id,))]
        if merged:
            self.refresh_entity_counts(self._entities_of_stories([target_id, *merged]))

    def forget_story_entities(self, story_ids: Iterable[int]) -> None:
        """Drop what the index holds of these stories (their articles changed: a relink); entries left without
        a story go, the others are recounted. The stories are indexed again when next read."""
        ids = sorted(set(story_ids))
        if not ids:
            return
        touched = self._entities_of_stories(ids)
        for table in (*STORY_TABLES, "entity_index_stories"):
            self._execute(f"DELETE FROM {table} WHERE story_id IN ({_marks(len(ids))})", ids)
        self._execute("DELETE FROM entities WHERE NOT EXISTS "
                      "(SELECT 1 FROM entity_keys k WHERE k.entity_id = entities.id)")
        self.refresh_entity_counts(touched)

    def clear_entity_index(self) -> None:
        """Empty the index."""
        for table in (*STORY_TABLES, "entity_index_stories", "entities"):
            self._execute(f"DELETE FROM {table}")

    def _matching_entry(self, entity: IndexedEntity) -> tuple[int | None, bool]:
        """The entry an entity joins, if any, and whether it joined by a surname (weak keys) only."""
        keys = sorted(entity.strong_keys)
        row = self._execute(
            f"SELECT entity_id, COUNT(*) AS n FROM entity_keys WHERE strong = 1 AND key IN ({_marks(len(keys))}) "
            "GROUP BY entity_id ORDER BY n DESC, entity_id LIMIT 1", keys).fetchone()
        if row is not None:
            return int(row[0]), False
        if not entity.lone_person:
            return None, False
        owners = self._execute(
            f"SELECT DISTINCT entity_id FROM entity_keys WHERE strong = 0 AND key IN ({_marks(len(keys))})", keys
        ).fetchall()
        if len(owners) != 1:  # a surname two people share joins neither
            return None, False
        return int(owners[0][0]), True

    def _new_entry(self, entity: IndexedEntity) -> int:
        base = key = entry_key(entity.type, entity.name, entity.anchor)
        number = 2
        while self._execute("SELECT 1 FROM entities WHERE key = ?", (key,)).fetchone():
            key, number = f"{base}-{number}", number + 1
        self._execute("INSERT INTO entities (key, name, folded_name, type, anchor) VALUES (?, ?, ?, ?, ?)",
                      (key, entity.name, fold_spelling(entity.name), entity.type, entity.anchor))
        return int(self._execute("SELECT id FROM entities WHERE key = ?", (key,)).fetchone()[0])

    def _insert_rows(self, story_id: int, entries: dict[int, list[tuple[IndexedEntity, bool]]]) -> None:
        keys, spellings, articles, quotes = set(), set(), {}, {}
        for entry, found in entries.items():
            for entity, by_surname in found:
                # a surname that joined a full name stays a weak key of it: it must not draw in a namesake later
                keys.update((entry, story_id, key, 0 if by_surname else 1) for key in entity.strong_keys)
                keys.update((entry, story_id, key, 0) for key in entity.weak_keys - entity.strong_keys)
                spellings.update((entry, story_id, language, spelling, fold_spelling(spelling))
                                 for language, spelling in entity.spellings)
                for (article_id, language), count in entity.mentions.items():
                    row = (entry, story_id, article_id, language)
                    articles[row] = articles.get(row, 0) + count
                for quote in entity.quotes:
                    quotes[(entry, quote.quote_id, quote.role)] = (
                        entry, story_id, quote.role, quote.quote_id, quote.article_id, quote.language, quote.text,
                        quote.speaker)
        # a key both strong and weak for one entry (two story entities joined it) stays strong
        strong = {(entry, key) for entry, _, key, is_strong in keys if is_strong}
        keys = {row for row in keys if row[3] or (row[0], row[2]) not in strong}
        self._executemany("INSERT INTO entity_keys (entity_id, story_id, key, strong) VALUES (?, ?, ?, ?)",
                          sorted(keys))
        self._executemany("INSERT INTO entity_spellings (entity_id, story_id, language, spelling, folded) "
                          "VALUES (?, ?, ?, ?, ?)", sorted(spellings))
        self._executemany("INSERT INTO entity_articles (entity_id, story_id, article_id, language, mentions) "
                          "VALUES (?, ?, ?, ?, ?)", [(*row, count) for row, count in sorted(articles.items())])
        self._executemany("INSERT INTO entity_quotes (entity_id, story_id, role, quote_id, article_id, language, "
                          "text, speaker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(quotes.values()))

    # --- reads -------------------------------------------------------------------------------------

    def indexed_fingerprint(self, story_id: int) -> str | None:
        """The fingerprint of the reading the index holds of a story (``None``: not indexed, or no fingerprint)."""
        row = self._execute("SELECT fingerprint FROM entity_index_stories WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def indexed_story_count(self) -> int:
        """How many live stories the index holds a reading of."""
        return int(self._execute(
            "SELECT COUNT(*) FROM entity_index_stories i JOIN stories s ON s.id = i.story_id "
            "WHERE s.merged_into IS NULL").fetchone()[0])

    def unindexed_story_ids(self) -> list[int]:
        """Live stories the index holds no reading of, newest first."""
        return [row[0] for row in self._execute(
            "SELECT s.id FROM stories s WHERE s.merged_into IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM entity_index_stories i WHERE i.story_id = s.id) ORDER BY s.updated_at DESC, s.id DESC")]

    def find_entities(self, name: str, keys: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Entries a name stands for (as :meth:`entity_summaries`), the most covered first: the entry whose
        key it is, else those with it as name or spelling (case and accents ignored), else those with one
        of ``keys``, the name's possible identity keys (:func:`babelwire.entity_index.lookup_keys`)."""
        row = self._execute("SELECT id FROM entities WHERE key = ?", (name.strip(),)).fetchone()
        if row is not None:
            return self.entity_summaries(entity_ids=[int(row[0])])
        folded = fold_spelling(name)
        found = [row[0] for row in self._execute(
            "SELECT id FROM entities WHERE folded_name = ? "
            "UNION SELECT entity_id FROM entity_spellings WHERE folded = ?", (folded, folded))]
        if not found and keys:
            keys = sorted(keys)
            found = [row[0] for row in self._execute(
                f"SELECT DISTINCT entity_id FROM entity_keys WHERE key IN ({_marks(len(keys))})", keys)]
        return self.entity_summaries(entity_ids=found) if found else []

    def _entity_filter(self, query: str | None, kind: str | None,
                       entity_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
        where, params = ["1 = 1"], []
        if query:
            pattern = _like_pattern(fold_spelling(query))
            where.append(f"(e.folded_name {self._like} ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM entity_spellings sp "
                         f"WHERE sp.entity_id = e.id AND sp.folded {self._like} ? ESCAPE '\\'))")
            params += [pattern, pattern]
        if kind:
            where.append("e.type = ?")
            params.append(kind)
        if entity_ids is not None:
            where.append(f"e.id IN ({_marks(len(entity_ids))})")
            params += list(entity_ids)
        return " AND ".join(where), params

    def count_entities(self, query: str | None = None, kind: str | None = None) -> int:
        """How many entries :meth:`entity_summaries` lists without a limit."""
        where, params = self._entity_filter(query, kind, None)
        return int(self._execute(f"SELECT COUNT(*) FROM entities e WHERE {where}", params).fetchone()[0])

    def entity_summaries(
        self,
        query: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        entity_ids: Sequence[int] | None = None,
    ) -> list[dict[str, Any]]:
        """Entries with their counts, languages and first/last seen, those in the most stories first.

        ``query`` keeps the entries with a name or spelling containing it (case and accents ignored),
        ``kind`` those of one type (person, organisation, place).
        """
        where, params = self._entity_filter(query, kind, entity_ids)
        sql = ("SELECT e.id, e.key, e.name, e.type, e.story_count, e.article_count, e.mention_count, e.languages, "
               f"e.first_seen, e.last_seen FROM entities e WHERE {where} "
               "ORDER BY e.story_count DESC, e.article_count DESC, e.name, e.id")
        if limit is not None:
            sql, params = sql + " LIMIT ? OFFSET ?", [*params, limit, offset]
        return [{
            "id": int(row["id"]), "key": row["key"], "name": row["name"], "type": row["type"],
            "story_count": int(row["story_count"]), "article_count": int(row["article_count"]),
            "mention_count": int(row["mention_count"]), "languages": json.loads(row["languages"]),
            "first_seen": row["first_seen"], "last_seen": row["last_seen"],
        } for row in self._execute(sql, params).fetchall()]

    def entity_spellings(self, entity_id: int) -> dict[str, list[str]]:
        """An entry's spellings by language (the most used first), over every story it is in."""
        return self.spellings_of_entities([entity_id])[entity_id]

    def spellings_of_entities(self, entity_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
        """:meth:`entity_spellings` of several entries, in one query."""
        found: dict[int, dict[str, list[str]]] = {int(entity_id): {} for entity_id in entity_ids}
        if not found:
            return found
        for row in self._execute(
            "SELECT entity_id, language, spelling, COUNT(DISTINCT story_id) AS n FROM entity_spellings "
            f"WHERE entity_id IN ({_marks(len(found))}) GROUP BY entity_id, language, spelling "
            "ORDER BY entity_id, language, n DESC, spelling", list(found)):
            found[int(row["entity_id"])].setdefault(row["language"], []).append(row["spelling"])
        return found

    def entity_quotes(self, entity_id: int, role: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Quotes by (``role="by"``) or about (``"about"``) an entry, newest article first."""
        sql = (
            "SELECT q.quote_id, q.article_id, q.language, q.text, q.speaker, "
            f"{_LIVE_STORY} AS story_id, a.published, a.source, a.url FROM entity_quotes q "
            "JOIN stories s ON s.id = q.story_id LEFT JOIN articles a ON a.id = q.article_id "
            "WHERE q.entity_id = ? AND q.role = ? ORDER BY a.published IS NULL, a.published DESC, q.quote_id"
        )
        params: list[Any] = [entity_id, role]
        if limit is not None:
            sql, params = sql + " LIMIT ?", [*params, limit]
        return [{"id": row["quote_id"], "text": row["text"], "speaker": row["speaker"], "language": row["language"],
                 "article_id": row["article_id"], "story_id": int(row["story_id"]), "published": row["published"],
                 "source": row["source"], "url": row["url"]}
                for row in self._execute(sql, params)]

    def iter_entity_spellings(self) -> Iterator[tuple[int, str, str]]:
        """``(entry id, language, spelling)`` of the whole index, by entry (for exports)."""
        for row in self._execute("SELECT DISTINCT entity_id, language, spelling FROM entity_spellings "
                                 "ORDER BY entity_id, language, spelling"):
            yield int(row[0]), row[1], row[2]
