# SPDX-License-Identifier: BSL-1.0
"""What the benchmark scripts (bench/load, bench/client, bench/cli) share: environment knobs,
CPU accounting of child processes, tool versions, medians, and turning SIGTERM into a clean
stop. Import with `sys.path.insert(0, <repo>/bench)`; `import benchlib`."""
import os
import resource
import statistics
import subprocess


def env_int(name, default):
    """An integer from the environment, `default` when unset or blank."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def children_cpu_s():
    """utime+stime of the waited-for children so far, in seconds."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def tool_version(cmd):
    """The first line a `--version`-style command prints, or "" if it cannot run."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (r.stdout + r.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


def median_of(runs, key):
    """The median of `key` over the runs that have it, or None."""
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def on_signal(signum, _frame):
    """A SIGTERM/SIGINT handler: unwinds like Ctrl+C so that servers are stopped."""
    raise KeyboardInterrupt(f"signal {signum}")
