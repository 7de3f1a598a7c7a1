"""The CLI's allocator settings (``cli/malloc.py``)."""

import platform
import subprocess
import sys


def test_glibc_takes_every_setting_and_other_c_libraries_say_they_have_none():
    # In a fresh interpreter: the settings are process-wide, and this test process's threads
    # should keep glibc's defaults.
    probe = "from summarizer.cli.malloc import tune_malloc_for_one_run as t; print(t())"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(platform.libc_ver()[0] == "glibc")


def test_numpy_arrays_are_left_on_small_pages():
    # numpy's toggle returns the previous setting: off once the run has set it.
    probe = ("import numpy as np; from summarizer.cli.malloc import small_pages_for_arrays as s; s(); "
             "m = np._core.multiarray if int(np.__version__.split('.')[0]) >= 2 else np.core.multiarray; "
             "print(m._set_madvise_hugepage(True))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
