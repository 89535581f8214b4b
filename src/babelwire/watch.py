"""Polling sources on their schedules: ``babelwire watch`` and ``babelwire serve --watch``.

One :class:`Watcher` holds one :class:`~babelwire.Tracker` for the life of the process, so a poll costs a
request and the ingest of what is new, never a cold start. Each cycle polls the sources that are due:

- a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the last answer): a 304 is recorded and
  costs nothing more (no parse, no ingest);
- a 2xx body is read by :class:`~babelwire.readers.feed.FeedReader` and its entries go through
  :meth:`Tracker.add <babelwire.Tracker.add>` (duplicates skipped, copies detected, stories linked);
- a failure (network, deadline, size, malformed feed, HTTP error) backs off exponentially from the source's
  interval up to ``watch_max_backoff_s``; a 429 or 503 also waits as long as its ``Retry-After`` says.

Requests go one at a time (the process is one thread), and two requests to the same host are at least
``watch_host_delay_s`` apart; due sources are taken round-robin over their hosts so that one slow or busy host
does not hold the others back more than it must. With ``--follow-links`` each entry page is fetched only where
the host's robots.txt allows (``watch_robots``; robots files are kept ``watch_robots_ttl_s``). Every poll is
recorded in the store (table ``polls``) together with the source's new state, so a restart resumes the schedule
where it stopped: a poll cut short by a crash left nothing but articles already committed, and runs again.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from babelwire.readers.base import ReadError, ReadResult, Source
from babelwire.readers.feed import FeedReader
from babelwire.readers.fetch import USER_AGENT, fetch_http, fetch_url
from babelwire.settings import Settings
from babelwire.sources import now_iso, parse_iso
from babelwire.store_sources import PollRecord, SourceRow
from babelwire.tracker import Tracker
from babelwire.types import Article, IngestProblem

log = logging.getLogger(__name__)

#: hosts whose robots.txt or last request time is remembered: a bound on memory, not a tunable (links of
#: followed feeds may name any number of hosts over days of polling; the least recently used are forgotten)
MAX_REMEMBERED_HOSTS = 1024
#: the longest a Retry-After is taken at its word (a date years ahead is a server's mistake)
MAX_RETRY_AFTER_S = 7 * 86400
#: the longest ``run`` sleeps at a time before looking at the schedule again (sources added meanwhile)
IDLE_CHECK_S = 30.0
#: the product token robots.txt rules are matched against
ROBOTS_AGENT = USER_AGENT.split("/", 1)[0]

Clock = Callable[[], float]
Sleep = Callable[[float], object]


def host_of(url: str) -> str:
    """The host a URL's request goes to (lower case, without port: one machine whatever its ports)."""
    return (urlsplit(url).hostname or "").lower()


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta seconds or an HTTP date); ``None`` if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER_S)


def backoff_seconds(every_s: int, failures: int, max_backoff_s: int) -> float:
    """The wait after ``failures`` failures in a row: the interval doubled per failure, at most the cap (and
    never less than the interval)."""
    return float(max(every_s, min(every_s * 2 ** min(failures, 32), max_backoff_s)))


class HostPacer:
    """Keeps requests to one host ``delay_s`` apart; remembers at most :data:`MAX_REMEMBERED_HOSTS` hosts."""

    def __init__(self, delay_s: float, clock: Clock, sleep: Sleep):
        self.delay_s = delay_s
        self.clock = clock
        self.sleep = sleep
        self._last: OrderedDict[str, float] = OrderedDict()

    def ready_at(self, host: str) -> float:
        """When the next request to ``host`` may go."""
        last = self._last.get(host)
        return self.clock() if last is None else last + self.delay_s

    def wait(self, host: str) -> None:
        """Wait for the host's turn and take it."""
        pause = self.ready_at(host) - self.clock()
        if pause > 0:
            self.sleep(pause)
        self._last[host] = self.clock()
        self._last.move_to_end(host)
        while len(self._last) > MAX_REMEMBERED_HOSTS:
            self._last.popitem(last=False)


class RobotsRules:
    """robots.txt per host, fetched when first needed and kept ``ttl_s``; at most
    :data:`MAX_REMEMBERED_HOSTS` hosts. A missing robots.txt (4xx) allows everything; one that cannot be had
    (5xx, network) forbids everything until it is fetched again, as RFC 9309 asks."""

    def __init__(self, settings: Settings, pacer: HostPacer, clock: Clock):
        self.settings = settings
        self.pacer = pacer
        self.clock = clock
        self._rules: OrderedDict[str, tuple[float, object | None, bool]] = OrderedDict()
        self.fetches = 0

    def allowed(self, url: str) -> bool:
        """Whether babelwire may fetch ``url``."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}".lower()
        entry = self._rules.get(site)
        if entry is None or self.clock() >= entry[0]:
            entry = self._fetch(site)
            self._rules[site] = entry
        self._rules.move_to_end(site)
        while len(self._rules) > MAX_REMEMBERED_HOSTS:
            self._rules.popitem(last=False)
        _, parser, allow_all = entry
        if parser is None:
            return allow_all
        return bool(parser.can_fetch(url, ROBOTS_AGENT))  # type: ignore[attr-defined]

    def _fetch(self, site: str) -> tuple[float, object | None, bool]:
        from protego import Protego

        self.fetches += 1
        expires = self.clock() + self.settings.watch_robots_ttl_s
        try:
            # the request, and any redirect, waits its host's turn
            reply = fetch_http(site + "/robots.txt", self.settings,
                               check=lambda url: self.pacer.wait(host_of(url)))
        except ReadError as exc:
            log.info("robots.txt of %s unreachable (%s): not following links there for now", site, exc)
            return min(expires, self.clock() + 3600), None, False
        if reply.ok:
            return expires, Protego.parse(reply.body.decode("utf-8", "replace")), True
        if 400 <= reply.status < 500:
            return expires, None, True
        return min(expires, self.clock() + 3600), None, False


@dataclass
class CycleReport:
    """What one cycle of :meth:`Watcher.run_once` did."""

    polls: list[PollRecord] = field(default_factory=list)

    @property
    def new_articles(self) -> int:
        return sum(poll.new_articles for poll in self.polls)

    def count(self, status: str) -> int:
        return sum(1 for poll in self.polls if poll.status == status)


class Watcher:
    """Polls the store's sources on their schedules into one long-lived :class:`Tracker`.

    ``clock`` (seconds since the epoch) and ``sleep`` can be replaced, so that tests drive days of polling
    without waiting; ``on_ingest`` hears of the stories each poll changed (``serve --watch`` reads them).
    """

    def __init__(self, tracker: Tracker, settings: Settings | None = None, *, clock: Clock = time.time,
                 sleep: Sleep | None = None, on_ingest: Callable[[list[int]], None] | None = None):
        self.tracker = tracker
        self.settings = settings or tracker.settings
        self.clock = clock
        self.stop = threading.Event()
        self.sleep: Sleep = sleep or self.stop.wait
        self.on_ingest = on_ingest
        self.pacer = HostPacer(self.settings.watch_host_delay_s, clock, self.sleep)
        self.robots = RobotsRules(self.settings, self.pacer, clock)

    # --- the loop --------------------------------------------------------------------

    def run(self, cycles: int | None = None) -> None:
        """Poll until :attr:`stop` is set (a signal handler sets it) or after ``cycles`` cycles with work."""
        done = 0
        while not self.stop.is_set():
            report = self.run_once()
            if report.polls:
                done += 1
                if cycles is not None and done >= cycles:
                    return
            if self.stop.is_set():
                return
            self.sleep(self._idle_seconds())

    def _idle_seconds(self) -> float:
        due = self.tracker.store.next_due_at()
        if due is None:
            return IDLE_CHECK_S
        return min(max(parse_iso(due) - self.clock(), 0.0), IDLE_CHECK_S)

    def run_once(self) -> CycleReport:
        """Poll every source due now, once each, and return what the polls did; stops early between two
        polls when :attr:`stop` is set."""
        report = CycleReport()
        for source in _round_robin(self.tracker.store.due_sources(now_iso(self.clock()))):
            if self.stop.is_set():
                break
            report.polls.append(self.poll(source))
        self._deliver_alerts()
        return report

    def _deliver_alerts(self) -> None:
        """Send the watch-list alerts whose webhook delivery is due: an ingest sends its new alerts at once, and a
        receiver that failed is tried again here, on its back-off schedule, for as long as the watcher runs."""
        from babelwire.webhooks import deliver_pending

        try:
            deliver_pending(self.tracker.store, self.settings)
        except Exception as exc:  # a delivery problem never stops polling (it is recorded per alert)
            log.warning("webhook delivery failed: %s", exc)

    # --- one poll --------------------------------------------------------------------

    def poll(self, source: SourceRow) -> PollRecord:
        """Fetch one source conditionally, ingest what is new, and record the poll with the source's new state."""
        settings = self.settings
        started = self.clock()
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        poll = PollRecord(source.id, now_iso(started), "", "error")
        changed: list[int] = []
        retry_after: float | None = None
        try:
            reply = fetch_http(source.url, settings, headers, check=self._pace)  # _pace waits the host's turn
        except ReadError as exc:
            poll.error = str(exc)
        else:
            poll.http_status = reply.status
            body_hash = hashlib.sha256(reply.body).hexdigest() if reply.ok else None
            etag, last_modified = reply.headers.get("ETag") or None, reply.headers.get("Last-Modified") or None
            if reply.status == 304:
                poll.status = "not-modified"
            elif body_hash is not None and body_hash == source.body_hash:
                poll.status = "not-modified"  # the same bytes as last time (no ETag) cost no more than a 304
                source.etag, source.last_modified = etag, last_modified
            elif reply.ok:
                changed = self._ingest(source, reply.source(), poll)
                if poll.status == "ok":  # a feed that could not be read is asked for in full next time
                    source.etag, source.last_modified, source.body_hash = etag, last_modified, body_hash
            elif reply.status in (429, 503):
                poll.status = "throttled"
                poll.error = f"HTTP {reply.status}"
                retry_after = retry_after_seconds(reply.headers.get("Retry-After"), self.clock())
                if retry_after is not None:
                    poll.error += f" (Retry-After {retry_after:g} s)"
            else:
                poll.error = f"HTTP {reply.status}"
        finished = self.clock()
        poll.finished_at = now_iso(finished)
        source.last_poll_at, source.last_status, source.last_error = poll.finished_at, poll.status, poll.error
        if poll.status in ("ok", "not-modified"):
            source.failures = 0
            delay = float(source.every_s)
        else:
            source.failures += 1
            delay = backoff_seconds(source.every_s, source.failures, settings.watch_max_backoff_s)
            if retry_after is not None:
                delay = max(delay, retry_after)
        source.next_poll_at = now_iso(finished + delay)
        self.tracker.store.record_poll(source, poll, settings.watch_keep_polls)
        log.info("polled %s: %s (%s new, %s skipped)%s", source.url, poll.status, poll.new_articles, poll.skipped,
                 f": {poll.error}" if poll.error else "")
        if changed and self.on_ingest is not None:
            self.on_ingest(changed)
        return poll

    def _ingest(self, source: SourceRow, feed: Source, poll: PollRecord) -> list[int]:
        """Read the feed and add its entries through the tracker; fills the poll's counts. The stories changed."""
        settings = self.settings.replace(follow_feed_links=source.follow_links)
        reader = FeedReader(page_fetcher=self._fetch_page)
        failure: list[ReadError] = []

        def entries() -> Iterator[ReadResult]:
            try:
                for item in reader.read(feed, settings):
                    if isinstance(item, Article):
                        if source.language:  # the source's language is the articles' (as a JSONL record's)
                            item.language, item.language_confidence = source.language, 1.0
                        if source.title is None and item.source:
                            source.title = item.source
                    yield item
            except ReadError as exc:  # the whole feed is unreadable (malformed, not a feed, no entries)
                failure.append(exc)

        try:
            report = self.tracker.add(entries())
        except (ValueError, OSError, UnicodeError) as exc:  # an entry the analysis cannot take: the others wait
            log.exception("ingest of %s failed", source.url)
            poll.status, poll.error = "error", f"ingest failed ({type(exc).__name__}: {exc})"[:1000]
            return []
        poll.new_articles = report.added + report.copies
        poll.skipped = report.duplicates
        source.articles += poll.new_articles
        problems = [p for p in report.problems if isinstance(p, IngestProblem)]
        if failure:
            poll.status, poll.error = "error", str(failure[0])
        else:
            poll.status = "ok"
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                poll.error = f"{problems[0].origin}: {problems[0].reason}{more}"[:1000]
        return report.story_ids()

    # --- requests on behalf of the feed reader ------------------------------------------

    def _pace(self, url: str) -> None:
        """Wait the turn of the host of a feed request or of a redirect it leads to."""
        self.pacer.wait(host_of(url))

    def _check_page(self, url: str) -> None:
        """An entry page (or where it redirects) may be fetched: robots.txt allows it; then its host's turn."""
        if self.settings.watch_robots and not self.robots.allowed(url):
            raise ReadError(f"robots.txt of {host_of(url)} disallows {url}")
        self.pacer.wait(host_of(url))

    def _fetch_page(self, url: str, settings: Settings) -> Source:
        return fetch_url(url, settings, check=self._check_page)


def _round_robin(sources: list[SourceRow]) -> list[SourceRow]:
    """The sources reordered to take their hosts in turn (each host's own in their due order)."""
    by_host: OrderedDict[str, list[SourceRow]] = OrderedDict()
    for source in sources:
        by_host.setdefault(host_of(source.url), []).append(source)
    queues = [iter(queue) for queue in by_host.values()]
    ordered: list[SourceRow] = []
    while queues:
        remaining = []
        for queue in queues:
            item = next(queue, None)
            if item is not None:
                ordered.append(item)
                remaining.append(queue)
        queues = remaining
    return ordered


def start_in_thread(db: str, settings: Settings, **tracker_options: object) -> tuple[threading.Thread, Watcher]:
    """Run a :class:`Watcher` in a daemon thread over its own tracker (``serve --watch``). Stop it with
    ``watcher.stop.set()`` and join the thread; ``on_ingest`` in the options goes to the watcher."""
    on_ingest = tracker_options.pop("on_ingest", None)
    ready = threading.Event()
    holder: list[Watcher] = []

    def target() -> None:
        tracker = Tracker(db, settings, **tracker_options)  # type: ignore[arg-type]
        try:
            watcher = Watcher(tracker, settings, on_ingest=on_ingest)  # type: ignore[arg-type]
            holder.append(watcher)
            ready.set()
            watcher.run()
        finally:
            ready.set()
            tracker.close()

    thread = threading.Thread(target=target, name="babelwire-watch", daemon=True)
    thread.start()
    ready.wait()
    if not holder:
        thread.join()
        raise RuntimeError("the poller could not start (see the log)")
    return thread, holder[0]
