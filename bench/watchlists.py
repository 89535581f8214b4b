"""Watch-lists: what evaluating them adds to an ingest batch, and the floor of their query condition.

*cost* (default): a store of synthetic articles (``--size``, default 5,000 in 1,000 stories, 8 languages,
60 outlets; the model-free hashing encoder) takes 20 more batches of 32 articles, first without any
watch-list, then with 50 (15 entity, 10 query, 10 source, 10 language and source, 5 entity and language;
every trigger on). Reported: the seconds per batch of ``Tracker.add`` and, with the lists, of their evaluation
alone (the hook after each batch), and the alerts raised.

*query floor* (``--query-floor``): the demo corpus ingested with e5 (minutes); for each floor, a query list
of each of ``bench/search_floor.py``'s 15 queries about a demo event and 10 about nothing in it is matched
against every story (a story matches when one of its articles scores the floor): the right stories found,
other stories matched, and unrelated queries that matched any story. Run from the repo root::

    .venv/bin/python bench/watchlists.py [--size 5000] [--query-floor] [--json]
"""

from __future__ import annotations

import itertools
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

import babelwire.watchlists as watchlists
from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate
from common import REPO, emit, format_table, log, machine, make_parser

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pl", "sv")
SETTINGS = Settings(encoder="hashing", language_identifier="py3langid", read_at_ingest=False)
BATCHES, BATCH_SIZE, LISTS = 20, 32, 50


def synthetic(rng: random.Random, story: int, number: int, moment: datetime) -> Article:
    """An article of a synthetic story: its story's code words, person and made-up vocabulary (the hashing
    encoder links by shared character n-grams: the words of one story must not look like every other's)."""
    vocabulary = random.Random(story)
    own = ["".join(vocabulary.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(vocabulary.randint(5, 9)))
           for _ in range(40)]
    words = [rng.choice(own) for _ in range(40)]
    language = LANGUAGES[(story + number) % len(LANGUAGES)]
    article = Article(
        title=f"Story{story:05d} Keyword{story:05d} report {number}",
        text=f"Person{story % 700:03d} Surname{story % 700:03d} said. Code{story:05d} Place{story:05d}. "
             + " ".join(words),
        source=f"Outlet {rng.randrange(60)}", id=f"s{story}-{number}", origin="bench",
        published=PublishedDate((moment - timedelta(days=1)).date().isoformat(), DateSource.CALLER, True),
    )
    article.language, article.language_confidence, article.ingested_at = language, 1.0, moment
    return article


def make_lists(tracker: Tracker, rng: random.Random, stories: int) -> None:
    picks = [rng.randrange(stories) for _ in range(LISTS)]
    made = []
    for i, story in enumerate(picks):
        name = f"list{i:02d}"
        if i < 15:
            made.append(watchlists.make_watchlist(name, entity=f"Person{story % 700:03d} Surname{story % 700:03d}"))
        elif i < 25:
            made.append(watchlists.make_watchlist(name, query=f"Story{story:05d} Keyword{story:05d} Code{story:05d}"))
        elif i < 35:
            made.append(watchlists.make_watchlist(name, language=LANGUAGES[i % len(LANGUAGES)],
                                                  source=f"Outlet {story % 60}"))
        elif i < 45:
            made.append(watchlists.make_watchlist(name, source=f"Outlet {story % 60}"))
        else:
            made.append(watchlists.make_watchlist(name, entity=f"Person{story % 700:03d} Surname{story % 700:03d}",
                                                  language=LANGUAGES[i % len(LANGUAGES)]))
    for watchlist in made:
        watchlists.add_watchlist(tracker.store, watchlist)


def cost(size: int) -> tuple[dict[str, Any], str]:
    rng = random.Random(7)
    stories = max(size // 5, 1)
    now = datetime.now(UTC)
    timings: dict[str, list[float]] = {"add without lists": [], "add with 50 lists": [], "evaluation alone": []}
    original = watchlists.after_batch
    numbers = itertools.count(1000)  # the background's articles are numbered 0-4 in their story

    def timed_hook(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings["evaluation alone"].append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as folder, \
            Tracker(Path(folder) / "bench.db", SETTINGS, encoder=HashingEncoder()) as tracker:
        log(f"building a store of {size} articles …")
        background = [synthetic(rng, i % stories, i // stories, now - timedelta(hours=rng.uniform(7, 96)))
                      for i in range(size)]
        tracker.add(background)
        for phase in ("add without lists", "add with 50 lists"):
            if phase == "add with 50 lists":
                make_lists(tracker, rng, stories)
                watchlists.after_batch = timed_hook
            for _ in range(BATCHES):
                batch = [synthetic(rng, rng.randrange(stories), next(numbers), now) for _ in range(BATCH_SIZE)]
                started = time.perf_counter()
                tracker.add(batch)
                timings[phase].append(time.perf_counter() - started)
        watchlists.after_batch = original
        alerts = len(tracker.store.alert_rows())
    rows = [[phase, len(values), statistics.median(values), max(values)] for phase, values in timings.items()]
    table = format_table(["per batch of 32", "batches", "median s", "max s"], rows,
                         title=f"watch-list evaluation: a store of {size:,} articles, {LISTS} lists, "
                               f"{alerts} alerts raised")
    return {"size": size, "alerts": alerts, "seconds": timings}, table


def query_floor() -> tuple[dict[str, Any], str]:
    from search_floor import GENUINE, UNRELATED

    floors = (0.30, 0.32, 0.34, 0.36, 0.38, 0.40)
    with tempfile.TemporaryDirectory() as folder, Tracker(Path(folder) / "demo.db", Settings()) as tracker:
        log("ingesting the demo corpus with e5 …")
        tracker.ingest([REPO / "demo" / "corpus"])
        titles = {story.id: story.title for story in tracker.stories()}
        vectors = tracker.store.story_vectors(list(titles))
        best = {}
        for query in [*GENUINE, *UNRELATED]:
            vector = tracker.encoder.encode([query], "query")[0]
            best[query] = {story: float(np.max(matrix @ vector)) for story, matrix in vectors.items()}
    right_story = {query: next(s for s, title in titles.items() if word in title) for query, word in GENUINE.items()}
    rows = []
    for floor in floors:
        right = sum(best[query][story] >= floor for query, story in right_story.items())
        others = sum(score >= floor for query, story in right_story.items()
                     for found, score in best[query].items() if found != story)
        unrelated = sum(any(score >= floor for score in best[query].values()) for query in UNRELATED)
        rows.append([floor, f"{right}/{len(GENUINE)}", others, f"{unrelated}/{len(UNRELATED)}"])
    table = format_table(["watch_query_min_score", "right story matched", "other stories matched",
                          "unrelated queries matching"], rows,
                         title=f"query lists on the demo corpus ({len(titles)} stories)")
    return {"rows": rows}, table


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--query-floor", action="store_true")
    args = parser.parse_args()
    result, table = query_floor() if args.query_floor else cost(args.size)
    emit({"machine": machine(), **result}, [table], args.json)


if __name__ == "__main__":
    main()
