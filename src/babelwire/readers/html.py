"""HTML pages: main text and metadata with trafilatura, publication date with htmldate."""

from __future__ import annotations

import re
from collections.abc import Iterator

from babelwire.dates import date_from_url, make_date
from babelwire.readers.base import ReadError, ReadResult, Source, decode_text
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, PublishedDate

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p>", b"<div")


def find_publication_date(html: str, url: str | None) -> PublishedDate | None:
    """The page's publication date: metadata first (reliable), then the URL, then the text.

    htmldate's quick pass (``extensive_search=False``) reads metadata, date-named elements and
    explicit "published/updated" lines; it does not take a bare year from the body ("the 2001
    conflict"), which only the extensive pass does. Such a guess is kept as ``DateSource.HTML_TEXT``,
    unreliable, which the linker does not use to place the article (``babelwire.dates.linking_interval``).
    """
    import htmldate

    try:
        found = htmldate.find_date(html, extensive_search=False, original_date=True, url=url)
        if found:
            return make_date(found, DateSource.HTML_META)
        from_url = date_from_url(url)
        if from_url:
            return from_url
        guessed = htmldate.find_date(html, extensive_search=True, original_date=True, url=url)
    except (ValueError, TypeError):  # htmldate raises on pathological trees
        return None
    if guessed and guessed.endswith("-01-01"):
        guessed = guessed[:4]  # htmldate pads a year it found in the text to 1 January: keep the year alone
    return make_date(guessed, DateSource.HTML_TEXT, reliable=False) if guessed else None


def decode_html(data: bytes, declared: str | None = None, notes: list[str] | None = None) -> str:
    """Decode an HTML page: the ``declared`` charset (an HTTP header's) wins over the page's ``<meta charset>``;
    a note on mixed encodings goes to ``notes`` (see :func:`decode_text`)."""
    if not declared:
        found = _META_CHARSET.search(data[:4096])
        declared = found.group(1).decode("ascii") if found else None
    return decode_text(data, declared, notes)


def extract_html(html: str, origin: str, url: str | None = None) -> Article:
    """Main text, title, outlet and date of one HTML page; :class:`ReadError` when none is found."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:
        raise ReadError(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    text = getattr(document, "text", None) if document is not None else None
    if not text or not _WORD.search(text):
        raise ReadError("no main text found in the HTML")
    return Article(
        title=document.title or "",
        text=text,
        url=document.url or url,
        source=document.sitename or document.hostname,
        origin=origin,
        published=find_publication_date(html, url),
    )


class HtmlReader:
    """Reads ``.html`` files and fetched web pages."""

    name = "html"
    extensions = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes) -> bool:
        lowered = head[:2048].lower()
        return any(marker in lowered for marker in _HTML_MARKERS)

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        notes: list[str] = []
        article = extract_html(decode_html(source.read_bytes(settings.max_input_bytes), notes=notes),
                               source.origin, source.url)
        article.notes.extend(notes)
        yield article
