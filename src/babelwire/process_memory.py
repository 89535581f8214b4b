"""Process-wide memory tuning for long-running servers.

glibc's allocator gives threads their own arenas (up to eight per core) and rarely returns their freed
memory to the system. ``babelwire serve`` answers requests on a pool of threads, so every arena ends up
holding the high-water mark of whatever a request there once allocated: under the load benchmark
(bench/load.py) that was about 800 MB of a 2 GB peak. Fewer arenas make threads share freed memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util

#: glibc's mallopt parameter for the most arenas (malloc.h: M_ARENA_MAX)
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int) -> bool:
    """Let glibc's allocator keep at most ``arenas`` arenas (0 leaves its default); whether that was set.

    Outside glibc (musl, macOS, Windows) nothing changes and ``False`` is returned.
    """
    if arenas <= 0:
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
