"""Downloading URLs into :class:`Source` values, with a timeout and a size limit."""

from __future__ import annotations

import urllib.error
import urllib.request

from babelwire.readers.base import ReadError, Source
from babelwire.settings import Settings

USER_AGENT = "babelwire/0.1 (+https://github.com/babelwire/babelwire)"


def is_url(text: str) -> bool:
    """Whether a command-line input names an http(s) URL."""
    return text.lower().startswith(("http://", "https://"))


def fetch_url(url: str, settings: Settings) -> Source:
    """Fetch one URL; :class:`ReadError` says why it failed (unreachable, HTTP status, size)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    limit = settings.max_input_bytes
    try:
        with urllib.request.urlopen(request, timeout=settings.http_timeout_s) as response:
            data = response.read(limit + 1)
            final_url = response.geturl()
            content_type = response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise ReadError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ReadError(f"unreachable ({reason})") from exc
    if len(data) > limit:
        raise ReadError(f"too large: over {limit:,} bytes (see max_input_bytes)")
    return Source(origin=url, data=data, url=final_url, content_type=content_type)
