"""Work spread over forked processes: the parent's state comes with the fork, results
come back pickled, in order.

A build's stages stay pure functions; this module only decides where each item of
one runs. The forked workers inherit everything the parent holds (the loaded content,
the model), so only the small index of each item travels to them. Results that the
workers computed for the build cache are recorded there and merged into the
parent's cache, so a parallel stage caches exactly what a serial one would.

With one core, without ``fork`` (not Linux), or for few items, everything runs here.
"""
from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
from typing import Any, Callable, Sequence, TypeVar

from .cache import BuildCache
from ..core.errors import WorkerDied
from ..core.messages import N_

T = TypeVar("T")
R = TypeVar("R")

SERIAL_BELOW = 64        # fewer items than this are not worth a fork


def cores(jobs: int | None = None) -> int:
    """Processes to use: *jobs* if given, else the cores this process may run on."""
    if jobs is not None:
        return max(1, jobs)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_started() -> None:
    """Run first in every forked worker: end on SIGTERM, as a worker must.

    A fork inherits the parent's signal handlers. ``confsite serve`` handles SIGTERM to
    stop its server; a worker that inherited that handler ignored the SIGTERM with which
    a pool is shut down, and the build waited for it forever (seen as a preview that
    stopped rebuilding, now and then)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the worker inherited is never garbage here: set apart from the cycle collector,
    # which then looks only at what the worker makes (see _collect).
    gc.freeze()


COLLECT_EVERY = 32      # items between two collections of a worker's young objects


def _collect(done: int) -> None:
    """Free the reference cycles a worker's last items left behind.

    A build runs without automatic cycle collection (see pipeline._no_cycle_collection);
    rendering a page leaves a hundred-odd objects in cycles (Jinja contexts and their
    macros), which grew each render worker by some 13 MB a thousand articles. Between
    items they are garbage; a collection of the young generations finds them in objects
    made since the last one only (the inherited model is frozen), and never writes to the
    pages shared with the parent."""
    if done % COLLECT_EVERY == 0:
        gc.collect(1)


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system before forking (glibc only).

    What a stage freed (the documents' text once bodies are rendered, the results that
    came back pickled) stays in the process's heap, resident; a forked worker counts
    those pages as its own too. At 10,000 articles a third of the build process was such
    free memory when the render workers were forked. Takes a few milliseconds."""
    global _TRIM
    if _TRIM is None:
        import ctypes

        try:
            _TRIM = ctypes.CDLL(None).malloc_trim
        except (AttributeError, OSError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None
_TASK: tuple[Callable, Sequence, BuildCache | None] | None = None


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
             serial_below: int = SERIAL_BELOW, meanwhile: Callable[[], None] = lambda: None,
             cache: BuildCache | None = None) -> list[R]:
    """``[fn(x) for x in items]``, computed by *jobs* forked processes (None: one per core).

    *fn* may be a closure: it is not pickled, the workers get it with the fork. Its
    results must pickle. An exception in a worker is raised here, as it would be serially.
    ``meanwhile()`` runs in this process while the workers work (or after *fn*, without).
    What the workers compute for *cache* (the build's cache, which *fn* uses) is merged
    into it here.
    """
    n = cores(jobs)
    if n <= 1 or len(items) < serial_below or not can_fork():
        out = [fn(x) for x in items]
        meanwhile()
        return out
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _TASK
    _TASK = (fn, items, cache)
    release_free_memory()
    # Several chunks a worker, so one slow chunk does not leave a core idle at the end.
    size = max(1, -(-len(items) // (n * 4)))
    chunks = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    out: list[R] = []
    try:
        # An executor, not a Pool: a worker that dies (killed, out of memory) stops the
        # build with an error instead of leaving it waiting for a result forever.
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=worker_started) as pool:
            done = pool.map(_run_chunk, chunks)
            meanwhile()
            for results, memos in done:
                merge_memos(cache, memos)
                out.extend(results)
    except BrokenProcessPool as exc:
        raise WorkerDied(N_("a worker process of the build stopped unexpectedly (out of memory?)")) from exc
    finally:
        _TASK = None
    return out


_CALL: tuple[Callable[[], Any], BuildCache | None] | None = None


class Background:
    """A call running in a forked process (see :func:`fork_call`)."""

    def __init__(self, pool: multiprocessing.pool.Pool, result: multiprocessing.pool.AsyncResult,
                 cache: BuildCache | None):
        self._pool = pool
        self._result = result
        self._cache = cache

    def get(self) -> Any:
        """Its result, once it is there; what it computed for the cache is kept too."""
        value, memos = self._result.get()
        merge_memos(self._cache, memos)
        return value

    def cancel(self) -> None:
        """End the process, whether or not the result was taken."""
        self._pool.terminate()


def fork_call(fn: Callable[[], Any], jobs: int | None = None, cache: BuildCache | None = None) -> Background | None:
    """*fn()* started now in a forked process, while this one goes on (None: no second core
    to run it on; call it here when its result is needed). *fn* is not pickled."""
    if cores(jobs) <= 1 or not can_fork():
        return None
    global _CALL
    _CALL = (fn, cache)
    release_free_memory()
    try:
        pool = multiprocessing.get_context("fork").Pool(1, worker_started)     # forks now
    finally:
        _CALL = None
    return Background(pool, pool.apply_async(_run_call), cache)


def _run_call() -> tuple[Any, dict]:
    assert _CALL is not None
    fn, cache = _CALL
    start_memos(cache)
    value = fn()
    return value, take_memos(cache)


def _run_chunk(bounds: tuple[int, int]) -> tuple[list, dict]:
    assert _TASK is not None
    fn, items, cache = _TASK
    start_memos(cache)
    results = []
    for i in range(*bounds):
        results.append(fn(items[i]))
        _collect(i + 1)
    gc.collect(1)
    return results, take_memos(cache)


def start_memos(cache: BuildCache | None) -> None:
    """In a worker: record what is computed for the build cache from here on."""
    if cache is not None:
        cache.start_recording()


def take_memos(cache: BuildCache | None) -> dict:
    """In a worker: what it computed for the cache since :func:`start_memos`, for the parent."""
    return cache.recorded() if cache is not None else {}


def merge_memos(cache: BuildCache | None, memos: dict) -> None:
    """In the parent: take over what a worker computed for the cache, and its timings."""
    if cache is not None:
        cache.merge(memos)


def cached_map(cache: BuildCache | None, table: str, keys: Sequence[str | None], fn: Callable[[T], R], items: Sequence[T],
               jobs: int | None = None, still_good: Callable[[T, Any], bool] | None = None) -> list[R]:
    """``[fn(x) for x in items]``, each result remembered in the cache's *table* under its key.

    Hits are looked up here (cheap); only the misses go to the workers, so a rebuild
    that finds nearly everything in the cache does not pay for forking and pickling.
    *still_good(item, cached)* may reject a hit that no longer applies; a key of None
    means "not cacheable".
    """
    on = cache is not None and cache.enabled
    results: list[Any] = [None] * len(items)
    todo: list[int] = []
    for i, key in enumerate(keys):
        hit = cache.get(table, key) if on and key is not None else None
        if hit is not None and (still_good is None or still_good(items[i], hit)):
            results[i] = hit
        else:
            todo.append(i)
    for i, value in zip(todo, fork_map(lambda i: fn(items[i]), todo, jobs, cache=cache)):
        results[i] = value
        key = keys[i]
        if on and key is not None:
            cache.put(table, key, value)
    return results
