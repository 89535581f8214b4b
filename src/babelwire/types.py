"""The vocabulary every layer speaks: articles, stories, and what happens to them.

Readers produce :class:`Article` values with only the source fields filled;
analysis stages add language, sentences and an embedding; the linker assigns a
story; the store persists all of it. Nothing here imports from other layers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

UNDETERMINED = "und"
#: the kinds of named entity the reading finds (:mod:`babelwire.entities`)
PERSON, ORGANISATION, PLACE, UNKNOWN = "person", "organisation", "place", "unknown"


class DateSource(StrEnum):
    """Where an article's publication date came from."""

    HEADER = "header"  # a ``date`` header line in a text file
    HTML_META = "html-meta"  # page metadata (htmldate / trafilatura)
    HTML_TEXT = "html-text"  # guessed from the page text: unreliable
    URL = "url"  # a date in the URL path
    FEED = "feed"  # the feed entry's published/updated field
    JSONL = "jsonl"  # the ``published`` field of a JSONL record
    CRAWL = "crawl"  # when a web archive (WARC) captured the page: only a bound, so unreliable
    CALLER = "caller"  # given through the Python API
    INFERRED = "inferred"  # derived from the article's story
    NONE = "none"  # no date found


def normalize_text(text: str) -> str:
    """NFC-normalise, unify line endings and collapse runs of blank space."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_hash(title: str, text: str) -> str:
    """A hash of the article's words that ignores case, punctuation and spacing."""
    words = re.findall(r"\w+", f"{title}\n{text}".casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def display_title(article: Article) -> str:
    """The article's title, or its first words when it has none."""
    return article.title or first_words(article.text)


def first_words(text: str, limit: int = 90) -> str:
    """A title for an untitled article: its first line, cut at a word to ``limit`` characters."""
    first = text.strip().split("\n", 1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class PublishedDate:
    """A publication date with its precision and provenance.

    ``value`` is an ISO string whose length carries its precision: ``2023``,
    ``2023-05``, ``2023-05-25`` or a full ``2023-05-25T10:00:00+00:00``.
    """

    value: str
    source: DateSource
    reliable: bool

    def interval(self) -> tuple[datetime, datetime]:
        """The first and last instant the date can stand for, in UTC."""
        from babelwire.dates import iso_interval

        return iso_interval(self.value)


@dataclass
class Article:
    """One news article, from its source fields to its analysis results."""

    title: str
    text: str
    url: str | None = None
    source: str | None = None  # outlet name or host
    origin: str = ""  # the file, URL or record it was read from
    published: PublishedDate | None = None
    language: str = UNDETERMINED
    language_confidence: float = 0.0
    ingested_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: str = ""
    content_hash: str = ""
    # analysis results
    sentences: list[str] = field(default_factory=list)
    embedding: np.ndarray | None = field(default=None, repr=False)
    #: what the analysis could not do, for the ingest report (not stored): e.g. a script no identifier reads
    notes: list[str] = field(default_factory=list)
    # link result
    story_id: int | None = None
    link_score: float | None = None
    # a syndicated copy: the id of the stored article it repeats, and how alike they are (MinHash Jaccard)
    copy_of: str | None = None
    copy_similarity: float | None = None
    #: why the page is no news and stays out of stories (paywall, consent page …: babelwire.junk); ``None`` for news
    kept_out: str | None = None

    def __post_init__(self) -> None:
        self.title = normalize_text(self.title or "")
        self.text = normalize_text(self.text or "")
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.text)
        if not self.id:
            # the same text at another address or outlet is another article (a syndicated copy)
            key, address = self.content_hash, self.url or self.source
            if address:
                key = hashlib.sha256(f"{self.content_hash}\n{address}".encode()).hexdigest()
            self.id = key[:16]

    @property
    def lead(self) -> str:
        """Title and text joined, the form given to the encoder and language ID."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass
class Story:
    """A group of articles about one event, possibly in many languages."""

    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    article_ids: list[str] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)  # code -> article count
    first_seen: str | None = None  # earliest publication of its dated articles, ISO
    last_seen: str | None = None
    #: no article has a date: the span is the articles' ingest times, a bound rather than a publication date
    span_inferred: bool = False
    merged_into: int | None = None
    copies: int = 0  # syndicated copies of its articles, not counted in article_ids
    outlets: int = 0  # distinct sources over articles and copies (articles without a source count once each)


@dataclass(frozen=True)
class StoryMerge:
    """A record that story ``source_id`` was folded into ``target_id``."""

    source_id: int
    target_id: int
    merged_at: datetime
    article_id: str  # the article whose arrival showed the two were one
    score: float


@dataclass(frozen=True)
class LinkDecision:
    """What the linker decided for one article."""

    article_id: str
    story_id: int
    score: float  # best story score, 0.0 for a new story
    new_story: bool
    merged_story_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class IngestProblem:
    """An input that could not become an article, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: int = 0
    duplicates: int = 0
    copies: int = 0  # stored as syndicated copies of other articles (not linked on their own)
    problems: list[IngestProblem] = field(default_factory=list)
    decisions: list[LinkDecision] = field(default_factory=list)
    #: stored articles the analysis has something to say about (a language it could not identify…)
    warnings: list[IngestProblem] = field(default_factory=list)
    #: stored articles per language that is identified but not supported by the reading (entities, quotes)
    unsupported_languages: dict[str, int] = field(default_factory=dict)
    #: stored pages that are no news (paywall, consent, bot-block …), each in a story of its own, with the reason
    kept_out: list[IngestProblem] = field(default_factory=list)

    @property
    def new_stories(self) -> int:
        return sum(1 for decision in self.decisions if decision.new_story)

    def story_ids(self) -> list[int]:
        """The stories this run changed: those articles joined or founded (merged-away ones lead to these)."""
        return list(dict.fromkeys(decision.story_id for decision in self.decisions))


@dataclass(frozen=True)
class SearchHit:
    """An article found by :meth:`babelwire.Tracker.search`."""

    article_id: str
    score: float
    title: str
    language: str
    story_id: int | None
    published: str | None
    source: str | None
