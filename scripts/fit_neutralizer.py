"""Fit the language-neutralising projection shipped with the e5 encoder.

Multilingual encoders mix two things into every vector: what a text says and
which language it says it in. The language part makes unrelated texts of one
language look alike and one event told in two languages look apart. This
script estimates that part from real news in many languages, without labels:

1. the mean vector (languages weighted equally), which every text shares;
2. the top principal directions of the centred vectors ("all-but-the-top",
   Mu & Viswanath 2018), dominated by style, length and language;
3. the directions in which the per-language means differ (the language
   identity subspace; cf. Libovický et al. 2020, Xie et al. 2022).

The encoder subtracts the mean and projects out (2) and (3). Run from the repo
root; it reads ``../shared/data/semeval2022_task8/dev_pairs.csv`` and writes
``src/babelwire/data/e5_neutralizer.npz``::

    .venv/bin/python scripts/fit_neutralizer.py
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from babelwire.encoders import E5Encoder

DEFAULT_DATA = Path("../shared/data/semeval2022_task8/dev_pairs.csv")
DEFAULT_OUT = Path("src/babelwire/data/e5_neutralizer.npz")


def sample_texts(path: Path, per_language: int, chars: int, seed: int) -> dict[str, list[str]]:
    """Up to ``per_language`` leads per language, sampled reproducibly.

    Machine-translated rows are kept: they are the only it/ru/zh texts in the
    file, and the language component is what is being measured here.
    """
    csv.field_size_limit(sys.maxsize)
    texts: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for side in ("1", "2"):
                text = f"{row['title' + side]}\n{row['text' + side]}".strip()
                if len(text) > 200:
                    texts.append((row["lang" + side], text[:chars]))
    random.Random(seed).shuffle(texts)
    by_language: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for language, text in texts:
        if text not in seen and len(by_language[language]) < per_language:
            seen.add(text)
            by_language[language].append(text)
    return dict(sorted(by_language.items()))


def fit(vectors: dict[str, np.ndarray], top_components: int, language_components: int) -> tuple[np.ndarray, np.ndarray]:
    """The shared mean and an orthonormal basis of the directions to remove."""
    mean = np.mean([v.mean(axis=0) for v in vectors.values()], axis=0)
    centred = np.concatenate([v - mean for v in vectors.values()])
    _, _, principal = np.linalg.svd(centred, full_matrices=False)
    language_means = np.stack([v.mean(axis=0) - mean for v in vectors.values()])
    _, _, language_axes = np.linalg.svd(language_means, full_matrices=False)
    basis, _ = np.linalg.qr(np.vstack([principal[:top_components], language_axes[:language_components]]).T)
    return mean.astype(np.float32), basis.T.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--per-language", type=int, default=60)
    parser.add_argument("--chars", type=int, default=800)
    parser.add_argument("--top-components", type=int, default=8)
    parser.add_argument("--language-components", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    texts = sample_texts(args.data, args.per_language, args.chars, args.seed)
    encoder = E5Encoder(neutralize=False)
    vectors = {language: encoder.encode(items, "passage") for language, items in texts.items()}
    mean, basis = fit(vectors, args.top_components, args.language_components)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        args.out, mean=mean, basis=basis, languages=np.array(sorted(texts)),
        counts=np.array([len(texts[k]) for k in sorted(texts)]),
    )
    print(f"wrote {args.out}: mean + {basis.shape[0]} directions from {sum(map(len, texts.values()))} texts "
          f"in {len(texts)} languages ({', '.join(sorted(texts))})")


if __name__ == "__main__":
    main()
