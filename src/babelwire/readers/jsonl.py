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

from babelwire.dates import make_date
from babelwire.readers.base import ReadResult, Source
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, IngestProblem


def article_from_record(record: object, origin: str) -> Article:
    """Build an article from one decoded JSON record; ``ValueError`` names what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing or empty 'text'")
    fields = {key: record.get(key) for key in ("title", "url", "source", "published", "language", "id")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise ValueError(f"'{key}' must be a string")
    published = None
    if fields["published"]:
        published = make_date(fields["published"], DateSource.JSONL)
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


class JsonlReader:
    """Reads ``.jsonl`` / ``.ndjson`` files line by line."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip().split(b"\n", 1)[0].strip()
        return first.startswith(b"{") and first.endswith(b"}")

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        with source.open() as handle:
            for number, raw in enumerate(handle, start=1):
                origin = f"{source.origin}:{number}"
                if not raw.strip():
                    continue
                if len(raw) > settings.max_input_bytes:
                    yield IngestProblem(origin, f"line too large: {len(raw):,} bytes")
                    continue
                try:
                    record = json.loads(raw.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    yield IngestProblem(origin, "line is not valid UTF-8")
                    continue
                except json.JSONDecodeError as exc:
                    yield IngestProblem(origin, f"not JSON ({exc.msg} at column {exc.colno})")
                    continue
                try:
                    yield article_from_record(record, origin)
                except ValueError as exc:
                    yield IngestProblem(origin, str(exc))
