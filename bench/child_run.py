"""One child process timed as the benchmark scripts time it (decisions_identical.py, scale_city.py,
targets.py): its wall clock, its own peak RSS (os.wait4: this child's rusage, not the maximum over
all children; it includes the few MiB of the Python process it was forked from), its exit code and
its stderr. stderr goes to a file, not a pipe: a pipe read only after the run could fill and stall
it. The child is killed if the wait is interrupted (Ctrl-C, or SIGTERM turned into an exception).
"""
import os
import subprocess
import tempfile
import time
from typing import NamedTuple


class ChildRun(NamedTuple):
    wall_s: float
    peak_rss_mib: float
    returncode: int
    stderr: str


def run_child(cmd, env=None, stderr_path=None):
    """Runs cmd (stdout discarded) to its end; stderr kept in stderr_path if given."""
    with (open(stderr_path, "w+b") if stderr_path else tempfile.TemporaryFile()) as err_file:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        wall = time.monotonic() - t0
        err_file.seek(0)
        err = err_file.read().decode(errors="replace")
    return ChildRun(wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status), err)
