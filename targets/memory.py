"""How the product's processes ask glibc's malloc to treat large blocks.

A national evaluation makes hundreds of temporary arrays of 1-30 MB. By default glibc maps
each block over 128 kB afresh from the kernel and unmaps it when freed (until a freed block
raises that threshold), and hands freed heap back to the kernel once 128 kB of it is free at
the top. Either way the next temporaries cost page faults on fresh memory. Blocks of up to
32 MB (glibc's own ceiling for that threshold) are taken from the heap and up to 1 GB of freed
heap is kept for reuse: evaluations are quicker for a little more peak memory (measured in
docs/benchmarks.md). A long-lived server then holds on to what it has used, as most
allocators do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# From glibc's malloc.h.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024


def keep_large_blocks() -> bool:
    """Blocks of up to 32 MB from glibc's heap, and up to 1 GB of freed heap kept; True if
    applied (glibc only: elsewhere nothing changes)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
