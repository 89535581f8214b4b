"""Backfill: load a large archive in publication order, in one process or with the analysis on Ray.

Incremental :meth:`~babelwire.Tracker.ingest` links articles in the order they are
read. An archive loaded in one go links better in publication order (a story is
founded by its earliest article, and the time window sees its neighbours), and
its analysis (language ID, sentences, embedding: ~99 % of ingest time) can run in
parallel. :func:`backfill` does both, with the same result in either mode:

1. read every input (one task per file or URL on Ray);
2. order the articles by the start of their publication date, undated last, ties
   by article id, then by read position (:func:`order_key`: a total order);
3. analyse them (:meth:`~babelwire.Tracker.analyse`, or the same stages rebuilt on
   each Ray actor from the tracker's :class:`~babelwire.Settings`);
4. check duplicates, link and store them through the tracker's one ordered writer,
   :meth:`~babelwire.Tracker.add` with ``analysed=True``, in that order.

::

    from babelwire import Tracker
    from babelwire.backfill import backfill
    with Tracker("archive.db") as tracker:
        report = backfill(tracker, ["archive/"], use_ray=True)
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from babelwire.analysis import Components, Stage, build_stages, run_stages
from babelwire.encoders import make_encoder
from babelwire.readers import Source, iter_sources, read_source
from babelwire.settings import Settings
from babelwire.tracker import ProgressCallback, Tracker, make_language_identifier
from babelwire.types import Article, IngestProblem, IngestReport

if TYPE_CHECKING:
    from ray.data import Dataset

__all__ = ["backfill", "order_key"]

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)  # microseconds since year 1 are never negative: they sort as text
_SEP = "\x00"  # below every printable character: a shorter id sorts before its extensions, as in Python


def order_key(article: Article, source_seq: int, item_seq: int) -> str:
    """The article's place in a backfill, as a string that sorts the same in Python and in Arrow.

    Dated articles first, by the start of their publication interval; then undated
    ones; ties by article id, then by position in the inputs (``source_seq``: the
    input's number in :func:`~babelwire.readers.iter_sources`, ``item_seq``: the
    article's number within it), so that even duplicates have one fixed order.
    """
    if article.published is not None:
        start = article.published.interval()[0]
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        delta = start - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        when = f"0{micros:020d}"
    else:
        when = "1"
    return _SEP.join((when, article.id, f"{source_seq:012d}", f"{item_seq:012d}"))


def _problem_key(source_seq: int, item_seq: int) -> str:
    """Problems sort after every article, in input order."""
    return _SEP.join(("2", f"{source_seq:012d}", f"{item_seq:012d}"))


def _numbered_sources(
    inputs: Iterable[str | Path], settings: Settings
) -> tuple[list[tuple[int, Source]], list[IngestProblem]]:
    """The sources to read, numbered in input order, and the inputs that are problems already."""
    sources: list[tuple[int, Source]] = []
    problems: list[IngestProblem] = []
    for seq, item in enumerate(iter_sources(inputs, settings)):
        if isinstance(item, IngestProblem):
            problems.append(item)
        else:
            sources.append((seq, item))
    return sources, problems


def _read_keyed(source_seq: int, source: Source, settings: Settings) -> Iterator[tuple[str, Article | IngestProblem]]:
    """Every article and problem of one source, each with its sort key."""
    for item_seq, item in enumerate(read_source(source, settings)):
        if isinstance(item, IngestProblem):
            yield _problem_key(source_seq, item_seq), item
        else:
            yield order_key(item, source_seq, item_seq), item


def _worth_analysing(article: Article, settings: Settings) -> bool:
    """The writer refuses too-short texts whatever their analysis: don't spend the encoder on them."""
    return len(article.text) >= settings.min_text_chars


def _analyse_some(
    items: list[Any], wanted: Callable[[Any], bool], analyse: Callable[[list[Article]], list[Article]]
) -> list[Any]:
    """``items`` with the ``wanted`` ones replaced by their analysis, in place and in order."""
    positions = [number for number, item in enumerate(items) if wanted(item)]
    if positions:
        done = analyse([items[number] for number in positions])
        for number, article in zip(positions, done, strict=True):  # stages return the batch they were given
            items[number] = article
    return items


def _check_worker_encoder(tracker: Tracker) -> str:
    """Ray workers rebuild the encoder from ``settings.encoder``: it must be the tracker's encoder."""
    worker_name = make_encoder(tracker.settings.encoder).name
    if worker_name != tracker.encoder.name:
        raise ValueError(
            f"Ray workers build the encoder from settings.encoder={tracker.settings.encoder!r} "
            f"({worker_name!r}), but this tracker encodes with {tracker.encoder.name!r}; "
            f"set settings.encoder to the tracker's encoder or backfill without Ray"
        )
    return worker_name


def backfill(
    tracker: Tracker,
    inputs: Iterable[str | Path],
    *,
    use_ray: bool = False,
    ray_address: str | None = None,
    ray_workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read, order by publication time, analyse, then link and store an archive; same result in both modes.

    Without Ray everything runs in this process: the raw articles are held for the
    sort, then go through :meth:`~babelwire.Tracker.add` one ``ingest_batch_size``
    batch at a time, which analyses only new originals (not duplicates, too-short
    texts or syndicated copies).

    With ``use_ray=True`` (implied by ``ray_address``) reading, language ID,
    sentence splitting and embedding run as Ray Data stages: the encoder and
    language identifier are rebuilt on each actor from ``tracker.settings`` (a
    tracker whose encoder is not ``make_encoder(settings.encoder)`` is refused with
    a ``ValueError``); analysis stages added with ``register_stage`` must be
    registered when ``babelwire`` is imported on the workers. ``ray_address=None``
    joins a running local Ray or starts one (``ray.init()``); a Ray this call
    started is shut down at the end, one the caller started is left running.
    ``ray_workers`` caps the analysis actors (default: the cluster's CPUs). File
    inputs must be readable by the workers at the same paths.

    ``progress`` is called with the number of articles the writer took after each
    of its batches. Unreadable inputs are problems in the report, as with ``ingest``.
    """
    if ray_address is not None:
        use_ray = True
    if use_ray:
        return _backfill_ray(tracker, inputs, ray_address, ray_workers, progress)
    return _backfill_local(tracker, inputs, progress)


# --- one process ------------------------------------------------------------------------------------


def _backfill_local(
    tracker: Tracker, inputs: Iterable[str | Path], progress: ProgressCallback | None
) -> IngestReport:
    settings = tracker.settings
    sources, problems = _numbered_sources(inputs, settings)
    keyed: list[tuple[str, Article]] = []
    read_problems: list[tuple[str, IngestProblem]] = []
    for source_seq, source in sources:
        for key, item in _read_keyed(source_seq, source, settings):
            if isinstance(item, IngestProblem):
                read_problems.append((key, item))
            else:
                keyed.append((key, item))
    keyed.sort(key=lambda pair: pair[0])
    # Reversed, so that popping from the end walks publication order and the articles
    # (with their vectors) the writer has stored are freed as it goes.
    pending = [article for _, article in reversed(keyed)]
    del keyed

    def in_order() -> Iterator[Article]:
        while pending:
            yield pending.pop()

    # the writer's own path: duplicates, too-short texts and syndicated copies are never analysed
    report = tracker.add(in_order(), progress, watch=False)  # an archive raises no watch-list alerts
    report.problems[:0] = problems + [problem for _, problem in sorted(read_problems, key=lambda p: p[0])]
    return report


# --- Ray ----------------------------------------------------------------------------------------------


def _read_row(row: dict[str, Any], settings: Settings) -> list[dict[str, Any]]:
    """Ray ``flat_map``: one source in, its articles and problems out as (order key, pickled item) rows."""
    source = pickle.loads(row["source"])
    return [
        {"order": key, "payload": pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)}
        for key, item in _read_keyed(int(row["seq"]), source, settings)
    ]


class _Analyser:
    """Ray ``map_batches`` actor: the tracker's analysis stages, built once per actor from the settings."""

    def __init__(self, settings: Settings, encoder_name: str):
        encoder = make_encoder(settings.encoder)
        if encoder.name != encoder_name:  # e.g. a different model file on this node
            raise ValueError(f"this Ray worker builds the encoder {encoder.name!r}, not {encoder_name!r}")
        components = Components(settings, encoder, make_language_identifier(settings))
        self.settings = settings
        self.stages: list[Stage] = build_stages(settings.stages, components)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        items = [pickle.loads(payload) for payload in batch["payload"]]
        items = _analyse_some(
            items, lambda item: isinstance(item, Article) and _worth_analysing(item, self.settings),
            lambda articles: run_stages(self.stages, articles),
        )
        payloads = np.empty(len(items), dtype=object)  # object array: numpy would truncate bytes to one width
        payloads[:] = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items]
        return {"order": batch["order"], "payload": payloads}


def _pipeline(sources: list[tuple[int, Source]], settings: Settings, encoder_name: str, workers: int) -> Dataset:
    """Read (one task per source) → sort by order key → analyse on an actor pool of ``workers``."""
    import ray
    from ray.data import ActorPoolStrategy

    rows = [{"seq": seq, "source": pickle.dumps(source)} for seq, source in sources]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    dataset = dataset.flat_map(_read_row, fn_kwargs={"settings": settings})
    # The sort is a barrier anyway (no row leaves before every source is read), so materialising
    # it costs no overlap; it also frees the CPUs for the actor pool, which would otherwise hold
    # every CPU while the read tasks wait for one (a deadlock with a pool as big as the cluster).
    dataset = dataset.sort("order").materialize()
    return dataset.map_batches(
        _Analyser,
        fn_constructor_kwargs={"settings": settings, "encoder_name": encoder_name},
        batch_size=settings.embed_batch_size,  # small tasks balance the actors; the writer batches on its own
        batch_format="numpy",
        # starts all the actors, but runs once one is up: no hang when the cluster has fewer free CPUs
        compute=ActorPoolStrategy(min_size=1, max_size=workers, initial_size=workers),
    )


def _backfill_ray(
    tracker: Tracker,
    inputs: Iterable[str | Path],
    ray_address: str | None,
    ray_workers: int | None,
    progress: ProgressCallback | None,
) -> IngestReport:
    encoder_name = _check_worker_encoder(tracker)  # before starting anything
    settings = tracker.settings
    sources, problems = _numbered_sources(inputs, settings)  # URLs are fetched here, in the driver
    if not sources:
        report = IngestReport()
        report.problems.extend(problems)
        return report

    import ray
    from ray.data import DataContext

    started = not ray.is_initialized()
    if started:
        ray.init(address=ray_address)
    context = DataContext.get_current()
    preserved = context.execution_options.preserve_order
    context.execution_options.preserve_order = True  # the writer must see the sorted order
    try:
        workers = ray_workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        dataset = _pipeline(sources, settings, encoder_name, workers)
        read_problems: list[IngestProblem] = []

        def analysed() -> Iterator[Article]:
            for row in dataset.iter_rows():
                item = pickle.loads(row["payload"])
                if isinstance(item, IngestProblem):  # problems sort last, in input order
                    read_problems.append(item)
                else:
                    yield item

        report = tracker.add(analysed(), progress, analysed=True, watch=False)
    finally:
        context.execution_options.preserve_order = preserved
        if started:
            ray.shutdown()
    report.problems[:0] = problems + read_problems
    return report
