"""A process's own peak memory (resident set), as the benchmarks' child processes report it."""

from __future__ import annotations


def peak_rss_mib() -> float:
    """This process's peak RSS in MiB: Linux's VmHWM, the high-water mark of its own memory map.

    Not `getrusage(RUSAGE_SELF).ru_maxrss`: on Linux a child inherits its parent's peak through
    fork and exec, so a child spawned by a benchmark run holding the 1M-review collection in memory
    reported the parent's 887 MiB as its own (2026-12-03; the same child spawned from a shell: 35 MiB).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # no /proc: the inherited figure is all there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
