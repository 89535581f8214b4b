"""A metric learned for news events: fit (and measure) a linear map on the frozen, neutralised e5 vectors.

The linker compares articles by the cosine of language-neutralised e5 vectors of a 700-character lead
(``E5Encoder``). That cosine knows topics well and events less well. This script learns a linear map
``y = unit(M (x − mean))`` on those vectors from labelled same-event / different-event pairs and writes it to
``src/babelwire/data/e5_event_metric.npz`` (``babelwire.encoders.EventMetric``; the spec ``e5+event`` uses it).

**Protocol (fixed before any fit).** Each data set is cut, by event, into an untouched slice and a
development part; nothing about the untouched slice is used for any choice or fit:

- SemEval-2022 Task 8 dev pairs, grouped by shared articles (connected components): untouched is every
  group holding a pair of ``bench/pairs.py``'s held-out slice (``is_held_out(pair_id)``) or of
  ``bench/crosslingual_stream.py``'s untouched slice (``is_held_out(pair_id, 4)``, or an article
  ``is_held_out(article_id, 4)``), so no article is on both sides;
- UCI headlines: stories with ``is_held_out(story, 4)``;
- Wikinews: events (lines) with ``is_held_out("event-LINE", 4)``.

On the development part, 5-fold cross-validation by event (SemEval: connected groups of pairs sharing an
article; UCI: stories; Wikinews: events) picks the map's settings (λ, rank, γ below) by the mean gain over
today's cosine of three fold scores: SemEval Pearson(cosine, −Overall), and for UCI and Wikinews the ROC
AUC of cosine between same-event and different-event pairs. The map is then refitted on the whole
development part.

**The map.** Closed form, no iterative training: with ``S_w`` the mean outer product of same-event pair
differences (SemEval Overall ≤ 1.5, UCI same story, Wikinews same event) and ``S_b`` that of different-event
pair differences (SemEval Overall ≥ 2.5, i.e. also same-topic pairs; random pairs of two stories or events),
each data set weighted equally, ``M``'s rows are the top ``rank`` generalised eigenvectors of
``S_b v = μ (S_w + λ·tr(S_w)/d·I) v``, scaled by μ^γ: directions that tell events apart relative to how much
one event's articles vary along them (LDA on pair differences). At full rank and γ = 0 this is regularised
within-event whitening; λ → ∞ gives back today's cosine.

**Linker level** (``--linker``): the real tracker on UCI and Wikinews (and with ``--stream`` the
cross-lingual stream), the link threshold of both vectors tuned on the development parts on one grid
(merge threshold = link + today's gap). ``--demo``: ``make demo``'s corpus grouped before and after.

Run from the repo root (raw e5 vectors cached in ``--cache``; a first run encodes ~7,500 texts, about two
hours on a busy 2-core machine: ``--cached-only`` uses the SemEval pairs encoded so far; set
``OMP_NUM_THREADS=1`` on a shared machine)::

    .venv/bin/python bench/event_metric.py                    # CV, fit, write the .npz, pair-level report
    .venv/bin/python bench/event_metric.py --no-write         # the same without writing
    .venv/bin/python bench/event_metric.py --linker --stream --thresholds 0.25 0.3 0.35 0.4 --also 0.35 0.4
    .venv/bin/python bench/event_metric.py --demo --thresholds 0.3 0.35
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babelwire import Settings
from babelwire.analysis import Components, build_stages
from babelwire.encoders import (
    BUNDLED_EVENT_METRIC,
    BUNDLED_NEUTRALIZER,
    CachedEncoder,
    E5Encoder,
    EventMetric,
    LinearNeutralizer,
)
from babelwire.evaluation import is_held_out, load_pairs, pearson
from babelwire.tracker import make_language_identifier
from common import EMBEDDING_CACHE, SEMEVAL_PAIRS, UCI_HEADLINES, emit, format_table, log, machine, make_parser

WIKINEWS_EVENTS = SEMEVAL_PAIRS.parent.parent / "wikinews_sources" / "events.jsonl"
SEED = 17
FOLDS = 5
SAME_MAX = 1.5  # SemEval Overall at or below: same event
DIFFERENT_MIN = 2.5  # at or above: another event (same-topic pairs included: the ones to tell apart)
LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0)  # λ → ∞ gives back today's cosine (rank 384, γ = 0)
RANKS = (128, 384)
GAMMAS = (0.0, 0.5)  # rows scaled by μ^γ: 0 = within-event whitening only, 0.5 = also stretch telling directions
PAIRS_PER_STORY = 200  # same-story pairs sampled per UCI story (the big ones have ~10^5)


# --- encoders: raw e5 cached once, the neutraliser (and the map) applied here ---------------------------


class Neutralised:
    """The product's ``E5Encoder()`` vectors, from a cache of raw e5 vectors (so each text is encoded once)."""

    dim = 384

    def __init__(self, cache: Path):
        self.raw = CachedEncoder(E5Encoder(neutralize=False), cache)
        self.neutralizer = LinearNeutralizer.load(BUNDLED_NEUTRALIZER)
        self.name = E5Encoder().name  # builds no model: the key the bundled map is fitted for
        assert self.name == f"{self.raw.name}+{self.neutralizer.name}"

    def cached(self, texts: Sequence[str], kind: str = "passage") -> set[str]:
        """Those of ``texts`` whose raw vector is in the cache already."""
        keys = {self.raw._key(text, kind): text for text in texts}
        found = set()
        for start in range(0, len(keys), 500):
            chunk = list(keys)[start : start + 500]
            rows = self.raw._db.execute(f"SELECT key FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update(keys[key] for (key,) in rows)
        return found

    def encode(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        return self.neutralizer(self.raw.encode(texts, kind)) if len(texts) else np.zeros((0, self.dim), np.float32)


# --- data ----------------------------------------------------------------------------------------------


@dataclass
class PairSet:
    """SemEval pairs as vectors: both sides, the score, the fold group and the slice."""

    first: np.ndarray
    second: np.ndarray
    overall: np.ndarray
    group: np.ndarray  # connected component of the article graph (named by one of its article ids)
    untouched: np.ndarray
    cross: np.ndarray
    translated: np.ndarray
    pair_ids: list[str]


def _components(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[find(a)] = find(b)
    return {node: find(node) for node in list(parent)}


def semeval(encoder: Neutralised, cached_only: bool = False) -> PairSet:
    """The dev pairs ``bench/pairs.py`` scores (min_chars=20), with the lead the linker embeds.

    ``cached_only``: only the pairs whose two leads are in the cache already (a run short of time).
    """
    from pairs import lead, prepare_sentences

    pairs, _ = load_pairs(SEMEVAL_PAIRS, min_chars=20)
    prepare_sentences(pairs)
    leads = [(lead(pair.first), lead(pair.second)) for pair in pairs]
    ids = [tuple(pair.pair_id.split("_", 1)) if "_" in pair.pair_id else (pair.pair_id + "a", pair.pair_id + "b")
           for pair in pairs]
    # the groups: pairs joined by a shared article. Untouched: every group holding a pair of bench/pairs.py's
    # held-out slice or of the stream's untouched slice (pair or article), so no article is on both sides
    component = _components(list(ids))
    group_names = [component[a] for a, _ in ids]
    seeded = {group for group, pair, both in zip(group_names, pairs, ids, strict=True)
              if is_held_out(pair.pair_id) or is_held_out(pair.pair_id, 4) or any(is_held_out(a, 4) for a in both)}
    untouched = np.array([group in seeded for group in group_names])
    keep = np.ones(len(pairs), bool)
    if cached_only:
        found = encoder.cached([text for both in leads for text in both])
        keep = np.array([a in found and b in found for a, b in leads])
        log(f"  --cached-only: {keep.sum()} of {len(pairs)} pairs have both leads cached")
    pairs = [pair for pair, k in zip(pairs, keep, strict=True) if k]
    leads = [both for both, k in zip(leads, keep, strict=True) if k]
    group_names = [g for g, k in zip(group_names, keep, strict=True) if k]
    untouched = untouched[keep]
    unique = list(dict.fromkeys(text for both in leads for text in both))
    vectors = {}
    for start in range(0, len(unique), 64):
        vectors.update(zip(unique[start : start + 64], encoder.encode(unique[start : start + 64]), strict=True))
        log(f"  SemEval leads {min(start + 64, len(unique))}/{len(unique)}")
    return PairSet(
        np.stack([vectors[a] for a, _ in leads]), np.stack([vectors[b] for _, b in leads]),
        np.array([pair.overall for pair in pairs]), np.array(group_names), untouched,
        np.array([pair.first.language != pair.second.language for pair in pairs]),
        np.array([pair.machine_translated for pair in pairs]), [pair.pair_id for pair in pairs],
    )


@dataclass
class Clustered:
    """Articles with an event label, as vectors; ``untouched`` per article (by event)."""

    vectors: np.ndarray
    event: np.ndarray
    untouched: np.ndarray
    language: list[str]


def linker_vectors(articles: list, encoder: Neutralised) -> tuple[np.ndarray, np.ndarray]:
    """The vectors the tracker stores (the product's stages); and which articles got one (junk gets none)."""
    settings = Settings()
    components = Components(settings, encoder, make_language_identifier(settings))
    for stage in build_stages(settings.stages, components):
        articles = stage(articles)
    kept = np.array([article.embedding is not None for article in articles])
    return np.stack([article.embedding for article in articles if article.embedding is not None]), kept


def uci(encoder: Neutralised) -> Clustered:
    from clusters import kept_by_tracker, load_items

    items = kept_by_tracker(load_items(UCI_HEADLINES, None), Settings())
    vectors, kept = linker_vectors([item.article for item in items], encoder)
    items = [item for item, keep in zip(items, kept, strict=True) if keep]
    stories = [str(item.cluster) for item in items]
    return Clustered(vectors, np.array(stories), np.array([is_held_out(s, 4) for s in stories]),
                     [item.article.language for item in items])


def wikinews(encoder: Neutralised) -> Clustered:
    from clusters import kept_by_tracker
    from wikinews import read_sources

    sources, _, _ = read_sources(WIKINEWS_EVENTS, Settings().min_text_chars)
    items = kept_by_tracker([item for item, _ in sources], Settings())
    vectors, kept = linker_vectors([item.article for item in items], encoder)
    items = [item for item, keep in zip(items, kept, strict=True) if keep]
    events = [str(item.cluster) for item in items]
    return Clustered(vectors, np.array(events), np.array([is_held_out(e, 4) for e in events]),
                     [item.article.language for item in items])


def cluster_pairs(data: Clustered, rows: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same-event pairs (sampled in big events) and as many different-event pairs, among ``rows``."""
    rng = np.random.default_rng(seed)
    by_event: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_event[data.event[row]].append(int(row))
    first, second = [], []
    for members in by_event.values():
        all_pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        if len(all_pairs) > PAIRS_PER_STORY:
            all_pairs = [all_pairs[k] for k in rng.choice(len(all_pairs), PAIRS_PER_STORY, replace=False)]
        first += [a for a, _ in all_pairs]
        second += [b for _, b in all_pairs]
    same = len(first)
    rows = np.asarray(rows)
    while len(first) < 2 * same:
        a, b = rng.choice(rows, 2)
        if data.event[a] != data.event[b]:
            first.append(int(a))
            second.append(int(b))
    label = np.r_[np.ones(same, bool), np.zeros(len(first) - same, bool)]
    return np.array(first), np.array(second), label


# --- the map -----------------------------------------------------------------------------------------


def scatter(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    diff = (a - b).astype(np.float64)
    return diff.T @ diff / max(1, len(diff))


def fit(within: list[np.ndarray], between: list[np.ndarray], lam: float, rank: int, gamma: float = 0.0) -> np.ndarray:
    """Rows of M: the top ``rank`` generalised eigenvectors of (mean between, mean regularised within), each
    scaled by its eigenvalue μ to the power ``gamma``. At full rank and γ = 0 the cosine is that of
    within-event-whitened vectors, (S_w + λ·tr(S_w)/d·I)^{-1/2} x: the eigenvectors only rotate."""
    s_w = sum(within) / len(within)
    s_b = sum(between) / len(between)
    d = s_w.shape[0]
    s_w = s_w + lam * np.trace(s_w) / d * np.eye(d)
    # S_w^{-1/2} S_b S_w^{-1/2} = U diag(μ) Uᵀ; v = S_w^{-1/2} u
    values, vectors = np.linalg.eigh(s_w)
    root = vectors @ np.diag(values**-0.5) @ vectors.T
    mu, u = np.linalg.eigh(root @ s_b @ root)
    order = np.argsort(mu)[::-1][:rank]
    scale = np.maximum(mu[order], 1e-12) ** gamma
    return ((root @ u[:, order]) * scale).T.astype(np.float32)


def cosines(matrix: np.ndarray | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if matrix is not None:
        a, b = a @ matrix.T, b @ matrix.T
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", a, b)


def auc(scores: np.ndarray, label: np.ndarray) -> float:
    """ROC AUC by ranks (cosines are continuous: no ties to split)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = label.sum()
    return float((ranks[label].sum() - positives * (positives + 1) / 2) / (positives * (len(label) - positives)))


def folds_of(groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A fold number per row, whole groups (events) at a time."""
    names = sorted(set(groups.tolist()), key=lambda g: hashlib.sha1(f"{seed}:{g}".encode()).hexdigest())
    fold = {name: n % folds for n, name in enumerate(names)}
    return np.array([fold[g] for g in groups.tolist()])


@dataclass
class Training:
    """Scatter matrices of one part of the development data, per data set."""

    within: list[np.ndarray]
    between: list[np.ndarray]


def training_scatters(sem: PairSet, sem_rows: np.ndarray, clustered: list[tuple[Clustered, np.ndarray]]) -> Training:
    same = sem_rows & (sem.overall <= SAME_MAX)
    diff = sem_rows & (sem.overall >= DIFFERENT_MIN)
    within = [scatter(sem.first[same], sem.second[same])]
    between = [scatter(sem.first[diff], sem.second[diff])]
    for data, rows in clustered:
        a, b, label = cluster_pairs(data, np.flatnonzero(rows), SEED)
        within.append(scatter(data.vectors[a[label]], data.vectors[b[label]]))
        between.append(scatter(data.vectors[a[~label]], data.vectors[b[~label]]))
    return Training(within, between)


def evaluate(matrix: np.ndarray | None, sem: PairSet, sem_rows: np.ndarray,
             clustered: dict[str, tuple[Clustered, np.ndarray]]) -> dict[str, float]:
    """SemEval Pearson on ``sem_rows``; AUC of same vs different pairs on each clustered set's rows."""
    out = {"semeval": pearson(cosines(matrix, sem.first[sem_rows], sem.second[sem_rows]), -sem.overall[sem_rows])}
    for name, (data, rows) in clustered.items():
        a, b, label = cluster_pairs(data, np.flatnonzero(rows), SEED + 1)
        out[name] = auc(cosines(matrix, data.vectors[a], data.vectors[b]), label)
    return out


def cross_validate(sem: PairSet, uci_data: Clustered, wiki: Clustered) -> dict[tuple[float, int], dict[str, float]]:
    """Mean fold scores of every (λ, rank) on the development part, folds by event; and the baseline."""
    sem_fold = folds_of(sem.group, FOLDS, SEED)
    uci_fold = folds_of(uci_data.event, FOLDS, SEED)
    wiki_fold = folds_of(wiki.event, FOLDS, SEED)
    sem_dev, uci_dev, wiki_dev = ~sem.untouched, ~uci_data.untouched, ~wiki.untouched
    results: dict = defaultdict(lambda: defaultdict(list))
    for fold in range(FOLDS):
        train = training_scatters(sem, sem_dev & (sem_fold != fold),
                                  [(uci_data, uci_dev & (uci_fold != fold)), (wiki, wiki_dev & (wiki_fold != fold))])
        test = (sem_dev & (sem_fold == fold),
                {"uci": (uci_data, uci_dev & (uci_fold == fold)), "wikinews": (wiki, wiki_dev & (wiki_fold == fold))})
        for key, scores in evaluate(None, sem, *test).items():
            results["baseline"][key].append(scores)
        for lam in LAMBDAS:
            for rank in RANKS:
                for gamma in GAMMAS:
                    matrix = fit(train.within, train.between, lam, rank, gamma)
                    for key, scores in evaluate(matrix, sem, *test).items():
                        results[(lam, rank, gamma)][key].append(scores)
    return {setting: {key: float(np.mean(values)) for key, values in scores.items()}
            for setting, scores in results.items()}


def choose(cv: dict) -> tuple[float, int, float]:
    """The setting with the best mean over the three data sets of (score − baseline score)."""
    base = cv["baseline"]
    gains = {setting: np.mean([scores[k] - base[k] for k in base]) for setting, scores in cv.items()
             if setting != "baseline"}
    return max(gains, key=lambda setting: gains[setting])


def save(path: Path, matrix: np.ndarray, encoder: str, lam: float, rank: int, gamma: float) -> None:
    np.savez_compressed(path, matrix=matrix.astype(np.float32), mean=np.zeros(matrix.shape[1], np.float32),
                        encoder=np.array(encoder), lam=np.array(lam), rank=np.array(rank), gamma=np.array(gamma),
                        seed=np.array(SEED))


# --- linker level: the real tracker on each data set, before and after ---------------------------------------

THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
#: today's gap between the two thresholds (0.60 − 0.35) is kept when the link threshold moves
MERGE_GAP = Settings().merge_threshold - Settings().link_threshold


def linker_settings(threshold: float) -> Settings:
    return Settings(link_threshold=threshold, merge_threshold=round(threshold + MERGE_GAP, 4))


def uci_items(part: str) -> list:
    from clusters import load_items

    items = load_items(UCI_HEADLINES, None)
    return [item for item in items if part == "all" or is_held_out(str(item.cluster), 4) == (part == "untouched")]


def wikinews_items(part: str) -> list:
    from wikinews import stream_order

    ordered, _ = stream_order(WIKINEWS_EVENTS, 0, None, Settings())
    return [item for item, _ in ordered
            if part == "all" or is_held_out(str(item.cluster), 4) == (part == "untouched")]


def clustering(items_of, part: str, encoder, threshold: float) -> dict:
    from babelwire import Tracker
    from babelwire.evaluation import evaluate_clusters

    return evaluate_clusters(items_of(part), lambda db: Tracker(db, linker_settings(threshold), encoder=encoder))


def threshold_shares(sem: PairSet, matrix: np.ndarray | None, threshold: float) -> dict[str, str]:
    """Pair-level stand-ins for the stream's measures: the share of cross-lingual same-event pairs
    (Overall ≤ 1.5) whose cosine reaches the link threshold, and of unrelated pairs (≥ 3.5) that do."""
    cos = cosines(matrix, sem.first, sem.second)
    out = {}
    for part, rows in (("development", ~sem.untouched), ("untouched", sem.untouched)):
        same = rows & sem.cross & (sem.overall <= SAME_MAX)
        human = same & ~sem.translated
        apart = rows & (sem.overall >= 3.5)
        for name, chosen in (("cross-lingual same-event", same), ("of them human-written", human),
                             ("rated unrelated (≥ 3.5)", apart)):
            hits, total = int((cos[chosen] >= threshold).sum()), int(chosen.sum())
            out[f"SemEval pairs at or above the link threshold, {name}, {part}"] = (
                f"{hits}/{total} = {100 * hits / total:.1f} %" if total else "–")
    return out


def linker_report(cache: Path, metric_path: Path, stream: bool, cached_only: bool,
                  thresholds: Sequence[float] = THRESHOLDS, also: Sequence[float] = ()) -> tuple[dict, list[str]]:
    """Tune the link threshold of both vectors on the development parts (the same grid, so the comparison is
    fair); then every data set: today's vectors at the product's threshold and at their tuned one, and the
    mapped vectors at theirs."""
    import crosslingual_stream
    from babelwire.encoders import EventMetricEncoder

    base = Neutralised(cache)
    mapped = EventMetricEncoder(base, EventMetric.load(metric_path))
    default = Settings().link_threshold
    tuning: dict[str, dict[float, tuple[float, float]]] = {"before": {}, "after": {}}
    for label, encoder in (("before", base), ("after", mapped)):
        for threshold in thresholds:
            uci_f1 = clustering(uci_items, "development", encoder, threshold)["bcubed_f1"]
            wiki_f1 = clustering(wikinews_items, "development", encoder, threshold)["bcubed_f1"]
            tuning[label][threshold] = (uci_f1, wiki_f1)
            log(f"  {label}, t={threshold}: UCI dev {uci_f1}, Wikinews dev {wiki_f1}")
    tuned = {label: max(grid, key=lambda t, grid=grid: sum(grid[t])) for label, grid in tuning.items()}
    columns = (("before", base, default), ("before, tuned", base, tuned["before"]),
               ("after", mapped, tuned["after"]), *((f"after at {t}", mapped, t) for t in also))
    rows: list[list] = []
    result: dict = {"tuning": {label: {str(t): v for t, v in grid.items()} for label, grid in tuning.items()},
                    "tuned_thresholds": tuned}
    for name, items_of in (("UCI", uci_items), ("Wikinews", wikinews_items)):
        for part in ("all", "untouched"):  # the development part's figures are the tuning table's
            scores = [clustering(items_of, part, encoder, threshold) for _, encoder, threshold in columns]
            result[f"{name} {part}"] = dict(zip([label for label, _, _ in columns], scores, strict=True))
            rows.append([f"{name} BCubed F1, {part} ({scores[0]['gold_clusters']} events, n={scores[0]['n']})",
                         *(score["bcubed_f1"] for score in scores)])
            log(f"  {rows[-1]}")
    sem = semeval(base, cached_only)
    shares = [threshold_shares(sem, None if encoder is base else mapped.metric.matrix, threshold)
              for _, encoder, threshold in columns]
    rows += [[key, *(share[key] for share in shares)] for key in shares[0]]
    if stream:  # the real tracker on the stream's 1,239 articles (each must be encoded once)
        done: dict[tuple[int, float], dict] = {}
        for label, encoder, threshold in columns:  # "before" and "before, tuned" may be one run
            key = (id(encoder), threshold)
            if key not in done:
                run = crosslingual_stream.run(SEMEVAL_PAIRS, 0, cache, linker_settings(threshold), encoder)
                done[key] = crosslingual_stream.summary(run)
            result[f"stream {label}"] = done[key]
        for key in result["stream before"]:
            if "rated unrelated" in key or key.startswith(("joined, human", "merged")):
                rows.append([f"stream: {key}", *(result[f"stream {label}"][key]["all"] for label, _, _ in columns)])
    tuning_rows = [[t, *tuning["before"][t], *tuning["after"][t]] for t in thresholds]
    return result, [
        format_table(["link threshold (merge = link + 0.25)", "UCI dev F1, before", "Wikinews dev F1, before",
                      "UCI dev F1, after", "Wikinews dev F1, after"], tuning_rows,
                     f"Link threshold tuned on the development parts (best sum: before {tuned['before']}, "
                     f"after {tuned['after']})"),
        format_table(["measure", f"before (t={default}, product)", f"before (t={tuned['before']}, tuned)",
                      f"after: event metric (t={tuned['after']}, tuned)", *(f"event metric, t={t}" for t in also)],
                     rows, "Linker level, before and after"),
    ]


def demo_report(cache: Path, metric_path: Path, thresholds: Sequence[float]) -> tuple[dict, list[str]]:
    """``make demo``'s corpus (demo/corpus, labelled in demo/labels.csv): events split over several stories and
    stories mixing events, today's vectors at the product's threshold against the mapped ones at each threshold."""
    import csv
    import tempfile

    from babelwire import Tracker
    from babelwire.encoders import EventMetricEncoder

    demo = Path(__file__).resolve().parent.parent / "demo"
    labels = {row["file"]: row["event"] for row in csv.DictReader((demo / "labels.csv").open())}
    base = Neutralised(cache)
    mapped = EventMetricEncoder(base, EventMetric.load(metric_path))
    runs = [("before", base, Settings().link_threshold)] + [("after", mapped, t) for t in thresholds]
    rows, result = [], {}
    for label, encoder, threshold in runs:
        with tempfile.TemporaryDirectory() as folder, Tracker(Path(folder) / "demo.db", linker_settings(threshold),
                                                              encoder=encoder) as tracker:
            tracker.ingest([demo / "corpus"])
            stories_of: dict[str, set[int]] = defaultdict(set)
            events_of: dict[int, set[str]] = defaultdict(set)
            for story in tracker.stories():
                for article in tracker.story(story.id)[1] + tracker.story_copies(story.id):
                    stories_of[labels[Path(article.origin).name]].add(story.id)
                    events_of[story.id].add(labels[Path(article.origin).name])
        split = sorted(event for event, stories in stories_of.items() if len(stories) > 1)
        mixed = sum(len(events) > 1 for events in events_of.values())
        result[f"{label} t={threshold}"] = {"split": split, "mixed_stories": mixed, "stories": len(events_of)}
        rows.append([f"{label}, t={threshold}", len(events_of), len(set(labels.values())), len(split), mixed,
                     ", ".join(split) or "–"])
    return result, [format_table(["vectors", "stories", "events", "events split", "stories mixing events",
                                  "split"], rows, "make demo's corpus (59 files), grouped by a fresh tracker")]


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--cache", type=Path, default=EMBEDDING_CACHE, help="SQLite cache of raw e5 vectors")
    parser.add_argument("--out", type=Path, default=BUNDLED_EVENT_METRIC)
    parser.add_argument("--no-write", action="store_true", help="fit and report, but leave the .npz alone")
    parser.add_argument("--linker", action="store_true",
                        help="instead of fitting: the real tracker on UCI, Wikinews and the cross-lingual stream, "
                             "before and after the map in --out (its link threshold tuned on the development parts)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS,
                        help="with --linker: the link thresholds tried on the development parts")
    parser.add_argument("--also", type=float, nargs="*", default=(),
                        help="with --linker: also report the mapped vectors at these link thresholds")
    parser.add_argument("--stream", action="store_true",
                        help="with --linker: also the cross-lingual stream through a real tracker (1,239 articles)")
    parser.add_argument("--cached-only", action="store_true",
                        help="use only the SemEval pairs whose leads are cached (when encoding all is too slow)")
    parser.add_argument("--demo", action="store_true",
                        help="instead of fitting: the demo corpus's grouping before and after (--thresholds)")
    args = parser.parse_args()
    if args.demo:
        result, tables = demo_report(args.cache, args.out, args.thresholds)
        emit({"machine": machine(), **result}, tables, args.json)
        return
    if args.linker:
        result, tables = linker_report(args.cache, args.out, args.stream, args.cached_only, args.thresholds, args.also)
        emit({"machine": machine(), **result}, tables, args.json)
        return
    random.seed(SEED)
    info = machine()
    encoder = Neutralised(args.cache)
    log("SemEval …")
    sem = semeval(encoder, args.cached_only)
    log("UCI …")
    uci_data = uci(encoder)
    log("Wikinews …")
    wiki = wikinews(encoder)
    log("cross-validating …")
    cv = cross_validate(sem, uci_data, wiki)
    lam, rank, gamma = choose(cv)
    log(f"chosen λ={lam}, rank={rank}, γ={gamma}")
    train = training_scatters(sem, ~sem.untouched, [(uci_data, ~uci_data.untouched), (wiki, ~wiki.untouched)])
    matrix = fit(train.within, train.between, lam, rank, gamma)
    if not args.no_write:
        save(args.out, matrix, encoder.name, lam, rank, gamma)
        log(f"wrote {args.out} ({EventMetric.load(args.out).name})")
    # pair-level before/after on every slice
    slices = {
        "all": np.ones(len(sem.overall), bool), "cross-lingual": sem.cross,
        "cross-lingual original": sem.cross & ~sem.translated,
        "development": ~sem.untouched, "untouched": sem.untouched,
        "pairs.py held-out slice": np.array([is_held_out(p) for p in sem.pair_ids]),
    }
    sem_rows = []
    for name, rows in slices.items():
        before = pearson(cosines(None, sem.first[rows], sem.second[rows]), -sem.overall[rows])
        after = pearson(cosines(matrix, sem.first[rows], sem.second[rows]), -sem.overall[rows])
        sem_rows.append([f"SemEval Pearson, {name} (n={int(rows.sum())})", before, after])
    for name, data in (("UCI", uci_data), ("Wikinews", wiki)):
        for part, rows in (("development", ~data.untouched), ("untouched", data.untouched)):
            a, b, label = cluster_pairs(data, np.flatnonzero(rows), SEED + 2)
            sem_rows.append([f"{name} same/different AUC, {part} ({len(set(data.event[rows]))} events)",
                             auc(cosines(None, data.vectors[a], data.vectors[b]), label),
                             auc(cosines(matrix, data.vectors[a], data.vectors[b]), label)])
    cv_rows = [[str(setting), *(scores[k] for k in ("semeval", "uci", "wikinews"))] for setting, scores in cv.items()]
    result = {"machine": info, "chosen": {"lambda": lam, "rank": rank, "gamma": gamma},
              "cv": {str(k): v for k, v in cv.items()}, "pairs": sem_rows,
              "sizes": {"semeval_untouched": int(sem.untouched.sum()), "semeval": len(sem.overall),
                        "uci_untouched_events": len(set(uci_data.event[uci_data.untouched])),
                        "wikinews_untouched_events": len(set(wiki.event[wiki.untouched]))}}
    emit(result, [
        format_table(["setting (λ, rank, γ)", "SemEval Pearson", "UCI AUC", "Wikinews AUC"], cv_rows,
                     f"5-fold CV by event on the development part (chosen: λ={lam}, rank={rank}, γ={gamma})"),
        format_table(["measure", "before (neutralised e5)", "after (event metric)"], sem_rows,
                     "Pair level, before and after the map"),
    ], args.json)


if __name__ == "__main__":
    main()
