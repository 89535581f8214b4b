"""How long a cold ``babelwire`` command takes on the demo store, for the code of ``--before`` and this tree.

Every command runs as a new process (the median of ``--runs``), the way a user or a script runs it. Besides
the wall time, each row gives the milliseconds Python spent importing modules in that process
(``python -X importtime``, the sum of the top-level imports) and how many modules it loaded.

    .venv/bin/python bench/cli_startup.py --before e36da14 --runs 7
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, format_table, machine, machine_line, make_parser
from scale import before_source

#: the commands timed, by label; ``{db}``, ``{story}`` (the store's first story) and ``{file}`` (a new
#: article) are filled in; ``{copy}`` is a fresh copy of the store for each process (an ingest changes it)
COMMANDS: dict[str, list[str]] = {
    "--version": ["--version"],
    "--help": ["--help"],
    "stories -n 10": ["stories", "-n", "10", "--db", "{db}"],
    "stories -n 10 --json": ["stories", "-n", "10", "--json", "--db", "{db}"],
    "story ID": ["story", "{story}", "--db", "{db}"],
    "sources list": ["sources", "list", "--db", "{db}"],
    "watchlist list": ["watchlist", "list", "--db", "{db}"],
    "languages": ["languages"],
    "search (e5 query)": ["search", "earthquake rescue", "--db", "{db}"],
    "ingest one file": ["ingest", "{file}", "--db", "{copy}"],
}
#: the article ``ingest one file`` adds (a story of its own in the demo store)
NEW_ARTICLE = """title Storm closes harbour and schools on the coast
date 2026-05-01

A storm closed the harbour and every school on the coast on Friday, officials said. Ferries stayed in port and
the coast guard warned fishermen to stay ashore until the wind drops on Sunday.
"""
#: an empty process of the same interpreter: the floor no command goes under
FLOOR = "python -c pass"


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src), "BABELWIRE_ENCODER": "e5"}


def _run(src: Path, args: list[str], importtime: bool = False) -> tuple[float, str]:
    """Milliseconds of one cold process running ``babelwire ARGS`` from ``src``, and its stderr."""
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c",
               "from babelwire.cli import main; main()", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(src), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"babelwire {' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stderr


def _imports(stderr: str) -> tuple[float, int]:
    """Milliseconds of top-level imports and the number of modules imported, from ``-X importtime`` output."""
    total, modules = 0, 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        modules += 1
        if not name.startswith("  "):  # a top-level import: its cumulative time covers what it pulled in
            total += int(cumulative)
    return total / 1000, modules


def _fresh_copy(db: Path) -> Path:
    """A copy of the store and its saved index beside it, replacing the last one."""
    copy = db.with_name("copy.db")
    for path in copy.parent.glob("copy.db*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copy(db, copy)
    vectors = db.with_name(db.name + ".vectors")
    if vectors.is_dir():
        shutil.copytree(vectors, copy.with_name(copy.name + ".vectors"))
    return copy


def measure(src: Path, db: Path, story: str, runs: int) -> list[list[object]]:
    """Rows of (command, median ms, min ms, import ms, modules) for this code."""
    rows: list[list[object]] = []
    new_file = db.with_name("new_article.txt")
    new_file.write_text(NEW_ARTICLE, encoding="utf-8")

    def run(template: list[str], importtime: bool = False) -> tuple[float, str]:
        copy = _fresh_copy(db) if "{copy}" in template else db
        args = [part.format(db=db, story=story, file=new_file, copy=copy) for part in template]
        return _run(src, args, importtime)

    for label, template in COMMANDS.items():
        run(template)  # warm the page cache; the first run of a code also writes its .pyc files
        times = [run(template)[0] for _ in range(runs)]
        import_ms, modules = _imports(run(template, importtime=True)[1])
        rows.append([label, statistics.median(times), min(times), import_ms, modules])
    return rows


def _floor(runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _first_story(src: Path, db: Path) -> str:
    done = subprocess.run([sys.executable, "-c", "from babelwire.cli import main; main()", "stories", "-n", "1",
                           "--json", "--db", str(db)], env=_env(src), check=True, capture_output=True, text=True)
    return str(json.loads(done.stdout)[0]["id"])


def main() -> None:
    parser = make_parser(__doc__, "unused")
    parser.add_argument("--before", default="main", help="git ref of the code to compare with ('' to skip)")
    parser.add_argument("--runs", type=int, default=5, help="cold processes per command (the median)")
    args = parser.parse_args()
    info = machine()
    headers = ["code", "command", "median ms", "min ms", "imports ms", "modules"]
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="babelwire-cli-") as folder:
        work = Path(folder)
        db = work / "demo.db"
        after_src = REPO / "src"
        subprocess.run([sys.executable, "-c", "from babelwire.cli import main; main()", "ingest",
                        str(REPO / "demo" / "corpus"), "--db", str(db)], env=_env(after_src), check=True,
                       stdout=subprocess.DEVNULL)
        story = _first_story(after_src, db)
        codes = [("before", before_source(args.before, work))] if args.before else []
        codes.append(("after", after_src))
        for code, src in codes:
            rows += [[code, *row] for row in measure(src, db, story, args.runs)]
    rows.append(["–", FLOOR, _floor(args.runs), None, None, None])
    if args.json:
        print(json.dumps({"machine": info, "headers": headers, "rows": rows}, indent=2))
        return
    print(machine_line(info) + f" | load average {os.getloadavg()[0]:.2f} at end")
    print(format_table(headers, rows, title="Cold babelwire commands on the demo store (median of "
                                            f"{args.runs} processes)"))


if __name__ == "__main__":
    main()
