"""``babelwire serve`` limits glibc's allocator arenas (bench/load.py: freed memory kept per request thread)."""

from __future__ import annotations

import platform
import subprocess
import sys

from babelwire.process_memory import limit_malloc_arenas


def test_arenas_are_limited_on_glibc_and_zero_leaves_the_default() -> None:
    assert limit_malloc_arenas(0) is False
    # in a child process, so this one keeps its allocator as it was
    code = "from babelwire.process_memory import limit_malloc_arenas as f; print(f(2))"
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert answer == str(platform.libc_ver()[0] == "glibc")
