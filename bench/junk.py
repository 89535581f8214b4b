"""The junk filter on real texts: every page it keeps out of stories, for reading by hand.

Texts: every human-written article text of ``../shared/data/semeval2022_task8/dev_pairs.csv`` (one per
article id and scrape: the ``hfl`` head+tail and the ``blresearch`` full text of one article are two
texts; machine-translated sides, whose ids end in a language code, are left out, the original side of
such a pair is read) and every source of
``../shared/data/wikinews_sources/events.jsonl``. Each goes through :func:`babelwire.junk.junk_reason`
with the default settings. Prints the counts per reason and language, then every flagged text (id,
language, reason, first 150 characters): precision is judged by reading them (docs/BENCHMARKS.md).

Run from the repo root::

    .venv/bin/python bench/junk.py [--json]
"""

from __future__ import annotations

from collections import Counter

from babelwire import Settings
from babelwire.evaluation import semeval_texts, wikinews_texts
from babelwire.junk import junk_reason
from common import SEMEVAL_PAIRS, SHARED_DATA, emit, format_table, machine, make_parser

WIKINEWS_EVENTS = SHARED_DATA / "wikinews_sources" / "events.jsonl"


def run(settings: Settings) -> dict:
    """Flag every text; the counts and the flagged ones."""
    corpora = {"semeval": semeval_texts(SEMEVAL_PAIRS), "wikinews": wikinews_texts(WIKINEWS_EVENTS)}
    flagged = []
    counts: dict[str, int] = {}
    for corpus, texts in corpora.items():
        counts[corpus] = len(texts)
        for key, code, article in texts:
            reason = junk_reason(article, settings)
            if reason:
                opening = " ".join(f"{article.title} | {article.text}".split())[:150]
                flagged.append({"id": key, "language": code, "reason": reason, "chars": len(article.text),
                                "opening": opening})
    return {"texts": counts, "flagged": flagged}


def tables(result: dict) -> list[str]:
    by_reason = Counter(row["reason"].split(":")[0] for row in result["flagged"])
    by_language = Counter(row["language"] for row in result["flagged"])
    head = (f"texts read: {result['texts']}; flagged: {len(result['flagged'])} "
            f"(by reason: {dict(by_reason.most_common())}; by language: {dict(by_language.most_common())})")
    listing = format_table(
        ("id", "lang", "chars", "reason", "opening (150 characters)"),
        [[row["id"], row["language"], row["chars"], row["reason"], row["opening"]] for row in result["flagged"]],
        "Every flagged text",
    )
    return [head, listing]


def main() -> None:
    parser = make_parser(__doc__, "unused")
    args = parser.parse_args()
    info = machine()
    result = run(Settings())
    emit({"machine": info, **result}, tables(result), args.json)


if __name__ == "__main__":
    main()
