"""Web archives (WARC, as in Common Crawl's CC-NEWS): each HTML response record becomes an article.

The file is streamed record by record with warcio, plain (``.warc``) or gzipped per record
(``.warc.gz``), so its size is not limited; ``max_input_bytes`` caps one record's payload, as it
caps one JSONL line. An article's origin is ``FILE@OFFSET``, the byte offset of its record (what
``warcio extract FILE OFFSET`` takes); its URL is the record's ``WARC-Target-URI``. A page without
a date of its own gets the record's ``WARC-Date``, marked as a crawl date and unreliable: the page
existed then, but may be much older.

Only ``response`` records can be articles; warcinfo, request, metadata and revisit records are
passed over silently. A response that is no article (not HTML, an HTTP error, truncated, too large,
no main text) is counted, and the counts come out at the end, one problem per reason::

    cc.warc.gz: skipped 12 records: not HTML (image/jpeg ×10, application/pdf ×2)

warcio cannot go on after data it cannot parse, so after damage the reader looks for the next
record start (a gzip member holding a WARC header, or a ``WARC/1.x`` line) and carries on from
there, reporting the stretch it skipped; when no record follows, it reports where it stopped and
keeps the articles read before.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, BinaryIO

from babelwire.dates import make_date
from babelwire.readers.base import ReadError, ReadResult, Source
from babelwire.readers.html import decode_html, extract_html
from babelwire.settings import Settings
from babelwire.types import Article, DateSource, IngestProblem

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

GZIP_MAGIC = b"\x1f\x8b"
#: the gzip magic and the deflate method: where a record of a ``.warc.gz`` may begin
_GZIP_MEMBER = b"\x1f\x8b\x08"
#: where a record of a plain WARC may begin (the newline is not part of the record)
_WARC_LINE = b"\nWARC/1."
_BLOCK = 1 << 20
#: damaged stretches reported one by one per file; any more are summed up in one problem
MAX_DAMAGE_REPORTS = 10
#: kinds (media types, statuses, errors) listed per skip reason; the rest are counted together
MAX_KINDS = 6
_SHORT = ("truncated", "payload shorter than declared")
#: the longest header line read (WARC or HTTP): warcio reads a line until its newline, so a record of
#: compressed zeros without one grew into a 10 GB "line"; http.client's own limit is 64 KiB
MAX_HEADER_LINE = 256 * 1024


#: decompressed bytes of one record from which its decompression ratio is checked (small records of
#: repeated markup may compress well beyond any ratio)
RATIO_FLOOR = 1 << 20


class DecompressionBomb(ValueError):
    """A record inflates beyond ``max_decompression_ratio`` times the compressed bytes it was read from."""


def _line_capped_reader(handle: BinaryIO, max_ratio: float = 0):  # -> warcio DecompressingBufferedReader
    """warcio's decompressing reader whose ``readline`` stops at :data:`MAX_HEADER_LINE` bytes and raises,
    and whose inflating stops with :class:`DecompressionBomb` once the record being read (counted from
    :meth:`start_record`) inflates more than ``max_ratio`` times (0: no limit)."""
    from warcio.bufferedreaders import DecompressingBufferedReader

    class LineCappedReader(DecompressingBufferedReader):
        compressed = 0
        inflated = 0

        def start_record(self) -> None:
            self.compressed = self.inflated = 0

        def readline(self, length: int | None = None) -> bytes:
            cap = MAX_HEADER_LINE if not length else min(length, MAX_HEADER_LINE)
            line = super().readline(cap)
            if len(line) >= MAX_HEADER_LINE and not line.endswith(b"\n"):
                raise ValueError(f"a header line over {MAX_HEADER_LINE:,} bytes")
            return line

        def _decompress(self, data: bytes) -> bytes:
            if self.decompressor is None or not data:
                return super()._decompress(data)
            inflated = super()._decompress(data)
            self.compressed += len(data)
            self.inflated += len(inflated)
            if max_ratio and self.inflated > RATIO_FLOOR and self.inflated > max_ratio * self.compressed:
                raise DecompressionBomb(f"over max_decompression_ratio {max_ratio:g}: {self.inflated:,} bytes "
                                        f"from {self.compressed:,}")
            return inflated

    return LineCappedReader(handle)


def is_warc_head(head: bytes) -> bool:
    """Whether the first bytes of an input are a WARC record header, plain or gzipped."""
    if head.startswith(GZIP_MAGIC):
        try:
            # only the first bytes: a small head can unpack to far more than it is
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def _describe(exc: BaseException) -> str:
    """An exception as one short printable line (warcio's messages span lines and quote raw bytes)."""
    text = " ".join(str(exc).split()).encode("ascii", "backslashreplace").decode("ascii")
    if len(text) > 100:
        text = text[:99] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        value = value.strip().strip("\"'")
        if key.strip().lower() == "charset" and value:
            return value
    return None


@dataclass
class _Skipped:
    """Records passed over, counted by reason and, within a reason, by kind."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, reason: str, kind: str) -> None:
        self.counts.setdefault(reason, Counter())[kind] += 1

    def problems(self, origin: str) -> Iterator[IngestProblem]:
        for reason, kinds in self.counts.items():
            total = sum(kinds.values())
            ranked = kinds.most_common()  # most frequent first; ties in the order first seen
            listed = [f"{kind} ×{count}" for kind, count in ranked[:MAX_KINDS]]
            rest = sum(count for _, count in ranked[MAX_KINDS:])
            if rest:
                listed.append(f"other ×{rest}")
            records = "record" if total == 1 else "records"
            yield IngestProblem(origin, f"skipped {total} {records}: {reason} ({', '.join(listed)})")


@dataclass
class _Damage:
    """A stretch of the file that held no readable record."""

    start: int  # the offset where reading failed
    record: int  # the number of the record being read
    error: str
    end: int | None = None  # the offset where reading went on; None: it never did

    def reason(self, size: int) -> str:
        failed = f"cannot read record {self.record} at offset {self.start} ({self.error})"
        if self.end is None:
            return f"{failed}; stopped there, {size - self.start:,} bytes before the end of the file"
        return f"{failed}; skipped {self.end - self.start:,} bytes to the next record, at offset {self.end}"


class _WarcScan:
    """One pass over one WARC file: the articles, then the problems, and where to resume after damage."""

    def __init__(self, origin: str, handle: BinaryIO, size: int, settings: Settings):
        self.origin = origin
        self.handle = handle
        self.size = size
        self.settings = settings
        self.gzipped = handle.read(2) == GZIP_MAGIC
        self.records = 0  # records read, of every type
        self.articles = 0
        self.skipped = _Skipped()
        self.damage: list[_Damage] = []
        self.open_damage: _Damage | None = None  # the stretch being skipped, until a record is read again
        self.resume_at: int | None = None

    def run(self) -> Iterator[ReadResult]:
        start: int | None = 0
        while start is not None:
            self.resume_at = None
            yield from self._segment(start)
            start = self.resume_at
        if self.records == 0:
            if self.size == 0:
                raise ReadError("empty input")
            raise ReadError(f"no readable WARC record ({self.damage[0].error if self.damage else 'no records'})")
        for damage in self.damage[:MAX_DAMAGE_REPORTS]:
            yield IngestProblem(self.origin, damage.reason(self.size))
        if len(self.damage) > MAX_DAMAGE_REPORTS:
            more = self.damage[MAX_DAMAGE_REPORTS:]
            skipped = sum((d.end if d.end is not None else self.size) - d.start for d in more)
            yield IngestProblem(self.origin, f"{len(more)} more unreadable stretches ({skipped:,} bytes) skipped")
        yield from self.skipped.problems(self.origin)
        if not self.articles and not self.skipped.counts and not self.damage:
            yield IngestProblem(self.origin, f"no articles: none of the {self.records} records is an HTTP response")

    def _segment(self, start: int) -> Iterator[Article]:
        """Articles from the records from ``start`` on, up to the end or to damage (then ``resume_at`` is set)."""
        from warcio.archiveiterator import WARCIterator

        self.handle.seek(start)
        records = WARCIterator(self.handle)
        # before the first read: bounded header lines and decompression
        records.reader = _line_capped_reader(records.fh, self.settings.max_decompression_ratio)
        floor = start  # inside a damaged gzip member warcio's offsets can step back: never follow them there
        while True:
            # where the next record starts, once the last one is read to its end
            offset = max(records.offset, floor)
            records.reader.start_record()
            try:
                record = next(records, None)
            except Exception as exc:  # warcio raises all kinds on damaged input, and its iterator ends there
                self._damaged(offset, self.records + 1, exc)
                return
            if record is None:
                return
            self.records += 1
            self.open_damage = None
            floor = offset + 1
            outcome = self._article(record, offset)
            try:
                records.read_to_end()
            except Exception as exc:
                self._damaged(offset, self.records, exc)
            short = getattr(record.raw_stream, "limit", 0) > 0
            if isinstance(outcome, Article):
                self.articles += 1
                yield outcome
            elif outcome is not None:  # a record cut short is truncated, whatever else it seemed
                self.skipped.add(*(_SHORT if short else outcome))
            if self.resume_at is not None:
                return
            if short:
                # the record ended early: the file's end, or a damaged gzip member, after which warcio
                # reads on silently through the rest of the file; the next record start tells which
                self.resume_at = self._next_record_start(offset)
                return

    def _damaged(self, offset: int, record: int, exc: BaseException) -> None:
        """Note that reading record number ``record`` at ``offset`` failed and find where to go on (``resume_at``)."""
        if self.open_damage is None:  # otherwise the last resume point held no record either: one stretch
            self.open_damage = _Damage(offset, record, _describe(exc))
            self.damage.append(self.open_damage)
        self.resume_at = self._next_record_start(offset)
        self.open_damage.end = self.resume_at

    def _next_record_start(self, after: int) -> int | None:
        """The offset of the first place after ``after`` that holds a WARC record header, streaming."""
        marker, lead = (_GZIP_MEMBER, 0) if self.gzipped else (_WARC_LINE, 1)
        position = after + 1 - lead  # the plain marker's newline may sit right at ``after``
        while True:
            found = self._find(marker, position)
            if found is None:
                return None
            candidate = found + lead
            self.handle.seek(candidate)
            if is_warc_head(self.handle.read(4096)):  # compressed data may hold the gzip magic by chance
                return candidate
            position = found + 1

    def _find(self, marker: bytes, position: int) -> int | None:
        """The offset of the first ``marker`` at or after ``position``."""
        self.handle.seek(position)
        carry = b""
        while block := self.handle.read(_BLOCK):
            window = carry + block
            found = window.find(marker)
            if found >= 0:
                return position + found
            carry = window[-(len(marker) - 1):]
            position += len(window) - len(carry)
        return None

    def _article(self, record: ArcWarcRecord, offset: int) -> Article | tuple[str, str] | None:
        """The article in one record; for a response that holds none, why (a reason and a kind); else ``None``."""
        if record.rec_type != "response":
            return None  # warcinfo, request, metadata, revisit…: not pages
        http = record.http_headers
        if http:
            status = http.get_statuscode() or "missing"
            if not status.startswith("2"):
                return "not a successful HTTP response", f"status {status}"
        if http:
            content_type = http.get_header("Content-Type") or ""
        else:  # an HTTP response whose headers did not parse says nothing of its payload's type
            content_type = record.content_type or ""
            if content_type.startswith("application/http"):
                content_type = ""
        media_type = content_type.split(";", 1)[0].strip().lower()
        if "html" not in media_type:
            return "not HTML", media_type or "no Content-Type"
        truncated = record.rec_headers.get_header("WARC-Truncated")
        if truncated:
            return "truncated", f"WARC-Truncated: {truncated}"
        limit = self.settings.max_input_bytes
        try:
            payload = record.content_stream().read(limit + 1)
            if len(payload) > limit:
                return "too large", f"over {limit:,} bytes (max_input_bytes)"
            while record.raw_stream.read(_BLOCK):  # what is left tells whether the record is whole
                pass
        except Exception as exc:  # a broken chunked or compressed HTTP body
            return "unreadable", _describe(exc)
        if getattr(record.raw_stream, "limit", 0) > 0:
            return _SHORT
        url = record.rec_headers.get_header("WARC-Target-URI") or None
        try:
            notes: list[str] = []
            html = decode_html(payload, _charset(content_type), notes)
            article = extract_html(html, f"{self.origin}@{offset}", url)
            article.notes.extend(notes)
        except ReadError as exc:
            return "no article in the HTML", str(exc)
        except Exception as exc:  # the parsers choked on one page: never let it stop the file
            return "no article in the HTML", _describe(exc)
        published = article.published or make_date(
            record.rec_headers.get_header("WARC-Date"), DateSource.CRAWL, reliable=False
        )
        # the address crawled rather than a canonical link the page claims; the id follows the URL
        return replace(article, url=url or article.url, published=published, id="")


class WarcReader:
    """Reads ``.warc`` and ``.warc.gz`` web archives, streaming; each HTML response is one article."""

    name = "warc"
    extensions = (".warc", ".warc.gz")

    def sniff(self, head: bytes) -> bool:
        return is_warc_head(head)

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        with source.open() as handle:
            yield from _WarcScan(source.origin, handle, source.size(), settings).run()
