"""Content-addressed caches for incremental builds: a result is reused only when everything it was
made from is byte-for-byte the same (the input's bytes, the law registry, this code and its
templates), so a cached build is identical to a cold one."""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's code and templates: any change to either invalidates every cache."""
    from .templating import templates_dir

    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for root in (here, templates_dir()):
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix in (".py", ".html", ".css", ".js", ".json") and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def key(*parts: object) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    for p in parts:
        h.update(b"\0" + (p if isinstance(p, bytes) else str(p).encode("utf-8")))
    return h.hexdigest()


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class PickleCache:
    """A folder of pickled results by key; unreadable entries are misses. Entries are written to a
    unique temporary name and renamed, so a concurrent or killed run never leaves half a file."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def get(self, k: str):
        try:
            with open(self.folder / f"{k}.pickle", "rb") as f:
                return pickle.load(f)
        except Exception:  # noqa: BLE001 - missing, truncated or from another version: recompute
            return None

    def put(self, k: str, value) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{k}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / f"{k}.pickle")

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries not used by the last run, so the cache does not grow without bound."""
        if not self.folder.is_dir():
            return
        for f in self.folder.glob("*.pickle"):
            if f.stem not in keys:
                f.unlink(missing_ok=True)
