"""Ingest: turning files, directories and URLs into :class:`~babelwire.types.Article` values.

Each input format is one module with one reader class; register a new one with
:func:`register_reader`. :func:`read_inputs` walks what the user named and
yields articles and problems, never raising for a bad input.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from babelwire.readers.base import Reader, ReadError, ReadResult, Source, decode_text
from babelwire.readers.feed import FeedReader
from babelwire.readers.fetch import fetch_url, is_url
from babelwire.readers.html import HtmlReader
from babelwire.readers.jsonl import JsonlReader
from babelwire.readers.text import TextReader
from babelwire.readers.warc import WarcReader
from babelwire.settings import Settings
from babelwire.types import IngestProblem

__all__ = [
    "READERS", "ReadError", "ReadResult", "Reader", "Source", "decode_text",
    "iter_sources", "pick_reader", "read_inputs", "read_source", "register_reader",
]

#: readers by name, in sniffing order: the most specific formats first
READERS: dict[str, Reader] = {}


def register_reader(reader: Reader) -> Reader:
    """Add a reader (replacing one of the same name); returns it for chaining."""
    READERS[reader.name] = reader
    return reader


for _reader in (WarcReader(), FeedReader(), HtmlReader(), JsonlReader(), TextReader()):
    register_reader(_reader)


def _reader_by_name(name: str) -> Reader | None:
    """The reader claiming a file name's extension; matched on the name's end, so ``.warc.gz`` works too."""
    name = name.lower()
    for reader in READERS.values():
        if any(name.endswith(extension) for extension in reader.extensions):
            return reader
    return None


def pick_reader(source: Source) -> Reader:
    """The reader for a source: by content type, then extension, then by sniffing its head."""
    content_type = (source.content_type or "").lower()
    if content_type:
        if any(kind in content_type for kind in ("rss", "atom")):
            return READERS["feed"]
        if "html" in content_type:
            return READERS["html"]
        if "warc" in content_type:
            return READERS["warc"]
    by_name = _reader_by_name(source.name)
    if by_name is not None:
        return by_name
    head = source.head()
    for reader in READERS.values():
        if reader.sniff(head):
            return reader
    return READERS["text"]


def iter_sources(inputs: Iterable[str | Path], settings: Settings) -> Iterator[Source | IngestProblem]:
    """Expand paths (directories recursively, in sorted order) and fetch URLs."""
    for item in inputs:
        text = str(item)
        if is_url(text):
            try:
                yield fetch_url(text, settings)
            except ReadError as exc:
                yield IngestProblem(text, str(exc))
            continue
        path = Path(text)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield Source(origin=text, path=path)
        elif path.exists():
            yield IngestProblem(text, "not a regular file or directory")
        else:
            yield IngestProblem(text, "no such file or directory")


def _walk(folder: Path) -> Iterator[Source | IngestProblem]:
    """The regular files under a directory, in sorted order; everything else is reported, never read: a FIFO
    would block the ingest and a link to a device (/dev/zero) would never end. Linked directories are not
    entered (a link may loop), and directories that cannot be read are named."""
    unreadable: list[IngestProblem] = []

    def report(exc: OSError) -> None:
        unreadable.append(IngestProblem(str(exc.filename or folder), f"cannot read directory ({exc.strerror})"))

    for root, dirs, files in os.walk(folder, onerror=report):
        yield from unreadable
        unreadable.clear()
        for name in sorted(dirs):
            if not name.startswith(".") and (Path(root) / name).is_symlink():
                yield IngestProblem(str(Path(root) / name), "skipped: a linked directory is not followed")
        dirs[:] = sorted(name for name in dirs if not name.startswith(".") and not (Path(root) / name).is_symlink())
        for name in sorted(files):
            if name.startswith("."):
                continue
            child = Path(root) / name
            suffix = child.suffix.lower()
            if suffix and _reader_by_name(name) is None:
                yield IngestProblem(str(child), f"skipped: no reader for '{suffix}' files")
                continue
            try:
                regular = stat.S_ISREG(child.stat().st_mode)
            except OSError as exc:
                yield IngestProblem(str(child), f"cannot read ({exc.strerror or exc})")
                continue
            if not regular:
                yield IngestProblem(str(child), "skipped: not a regular file (a FIFO, socket or device)")
                continue
            yield Source(origin=str(child), path=child)
    yield from unreadable


def read_source(source: Source, settings: Settings) -> Iterator[ReadResult]:
    """Read one source with its reader, turning every failure into a problem naming it."""
    try:
        reader = pick_reader(source)
        yield from reader.read(source, settings)
    except ReadError as exc:
        yield IngestProblem(source.origin, str(exc))
    except OSError as exc:
        yield IngestProblem(source.origin, f"cannot read ({exc.strerror or exc})")


def read_inputs(inputs: Iterable[str | Path], settings: Settings) -> Iterator[ReadResult]:
    """Every article and problem from what the user named, in a stable order."""
    for source in iter_sources(inputs, settings):
        if isinstance(source, IngestProblem):
            yield source
        else:
            yield from read_source(source, settings)
