"""Backfill throughput: one process against Ray Data, in articles/s on the same archive.

Takes N distinct articles (title + text, a seeded sample) from the SemEval-2022
Task 8 dev CSV and writes them, without a ``language`` field (so language ID
runs), as an archive of JSONL files of ``--per-file`` articles each in a
temporary folder; the CSV has no dates, so each article gets a seeded random
publication day within 60 days (the backfill sorts on it). Then, into a fresh
store each, with the bundled e5 encoder:

- one process: ``backfill(tracker, archive)`` with the models loaded beforehand
  (their load is reported in its own column);
- Ray: ``ray.init()`` of a local Ray with every core (reported in its own column),
  then ``backfill(tracker, archive, use_ray=True)``, which includes starting the
  analysis actors and loading lingua and e5 in each, as every backfill on Ray does.

With ``--repeats R`` both run R times, alternating which goes first, and the
fastest backfill of each is kept (with the start-up of its first, cold run).
Both stores must hold the same stories; the script says whether they do. Wall
clock on whatever else the machine is doing: the load average at the start of
each run is printed.

Run from the repo root::

    .venv/bin/python bench/backfill.py [--limit N] [--repeats R] [--ray-workers W] [--per-file K] [--json]
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from babelwire import Settings, Tracker
from babelwire.backfill import backfill
from babelwire.types import IngestReport
from common import SEMEVAL_PAIRS, emit, format_table, log, machine, make_parser, timed
from throughput import distinct_texts, load_models

DEFAULT_ARTICLES = 200
DEFAULT_PER_FILE = 10
SEED = 11
FIRST_DAY = date(2020, 3, 1)


def write_archive(texts: list[tuple[str, str]], folder: Path, per_file: int) -> list[Path]:
    """JSONL files of ``per_file`` records with id, title, text and a seeded publication day."""
    folder.mkdir(parents=True, exist_ok=True)
    days = random.Random(SEED)
    paths = []
    for start in range(0, len(texts), per_file):
        path = folder / f"part-{start // per_file:05d}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for number, (title, text) in enumerate(texts[start : start + per_file], start=start):
                published = (FIRST_DAY + timedelta(days=days.randrange(60))).isoformat()
                record = {"id": f"bench-{number}", "title": title, "text": text, "published": published}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def stories_of(tracker: Tracker) -> dict[frozenset[str], str]:
    """Each story as its set of article ids, with its title: what must agree between the modes."""
    return {
        frozenset(article.id for article in tracker.store.story_articles(story.id)): story.title
        for story in tracker.stories()
    }


def outcome(report: IngestReport, seconds: float, tracker: Tracker) -> dict:
    return {"seconds": seconds, "added": report.added, "copies": report.copies, "problems": len(report.problems),
            "stories": stories_of(tracker)}


def run_single(archive: Path, db: Path) -> dict:
    """Models loaded first (timed on their own), then the in-process backfill."""
    settings = Settings()
    load_average = os.getloadavg()[0]
    log(f"one process (load average {load_average:.2f}) …")
    with timed() as load:
        encoder, identifier = load_models(settings)
    with Tracker(db, settings, encoder=encoder, language_identifier=identifier) as tracker:
        with timed() as run:
            report = backfill(tracker, [archive])
        result = outcome(report, run.seconds, tracker)
    return {**result, "startup": load.seconds, "workers": 1, "load_average": load_average}


def run_ray(archive: Path, db: Path, workers: int | None) -> dict:
    """A local Ray started first (timed on its own), then the Ray backfill; Ray is shut down after."""
    import ray

    load_average = os.getloadavg()[0]
    log(f"Ray (load average {load_average:.2f}) …")
    with timed() as start:
        ray.init(include_dashboard=False, object_store_memory=512 * 2**20, log_to_driver=False)
    try:
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        with Tracker(db, Settings()) as tracker:  # the driver only links: it never loads the models
            with timed() as run:
                report = backfill(tracker, [archive], use_ray=True, ray_workers=workers)
            result = outcome(report, run.seconds, tracker)
    finally:
        ray.shutdown()
    return {**result, "startup": start.seconds, "workers": workers or cluster_cpus, "load_average": load_average}


def run(data: Path, count: int, per_file: int, workers: int | None, repeats: int) -> dict:
    """``repeats`` rounds of both modes, alternating which goes first; the fastest run of each mode is kept."""
    texts = distinct_texts(data, Settings().min_text_chars)
    chosen = random.Random(SEED).sample(texts, min(count, len(texts)))
    best: dict[str, dict] = {}
    same = True
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = write_archive(chosen, folder / "archive", per_file)
        modes = {"single": lambda db: run_single(folder / "archive", db),
                 "ray": lambda db: run_ray(folder / "archive", db, workers)}
        for round_ in range(repeats):
            order = ("single", "ray") if round_ % 2 == 0 else ("ray", "single")
            results = {key: modes[key](folder / f"{key}-{round_}.db") for key in order}
            same = same and results["single"]["stories"] == results["ray"]["stories"]
            for key, result in results.items():
                result["stories"] = len(result["stories"])
                if key not in best:
                    best[key] = result
                elif result["seconds"] < best[key]["seconds"]:  # the start-up stays the first, cold one
                    best[key] = {**result, "startup": best[key]["startup"]}
    return {"articles": len(chosen), "files": len(files), "repeats": repeats, **best, "same_stories": same}


def table(result: dict) -> str:
    count, rows = result["articles"], []
    for label, key, startup in (("one process", "single", "model load"), ("Ray Data", "ray", "ray.init()")):
        mode = result[key]
        total = mode["startup"] + mode["seconds"]
        rows.append([label, mode["workers"], f"{mode['load_average']:.2f}", startup, mode["startup"], mode["seconds"],
                     count / mode["seconds"], count / total, mode["added"], mode["copies"], mode["stories"]])
    title = (
        f"backfill of {count} SemEval dev articles in {result['files']} JSONL files, "
        f"bundled e5 encoder, fresh store each, best of {result['repeats']} (order alternated); "
        f"same stories in both: {'yes' if result['same_stories'] else 'NO'}"
    )
    headers = ["mode", "workers", "load avg", "start-up", "start-up s", "backfill s", "articles/s", "incl. start-up",
               "linked", "copies", "stories"]
    return format_table(headers, rows, title)


def main() -> None:
    parser = make_parser(__doc__, f"number of articles (default {DEFAULT_ARTICLES})")
    parser.add_argument("--data", type=Path, default=SEMEVAL_PAIRS)
    parser.add_argument("--per-file", type=int, default=DEFAULT_PER_FILE, help="articles per JSONL file")
    parser.add_argument("--ray-workers", type=int, default=None, help="analysis actors (default: every core)")
    parser.add_argument("--repeats", type=int, default=1, help="rounds of both modes, alternating which goes first")
    args = parser.parse_args()
    info = machine()
    info["os_cpu_count"] = os.cpu_count()
    result = run(args.data, args.limit or DEFAULT_ARTICLES, args.per_file, args.ray_workers, args.repeats)
    info["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    speed_up = result["single"]["seconds"] / result["ray"]["seconds"]  # same articles: the ratio of times
    tables = [table(result),
              f"os.cpu_count() = {info['os_cpu_count']}; Ray over one process: {speed_up:.2f}×; "
              f"load average at the end: {info['load_average_1m_at_end']}"]
    emit({"machine": info, **result, "ray_speed_up": speed_up}, tables, args.json)


if __name__ == "__main__":
    main()
