"""Cross-lingual same-event stream: do real same-event pairs in two languages end up in one story,
while unrelated articles stay alone?

Data: ``../shared/data/semeval2022_task8/dev_pairs.csv`` (read in place, never copied). Rows are
deduplicated by ``pair_id``, the full text (``source=blresearch``) preferred; each article (the ids
joined in ``pair_id``; a language suffix such as ``1484039360it`` marks a machine translation) takes
its text from its fullest row.

- **Same-event pairs:** cross-lingual pairs (``lang1 != lang2``) with ``Overall <= 1.5``. Pairs
  with a machine-translated side are reported apart from the human-written ones.
- **Unrelated articles:** human-written articles every pair of which scored ``Overall >= 3.5``
  (so no rater tied them to anything), in every language of the data.

All of them go, once each and in a fixed shuffle (``--seed``), through a real :class:`Tracker`
with the default settings and the bundled e5 encoder (vectors cached in ``.cache/embeddings.sqlite``),
undated (the data gives no dates). Then:

- **joined:** share of same-event pairs whose two articles are in one story (goal ≥ 90 %);
- **merged:** share of unrelated articles in a story with any other article of the stream
  (goal ≤ 2 %). A few of these may be true matches no rater saw: ``--errors`` lists them.

**Untouched slice.** Pairs (by ``pair_id``) and unrelated articles (by article id) that
``is_held_out(key, 4)`` picks (about a quarter) are reported apart, and ``--errors`` never lists
them: no choice made while developing the linker or the junk filter looked at them.

Run from the repo root::

    .venv/bin/python bench/crosslingual_stream.py [--errors] [--seed S] [--json]
"""

from __future__ import annotations

import csv
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babelwire import Settings, Tracker
from babelwire.encoders import CachedEncoder, E5Encoder, Encoder
from babelwire.evaluation import is_held_out
from babelwire.types import Article
from common import EMBEDDING_CACHE, SEMEVAL_PAIRS, emit, format_table, log, machine, make_parser, timed

SAME_EVENT_MAX = 1.5
UNRELATED_MIN = 3.5
#: a quarter of the pairs and articles are never looked at while tuning
HELD_OUT_MODULUS = 4
_MT_SUFFIX = re.compile(r"[a-z]+$")


@dataclass(frozen=True)
class Pair:
    """One same-event pair of the stream."""

    pair_id: str
    first: str  # article ids
    second: str
    languages: str  # "de-en"
    overall: float
    machine_translated: bool
    held_out: bool


@dataclass
class Data:
    """What the stream is made of."""

    texts: dict[str, tuple[str, str, str]]  # article id -> (language, title, text)
    pairs: list[Pair]
    unrelated: list[str]  # article ids
    #: pairs rated unrelated (Overall >= 3.5) whose two sides are both unrelated articles of the stream
    apart: list[Pair]


def _rows(path: Path) -> dict[str, dict[str, str]]:
    """One row per pair_id: the full text preferred, then the longer one."""
    csv.field_size_limit(sys.maxsize)
    best: dict[str, dict[str, str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["source"] != "blresearch", -len(row["text1"]) - len(row["text2"]))
            old = best.get(row["pair_id"])
            if old is None or key < (old["source"] != "blresearch", -len(old["text1"]) - len(old["text2"])):
                best[row["pair_id"]] = row
    return best


def load(path: Path, min_chars: int) -> Data:
    """Same-event pairs and unrelated articles, with one text per article (its fullest)."""
    rows = _rows(path)
    texts: dict[str, tuple[str, str, str]] = {}
    scores: dict[str, list[float]] = defaultdict(list)
    for pair_id, row in rows.items():
        ids = pair_id.split("_")
        if len(ids) != 2:
            continue
        overall = float(row["Overall"])
        for article_id, side in zip(ids, "12", strict=True):
            scores[article_id].append(overall)
            entry = (row[f"lang{side}"], (row[f"title{side}"] or "").strip(), (row[f"text{side}"] or "").strip())
            old = texts.get(article_id)
            if old is None or len(entry[1]) + len(entry[2]) > len(old[1]) + len(old[2]):
                texts[article_id] = entry
    usable = {key for key, (_, title, text) in texts.items() if len(text) >= min_chars}
    pairs = []
    for pair_id, row in sorted(rows.items()):
        ids = pair_id.split("_")
        if len(ids) != 2 or row["lang1"] == row["lang2"] or float(row["Overall"]) > SAME_EVENT_MAX:
            continue
        if not set(ids) <= usable:
            continue
        pairs.append(Pair(pair_id, ids[0], ids[1], f"{row['lang1']}-{row['lang2']}", float(row["Overall"]),
                          row["machine_translated"].strip() == "1", is_held_out(pair_id, HELD_OUT_MODULUS)))
    in_pairs = {key for pair in pairs for key in (pair.first, pair.second)}
    unrelated = sorted(
        key for key in usable - in_pairs
        if not _MT_SUFFIX.search(key) and min(scores[key]) >= UNRELATED_MIN
    )
    chosen = set(unrelated)
    apart = []
    for pair_id, row in sorted(rows.items()):
        ids = pair_id.split("_")
        if len(ids) == 2 and set(ids) <= chosen and float(row["Overall"]) >= UNRELATED_MIN:
            apart.append(Pair(pair_id, ids[0], ids[1], f"{row['lang1']}-{row['lang2']}", float(row["Overall"]),
                              False, is_held_out(pair_id, HELD_OUT_MODULUS)))
    return Data(texts, pairs, unrelated, apart)


def stream(data: Data, seed: int) -> list[Article]:
    """Every article of the pairs and the unrelated ones, once each, in a fixed shuffle."""
    keys = sorted({key for pair in data.pairs for key in (pair.first, pair.second)} | set(data.unrelated))
    random.Random(seed).shuffle(keys)
    articles = []
    for key in keys:
        _, title, text = data.texts[key]
        articles.append(Article(title=title, text=text, id=f"semeval-{key}", origin=f"semeval:{key}"))
    return articles


def parse_settings(pairs: list[str]) -> Settings:
    """``Settings()`` with ``--set name=value`` overrides (for sweeps on the tuning part)."""
    values = dict(item.split("=", 1) for item in pairs)
    return Settings.from_mapping(values) if values else Settings()


def run(path: Path, seed: int, cache: Path, settings: Settings, encoder: Encoder | None = None) -> dict:
    """Stream the articles through a fresh tracker and score the stories it made.

    ``encoder`` replaces the cached default e5 (``bench/event_metric.py`` passes the event metric's).
    """
    data = load(path, settings.min_text_chars)
    articles = stream(data, seed)
    encoder = encoder or CachedEncoder(E5Encoder(), cache)
    log(f"streaming {len(articles)} articles ({len(data.pairs)} pairs, {len(data.unrelated)} unrelated) …")
    with (
        tempfile.TemporaryDirectory() as tmp,
        timed() as watch,
        Tracker(Path(tmp) / "stream.db", settings, encoder=encoder) as tracker,
    ):
        report = tracker.add(articles, read=False, watch=False)
        story: dict[str, int | None] = {}
        for article in articles:
            stored = tracker.store.article(article.id)
            live = None if stored is None or stored.story_id is None else tracker.store.resolve_story_id(
                stored.story_id)
            story[article.id.removeprefix("semeval-")] = live
        kept_out = _kept_out(tracker, articles)
    vectors = {a.id.removeprefix("semeval-"): a.embedding for a in articles if a.embedding is not None}
    language = {a.id.removeprefix("semeval-"): a.language for a in articles}
    members: dict[int | None, list[str]] = defaultdict(list)
    for key, story_id in story.items():
        if story_id is not None:
            members[story_id].append(key)

    def cosine(a: str, b: str) -> float | None:
        if a not in vectors or b not in vectors:
            return None
        return round(float(np.dot(vectors[a], vectors[b])), 3)

    pair_rows = []
    for pair in data.pairs:
        joined = story[pair.first] is not None and story[pair.first] == story[pair.second]
        pair_rows.append({
            "pair_id": pair.pair_id, "languages": pair.languages, "overall": pair.overall,
            "machine_translated": pair.machine_translated, "held_out": pair.held_out, "joined": joined,
            "cosine": cosine(pair.first, pair.second),
            "identified": f"{language.get(pair.first)}-{language.get(pair.second)}",
            "kept_out": [kept_out[key] for key in (pair.first, pair.second) if key in kept_out],
        })
    unrelated_rows = []
    for key in data.unrelated:
        mates = [other for other in members.get(story[key], []) if other != key] if story[key] is not None else []
        nearest = max(mates, key=lambda other: cosine(key, other) or -1.0, default=None)
        unrelated_rows.append({
            "id": key, "language": data.texts[key][0], "held_out": is_held_out(key, HELD_OUT_MODULUS),
            "merged": bool(mates) and kept_out.get(key) is None, "mates": mates,
            "cosine": cosine(key, nearest) if nearest else None,
            "kept_out": kept_out.get(key),
            "opening": (data.texts[key][1] + " | " + data.texts[key][2])[:100].replace("\n", " "),
            "mate_openings": [(data.texts[m][0], (data.texts[m][1] + " | " + data.texts[m][2])[:80].replace("\n", " "))
                              for m in mates[:3]],
        })
    apart_rows = [{"pair_id": pair.pair_id, "languages": pair.languages, "held_out": pair.held_out,
                   "joined": story[pair.first] is not None and story[pair.first] == story[pair.second],
                   "cosine": cosine(pair.first, pair.second)} for pair in data.apart]
    return {
        "data": str(path), "seed": seed, "apart": apart_rows, "articles": len(articles),
        "stored": report.added + report.copies,
        "copies": report.copies, "duplicates": report.duplicates, "problems": len(report.problems),
        "kept_out": len(kept_out), "seconds": round(watch.seconds, 1),
        "pairs": pair_rows, "unrelated": unrelated_rows,
    }


def _kept_out(tracker: Tracker, articles: list[Article]) -> dict[str, str]:
    """Articles the tracker stored without linking them (pages that are no news), with the reason."""
    found = {}
    for article in articles:
        stored = tracker.store.article(article.id)
        why = getattr(stored, "kept_out", None)  # None too on a babelwire without babelwire.junk
        if why:
            found[article.id.removeprefix("semeval-")] = why
    return found


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.1f} %" if total else "–"


def summary(result: dict) -> dict:
    """Joined and merged shares per part of the data: tuning/held-out, human/MT, language pair."""
    out: dict[str, dict[str, str]] = {}
    for part, held in (("tuning", False), ("untouched slice", True)):
        for kind, mt in (("human", False), ("machine-translated", True)):
            rows = [r for r in result["pairs"] if r["held_out"] == held and r["machine_translated"] == mt]
            out[f"joined, {kind}, {part}"] = {"all": _share(sum(r["joined"] for r in rows), len(rows))}
            for pair in sorted({r["languages"] for r in rows}):
                chosen = [r for r in rows if r["languages"] == pair]
                out[f"joined, {kind}, {part}"][pair] = _share(sum(r["joined"] for r in chosen), len(chosen))
            news = [r for r in rows if not r["kept_out"]]
            if len(news) < len(rows):  # a side kept out as no news cannot join: the linker's share without them
                out[f"joined, {kind}, {part}, both sides news"] = {"all": _share(sum(r["joined"] for r in news),
                                                                                 len(news))}
        rows = [r for r in result.get("apart", []) if r["held_out"] == held]
        out[f"joined, rated unrelated, {part}"] = {"all": _share(sum(r["joined"] for r in rows), len(rows))}
        rows = [r for r in result["unrelated"] if r["held_out"] == held]
        out[f"merged, unrelated, {part}"] = {"all": _share(sum(r["merged"] for r in rows), len(rows))}
        for code in sorted({r["language"] for r in rows}):
            chosen = [r for r in rows if r["language"] == code]
            out[f"merged, unrelated, {part}"][code] = _share(sum(r["merged"] for r in chosen), len(chosen))
    return out


def tables(result: dict, errors: bool) -> list[str]:
    """The summary table, and with ``errors`` the split pairs and merged articles of the tuning part."""
    shares = result["summary"]
    columns = sorted({key for row in shares.values() for key in row} - {"all"})
    rows = [[name, row["all"], *(row.get(col, "") for col in columns)] for name, row in shares.items()]
    overrides = " ".join(result.get("settings") or []) or "defaults"
    head = (
        format_table(("measure", "all", *columns), rows, "Cross-lingual same-event stream (SemEval dev, undated, "
                     f"shuffled with seed {result['seed']}; settings: {overrides})"
                     ": joined = pair in one story (same-event goal ≥ 90 %), "
                     "merged = unrelated article in a story with another (goal ≤ 2 %)")
        + f"\n{result['articles']} articles streamed: {result['stored']} stored ({result['copies']} as copies), "
        f"{result['duplicates']} duplicates, {result['problems']} refused, {result['kept_out']} kept out of stories; "
        f"{result['seconds']} s"
    )
    out = [head]
    if errors:
        split = [r for r in result["pairs"] if not r["joined"] and not r["held_out"]]
        out.append(format_table(
            ("pair_id", "languages", "identified", "MT", "Overall", "cosine", "kept out"),
            [[r["pair_id"], r["languages"], r["identified"], "yes" if r["machine_translated"] else "no",
              f"{r['overall']:.2f}", r["cosine"], "; ".join(r["kept_out"]) or "–"] for r in split],
            "Split same-event pairs (tuning part only)"))
        merged = [r for r in result["unrelated"] if r["merged"] and not r["held_out"]]
        lines = [format_table(
            ("id", "language", "cosine", "mates", "opening"),
            [[r["id"], r["language"], r["cosine"], " ".join(r["mates"][:4]), r["opening"]] for r in merged],
            "Merged unrelated articles (tuning part only)")]
        for r in merged:
            lines.append(f"  {r['id']} ({r['language']}) {r['opening']}")
            lines.extend(f"      ~ ({code}) {opening}" for code, opening in r["mate_openings"])
        out.append("\n".join(lines))
    return out


def main() -> None:
    parser = make_parser(__doc__, "unused (the stream is small)")
    parser.add_argument("--data", type=Path, default=SEMEVAL_PAIRS)
    parser.add_argument("--seed", type=int, default=0, help="seed of the fixed stream order")
    parser.add_argument("--cache", type=Path, default=EMBEDDING_CACHE, help="SQLite cache of text vectors")
    parser.add_argument("--errors", action="store_true", help="list split pairs and merged articles (tuning part)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a setting (sweeps); the default is the product's settings")
    args = parser.parse_args()
    info = machine()
    settings = parse_settings(args.set)
    result = run(args.data, args.seed, args.cache, settings)
    result["settings"] = args.set
    result["summary"] = summary(result)
    counts = Counter((r["languages"], r["machine_translated"]) for r in result["pairs"])
    result["pair_counts"] = {f"{pair}{' MT' if mt else ''}": n for (pair, mt), n in sorted(counts.items())}
    emit({"machine": info, **result}, tables(result, args.errors), args.json)


if __name__ == "__main__":
    main()
