"""Memory set for a one-shot run: glibc's allocator with one arena and freed memory kept for
reuse, and numpy's arrays on small pages.

A 10 MB run allocates ~3 GB over its life in blocks up to tens of MB (numpy arrays), and glibc
returned much of it to the kernel only to be handed fresh pages, each first touch a page fault,
moments later:

* Every thread that allocates gets an arena of its own. A CLI run hands its CPU-bound steps to
  a worker thread (``cpu.run_cpu_bound``), whose heap glibc grew with ``mprotect`` a few pages
  at a time (~4,100 calls) and whose free memory the main thread never reused.
* Blocks above the mmap threshold are mapped for each allocation and unmapped when freed; the
  threshold starts at 128 KiB and rises only as such blocks are freed.
* The top of the heap is given back once more than the trim threshold of it is free.

So: one arena (``M_ARENA_MAX``), every block from the heap (``M_MMAP_MAX`` 0; before, blocks up
to 32 MiB, the highest threshold glibc accepts), and no trimming. At 10 MB: 56,000 page faults
instead of 75,000 (83,000 before the single arena), system time 0.38 -> 0.35 s and CPU time
1.02x less (median of 6 alternating pairs, every pair in favour; all three settings 1.12x when
this VM's page faults cost 3-4 times as much), peak RSS the same (~300 MB: freed memory is
reused, not returned). At 100 MB the arrays above 32 MiB (a step's temporaries of 12 million
entries) were still mapped afresh each time, 1.45 M page faults at ~4 us each on this VM: from
the heap, 0.58 M, system time 5.8 -> 3.7 s, peak RSS +140 MB (1.77 -> 1.91 GB); no change at
10 MB, where few arrays are that large. Threads then share the arena's lock, which costs a
one-shot run nothing (one worker at a time, and the GIL); a server keeps glibc's defaults, its
threads allocating at once and its memory given back between requests.

Numpy asks for transparent huge pages (``madvise``) for every array of 4 MB and more. The VMs
this is measured on report free memory to the host (the kernel's free page reporting, in blocks
of 2 MB and more), so a huge page is likely to be memory the host must back again: zeroing one
took ~17 ms, and a 10 MB run spent 16 % of its CPU time in the kernel's page clearing for 41 of
them. In 4 KiB pages the same arrays take 21,000 more faults but ~0.3 s of system time in all,
against ~1.0-1.3 s. CPU time 0.88x and 0.81x at 10 MB (medians of 5 alternating pairs in two
runs, every pair in favour), the same at 100 MB (1.005, 2 pairs). Numpy reads its switch,
``NUMPY_MADVISE_HUGEPAGE``, only at import; the run turns huge pages off through the function
numpy's import sets them with. A server or a library caller keeps numpy's default.
"""

from __future__ import annotations

import ctypes

import numpy as np

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
M_ARENA_MAX = -8
NEVER_TRIM = 2**31 - 1  # mallopt takes an int


def tune_malloc_for_one_run() -> bool:
    """Set glibc's allocator as the module doc says; False where the C library is not glibc
    (musl's ``mallopt`` does nothing, macOS and Windows have none). Threads that already have
    an arena keep it: call this before starting any."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, TypeError, AttributeError):  # no C library to open by name, or no mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return all([mallopt(M_ARENA_MAX, 1) == 1, mallopt(M_MMAP_MAX, 0) == 1,
                mallopt(M_TRIM_THRESHOLD, NEVER_TRIM) == 1])


def small_pages_for_arrays() -> None:
    """Numpy's large arrays without the huge-page advice from here on (see the module doc)."""
    multiarray = np._core.multiarray if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else np.core.multiarray
    multiarray._set_madvise_hugepage(False)
