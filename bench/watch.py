"""Following sources: wall time, CPU and memory of poll cycles over many sources against a local server.

A server process answers ``/feed/N`` for every source on its own loopback address (127.0.0.2, 127.0.0.3, …;
all of 127.0.0.0/8 is loopback on Linux), so that per-host politeness (``watch_host_delay_s``) holds without
serialising the sources behind one host. Each feed keeps its last 10 items; on every 20th request a feed gains
an item and a new ETag, so about 5 % of the polls of a cycle get a 200 (one new article, nine duplicates) and
95 % a 304. The poller is one :class:`~babelwire.watch.Watcher` over one tracker (hashing encoder, py3langid)
for the whole run; a fake clock moves the schedule on by the sources' interval after each cycle, so cycles run
back to back while the server and the network are real.

    .venv/bin/python bench/watch.py                       # 1,000 sources, 100 cycles
    .venv/bin/python bench/watch.py --sources 200 --cycles 20
    .venv/bin/python bench/watch.py --change-every 0      # every poll after the first a 304: memory of polling alone
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from common import current_rss_mib, emit, format_table, log, machine, make_parser

INTERVAL_S = 600
ITEMS_PER_FEED = 10
CHANGE_EVERY = 20  # one request in 20 finds a new item


def host(number: int) -> str:
    """The loopback address of source ``number`` (127.0.0.2 onwards)."""
    value = number + 2
    return f"127.0.{value // 250}.{value % 250 + 1}" if value >= 250 else f"127.0.0.{value}"


def serve(count: int, port: int, change_every: int) -> None:
    """The server process: one listening socket per source address, minimal HTTP/1.1, one answer per
    connection."""
    versions = [0] * count
    requests = [0] * count

    def feed(number: int, version: int) -> bytes:
        items = "".join(
            f"<item><guid>s{number}-i{k}</guid><title>Source {number} report {k}</title>"
            f"<description>Report {k} of source {number}: the council met about the harbour bridge, "
            f"the budget and the storm that closed the airport on day {k}.</description></item>"
            for k in range(max(0, version - ITEMS_PER_FEED + 1), version + 1))
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Source {number}</title>'
                f"<link>http://example.org/</link><description>bench</description>{items}</channel></rss>").encode()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            path = head.split(" ", 2)[1]
            headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip()
                       for line in head.split("\r\n")[1:] if ":" in line}
            number = int(path.rsplit("/", 1)[1])
            requests[number] += 1
            if change_every and (number + requests[number]) % change_every == 0:
                versions[number] += 1
            etag = f'"{versions[number]}"'
            if headers.get("if-none-match") == etag:
                writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n".encode())
            else:
                body = feed(number, versions[number])
                writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: {etag}\r\n"
                             f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(answer, host=[host(n) for n in range(count)], port=port, backlog=64)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def run(count: int, cycles: int, change_every: int) -> dict[str, object]:
    import subprocess

    from babelwire.encoders import HashingEncoder
    from babelwire.settings import Settings
    from babelwire.tracker import Tracker, make_language_identifier
    from babelwire.watch import Watcher

    port = 18080
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(count), "--port", str(port),
                               "--change-every", str(change_every)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    settings = Settings(encoder="hashing", language_identifier="py3langid", allow_private_hosts=True,
                        watch_min_every_s=1)
    clock_now = [time.time()]
    slept: list[float] = []

    def clock() -> float:
        return clock_now[0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock_now[0] += seconds

    rows: list[list[object]] = []
    try:
        with tempfile.TemporaryDirectory() as folder, Tracker(
                Path(folder) / "bench.db", settings, encoder=HashingEncoder(),
                language_identifier=make_language_identifier(settings)) as tracker:
            with tracker.store.transaction():
                for number in range(count):
                    tracker.store._execute(
                        "INSERT INTO sources (url, every_s, added_at, next_poll_at) VALUES (?, ?, ?, ?)",
                        (f"http://{host(number)}:{port}/feed/{number}", INTERVAL_S, "2000-01-01T00:00:00+00:00",
                         "2000-01-01T00:00:00+00:00"))
            watcher = Watcher(tracker, settings, clock=clock, sleep=sleep)
            for cycle in range(1, cycles + 1):
                wall, cpu = time.perf_counter(), time.process_time()
                report = watcher.run_once()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                clock_now[0] += INTERVAL_S
                row = [cycle, len(report.polls), report.count("not-modified"), report.count("ok"),
                       report.count("error") + report.count("throttled"), report.new_articles, round(wall, 2),
                       round(cpu, 2), round(100 * cpu / wall, 1), round(100 * cpu / INTERVAL_S, 2),
                       round(current_rss_mib(), 1)]
                rows.append(row)
                log(" ".join(str(value) for value in row))
            articles = tracker.store._execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        server.terminate()
        server.wait()
    return {"rows": rows, "articles": articles, "pacing_sleeps": len(slept)}


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--serve", type=int, default=None, help=argparse_hidden())
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--change-every", type=int, default=CHANGE_EVERY,
                        help="a feed gains an item on every Nth request (default 20: 5 %% of polls; 0: never)")
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.port, args.change_every)
        return
    info = machine()
    result = run(args.sources, args.cycles, args.change_every)
    rows = result["rows"]
    assert isinstance(rows, list)
    shown = [row for row in rows if row[0] in (1, 2, 10, 25, 50, 75, len(rows))]
    mean_wall = sum(row[6] for row in rows[1:]) / max(len(rows) - 1, 1)
    mean_cpu = sum(row[7] for row in rows[1:]) / max(len(rows) - 1, 1)
    headers = ["cycle", "polls", "304", "200", "failed", "new articles", "wall s", "CPU s", "CPU % in cycle",
               f"CPU % of a core at {INTERVAL_S // 60} min", "RSS MiB"]
    changing = f"1 in {args.change_every} polls finds a new item" if args.change_every else "feeds never change"
    summary = (f"{args.sources} sources ({changing}), {len(rows)} cycles: after the first, a cycle took "
               f"{mean_wall:.2f} s wall "
               f"and {mean_cpu:.2f} s CPU on average ({100 * mean_cpu / INTERVAL_S:.2f} % of one core with sources "
               f"polled every {INTERVAL_S // 60} min); {result['articles']} articles stored; "
               f"{result['pacing_sleeps']} politeness waits")
    emit({"machine": info, "sources": args.sources, **result, "mean_wall_s": mean_wall, "mean_cpu_s": mean_cpu},
         [format_table(headers, shown, "Poll cycles (first, then samples)"), summary], args.json)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
