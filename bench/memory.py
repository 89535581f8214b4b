"""Bounded memory: peak RSS while streaming large JSONL inputs, read-only and through a full ingest.

Writes synthetic JSONL files of the given sizes (random-word articles of about
2 KB, so no real text is needed), then measures each run in a fresh child
process (peak RSS is a process-lifetime maximum):

* ``read``: every article parsed and normalised by the JSONL reader, nothing
  kept. Peak RSS must not grow with the file size.
* ``ingest``: the whole pipeline with the model-free hashing encoder (the e5
  encoder would take hours for a gigabyte; its memory is a constant ~0.2 GB).
  The input is streamed batch by batch, but the stored articles' vectors stay
  in memory for the linker's index, so RSS grows with the *store*, not with the
  input: the table prints that growth per stored article.

    .venv/bin/python bench/memory.py                  # read 64/256/1024 MB, ingest 16/64 MB
    .venv/bin/python bench/memory.py --read-sizes 64 --ingest-sizes 8
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import emit, format_table, log, machine, make_parser, peak_rss_mib

WORDS = [
    "harbour", "council", "minister", "storm", "bridge", "election", "vaccine", "outbreak", "tariff", "summit",
    "river", "court", "strike", "budget", "airport", "museum", "festival", "wildfire", "border", "pipeline",
    "parliament", "coalition", "protest", "refinery", "drought", "ceasefire", "satellite", "shipyard",
    "referendum", "inflation", "railway", "glacier", "earthquake", "embassy", "vineyard", "copper", "lithium",
]


def write_corpus(path: Path, megabytes: int, seed: int = 0) -> int:
    """A JSONL file of about ``megabytes`` MiB of random-word articles; returns how many."""
    rng = random.Random(seed)
    target, written, count = megabytes * 2**20, 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while written < target:
            words = " ".join(rng.choice(WORDS) for _ in range(260))
            record = {
                "id": f"a{count}", "title": f"Report {count}", "text": f"Report {count}: {words}.",
                "language": "en", "published": f"2026-{1 + count % 12:02d}-{1 + count % 28:02d}",
                "url": f"https://example.org/{count}", "source": f"outlet{count % 50}",
            }
            line = json.dumps(record) + "\n"
            handle.write(line)
            written += len(line.encode("utf-8"))
            count += 1
    return count


def child(mode: str, corpus: Path, db: Path) -> dict[str, float]:
    """Run in a fresh process: read or ingest ``corpus``, report counts, seconds and peak RSS."""
    started = time.perf_counter()
    if mode == "read":
        from babelwire.readers import read_inputs
        from babelwire.settings import Settings

        articles = problems = 0
        for item in read_inputs([corpus], Settings()):
            if hasattr(item, "reason"):
                problems += 1
            else:
                articles += 1
        result = {"articles": articles, "problems": problems}
    else:
        from babelwire.encoders import HashingEncoder
        from babelwire.settings import Settings
        from babelwire.tracker import Tracker

        with Tracker(db, Settings(encoder="hashing"), encoder=HashingEncoder()) as tracker:
            report = tracker.ingest([corpus])
            result = {"articles": report.added + report.copies, "problems": len(report.problems)}
    result.update(seconds=time.perf_counter() - started, peak_rss_mib=peak_rss_mib())
    return result


def measure(mode: str, megabytes: int, folder: Path) -> dict[str, object]:
    corpus = folder / f"corpus-{megabytes}.jsonl"
    if not corpus.exists():
        log(f"writing {megabytes} MiB of JSONL")
        write_corpus(corpus, megabytes)
    db = folder / f"store-{megabytes}.db"
    log(f"{mode} {megabytes} MiB")
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(corpus), str(db)],
        check=True, capture_output=True, text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return {"mode": mode, "input_mib": megabytes, **result}


def table(rows: list[dict[str, object]]) -> str:
    headers = ["run", "input MiB", "articles", "seconds", "articles/s", "peak RSS MiB", "KiB RSS per article"]
    body = []
    for row in rows:
        articles, seconds, rss = int(row["articles"]), float(row["seconds"]), float(row["peak_rss_mib"])
        body.append([row["mode"], row["input_mib"], articles, round(seconds, 1), round(articles / seconds, 1),
                     round(rss, 1), round(rss * 1024 / max(articles, 1), 2) if row["mode"] == "ingest" else None])
    return format_table(headers, body, title="Peak memory while streaming JSONL (each run in a fresh process)")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return
    parser = make_parser(__doc__, "unused (sizes are set with --read-sizes and --ingest-sizes)")
    parser.add_argument("--read-sizes", default="64,256,1024", help="MiB of JSONL read without storing")
    parser.add_argument("--ingest-sizes", default="16,64", help="MiB of JSONL ingested with the hashing encoder")
    args = parser.parse_args()
    info = machine()
    rows = []
    with tempfile.TemporaryDirectory(prefix="babelwire-memory-") as name:
        folder = Path(name)
        for size in (int(s) for s in args.read_sizes.split(",") if s):
            rows.append(measure("read", size, folder))
        for size in (int(s) for s in args.ingest_sizes.split(",") if s):
            rows.append(measure("ingest", size, folder))
    emit({"machine": info, "rows": rows}, [table(rows)], args.json)


if __name__ == "__main__":
    main()
