"""``/api/search`` throughput on ``babelwire serve`` as concurrent clients grow: the code of ``--before``
against this tree (issue #15: searches used to hold the server's tracker lock while the query was encoded).

The demo corpus is ingested with the ``--before`` code (e5, its default encoder), then a server of each code
answers ``GET /api/search`` for a rotation of queries: ``--requests`` per client, at 1, 2 and 4 clients at
once, after a warm-up. Printed: requests per second and the p50/p99 latency per request::

    .venv/bin/python bench/search_throughput.py --before e438523
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import REPO, format_table, machine, machine_line, make_parser
from page_latency import get_ms, percentile
from scale import before_source, serving

QUERIES = [
    "earthquake rescue in Izmir", "museum robbery in Amsterdam", "nuclear weapons in Belarus",
    "floods after heavy rain", "election results and coalition talks", "wildfire evacuation",
    "central bank raises interest rates", "football final",
]
ENV = {"BABELWIRE_READ_IN_BACKGROUND": "0", "BABELWIRE_READ_AT_INGEST": "0"}


def run_babelwire(src: Path, *args: str) -> None:
    env = {**os.environ, **ENV, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", "from babelwire.cli import main; main()", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def throughput(src: Path, db: Path, requests: int, clients: list[int]) -> list[list]:
    """Rows of (clients, requests/s, p50 ms, p99 ms) for a server of ``src`` on ``db``."""
    rows = []
    path = f"/api/search?q={urllib.parse.quote(QUERIES[0])}"  # the first search also loads the encoder
    with serving(src, db, path, ENV) as base:
        urls = [f"{base}/api/search?q={urllib.parse.quote(query)}" for query in QUERIES]
        for url in urls:
            get_ms(url)
        for count in clients:
            total = requests * count
            started = time.perf_counter()
            with ThreadPoolExecutor(count) as pool:
                latencies = list(pool.map(lambda n: get_ms(urls[n % len(urls)]), range(total)))
            elapsed = time.perf_counter() - started
            rows.append([count, total, total / elapsed, percentile(latencies, 50), percentile(latencies, 99)])
    return rows


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--before", default="main", help="git ref of the code to compare with")
    parser.add_argument("--requests", type=int, default=40, help="requests per client")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 2, 4], help="concurrent clients")
    args = parser.parse_args()
    info = machine()
    headers = ["code", "clients", "requests", "req/s", "p50 ms", "p99 ms"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="babelwire-search-") as folder:
        work = Path(folder)
        before_src = before_source(args.before, work)
        db = work / "demo.db"
        run_babelwire(before_src, "ingest", str(REPO / "demo" / "corpus"), "--db", str(db))
        rows += [["before", *row] for row in throughput(before_src, db, args.requests, args.clients)]
        rows += [["after", *row] for row in throughput(REPO / "src", db, args.requests, args.clients)]
    if args.json:
        print(json.dumps({"machine": info, "headers": headers, "rows": rows}, indent=2))
        return
    print(machine_line(info) + f" | load average {os.getloadavg()[0]:.2f} at end")
    print(format_table(headers, rows, title="/api/search on the demo store (e5), by concurrent clients"))


if __name__ == "__main__":
    main()
