"""A local HTTP server for the polling tests: feeds that change between polls, conditional answers, errors,
throttling, stalls, redirects and robots.txt, on 127.0.0.1 (fetched with ``allow_private_hosts``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

WORDS = ["harbour", "council", "minister", "storm", "bridge", "election", "vaccine", "outbreak", "tariff", "summit",
         "river", "court", "strike", "budget", "airport", "museum", "festival", "wildfire", "border", "pipeline"]


def report_text(number: int) -> str:
    """A distinct text of some length for item ``number`` (copy detection must not take two for one)."""
    words = " ".join(WORDS[(number * 7 + k * 3) % len(WORDS)] for k in range(30))
    return f"Report number {number} from the {WORDS[number % len(WORDS)]} desk: {words} (item {number})."


def rss(items: list[dict[str, str]], title: str = "Test Wire") -> bytes:
    """An RSS 2.0 feed of items with ``guid``, ``title``, ``text`` and optionally ``link``."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
             "<link>http://example.org/</link><description>test</description>"]
    for item in items:
        link = f"<link>{escape(item['link'])}</link>" if item.get("link") else ""
        parts.append(f"<item><guid>{escape(item['guid'])}</guid><title>{escape(item['title'])}</title>{link}"
                     f"<description>{escape(item['text'])}</description>"
                     "<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def items(numbers: range | list[int], link_base: str | None = None) -> list[dict[str, str]]:
    return [{"guid": f"item-{n}", "title": f"Report {n}", "text": report_text(n),
             **({"link": f"{link_base}/{n}"} if link_base else {})} for n in numbers]


@dataclass
class Answer:
    """What the server answers on one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    #: seconds to wait before answering; or an event to wait for
    delay_s: float = 0.0
    hold: threading.Event | None = None


@dataclass
class Hit:
    path: str
    host: str
    headers: dict[str, str]


class FeedServer:
    """Routes paths to :class:`Answer` values the test changes between polls; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | Callable[[Hit], Answer]] = {}
        self.hits: list[Hit] = []
        self.arrived = threading.Event()  # set when a held answer's request arrives
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hit = Hit(self.path, self.headers.get("Host", ""), {k.lower(): v for k, v in self.headers.items()})
                server.hits.append(hit)
                route = server.routes.get(self.path)
                answer = route(hit) if callable(route) else route
                if answer is None:
                    answer = Answer(404, b"not found", "text/plain")
                if answer.hold is not None:
                    server.arrived.set()
                    answer.hold.wait(60)
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                status = answer.status
                if status == 200 and answer.etag and hit.headers.get("if-none-match") == answer.etag:
                    status = 304
                if (status == 200 and answer.last_modified
                        and hit.headers.get("if-modified-since") == answer.last_modified):
                    status = 304
                body = answer.body if status == 200 else b""
                try:
                    self.send_response(status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if answer.etag:
                        self.send_header("ETag", answer.etag)
                    if answer.last_modified:
                        self.send_header("Last-Modified", answer.last_modified)
                    if status != 304:
                        self.send_header("Content-Type", answer.content_type)
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except OSError:  # the client gave up (a deadline): nothing to answer
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
