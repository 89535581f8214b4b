"""Coverage on real news: is a "shared" statement really stated by the other article, and is furniture dropped?

Data: the 18 same-event groups of ``../shared/data/reading_dev`` (38 articles, 9 languages) and the
labels in ``bench/data`` (references only: article ids and character offsets, no text):

- ``statement_pairs.jsonl``: 799 labelled sentence pairs across the articles of a group, 177 of them
  stating the same fact. Every group was read whole and every same-fact pair written down, so the
  positives are exhaustive: a pair of the group that is not listed as ``same_fact`` states different
  things. ``found_by`` says how a listed pair came up: ``nearest`` (one of a sentence's two nearest by
  e5 in the other article), ``random`` (a random sentence of the other article) or ``reading`` (a
  same-fact pair that neither found).
- ``furniture.jsonl``: every body sentence of the 38 articles, labelled page furniture or not.

A decision is a statement and another article of its group. "Shared" is right when the match it names
states the same fact; recall counts the statements (five words or more, not furniture) that have a
same-fact counterpart in that article. "Before" is ``src/babelwire/coverage.py`` at ``--before-rev``
(the code this work started from), "after" the working tree's, with its shipped model (fitted on all
18 groups, so in-sample), and "after, cross-validated" refits the model and its bar on 17 groups and
decides the 18th, for each group in turn: the honest estimate.

``--calibrate`` fits :class:`babelwire.coverage.SameFactModel` on all groups and prints it, with the
cross-validated precision and recall of "shared" at each bar. Run from the repo root::

    .venv/bin/python bench/coverage.py [--calibrate] [--before-rev REV] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from babelwire import coverage
from babelwire.coverage import CoverageComparer, SameFactModel, candidate_matches, statements_of
from babelwire.documents import Document, make_document
from babelwire.encoders import CachedEncoder, Encoder, make_encoder
from babelwire.types import Article
from common import EMBEDDING_CACHE, REPO, SHARED_DATA, emit, format_table, log, machine

GOLD = SHARED_DATA / "reading_dev" / "reading_gold.json"
WIKINEWS = SHARED_DATA / "wikinews_sources" / "events.jsonl"
LABELS = REPO / "bench" / "data"
#: the commit this work started from: the coverage code before the calibration
BEFORE_REV = "6a245d3"
#: the precision that "shared" must reach (issue 12, item 4)
PRECISION_GOAL = 0.90
#: bars tried for "shared"
BARS = [round(0.30 + 0.025 * step, 3) for step in range(27)]
#: bars tried for "near" (below it in every other article, a statement is unique)
NEAR_BARS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]


@dataclass
class Group:
    """One event's articles as documents, with the labels that concern them."""

    name: str
    documents: list[Document]
    same_fact: set[tuple[str, int, str, int]] = field(default_factory=set)  # (article, sentence) pairs, both ways


@dataclass
class Tally:
    """Counts behind precision and recall of "shared", and of "unique"."""

    predicted: int = 0
    correct: int = 0
    with_counterpart: int = 0
    found: int = 0
    unique: int = 0
    unique_wrong: int = 0  # unique, yet another article states it
    unique_furniture: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.with_counterpart if self.with_counterpart else None


def load_groups() -> tuple[list[Group], set[tuple[str, int]]]:
    """The reading_dev groups with their same-fact pairs, and the sentences labelled furniture."""
    gold = json.loads(GOLD.read_text())["articles"]
    shift = {a["gold_id"]: 0 if a["title"] else 1 for a in gold}  # gold offsets count a "\n" before untitled text
    documents: dict[str, Document] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for record in gold:
        article = Article(title=record["title"], text=record["text"], id=record["gold_id"])
        article.language = record["language"]
        documents[article.id] = make_document(article)
        members[record["group"]].append(article.id)

    def sentence_at(article: str, start: int) -> int:
        document = documents[article]
        return next(s.index for s in document.sentences if s.start == start - shift[article])

    groups = {name: Group(name, [documents[a] for a in ids]) for name, ids in members.items()}
    for line in (LABELS / "statement_pairs.jsonl").read_text().splitlines():
        pair = json.loads(line)
        if pair["same_fact"]:
            first = (pair["a"], sentence_at(pair["a"], pair["a_start"]))
            second = (pair["b"], sentence_at(pair["b"], pair["b_start"]))
            groups[pair["group"]].same_fact |= {(*first, *second), (*second, *first)}
    furniture = set()
    for line in (LABELS / "furniture.jsonl").read_text().splitlines():
        label = json.loads(line)
        if label["source"] == "reading_dev" and label["furniture"]:
            furniture.add((label["article"], sentence_at(label["article"], label["start"])))
    return list(groups.values()), furniture


def load_before(rev: str) -> ModuleType:
    """``babelwire.coverage`` as it was at ``rev``, as a module of its own."""
    source = subprocess.run(["git", "show", f"{rev}:src/babelwire/coverage.py"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "coverage_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("coverage_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_before"] = module
    spec.loader.exec_module(module)
    return module


def language_pair(first: str, second: str) -> str:
    return "–".join(sorted((first, second)))


def score_group(group: Group, result: coverage.Coverage, statements: Sequence[coverage.Statement],
                furniture: set[tuple[str, int]]) -> dict[str, Tally]:
    """Tallies per language pair of one group's coverage against its labels."""
    sentence_of = {(s.article_id, s.text): s.sentence for s in statements}
    language = {d.article_id: d.language for d in group.documents}
    real = {(d.article_id, s.index) for d in group.documents for s in d.body_sentences
            if len(s.text.split()) >= coverage.MIN_STATEMENT_WORDS and (d.article_id, s.index) not in furniture}
    tallies: dict[str, Tally] = defaultdict(Tally)
    for document in group.documents:
        for other in group.documents:
            if other is document:
                continue
            pair = language_pair(document.language, other.language)
            for own in (s.index for s in document.body_sentences):
                if (document.article_id, own) in real and any(
                        (document.article_id, own, other.article_id, index) in group.same_fact
                        for article, index in real if article == other.article_id):
                    tallies[pair].with_counterpart += 1
    for article, found in result.articles.items():
        for statement, matches in found.shared:
            for match in matches:
                pair = tallies[language_pair(language[article], match.language)]
                right = (article, statement.sentence, match.article_id,
                         sentence_of[(match.article_id, match.text)]) in group.same_fact
                pair.predicted += 1
                pair.correct += right
                pair.found += right and (article, statement.sentence) in real
        for statement in found.unique:
            tally = tallies["unique"]
            tally.unique += 1
            tally.unique_wrong += any(key[:2] == (article, statement.sentence) for key in group.same_fact)
            tally.unique_furniture += (article, statement.sentence) in furniture
    return tallies


_VECTORS: dict[tuple[str, ...], np.ndarray] = {}


def statement_vectors(encoder: Encoder, statements: Sequence[coverage.Statement]) -> np.ndarray:
    """The statements' vectors, kept in memory: cross-validation asks for the same ones many times."""
    texts = tuple(s.text for s in statements)
    if texts not in _VECTORS:
        _VECTORS[texts] = encoder.encode(list(texts)) if texts else np.zeros((0, encoder.dim))
    return _VECTORS[texts]


def run_coverage(groups: Sequence[Group], encoder: Encoder, furniture: set[tuple[str, int]],
                 compare: Callable[[Group, list[coverage.Statement], np.ndarray], coverage.Coverage],
                 statements_fn: Callable[[Document], list[coverage.Statement]]) -> dict[str, Tally]:
    """Tallies over all groups of one way of comparing."""
    total: dict[str, Tally] = defaultdict(Tally)
    for group in groups:
        statements = [s for d in group.documents for s in statements_fn(d)]
        result = compare(group, statements, statement_vectors(encoder, statements))
        for key, tally in score_group(group, result, statements, furniture).items():
            total[key].add(tally)
    return total


def training_rows(groups: Sequence[Group], encoder: Encoder) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The evidence on every candidate match (:func:`candidate_matches`) with its label and its group."""
    features, labels, names = [], [], []
    for group in groups:
        statements = [s for d in group.documents for s in statements_of(d)]
        vectors = statement_vectors(encoder, statements)
        for candidates in candidate_matches(statements, vectors @ vectors.T):
            for candidate in candidates:
                first, second = statements[candidate.row], statements[candidate.column]
                features.append(candidate.evidence.terms())
                labels.append((first.article_id, first.sentence, second.article_id, second.sentence)
                              in group.same_fact)
                names.append(group.name)
    return np.array(features), np.array(labels), names


def fit_model(features: np.ndarray, labels: np.ndarray, shared: float, near: float) -> SameFactModel:
    """A standardised, L2-regularised logistic regression, written back in the raw terms' units."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=1.0, max_iter=5000).fit((features - mean) / scale, labels)
    weights = fitted.coef_[0] / scale
    intercept = float(fitted.intercept_[0] - (fitted.coef_[0] * mean / scale).sum())
    return SameFactModel(round(intercept, 4), tuple(round(float(w), 4) for w in weights), shared, near)


def summed(tallies: dict[str, Tally], keys: Sequence[str] | None = None) -> Tally:
    total = Tally()
    for key, tally in tallies.items():
        if key != "unique" and (keys is None or key in keys):
            total.add(tally)
    return total


def choose_bar(groups: Sequence[Group], encoder: Encoder, furniture: set[tuple[str, int]],
               model: SameFactModel) -> float:
    """The lowest "shared" bar at which the groups' own decisions reach :data:`PRECISION_GOAL`."""
    for bar in BARS:
        candidate = SameFactModel(model.intercept, model.weights, bar, min(model.near, bar))
        total = summed(run_after(groups, encoder, furniture, candidate))
        if (total.precision or 0.0) >= PRECISION_GOAL + 0.02:  # a little headroom: the bar is fitted in-sample
            return bar
    return BARS[-1]


def run_after(groups: Sequence[Group], encoder: Encoder, furniture: set[tuple[str, int]],
              model: SameFactModel) -> dict[str, Tally]:
    comparer = CoverageComparer(encoder, model)
    return run_coverage(groups, encoder, furniture, lambda g, s, v: comparer.compare(g.documents, v), statements_of)


def cross_validated(groups: Sequence[Group], encoder: Encoder, furniture: set[tuple[str, int]],
                    near: float) -> tuple[dict[str, Tally], list[float]]:
    """Leave one group out: fit the model and choose its bar on the others, decide the one left out."""
    features, labels, names = training_rows(groups, encoder)
    total: dict[str, Tally] = defaultdict(Tally)
    bars = []
    for held in groups:
        rest = [g for g in groups if g is not held]
        train = np.array([name != held.name for name in names])
        model = fit_model(features[train], labels[train], 0.5, near)
        bar = choose_bar(rest, encoder, furniture, model)
        bars.append(bar)
        model = SameFactModel(model.intercept, model.weights, bar, min(near, bar))
        for key, tally in run_after([held], encoder, furniture, model).items():
            total[key].add(tally)
    return total, bars


def furniture_rows(groups: Sequence[Group], furniture: set[tuple[str, int]]) -> dict[str, int]:
    """How many labelled furniture lines and real sentences (of statement length) the filter drops."""
    counts = {"furniture": 0, "furniture_dropped": 0, "real": 0, "real_dropped": 0}
    for group in groups:
        for document in group.documents:
            dropped = coverage.furniture_of(document)
            for sentence in document.body_sentences:
                if len(sentence.text.split()) < coverage.MIN_STATEMENT_WORDS:
                    continue  # too short to be a statement either way
                kind = "furniture" if (document.article_id, sentence.index) in furniture else "real"
                counts[kind] += 1
                counts[f"{kind}_dropped"] += sentence.index in dropped
    return counts


def wikinews_furniture() -> dict[str, int]:
    """The filter on WikinewsSum source pages (other events than reading_dev's), against the labels there.

    The labels cover every sentence of five words or more that the filter dropped when they were made
    (furniture, the page's own headline, a real statement, or a verbatim repeat of an earlier line) and a
    random sample of 120 short lines (5–12 words) that it kept.
    """
    labels = {}
    for line in (LABELS / "furniture.jsonl").read_text().splitlines():
        label = json.loads(line)
        if label["source"] == "wikinews":
            labels[(label["article"], label["start"])] = label
    events = [json.loads(line) for line in WIKINEWS.read_text().splitlines()]
    counts: dict[str, int] = defaultdict(int)
    for article_id in sorted({article for article, _ in labels}):
        _, event, source = article_id.split("-")
        record = events[int(event)]["sources"][int(source)]
        article = Article(title="", text=record["maintext"], id=article_id)
        article.language = "en"  # as when labelled (sentence splitting is the same for every alphabetic language)
        document = make_document(article)
        dropped = coverage.furniture_of(document)
        for sentence in document.body_sentences:
            if len(sentence.text.split()) < coverage.MIN_STATEMENT_WORDS:
                continue
            label = labels.get((article_id, sentence.start))
            if sentence.index in dropped:
                counts[f"dropped_{label['kind'] if label else 'unlabelled'}"] += 1
            elif label and label["sample"] == "kept":
                counts[f"kept_sample_{label['kind']}"] += 1
            if label and label["sample"] == "kept":
                counts[f"sample_{label['kind']}"] += 1
                counts[f"sample_{label['kind']}_dropped"] += sentence.index in dropped
    return dict(sorted(counts.items()))


def _fraction(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calibrate", action="store_true", help="fit the same-fact model and print it")
    parser.add_argument("--before-rev", default=BEFORE_REV, help="git revision of the 'before' coverage code")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    options = parser.parse_args()
    info = machine()
    encoder = CachedEncoder(make_encoder("e5"), EMBEDDING_CACHE)
    groups, furniture = load_groups()
    log(f"{len(groups)} groups, {sum(len(g.same_fact) for g in groups) // 2} same-fact pairs")
    if options.calibrate:
        features, labels, _ = training_rows(groups, encoder)
        model = fit_model(features, labels, 0.5, coverage.SAME_FACT.near)
        bar = choose_bar(groups, encoder, furniture, model)
        print(f"{len(labels)} candidate matches, {int(labels.sum())} stating the same fact")
        print(f"SameFactModel(intercept={model.intercept}, weights={model.weights}, shared={bar}, near=...)")
        for shared in BARS:
            tally = summed(run_after(groups, encoder, furniture, SameFactModel(
                model.intercept, model.weights, shared, min(shared, coverage.SAME_FACT.near))))
            print(f"  bar {shared:.3f}: precision {tally.precision or 0:.3f} recall {tally.recall or 0:.3f} "
                  f"({tally.predicted} decisions)")
        for near in NEAR_BARS:
            unique = run_after(groups, encoder, furniture, SameFactModel(
                model.intercept, model.weights, bar, near))["unique"]
            print(f"  near {near:.3f}: {unique.unique} unique, {unique.unique_wrong} of them stated elsewhere")
        return
    before = load_before(options.before_rev)
    old = before.CoverageComparer(encoder)
    rows = {
        "before": run_coverage(groups, encoder, furniture, lambda g, s, v: old.compare(g.documents, v),
                               before.statements_of),
        "after": run_after(groups, encoder, furniture, coverage.SAME_FACT),
    }
    rows["after, cross-validated"], bars = cross_validated(groups, encoder, furniture, coverage.SAME_FACT.near)
    pairs = sorted({key for tallies in rows.values() for key in tallies if key != "unique"})
    cross = [p for p in pairs if p.split("–")[0] != p.split("–")[1]]
    summary: dict[str, dict[str, dict[str, float | int | None]]] = {}
    result: dict[str, object] = {"machine": info, "bars_chosen_in_cv": bars, "rows": summary}
    labels = ["all", "cross-language", *pairs]
    for name, tallies in rows.items():
        columns = [("all", summed(tallies)), ("cross-language", summed(tallies, cross))]
        columns += [(pair, tallies[pair]) for pair in pairs]
        summary[name] = {label: {"precision": _fraction(t.precision), "recall": _fraction(t.recall),
                                        "shared": t.predicted, "with_counterpart": t.with_counterpart}
                                for label, t in columns}
        unique = tallies["unique"]
        summary[name]["unique"] = {"listed": unique.unique, "stated_elsewhere": unique.unique_wrong,
                                          "furniture": unique.unique_furniture}
    table = []
    for label in labels:
        cells = [summary[name][label] for name in rows]
        table.append([label, cells[0]["with_counterpart"], *(
            f"{cell['precision']} / {cell['recall']} ({cell['shared']})" for cell in cells)])
    table.append(["unique: listed (stated elsewhere, furniture)", "–", *(
        "{listed} ({stated_elsewhere}, {furniture})".format(**summary[name]["unique"]) for name in rows)])
    headers = ["language pair", "with counterpart", *(f"{name}: P / R (shared)" for name in rows)]
    counts = furniture_rows(groups, furniture)
    result["furniture"] = counts
    furniture_table = format_table(
        ["filter", "furniture lines", "dropped", "real sentences", "dropped by mistake"],
        [["furniture_of", counts["furniture"], counts["furniture_dropped"], counts["real"], counts["real_dropped"]]],
        "Page furniture among reading_dev body sentences of five words or more (labelled one by one)")
    wikinews = wikinews_furniture()
    result["furniture_wikinews"] = wikinews
    wikinews_table = format_table(
        ["lines", "furniture", "headline", "real statement", "verbatim repeat", "unlabelled"],
        [["dropped by furniture_of", *(wikinews.get(f"dropped_{kind}", 0) for kind in
                                       ("furniture", "headline", "statement", "repeat", "unlabelled"))],
         ["random sample of kept short lines", *(wikinews.get(f"sample_{kind}", 0) for kind in
                                                 ("furniture", "headline", "statement")), "–", "–"],
         ["  of which dropped now", *(wikinews.get(f"sample_{kind}_dropped", 0) for kind in
                                      ("furniture", "headline", "statement")), "–", "–"]],
        "Page furniture on WikinewsSum source pages (sentences of five words or more, labelled by reading)")
    emit(result, [format_table(headers, table, "Precision / recall of \"shared\" per language pair "
                               f"(reading_dev, {sum(len(g.same_fact) for g in groups) // 2} same-fact pairs)"),
                  furniture_table, wikinews_table], options.json)


if __name__ == "__main__":
    main()
