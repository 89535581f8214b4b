"""Load on ``babelwire serve``: many clients reading story pages, searching and paging the river while
articles are ingested, with the server's errors, timeouts, latencies and peak memory.

A store is first filled with ``--preload`` real articles (``babelwire ingest`` of the SemEval-2022 dev
texts, read from ../shared/data and never copied into the repository; readings are not stored, so every
story starts unread). Then a ``babelwire serve`` process with an admin token (its background reader on,
as by default) answers ``--clients`` concurrent clients (asyncio + httpx2), each sending one request
after another, until a feeder has posted ``--ingest`` more articles to ``POST /api/articles`` in
batches of ``--batch``. Each client picks, at random by ``--mix``:

* ``story``: ``GET /stories/{id}`` of a story stored at start (unread: the first request of each waits
  for its reading, which the background reader may be computing already);
* ``search``: ``GET /api/search?q=`` two words of a stored title;
* ``river``: ``GET /`` (the newest stories).

A request not answered within ``--timeout`` seconds (120) is a timeout; an answer other than 2xx, or a
failed connection, is an error. The server's peak RSS is its ``VmHWM`` (``/proc/PID/status``).

    .venv/bin/python bench/load.py                                  # 200 clients, 200 + 600 articles
    .venv/bin/python bench/load.py --clients 50 --preload 100 --ingest 200 --encoder hashing
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from common import SEMEVAL_PAIRS, emit, format_table, log, machine, make_parser

TOKEN = "load-bench-token"
KINDS = ("story", "search", "river")
#: texts shorter than this are scrape junk (the data README warns of empty sides)
MIN_TEXT_CHARS = 300


@dataclass
class Outcomes:
    """What the clients saw, per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {})
    errors: dict[str, int] = field(default_factory=dict)
    timeouts: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, seconds: float, problem: str | None = None, timeout: bool = False) -> None:
        if timeout:
            self.timeouts[kind] = self.timeouts.get(kind, 0) + 1
        elif problem is not None:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {problem}")
        else:
            self.latencies.setdefault(kind, []).append(seconds)


def semeval_articles(limit: int) -> list[dict[str, str]]:
    """Up to ``limit`` distinct full-text articles (with titles) of the SemEval dev pairs, in file order."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    with open(SEMEVAL_PAIRS, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["source"] != "blresearch" or row["machine_translated"] == "1":
                continue
            first, second = row["pair_id"].split("_", 1)
            for side, article_id in (("1", first), ("2", second)):
                title, text = row[f"title{side}"].strip(), row[f"text{side}"].strip()
                if article_id in seen or not title or len(text) < MIN_TEXT_CHARS:
                    continue
                seen.add(article_id)
                found.append({"id": f"semeval-{article_id}", "title": title, "text": text,
                              "language": row[f"lang{side}"], "url": f"https://semeval.example/{article_id}"})
                if len(found) == limit:
                    return found
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def babelwire(*arguments: str) -> list[str]:
    return [sys.executable, "-c", "from babelwire.cli import main; main()", *arguments]


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, round(share * (len(ranked) - 1)))]


async def client(http: httpx2.AsyncClient, rng: random.Random, story_ids: list[int], words: list[list[str]],
                 weights: list[float], outcomes: Outcomes, done: asyncio.Event, timeout: float) -> None:
    """One client: a request after another until the ingest is done."""
    while not done.is_set():
        kind = rng.choices(KINDS, weights)[0]
        if kind == "story":
            path, params = f"/stories/{rng.choice(story_ids)}", None
        elif kind == "search":
            title = rng.choice(words)
            start = rng.randrange(max(1, len(title) - 1))
            path, params = "/api/search", {"q": " ".join(title[start:start + 2])}
        else:
            path, params = "/", None
        started = time.perf_counter()
        try:
            response = await asyncio.wait_for(http.get(path, params=params), timeout)
        except TimeoutError:
            outcomes.note(kind, time.perf_counter() - started, timeout=True)
            continue
        except httpx2.HTTPError as exc:
            outcomes.note(kind, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - started
        if response.status_code >= 300:
            outcomes.note(kind, seconds, f"{response.status_code} {path} {response.text[:120]!r}")
        else:
            outcomes.note(kind, seconds)


async def feed(http: httpx2.AsyncClient, articles: list[dict[str, str]], batch: int, outcomes: Outcomes,
               done: asyncio.Event, timeout: float) -> dict[str, int]:
    """Post the articles in batches, one batch after another, as a poller would; then stop the clients."""
    totals = {"added": 0, "duplicates": 0, "copies": 0, "problems": 0}
    try:
        for start in range(0, len(articles), batch):
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(
                    http.post("/api/articles", json=articles[start:start + batch],
                              headers={"Authorization": f"Bearer {TOKEN}"}), timeout)
            except TimeoutError:
                outcomes.note("ingest", time.perf_counter() - started, timeout=True)
                continue
            except httpx2.HTTPError as exc:
                outcomes.note("ingest", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
                continue
            if response.status_code != 200:
                problem = f"{response.status_code} {response.text[:120]!r}"
                outcomes.note("ingest", time.perf_counter() - started, problem)
                continue
            outcomes.note("ingest", time.perf_counter() - started)
            summary = response.json()
            for key in ("added", "duplicates", "copies"):
                totals[key] += int(summary.get(key, 0))
            totals["problems"] += len(summary.get("problems", []))
    finally:
        done.set()
    return totals


async def run_load(url: str, args: Any, articles: list[dict[str, str]], story_ids: list[int],
                   words: list[list[str]], outcomes: Outcomes) -> tuple[dict[str, int], float]:
    weights = [float(part.split("=")[1]) for part in args.mix.split(",")]
    done = asyncio.Event()
    limits = httpx2.Limits(max_connections=args.clients + 1, max_keepalive_connections=args.clients + 1)
    async with httpx2.AsyncClient(base_url=url, timeout=httpx2.Timeout(None), limits=limits) as http:
        started = time.perf_counter()
        clients = [asyncio.create_task(client(http, random.Random(number), story_ids, words, weights, outcomes,
                                              done, args.timeout)) for number in range(args.clients)]
        totals = await feed(http, articles, args.batch, outcomes, done, args.timeout)
        ingest_seconds = time.perf_counter() - started
        await asyncio.gather(*clients)
    return totals, ingest_seconds


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients")
    parser.add_argument("--preload", type=int, default=200, help="articles stored before the server starts")
    parser.add_argument("--ingest", type=int, default=600, help="articles posted while the clients run")
    parser.add_argument("--batch", type=int, default=20, help="articles per POST /api/articles")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a request may take")
    parser.add_argument("--mix", default="story=0.4,search=0.3,river=0.3", help="weights of the request kinds")
    parser.add_argument("--encoder", default="e5", help="the store's encoder (e5, or hashing for a quick run)")
    args = parser.parse_args()
    info = machine()
    articles = semeval_articles(args.preload + args.ingest)
    if len(articles) < args.preload + args.ingest:
        raise SystemExit(f"only {len(articles)} SemEval articles; ask for fewer")
    preload, posted = articles[:args.preload], articles[args.preload:]
    env = {**os.environ, "BABELWIRE_ENCODER": args.encoder, "BABELWIRE_READ_AT_INGEST": "0"}
    with tempfile.TemporaryDirectory(prefix="babelwire-load-") as folder:
        db = Path(folder) / "load.db"
        source = Path(folder) / "preload.jsonl"
        source.write_text("".join(json.dumps(article, ensure_ascii=False) + "\n" for article in preload))
        log(f"preloading {len(preload)} articles ({args.encoder})…")
        started = time.perf_counter()
        subprocess.run(babelwire("ingest", str(source), "--db", str(db), "--json"), env=env, check=True,
                       stdout=subprocess.DEVNULL)
        preload_seconds = time.perf_counter() - started
        port = free_port()
        server = subprocess.Popen(babelwire("serve", "--db", str(db), "--port", str(port), "--admin-token", TOKEN),
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stderr_lines: list[str] = []
        threading.Thread(target=lambda: stderr_lines.extend(server.stderr), daemon=True).start()
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 600
            while True:
                try:
                    stories = httpx2.get(f"{url}/api/stories", params={"limit": 500}, timeout=30).json()
                    break
                except httpx2.HTTPError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start:\n" + "".join(stderr_lines[-20:])) from None
                    time.sleep(0.5)
            startup = memory_kib(server.pid)
            story_ids = [story["id"] for story in stories]
            words = [story["title"].split() for story in stories if story["title"].split()]
            log(f"server up: {len(story_ids)} stories, RSS {startup['VmRSS'] / 1024:.0f} MiB; "
                f"{args.clients} clients while {len(posted)} articles are posted…")
            samples: list[int] = []
            stop_sampling = threading.Event()

            def sample() -> None:
                while not stop_sampling.wait(0.5):
                    try:
                        samples.append(memory_kib(server.pid)["VmRSS"])
                    except OSError:
                        return

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            outcomes = Outcomes()
            run_started = time.perf_counter()
            totals, ingest_seconds = asyncio.run(run_load(url, args, posted, story_ids, words, outcomes))
            run_seconds = time.perf_counter() - run_started
            stop_sampling.set()
            final = memory_kib(server.pid)
            unread = None
            try:  # how many of the stories stored at start still have no reading
                from babelwire.settings import Settings
                from babelwire.tracker import Tracker

                with Tracker(db, Settings(encoder=args.encoder, language_identifier="py3langid")) as tracker:
                    stored = tracker.store.articles_of_stories(story_ids)
                    unread = sum(1 for story_id in story_ids
                                 if tracker.stored_reading(stored.get(story_id, [])) is None)
            except Exception as exc:  # the count is a side note; never lose the measurements for it
                log(f"could not count unread stories: {exc}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    rows = []
    for kind in (*KINDS, "ingest"):
        latencies = outcomes.latencies.get(kind, [])
        rows.append([kind, len(latencies) + outcomes.errors.get(kind, 0) + outcomes.timeouts.get(kind, 0),
                     outcomes.errors.get(kind, 0), outcomes.timeouts.get(kind, 0),
                     None if not latencies else 1000 * percentile(latencies, 0.5),
                     None if not latencies else 1000 * percentile(latencies, 0.99),
                     None if not latencies else 1000 * max(latencies)])
    peak_mib = final["VmHWM"] / 1024
    result = {
        "machine": info, "clients": args.clients, "preload": len(preload), "posted": len(posted),
        "batch": args.batch, "encoder": args.encoder, "mix": args.mix, "timeout_s": args.timeout,
        "preload_s": round(preload_seconds, 1), "ingest_s": round(ingest_seconds, 1), "run_s": round(run_seconds, 1),
        "ingested": totals, "stories_at_start": len(story_ids), "unread_at_end": unread,
        "startup_rss_mib": round(startup["VmRSS"] / 1024, 1), "peak_rss_mib": round(peak_mib, 1),
        "errors": sum(outcomes.errors.values()), "timeouts": sum(outcomes.timeouts.values()),
        "error_examples": outcomes.examples,
        "by_kind": {row[0]: dict(zip(("requests", "errors", "timeouts", "p50_ms", "p99_ms", "max_ms"), row[1:],
                                     strict=True)) for row in rows},
    }
    summary = (
        f"{args.clients} clients (mix {args.mix}), timeout {args.timeout:g} s, encoder {args.encoder}\n"
        f"store: {len(preload)} SemEval articles preloaded in {preload_seconds:.1f} s, {len(story_ids)} stories "
        f"unread at start ({unread} still unread at the end)\n"
        f"ingest while loaded: {len(posted)} articles in batches of {args.batch}, {ingest_seconds:.1f} s "
        f"({totals['added']} added, {totals['copies']} copies, {totals['duplicates']} duplicates, "
        f"{totals['problems']} problems)\n"
        f"server RSS: {startup['VmRSS'] / 1024:.0f} MiB at start, peak {peak_mib:.0f} MiB "
        f"(max sampled {max(samples, default=0) / 1024:.0f} MiB)\n"
        f"errors {result['errors']}, timeouts {result['timeouts']}"
        + "".join(f"\n  {example}" for example in outcomes.examples)
    )
    table = format_table(["kind", "requests", "errors", "timeouts", "p50 ms", "p99 ms", "max ms"], rows,
                         title="Latency under load (ingest: one POST of a batch)")
    emit(result, [summary, table], args.json)


if __name__ == "__main__":
    main()
