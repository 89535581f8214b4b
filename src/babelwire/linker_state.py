"""The tracker's story linker, kept in step with its store without rebuilding it in every process.

A :class:`~babelwire.linking.StoryLinker` needs three things: the vector index of every linked article,
which article belongs to which story, and each story's centroid. Loading all of it from the store costs
minutes at a million articles, and each ``search`` or ``ingest`` process paid it. Now:

- the vector index is opened from its saved files (:mod:`babelwire.index_files`) and caught up with the
  articles stored after them; it is saved again after each write transaction commits;
- members and stories are read from the store when a decision first needs them (:class:`StoreLinkSource`),
  and dropped when another process has written, or when too many are held.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from babelwire.index import Interval, TimeBucketedIndex, UsearchIndex, VectorIndex
from babelwire.index_files import STORE_ID_KEY, IndexFiles, IndexIdentity, placement_key
from babelwire.linking import StoryLinker
from babelwire.settings import Settings
from babelwire.store import SQLiteStore, Store, StoreError
from babelwire.types import PublishedDate

log = logging.getLogger(__name__)

#: members and stories a linker may hold before it drops them (read again as needed): memory stays bounded
#: in a long-running server however many articles it links
MAX_HELD = 200_000


class StoreLinkSource:
    """The members and stories of a linker, read from its store (inside the writer's transaction when
    there is one, so a batch sees its own links)."""

    def __init__(self, store: Store, interval_of: Callable[[PublishedDate | None], Interval | None]):
        self.store = store
        self.interval_of = interval_of

    def members(self, keys: Sequence[int]) -> dict[int, tuple[int, Interval | None, str]]:
        return {key: (story_id, self.interval_of(published), language)
                for key, (story_id, published, language) in self.store.link_members(keys).items()}

    def story_members(self, story_ids: Sequence[int]) -> Iterable[tuple[int, int, np.ndarray, str]]:
        return self.store.story_link_members(story_ids)


class LinkerState:
    """Opens, catches up and saves the linker of one tracker's store."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        encoder_name: str,
        dim: int,
        index_factory: Callable[[int], VectorIndex],
        interval_of: Callable[[PublishedDate | None], Interval | None],
        cache_dir: Callable[[], Path],
    ):
        self.store = store
        self.settings = settings
        self.encoder_name = encoder_name
        self.dim = dim
        self.index_factory = index_factory
        self.interval_of = interval_of
        self.cache_dir = cache_dir
        #: the highest key among the linked articles the in-memory index holds (all those below it too)
        self.high_water = 0

    def files(self, store_id: str) -> IndexFiles | None:
        """Where the index of the store with this id is saved (``None``: not saved)."""
        setting = self.settings.vector_index_dir
        if setting == "off" or self.index_factory is not UsearchIndex:  # only usearch buckets can be saved
            return None
        if setting:
            return IndexFiles(Path(setting).expanduser() / store_id)
        if isinstance(self.store, SQLiteStore):
            return None if self.store.path == ":memory:" else IndexFiles(f"{self.store.path}.vectors")
        return IndexFiles(self.cache_dir() / "vectors" / store_id)

    def identity(self, store_id: str) -> IndexIdentity:
        """What a saved index must have been made from to serve this store with these settings."""
        placement = placement_key(self.settings.link_window_days, self.settings.link_url_date_slack_days,
                                  self.settings.link_crawl_lookback_days)
        return IndexIdentity(store_id, self.encoder_name, self.dim, placement)

    def refresh(self, current: StoryLinker | None) -> StoryLinker:
        """A linker up to date with the store: the newer of ``current``'s index (valid: it holds only committed
        articles) and the saved one, plus the linked articles stored after it. Members and stories are read
        afresh: another process may have merged or relinked stories."""
        index = current.index if current is not None else None
        high_water = self.high_water if current is not None else 0
        store_id = self.store.get_meta(STORE_ID_KEY)
        files = self.files(store_id) if store_id else None
        if files is not None and store_id:
            saved = files.open(self.identity(store_id), self.store.article_id_at)
            if saved is not None and saved.high_water > high_water:
                index, high_water = saved.index, saved.high_water
        if index is None:
            # buckets as wide as the window: a dated search reads two or three of them
            index = TimeBucketedIndex(self.dim, self.settings.link_window_days, self.index_factory)
        for row in self.store.iter_link_rows(after=high_water):
            index.add(row.seq, row.vector, self.interval_of(row.published))
            high_water = row.seq
        self.high_water = high_water
        return StoryLinker(self.settings, self.dim, self.index_factory, next_story_id=self.store.max_story_id() + 1,
                           index=index, source=StoreLinkSource(self.store, self.interval_of))

    def linked(self, key: int) -> None:
        """Note an article linked (and committed with its transaction) in this process."""
        self.high_water = max(self.high_water, key)

    def save(self, linker: StoryLinker) -> None:
        """Save the index's changed buckets, if it is newer than the saved state; outside any transaction.

        A store that cannot be written (read-only) or a directory that cannot be is logged, never fatal:
        the next process reads the difference from the store.
        """
        if self.high_water == 0 or linker.index is None:
            return
        try:
            store_id = self._store_id()
            files = self.files(store_id)
            if files is None:
                return
            high_water_id = self.store.article_id_at(self.high_water)
            if high_water_id is not None:
                files.save(linker.index, self.identity(store_id), self.high_water, high_water_id)
        except (OSError, StoreError) as exc:
            log.warning("the vector index of %s was not saved: %s", self.store.path, exc)

    def _store_id(self) -> str:
        """The id the store's saved index is made for, given to the store on first use."""
        store_id = self.store.get_meta(STORE_ID_KEY)
        if store_id is None:
            with self.store.transaction():
                store_id = self.store.get_meta(STORE_ID_KEY) or uuid.uuid4().hex  # another writer may be first
                self.store.set_meta(STORE_ID_KEY, store_id)
        return store_id
