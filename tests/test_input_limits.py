"""Compressed inputs inflate within a ratio, and directories that cannot be read are named."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from babelwire.readers import read_inputs
from babelwire.settings import Settings
from babelwire.types import Article, IngestProblem
from samples import ARTICLE_DE, ARTICLE_EN
from test_warc import Warc, page_html


def _bomb_member(path: Path, size: int, content_type: str) -> None:
    """Append one gzip member holding a response record of ``size`` zero bytes (about size / 1000 on disk)."""
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {size}\r\n\r\n".encode()
    warc = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/bomb\r\n"
        "WARC-Date: 2026-02-05T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-0000000000ff>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + size}\r\n\r\n"
    ).encode()
    with gzip.open(path, "ab", compresslevel=9) as out:
        out.write(warc + http)
        block = bytes(1 << 20)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(b"\r\n\r\n")


def test_a_warc_record_inflating_past_the_ratio_is_refused_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    page = page_html("Dam holds as delta floods", ARTICLE_EN, None).encode()
    path.write_bytes(Warc().response("https://example.org/en/flood", page).buffer.getvalue())
    _bomb_member(path, 64 << 20, "text/html")
    _bomb_member(path, 64 << 20, "image/jpeg")
    page = page_html("Damm hält im Flussdelta", ARTICLE_DE, None).encode()
    with open(path, "ab") as out:
        out.write(Warc().response("https://example.de/de/hochwasser", page).buffer.getvalue())
    items = list(read_inputs([path], Settings()))
    assert [item.title for item in items if isinstance(item, Article)] == [
        "Dam holds as delta floods", "Damm hält im Flussdelta"]
    problems = [item for item in items if isinstance(item, IngestProblem)]
    assert problems and all(problem.origin == str(path) for problem in problems)
    assert "max_decompression_ratio 100" in problems[0].reason
    # with the ratio lifted the same records are read through (and skipped as too large / not HTML)
    lifted = list(read_inputs([path], Settings(max_decompression_ratio=0)))
    assert not any("max_decompression_ratio" in item.reason for item in lifted if isinstance(item, IngestProblem))


def test_a_directory_that_cannot_be_read_is_named_and_the_rest_read(tmp_path: Path, monkeypatch) -> None:
    # tests may run as root, for whom no mode bit denies a read: the refusal is made where os.walk lists
    (tmp_path / "good.txt").write_text(f"Good one\n\n{ARTICLE_EN}")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(f"Hidden\n\n{ARTICLE_DE}")
    real_scandir = os.scandir

    def scandir(path=".", *args):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_inputs([tmp_path], Settings()))
    assert [item.title for item in items if isinstance(item, Article)] == ["Good one"]
    problems = {item.origin: item.reason for item in items if isinstance(item, IngestProblem)}
    assert problems == {str(locked): "cannot read directory (Permission denied)"}
