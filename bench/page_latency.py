"""Story-page latency: p50/p99 of ``GET /stories/{id}`` on a cold and on a warm ``babelwire serve``.

The stories' readings are stored first (``Tracker.read_stories``, timed and reported: the one-time cost
that ``read_at_ingest`` or the background reader pays). Then a fresh server process starts
(``babelwire serve``, background reader off, so nothing else runs) and each story page is requested
once: the *cold* latencies, the first request of each page in a new process (the very first one also
pays the app's lazy imports). Then every page is requested ``--requests`` more times: the *warm*
latencies. The river (``/``) is timed the same way. Requests are sequential, over HTTP on loopback.

Two stores::

    .venv/bin/python bench/page_latency.py --db demo.db            # the demo (make demo builds it)
    .venv/bin/python bench/page_latency.py --generate 10000        # a generated store of 10k articles

``--generate N`` builds a store of N synthetic articles (hashing encoder, six languages, story sizes
geometric, a year of dates) in a temporary folder and measures the newest of its stories of 2 to 40 articles
(``--limit``, default 30: reading every story of 10k articles takes hours on two cores).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate
from common import format_table, log, machine, machine_line, make_parser, timed

#: languages of the generated articles, and a few function words each so the language reads as such
WORDS = {
    "en": "the of and to in said that for on with was",
    "de": "der die und in den von zu das mit sich des",
    "fr": "le de la et les des en un du une que est",
    "es": "el la de que y en los se del las un por",
    "it": "il di che la e in un per del della è non",
    "nl": "de het een van en in is dat op te zijn met",
}
SERVER_START_TIMEOUT_S = 120
LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: generated stories larger than this are not measured (their reading alone would take many minutes)
MAX_MEASURED_SIZE = 40


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0–100) of the values, in milliseconds as given."""
    return float(np.percentile(np.asarray(values), share)) if values else float("nan")


def generated_articles(count: int, seed: int = 13) -> list[Article]:
    """``count`` synthetic articles: stories of geometric size whose articles share a vocabulary of their own."""
    rng = random.Random(seed)
    articles: list[Article] = []
    story = 0
    while len(articles) < count:
        size = min(count - len(articles), 1 + int(rng.expovariate(1 / 3)))
        # random words of its own: with shared words the hashing encoder would chain stories into giant ones
        vocabulary = ["".join(rng.choice(LETTERS) for _ in range(8)) for _ in range(12)]
        day = rng.randrange(365)
        for member in range(size):
            language = rng.choice(list(WORDS))
            common = WORDS[language].split()
            words = [rng.choice(vocabulary if rng.random() < 0.85 else common) for _ in range(120)]
            text = " ".join(words).capitalize() + "."
            found = Article(
                title=f"Story {story} report {member} " + " ".join(vocabulary[:3]), text=text, origin="bench",
                source=f"outlet{rng.randrange(40)}", id=f"bench-{story}-{member}",
                published=PublishedDate(f"2024-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}", DateSource.CALLER, True),
            )
            found.language, found.language_confidence = language, 1.0
            articles.append(found)
        story += 1
    return articles


def build_generated_store(path: Path, count: int) -> Settings:
    """A store of ``count`` generated articles at ``path``; the settings that open it."""
    settings = Settings(encoder="hashing", language_identifier="py3langid")
    with Tracker(path, settings, encoder=HashingEncoder()) as tracker, timed() as watch:
        report = tracker.add(generated_articles(count), read=False)
    log(f"generated {report.added} articles in {report.new_stories} stories in {watch.seconds:.0f} s")
    return settings


def chosen_stories(tracker: Tracker, limit: int | None) -> list[int]:
    """The stories to measure: all of them, or the ``limit`` newest with 2 to :data:`MAX_MEASURED_SIZE` articles."""
    stories = tracker.stories()
    if limit is None:
        return [story.id for story in stories]
    return [story.id for story in stories if 1 < len(story.article_ids) <= MAX_MEASURED_SIZE][:limit]


def store_readings(tracker: Tracker, story_ids: list[int]) -> tuple[int, float]:
    """Read and store the stories whose reading is not stored; how many were read, in how many seconds."""
    with timed() as watch:
        computed = tracker.read_stories(story_ids)
    return computed, watch.seconds


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def start_server(db: Path, settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """``babelwire serve`` in a new process; returns once it accepts connections (no request is sent)."""
    env = {**os.environ, "BABELWIRE_READ_IN_BACKGROUND": "0", "BABELWIRE_ENCODER": settings.encoder,
           "BABELWIRE_LANGUAGE_IDENTIFIER": settings.language_identifier}
    command = [sys.executable, "-c", "from babelwire.cli import main; main()", "serve", "--db", str(db),
               "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with status {server.returncode}") from None
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start within {SERVER_START_TIMEOUT_S} s")


def get_ms(url: str) -> float:
    """Milliseconds to fetch ``url`` completely (a non-200 answer is an error)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def measure(db: Path, settings: Settings, story_ids: list[int], requests: int) -> dict[str, dict[str, list[float]]]:
    """Cold and warm latencies (ms) of the story pages and of the river on a fresh server."""
    port = free_port()
    server = start_server(db, settings, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cold_stories = [get_ms(f"{base}/stories/{story_id}") for story_id in story_ids]
        cold_river = [get_ms(f"{base}/")]
        warm_stories = [get_ms(f"{base}/stories/{story_id}") for _ in range(requests) for story_id in story_ids]
        warm_river = [get_ms(f"{base}/") for _ in range(requests)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"story page": {"cold": cold_stories, "warm": warm_stories},
            "river": {"cold": cold_river, "warm": warm_river}}


def main() -> None:
    parser = make_parser(__doc__, "measure at most N stories (default: all of --db, 30 of --generate)")
    parser.add_argument("--db", type=Path, help="an existing store (e.g. demo.db)")
    parser.add_argument("--generate", type=int, metavar="N", help="build and measure a store of N generated articles")
    parser.add_argument("--requests", type=int, default=10, help="warm requests per page (default 10)")
    args = parser.parse_args()
    if (args.db is None) == (args.generate is None):
        parser.error("give --db PATH or --generate N")
    info = machine()
    with tempfile.TemporaryDirectory(prefix="babelwire-latency-") as folder:
        if args.generate:
            db, limit = Path(folder) / "generated.db", args.limit or 30
            settings = build_generated_store(db, args.generate)
        else:
            if not args.db.is_file():
                parser.error(f"--db {args.db}: no such store")
            db, settings, limit = args.db, Settings.from_env(), args.limit
        encoder = HashingEncoder() if settings.encoder == "hashing" else None
        with Tracker(db, settings, encoder=encoder) as tracker:
            story_ids = chosen_stories(tracker, limit)
            read, seconds = store_readings(tracker, story_ids)
        log(f"{len(story_ids)} stories; {read} read and stored first in {seconds:.1f} s")
        latencies = measure(db, settings, story_ids, args.requests)
    rows = [[page, kind, len(values), round(percentile(values, 50), 1), round(percentile(values, 99), 1),
             round(max(values), 1)]
            for page, kinds in latencies.items() for kind, values in kinds.items()]
    store = f"{args.generate} generated articles" if args.generate else str(args.db)
    if args.json:
        import json

        print(json.dumps({"machine": info, "store": store, "stories": len(story_ids),
                          "read_first": read, "read_seconds": round(seconds, 1),
                          "latency_ms": latencies}, indent=2))
        return
    print(machine_line(info))
    print(f"store: {store}; {len(story_ids)} story pages; {read} readings computed and stored first "
          f"in {seconds:.1f} s")
    print(format_table(["page", "server", "requests", "p50 ms", "p99 ms", "max ms"], rows,
                       title="Story-page latency (sequential requests over loopback)"))


if __name__ == "__main__":
    main()
