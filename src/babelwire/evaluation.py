"""Evaluation against labelled data: pair similarity (SemEval-2022 Task 8) and story clustering.

Both evaluations run the product's own code paths: pairs are scored by
:class:`~babelwire.similarity.PairScorer`, clusters come from streaming the
articles, in time order, through a :class:`~babelwire.Tracker` with the
default settings.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from babelwire.dates import datetime_to_iso, make_date
from babelwire.similarity import PairScorer, TextProfile, pair_features, term_value
from babelwire.types import Article, DateSource

# --- pairs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledPair:
    """One SemEval-style pair: two articles and the human "Overall" (1 = same event … 4 = unrelated)."""

    pair_id: str
    first: Article
    second: Article
    overall: float
    machine_translated: bool
    source: str

    @property
    def language_pair(self) -> str:
        return f"{self.first.language}-{self.second.language}"


def _pair_article(row: dict[str, str], side: str) -> Article:
    article = Article(title=row.get(f"title{side}", "") or "", text=row.get(f"text{side}", "") or "",
                      origin=f"{row['pair_id']}:{side}")
    article.language = (row.get(f"lang{side}") or "und").strip().lower()
    article.language_confidence = 1.0
    return article


def load_pairs(path: str | Path, min_chars: int = 1) -> tuple[list[LabelledPair], list[str]]:
    """Read pairs in the ``dev_pairs.csv`` format, one per ``pair_id``.

    When a pair comes from several scrapes, the one with both sides present is
    kept, full text (``blresearch``) before head+tail (``hfl``). Pairs with no
    usable row are returned by id as the second value, not scored.
    """
    csv.field_size_limit(sys.maxsize)
    candidates: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"pair_id", "lang1", "lang2", "text1", "text2", "Overall"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            candidates[row["pair_id"]].append(row)
    pairs, unusable = [], []
    for pair_id, rows in candidates.items():
        usable = [r for r in rows if len(r["text1"].strip()) >= min_chars and len(r["text2"].strip()) >= min_chars]
        if not usable:
            unusable.append(pair_id)
            continue
        row = min(usable, key=lambda r: (r.get("source") != "blresearch", -len(r["text1"]) - len(r["text2"])))
        try:
            overall = float(row["Overall"])
        except ValueError:
            unusable.append(pair_id)
            continue
        pairs.append(LabelledPair(
            pair_id, _pair_article(row, "1"), _pair_article(row, "2"), overall,
            row.get("machine_translated", "0").strip() == "1", row.get("source", ""),
        ))
    return pairs, unusable


def semeval_texts(path: Path) -> list[tuple[str, str, Article]]:
    """``(id, language, article)`` for each human-written text of SemEval-2022 Task 8 pairs, one per article id
    and scrape (machine-translated sides, whose ids end in a language code, are left out). The ids are those
    ``bench/junk.py`` prints and ``bench/data/junk_judged.jsonl`` judges."""
    csv.field_size_limit(sys.maxsize)
    found: dict[str, tuple[str, Article]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for article_id, side in zip(row["pair_id"].split("_"), "12", strict=False):
                text = (row[f"text{side}"] or "").strip()
                if article_id[-1:].isalpha():  # a machine translation (1484039360it): not human-written
                    continue
                if not text:
                    continue
                key = f"semeval-{article_id}-{row['source']}"
                found.setdefault(key, (row[f"lang{side}"], Article(title=row[f"title{side}"] or "", text=text)))
    return [(key, code, article) for key, (code, article) in sorted(found.items())]


def wikinews_texts(path: Path) -> list[tuple[str, str, Article]]:
    """``(id, language, article)`` for each source text of WikinewsSum events (``events.jsonl``)."""
    out = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            for index, source in enumerate(json.loads(line).get("sources") or []):
                text = (source.get("maintext") or "").strip()
                if text:
                    out.append((f"wikinews-{number}-{index}", source.get("language") or "und",
                                Article(title=source.get("title") or "", text=text)))
    return out


def is_held_out(pair_id: str, modulus: int = 10) -> bool:
    """Whether a pair belongs to the slice the shipped model never trains on (about 1 in ``modulus``).

    The CI quality gate scores pairs from this slice, so its floor measures
    generalisation rather than memory.
    """
    return int(hashlib.sha1(pair_id.encode("utf-8")).hexdigest()[:8], 16) % modulus == 0


def pearson(x: Iterable[float], y: Iterable[float]) -> float | None:
    """Pearson correlation, or ``None`` below three points or without variance."""
    a, b = np.asarray(list(x), dtype=np.float64), np.asarray(list(y), dtype=np.float64)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _summary(scores: list[float], overall: list[float]) -> dict:
    value = pearson(scores, [-o for o in overall])
    return {"pearson": None if value is None else round(value, 4), "n": len(scores)}


def profile_pairs(
    pairs: list[LabelledPair], scorer: PairScorer, batch: int = 32, progress: Callable[[int], None] | None = None
) -> list[tuple[TextProfile, TextProfile]]:
    """Profiles of both sides of every pair, computed in batches."""
    result = []
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        profiles = scorer.profiler.profiles([a for p in chunk for a in (p.first, p.second)])
        result.extend(zip(profiles[::2], profiles[1::2], strict=True))
        if progress:
            progress(len(chunk))
    return result


def evaluate_pairs(
    pairs: list[LabelledPair], scorer: PairScorer, progress: Callable[[int], None] | None = None
) -> dict:
    """Pearson of the scorer's similarity with −Overall: overall, per language pair, by translation."""
    profiles = profile_pairs(pairs, scorer, progress=progress)
    scores = [scorer.score_profiles(a, b).score for a, b in profiles]
    overall = [pair.overall for pair in pairs]
    by_language: dict[str, list[int]] = defaultdict(list)
    by_translation: dict[str, list[int]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        by_language[pair.language_pair].append(index)
        by_translation["1" if pair.machine_translated else "0"].append(index)

    def subset(indices: list[int]) -> dict:
        return _summary([scores[i] for i in indices], [overall[i] for i in indices])

    original = by_translation.get("0", [])
    return {
        **_summary(scores, overall),
        "original": subset(original),
        "by_language_pair": {key: subset(idx) for key, idx in sorted(by_language.items())},
        "machine_translated": {key: subset(idx) for key, idx in sorted(by_translation.items())},
    }


def feature_matrix(profiles: list[tuple[TextProfile, TextProfile]], names: tuple[str, ...]) -> np.ndarray:
    """Rows of named pair features or model terms (``lead_cos>0.4``…), for training and analysis."""
    rows = []
    for a, b in profiles:
        features = pair_features(a, b)
        rows.append([term_value(name, features) for name in names])
    return np.array(rows, dtype=np.float64)


# --- clusters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledArticle:
    article: Article
    cluster: str
    timestamp: datetime | None


def read_uci(path: str | Path) -> Iterator[LabelledArticle]:
    """UCI News Aggregator rows: the headline is the text, ``STORY`` the gold cluster."""
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            moment = datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, UTC)
            article = Article(
                title=row["TITLE"], text=row["TITLE"], url=row.get("URL") or None,
                source=row.get("PUBLISHER") or None, origin=f"{path}:{row['ID']}",
                published=make_date(datetime_to_iso(moment), DateSource.CALLER), id=f"uci-{row['ID']}",
            )
            yield LabelledArticle(article, row["STORY"], moment)


def read_cluster_jsonl(path: str | Path) -> Iterator[LabelledArticle]:
    """JSONL with ``id, text, title, language, published, cluster`` per line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            published = make_date(record.get("published"), DateSource.CALLER)
            article = Article(
                title=record.get("title") or "", text=record["text"], origin=f"{path}:{number}",
                published=published, id=str(record.get("id") or ""),
            )
            if record.get("language"):
                article.language, article.language_confidence = record["language"], 1.0
            yield LabelledArticle(article, str(record["cluster"]), published.interval()[0] if published else None)


CLUSTER_FORMATS: dict[str, Callable[[str | Path], Iterator[LabelledArticle]]] = {
    "uci": read_uci, "jsonl": read_cluster_jsonl,
}


def bcubed(predicted: dict[str, object], gold: dict[str, object]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009)."""
    by_predicted: dict[object, set[str]] = defaultdict(set)
    by_gold: dict[object, set[str]] = defaultdict(set)
    for item in gold:
        by_predicted[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        shared = len(by_predicted[predicted[item]] & by_gold[gold[item]])
        precision += shared / len(by_predicted[predicted[item]])
        recall += shared / len(by_gold[gold[item]])
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def pairwise_f1(predicted: dict[str, object], gold: dict[str, object]) -> tuple[float, float, float]:
    """The "standard" clustering F1 of Miranda et al. (2018): precision/recall over same-cluster pairs."""
    def pairs(assignment: dict[str, object]) -> int:
        groups: dict[object, int] = defaultdict(int)
        for item in gold:
            groups[assignment[item]] += 1
        return sum(n * (n - 1) // 2 for n in groups.values())

    joint: dict[tuple[object, object], int] = defaultdict(int)
    for item in gold:
        joint[(predicted[item], gold[item])] += 1
    true_pairs = sum(n * (n - 1) // 2 for n in joint.values())
    predicted_pairs, gold_pairs = pairs(predicted), pairs(gold)
    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate_clusters(
    items: Iterable[LabelledArticle],
    make_tracker: Callable[[str], object],
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Stream articles in time order through a fresh tracker and score its stories."""
    earliest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(items, key=lambda item: (item.timestamp is None, item.timestamp or earliest))
    gold = {item.article.id: item.cluster for item in ordered}
    with tempfile.TemporaryDirectory() as folder:
        tracker = make_tracker(str(Path(folder) / "eval.db"))
        try:
            report = tracker.add((item.article for item in ordered), progress=progress)
            predicted: dict[str, object] = {}
            for story in tracker.stories():
                for article_id in story.article_ids:
                    predicted[article_id] = story.id
                if story.copies:  # a syndicated copy is in its original's story
                    for copy in tracker.story_copies(story.id):
                        predicted[copy.id] = story.id
        finally:
            tracker.close()
    gold = {key: value for key, value in gold.items() if key in predicted}  # duplicates were skipped
    precision, recall, f1 = bcubed(predicted, gold)
    _, _, standard = pairwise_f1(predicted, gold)
    return {
        "bcubed_f1": round(f1, 4), "bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4),
        "standard_f1": round(standard, 4), "n": len(gold),
        "clusters": len({predicted[key] for key in gold}), "gold_clusters": len(set(gold.values())),
        "skipped": report.duplicates + len(report.problems),
    }


__all__ = [
    "CLUSTER_FORMATS", "LabelledArticle", "LabelledPair", "bcubed", "evaluate_clusters", "evaluate_pairs",
    "feature_matrix", "is_held_out", "load_pairs", "pairwise_f1", "pearson", "profile_pairs",
    "read_cluster_jsonl", "read_uci",
]
