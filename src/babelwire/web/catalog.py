"""What the REST API and the web pages read and write, over one store, safe to share between threads.

Every read opens its own SQLite connection (WAL lets readers run beside a writer), so listing
stories never waits for an ingest. Search, compare and ingest need the tracker's in-memory story
graph, which is shared and used under a lock; when another process (``babelwire ingest``) has
written to the store since, the graph is reloaded first.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from babelwire import views
from babelwire.encoders import Encoder
from babelwire.entity_index import QUOTE_ABOUT, QUOTE_BY, lookup_keys
from babelwire.langid import LanguageIdentifier
from babelwire.settings import Settings
from babelwire.store import Store
from babelwire.tracker import Tracker
from babelwire.translate import Translator
from babelwire.types import Article, IngestProblem, IngestReport, Story

#: articles fetched from the vector index for a text query on stories
SEMANTIC_CANDIDATES = 50
#: a semantic hit counts for a story query when it scores at least this share of the best hit:
#: similarities of language-neutralised vectors are relative (on the demo corpus the articles of
#: the story asked for score 0.2 to 0.5, the rest around 0.1, and a nonsense query tops at 0.2)
SEMANTIC_RELATIVE_FLOOR = 0.5
#: stories matched by keyword that a text query considers at most
KEYWORD_CANDIDATES = 1000
#: the usual constant of reciprocal rank fusion (Cormack et al. 2009)
RRF_K = 60
#: quotes by, and about, an entity shown with it
QUOTES_PER_ENTITY = 50


@dataclass(frozen=True)
class StoryFilters:
    """What a list of stories is narrowed by; every field is optional."""

    language: str | None = None
    published_from: date | None = None
    published_to: date | None = None
    entity: str | None = None  # a name that appears in an article's title or text
    query: str | None = None  # semantic search plus keyword match
    outlet: str | None = None  # an article's source, exactly as stored
    sort: str = "activity"  # or "developing": the stories growing fastest now first (babelwire.developing)

    def store_filters(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`babelwire.store.Store.find_story_ids` for these filters."""
        return {
            "language": self.language,
            "published_from": self.published_from.isoformat() if self.published_from else None,
            "published_to": self.published_to.isoformat() if self.published_to else None,
            "mentions": [self.entity] if self.entity else [],
            "outlet": self.outlet,
        }


@dataclass(frozen=True)
class StoryPage:
    """One page of a filtered story list and the size of the whole list."""

    stories: list[dict[str, Any]]  # views.story_summary with articles, as ``babelwire stories --json``
    total: int
    limit: int
    offset: int


def fuse_rankings(*rankings: Sequence[int], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: items ranked high in any list first; ties keep first-seen order."""
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])


def _add_report(total: IngestReport, part: IngestReport) -> None:
    total.added += part.added
    total.duplicates += part.duplicates
    total.copies += part.copies
    total.problems.extend(part.problems)
    total.decisions.extend(part.decisions)
    total.warnings.extend(part.warnings)
    for language, count in part.unsupported_languages.items():
        total.unsupported_languages[language] = total.unsupported_languages.get(language, 0) + count


class Catalog:
    """Stories, articles, search and ingest over one store, as plain data (:mod:`babelwire.views`)."""

    def __init__(
        self,
        db_path: str | Path,
        settings: Settings | None = None,
        *,
        encoder: Encoder | None = None,
        language_identifier: LanguageIdentifier | None = None,
        translator: Translator | None = None,
    ):
        self.db_path = str(db_path)
        self.settings = settings or Settings.from_env()
        self.translator = translator
        #: called with the ids of the stories an ingest changed (the background reader sets it); without
        #: it they are read before :meth:`ingest` returns, when ``settings.read_at_ingest``
        self.after_ingest: Callable[[list[int]], None] | None = None
        self._language_identifier = language_identifier
        self._lock = threading.Lock()
        self._tracker = Tracker(self.db_path, self.settings, encoder=encoder, language_identifier=language_identifier)
        self._encoder = self._tracker.encoder
        self._data_version = self._tracker.store.data_version()
        #: readings a page asked for, computed by a bounded pool (memory and the GIL allow few at once)
        self._page_readings = ThreadPoolExecutor(max(1, self.settings.page_reading_workers),
                                                 thread_name_prefix="babelwire-page-reading")
        self._page_reading_jobs: dict[int, Future[dict[str, Any] | None]] = {}
        self._page_reading_lock = threading.Lock()

    @property
    def store_name(self) -> str:
        """The store, for messages: its path, or its URL without a password."""
        return self._tracker.store.path

    def close(self) -> None:
        """Close the shared tracker (reads close their own connections)."""
        self._page_readings.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self._tracker.close()

    # --- access to the store ---------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Tracker]:
        """A tracker on a connection of its own, for reads only (its story graph is never loaded)."""
        tracker = Tracker(self.db_path, self.settings, encoder=self._encoder,
                          language_identifier=self._language_identifier)
        try:
            yield tracker
        finally:
            tracker.close()

    @contextmanager
    def _tracking(self) -> Iterator[Tracker]:
        """The shared tracker, held alone and up to date with what other processes wrote."""
        with self._lock:
            if self._tracker.store.data_version() != self._data_version:
                self._tracker.close()
                self._tracker = Tracker(self.db_path, self.settings, encoder=self._encoder,
                                        language_identifier=self._language_identifier)
                self._data_version = self._tracker.store.data_version()
            yield self._tracker

    # --- reads -------------------------------------------------------------------------

    def stories(
        self, filters: StoryFilters, limit: int, offset: int = 0, reader_languages: Sequence[str] | None = None
    ) -> StoryPage:
        """A page of stories that pass the filters: newest activity first, or most relevant first for a query.

        Each is titled for ``reader_languages`` (default: the settings'), with a gist from its stored reading.
        """
        with self._reading() as reader:
            store = reader.store
            growth: dict[int, dict[str, Any]] = {}
            if filters.sort == "developing":
                ranked, growth = self._rank_developing(store, filters)
                total, page_ids = len(ranked), ranked[offset : offset + limit]
            elif filters.query:
                ranked = self._rank_for_query(store, filters)
                total, page_ids = len(ranked), ranked[offset : offset + limit]
            else:
                total = store.count_stories_matching(**filters.store_filters())
                page_ids = store.find_story_ids(**filters.store_filters(), limit=limit, offset=offset)
            summaries = self._summaries(reader, page_ids, reader_languages)
        for summary in summaries:
            if summary["id"] in growth:
                summary["growth"] = growth[summary["id"]]
        return StoryPage(summaries, total, limit, offset)

    def _rank_developing(self, store: Store, filters: StoryFilters) -> tuple[list[int], dict[int, dict[str, Any]]]:
        """Ids of the stories developing now that pass the filters (a query's among them), the fastest first,
        and the growth of each (:mod:`babelwire.developing`)."""
        from babelwire.developing import story_growth

        growth = {rise.story_id: rise.to_json() for rise in story_growth(store, self.settings)}
        ranked = list(growth)
        if filters.query:
            found = set(self._rank_for_query(store, filters))
            ranked = [story_id for story_id in ranked if story_id in found]
        passing = set(store.find_story_ids(**filters.store_filters(), story_ids=ranked))
        return [story_id for story_id in ranked if story_id in passing], growth

    def _summaries(self, reader: Tracker, story_ids: Sequence[int],
                   reader_languages: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Stories with their articles (``babelwire stories --json``) in the order of ``story_ids``, each titled
        for the reader (:meth:`_title`)."""
        found = {story.id: story for story in reader.store.stories(story_ids=story_ids)}
        articles = reader.store.articles_of_stories(list(found))
        return [{**views.story_summary(found[i], articles[i]),
                 **self._title(reader, found[i], articles[i], reader_languages)} for i in story_ids if i in found]

    def _title(self, reader: Tracker, story: Story, articles: list[Article],
               reader_languages: Sequence[str] | None, reading: dict[str, Any] | None = None) -> dict[str, Any]:
        """:func:`views.reader_title` of a story; its gist names places and people when its reading is stored."""
        vectors = reader.store.embeddings([article.id for article in articles])
        if reading is None:
            reading = reader.stored_reading(articles)
        return views.reader_title(story, articles, vectors, reader_languages or self.settings.reader_languages,
                                  reading, self.translator)

    def _rank_for_query(self, store: Store, filters: StoryFilters) -> list[int]:
        """Ids of the stories a text query finds, fusing semantic hits and keyword matches by rank."""
        assert filters.query
        vector = self._query_vector(filters.query)
        with self._tracking() as tracker:
            hits = tracker.search(filters.query, limit=SEMANTIC_CANDIDATES, min_score=0.0,
                                  relative_score=0.0, vector=vector)  # its own floor, below
        floor = hits[0].score * SEMANTIC_RELATIVE_FLOOR if hits else 0.0
        semantic = list(dict.fromkeys(hit.story_id for hit in hits if hit.story_id is not None and hit.score >= floor))
        base = filters.store_filters()
        passing = set(store.find_story_ids(**base, story_ids=semantic))
        semantic = [story_id for story_id in semantic if story_id in passing]
        keyword = store.find_story_ids(
            **{**base, "mentions": [*base["mentions"], *filters.query.split()]}, limit=KEYWORD_CANDIDATES
        )
        return fuse_rankings(semantic, keyword)

    def story(self, story_id: int, reader_languages: Sequence[str] | None = None) -> dict[str, Any] | None:
        """One story (an id of a merged story leads to its successor) as :func:`views.story_page`, titled for
        ``reader_languages`` (:func:`views.reader_title`).

        Its reading is the stored one; when none is stored (yet) it is computed once, however many
        requests ask for it meanwhile, and stored.
        """
        if not -(2**63) <= story_id < 2**63:  # no store can hold it (and SQLite would raise on it)
            return None
        with self._reading() as reader:
            found = reader.story(story_id)
            if found is None:
                return None
            story, articles = found
            copies = reader.story_copies(story.id)
            pending = False
            if reader.stored_reading(articles) is not None:  # (reading_of also stores one remembered elsewhere)
                analysis = views.story_analysis(story, articles, tracker=reader)
            else:
                found_reading = self._wait_for_reading(story.id)
                if found_reading is None:  # still being computed: the page now, the reading when it is ready
                    from babelwire.reading_memory import empty_reading

                    found_reading, pending = empty_reading(), True
                analysis = found_reading
            title = self._title(reader, story, articles, reader_languages, analysis)
        page = {**views.story_page(story, articles, copies=copies, analysis=analysis), **title}
        if pending:
            page["reading_pending"] = True
        return page

    def _wait_for_reading(self, story_id: int) -> dict[str, Any] | None:
        """A story's reading, computed by the page-reading pool (one job per story, however many pages ask);
        ``None`` when it is not ready within ``settings.reading_wait_s`` (0: wait for it)."""
        with self._page_reading_lock:
            job = self._page_reading_jobs.get(story_id)
            submitted = job is None
            if job is None:
                job = self._page_reading_jobs[story_id] = self._page_readings.submit(self._read_for_page, story_id)
        if submitted:
            # outside the lock: a job already done (a remembered reading is ready at once) runs the callback
            # here and now, and the callback takes the lock
            job.add_done_callback(lambda done: self._forget_page_reading(story_id, done))
        try:
            return job.result(timeout=self.settings.reading_wait_s or None)
        except FutureTimeout:
            return None

    def _forget_page_reading(self, story_id: int, job: Future[dict[str, Any] | None]) -> None:
        with self._page_reading_lock:
            if self._page_reading_jobs.get(story_id) is job:
                del self._page_reading_jobs[story_id]

    def _read_for_page(self, story_id: int) -> dict[str, Any] | None:
        with self._reading() as reader:
            found = reader.story(story_id)
            return None if found is None else views.story_analysis(*found, tracker=reader)

    def warm_up(self) -> None:
        """Load now what the first story page would otherwise load (the reading's modules, the name of its
        encoder, CLDR's data for the default reader language), so that a fresh server answers its first
        request as fast as the next ones."""
        from babelwire.gist import story_gist

        with self._reading() as reader:
            reader.reading_key([])
        for language in self.settings.reader_languages[:1]:
            story_gist([{"id": "country:FR", "kind": "place"}], {language: 1}, language)

    def unread_story_ids(self) -> list[int]:
        """Live stories without a stored reading of their current articles, newest activity first."""
        with self._reading() as reader:
            ids = [story.id for story in reader.stories()]
            articles = reader.store.articles_of_stories(ids)
            return [story_id for story_id in ids if reader.stored_reading(articles[story_id]) is None]

    def read_story(self, story_id: int) -> None:
        """Compute and store a story's reading unless it is stored (what the background reader does)."""
        with self._reading() as reader:
            reader.read_stories([story_id])

    def entities(self, query: str | None, kind: str | None, limit: int, offset: int = 0
                 ) -> tuple[list[dict[str, Any]], int]:
        """A page of the entity index (:func:`views.entity_rows`) and the size of the whole list."""
        with self._reading() as reader:
            store = reader.store
            return views.entity_rows(store, query, kind, limit, offset), store.count_entities(query, kind)

    def entity(self, name: str, limit: int, offset: int = 0,
               reader_languages: Sequence[str] | None = None) -> dict[str, Any] | None:
        """The index entry a name (any spelling, or its key) stands for, with a page of its stories titled for
        ``reader_languages``; ``None`` when the index has no such entry. Other entries the name fits are listed
        under ``also``."""
        keys = lookup_keys(name)
        with self._reading() as reader:
            store = reader.store
            found = store.find_entities(name, keys)
            if not found:
                return None
            entry, others = found[0], found[1:]
            page_ids = store.find_story_ids(entity_id=entry["id"], limit=limit, offset=offset)
            entry.update(
                spellings=store.entity_spellings(entry["id"]),
                quotes_by=store.entity_quotes(entry["id"], QUOTE_BY, QUOTES_PER_ENTITY),
                quotes_about=store.entity_quotes(entry["id"], QUOTE_ABOUT, QUOTES_PER_ENTITY),
                stories=self._summaries(reader, page_ids, reader_languages),
                story_total=store.count_stories_matching(entity_id=entry["id"]),
                also=[{key: other[key] for key in ("key", "name", "type", "story_count")} for other in others],
                index=self._index_coverage(store),
            )
        return entry

    def entity_index_coverage(self) -> dict[str, int]:
        """How many of the live stories the entity index holds a reading of."""
        with self._reading() as reader:
            return self._index_coverage(reader.store)

    @staticmethod
    def _index_coverage(store: Store) -> dict[str, int]:
        return {"indexed_stories": store.indexed_story_count(), "stories": store.count_stories_matching()}

    def outlets(self, limit: int, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """A page of outlets with their article counts, the most prolific first, and how many there are."""
        with self._reading() as reader:
            return reader.store.outlet_counts(limit, offset), reader.store.count_outlets()

    def outlet(self, name: str, limit: int, offset: int = 0,
               reader_languages: Sequence[str] | None = None) -> dict[str, Any] | None:
        """An outlet's counts and languages with a page of its stories (newest activity first, titled for
        ``reader_languages``), or ``None``."""
        with self._reading() as reader:
            store = reader.store
            summary = store.outlet_summary(name)
            if summary is None:
                return None
            page_ids = store.find_story_ids(outlet=name, limit=limit, offset=offset)
            return {**summary, "stories": self._summaries(reader, page_ids, reader_languages),
                    "story_total": store.count_stories_matching(outlet=name)}

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article as :func:`views.article_detail`, or ``None``."""
        with self._reading() as reader:
            article = reader.store.article(article_id)
        return None if article is None else views.article_detail(article)

    def languages(self) -> dict[str, int]:
        """Articles per language in the store, most frequent first."""
        with self._reading() as reader:
            return reader.store.language_counts()

    def search(self, query: str, limit: int, min_score: float | None = None) -> list[dict[str, Any]]:
        """Articles closest in meaning to the query, as ``babelwire search --json`` (``min_score``: default
        the ``search_min_score`` setting)."""
        vector = self._query_vector(query)
        with self._tracking() as tracker:
            hits = tracker.search(query, limit=limit, min_score=min_score, vector=vector)
        return [views.search_hit(hit) for hit in hits]

    def _query_vector(self, query: str) -> np.ndarray:
        """A query's vector, encoded outside the lock: the encoder is most of a search's time, and it serves
        several threads at once (the readers share it already), so searches only queue for the index."""
        return self._encoder.encode([query], "query")[0]

    def export(self, what: str, format_name: str) -> Iterator[bytes]:
        """A whole table (:mod:`babelwire.export`) in pieces, read as they are consumed on a connection of its
        own; ``ExportError`` names an unknown table or format, before the first piece."""
        from babelwire.export import check_export, export_chunks

        check_export(what, format_name)

        def pieces() -> Iterator[bytes]:
            with self._reading() as reader:
                yield from export_chunks(reader.store, what, format_name)

        return pieces()

    def compare(self, first_id: str, second_id: str) -> dict[str, Any]:
        """Two stored articles' similarity, as ``babelwire compare --json``; ``KeyError`` names a missing id."""
        with self._tracking() as tracker:
            score = tracker.compare(first_id, second_id)
        return views.pair_score(score, first_id, second_id)

    # --- writes ------------------------------------------------------------------------

    def ingest(self, items: Sequence[Article | IngestProblem]) -> dict[str, Any]:
        """Analyse, link and store articles, as ``babelwire ingest --json`` reports it.

        The tracker is taken one batch at a time so that searches are never held up for long.
        """
        report = IngestReport()
        size = self.settings.ingest_batch_size
        for start in range(0, len(items), size):
            batch = list(items[start : start + size])
            self._analyse(batch)
            with self._tracking() as tracker:  # the stories are read after, by the caller, not under the lock
                _add_report(report, tracker.add(batch, read=False, analysed=True))
        changed = report.story_ids()
        if self.after_ingest is not None:
            self.after_ingest(changed)
        elif self.settings.read_at_ingest:
            with self._reading() as reader:
                reader.read_stories(changed)
        return views.ingest_summary(report)

    def _analyse(self, batch: list[Article | IngestProblem]) -> None:
        """Analyse (identify, split, embed) the articles of a batch that may be new, outside the lock, so that
        searches and other ingests do not wait for the encoder; those already stored are skipped, and the
        tracker checks every article again under the lock."""
        with self._reading() as reader:
            fresh = [item for item in batch if isinstance(item, Article)
                     and len(item.text) >= self.settings.min_text_chars and not reader.store.find_duplicate(item)]
            reader.analyse(fresh)

    # --- watch-lists ---------------------------------------------------------------------

    def watchlists(self) -> list[dict[str, Any]]:
        """Every watch-list (:meth:`babelwire.watchlists.Watchlist.to_json`) with its alert count, oldest first."""
        from babelwire.watchlists import list_watchlists

        with self._reading() as reader:
            return [{**watchlist.to_json(), "alerts": reader.store.count_alerts(watchlist.id)}
                    for watchlist in list_watchlists(reader.store)]

    def watchlist_alerts(self, name: str, limit: int, offset: int = 0,
                         reader_languages: Sequence[str] | None = None) -> tuple[Any, list[dict[str, Any]], int]:
        """A watch-list, a page of its alerts (newest first, each with its story titled for the reader:
        :func:`babelwire.watchlists.titled_alerts`) and how many it has; ``WatchlistError`` when there is none."""
        from babelwire.watchlists import get_watchlist, titled_alerts

        with self._reading() as reader:
            watchlist = get_watchlist(reader.store, name)
            rows = reader.store.alert_rows(watchlist.id, limit, offset)
            alerts = titled_alerts(reader.store, rows, reader_languages or self.settings.reader_languages,
                                   self.translator)
            return watchlist, alerts, reader.store.count_alerts(watchlist.id)
