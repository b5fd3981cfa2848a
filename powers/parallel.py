"""Work spread over the cores: per-workbook validation and per-department pages."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def jobs_default() -> int:
    """Worker processes for per-workbook work: POWERS_JOBS, else every core."""
    try:
        return max(1, int(os.environ.get("POWERS_JOBS", "")))
    except ValueError:
        return os.cpu_count() or 1


def forked_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, *, count: int | None = None) -> Iterator[R]:
    """fn over items, results in order: in a pool of forked processes when there are several items
    and jobs, else here. Forked workers see everything the parent set before (a law registry, a
    catalog, anything a test patched) without pickling it; only the results are pickled back.
    Items are taken from `items` as workers need them (two per worker in flight), so an item made
    on the fly (a department's JSON) lives only while it is worked on; pass `count` with a
    generator, since the pool's size depends on it."""
    if count is None:
        items = list(items)
        count = len(items)
    jobs = min(jobs, count)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        window: deque = deque()
        for item in items:
            window.append(pool.submit(fn, item))
            if len(window) >= 2 * jobs:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def python_module(module: str, args: list[str]):
    """A fresh interpreter running `python -P -m module args` (this package importable, no stdin or
    stdout); returns the process and the temporary file its stderr goes to. For work beside a build
    that should share none of its memory: a fork shares it until either side writes, and then
    copies it; multiprocessing's spawn runs the caller's main script again, which breaks any script
    without a `__main__` guard."""
    import subprocess
    import sys
    import tempfile

    here = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([here] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-P", "-m", module, *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=errors, env=env, close_fds=True)
    return proc, errors


def give_back_memory() -> None:
    """Return freed memory to the system now (glibc keeps freed heap pages for reuse; a city's
    catalog let go left 125 MiB of them while the build waited for its search index)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
