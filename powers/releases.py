"""The releases a build keeps (`--work/releases/`): every public catalog.json that was built, never
overwritten. A release is named by its date and, when a date has several different releases (a
correction made the same day), a sequence number: 2026-03-28.json, then 2026-03-28.2.json … A
rebuild whose catalog is byte-for-byte a kept release is that release (nothing new is kept), and
the change log compares a release with the one kept just before it."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cache import file_hash

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


def identify(folder: Path, day: date, digest: str) -> tuple[Release, bool]:
    """The release a public catalog of date `day` whose catalog.json has SHA-256 `digest` is: a kept
    one of that date with the same bytes (True), else the next number of that date (False)."""
    same_day = [r for r in kept(folder) if r.day == day]
    for r in same_day:
        if file_hash(folder / r.name) == digest:
            return r, True
    return Release(day, max((r.seq for r in same_day), default=0) + 1), False


def before(folder: Path, release: Release) -> Path | None:
    """The file of the release kept just before `release`, if any."""
    earlier = [p for r, p in kept(folder).items() if r < release]
    return earlier[-1] if earlier else None


def keep(folder: Path, release: Release, catalog_json: Path) -> Path:
    """Keep `catalog_json` as `release` (a new name: a kept release is never written over)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / release.name
    if not target.exists():
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(catalog_json, tmp)
        tmp.replace(target)
    return target

