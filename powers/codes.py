"""Unified codes (基本编码 / 实施编码) kept in a SQLite registry beside the catalog.

A power is identified by region, department number, category, name and sub-item, so re-sorting,
re-submitting or editing other fields of a workbook keeps its code. Codes are never deleted:
a cancelled power's code is retired, and allocation always counts past every code ever issued.
Allocation runs inside one `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .models import CATEGORIES, Department, Power

SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    basic_code TEXT PRIMARY KEY,
    identity   TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    assigned   TEXT NOT NULL,
    retired    TEXT
);
CREATE INDEX IF NOT EXISTS codes_identity ON codes (identity);
"""


def identity(dept: Department, p: Power) -> str:
    return "|".join((dept.region_code, dept.number, p.category, p.name, p.sub_item or ""))


@dataclass
class Conflict:
    """A code a workbook carries that the registry already gave to another power; or, with `full`,
    a power left without a code because every number under `code` (a prefix) was issued."""

    power: Power
    code: str
    holder: str
    full: bool = False

    def finding(self):
        from .rules import cross

        if self.full:
            p, prefix = self.power, self.code
            if len(prefix) == 9:
                return cross.code_space_full(p, f"{prefix} 下的子项", f"sub-items under {prefix}")
            return cross.code_space_full(p, f"部门编号 {prefix[4:6]} 下{p.category}主项（编码前缀 {prefix}）",
                                         f"main items of {p.category} under department number {prefix[4:6]}")
        return cross.CODE_TAKEN(self.power.at("基本编码"), self.code, holder=self.holder.split("|")[3])


class CodeSpaceFull(Exception):
    """Every number under a prefix has been issued (retired ones are never reused)."""


class CodeRegistry:
    """The registry of every code ever issued (编码库)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 60000")
        self.db.executescript(SCHEMA)
        self._highest: dict[str, int] = {}

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def code_of(self, ident: str) -> str | None:
        row = self.db.execute("SELECT basic_code FROM codes WHERE identity = ? ORDER BY status = 'retired', "
                              "assigned DESC LIMIT 1", (ident,)).fetchone()
        return row[0] if row else None

    def holder(self, code: str) -> str | None:
        row = self.db.execute("SELECT identity FROM codes WHERE basic_code = ?", (code,)).fetchone()
        return row[0] if row else None

    def _next(self, prefix: str, width: int, start: int, stop: int) -> str:
        """Next unused number after the highest ever issued under `prefix` (retired ones included).
        The highest is read from the table once per prefix and transaction, then counted in memory
        (`_insert` keeps it current): one scan per new code made allocation quadratic."""
        n = self._highest.get(prefix)
        if n is None:
            n = self._highest[prefix] = self._highest_in_table(prefix, width, start, stop)
        n += 1
        if n >= 10 ** width:
            raise CodeSpaceFull(prefix)
        return f"{n:0{width}d}"

    def _highest_in_table(self, prefix: str, width: int, start: int, stop: int) -> int:
        row = self.db.execute("SELECT MAX(CAST(substr(basic_code, ?, ?) AS INTEGER)) FROM codes "
                              "WHERE basic_code LIKE ? AND substr(basic_code, ?, ?) != ?",
                              (start, stop - start + 1, prefix + "%", start, stop - start + 1, "0" * width)).fetchone()
        return row[0] or 0

    def _insert(self, code: str, ident: str, now: str) -> None:
        self.db.execute("INSERT INTO codes (basic_code, identity, assigned) VALUES (?, ?, ?)", (code, ident, now))
        for prefix, number in ((code[:6], code[6:9]), (code[:9], code[9:12])):  # main item, sub-item
            if prefix in self._highest and number.isdigit() and int(number) > self._highest[prefix]:
                self._highest[prefix] = int(number)

    def assign(self, departments: list[Department]) -> list[Conflict]:
        """Give every power and sub-item its 基本编码 and 实施编码, in one transaction."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        conflicts: list[Conflict] = []
        self.db.execute("BEGIN IMMEDIATE")
        self._highest = {}  # prefix → highest number issued, valid inside this transaction only
        try:
            for dept in departments:
                conflicts += self._assign_department(dept, now)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return conflicts

    def _assign_department(self, dept: Department, now: str) -> list[Conflict]:
        conflicts = []
        # carried codes first, so allocation counts past them
        for p in dept.all_powers():
            if p.basic_code:
                ident = identity(dept, p)
                holder = self.holder(p.basic_code)
                if holder is None:
                    self._insert(p.basic_code, ident, now)
                elif holder != ident:
                    conflicts.append(Conflict(p, p.basic_code, holder))
                    p.basic_code = None
        # then new powers, in an order that does not depend on the rows' order in the workbook;
        # a power left without a code (its number space is used up) leaves the catalog with a finding
        for p in sorted(dept.powers, key=lambda p: (p.category, p.name)):
            try:
                self._code(dept, p, None, now)
            except CodeSpaceFull as full:
                conflicts += [Conflict(x, full.args[0], "", full=True) for x in p.walk()]
                continue
            for s in sorted(p.sub_items, key=lambda s: s.sub_item or ""):
                try:
                    self._code(dept, s, p.basic_code, now)
                except CodeSpaceFull as full:
                    conflicts += [Conflict(x, full.args[0], "", full=True) for x in s.walk()]
        dept.powers = [p for p in dept.powers if p.basic_code]
        for p in dept.powers:
            p.sub_items = [s for s in p.sub_items if s.basic_code]
        for p in dept.all_powers():
            level = p.level or dept.level
            p.implementation_code = f"{dept.credit_code}{level}{p.basic_code}"
            if p.status == "取消":
                self.db.execute("UPDATE codes SET status = 'retired', retired = COALESCE(retired, ?) "
                                "WHERE basic_code = ?", (now, p.basic_code))
        return conflicts

    def _code(self, dept: Department, p: Power, main_code: str | None, now: str) -> None:
        ident = identity(dept, p)
        if p.basic_code is None:
            p.basic_code = self.code_of(ident)
        if p.basic_code is not None:
            return
        if main_code is None:
            origin = "00" if p.origin == "国家基本目录" else dept.region_code[:2]
            prefix = origin + CATEGORIES[p.category] + dept.number
            p.basic_code = prefix + self._next(prefix, 3, 7, 9) + "000"
        else:
            prefix = main_code[:9]
            p.basic_code = prefix + self._next(prefix, 3, 10, 12)
        self._insert(p.basic_code, ident, now)

    def remember(self, catalog) -> int:
        """Record the codes an earlier release gave (a build given --previous with a fresh --work):
        each power keeps the code it was published with instead of one counted anew, in an order
        that new items can shift. A code the registry holds already, or a power it already knows,
        is left as the registry has it. Returns how many were recorded."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        added = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for dept in catalog.departments:
                for p in dept.all_powers():
                    ident = identity(dept, p)
                    if p.basic_code and self.holder(p.basic_code) is None and self.code_of(ident) is None:
                        self.db.execute("INSERT INTO codes (basic_code, identity, assigned, status, retired) "
                                        "VALUES (?, ?, ?, ?, ?)", (p.basic_code, ident, now,
                                                                   "retired" if p.status == "取消" else "active",
                                                                   now if p.status == "取消" else None))
                        added += 1
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return added

    def retired(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT basic_code FROM codes WHERE status = 'retired' ORDER BY 1")]
