"""The background reader of ``babelwire serve``: a thread that reads the stories whose reading is not stored.

At start it reads every story whose stored reading is missing or stale (a store built with
``read_at_ingest`` off, or by an older babelwire), newest activity first; then the stories that
``POST /api/articles`` changed. A page that asks for a story being read waits for that same
computation (:class:`babelwire.singleflight.SingleFlight`), never starts a second one.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable

from babelwire.web.catalog import Catalog

log = logging.getLogger(__name__)

#: what the queue holds to tell the thread to read every unread story
_ALL_UNREAD = -1


class BackgroundReader:
    """Reads stories, one at a time, in a daemon thread, until stopped."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="babelwire-reader", daemon=True)
        self._stopping = threading.Event()
        self.read_count = 0

    def start(self) -> None:
        """Start the thread; it first reads every story whose reading is not stored."""
        self._queue.put(_ALL_UNREAD)
        self._thread.start()

    def request(self, story_ids: Iterable[int]) -> None:
        """Read these stories (after those already asked for) unless their reading is stored."""
        for story_id in story_ids:
            self._queue.put(story_id)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end after the story it is reading, and wait for it at most ``timeout`` seconds."""
        self._stopping.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def idle(self) -> bool:
        """Whether nothing is queued (the story being read, if any, is not counted)."""
        return self._queue.unfinished_tasks == 0

    def _run(self) -> None:
        while (story_id := self._queue.get()) is not None:
            try:
                if self._stopping.is_set():
                    continue
                if story_id == _ALL_UNREAD:
                    for unread in self.catalog.unread_story_ids():
                        self._queue.put(unread)
                else:
                    self.catalog.read_story(story_id)
                    self.read_count += 1
            except Exception:  # one story that cannot be read must not stop the others
                log.exception("background reading of story %s failed", story_id)
            finally:
                self._queue.task_done()
        self._queue.task_done()
