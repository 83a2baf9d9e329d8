#!/usr/bin/env python3
"""Runs one command and prints "WALL_SECONDS PEAK_RSS_KIB STATUS" on stdout.

    bench/measure.py TIMEOUT LOG COMMAND [ARG...]

The command's stdout and stderr go to LOG. The peak RSS is the child's own
(wait4's rusage, not RUSAGE_CHILDREN's maximum over every child so far). It
includes the forked copy of this script before the exec: a figure below
this wrapper's own size (about 14 MiB) is the wrapper's, not the command's.
STATUS is the exit status, or "timeout" when the command ran longer than
TIMEOUT seconds and was killed.
"""
import os
import signal
import subprocess
import sys
import threading
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip())
    limit = float(sys.argv[1])
    with open(sys.argv[2], "wb") as log:
        start = time.monotonic()
        child = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT)
        expired = threading.Event()
        lock = threading.Lock()
        reaped = False

        def kill():
            with lock:
                if not reaped:
                    expired.set()
                    os.kill(child.pid, signal.SIGKILL)

        timer = threading.Timer(limit, kill)
        timer.start()
        # wait4 reaps the child itself: Popen must not wait on it too
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - start
        with lock:
            reaped = True
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    if expired.is_set():
        result = "timeout"
    else:
        result = str(child.returncode)
    # ru_maxrss is in KiB on Linux
    print(f"{wall:.3f} {usage.ru_maxrss} {result}")


if __name__ == "__main__":
    main()
