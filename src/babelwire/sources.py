"""Sources: the feeds babelwire follows, each on its own schedule (``babelwire sources …``).

A source is a feed URL with a polling interval, whether to fetch each entry's page (``--follow-links``) and
an optional language. Sources come one URL at a time or from an OPML file (the list format feed readers
import and export), read and written with listparser and the standard library.

The language of a source is taken as the language of its articles, as a JSONL record's ``language`` field
is: they are stored in it without identification. Give it only for a feed in one language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

from babelwire.readers.base import ReadError
from babelwire.readers.fetch import is_url, resolve_link
from babelwire.settings import Settings
from babelwire.store import Store
from babelwire.store_sources import SourceRow

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)


class SourceError(ValueError):
    """A source, interval or OPML file babelwire cannot take; the message names it."""


def now_iso(moment: float | None = None) -> str:
    """A time (seconds since the epoch; default now) as the store writes it: UTC, whole seconds."""
    when = datetime.now(UTC) if moment is None else datetime.fromtimestamp(moment, UTC)
    return when.isoformat(timespec="seconds")


def parse_iso(text: str) -> float:
    """Seconds since the epoch of a time the store wrote."""
    return datetime.fromisoformat(text).timestamp()


def parse_interval(text: str) -> int:
    """Seconds of an interval such as ``90s``, ``10m``, ``1h``, ``2d`` or ``600`` (seconds)."""
    match = _INTERVAL.match(text or "")
    if not match:
        raise SourceError(f"interval {text!r}: expected a number with s, m, h or d (e.g. 90s, 10m, 1h)")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds < 1:
        raise SourceError(f"interval {text!r}: must be at least one second")
    return round(seconds)


def format_interval(seconds: int) -> str:
    """The shortest exact form of an interval: ``90s``, ``10m``, ``1h``."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def checked_interval(seconds: int, settings: Settings) -> int:
    """``seconds`` if the settings allow it; a :class:`SourceError` naming ``watch_min_every_s`` otherwise."""
    if seconds < settings.watch_min_every_s:
        raise SourceError(f"interval {format_interval(seconds)} is shorter than watch_min_every_s "
                          f"({settings.watch_min_every_s} s)")
    return seconds


def read_opml(path: Path) -> list[tuple[str, str | None]]:
    """The feeds (URL, title) an OPML file lists, nested folders included."""
    import listparser

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    parsed = listparser.parse(data)
    feeds = [(feed.url, feed.title or None) for feed in parsed.feeds if feed.url]
    if not feeds:
        reason = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        raise SourceError(f"{path}: no feeds found in this OPML file{reason}")
    return feeds


def write_opml(sources: Iterable[SourceRow], title: str = "babelwire sources") -> str:
    """An OPML 2.0 document listing the sources (readable by listparser and by feed readers)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{_text(title)}</title></head>", "  <body>"]
    for source in sources:
        name = quoteattr(source.title or source.url)
        attributes = f'type="rss" text={name} title={name} xmlUrl={quoteattr(source.url)}'
        attributes += f" babelwireEvery={quoteattr(format_interval(source.every_s))}"
        if source.follow_links:
            attributes += ' babelwireFollowLinks="true"'
        if source.language:
            attributes += f" language={quoteattr(source.language)}"
        lines.append(f"    <outline {attributes}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def add_sources(store: Store, target: str, settings: Settings, *, every: str | None = None,
                follow_links: bool = False, language: str | None = None) -> list[tuple[SourceRow, bool]]:
    """Add a feed URL, or every feed of an OPML file, as sources due at once; each with whether it is new
    (an existing URL takes the new options and keeps its polling state)."""
    seconds = checked_interval(parse_interval(every) if every else settings.watch_every_s, settings)
    if is_url(target):
        feeds: list[tuple[str, str | None]] = [(target, None)]
    elif Path(target).is_file():
        feeds = read_opml(Path(target))
    else:
        raise SourceError(f"{target}: neither an http(s) URL nor an OPML file")
    checked = []
    for url, title in feeds:
        try:
            checked.append((resolve_link(url, None), title))
        except ReadError as exc:
            raise SourceError(f"{url}: {exc}") from exc
    added = now_iso()
    return [store.add_source(url, seconds, title=title, follow_links=follow_links, language=language, now=added)
            for url, title in checked]


def find_source(store: Store, key: str) -> SourceRow | None:
    """A source by its id (digits) or its URL."""
    return store.source(int(key)) if key.isdigit() else store.source(key)
