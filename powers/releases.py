"""The releases a build keeps (`--work/releases/`): every public catalog.json that was built, never
overwritten. A release is named by its date and, when a date has several different releases (a
correction made the same day), a sequence number: 2026-03-28.json, then 2026-03-28.2.json … A
rebuild whose catalog is byte-for-byte a kept release is that release (nothing new is kept), and
the change log compares a release with the last one published before it (`published.jsonl`, written
by `powers publish`), or, when none is recorded, with the one kept just before it.

`published.jsonl` is append-only, one JSON line a publication or rollback: `time`, `release` (a kept
release's name without .json, null for a draft published by force: it is not kept), `catalog_sha256`,
`release_date`, `dest`, `rollback`, `draft`, `forced`. Its last line naming a kept release is what
the public saw last."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cache import file_hash, write_atomic
from .models import Catalog, Department

_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.json$")


@dataclass(frozen=True, order=True)
class Release:
    day: date
    seq: int = 1

    @property
    def name(self) -> str:
        return f"{self.day.isoformat()}.json" if self.seq == 1 else f"{self.day.isoformat()}.{self.seq}.json"


def parse(name: str | None) -> Release | None:
    """"2026-03-28.2" (or "2026-03-28.2.json") → that Release; None when it names no release."""
    if not isinstance(name, str):
        return None
    m = _NAME.match(name if name.endswith(".json") else f"{name}.json")
    try:
        return Release(date.fromisoformat(m.group(1)), int(m.group(2) or 1)) if m else None
    except ValueError:
        return None


def kept(folder: Path) -> dict[Release, Path]:
    """The releases kept in `folder`, oldest first (files of other names are not releases)."""
    found = {}
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME.match(p.name)
            if m and p.is_file():
                try:
                    found[Release(date.fromisoformat(m.group(1)), int(m.group(2) or 1))] = p
                except ValueError:  # not a real date
                    continue
    return dict(sorted(found.items()))


def identify(folder: Path, day: date, digest: str) -> Release:
    """The release a public catalog of date `day` whose catalog.json has SHA-256 `digest` is: a kept
    one of that date with the same bytes, else the next number of that date."""
    same_day = [r for r in kept(folder) if r.day == day]
    for r in same_day:
        if file_hash(folder / r.name) == digest:
            return r
    return Release(day, max((r.seq for r in same_day), default=0) + 1)


PUBLISHED = "published.jsonl"


def published_record(folder: Path) -> bytes:
    """The bytes of `folder`/published.jsonl (b"" when nothing was recorded): a build reads them once
    and keys its result and its change log on the same bytes."""
    try:
        return (folder / PUBLISHED).read_bytes()
    except OSError:
        return b""


def publications(record: bytes) -> list[dict]:
    """The lines of a published.jsonl, oldest first (a line that is not a JSON object is skipped)."""
    out = []
    for line in record.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def last_published(folder: Path, record: bytes, earlier_than: Release | None = None) -> Release | None:
    """The release the public saw last according to `record` (published.jsonl's bytes): its last
    line naming a kept release, of those earlier than `earlier_than` when given (a release compares
    with what went out before it; rebuilding an old release does not compare it with a later one).
    None when no such line exists, or when the release it names is no longer kept with the bytes that
    went out (the work folder was emptied and built again): the caller then compares as without a
    record, never with a release the public did not see."""
    for entry in reversed(publications(record)):
        r = parse(entry.get("release"))
        if r is None or (earlier_than is not None and not r < earlier_than):
            continue
        path = folder / r.name
        return r if path.is_file() and file_hash(path) == entry.get("catalog_sha256") else None
    return None


def record_published(folder: Path, entry: dict) -> None:
    """Append one line to `folder`/published.jsonl (never rewritten), flushed to disk: a publication
    or rollback of a release of this work folder."""
    from datetime import datetime, timezone

    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), **entry},
                      ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(folder / PUBLISHED, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))  # one write of one line: appends of two publishers do not mix
        os.fsync(fd)
    finally:
        os.close(fd)


def before(folder: Path, release: Release) -> Path | None:
    """The file of the release kept just before `release`, if any."""
    earlier = [p for r, p in kept(folder).items() if r < release]
    return earlier[-1] if earlier else None


def keep(folder: Path, release: Release, catalog_json: Path, index: dict | None = None) -> Path:
    """Keep `catalog_json` as `release` (a new name: a kept release is never written over), with
    `index` (opendata.record_index: where each department lies in it) beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / release.name
    if not target.exists():
        if index is not None:
            write_atomic(index_file(target), json.dumps(index, ensure_ascii=False) + "\n")
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(catalog_json, tmp)
        tmp.replace(target)
    return target


def index_file(release_file: Path) -> Path:
    """2026-03-28.2.json → 2026-03-28.2.index.json (not a release name)."""
    return release_file.with_name(release_file.name.removesuffix(".json") + ".index.json")


def changed_since(release_file: Path, now: dict[str, str]) -> tuple[Catalog, frozenset[str]] | None:
    """The kept release as far as a change log needs it: those of its departments that differ from
    `now` (department name → SHA-256 of its public JSON) or are gone, read alone from the file by
    its index, and the names of `now`'s departments to compare them with. A city's change log after
    a one-department change read and held the whole previous catalog (39 MB of JSON, ~150 MiB as
    models). None when the release has no index (kept before indexes) or does not match it."""
    try:
        index = json.loads(index_file(release_file).read_text("utf-8"))
        then = {x["name"]: x for x in index["departments"]}
        compare = frozenset(name for name, h in now.items() if then.get(name, {}).get("sha256") != h)
        departments = []
        with open(release_file, "rb") as f:
            for x in index["departments"]:
                if x["name"] in compare or x["name"] not in now:
                    f.seek(x["start"])
                    record = f.read(x["end"] - x["start"])
                    if hashlib.sha256(record).hexdigest() != x["sha256"]:
                        return None
                    departments.append(Department.model_validate_json(record))
        day = date.fromisoformat(index["release_date"]) if index["release_date"] else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Catalog(release_date=day, departments=departments), compare

