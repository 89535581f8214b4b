"""Dates in article text against a hand-labelled gold set of real articles (bench/data/dates_gold.jsonl).

Each gold line names a SemEval-2022 dev article (``row`` of dev_pairs.csv, ``side`` 1 or 2), a span of its
text (character offsets into ``babelwire.types.normalize_text(text1 or text2)``, which is what an ingested
article holds), the publication day stated for the article (``anchor``, with ``anchor_note`` saying how it
was established: SemEval has no date column) and what the expression stands for: ``label`` ``date`` with
``expected`` [first day, last day], ``none`` (a date word that is no date: a name, a habit, a city called
"6 October"), or ``skip`` (not decidable; outputs there are not scored), and its ``split``: ``dev``
expressions were looked at while the rules were written; ``test`` and then ``test2`` were labelled afterwards,
from other articles, without looking at any output (docs/BENCHMARKS.md gives their blind scores: each was
looked at after its first measurement). The articles' texts are not in the repository; they are read from
../shared/data.

For every article the resolver runs against its anchor, once with the code under ``--before`` (default:
../main/src) and once with this tree's ``src``, each in a subprocess so that the two versions never mix.
For each labelled expression the output that overlaps it most is its answer. Precision: answers that are
right / labelled expressions with an answer (a date given to a ``none`` is wrong); recall: right answers /
``date`` expressions. Precision comes first: a wrong date misleads, no date is only a gap. Run from the repo
root::

    .venv/bin/python bench/dates.py [--before ../main/src] [--errors] [--dateparser] [--json]

``--dateparser`` also scores ``dateparser.search.search_dates`` (the library the issue suggested) on the
same articles and anchors; it returns a day for every match, counted right when the day lies in the
expected range.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "bench" / "data" / "dates_gold.jsonl"
SEMEVAL_PAIRS = REPO.parent / "shared" / "data" / "semeval2022_task8" / "dev_pairs.csv"
LANGUAGES = ("en", "de", "es", "fr", "pl", "tr", "ar")


def _worker() -> None:
    """Resolve the dates of the articles given on stdin with whatever ``babelwire`` is importable."""
    from datetime import date

    from babelwire.documents import make_document
    from babelwire.reldates import DateRange, resolve_relative_dates
    from babelwire.types import Article

    results: dict[str, Any] = {}
    started = time.perf_counter()
    for item in json.load(sys.stdin):
        article = Article(title="", text=item["text"], id=item["key"])
        article.language = item["language"]
        day = date.fromisoformat(item["anchor"])
        found = resolve_relative_dates(make_document(article), DateRange(day, day))
        results[item["key"]] = [[f.start, f.end, f.kind, f.range.start.isoformat(), f.range.end.isoformat()]
                                for f in found]
    json.dump({"results": results, "seconds": time.perf_counter() - started}, sys.stdout)


def load_articles(gold: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The gold set's articles, normalised as ingestion would, with their anchors."""
    from babelwire.types import normalize_text

    with SEMEVAL_PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    articles: dict[str, dict[str, Any]] = {}
    for item in gold:
        key = f"{item['row']}-{item['side']}"
        row = rows[item["row"]]
        assert row["pair_id"] == item["pair_id"], f"dev_pairs.csv row {item['row']} is not {item['pair_id']}"
        text = normalize_text(row[f"text{item['side']}"])
        assert text[item["start"]:item["end"]] == item["expression"], f"offsets moved in {key}"
        articles[key] = {"key": key, "text": text, "language": item["language"], "anchor": item["anchor"]}
    return articles


def run_version(source: Path, articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every article's resolved dates with the babelwire under ``source``, in a subprocess."""
    environment = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, __file__, "--worker"], input=json.dumps(list(articles.values())),
                          capture_output=True, text=True, env=environment, check=True)
    return json.loads(done.stdout)


def run_dateparser(articles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every article's dates as ``dateparser.search.search_dates`` finds them (offsets recovered in order)."""
    from datetime import datetime

    from dateparser.search import search_dates

    results: dict[str, list[list[Any]]] = {}
    started = time.perf_counter()
    for key, article in articles.items():
        settings = {"RELATIVE_BASE": datetime.fromisoformat(article["anchor"]), "PREFER_DATES_FROM": "past"}
        found = search_dates(article["text"], languages=[article["language"]], settings=settings) or []
        spans, cursor = [], 0
        for written, moment in found:
            start = article["text"].find(written, cursor)
            if start < 0:
                continue
            cursor = start + len(written)
            spans.append([start, cursor, "dateparser", moment.date().isoformat(), moment.date().isoformat()])
        results[key] = spans
    return {"results": results, "seconds": time.perf_counter() - started}


def score(gold: list[dict[str, Any]], results: dict[str, list[list[Any]]], inside: bool = False) -> dict[str, Any]:
    """Precision and recall per language and per split, and the wrong answers; with ``inside`` a one-day
    answer inside the expected range counts as right (for dateparser, which has no ranges)."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"answered": 0, "right": 0, "dates": 0})
    wrong = []
    for item in gold:
        if item["label"] == "skip":
            continue
        outputs = results.get(f"{item['row']}-{item['side']}", [])
        overlaps = [(min(end, item["end"]) - max(start, item["start"]), [first, last], kind)
                    for start, end, kind, first, last in outputs if start < item["end"] and item["start"] < end]
        tally = counts[item["language"], item["split"]]
        tally["dates"] += item["label"] == "date"
        if not overlaps:
            continue
        _, answer, kind = max(overlaps, key=lambda overlap: overlap[0])
        tally["answered"] += 1
        fits = item["expected"] and (answer == item["expected"] if not inside
                                     else item["expected"][0] <= answer[0] and answer[1] <= item["expected"][1])
        if item["label"] == "date" and fits:
            tally["right"] += 1
        else:
            wrong.append({"language": item["language"], "row": item["row"], "side": item["side"],
                          "expression": item["expression"], "kind": kind, "answer": answer,
                          "expected": item["expected"], "anchor": item["anchor"], "split": item["split"]})

    def summary(parts: list[dict[str, int]]) -> dict[str, Any]:
        answered, right, dates = (sum(part[name] for part in parts) for name in ("answered", "right", "dates"))
        return {"expressions": dates, "answered": answered, "right": right,
                "precision": round(right / answered, 3) if answered else None,
                "recall": round(right / dates, 3) if dates else None}

    table = {language: summary([tally for (lang, _), tally in counts.items() if lang == language])
             for language in LANGUAGES}
    table["all"] = summary(list(counts.values()))
    splits = {split: summary([tally for (_, part), tally in counts.items() if part == split])
              for split in ("dev", "test", "test2")}
    return {"by_language": table, "by_split": splits, "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, default=REPO.parent / "main" / "src", help="the code to compare with")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list the wrong answers of this tree's code")
    parser.add_argument("--dateparser", action="store_true", help="score dateparser's search_dates too (slow)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    options = parser.parse_args()
    if options.worker:
        _worker()
        return
    gold = [json.loads(line) for line in options.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = load_articles(gold)
    report: dict[str, Any] = {"gold": str(options.gold.relative_to(REPO)), "articles": len(articles),
                              "labelled": len(gold)}
    for name, source in (("before", options.before), ("after", REPO / "src")):
        run = run_version(source, articles)
        report[name] = {**score(gold, run["results"]),
                        "ms_per_article": round(1000 * run["seconds"] / len(articles), 2)}
    if options.dateparser:
        run = run_dateparser(articles)
        report["dateparser"] = {**score(gold, run["results"], inside=True),
                                "ms_per_article": round(1000 * run["seconds"] / len(articles), 2)}
    if options.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{report['labelled']} labelled expressions in {report['articles']} articles ({report['gold']})")
    print(f"{'lang':5} {'dates':>5}  {'before P':>8} {'R':>6} {'answered':>8}  {'after P':>8} {'R':>6} {'answered':>8}")
    for language in [*LANGUAGES, "all"]:
        before, after = report["before"]["by_language"][language], report["after"]["by_language"][language]
        print(f"{language:5} {after['expressions']:>5}  {before['precision'] or 0:>8.3f} {before['recall'] or 0:>6.3f}"
              f" {before['answered']:>8}  {after['precision'] or 0:>8.3f} {after['recall'] or 0:>6.3f}"
              f" {after['answered']:>8}")
    for split in ("dev", "test", "test2"):
        before, after = report["before"]["by_split"][split], report["after"]["by_split"][split]
        print(f"{split:5} {after['expressions']:>5}  {before['precision'] or 0:>8.3f} {before['recall'] or 0:>6.3f}"
              f" {before['answered']:>8}  {after['precision'] or 0:>8.3f} {after['recall'] or 0:>6.3f}"
              f" {after['answered']:>8}")
    print(f"ms per article: before {report['before']['ms_per_article']}, after {report['after']['ms_per_article']}")
    if "dateparser" in report:
        total = report["dateparser"]["by_language"]["all"]
        print(f"dateparser search_dates: P {total['precision']:.3f} R {total['recall']:.3f} answered "
              f"{total['answered']}, {report['dateparser']['ms_per_article']} ms per article")
    if options.errors:
        for item in report["after"]["wrong"]:
            print(f"  {item['split']} {item['language']} {item['row']}-{item['side']} «{item['expression']}» "
                  f"{item['kind']}: {item['answer']} ≠ {item['expected']} (anchor {item['anchor']})")


if __name__ == "__main__":
    main()
