"""Content-addressed caches for incremental builds: a result is reused only when everything it was
made from is byte-for-byte the same (the input's bytes, the law registry, this code and its
templates), so a cached build is identical to a cold one."""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
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


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write beside `path` under a name unique to this process, then rename over it: a concurrent
    or killed run never leaves half a file."""
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def link_or_copy(src: str | Path, dst: str | Path) -> None:
    """A file of an earlier output into this one: a hard link (outputs are never changed in place,
    only replaced), or a copy where the file system cannot link."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def stamp(path: str | Path) -> list[int] | None:
    """Size and modification time of a file (None when it is gone): tells a file edited since."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class PickleCache:
    """A folder of pickled results by key; unreadable entries are misses. Entries are written
    atomically (write_atomic)."""

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
        write_atomic(self.folder / f"{k}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def keep_only(self, keys: set[str]) -> None:
        """Drop entries not used by the last run, so the cache does not grow without bound."""
        if not self.folder.is_dir():
            return
        for f in self.folder.glob("*.pickle"):
            if f.stem not in keys:
                f.unlink(missing_ok=True)
