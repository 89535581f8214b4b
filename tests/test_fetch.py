"""The one fetcher (issue 16): no local files or internal hosts through feeds, and one bad server never
stops a batch. A hostile server on 127.0.0.1 answers each path with crafted bytes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from babelwire.readers import read_inputs
from babelwire.readers.fetch import resolve_link
from babelwire.settings import Settings
from babelwire.types import Article, IngestProblem
from samples import ARTICLE_EN

PAGE = f"<html><head><title>Good page</title></head><body><p>{ARTICLE_EN}</p></body></html>".encode()


def _ok(body: bytes, content_type: str = "text/html") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


def _trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(60):
        conn.sendall(b"x")
        time.sleep(0.1)


#: path → bytes to send, or a function that talks to the connection itself
REPLIES: dict[str, bytes | Callable[[socket.socket], None]] = {
    "/good.html": _ok(PAGE),
    "/bad-status": b"HTTP/1.1 TWO HUNDRED OK\r\n\r\nhello",
    "/http09": b"<html>no status line at all</html>",
    "/long-header": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\nbody",
    "/many-headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\nbody",
    "/broken-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n",
    "/huge": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"<p>" + b"word " * 40_000,
    "/to-file": b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n",
    "/trickle": _trickle,
}


class HostileServer:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _serve(self) -> None:
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if " " in request else "/"
                reply = REPLIES.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                if callable(reply):
                    reply(conn)
                else:
                    conn.sendall(reply)
            except OSError:
                pass  # the client gave up first, as it should

    def close(self) -> None:
        self.stopped = True
        self.sock.close()


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    found = HostileServer()
    yield found
    found.close()


def read_all(*inputs: str | Path, settings: Settings) -> tuple[list[Article], list[IngestProblem]]:
    results = list(read_inputs([str(item) for item in inputs], settings))
    return ([r for r in results if isinstance(r, Article)], [r for r in results if isinstance(r, IngestProblem)])


LOCAL = Settings(allow_private_hosts=True, http_timeout_s=2.0, http_deadline_s=3.0, max_input_bytes=100_000)


def test_local_and_private_hosts_are_refused_by_default(server: HostileServer) -> None:
    urls = [server.url("/good.html"), server.url("/good.html", "localhost"), server.url("/good.html", "2130706433"),
            server.url("/good.html", "[::1]")]
    articles, problems = read_all(*urls, settings=Settings())
    assert not articles
    assert [p.origin for p in problems] == urls
    assert all(p.reason.startswith("refused") and "private or local" in p.reason for p in problems)
    # the user may allow them, e.g. for a feed served on their own machine
    articles, problems = read_all(server.url("/good.html"), settings=LOCAL)
    assert [a.title for a in articles] == ["Good page"] and not problems


def test_only_http_and_https_are_fetched() -> None:
    for link in ("file:///etc/passwd", "file://localhost/etc/passwd", "file:/etc/passwd", "data:text/html,<p>x",
                 "ftp://example.org/x"):
        with pytest.raises(Exception, match="only http and https"):
            resolve_link(link, None)
    with pytest.raises(Exception, match="relative link"):
        resolve_link("/admin/", None)
    assert resolve_link("/a/b.html", "https://news.example/feed.rss") == "https://news.example/a/b.html"


@pytest.mark.parametrize("path", ["/bad-status", "/http09", "/long-header", "/many-headers", "/broken-chunk",
                                  "/huge", "/to-file", "/missing"])
def test_a_bad_server_is_one_problem_and_the_batch_goes_on(server: HostileServer, path: str,
                                                           tmp_path: Path) -> None:
    good_file = tmp_path / "after.txt"
    good_file.write_text(f"After the bad one\n\n{ARTICLE_EN}")
    articles, problems = read_all(server.url(path), good_file, settings=LOCAL)
    assert [a.title for a in articles] == ["After the bad one"]
    assert len(problems) == 1 and problems[0].origin == server.url(path) and problems[0].reason


def test_a_trickling_server_is_cut_off_at_the_deadline(server: HostileServer) -> None:
    started = time.monotonic()
    articles, problems = read_all(server.url("/trickle"), settings=LOCAL)
    assert not articles and "timed out" in problems[0].reason
    assert time.monotonic() - started < LOCAL.http_deadline_s + 2


def _feed(links: list[str]) -> str:
    items = "".join(f"<item><title>Entry {n}</title><link>{link}</link><description>{ARTICLE_EN}</description>"
                    f"</item>" for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'


def test_feed_links_to_local_files_and_hosts_are_not_followed(server: HostileServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("<html><body><p>the secret of this machine</p></body></html>")
    links = [f"file://{secret}", f"file://localhost{secret}", "data:text/html,<p>injected</p>",
             server.url("/good.html"), "/relative/link.html"]
    (tmp_path / "feed.rss").write_text(_feed(links))
    articles, problems = read_all(tmp_path / "feed.rss", settings=Settings(follow_feed_links=True))
    # every entry is kept with the feed's own text; none holds what its link pointed at
    assert [a.title for a in articles] == [f"Entry {n}" for n in range(len(links))]
    assert not any("secret" in a.text or "injected" in a.text or "Good page" in a.title for a in articles)
    assert len(problems) == len(links) and all("could not follow" in p.reason for p in problems)
    assert "refused" in problems[3].reason and "relative link" in problems[4].reason


def test_a_feed_with_a_hostile_second_link_keeps_its_first_entry(server: HostileServer, tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(_feed([server.url("/good.html"), server.url("/bad-status")]))
    articles, problems = read_all(tmp_path / "feed.rss", settings=LOCAL.replace(follow_feed_links=True))
    assert [a.title for a in articles] == ["Good page", "Entry 1"]
    assert len(problems) == 1 and "malformed HTTP reply" in problems[0].reason
