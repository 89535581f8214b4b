"""Publication dates: parsing partial dates and turning them into time intervals."""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, datetime, timedelta

from babelwire.types import DateSource, PublishedDate

Interval = tuple[datetime, datetime]
#: the earliest instant a date bounded only from above can stand for
_DAWN = datetime(1, 1, 1, tzinfo=UTC)
_DUSK = datetime(9999, 12, 30, tzinfo=UTC)  # a day short of the end: timestamps and offsets still work

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?/")
#: dates outside this range are taken as parse errors (e.g. epoch zero)
_EARLIEST_YEAR = 1900


def parse_iso_date(text: str) -> str | None:
    """Normalise a date string to ISO, keeping its precision; ``None`` if it is no date.

    ``"2023-5"`` → ``"2023-05"``; ``"2023-05-25 10:00"`` → ``"2023-05-25T10:00:00+00:00"``.
    Timestamps without a zone are taken as UTC.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _PARTIAL.match(text)
    if match:
        year, month, day = match.groups()
        if not _EARLIEST_YEAR <= int(year) <= 2100:
            return None
        if month is None:
            return year
        if not 1 <= int(month) <= 12:
            return None
        if day is None:
            return f"{year}-{int(month):02d}"
        try:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            from dateutil import parser as date_parser

            moment = date_parser.parse(text)
        except (ValueError, OverflowError, TypeError):
            return None
    return datetime_to_iso(moment)


def datetime_to_iso(moment: datetime) -> str | None:
    """ISO form of a datetime in UTC (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if not _EARLIEST_YEAR <= moment.year <= 2100:
        return None
    return moment.isoformat(timespec="seconds")


def make_date(text: str | None, source: DateSource, reliable: bool = True) -> PublishedDate | None:
    """A :class:`PublishedDate` from a string, or ``None`` when it does not parse."""
    value = parse_iso_date(text or "")
    return PublishedDate(value, source, reliable) if value else None


def date_from_url(url: str | None) -> PublishedDate | None:
    """A date written into a URL path such as ``/2023/05/25/``, marked unreliable."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = match.groups()
    text = f"{year}-{month}" + (f"-{day}" if day else "")
    return make_date(text, DateSource.URL, reliable=False)


def iso_interval(value: str) -> tuple[datetime, datetime]:
    """The first and last instant a (partial) ISO date stands for, in UTC."""
    match = _PARTIAL.match(value)
    if match:
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        if month is None:
            start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        elif day is None:
            last_day = calendar.monthrange(year, month)[1]
            start = datetime(year, month, 1, tzinfo=UTC)
            end = start + timedelta(days=last_day)
        else:
            start = datetime(year, month, day, tzinfo=UTC)
            end = start + timedelta(days=1)
        return start, end - timedelta(microseconds=1)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment, moment


def interval_gap_days(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    """Days between two intervals; 0 when they overlap."""
    if a[1] < b[0]:
        return (b[0] - a[1]).total_seconds() / 86400
    if b[1] < a[0]:
        return (a[0] - b[1]).total_seconds() / 86400
    return 0.0


def linking_interval(
    published: PublishedDate | None, url_slack_days: float = 3.0, crawl_lookback_days: float = math.inf,
) -> Interval | None:
    """The stretch of time the linker places an article in, or ``None`` (undated: no window).

    A reliable date places the article by its own interval. An unreliable one must not pull an article
    out of its story's window, so it only widens it: a date from the URL (``DateSource.URL``) stands for
    ``url_slack_days`` either side; a web archive's capture date (``DateSource.CRAWL``) only says the page
    existed by then, so it bounds from above, ``crawl_lookback_days`` back; a date guessed from the page
    text (``DateSource.HTML_TEXT``: "the 2001 conflict" read as 2001-01-01) or any other unreliable date
    places nothing at all.
    """
    if published is None:
        return None
    start, end = published.interval()
    if published.reliable:
        return start, end
    if published.source == DateSource.URL:
        slack = max(url_slack_days, 0.0)
        return _shift(start, -slack), _shift(end, slack)
    if published.source == DateSource.CRAWL:
        return _shift(start, -max(crawl_lookback_days, 0.0)), end
    return None


def _shift(moment: datetime, days: float) -> datetime:
    """``moment`` moved by ``days``, kept within datetime's range (``inf`` or an absurd setting must not raise)."""
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        return _DAWN if days < 0 else _DUSK
