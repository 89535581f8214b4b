"""Two stories that name the same entities in different spellings (written for these tests; all fictional).

chess: de + sv, March 2031: Germany as Deutschland and Tyskland, the grandmaster as Oleg Scharapow and
Oleg Sjarapov. wind: en + nl, April 2031: Germany and Duitsland, the grandmaster as Oleg Sharapov and
Oleg Sjarapov, who is quoted, and a quote about him by Petra Holmqvist. The outlet Coastal Wire has
articles in both stories (sv, en, nl).
"""

from __future__ import annotations

from pathlib import Path

from babelwire.encoders import HashingEncoder
from babelwire.tracker import Tracker
from babelwire.types import Article
from story_corpus import HASHING_SETTINGS, article, build_store

CHESS_TAG = "Norrvik 2031 Brandauer K-12"
WIND_TAG = "Ostwind 77 Holmqvist W-4"


def entity_corpus() -> list[Article]:
    """Four articles, two stories (see the module's doc)."""
    return [
        article("Schachfestival in Deutschland eröffnet",
                f"Das Schachfestival Norrvik 2031 hat am Montag in Deutschland begonnen. „Wir sind bereit“, sagte "
                f"Oleg Scharapow am Montag. Scharapow spielt am Dienstag gegen Ilse Brandauer. {CHESS_TAG}",
                "de", "2031-03-03", "Schachblatt", "https://example.de/schach"),
        article("Schackfestival i Tyskland",
                f"Schackfestivalen Norrvik 2031 inleddes på måndagen i Tyskland. ”Vi är redo”, sade Oleg Sjarapov. "
                f"Sjarapov möter Ilse Brandauer på tisdag. {CHESS_TAG}",
                "sv", "2031-03-04", "Coastal Wire", "https://example.se/schack"),
        article("Germany approves Ostwind 77 wind park",
                "Germany approved the Ostwind 77 offshore wind park on Friday. “This is a good day for the coast,” "
                "said Oleg Sharapov, who opened the ceremony. “Oleg Sharapov brought luck to the coast,” said Petra "
                f"Holmqvist. {WIND_TAG}",
                "en", "2031-04-10", "Coastal Wire", "https://example.org/wind"),
        article("Duitsland keurt windpark Ostwind 77 goed",
                "Duitsland heeft vrijdag het windpark Ostwind 77 goedgekeurd. „Dit is een goede dag voor de kust”, "
                f"zei Oleg Sjarapov. Minister Petra Holmqvist tekende de vergunning. {WIND_TAG}",
                "nl", "2031-04-11", "Coastal Wire", "https://example.nl/wind"),
    ]


def build_indexed_store(path: Path, articles: list[Article] | None = None) -> str:
    """A hashing-encoder store holding the articles, its entity index built by reading every story."""
    db = build_store(path, entity_corpus() if articles is None else articles)
    with Tracker(db, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        tracker.index_entities(encoder=HashingEncoder())
    return db
