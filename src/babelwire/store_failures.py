"""Store failures people can act on: a store that is full, and one that is damaged.

SQLite and PostgreSQL report both as errors deep in a query ("database or disk is full", "database disk
image is malformed", SQLSTATE 53100 …). :func:`describe_store_failure` turns them into one line naming the
store and what to do, which the CLI prints (exit status 2, no traceback) and the API answers with a 503.
A failed write transaction is rolled back whole, so what was committed before it is kept.
"""

from __future__ import annotations

import sqlite3

#: SQLite's messages (lower case) for a store that cannot grow: the disk, or the database's own page limit
_FULL_MESSAGES = ("database or disk is full", "disk is full", "no space left on device")
#: ... and for a store whose file is damaged or is not a database at all
_DAMAGED_MESSAGES = ("database disk image is malformed", "file is not a database", "malformed database schema")
#: PostgreSQL's SQLSTATE codes for the same: disk_full, data_corrupted, index_corrupted
_FULL_STATES = frozenset({"53100"})
_DAMAGED_STATES = frozenset({"XX001", "XX002"})


def store_failure_kind(exc: BaseException) -> str | None:
    """``"full"`` or ``"damaged"`` when ``exc`` (or an error it was raised from) says the store is, else ``None``."""
    found = _store_failure(exc)
    return found[0] if found else None


def _store_failure(exc: BaseException) -> tuple[str, BaseException] | None:
    """The kind of failure and the database's own error that says so."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None)
        if state in _FULL_STATES:
            return "full", current
        if state in _DAMAGED_STATES:
            return "damaged", current
        if isinstance(current, sqlite3.Error) or state is not None:
            message = str(current).lower()
            if any(text in message for text in _FULL_MESSAGES):
                return "full", current
            if any(text in message for text in _DAMAGED_MESSAGES):
                return "damaged", current
        current = current.__cause__ or current.__context__
    return None


def describe_store_failure(exc: BaseException, store: str) -> str | None:
    """One line saying that ``store`` is full or damaged and what to do; ``None`` for any other error."""
    found = _store_failure(exc)
    if found is None:
        return None
    kind, error = found
    reason = " ".join(str(error).split()) or type(error).__name__
    if kind == "full":
        return (f"the store {store} is full ({reason}): the batch being written was not stored, and everything "
                "stored before it is kept; free disk space and run the command again")
    if kind == "damaged":
        return (f"the store {store} is damaged ({reason}): restore it from a backup (sqlite3 {store} '.recover' "
                "may save what is left)" if "://" not in store else
                f"the store {store} is damaged ({reason}): restore the database from a backup")
    return None  # pragma: no cover - every kind is described above
