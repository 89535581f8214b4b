"""Language identification on labelled real headlines: right, undetermined (``und``) and wrong, per language.

Three sets, all from ``../shared/data``:

- Babel Briefings: 120 News-API records in 30 languages (4 each), title + description;
- SemEval-2022 Task 8 dev: the distinct titles of the human-written (not machine-translated) articles;
- UCI News Aggregator: the distinct English headlines.

A wrong code misleads a reader and the linker; ``und`` only says "not sure". So the table counts the two
apart, and lists every wrong code. The identifier is the one ``Settings()`` builds, from whichever
``babelwire`` is on the path: run it against an older checkout's ``src`` for the "before" numbers::

    .venv/bin/python bench/langid.py [--accuracy two-pass|low|high] [--identifier lingua|py3langid]
                                     [--sets babel_briefings,semeval_titles,uci_headlines] [--limit N] [--json]
    PYTHONPATH=/path/to/old/src .venv/bin/python bench/langid.py
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import babelwire.langid
from babelwire.settings import Settings
from babelwire.tracker import make_language_identifier
from common import SEMEVAL_PAIRS, SHARED_DATA, UCI_HEADLINES, format_table, machine, machine_line, peak_rss_mib, timed

BABEL_BRIEFINGS = SHARED_DATA / "babel_briefings" / "sample_articles.json"


@dataclass
class Tally:
    """Outcomes for one language (or one whole set)."""

    right: int = 0
    undetermined: int = 0
    wrong: Counter = field(default_factory=Counter)  # code given -> count

    @property
    def total(self) -> int:
        return self.right + self.undetermined + sum(self.wrong.values())

    def add(self, gold: str, found: str) -> None:
        if found == gold:
            self.right += 1
        elif found == "und":
            self.undetermined += 1
        else:
            self.wrong[found] += 1

    def row(self, label: str) -> list:
        wrong = sum(self.wrong.values())
        accuracy = f"{100 * self.right / max(self.total, 1):.1f} %"
        codes = " ".join(f"{code}×{count}" for code, count in self.wrong.most_common()) or "–"
        return [label, self.total, self.right, self.undetermined, wrong, accuracy, codes]


def babel_briefings() -> list[tuple[str, str]]:
    """``(language, title + description)`` of the Babel Briefings sample."""
    records = json.loads(BABEL_BRIEFINGS.read_text(encoding="utf-8"))
    return [(r["language"], "\n".join(part for part in (r.get("title"), r.get("description")) if part))
            for r in records]


def semeval_titles() -> list[tuple[str, str]]:
    """``(language, title)`` of every distinct human-written SemEval dev title."""
    seen: dict[str, str] = {}
    with open(SEMEVAL_PAIRS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["machine_translated"] == "1":
                continue
            for side in ("1", "2"):
                title = (row[f"title{side}"] or "").strip()
                if title:
                    seen.setdefault(title, row[f"lang{side}"])
    return [(language, title) for title, language in seen.items()]


def uci_headlines() -> list[tuple[str, str]]:
    """``("en", headline)`` of every distinct UCI dev headline."""
    with open(UCI_HEADLINES, encoding="utf-8", newline="") as handle:
        titles = dict.fromkeys(row["TITLE"].strip() for row in csv.DictReader(handle))
    return [("en", title) for title in titles if title]


def evaluate(identifier, items: list[tuple[str, str]]) -> tuple[Tally, dict[str, Tally], float]:
    """The overall tally, the tally per gold language, and the seconds spent identifying."""
    overall, by_language = Tally(), defaultdict(Tally)
    with timed() as watch:
        for gold, text in items:
            found = identifier.identify(text)[0]
            overall.add(gold, found)
            by_language[gold].add(gold, found)
    return overall, dict(sorted(by_language.items())), watch.seconds


def main() -> None:
    from common import make_parser

    parser = make_parser(__doc__, "at most this many items of each set")
    parser.add_argument("--accuracy", default=None, help="lingua's mode (two-pass, low, high), where supported")
    parser.add_argument("--identifier", default=None, help="the language_identifier setting (lingua, py3langid)")
    parser.add_argument("--sets", default="babel_briefings,semeval_titles,uci_headlines",
                        help="comma-separated sets to run (the peak RSS depends on the languages seen)")
    options = parser.parse_args()
    settings = Settings()
    if options.accuracy:
        settings = settings.replace(language_accuracy=options.accuracy)
    if options.identifier:
        settings = settings.replace(language_identifier=options.identifier)
    info = machine()
    with timed() as load:
        identifier = make_language_identifier(settings)
        identifier.identify("warm-up: the first call loads the models of the languages it needs")
    loaders = {"babel_briefings": babel_briefings, "semeval_titles": semeval_titles, "uci_headlines": uci_headlines}
    sets = {name: loaders[name]() for name in options.sets.split(",")}
    results = {}
    for name, items in sets.items():
        overall, by_language, seconds = evaluate(identifier, items[: options.limit])
        results[name] = (overall, by_language, seconds)
    described = (f"{type(identifier).__name__} from {babelwire.langid.__file__}, "
                 f"{len(settings.languages)} languages, accuracy {getattr(settings, 'language_accuracy', 'high')}")
    if not isinstance(identifier, babelwire.langid.LinguaIdentifier):
        described = f"{type(identifier).__name__} from {babelwire.langid.__file__}, {len(settings.languages)} languages"
    if options.json:
        print(json.dumps({
            "machine": info, "identifier": described, "peak_rss_mib": round(peak_rss_mib(), 1),
            "sets": {name: {"overall": overall.row("all"), "seconds": round(seconds, 2),
                            "by_language": {code: tally.row(code) for code, tally in by_language.items()}}
                     for name, (overall, by_language, seconds) in results.items()},
        }, ensure_ascii=False, indent=2))
        return
    print(machine_line(info))
    print(described)
    headers = ["language", "n", "right", "und", "wrong", "accuracy", "wrong codes"]
    for name, (overall, by_language, seconds) in results.items():
        rows = [tally.row(code) for code, tally in by_language.items()] if len(by_language) > 1 else []
        print()
        each = 1000 * seconds / max(overall.total, 1)
        title = f"{name}: {overall.total} texts, {each:.2f} ms each"
        print(format_table(headers, [*rows, overall.row("all")], title=title))
    print(f"\nfirst identify (imports, models): {load.seconds:.1f} s; peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
