"""The linker's vector index kept in files, so that a process opens it instead of rebuilding it.

Rebuilding the index means reading every stored vector and inserting it into an HNSW graph one at a time:
minutes of CPU at a million articles, paid by every ``search`` and ``ingest`` process. Instead each
writer saves the buckets it changed (:meth:`babelwire.index.TimeBucketedIndex.save`) after its
transaction commits, and a process opens them (memory-mapped) and reads from the store only the
articles stored after the saved state.

The files are a cache of the store, never the truth:

- ``manifest.json`` names the saved bucket files and the *high-water key*: the index holds exactly the
  linked articles whose key is at most that. It is written last, and atomically (a rename).
- A saved state is used only for the store it was made from (an id kept in the store's meta), with the
  same encoder and the same settings that place vectors in time buckets; and only if the store still
  holds its high-water key (a store restored from an older copy does not). Anything else, a damaged
  manifest or a missing file included, means a rebuild from the store.
- Writers save under an exclusive lock, and only a state newer than the saved one: a writer that went
  on from an older state saves nothing (the newer state already holds its articles, which it read
  from the store before writing its own). A crash between a commit and the save leaves the files
  behind the store: the next process reads the difference from the store.
- Bucket files are never rewritten: each save writes new names, and a file no manifest names any more
  is deleted :data:`GRACE_S` after that, so a reader that read the previous manifest can still open it
  (and a view already open is unaffected: the file's data lives until it is unmapped).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from babelwire.index import TimeBucketedIndex

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: bumped when the files' layout changes: older files are then rebuilt, not misread
FORMAT = 1
#: the store's meta key holding the id its saved index files are made for
STORE_ID_KEY = "vector_index.store_id"
#: how long a file no manifest names any more is kept (seconds): a reader opens the files of the manifest it
#: read within one operation, and reads a newer manifest before its next one when another process wrote
GRACE_S = 120.0


@dataclass(frozen=True)
class IndexIdentity:
    """What a saved index must have been made from to be used: the store, the encoder, the bucket layout."""

    store_id: str
    encoder: str
    dim: int
    #: the settings that place a vector in a time bucket (the window, and how unreliable dates are widened)
    placement: str


@dataclass
class SavedIndex:
    """An index opened from files, and the highest article key it holds."""

    index: TimeBucketedIndex
    high_water: int


class IndexFiles:
    """One store's saved index: a directory of bucket files and their manifest."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.directory / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("the saved vector index in %s is unreadable (%s): it will be rebuilt", self.directory, exc)
            return None

    def open(self, identity: IndexIdentity, article_id_at: Callable[[int], str | None]) -> SavedIndex | None:
        """The saved index made for ``identity``, or ``None``: none saved, made for another store or
        encoder or layout, damaged, or made from articles the store does not hold (``article_id_at`` gives the
        id the store holds under a key: a store restored from an older copy may hold another article there)."""
        if not (self.directory / MANIFEST).exists():
            return None
        with self._locked(exclusive=False):
            manifest = self._manifest()
            if manifest is None or manifest.get("format") != FORMAT or manifest.get("identity") != asdict(identity):
                return None
            try:
                high_water = int(manifest["high_water"])
                if article_id_at(high_water) != manifest["high_water_id"]:
                    log.warning("the saved vector index in %s holds articles its store does not: it will be rebuilt",
                                self.directory)
                    return None
                if not all((self.directory / name).is_file() for name in _named(manifest)):
                    log.warning("the saved vector index in %s misses files: it will be rebuilt", self.directory)
                    return None
                return SavedIndex(TimeBucketedIndex.open(identity.dim, self.directory, manifest["layout"]), high_water)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("the saved vector index in %s is damaged (%s): it will be rebuilt", self.directory, exc)
                return None

    def save(self, index: TimeBucketedIndex, identity: IndexIdentity, high_water: int, high_water_id: str) -> bool:
        """Save the buckets of ``index`` changed since it was opened or saved, if it is newer than the saved
        state (``high_water``: its highest article key, ``high_water_id``: that article's id); whether it was
        saved."""
        with self._locked(exclusive=True):
            previous = self._manifest()
            if (previous is not None and previous.get("format") == FORMAT
                    and previous.get("identity") == asdict(identity) and int(previous["high_water"]) >= high_water):
                return False
            layout = index.save(self.directory, f"{high_water}-{os.getpid()}")
            manifest = {"format": FORMAT, "identity": asdict(identity), "high_water": high_water,
                        "high_water_id": high_water_id, "layout": layout}
            temporary = self.directory / f"{MANIFEST}.{os.getpid()}"
            temporary.write_text(json.dumps(manifest), encoding="utf-8")
            os.replace(temporary, self.directory / MANIFEST)
            self._collect(_named(manifest), _named(previous) if previous else set())
        return True

    def _collect(self, named: set[str], dropped_now: set[str]) -> None:
        """Delete the bucket files no manifest names, :data:`GRACE_S` after they stopped being named (their
        modification time is set then), so a reader of the previous manifest can still open them."""
        now = time.time()
        for path in self.directory.iterdir():
            if path.suffix not in (".npz", ".usearch") or path.name in named:
                continue
            with contextlib.suppress(FileNotFoundError):
                if path.name in dropped_now:
                    os.utime(path, (now, now))
                elif path.stat().st_mtime < now - GRACE_S:
                    path.unlink()


def _named(manifest: dict[str, Any]) -> set[str]:
    """The bucket files a manifest names."""
    try:
        layout = manifest["layout"]
        names = {entry["file"] for entry in layout["buckets"].values()}
        return names | ({layout["loose"]["file"]} if layout["loose"] else set())
    except (KeyError, TypeError, AttributeError):
        return set()


def placement_key(*values: object) -> str:
    """A short fingerprint of the settings that place vectors in buckets."""
    return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:16]
