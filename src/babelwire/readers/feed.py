"""RSS and Atom feeds with feedparser; optionally following each entry to its page."""

from __future__ import annotations

import calendar
import html
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from babelwire.dates import datetime_to_iso
from babelwire.readers.base import ReadError, ReadResult, Source
from babelwire.readers.fetch import resolve_link
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, IngestProblem, PublishedDate

_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment such as a feed summary."""
    import lxml.html

    if "<" not in fragment:  # no markup, yet entities may remain: "Tom &amp; Jerry"
        return html.unescape(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return html.unescape(fragment)
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n\n" + (block.tail or "")
    return root.text_content()


def _entry_date(entry: dict) -> PublishedDate | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (ValueError, OverflowError, OSError):  # feedparser passes on dates such as 0000-00-00
                continue
            value = datetime_to_iso(moment)
            if value:
                return PublishedDate(value, DateSource.FEED, True)
    return None


def _entry_text(entry: dict) -> str:
    contents = entry.get("content") or []
    if contents and contents[0].get("value"):
        return html_to_text(contents[0]["value"])
    return html_to_text(entry.get("summary") or entry.get("description") or "")


class FeedReader:
    """Reads RSS/Atom files or fetched feeds; each entry becomes one article.

    ``page_fetcher`` fetches an entry's page when ``follow_feed_links`` is on (default:
    :func:`~babelwire.readers.fetch.fetch_url`); the poller passes one that honours robots.txt and waits its
    turn per host.
    """

    name = "feed"
    extensions = (".rss", ".atom", ".xml")

    def __init__(self, page_fetcher: Callable[[str, Settings], Source] | None = None):
        self.page_fetcher = page_fetcher

    def sniff(self, head: bytes) -> bool:
        lowered = head[:2048].lower()
        return any(marker in lowered for marker in _FEED_MARKERS)

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        import feedparser

        data = source.read_bytes(settings.max_input_bytes)
        try:
            parsed = feedparser.parse(data)
        except Exception as exc:  # feedparser means never to raise, yet some input crashes it (e.g. &#55296;)
            raise ReadError(f"malformed feed ({type(exc).__name__}: {exc})") from exc
        entries = parsed.get("entries") or []
        malformed = f"malformed feed ({parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
        if not entries:
            if malformed:
                raise ReadError(malformed)
            if not parsed.get("version"):
                raise ReadError("not an RSS or Atom feed")
            raise ReadError("feed has no entries")
        if malformed:
            yield IngestProblem(source.origin, f"{malformed}; reading the {len(entries)} entries recovered")
        site = (parsed.get("feed") or {}).get("title")
        for number, entry in enumerate(entries, start=1):
            link = entry.get("link")
            origin = f"{source.origin}#{link or number}"
            published = _entry_date(entry)
            if settings.follow_feed_links and link:
                try:
                    yield self._follow(resolve_link(link, source.url), origin, settings, site, published)
                    continue
                except ReadError as exc:
                    yield IngestProblem(origin, f"could not follow entry link ({exc}); using the feed text")
                except (OSError, ValueError, UnicodeError) as exc:  # a page the HTML reader cannot take
                    yield IngestProblem(origin, f"could not read entry link ({type(exc).__name__}: {exc}); "
                                                "using the feed text")
            title, text = entry.get("title") or "", _entry_text(entry)
            if not text.strip():
                if not title.strip():
                    yield IngestProblem(origin, "feed entry has neither title nor text")
                    continue
                text = title  # headline-only feeds: the title is all the text there is
            yield Article(
                title=title,
                text=text,
                url=link,
                source=site,
                origin=origin,
                published=published,
            )

    def _follow(
        self, link: str, origin: str, settings: Settings, site: str | None, published: PublishedDate | None
    ) -> Article:
        from babelwire.readers.fetch import fetch_url
        from babelwire.readers.html import HtmlReader

        page = (self.page_fetcher or fetch_url)(link, settings)
        article = next(iter(HtmlReader().read(page, settings)))
        assert isinstance(article, Article)
        article.origin = origin
        article.source = article.source or site
        # the feed's timestamp is more precise than one found in the page
        article.published = published or article.published
        return article
