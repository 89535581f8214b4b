"""Webhook delivery of watch-list alerts: a signed JSON POST, retried with back-off until it is taken.

Each alert of a watch-list with a webhook is POSTed alone as JSON (:func:`payload`). With a secret, the
``X-Babelwire-Signature`` header holds ``sha256=`` and the hex HMAC-SHA256 of the body under that secret,
so the receiver can check that the body comes from this babelwire unchanged (:func:`signature`). A reply
in the 2xx range delivers it; anything else (an error status, a redirect, a timeout, a refused connection)
counts one attempt, recorded in ``alerts.delivery_attempts``, and the next is due ``webhook_retry_base_s``
later, twice as long after each failure (``alerts.next_delivery_at``), until ``webhook_max_attempts``.
A receiver that does not answer at all is not tried again for its other alerts in the same run, so that
an ingest batch never waits one timeout per pending alert.

The URL is the operator's own, so a private or loopback host is allowed; the request is still bounded:
http(s) only, a timeout (``webhook_timeout_s``), no redirect followed, at most 64 KiB of the reply read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from babelwire import __version__
from babelwire.settings import Settings

if TYPE_CHECKING:
    from babelwire.store import Store

SIGNATURE_HEADER = "X-Babelwire-Signature"
#: the longest wait between two attempts
MAX_RETRY_DELAY = timedelta(days=1)
#: bytes of a receiver's reply read (the status is what counts)
_REPLY_BYTES = 64 * 1024

#: ``post(url, body, headers, timeout_s)`` → HTTP status; raises ``OSError`` when no reply came
Poster = Callable[[str, bytes, dict[str, str], float], int]


@dataclass
class DeliveryReport:
    """What one :func:`deliver_pending` did."""

    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return {"delivered": self.delivered, "failed": self.failed, "errors": self.errors}


def signature(body: bytes, secret: str) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """Whether a signature header is right for the body (what a receiver checks), compared in constant time."""
    return header is not None and hmac.compare_digest(signature(body, secret), header.strip())


def payload(alert: dict[str, Any]) -> bytes:
    """The JSON body of an alert (:func:`babelwire.watchlists.titled_alerts`): what fired, on which story."""
    data = {
        "watchlist": alert["watchlist"], "alert_id": alert["id"], "trigger": alert["trigger"],
        "summary": alert.get("summary"), "detail": alert["detail"], "created_at": alert["created_at"],
        "story": {"id": alert["story_id"], "title": alert.get("title"), "title_language": alert.get("title_language"),
                  "path": f"/stories/{alert['story_id']}"},
        "babelwire": __version__,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer, not a delivery: the 3xx is reported as a failure


def http_post(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> int:
    """POST over http(s) only, without following redirects; the reply's status (``OSError``: no reply)."""
    opener = urllib.request.OpenerDirector()  # no file:, ftp: or data: handlers
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), _NoRedirect(),
                    urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=timeout_s) as response:
            response.read(_REPLY_BYTES)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from exc
    except ValueError as exc:  # a URL urllib cannot open (checked when the list was made, so: changed by hand)
        raise OSError(str(exc)) from exc


def retry_delay(attempts: int, settings: Settings) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    seconds = settings.webhook_retry_base_s * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def deliver_pending(
    store: Store,
    settings: Settings,
    *,
    now: datetime | None = None,
    post: Poster | None = None,
    watchlist: str | None = None,
) -> DeliveryReport:
    """POST every alert whose delivery is due (of one watch-list, or all) and record each attempt.

    The poller, ``babelwire serve`` and ``babelwire alerts --deliver`` call this; an ingest batch that raised
    alerts calls it too (``watch_deliver_at_ingest``). ``now`` and ``post`` are for tests.
    """
    from babelwire.watchlists import get_watchlist, titled_alerts

    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).isoformat(timespec="seconds")
    post = post or http_post
    watchlist_id = get_watchlist(store, watchlist).id if watchlist else None
    due = store.pending_deliveries(stamp, settings.webhook_max_attempts, watchlist_id)
    report = DeliveryReport()
    unreachable: set[str] = set()
    for alert in titled_alerts(store, due, settings.reader_languages):
        if alert["webhook_url"] in unreachable:
            continue  # its receiver did not answer just now: not another timeout per alert (not an attempt)
        body = payload(alert)
        headers = {"Content-Type": "application/json", "User-Agent": f"babelwire/{__version__}",
                   "X-Babelwire-Event": alert["trigger"], "X-Babelwire-Delivery": str(alert["id"])}
        if alert["webhook_secret"]:
            headers[SIGNATURE_HEADER] = signature(body, alert["webhook_secret"])
        try:
            status = post(alert["webhook_url"], body, headers, settings.webhook_timeout_s)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:
            error = str(exc) or type(exc).__name__
            unreachable.add(alert["webhook_url"])
        attempts = alert["delivery_attempts"] + 1
        with store.transaction():
            if error is None:
                store.record_delivery(alert["id"], stamp, None, None)
                report.delivered += 1
                continue
            retry = None
            if attempts < settings.webhook_max_attempts:
                retry = (now + retry_delay(attempts, settings)).astimezone(UTC).isoformat(timespec="seconds")
            store.record_delivery(alert["id"], None, retry, error)
        report.failed += 1
        report.errors.append(f"alert {alert['id']} of {alert['watchlist']}: {error}")
    return report
