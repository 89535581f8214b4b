"""Entity-page latency (p50/p99, cold and warm server) on the demo store and on a store of 10k articles.

Each store is served by ``babelwire serve`` in a process of its own, and pages are fetched over HTTP
one at a time (no concurrency). *cold*: the first request for each page after the server started (its
first request of all is reported on its own: templates compiled, the first connection opened, name
tables loaded); *warm*: the same pages fetched again, three rounds. Measured per store: the entity page
(``/entities/{name}``, looked up by a spelling), the same entity through ``GET /api/entities/{name}``,
a search of the index (``GET /api/entities?q=``) and the outlet page (``/outlets/{name}``).

- **demo**: the demo corpus (58 articles, 11 stories) ingested with e5 and its entity index built by
  reading every story (``Tracker.index_entities``; the reading's cost is reported, not part of the pages).
  Entity pages are asked by a spelling other than the entry's name where there is one (``Deutschland``).
- **10k**: 10,000 synthetic articles in 2,000 stories over a year, 8 languages, 150 outlets, and a
  synthetic reading per story (about 15 entities drawn from 5,000 by a Zipf law, each with a spelling per
  language, mentioned in 1–5 articles; 5 quotes), indexed with ``babelwire.entity_index.index_story``:
  the index has the size and skew of a real one, without spending hours reading. The pages asked are the
  20 entries in the most stories (the heaviest pages) and 100 drawn at random.

Run from the repo root (building the demo store and reading its stories takes minutes)::

    .venv/bin/python bench/entity_latency.py [--demo-db PATH] [--size 10000] [--limit N] [--json]

``--demo-db`` reuses (and indexes, incrementally) an existing demo store; ``--limit`` caps the pages per kind.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from babelwire.encoders import HashingEncoder
from babelwire.entity_index import index_story
from babelwire.store import open_store
from babelwire.types import Article, DateSource, PublishedDate
from common import REPO, emit, format_table, log, machine, make_parser, timed

LANGUAGES = ("en", "de", "fr", "es", "ru", "nl", "sv", "pl")
WARM_ROUNDS = 3


# --- the stores --------------------------------------------------------------------------------------------


def demo_store(path: Path) -> dict[str, Any]:
    """The demo corpus ingested with e5 (unless ``path`` exists), its entity index brought up to date."""
    from babelwire.tracker import Tracker

    with Tracker(path) as tracker:
        if not tracker.stories():
            log(f"ingesting demo/corpus into {path}")
            tracker.ingest([REPO / "demo" / "corpus"])
        log("reading the demo stories for the entity index")
        with timed() as watch:
            indexed = tracker.index_entities()
        return {"stories": len(tracker.stories()), "articles": tracker.store.count_articles(),
                "entities": tracker.store.count_entities(), "stories_read_now": indexed,
                "index_seconds": round(watch.seconds, 1)}


def _spellings(name: str) -> dict[str, str]:
    """A made-up name as each language writes it (different letters, so that spellings matter)."""
    endings = {"de": "ow", "pl": "ów", "sv": "ov", "nl": "ov", "ru": "ов"}
    return {language: name[:-2] + endings[language] if name.endswith("ov") and language in endings else name
            for language in LANGUAGES}


def synthetic_store(path: Path, size: int, seed: int = 7) -> dict[str, Any]:
    """``size`` articles in ``size // 5`` stories with synthetic readings indexed (see the module's doc)."""
    rng = random.Random(seed)
    pool = []
    for number in range(5000):
        kind = ("person", "place", "organisation")[number % 3]
        name = f"Name{number:04d} Surnamov" if kind == "person" else f"Place{number:04d}"
        anchor = f"city:{number}" if kind == "place" else None
        pool.append((kind, name if kind != "organisation" else f"Org{number:04d} Council", anchor))
    weights = [1 / (rank + 1) for rank in range(len(pool))]  # Zipf: a few entities in many stories
    outlets = [f"Outlet {number:03d}" for number in range(150)]
    with open_store(path) as store:
        store.set_meta("encoder", HashingEncoder().name)  # what `serve` with BABELWIRE_ENCODER=hashing checks
        stories = size // 5
        log(f"writing {size} articles in {stories} stories to {path}")
        with timed() as watch:
            readings: dict[int, dict[str, Any]] = {}
            with store.transaction():
                for story_id in range(1, stories + 1):
                    store.create_story(story_id, f"Story {story_id}")
                    day = rng.randrange(365)
                    ids = []
                    for number in range(5):
                        language = LANGUAGES[(story_id + number) % len(LANGUAGES)]
                        article = Article(
                            title=f"Story {story_id} article {number}", text=f"Text {story_id}.{number} " * 30,
                            source=rng.choice(outlets), origin="bench", language=language, language_confidence=0.9,
                            published=PublishedDate(f"2025-{1 + day // 31:02d}-{1 + day % 28:02d}", DateSource.HEADER,
                                                    True), id=f"s{story_id}a{number}")
                        article.embedding = np.zeros(8, np.float32)
                        store.assign(store.insert_article(article), story_id, None)
                        ids.append((article.id, language))
                    readings[story_id] = _reading(rng, pool, weights, ids)
        write_seconds = watch.seconds
        log("indexing the synthetic readings")
        with timed() as watch:
            for story_id, reading in readings.items():
                index_story(store, story_id, reading, f"synthetic-{story_id}")
        return {"stories": stories, "articles": store.count_articles(), "entities": store.count_entities(),
                "write_seconds": round(write_seconds, 1), "index_seconds": round(watch.seconds, 1),
                "index_ms_per_story": round(1000 * watch.seconds / stories, 2)}


def _reading(rng: random.Random, pool: Sequence[tuple[str, str, str | None]], weights: Sequence[float],
             articles: Sequence[tuple[str, str]]) -> dict[str, Any]:
    chosen = {index: pool[index] for index in rng.choices(range(len(pool)), weights, k=15)}
    entities, quotes = [], []
    for index, (kind, name, anchor) in chosen.items():
        entity_id = anchor or f"{kind}:{name.lower().replace(' ', '-')}"
        mentions: dict[str, list[dict[str, Any]]] = {}
        for article_id, language in rng.sample(list(articles), rng.randint(1, len(articles))):
            mentions.setdefault(language, []).append(
                {"article_id": article_id, "text": _spellings(name)[language], "start": 10, "end": 30, "sentence": 0})
        aliases = {language: [_spellings(name)[language]] for language in mentions}
        entities.append({"id": entity_id, "name": name, "type": kind, "aliases": aliases, "mentions": mentions,
                         "pinned": False})
        if kind == "person" and len(quotes) < 5:
            article_id, language = rng.choice(list(articles))
            quotes.append({"id": f"{article_id}:q{index}", "text": f"Words of {name}.", "speaker": name,
                           "speaker_id": entity_id, "language": language, "article_id": article_id,
                           "start": 100, "end": 140})
    return {"entities": entities, "quotes": quotes}


# --- the server --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``babelwire serve`` on a store, in a process of its own."""

    def __init__(self, db: Path, encoder: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BABELWIRE_ENCODER": encoder}
        command = [sys.executable, "-c", "from babelwire.cli import main; main()", "serve", "--db", str(db),
                   "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError as exc:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    stderr = self.process.stderr.read().decode()[-2000:] if self.process.stderr else ""
                    raise RuntimeError(f"the server did not start: {stderr}") from exc
                time.sleep(0.2)

    def fetch_ms(self, path: str) -> float:
        """Milliseconds to fetch one page (its whole body); a page that is not 200 is an error."""
        started = time.perf_counter()
        with urllib.request.urlopen(self.base + path, timeout=120) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        return 1000 * (time.perf_counter() - started)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    values = np.asarray(samples)
    return float(np.percentile(values, 50)), float(np.percentile(values, 99)), float(values.max())


def measure(db: Path, encoder: str, pages: dict[str, list[str]]) -> tuple[float, list[list[Any]]]:
    """The first request's ms, and per kind of page: cold and warm p50/p99/max (see the module's doc)."""
    server = Server(db, encoder)
    try:
        first = server.fetch_ms(next(iter(pages.values()))[0])
        rows = []
        for kind, paths in pages.items():
            cold = [server.fetch_ms(path) for path in paths]
            warm = [server.fetch_ms(path) for _ in range(WARM_ROUNDS) for path in paths]
            rows.append([kind, len(paths), *(round(v, 1) for v in _percentiles(cold)),
                         *(round(v, 1) for v in _percentiles(warm))])
        return first, rows
    finally:
        server.close()


def _page_paths(db: Path, limit: int | None, rng: random.Random, *, spelled: bool) -> dict[str, list[str]]:
    """The pages to fetch: entity pages by a spelling (or name), the API, searches and outlet pages."""
    with open_store(db) as store:
        entries = store.entity_summaries()
        top, others = entries[:20], entries[20:]
        chosen = top + rng.sample(others, min(100, len(others)))
        names = []
        for entry in chosen[:limit]:
            spellings = [s for found in store.entity_spellings(entry["id"]).values() for s in found
                         if s != entry["name"]]
            names.append(spellings[0] if spelled and spellings else entry["name"])
        outlets = [row["name"] for row in store.outlet_counts()][: limit or 50]
    return {
        "entity page": [f"/entities/{quote(name, safe='')}" for name in names],
        "GET /api/entities/{name}": [f"/api/entities/{quote(name, safe='')}" for name in names],
        "GET /api/entities?q=": [f"/api/entities?q={quote(name.split()[0][:5])}" for name in names],
        "outlet page": [f"/outlets/{quote(name, safe='')}" for name in outlets],
    }


def main() -> None:
    parser = make_parser(__doc__, "at most N pages of each kind")
    parser.add_argument("--demo-db", type=Path, default=None, help="an existing demo store to reuse")
    parser.add_argument("--size", type=int, default=10000, help="articles in the synthetic store")
    args = parser.parse_args()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="babelwire-entity-bench-"))
    rng = random.Random(11)
    result: dict[str, Any] = {"machine": info, "stores": {}}
    tables = []
    headers = ["page", "n", "cold p50 ms", "cold p99 ms", "cold max ms", "warm p50 ms", "warm p99 ms",
               "warm max ms"]
    try:
        demo_db = args.demo_db or work / "demo.db"
        stores = [("demo", demo_db, "e5", demo_store(demo_db), True)]
        synthetic_db = work / "synthetic.db"
        stores.append((f"{args.size // 1000}k", synthetic_db, "hashing", synthetic_store(synthetic_db, args.size),
                       True))
        for label, db, encoder, built, spelled in stores:
            pages = _page_paths(db, args.limit, rng, spelled=spelled)
            log(f"{label}: serving {db} and fetching {sum(len(p) for p in pages.values())} pages")
            first, rows = measure(db, encoder, pages)
            result["stores"][label] = {**built, "first_request_ms": round(first, 1), "pages": rows}
            facts = ", ".join(f"{key} {value}" for key, value in built.items())
            tables.append(format_table(headers, rows, f"{label} store ({facts}); first request after start "
                                                      f"{first:.0f} ms"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    emit(result, tables, args.json)


if __name__ == "__main__":
    main()
