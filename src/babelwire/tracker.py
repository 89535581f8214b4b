"""The library's front door: ingest → analyse → link → store, and queries over stories.

The CLI, and later the REST API and web UI, are thin layers over
:class:`Tracker`. Every model is a constructor argument with an offline default,
so a user swaps the encoder or the language identifier without touching the rest::

    from babelwire import Tracker
    with Tracker("news.db") as tracker:
        report = tracker.ingest(["../shared/seeds"])
        for story in tracker.stories():
            print(story.id, story.title, sorted(story.languages))
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from babelwire.analysis import Components, Stage, build_stages, run_stages
from babelwire.copies import CopyDetector, Fingerprint, StoreCopyDetector, backfill_signatures
from babelwire.dates import linking_interval
from babelwire.encoders import Encoder, make_encoder
from babelwire.index import Interval, UsearchIndex, VectorIndex
from babelwire.langid import LanguageIdentifier, LinguaIdentifier, Py3LangidIdentifier
from babelwire.linker_state import MAX_HELD, LinkerState
from babelwire.linking import StoryLinker, relink
from babelwire.relinking import RelinkReport, match_story_ids
from babelwire.settings import SUPPORTED_LANGUAGES, Settings, default_db_path, model_cache_dir
from babelwire.singleflight import SingleFlight
from babelwire.store import LinkRow, Store, StoreError, canonical_url, open_store
from babelwire.types import (
    UNDETERMINED,
    Article,
    IngestProblem,
    IngestReport,
    LinkDecision,
    PublishedDate,
    SearchHit,
    Story,
    display_title,
    first_words,
)

if TYPE_CHECKING:
    from babelwire.canonical import AliasBook
    from babelwire.readers import ReadResult
    from babelwire.similarity import PairScore, PairScorer

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int], None]
#: readings being computed in this process, by store and fingerprint: concurrent askers share one computation
_READINGS_IN_FLIGHT: SingleFlight[dict[str, Any]] = SingleFlight()
#: (store, fingerprint) pairs known to be stored, so that a remembered reading is checked against a store once
_KEYS_IN_STORE: set[tuple[str, str]] = set()
#: the meta key holding what the last relinks changed, and how many of them it keeps
RELINK_LOG_KEY = "relinks"
RELINK_LOG_LENGTH = 20
#: an ingest that stores at least this many articles refreshes the planner's statistics (Store.optimize)
OPTIMIZE_AFTER_ARTICLES = 1000


def make_language_identifier(settings: Settings) -> LanguageIdentifier:
    """The identifier named in the settings, choosing between ``settings.languages``."""
    if settings.language_identifier == "lingua":
        return LinguaIdentifier(
            settings.languages, settings.language_min_confidence, min_ratio=settings.language_min_ratio,
            accuracy=settings.language_accuracy, min_other=settings.language_min_confidence_other,
        )
    if settings.language_identifier == "py3langid":
        return Py3LangidIdentifier(
            settings.languages, settings.language_min_confidence, min_ratio=settings.language_min_ratio,
            min_other=settings.language_min_confidence_other,
        )
    raise ValueError(f"unknown language identifier {settings.language_identifier!r} (lingua, py3langid)")


def _batched(items: Iterable[ReadResult], size: int) -> Iterator[list[ReadResult]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Tracker:
    """A story tracker over one store."""

    def __init__(
        self,
        db: str | Path | None = None,
        settings: Settings | None = None,
        *,
        encoder: Encoder | None = None,
        language_identifier: LanguageIdentifier | None = None,
        index_factory: Callable[[int], VectorIndex] = UsearchIndex,
        store: Store | None = None,
        copy_detector_factory: Callable[[Settings], CopyDetector] | None = None,
    ):
        self.settings = settings or Settings()
        self.store = store or open_store(db or default_db_path())
        try:
            self.encoder = encoder or make_encoder(self.settings.encoder)
            self._check_encoder()
        except BaseException:
            if store is None:  # opened here: don't leak the connection (a server's, with PostgreSQL)
                self.store.close()
            raise
        self._language_identifier = language_identifier
        self.index_factory = index_factory
        self._stages: list[Stage] | None = None
        self._linker: StoryLinker | None = None
        self._pair_scorer: PairScorer | None = None
        self.copy_detector_factory = copy_detector_factory or _default_copy_detector
        self._copy_detector: CopyDetector | None = None
        #: the store's write generation the in-memory linker reflects (see Store.write_generation)
        self._generation: int | None = None
        self._linker_state = LinkerState(self.store, self.settings, self.encoder.name, self.encoder.dim,
                                         index_factory, self.linking_interval, model_cache_dir)

    # --- set-up --------------------------------------------------------------------

    def _check_encoder(self) -> None:
        """A store's vectors only compare with vectors of the same encoder."""
        stored = self.store.get_meta("encoder")
        if stored is None:
            with self.store.transaction():
                self.store.set_meta("encoder", self.encoder.name)
        elif stored != self.encoder.name:
            raise StoreError(
                f"{self.store.path} was built with the encoder {stored!r}, not {self.encoder.name!r}; "
                f"open it with that encoder or use a new store"
            )

    @property
    def language_identifier(self) -> LanguageIdentifier:
        if self._language_identifier is None:
            self._language_identifier = make_language_identifier(self.settings)
        return self._language_identifier

    @property
    def stages(self) -> list[Stage]:
        if self._stages is None:
            components = Components(self.settings, self.encoder, self.language_identifier)
            self._stages = build_stages(self.settings.stages, components)
        return self._stages

    @property
    def linker(self) -> StoryLinker:
        """The story graph, up to date with what every process stored (:mod:`babelwire.linker_state`): its
        vector index opened from the files beside the store (built, and saved, when there are none)."""
        if self._linker is None or self.store.write_generation() != self._generation:
            self._linker = self._load_linker()
            self._linker_state.save(self._linker)
        return self._linker

    @property
    def copy_detector(self) -> CopyDetector:
        """Syndicated-copy detection over the stored originals, bound to the store on first use."""
        if self._copy_detector is None:
            detector = self.copy_detector_factory(self.settings)
            backfill_signatures(self.store, detector)  # articles stored before signatures were (schema v3)
            detector.bind(self.store)  # the default asks the store: no signature is loaded
            self._copy_detector = detector
        return self._copy_detector

    def _load_linker(self) -> StoryLinker:
        self._generation = self.store.write_generation()
        return self._linker_state.refresh(self._linker)

    def linking_interval(self, published: PublishedDate | None) -> Interval | None:
        """Where the linker places an article in time (``None``: undated); unreliable dates only widen it."""
        return linking_interval(published, self.settings.link_url_date_slack_days,
                                self.settings.link_crawl_lookback_days)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- ingest --------------------------------------------------------------------

    def ingest(self, inputs: Iterable[str | Path], progress: ProgressCallback | None = None) -> IngestReport:
        """Read files, directories, feeds and URLs; store and link every new article.

        Bad inputs become problems in the report; the rest of the batch goes on.
        """
        from babelwire.readers import read_inputs  # the readers (feeds, HTML, WARC) only when reading files

        return self.add(read_inputs(inputs, self.settings), progress)

    def add(
        self,
        items: Iterable[Article | IngestProblem],
        progress: ProgressCallback | None = None,
        *,
        analysed: bool = False,
        read: bool | None = None,
        watch: bool = True,
    ) -> IngestReport:
        """Analyse, link and store articles, one transaction per ``ingest_batch_size``.

        With ``analysed=True`` the articles already went through :meth:`analyse`
        (elsewhere, e.g. on Ray workers): only duplicate checks, linking and storing remain.
        Then every story that changed is read (:meth:`read_story`) and its reading stored, once per
        story however many batches touched it, unless ``read`` (default: ``settings.read_at_ingest``)
        is false. After each stored batch the watch-lists are evaluated against the stories it touched
        (:mod:`babelwire.watchlists`), unless ``watch`` is false (a backfill: an archive is not news).
        """
        report = IngestReport()
        tick = progress or (lambda _: None)
        for batch in _batched(items, self.settings.ingest_batch_size):
            fresh = self._select_new(batch, report)
            tick(len(batch) - len(fresh))  # problems and duplicates are done with at once
            if fresh:
                try:
                    fingerprints = self._mark_copies(fresh)
                    originals = [article for article in fresh if article.copy_of is None]
                    tick(len(fresh) - len(originals))  # copies are not embedded: they are never linked
                    if not analysed and originals:
                        self.analyse(originals, tick)
                    else:
                        tick(len(originals))
                    _note_languages(report, originals)
                    decisions, taken = self._link_and_store(fresh, fingerprints)
                    report.decisions.extend(decisions)
                except BaseException:
                    self._copy_detector = None  # it saw articles that were not stored: rebuild on next use
                    raise
                if taken:  # another writer stored them since _select_new looked
                    self._copy_detector = None
                    report.duplicates += len(taken)
                report.copies += sum(1 for a in fresh if a.copy_of is not None and a.id not in taken)
                report.added += sum(1 for a in originals if a.id not in taken)
                report.kept_out.extend(IngestProblem(a.origin or a.id, a.kept_out) for a in fresh
                                       if a.kept_out is not None and a.id not in taken)
                if watch:
                    self._watch(a.story_id for a in fresh
                                if a.id not in taken and a.story_id is not None and a.kept_out is None)
        if report.added and self._linker is not None:  # once per call: a bulk ingest does not rewrite it per batch
            self._linker_state.save(self._linker)
        if report.added + report.copies >= OPTIMIZE_AFTER_ARTICLES:  # the planner's statistics may be stale now
            self.store.optimize()
        if self.settings.read_at_ingest if read is None else read:
            self.read_stories(report.story_ids())
        return report

    def _watch(self, story_ids: Iterable[int]) -> None:
        """Evaluate the watch-lists against the stories a stored batch touched (:mod:`babelwire.watchlists`).

        The batch is stored whatever happens here: a failure is logged, and the next batch that touches
        the story evaluates it again.
        """
        try:
            if not self.store.has_watchlists():  # the usual case: one indexed read, nothing imported
                return
            from babelwire.watchlists import after_batch

            after_batch(self.store, story_ids, self.settings, self.encoder)
        except Exception:
            log.exception("evaluating the watch-lists failed")

    def analyse(self, articles: list[Article], progress: ProgressCallback | None = None) -> list[Article]:
        """Run the analysis stages (language, sentences, embedding…) over a batch of articles, in place.

        The stages run on one encoder batch (``embed_batch_size``) at a time, and ``progress`` hears of each:
        the encoder is most of the time, and one article at a time it ran 2-3 times slower.
        """
        size = max(self.settings.embed_batch_size, 1)
        for start in range(0, len(articles), size):
            run_stages(self.stages, articles[start : start + size])
            if progress:
                progress(len(articles[start : start + size]))
        return articles

    def _mark_copies(self, articles: list[Article]) -> dict[str, Fingerprint]:
        """Set ``copy_of`` on the articles that copy an earlier one; the originals' fingerprints, by id."""
        detector = self.copy_detector
        fingerprints = {}
        for article in articles:
            fingerprint = detector.fingerprint(article)
            match = detector.match(fingerprint)
            if match is None:
                detector.add(article.id, fingerprint)
                fingerprints[article.id] = fingerprint
            else:
                article.copy_of, article.copy_similarity = match.original_id, match.similarity
        return fingerprints

    def _select_new(self, batch: list[ReadResult], report: IngestReport) -> list[Article]:
        fresh: list[Article] = []
        seen: set[str | None] = set()  # ids, content hashes and URLs of this batch
        for item in batch:
            if isinstance(item, IngestProblem):
                report.problems.append(item)
                continue
            if len(item.text) < self.settings.min_text_chars:
                report.problems.append(IngestProblem(item.origin, f"too little text ({len(item.text)} characters)"))
                continue
            # the same text from another outlet is a copy, not a duplicate (see _mark_copies)
            keys = {(item.content_hash, item.source), item.id, canonical_url(item.url)} - {None}
            if keys & seen or self.store.find_duplicate(item):
                report.duplicates += 1
                continue
            seen.update(keys)
            fresh.append(item)
        return fresh

    def _link_and_store(self, articles: list[Article], fingerprints: dict[str, Fingerprint],
                        ) -> tuple[list[LinkDecision], set[str]]:
        """Store and link a batch in one write transaction; also the ids of articles another writer stored
        first (left out). Writers take turns on the store's own lock; a writer whose store another process
        changed since its linker was loaded reloads the linker inside the transaction, so story ids and
        links always continue what is stored."""
        decisions = []
        batch = {article.id: article for article in articles}
        taken: set[str] = set()
        linked: list[int] = []
        try:
            with self.store.transaction():
                generation = self.store.write_generation()
                if self._linker is None or generation != self._generation:
                    self._linker = self._load_linker()
                elif self._linker.held() > MAX_HELD:
                    self._linker.forget()
                linker = self._linker
                for article in articles:
                    if article.copy_of is not None and article.copy_of in taken:
                        taken.add(article.id)
                        continue
                    if self.store.find_duplicate(article):  # checked again under the lock
                        taken.add(article.id)
                        continue
                    if article.copy_of is not None:
                        self._store_copy(article, batch.get(article.copy_of))
                        continue
                    if article.kept_out is not None:
                        self._store_kept_out(article, fingerprints[article.id], linker)
                        continue
                    assert article.embedding is not None, "the 'embed' stage must run before linking"
                    key = self.store.insert_article(article, fingerprints[article.id].minhash_bytes())
                    interval = self.linking_interval(article.published)
                    decision = linker.link(key, article.id, article.embedding, interval, article.language)
                    linked.append(key)
                    if decision.new_story:
                        self.store.create_story(decision.story_id, article.title or first_words(article.text))
                    for source in decision.merged_story_ids:
                        self.store.merge_stories(source, decision.story_id, article.id, decision.score)
                    self.store.assign(key, decision.story_id, None if decision.new_story else decision.score)
                    article.story_id, article.link_score = decision.story_id, decision.score
                    decisions.append(decision)
                self._generation = self.store.bump_write_generation()
        except BaseException:
            self._linker = None  # the in-memory graph ran ahead of the store: rebuild it on next use
            raise
        for key in linked:  # committed: the saved index may hold them now (add() saves it)
            self._linker_state.linked(key)
        return decisions, taken

    def _store_kept_out(self, article: Article, fingerprint: Fingerprint, linker: StoryLinker) -> None:
        """Store a page that is no news (``article.kept_out`` says why: :mod:`babelwire.junk`) in a story of
        its own, outside the linker: nothing joins it, and it joins nothing."""
        story_id = linker.next_story_id
        linker.next_story_id += 1
        key = self.store.insert_article(article, fingerprint.minhash_bytes())
        self.store.create_story(story_id, display_title(article))
        self.store.assign(key, story_id, None)
        article.story_id, article.link_score = story_id, None

    def _store_copy(self, copy: Article, original: Article | None) -> None:
        """Store a syndicated copy in its original's story (the original is in this batch or stored).

        The copy of a page kept out of stories is kept out too, for the same reason.
        """
        if original is None:
            original = self.store.article(copy.copy_of or "")
        assert original is not None and original.story_id is not None, f"copy {copy.id} of an unknown article"
        copy.kept_out = original.kept_out
        copy.language, copy.language_confidence = original.language, original.language_confidence
        copy.story_id, copy.link_score = original.story_id, None
        key = self.store.insert_article(copy)
        self.store.assign(key, original.story_id, None)

    def relink(self) -> RelinkReport:
        """Re-link the whole store from scratch in publication order, keeping story ids where stories survive.

        This is the explicit batch command. Each relinked story takes the id of the stored story it shares
        most articles with (:func:`babelwire.relinking.match_story_ids`); the report says which stories
        are new, merged or split. A story whose articles are the same keeps its title too.
        """
        rows = list(self.store.iter_link_rows())

        intervals = {row.seq: self.linking_interval(row.published) for row in rows}

        def order(row):
            interval = intervals[row.seq]
            return (interval[0].isoformat() if interval else "~", row.seq)  # undated last

        rows.sort(key=order)
        linker_input = [(row.seq, row.id, row.vector, intervals[row.seq], row.language) for row in rows]
        linker, decisions = relink(self.settings, self.encoder.dim, linker_input, self.index_factory)
        old_of = {row.seq: row.story_id for row in rows}
        final, report = match_story_ids(old_of, {row.seq: linker.story_of(row.seq) for row in rows},
                                        self.store.max_story_id() + 1)
        new_of = {row.seq: final[linker.story_of(row.seq)] for row in rows}
        assignments = [(row.seq, new_of[row.seq], None if d.new_story else d.score)
                       for row, d in zip(rows, decisions, strict=True)]
        moved = [key for key in new_of if new_of[key] != old_of[key]]
        changed = sorted({new_of[key] for key in moved} | {old_of[key] for key in moved})
        titles = self._relinked_titles(rows, new_of, set(changed) - set(report.merged))
        merges = []
        for old, (into, share) in sorted(report.merged.items()):
            first = next(row.id for row in rows if old_of[row.seq] == old and new_of[row.seq] == into)
            merges.append((old, into, first, share))
        with self.store.transaction():
            self.store.relink_stories(assignments, titles, merges, [story for story in changed if story in titles])
            self._log_relink(report)
            self.store.bump_write_generation()
        self._linker = None
        return report

    def _relinked_titles(self, rows: list[LinkRow], new_of: dict[int, int], changed: set[int]) -> dict[int, str]:
        """Every live story's title after a relink: a story whose articles changed (or a new one) takes the
        title of its first article in publication order, as it would founding it; the others keep theirs."""
        live = set(new_of.values())
        stored = {story.id: story.title for story in self.store.stories(story_ids=sorted(live - changed))}
        firsts: dict[int, int] = {}
        for row in rows:  # in publication order
            if new_of[row.seq] in changed:
                firsts.setdefault(new_of[row.seq], row.seq)
        articles = self.store.articles_by_keys(sorted(firsts.values()))
        return {**stored, **{story: display_title(articles[key]) for story, key in firsts.items()}}

    def _log_relink(self, report: RelinkReport) -> None:
        """Keep what the last relinks changed (splits have no other record) under the ``relinks`` meta key."""
        log = json.loads(self.store.get_meta(RELINK_LOG_KEY) or "[]")
        log.append({"at": datetime.now(UTC).isoformat(timespec="seconds"), **report.to_json()})
        self.store.set_meta(RELINK_LOG_KEY, json.dumps(log[-RELINK_LOG_LENGTH:]))

    # --- reading -------------------------------------------------------------------
    # A story's reading (entities, quotes, coverage, inferred dates: babelwire.reading) is stored under a
    # fingerprint of its articles, so a story whose membership or articles changed has no stored reading
    # until it is read again. Every reading that is stored goes through save_reading.

    @property
    def reading_encoder(self) -> Encoder:
        """The encoder of readings: the bundled e5, whose language neutraliser matches quotes and statements
        across languages (this tracker's own encoder when it is that one, so the model is loaded once)."""
        from babelwire.reading_memory import default_encoder

        reading = default_encoder()
        return self.encoder if self.encoder.name == reading.name else reading

    def reading_key(self, articles: Sequence[Article]) -> str:
        """The fingerprint a reading of these articles is stored under (articles, encoder, alias file, version)."""
        from babelwire.reading_memory import default_aliases, fingerprint

        return fingerprint(articles, self.reading_encoder, default_aliases())

    def stored_reading(self, articles: Sequence[Article]) -> dict[str, Any] | None:
        """The stored reading of exactly these articles, or ``None`` (never computes)."""
        from babelwire.reading_memory import remembered_reading

        return remembered_reading(self.reading_key(articles), self.store)

    def reading_of(self, story: Story, articles: Sequence[Article]) -> dict[str, Any]:
        """The reading of a story's articles: the stored one, else computed once and stored.

        Callers in this process that ask for the same reading meanwhile wait for that computation.
        A reading that fails is logged and returned empty, and not stored (it is tried again next time).
        """
        from babelwire.reading_memory import remembered_reading

        key = self.reading_key(articles)
        found = remembered_reading(key, self.store)
        if found is not None:
            # this process may remember the reading from another store holding the same articles: store it here
            if (str(self.store.path), key) not in _KEYS_IN_STORE and self.store.cached_story_analysis(key) is None:
                self.save_reading(story.id, key, found)
            _KEYS_IN_STORE.add((str(self.store.path), key))
            return found
        return _READINGS_IN_FLIGHT.run((self.store.path, key), lambda: self._compute_reading(story.id, key, articles))

    def _compute_reading(self, story_id: int, key: str, articles: Sequence[Article]) -> dict[str, Any]:
        from babelwire.reading import compute_reading
        from babelwire.reading_memory import default_aliases, empty_reading, remembered_reading

        found = remembered_reading(key, self.store)  # stored by another caller just before this one led
        if found is not None:
            return found
        try:
            # the store keeps the articles' sentence vectors: a story read again after it gained articles
            # encodes only theirs
            data = compute_reading(articles, self.reading_encoder, default_aliases(), self.store)
        except Exception:  # the story must be shown even when the reading of odd text failed
            log.exception("reading of story %s failed", story_id)
            return empty_reading()
        self.save_reading(story_id, key, data)
        return data

    def save_reading(self, story_id: int, key: str, reading: dict[str, Any]) -> None:
        """Store a story's reading under its fingerprint, replacing the story's older readings.

        The one place a reading is stored: whatever is derived from readings is updated from here.
        A store that cannot be written (read-only, busy) only loses the reading, which is kept in memory.
        """
        from babelwire.entity_index import ensure_indexed
        from babelwire.reading_memory import remember_reading

        remember_reading(key, reading)
        try:
            self.store.save_story_analysis(story_id, key, json.dumps(reading, ensure_ascii=False))
            ensure_indexed(self.store, story_id, reading, key)  # the entity index follows every stored reading
        except Exception as exc:
            log.warning("cannot store the reading of story %s: %s", story_id, exc)

    def read_story(self, story_id: int) -> dict[str, Any] | None:
        """The reading of a story (following merges): stored, or computed and stored; ``None`` for no story."""
        found = self.story(story_id)
        return None if found is None else self.reading_of(*found)

    def read_stories(self, story_ids: Iterable[int]) -> int:
        """Read the live stories these ids stand for and store their readings; how many needed reading."""
        live = {self.store.resolve_story_id(story_id) for story_id in story_ids} - {None}
        computed = 0
        for story_id in sorted(live):  # type: ignore[type-var]
            found = self.story(story_id)  # type: ignore[arg-type]
            if found is None or self.stored_reading(found[1]) is not None:
                continue
            self.reading_of(*found)
            computed += 1
        return computed

    # --- the entity index ------------------------------------------------------------

    def index_entities(
        self,
        story_ids: Sequence[int] | None = None,
        *,
        encoder: Encoder | None = None,
        aliases: AliasBook | None = None,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Bring the entity index up to date for these stories (default: every live story); returns how many
        were indexed now. Incremental: a story whose current reading the index holds is skipped.

        A story's reading comes from the store's cache when it is there, else it is computed (seconds per
        story) and cached. ``encoder`` and ``aliases`` default to the reading's (the story pages' ones).
        ``KeyError`` names a story id that is not in the store.
        """
        from babelwire.entity_index import ensure_indexed
        from babelwire.reading import analyse_story
        from babelwire.reading_memory import default_aliases, default_encoder, fingerprint

        encoder = encoder or default_encoder()
        aliases = default_aliases() if aliases is None else aliases
        ids = [story.id for story in self.store.stories()] if story_ids is None else list(story_ids)
        indexed = 0
        for story_id in ids:
            live = self.store.resolve_story_id(story_id)
            if live is None:
                raise KeyError(f"no story {story_id}")
            articles = self.store.story_articles(live)
            key = fingerprint(articles, encoder, aliases)
            if articles and self.store.indexed_fingerprint(live) != key:
                analysis = analyse_story(live, articles, encoder, aliases, self.store)
                ensure_indexed(self.store, live, analysis, key)  # when the analysis came from the memory cache
                indexed += 1
            if progress:
                progress(1)
        return indexed

    # --- queries -------------------------------------------------------------------

    def stories(self, language: str | None = None, limit: int | None = None, offset: int = 0) -> list[Story]:
        """Live stories, newest activity first."""
        return self.store.stories(language=language, limit=limit, offset=offset)

    def story(self, story_id: int) -> tuple[Story, list[Article]] | None:
        """A story (following merges) with its articles, or ``None``."""
        live = self.store.resolve_story_id(story_id)
        if live is None:
            return None
        found = self.store.stories(story_ids=[live])
        if not found:
            return None
        return found[0], self.store.story_articles(live)

    def story_copies(self, story_id: int) -> list[Article]:
        """A story's syndicated copies (articles stored as copies of its articles), oldest first."""
        live = self.store.resolve_story_id(story_id)
        return [] if live is None else self.store.story_articles(live, copies=True)

    def encode_query(self, query: str) -> np.ndarray:
        """The vector :meth:`search` looks for ``query`` with."""
        return self.encoder.encode([query], "query")[0]

    def compare(self, first_id: str, second_id: str) -> PairScore:
        """How alike two stored articles are (1 = same event), with the features that drove it."""
        articles = [self.store.article(article_id) for article_id in (first_id, second_id)]
        missing = [aid for aid, article in zip((first_id, second_id), articles, strict=True) if article is None]
        if missing:
            raise KeyError(f"no article {', '.join(missing)}")
        if self._pair_scorer is None:
            from babelwire.similarity import PairScorer

            self._pair_scorer = PairScorer(self.encoder)
        return self._pair_scorer.score(*articles)

    def search(
        self, query: str, limit: int = 10, min_score: float | None = None, relative_score: float | None = None,
        *, vector: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """Articles in any language closest in meaning to ``query`` (in any language), best first.

        Nothing is found unless the best article scores ``min_score`` (default: ``settings.search_min_score``):
        a query about nothing in the store finds nothing. Then only the articles scoring ``relative_score``
        (default: ``settings.search_relative_score``) of the best are listed. ``0.0`` turns either floor off.
        ``vector`` is the query's, when the caller encoded it already (a server does it outside its lock).
        """
        gate = self.settings.search_min_score if min_score is None else min_score
        share = self.settings.search_relative_score if relative_score is None else relative_score
        if vector is None:
            vector = self.encode_query(query)
        keys, sims = self.linker.nearest(vector, limit)
        if len(sims) == 0 or float(sims[0]) < gate:
            return []
        floor = float(sims[0]) * share
        articles = self.store.articles_by_keys(keys.tolist())
        hits = []
        for key, sim in zip(keys.tolist(), sims.tolist(), strict=True):
            article = articles.get(key)
            if article is None or sim < floor:
                continue
            hits.append(SearchHit(
                article_id=article.id, score=float(sim), title=article.title or first_words(article.text),
                language=article.language, story_id=article.story_id,
                published=article.published.value if article.published else None, source=article.source,
            ))
        return hits


def _note_languages(report: IngestReport, articles: list[Article]) -> None:
    """Add the analysis notes of ``articles`` to the report's warnings, and count the languages the reading
    does not support: such articles are stored and linked, but the user should know their entities and
    quotes are read with the generic rules only."""
    for article in articles:
        report.warnings.extend(IngestProblem(article.origin or article.id, note) for note in article.notes)
        if article.language not in SUPPORTED_LANGUAGES and article.language != UNDETERMINED:
            report.unsupported_languages[article.language] = report.unsupported_languages.get(article.language, 0) + 1


def _default_copy_detector(settings: Settings) -> CopyDetector:
    """Copy detection through the store's bands: a process ingesting one file into a large store reads a few
    rows per article, where :class:`~babelwire.copies.MinHashCopyDetector` loaded every stored signature."""
    return StoreCopyDetector(settings.copy_threshold, settings.copy_num_perm)


__all__: Sequence[str] = ("Tracker", "display_title", "make_language_identifier")
