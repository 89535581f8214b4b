"""Shared helpers for the benchmark scripts: paths, argument parsing, timing, tables and the machine.

Not a benchmark itself; every script in ``bench/`` imports it (they run as
``.venv/bin/python bench/NAME.py``, so this directory is on ``sys.path``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SEMEVAL_PAIRS = SHARED_DATA / "semeval2022_task8" / "dev_pairs.csv"
UCI_HEADLINES = SHARED_DATA / "uci_news_aggregator" / "dev_headlines.csv"
EMBEDDING_CACHE = REPO / ".cache" / "embeddings.sqlite"

Cell = str | int | float | None


def make_parser(doc: str | None, limit_help: str) -> argparse.ArgumentParser:
    """A parser with the options every benchmark shares: ``--limit N`` and ``--json``."""
    summary = (doc or "").strip().split("\n\n")[0]
    parser = argparse.ArgumentParser(description=summary)
    parser.add_argument("--limit", type=int, default=None, help=limit_help)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    return parser


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or the platform's best guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, object]:
    """Where and when a benchmark ran, including the load average (other jobs skew timings)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": cores,
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
    }


def machine_line(info: dict[str, object]) -> str:
    """One line describing the machine, for the top of a printed report."""
    return (
        f"{info['date']} | {info['nproc']} cores | {info['cpu']} | Python {info['python']} | "
        f"load average {info['load_average_1m']} at start | OMP_NUM_THREADS={info['omp_num_threads']}"
    )


@dataclass
class Stopwatch:
    """Seconds measured by :func:`timed`."""

    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    """``with timed() as watch: ...`` leaves the wall-clock seconds in ``watch.seconds``."""
    watch = Stopwatch()
    started = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - started


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident set size of this process now, in MiB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the table (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def _cell(value: Cell) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_text(value: Cell) -> bool:
    """A cell that is words rather than a number (left-aligned)."""
    if not isinstance(value, str):
        return False
    try:
        float(value.replace(",", ""))
    except ValueError:
        return True
    return False


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], title: str = "") -> str:
    """A plain-text table: text columns left-aligned, numbers right-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    left = [i == 0 or all(_is_text(row[i]) for row in rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(w) if flush else v.rjust(w) for v, w, flush in zip(values, widths, left, strict=True)]
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out += [line(list(headers)), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def emit(result: dict[str, object], tables: Sequence[str], as_json: bool) -> None:
    """Print the tables (with the machine line first), or the result as JSON."""
    if as_json:
        print(json.dumps(result, indent=1, default=str))
        return
    info = result.get("machine")
    if isinstance(info, dict):
        print(machine_line(info))
        print()
    print("\n\n".join(tables))
