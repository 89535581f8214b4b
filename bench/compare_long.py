"""How long the pair score (``babelwire compare``, ``/api/compare``) takes on very long articles.

Two articles of about ``--chars`` characters each are scored with the model-free hashing encoder (so the
time is the profile's text work, not a model's): once as ordinary sentences, once as one run of words
with no sentence break and no newline. The profile reads a bounded prefix of each article
(``similarity.PROFILE_CHARS``), so the time should not grow with the length.

    .venv/bin/python bench/compare_long.py --chars 1000000
"""

from __future__ import annotations

import time

from babelwire.encoders import HashingEncoder
from babelwire.similarity import PairScorer
from babelwire.types import Article
from common import make_parser

WORDS = ["the", "Minister", "Ana", "Lopez", "said", "on", "Tuesday", "that", "1,250", "workers", "in", "Porto",
         "would", "strike", "again"]


def long_text(chars: int, sentences: bool) -> str:
    """About ``chars`` characters of words; with full stops every 15 words, or none at all."""
    words: list[str] = []
    size = 0
    while size < chars:
        word = WORDS[len(words) % len(WORDS)]
        if sentences and len(words) % 15 == 14:
            word += "."
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--chars", type=int, default=1_000_000, help="characters per article")
    args = parser.parse_args()
    scorer = PairScorer(HashingEncoder())
    for label, sentences in (("with sentences", True), ("no sentence breaks", False)):
        first = Article(title="Strike in Porto", text=long_text(args.chars, sentences), language="en")
        second = Article(title="Porto strike", text=long_text(args.chars, sentences)[7:], language="en")
        started = time.perf_counter()
        score = scorer.score(first, second)
        print(f"{label:>20}: {len(first.text):,} chars each, {time.perf_counter() - started:.2f} s "
              f"(score {score.score:.3f})")


if __name__ == "__main__":
    main()
