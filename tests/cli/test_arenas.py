"""The CLI's one malloc arena (``cli/arenas.py``)."""

import platform

from summarizer.cli.arenas import use_one_malloc_arena


def test_glibc_takes_the_setting_and_other_c_libraries_say_they_have_none():
    assert use_one_malloc_arena() is (platform.libc_ver()[0] == "glibc")

