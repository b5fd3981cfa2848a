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
        try:
            for item in items:
                window.append(pool.submit(fn, item))
                if len(window) >= 2 * jobs:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BaseException:  # a worker failed or the consumer stopped: nothing more is started
            for f in window:
                f.cancel()
            raise


class Apart:
    """Work in a fresh interpreter beside a build, for work that should share none of the build's
    memory: a forked process shares it until either side writes, and then copies it; and
    multiprocessing's spawn runs the caller's main script again, which breaks any script without a
    `__main__` guard. `start` gives None when no interpreter can be started (an embedded or frozen
    Python): the caller then does the work itself. `files` are removed on close."""

    def __init__(self, proc, errors, files: list[Path]):
        self.proc, self.errors, self.files = proc, errors, files

    @classmethod
    def start(cls, argv: list[str], files: list[Path]) -> "Apart | None":
        import subprocess
        import sys
        import tempfile

        errors = tempfile.TemporaryFile()
        try:
            proc = subprocess.Popen([sys.executable, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errors, env=dict(os.environ, PYTHONIOENCODING="utf-8"), close_fds=True)
        except OSError:
            errors.close()
            _remove(files)
            return None
        return cls(proc, errors, files)

    def wait(self) -> None:
        """Wait for it; a failure is a RuntimeError with the last line it wrote to stderr."""
        if self.proc.wait() != 0:
            self.errors.seek(0)
            lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(lines[-1] if lines else f"exit status {self.proc.returncode}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()

    def close(self) -> None:
        self.stop()
        self.errors.close()
        _remove(self.files)


def _remove(files: list[Path]) -> None:
    import shutil

    for f in files:
        if f.is_dir():
            shutil.rmtree(f, ignore_errors=True)
        else:
            f.unlink(missing_ok=True)


def module_argv(module: str, args: list[str]) -> list[str]:
    """Interpreter arguments that run `module` as __main__ with `args`, this package importable: the
    folder holding it is put first on the path only when it is not on it already (an installed
    package's folder, site-packages, is; a checkout's is not); -P keeps the current folder off."""
    here = str(Path(__file__).resolve().parents[1])
    code = (f"import runpy, sys; here = {here!r}; here in sys.path or sys.path.insert(0, here); "
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)")
    return ["-P", "-c", code, *args]


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
