"""The product's processes take large blocks from glibc's heap and keep freed ones."""

import subprocess
import sys
import textwrap

# Run in a process of its own: the setting is process-wide and cannot be undone.
PROBE = textwrap.dedent("""
    import ctypes
    import numpy as np
    from targets.memory import keep_large_blocks

    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = Info
    applied = {apply} and keep_large_blocks()
    mapped = libc.mallinfo2().hblkhd
    block = np.ones(20_000_000 // 8)  # 20 MB
    grown = libc.mallinfo2().hblkhd - mapped
    del block
    print(applied, grown // 1_000_000, libc.mallinfo2().fordblks // 1_000_000)
""")


def probe(apply: bool) -> list[str]:
    run = subprocess.run([sys.executable, "-c", PROBE.format(apply=apply)], check=True,
                         capture_output=True, text=True)
    return run.stdout.split()


def test_a_20_mb_block_comes_from_the_heap_and_stays_there_when_freed():
    applied, mapped_mb, free_mb = probe(apply=True)
    assert applied == "True"
    assert int(mapped_mb) == 0  # not mapped afresh from the kernel
    assert int(free_mb) >= 20  # freed, kept for the next block


def test_by_default_glibc_maps_such_a_block_afresh():
    # The probe can tell the difference: without the setting the block is mapped.
    applied, mapped_mb, _free_mb = probe(apply=False)
    assert applied == "False" and int(mapped_mb) >= 20
