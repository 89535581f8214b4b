"""JSON Lines: one article per line.

Schema of each line (a JSON object; only ``text`` is required)::

    {"id": "optional stable id", "url": "https://…", "source": "outlet",
     "title": "…", "text": "…", "language": "sv", "published": "2023-05-25"}

``language`` given here is trusted (confidence 1.0). A line that is not JSON,
not an object or has no text is reported with its line number; the other lines
go on. The file is streamed, so its size is not limited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from babelwire.dates import make_date
from babelwire.readers.base import ReadError, ReadResult, Source
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, IngestProblem


def _is_unicode(text: str) -> bool:
    """False for text with lone surrogates, which JSON can spell (``"\\ud800"``) but UTF-8 cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json(raw: bytes) -> object:
    """Decode one JSON document; ``ValueError`` says why it cannot be read.

    Besides syntax errors, ``json`` raises ``ValueError`` for integers over Python's digit limit and
    ``RecursionError`` for deep nesting; both are bad input, not bugs.
    """
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError("not valid UTF-8") from exc  # the JSON text itself, before any string in it
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    except ValueError as exc:
        # the message without its advice to call sys.set_int_max_str_digits
        raise ValueError(f"JSON that cannot be read ({str(exc).split(':', 1)[0]})") from exc


def article_from_record(record: object, origin: str) -> Article:
    """Build an article from one decoded JSON record; ``ValueError`` names what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    fields = {key: record.get(key) for key in ("title", "url", "source", "published", "language", "id")}
    for key, value in {**fields, "text": text}.items():
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{key}' must be a string")
        if value and not _is_unicode(value):
            raise ValueError(f"'{key}' is not valid Unicode (it holds a lone surrogate such as \\ud800)")
    published = None
    if fields["published"]:
        try:
            published = make_date(fields["published"], DateSource.JSONL)
        except OverflowError:  # dates.py lets it out for a date at the calendar's ends with an offset
            published = None
        if published is None:
            raise ValueError(f"'published' is not a date: {fields['published']!r}")
    article = Article(
        title=fields["title"] or "",
        text=text,
        url=fields["url"],
        source=fields["source"],
        origin=origin,
        published=published,
        id=fields["id"] or "",
    )
    if fields["language"]:
        article.language = fields["language"].lower()
        article.language_confidence = 1.0
    return article


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """Each line with its size, in bounded memory: a line longer than ``limit`` is skipped over in chunks
    and given empty with its size (a 300 MB line took 677 MB to refuse when read whole)."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        size = len(raw)
        if size > limit and not raw.endswith(b"\n"):
            raw = b""
            while chunk := handle.readline(1 << 16):
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break
        yield (b"" if size > limit else raw), size


class JsonlReader:
    """Reads ``.jsonl`` / ``.ndjson`` files line by line."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0].strip()
        return first.startswith(b"{") and first.endswith(b"}")

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        blank = True
        with source.open() as handle:
            for number, (raw, size) in enumerate(_bounded_lines(handle, settings.max_input_bytes), start=1):
                origin = f"{source.origin}:{number}"
                if size > settings.max_input_bytes:
                    blank = False
                    yield IngestProblem(origin, f"line too large: over {settings.max_input_bytes:,} bytes "
                                                f"({size:,}; see max_input_bytes)")
                    continue
                if not raw.strip():
                    continue
                blank = False
                try:
                    record = parse_json(raw)
                except ValueError as exc:
                    yield IngestProblem(origin, f"line is {exc}")
                    continue
                try:
                    yield article_from_record(record, origin)
                except ValueError as exc:
                    yield IngestProblem(origin, str(exc))
        if blank:  # say so, as the other readers do, rather than read nothing in silence
            raise ReadError("empty input")
