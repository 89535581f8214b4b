"""Story clustering on WikinewsSum source articles: a second, multilingual check of the linker.

Each source article cited by a Wikinews article is an item; its gold cluster is that
Wikinews article (its line in ``events.jsonl``), so sources cited together are "the same
event". The label is weak: some sources are background pages or scrape junk (see
``../shared/data/README.md``). Items are source title + ``maintext``, with the URL and its
host as the outlet; sources whose text is shorter than ``Settings().min_text_chars`` are
skipped and counted. Languages are left for babelwire to identify, as on a real ingest.

The sources carry no reliable dates, so every item is undated and the stream order is
fixed instead: all sources in file order (event by event), then shuffled with
``random.Random(seed)`` (``--seed``, default 0), so one event's sources do not arrive
back to back.

Rows, all on the items the tracker keeps (it skips a source whose URL was already seen,
e.g. one page cited by two events):

(a) babelwire's linker through ``babelwire.evaluation.evaluate_clusters``, ``Settings()``;
(b) single-pass TF-IDF (as in ``bench/clusters.py``, on title + text) at its best t;
(c) HDBSCAN and (d) average-linkage agglomerative clustering on the linker's
    neutralised e5 vectors, (d) also on raw e5: batch methods, best grid row, so upper
    bounds;
(e) every item alone: the floor, since many events have a single source.

Run from the repo root::

    .venv/bin/python bench/wikinews.py [--limit N] [--seed S] [--json]
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from babelwire import Settings, Tracker
from babelwire.encoders import CachedEncoder, E5Encoder
from babelwire.evaluation import LabelledArticle, evaluate_clusters
from babelwire.types import Article
from clusters import (
    HEADERS,
    Labels,
    agglomerative_grid,
    hdbscan_grid,
    kept_by_tracker,
    linker_vectors,
    metrics,
    summary_rows,
    table_row,
    tfidf_grid,
)
from common import EMBEDDING_CACHE, SHARED_DATA, emit, format_table, log, machine, make_parser, timed

WIKINEWS_EVENTS = SHARED_DATA / "wikinews_sources" / "events.jsonl"
# full articles, not headlines: TF-IDF cosines run higher, so the grid reaches further up
TFIDF_THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
# most events have 1–3 sources: clusters of 20 or 40 cannot exist here
MIN_CLUSTER_SIZES = (2, 3, 5)
PCA_DIMS = (0, 50)
AGGLOMERATIVE_DISTANCES = (0.5, 0.55, 0.6, 0.625, 0.65, 0.675, 0.7, 0.75, 0.8)
AGGLOMERATIVE_DISTANCES_RAW = (0.1, 0.12, 0.13, 0.14, 0.15, 0.16, 0.18, 0.2)


def read_sources(path: Path, min_chars: int) -> tuple[list[tuple[LabelledArticle, str]], int, int]:
    """Every source article with its data-set language, in file order; and (events, sources too short).

    The id ``wikinews-L-K`` names line L's K-th source; the cluster is ``event-L``.
    """
    items: list[tuple[LabelledArticle, str]] = []
    events = short = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            events += 1
            for index, source in enumerate(json.loads(line).get("sources") or []):
                url = source.get("url") or None
                article = Article(
                    title=source.get("title") or "", text=source.get("maintext") or "", url=url,
                    source=urlsplit(url).hostname if url else None, origin=f"{path}:{number}:{index}",
                    id=f"wikinews-{number}-{index}",
                )
                # the tracker drops these too, but as "problems": count them here instead
                if len(article.text) < min_chars:
                    short += 1
                    continue
                items.append((LabelledArticle(article, f"event-{number}", None), source.get("language") or "und"))
    return items, events, short


def stream_order(path: Path, seed: int, limit: int | None, settings: Settings) -> tuple[list, dict[str, int]]:
    """The items (with their data-set language) in the benchmark's fixed order, and what was read."""
    items, events, short = read_sources(path, settings.min_text_chars)
    counts = {"events": events, "sources": len(items) + short, "skipped_short": short}
    random.Random(seed).shuffle(items)
    return (items[:limit] if limit else items), counts


def linker_metrics(items: Sequence[LabelledArticle], cache: Path) -> dict:
    """``evaluate_clusters`` with the product's settings and the cached default encoder."""
    encoder = CachedEncoder(E5Encoder(), cache)
    result = evaluate_clusters(items, lambda db: Tracker(db, Settings(), encoder=encoder))
    return {**result, "setting": f"defaults (link_threshold={Settings().link_threshold}), undated"}


def run(path: Path, seed: int, limit: int | None, cache: Path) -> dict:
    """All rows on the same source articles, plus the counts by language."""
    settings = Settings()
    ordered, counts = stream_order(path, seed, limit, settings)
    log(f"(a) linker on {len(ordered)} sources …")
    with timed() as watch:
        linker = linker_metrics([item for item, _ in ordered], cache)
    linker["seconds"] = watch.seconds

    # fresh Article objects: the tracker filled in the first ones (story ids, vectors)
    ordered, _ = stream_order(path, seed, limit, settings)
    language_of = {item.article.id: language for item, language in ordered}
    items = kept_by_tracker([item for item, _ in ordered], settings)
    ids = [item.article.id for item in items]
    gold: Labels = {item.article.id: item.cluster for item in items}
    log(f"(b) single-pass TF-IDF on {len(items)} sources …")
    tfidf = tfidf_grid(items, gold, TFIDF_THRESHOLDS, lambda article: article.lead)

    log("(c, d) embedding …")
    with timed() as watch:
        vectors = linker_vectors(items, cache)  # also sets each article's identified language
    embedding_seconds = watch.seconds
    hdbscan = hdbscan_grid(vectors, ids, gold, PCA_DIMS, MIN_CLUSTER_SIZES)
    agglomerative = agglomerative_grid(vectors, ids, gold, AGGLOMERATIVE_DISTANCES)
    identified = {item.article.id: item.article.language for item in items}
    raw = linker_vectors(items, cache, E5Encoder(neutralize=False))
    agglomerative_raw = agglomerative_grid(raw, ids, gold, AGGLOMERATIVE_DISTANCES_RAW)

    singletons = {**metrics({key: key for key in ids}, gold), "setting": "–", "seconds": 0.0}
    languages: dict[str, dict] = {}
    for language, _ in sorted(Counter(language_of.values()).items(), key=lambda pair: (-pair[1], pair[0])):
        members = [key for key, code in language_of.items() if code == language]
        kept = [key for key in members if key in gold]
        languages[language] = {
            "sources": len(members), "kept": len(kept),
            "identified_as": dict(Counter(identified[key] for key in kept).most_common()),
        }
    sizes = Counter(Counter(gold.values()).values())
    return {
        "data": str(path), "seed": seed, **counts, "limit": limit, "streamed": len(ordered),
        "events_with_kept_sources": len(set(gold.values())),
        "gold_cluster_sizes": dict(sorted(sizes.items())),
        "linker": linker, "tfidf_single_pass": tfidf, "hdbscan": hdbscan, "agglomerative": agglomerative,
        "agglomerative_raw_e5": agglomerative_raw, "singletons": singletons, "languages": languages,
        "embedding_seconds": embedding_seconds,
    }


def tables(result: dict) -> list[str]:
    """The summary, the per-language counts and the baseline grids."""
    main_rows = [*summary_rows(result), table_row("(e) every item alone (floor)", result["singletons"])]
    sizes = ", ".join(f"{size}: {count}" for size, count in result["gold_cluster_sizes"].items())
    summary = (
        format_table(HEADERS, main_rows, f"Story clustering, WikinewsSum source articles "
                     f"(undated, shuffled with seed {result['seed']})")
        + f"\n{result['sources']} sources from {result['events']} events; {result['skipped_short']} shorter "
        f"than min_text_chars skipped; {result['streamed']} streamed; (a) skipped {result['linker']['skipped']} "
        "more (repeated URL or text), the other rows use the same n."
        + f"\ngold cluster sizes (size: events): {sizes}"
    )
    language_rows = [
        [code, row["sources"], row["kept"], ", ".join(f"{k} {v}" for k, v in row["identified_as"].items())]
        for code, row in result["languages"].items()
    ]
    language_table = format_table(
        ("language (data set)", "sources", "kept", "identified by babelwire as"), language_rows, "Items by language"
    )
    grid_rows = [table_row("single-pass TF-IDF", row) for row in result["tfidf_single_pass"]]
    grid_rows += [table_row("HDBSCAN", row) for row in result["hdbscan"]]
    grid_rows += [table_row("agglomerative, neutralised e5", row) for row in result["agglomerative"]]
    grid_rows += [table_row("agglomerative, raw e5", row) for row in result["agglomerative_raw_e5"]]
    noise = ", ".join(f"{row['setting']}: {row['noise']}" for row in result["hdbscan"])
    grids = (
        format_table(HEADERS, grid_rows, "Baseline grids (chosen on the gold labels)")
        + f"\nHDBSCAN noise points (scored as singletons): {noise}"
        + f"\nembedding for (c) and (d) took {result['embedding_seconds']:.1f} s (cached vectors reused)"
    )
    return [summary, language_table, grids]


def main() -> None:
    parser = make_parser(__doc__, "use only the first N sources of the shuffled stream (quick run)")
    parser.add_argument("--data", type=Path, default=WIKINEWS_EVENTS)
    parser.add_argument("--seed", type=int, default=0, help="seed of the fixed stream order")
    parser.add_argument("--cache", type=Path, default=EMBEDDING_CACHE, help="SQLite cache of text vectors")
    args = parser.parse_args()
    info = machine()
    result = run(args.data, args.seed, args.limit, args.cache)
    emit({"machine": info, **result}, tables(result), args.json)


if __name__ == "__main__":
    main()
