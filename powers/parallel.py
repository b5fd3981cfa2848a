"""Work spread over the cores: per-workbook validation and per-department pages."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def jobs_default() -> int:
    """Worker processes for per-workbook work: POWERS_JOBS, else every core."""
    try:
        return max(1, int(os.environ.get("POWERS_JOBS", "")))
    except ValueError:
        return os.cpu_count() or 1


def forked_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """fn over items, results in order: in a pool of forked processes when there are several items
    and jobs, else here. Forked workers see everything the parent set before (a law registry, a
    catalog, anything a test patched) without pickling it; only the results are pickled back."""
    items = list(items)
    jobs = min(jobs, len(items))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(fn, items)
