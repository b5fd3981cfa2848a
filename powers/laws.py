"""The law registry (法律法规库): national laws and regulations, their dates and repeal."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Law:
    """An entry of the law registry (法律法规库)."""

    title: str
    level: str
    effective: date | None
    amended: date | None = None
    repealed: date | None = None
    aliases: tuple[str, ...] = ()


def _key(title: str) -> str:
    t = re.sub(r"\s|[《》]", "", title)
    return t.removeprefix("中华人民共和国")


class LawRegistry:
    """Laws by title (with and without 中华人民共和国, and aliases)."""

    def __init__(self, laws: list[Law]):
        self.laws = laws
        self._by_key = {}
        for law in laws:
            for t in (law.title, *law.aliases):
                self._by_key[_key(t)] = law

    def find(self, title: str | None) -> Law | None:
        return self._by_key.get(_key(title)) if title else None

    def __len__(self) -> int:
        return len(self.laws)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "LawRegistry":
        """The shipped registry (powers/data/laws.json), or the user's own file of the same shape."""
        if path is None:
            data = json.loads(resources.files("powers.data").joinpath("laws.json").read_text("utf-8"))
        else:
            data = json.loads(Path(path).read_text("utf-8"))
        d = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        return cls([Law(e["title"], e.get("level", "法律"), d(e.get("effective")), d(e.get("amended")),
                        d(e.get("repealed")), tuple(e.get("aliases", ()))) for e in data["laws"]])
