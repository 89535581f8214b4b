"""Plain-text articles: optional header lines, an optional short title line, then the text.

Format (every header optional, ``key value`` or ``key: value``)::

    date 2023-05-25
    source Dagens Nyheter
    url https://example.org/a
    title Headline

    Body text...

A ``date`` header may share its line with the start of the text, as in
``date 2023-05 Samarbetet växer sig allt starkare.``. Without a ``title``
header, a first paragraph of one short line is taken as the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from babelwire.dates import make_date
from babelwire.readers.base import ReadError, ReadResult, Source, decode_text
from babelwire.settings import Settings
from babelwire.types import Article, DateSource

HEADER_KEYS = ("date", "title", "source", "url", "language", "lang")
_HEADER = re.compile(r"^\s*(" + "|".join(HEADER_KEYS) + r")\s*[:=]?\s+(\S.*)$", re.IGNORECASE)
_DATE_TOKEN = re.compile(
    r"^(\d{4}(?:-\d{1,2}(?:-\d{1,2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?)"  # the date
    r"(?:\s+|$)(.*)$"  # the rest of the line, when the text starts on it
)
#: a first line longer than this (or with several sentences) is text, not a title
MAX_TITLE_CHARS = 150
_SENTENCE_BREAK = re.compile(r"[.!?。！？]\s+\S")


def parse_text_article(content: str, origin: str) -> Article:
    """Parse the text format above into an :class:`Article` (no analysis yet)."""
    lines = content.lstrip("\ufeff").splitlines()
    headers: dict[str, str] = {}
    rest: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _HEADER.match(line)
        if not match:
            break
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "date":
            date_match = _DATE_TOKEN.match(value)
            if not date_match:
                break  # "Date palms..." is text, not a header
            headers["date"] = date_match.group(1)
            if date_match.group(2).strip():
                rest.append(date_match.group(2).strip())
                index += 1
                break
        else:
            headers["language" if key == "lang" else key] = value
        index += 1
    rest.extend(lines[index:])
    body = "\n".join(rest).strip()
    title = headers.get("title", "")
    if not title:
        first, _, remainder = body.partition("\n\n")
        first = first.strip()
        if (
            first and "\n" not in first and len(first) <= MAX_TITLE_CHARS
            and not _SENTENCE_BREAK.search(first) and remainder.strip()
        ):
            title, body = first.strip(), remainder.strip()
    if not body:
        raise ReadError("no text after the headers")
    published = None
    if "date" in headers:
        try:
            published = make_date(headers["date"], DateSource.HEADER)
        except OverflowError:  # dates.py lets it out for a date at the calendar's ends with an offset
            published = None
        if published is None:
            raise ReadError(f"the date header {headers['date']!r} is not a date")
    article = Article(
        title=title,
        text=body,
        url=headers.get("url"),
        source=headers.get("source"),
        origin=origin,
        published=published,
    )
    if "language" in headers:
        article.language = headers["language"].lower()
        article.language_confidence = 1.0
    return article


class TextReader:
    """Reads ``.txt`` files (and anything else that decodes as text)."""

    name = "text"
    extensions = (".txt", ".text", ".md")

    def sniff(self, head: bytes) -> bool:
        return True  # the fallback for any text input

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        notes: list[str] = []
        content = decode_text(source.read_bytes(settings.max_input_bytes), notes=notes)
        article = parse_text_article(content, source.origin)
        article.notes.extend(notes)
        yield article
