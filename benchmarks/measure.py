"""Timing one build in a fresh process, for benchmarks/bench.py and benchmarks/peers.py.

``timed`` runs a command and returns its wall time, the CPU time of its whole process
tree (render workers included, as the kernel adds waited-for children to the rusage of
the process that waits) and two memory figures:

* ``tree``: the peak of the memory of the process and all its descendants together, each
  counted by its proportional set size (PSS: a page shared by forked workers counts once
  in total, not once per worker). The kernel counts PSS page by page (about 40 ms of CPU
  per GiB), so it is sampled often in the first second, then every second, and every two
  after ten: a denser sampling would take a good share of a core from the build it measures;
* ``rss``: the peak resident set of the largest single process (``ru_maxrss``).

Only Linux's /proc is read; elsewhere ``tree`` falls back to ``rss``.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

# Seconds from the start at which the process tree's memory is sampled; then every second,
# and every two seconds after ten.
SAMPLE_AT = (0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids.extend(int(k) for k in f.read().split())
    except OSError:
        pass
    return kids


def _memory_kib(pid: int) -> int:
    """PSS of one process in KiB (RSS where smaps_rollup cannot be read); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return 0


def tree_memory_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kib(pid)
        todo.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        for at in (*SAMPLE_AT, *range(2, 10), *range(10, 1 << 20, 2)):
            if self.done.wait(max(0.0, at - (time.perf_counter() - start))):
                return
            self.peak = max(self.peak, tree_memory_kib(self.pid))


def timed(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> dict:
    """Run *cmd* to its end: wall and CPU seconds, peak memory (MiB) of its tree and of its largest process."""
    start = time.perf_counter()
    # A session of its own: stopping the benchmark stops the build and its workers too.
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    # Drain both pipes while it runs: a chatty generator would otherwise block on a full one.
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda n=n, f=f: chunks.__setitem__(n, f.read()), daemon=True)
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    wall = time.perf_counter() - start
    sampler.done.set()
    for t in (sampler, *readers):
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                         f"{chunks.get('err', b'').decode('utf-8', 'replace')[-3000:]}")
    rss = usage.ru_maxrss / 1024        # KiB on Linux; includes the largest waited-for descendant
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": rss,
            "tree": max(sampler.peak / 1024, 0.0) or rss, "stdout": chunks.get("out", b"").decode("utf-8", "replace")}


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under *folder*, by path relative to it."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())
