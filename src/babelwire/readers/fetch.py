"""Downloading URLs into :class:`Source` values: the one fetcher every URL goes through.

A feed is someone else's text, and with ``--follow-links`` its entry links are fetched: so a link must not
reach what only this machine can (``file://``, ``data:``, ``http://127.0.0.1/admin``, a host on the private
network, ``http://2130706433/``). Only http and https are fetched; the host is resolved and every address it
resolves to must be public, unless ``allow_private_hosts`` is set; the connection goes to the address that
was checked (no second lookup a rebinding DNS server could answer differently), and each redirect is
checked the same way. A download has a total deadline and a size cap while it streams, and every failure
(status line, headers, chunking, TLS, DNS, timeouts) becomes a :class:`ReadError` naming the reason.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from babelwire.readers.base import ReadError, Source
from babelwire.settings import Settings

USER_AGENT = "babelwire/0.1 (+https://github.com/babelwire/babelwire)"
#: bytes read from the network at a time, so that the deadline and the size cap are checked while streaming
_CHUNK = 64 * 1024
_SCHEMES = ("http", "https")


class RefusedURL(ReadError):
    """A URL babelwire will not fetch: another scheme than http(s), or a host on a private network."""


def is_url(text: str) -> bool:
    """Whether a command-line input names an http(s) URL."""
    return text.lower().startswith(("http://", "https://"))


def resolve_link(link: str, base: str | None) -> str:
    """A link made absolute against the page or feed it came from; a relative link without a base, or a
    link of another scheme than http(s), is refused."""
    absolute = urljoin(base, link) if base and is_url(base) else link
    scheme = urlsplit(absolute).scheme.lower()
    if not scheme:
        raise RefusedURL(f"refused: relative link {link!r} without a page to resolve it against")
    if scheme not in _SCHEMES:
        raise RefusedURL(f"refused: only http and https URLs are fetched, not {scheme}:")
    return absolute


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is no part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast
                or ip.is_reserved)


def checked_addresses(host: str, port: int, allow_private: bool) -> list[tuple[Any, ...]]:
    """The addresses to connect to for ``host``; :class:`RefusedURL` when any of them is not public (a host
    that resolves to one public and one private address is refused: which one answers is not ours to say)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ReadError(f"unreachable (cannot resolve {host!r}: {exc})") from exc
    if not infos:
        raise ReadError(f"unreachable (no address for {host!r})")
    if not allow_private:
        private = sorted({info[4][0] for info in infos if not _is_public(info[4][0])})
        if private:
            raise RefusedURL(f"refused: {host} resolves to a private or local address ({', '.join(private)}); "
                             "allow_private_hosts (--allow-private-hosts) lets babelwire fetch it")
    return infos


class _Guard:
    """What one download may do: reach private hosts or not, and until when. Holds the open socket, so that a
    watchdog can close it at the deadline even while a read is blocked (a server trickling its headers)."""

    def __init__(self, allow_private: bool, deadline: float):
        self.allow_private = allow_private
        self.deadline = deadline
        self.sockets: list[socket.socket] = []

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def connect(self, address: tuple[str, int], timeout: float | None = None,
                source_address: tuple[str, int] | None = None) -> socket.socket:
        """``socket.create_connection`` to an address this guard has checked."""
        host, port = address
        last: OSError | None = None
        for family, kind, proto, _, target in checked_addresses(host, port, self.allow_private):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(max(0.01, min(timeout or self.remaining(), self.remaining())))
                if source_address:
                    sock.bind(source_address)
                sock.connect(target)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            self.sockets.append(sock)
            return sock
        raise last or OSError(f"cannot connect to {host}")

    def close_all(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def _guarded(connection_class: type[http.client.HTTPConnection], guard: _Guard) -> type:
    class GuardedConnection(connection_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = guard.connect

    return GuardedConnection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_guarded(http.client.HTTPConnection, self.guard), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard):
        super().__init__()
        self.guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_guarded(http.client.HTTPSConnection, self.guard), req,
                            context=self._context)  # type: ignore[attr-defined]


#: a caller's say on each URL before it is requested (the first and every redirect): it may wait (politeness)
#: or raise :class:`ReadError` to refuse it (robots.txt)
URLCheck = Callable[[str], None]


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s), and only where the caller's check allows; the new host is checked when its
    connection opens."""

    def __init__(self, check: URLCheck | None = None):
        super().__init__()
        self.check = check

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        absolute = resolve_link(newurl, req.full_url)
        if self.check is not None:
            self.check(absolute)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(guard: _Guard, check: URLCheck | None = None) -> urllib.request.OpenerDirector:
    # build_opener's defaults would add file:, ftp: and data: handlers; this one knows http(s) only
    opener = urllib.request.OpenerDirector()
    for handler in (_HTTPHandler(guard), _HTTPSHandler(guard), _RedirectHandler(check),
                    urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    return opener


def _read_body(response: http.client.HTTPResponse, limit: int, guard: _Guard) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if guard.remaining() <= 0:
            raise TimeoutError("deadline passed while downloading")
        chunk = response.read1(_CHUNK)
        if not chunk:
            if guard.remaining() <= 0:  # the watchdog closed the socket: the end is the deadline's, not the reply's
                raise TimeoutError("deadline passed while downloading")
            if response.length:  # fewer bytes than Content-Length promised
                raise http.client.IncompleteRead(b"".join(parts), response.length)
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            raise ReadError(f"too large: over {limit:,} bytes (see max_input_bytes)")
        parts.append(chunk)


def _failure(exc: BaseException, guard: _Guard, deadline_s: float) -> ReadError:
    """The :class:`ReadError` saying why a download failed."""
    timed_out = f"timed out (deadline {deadline_s:g} s, see http_deadline_s)"
    if isinstance(exc, ReadError):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return ReadError(f"HTTP {exc.code} {exc.reason}")
    if guard.remaining() <= 0 and not isinstance(exc, urllib.error.URLError):
        return ReadError(timed_out)  # the watchdog closed the socket: whatever broke, the deadline broke it
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, ReadError):
            return exc.reason
        return ReadError(f"unreachable ({exc.reason})")
    if isinstance(exc, TimeoutError):
        return ReadError(timed_out)
    if isinstance(exc, http.client.HTTPException):  # bad status line, HTTP/0.9, long or too many headers, chunking
        return ReadError(f"malformed HTTP reply ({type(exc).__name__}: {str(exc)[:200]})")
    return ReadError(f"unreachable ({exc})")


@dataclass
class HttpReply:
    """What a server answered: its status and headers, and the body of a 2xx answer (empty otherwise)."""

    url: str
    final_url: str
    status: int
    headers: Message
    body: bytes = b""
    reason: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def source(self) -> Source:
        """The body as a :class:`Source` to read."""
        return Source(origin=self.url, data=self.body, url=self.final_url,
                      content_type=self.headers.get("Content-Type"))


def fetch_http(url: str, settings: Settings, headers: Mapping[str, str] | None = None, *,
               check: URLCheck | None = None) -> HttpReply:
    """Send one GET with extra request ``headers`` (``If-None-Match``…) and return the answer whatever its
    status: a 304, a 429 or a 500 is an answer (the caller decides), never an error. Only what
    :func:`fetch_url` refuses or fails to get (scheme, private host, network, deadline, size cap, malformed
    reply) raises :class:`ReadError`. The body is read, with the same cap, for 2xx answers only."""
    url = resolve_link(url, None)
    if check is not None:
        check(url)
    deadline_s = settings.http_deadline_s
    guard = _Guard(settings.allow_private_hosts, time.monotonic() + deadline_s)
    watchdog = threading.Timer(deadline_s, guard.close_all)
    watchdog.daemon = True
    watchdog.start()
    request = urllib.request.Request(url, headers={**(headers or {}), "User-Agent": USER_AGENT})
    try:
        try:
            response: Any = _opener(guard, check).open(request, timeout=settings.http_timeout_s)
        except urllib.error.HTTPError as exc:
            response = exc  # an answer all the same: its status and headers are what the caller needs
        with response:
            status = int(response.status if response.status is not None else response.code)
            body = _read_body(response, settings.max_input_bytes, guard) if 200 <= status < 300 else b""
            reply = HttpReply(url, response.geturl(), status, response.headers, body, str(response.reason or ""))
    except (ReadError, urllib.error.URLError, TimeoutError, http.client.HTTPException, OSError, ValueError) as exc:
        raise _failure(exc, guard, deadline_s) from exc
    finally:
        watchdog.cancel()
    return reply


def fetch_url(url: str, settings: Settings, *, check: URLCheck | None = None) -> Source:
    """Fetch one URL; :class:`ReadError` says why it failed (refused, unreachable, HTTP status, malformed
    reply, deadline, size). ``check`` hears of the URL and of every redirect before it is requested."""
    reply = fetch_http(url, settings, check=check)
    if not reply.ok:
        raise ReadError(f"HTTP {reply.status} {reply.reason}".rstrip())
    return reply.source()
