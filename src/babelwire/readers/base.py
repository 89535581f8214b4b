"""What every reader shares: the input it reads, the protocol it follows, decoding."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from babelwire.settings import Settings
from babelwire.types import Article, IngestProblem

ReadResult = Article | IngestProblem


class ReadError(Exception):
    """An input cannot be read; the message says why (the caller adds the origin)."""


@dataclass
class Source:
    """One input to read: a file on disk or bytes fetched from a URL.

    Files are opened lazily so that a streaming reader (JSONL) never holds the
    whole file in memory.
    """

    origin: str  # what the user gave: a path, a URL, or ``file:line``
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None  # the final URL for fetched pages
    content_type: str | None = None

    @property
    def name(self) -> str:
        """Lower-case file name (``cc-news.warc.gz``), from the path or the URL."""
        name = str(self.path) if self.path is not None else (self.url or self.origin)
        name = name.split("?", 1)[0].split("#", 1)[0].rstrip("/")
        return name.rsplit("/", 1)[-1].lower()

    @property
    def suffix(self) -> str:
        """Lower-case file extension (``.html``), from the path or the URL."""
        tail = self.name
        return "." + tail.rsplit(".", 1)[-1] if "." in tail else ""

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    def open(self) -> BinaryIO:
        """A binary stream over the input."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")

    def head(self, size: int = 4096) -> bytes:
        """The first ``size`` bytes, for sniffing the format."""
        if self.data is not None:
            return self.data[:size]
        with self.open() as handle:
            return handle.read(size)

    def read_bytes(self, limit: int) -> bytes:
        """All bytes, refusing inputs above ``limit`` with a clear error."""
        size = self.size()
        if size > limit:
            raise ReadError(f"too large: {size:,} bytes (limit {limit:,}; see max_input_bytes)")
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


class Reader(Protocol):
    """Turns one :class:`Source` into articles, or problems that name the input."""

    name: str
    #: file extensions this reader claims outright
    extensions: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of an input look like this reader's format."""
        ...

    def read(self, source: Source, settings: Settings) -> Iterator[ReadResult]:
        """Yield articles and problems; raise :class:`ReadError` to reject the whole input."""
        ...


def looks_binary(data: bytes) -> bool:
    """True for content that is not text in any encoding: NUL bytes or many control bytes."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample and not _is_utf16(sample):
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05


def _is_utf16(sample: bytes) -> bool:
    return sample.startswith((b"\xff\xfe", b"\xfe\xff"))


#: legacy encodings still common on news sites, preferred on a tie
_COMMON_LEGACY = frozenset({"cp1252", "cp1251", "cp1250", "gb18030", "big5", "shift_jis", "euc_kr", "koi8_r"})


#: a well-formed multi-byte UTF-8 sequence (no overlongs, no surrogates)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
#: a file whose bytes outside ASCII are at least this share well-formed UTF-8 (and not all) mixes encodings:
#: a legacy code page forms such sequences only by chance (Ukrainian cp1251 "Ві" is C2 B3), in a few percent
MIXED_UTF8_SHARE = 0.1
MIXED_ENCODINGS = "mixed encodings"


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as cp1252 (latin-1 for the five it leaves undefined)."""
    bad = error.object[error.start:error.end]
    return "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in bad), error.end


codecs.register_error("babelwire-cp1252", _cp1252_fallback)


def _mixed_utf8(data: bytes) -> tuple[str, int] | None:
    """Text of a file that is mostly UTF-8 with stretches in a legacy encoding, and how many bytes were not
    UTF-8; ``None`` when the UTF-8 in it looks like chance."""
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    sequences = _UTF8_SEQUENCE.findall(data)
    utf8_bytes = sum(map(len, sequences))
    if len(sequences) < 2 or utf8_bytes < MIXED_UTF8_SHARE * non_ascii:
        return None
    return data.decode("utf-8", errors="babelwire-cp1252"), non_ascii - utf8_bytes


def decode_text(data: bytes, declared: str | None = None, notes: list[str] | None = None) -> str:
    """Decode bytes to text: UTF-8 (with or without BOM), a declared charset, else detected.

    A file mixing UTF-8 and a legacy encoding is read as UTF-8 with its other bytes as cp1252 (the usual
    mix: a UTF-8 page with a pasted Windows paragraph), and a note saying so is appended to ``notes``
    rather than leaving mojibake in silence. Raises :class:`ReadError` for empty input, binary content
    or bytes that fit no encoding.
    """
    if not data.strip():
        raise ReadError("empty input")
    if looks_binary(data):
        raise ReadError("binary content, not text")
    if _is_utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"invalid UTF-16: {exc.reason}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8(data.removeprefix(codecs.BOM_UTF8))
    if mixed is not None:
        text, legacy = mixed
        if notes is not None:
            notes.append(f"{MIXED_ENCODINGS}: decoded as UTF-8, with {legacy:,} bytes that are not UTF-8 "
                         "read as cp1252; check the text")
        return text
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    from charset_normalizer import from_bytes

    candidates = list(from_bytes(data))
    if not candidates:
        raise ReadError("not valid UTF-8 and no other text encoding fits")
    # charset_normalizer ranks by "chaos" alone, which on short text picks rare code pages
    # (mac_latin2 for French cp1252); weighing in language coherence picks the likely one
    best = max(candidates, key=lambda match: (match.coherence - match.chaos, match.encoding in _COMMON_LEGACY))
    return str(best)
