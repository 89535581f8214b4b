"""The search relevance floors (``search_min_score``, ``search_relative_score``) on the demo corpus.

Ingests demo/corpus into a temporary store with the default encoder, then runs queries about each demo
event (in five languages, each with the story it should find) and queries about nothing in the corpus.
For each pair of floors it counts, over the top 10 hits: the right story's articles listed, other
stories' articles listed, genuine queries answered with nothing, and unrelated queries answered at all.
Run from the repo root::

    .venv/bin/python bench/search_floor.py [--json]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from babelwire.settings import Settings
from babelwire.tracker import Tracker
from common import REPO, emit, format_table, log, machine, make_parser

#: queries about a demo event, with a word of its story's title (the story is found by it)
GENUINE: dict[str, str] = {
    "earthquake Izmir rescue": "Izmir", "Erdbeben in Izmir": "Izmir", "séisme en Turquie": "Izmir",
    "chess world champion tiebreak": "Mirzoyan", "Schachweltmeisterschaft Finale": "Mirzoyan",
    "museum painting theft Amsterdam": "Amsterdam", "Riksbank raises interest rate": "Riksbanken",
    "measles outbreak Brescia": "Morbillo", "dam collapse Portugal": "barragem",
    "iceberg breaks off Antarctica": "Antarctica", "Polish prime minister survives no-confidence vote": "Польши",
    "Vienna airport cyberattack": "NightHarbor", "кибератака аэропорт Вена": "NightHarbor",
    "green hydrogen agreement Italy Turkey": "Idrogeno", "Poland Japan chip plant": "Japan",
}
#: queries about nothing in the demo corpus
UNRELATED: tuple[str, ...] = (
    "football world cup final", "football world cup", "stock market crash in Tokyo", "new smartphone launch",
    "Oscar award ceremony", "chocolate cake recipe", "volcano eruption in Iceland", "tennis Wimbledon final",
    "election in Brazil", "wildfire in California",
)
GATES = (0.28, 0.30, 0.32, 0.34)
SHARES = (0.0, 0.5, 0.6, 0.65, 0.7)


def main() -> None:
    args = make_parser(__doc__, "unused").parse_args()
    with tempfile.TemporaryDirectory() as folder, Tracker(Path(folder) / "demo.db", Settings()) as tracker:
        log("ingesting the demo corpus …")
        tracker.ingest([REPO / "demo" / "corpus"])
        titles = {story.id: story.title for story in tracker.stories()}

        def story_of(word: str) -> int:
            (found,) = [story for story, title in titles.items() if word in title]
            return found

        def ranked(query: str) -> list[tuple[float, int | None]]:
            return [(hit.score, hit.story_id) for hit in tracker.search(query, 10, min_score=0.0, relative_score=0.0)]

        genuine = {query: (story_of(word), ranked(query)) for query, word in GENUINE.items()}
        unrelated = {query: ranked(query) for query in UNRELATED}
    available = sum(1 for story, hits in genuine.values() for _, found in hits if found == story)
    rows = []
    for gate in GATES:
        for share in SHARES:
            right = wrong = silent = 0
            for story, hits in genuine.values():
                kept = [found for score, found in hits if hits[0][0] >= gate and score >= share * hits[0][0]]
                right += sum(found == story for found in kept)
                wrong += sum(found != story for found in kept)
                silent += not kept
            answered = sum(bool(hits) and hits[0][0] >= gate for hits in unrelated.values())
            rows.append({"min_score": gate, "relative_score": share, "right": f"{right}/{available}",
                         "other stories": wrong, "genuine answered with nothing": silent,
                         "unrelated answered": f"{answered}/{len(unrelated)}"})
    table = format_table(list(rows[0]), [list(row.values()) for row in rows],
                         title=f"search floors on the demo corpus: {len(genuine)} genuine queries "
                               f"(top 10 hits each), {len(unrelated)} unrelated ones")
    emit({"machine": machine(), "rows": rows}, [table], args.json)

if __name__ == "__main__":
    main()
