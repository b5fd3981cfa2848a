"""The releases a build keeps (`--work/releases/`): every public catalog.json that was built, never
overwritten. A release is named by its date and, when a date has several different releases (a
correction made the same day), a sequence number: 2026-03-28.json, then 2026-03-28.2.json … A
rebuild whose catalog is byte-for-byte a kept release is that release (nothing new is kept), and
the change log compares a release with the one kept just before it."""
from __future__ import annotations

import hashlib
import json
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

