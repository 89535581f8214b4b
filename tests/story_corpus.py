"""Articles, stores and a live server that the API, web and browser tests share (written for these tests).

The stores use the model-free hashing encoder, which only matches text it shares character n-grams
with: each story's articles carry the same names and numbers, so they link across languages.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from babelwire.api import create_app
from babelwire.encoders import HashingEncoder
from babelwire.settings import Settings
from babelwire.store import Store
from babelwire.tracker import Tracker
from babelwire.types import Article, DateSource, PublishedDate

#: no model to load: a store is built in well under a second (stories are read when a page asks, not at
#: ingest nor in the background: the reading loads e5)
HASHING_SETTINGS = Settings(encoder="hashing", language_identifier="py3langid", read_at_ingest=False,
                            read_in_background=False)

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_URL = "javascript:window.__xss=1"

BRIDGE = "Varnaholm M-17 Kessler-Lindqvist Ostbrücke 2024"
FLOOD = "Rivamonte R-9 Tarrasco-Bellini Piave-Süd 4.300"
VOTE = "Wierzbowo Nowakowska-Iwanowa referendum 58,4 %"


def article(
    title: str,
    text: str,
    language: str,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    article_id: str = "",
) -> Article:
    """An article whose language is given (so no language identification runs)."""
    found = Article(
        title=title, text=text, url=url, source=source, id=article_id, origin="tests",
        published=PublishedDate(published, DateSource.CALLER, True) if published else None,
    )
    found.language, found.language_confidence = language, 1.0
    return found


def corpus() -> list[Article]:
    """Four stories in eight languages, in the order they are ingested.

    bridge: en, de, fr (5–6 March 2024); flood: es, it, en (10–12 April 2024, one undated);
    vote: pl, ru, nl (May 2024, one dated only to the month); storm: sv alone (1 February 2024).
    """
    return [
        article("Varnaholm bridge collapses into the river",
                f"The old M-17 bridge at Varnaholm collapsed on Tuesday. Mayor Kessler-Lindqvist said nobody was "
                f"hurt.\nEngineers had warned about the Ostbrücke for years. {BRIDGE}",
                "en", "2024-03-05", "Daily Wire", "https://example.org/en/bridge", "wire/bridge-1"),
        article("Brücke in Varnaholm eingestürzt",
                f"Die alte M-17 Brücke in Varnaholm ist am Dienstag eingestürzt. Bürgermeisterin Kessler-Lindqvist "
                f"sagte, niemand sei verletzt.\nIngenieure hatten seit Jahren vor der Ostbrücke gewarnt. {BRIDGE}",
                "de", "2024-03-05", "Tagesblatt", "https://example.de/bruecke"),
        article("Effondrement du pont de Varnaholm",
                f"Le vieux pont M-17 de Varnaholm s'est effondré mardi. La maire Kessler-Lindqvist a dit que "
                f"personne n'était blessé.\nLes ingénieurs avaient alerté sur l'Ostbrücke depuis des années. {BRIDGE}",
                "fr", "2024-03-06", "Le Quotidien", "https://example.fr/pont"),
        article("Inundaciones en Rivamonte",
                f"El río desbordó en Rivamonte y obligó a evacuar a 4.300 vecinos, dijo el alcalde Tarrasco-Bellini. "
                f"{FLOOD}", "es", "2024-04-10", "El Diario", "https://example.es/rivamonte"),
        article("Alluvione a Rivamonte",
                f"Il fiume è esondato a Rivamonte: 4.300 evacuati, ha detto il sindaco Tarrasco-Bellini. {FLOOD}",
                "it", "2024-04-11", "Il Giornale", "https://example.it/alluvione"),
        article("Rivamonte flood: thousands evacuated",
                f"Floodwater forced 4.300 people from Rivamonte, mayor Tarrasco-Bellini said. {FLOOD}",
                "en", "2024-04-12", "Daily Wire", "https://example.org/en/flood"),
        article("Rivamonte after the flood",
                f"Rivamonte counts the damage after 4.300 people left, mayor Tarrasco-Bellini said. {FLOOD}",
                "en", None, "Weekly Review", None),
        article("Referendum w Wierzbowie",
                f"Mieszkańcy Wierzbowa poparli referendum: 58,4 % głosów na tak, ogłosiła Nowakowska-Iwanowa. {VOTE}",
                "pl", "2024-05-20", "Gazeta", "https://example.pl/referendum"),
        article("Референдум в Вежбове",
                f"Жители Вежбова поддержали референдум: 58,4 % за, объявила Nowakowska-Iwanowa. {VOTE}",
                "ru", "2024-05-21", "Новости", "https://example.ru/referendum"),
        article("Referendum in Wierzbowo",
                f"Inwoners van Wierzbowo steunden het referendum met 58,4 %, zei Nowakowska-Iwanowa. {VOTE}",
                "nl", "2024-05", "De Krant", "https://example.nl/referendum"),
        article("Stormen Greta drog in över Gotland",
                "Stormen Greta fällde tusentals träd på Gotland natten till torsdag, och 12 000 hushåll "
                "saknade ström på morgonen.", "sv", "2024-02-01", "Dagbladet", "https://example.se/greta"),
    ]


def hostile_articles() -> list[Article]:
    """Articles whose every field carries markup or a script URL: nothing of it may run in a page."""
    return [
        article(f"Breaking {XSS_SCRIPT} news", f"A text with {XSS_IMG} inside. {XSS_SCRIPT} Zorvath Quell harbour.",
                "en", "2024-06-01", f"Outlet {XSS_IMG}", XSS_URL),
        article(f"Harbour {XSS_IMG} fire", f"Zorvath Quell harbour burns. {XSS_SCRIPT} More text {XSS_IMG}.",
                f'x"{XSS_IMG}', "2024-06-01", "Wire", 'https://example.org/?q="><script>window.__xss=1</script>'),
        article("Plain title for the third", f"JAVASCRIPT link test {XSS_SCRIPT} Zorvath Quell harbour again.",
                "de", "2024-06-02", "Blatt", " JavaScript:void(window.__xss=1)"),
    ]


def hostile_analysis(story: Any, articles: list[Article], **_: Any) -> dict[str, Any]:
    """A stand-in for :func:`babelwire.views.story_analysis` whose entities, quotes and statements carry scripts."""
    return {
        "entities": [{"name": XSS_SCRIPT, "kind": XSS_IMG, "article_count": 1},
                     {"name": "Kessler-Lindqvist", "kind": "person", "article_count": 2}],
        "quotes": [{"text": f"We said {XSS_SCRIPT}", "speaker": XSS_IMG, "article_id": articles[0].id,
                    "language": articles[0].language}],
        "statements": {articles[0].id: {"shared": [f"shared {XSS_IMG}"], "unique": [f"unique {XSS_SCRIPT}"]}},
    }


def put(store: Store, found: Article, story_id: int, score: float | None = None) -> int:
    """Store an article in a story (created when it is new), as the tracker does, in one transaction."""
    with store.transaction():
        key = store.insert_article(found)
        if store.resolve_story_id(story_id) is None:
            store.create_story(story_id, found.title)
        store.assign(key, story_id, score)
    return key


def build_store(path: Path, articles: list[Article]) -> str:
    """A store at ``path`` holding the articles, linked with the hashing encoder."""
    with Tracker(path, HASHING_SETTINGS, encoder=HashingEncoder()) as tracker:
        tracker.add(articles)
    return str(path)


def make_app(db: str, **options: Any) -> FastAPI:
    """The app over a hashing-encoder store."""
    return create_app(db, **{"settings": HASHING_SETTINGS, **options}, encoder=HashingEncoder())


@contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port in a thread; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        listener.close()
