"""Unified codes (基本编码 / 实施编码) kept in a SQLite registry beside the catalog.

A power is identified by region, department number, category, name and sub-item, so re-sorting,
re-submitting or editing other fields of a workbook keeps its code. Codes are never deleted:
a cancelled power's code is retired, and allocation always counts past every code ever issued.
Allocation runs inside one `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .models import CATEGORIES, CATEGORY_BY_TYPE, Department, Power

SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    basic_code TEXT PRIMARY KEY,
    identity   TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    assigned   TEXT NOT NULL,
    retired    TEXT,
    successor  TEXT  -- a retired code's replacement: the item it was merged into, or its code after reclassification
);
CREATE INDEX IF NOT EXISTS codes_identity ON codes (identity);
"""


def identity(dept: Department, p: Power) -> str:
    return "|".join((dept.region_code, dept.number, p.category, p.name, p.sub_item or ""))


@dataclass
class Conflict:
    """What assigning codes found about one power: a code it carries that the registry gave to
    another power ("taken"); with `full`, no code left because every number under `code` (a prefix)
    was issued; a carried code kept through a rename ("renamed", `holder` the old identity); a merge
    whose target code the registry does not hold as active ("merge-target")."""

    power: Power
    code: str
    holder: str
    full: bool = False
    kind: str = "taken"

    def finding(self):
        from .rules import cross

        if self.kind == "renamed":
            old = self.holder.split("|")
            return cross.CODE_KEPT_RENAMED(self.power.at("职权名称"), self.power.full_name, code=self.code,
                                           old=f"{old[3]}（{old[4]}）" if old[4] else old[3])
        if self.kind == "merge-target":
            from .rules.review import target_column

            col = target_column(self.power.decision)
            if not re.fullmatch(r"\d{12}", self.code):  # a name validation found: its item was left out
                return cross.MERGE_TARGET_LEFT_OUT(self.power.at(col), self.code)
            return cross.MERGE_TARGET_UNKNOWN(self.power.at(col), self.code, absent="编码库中没有在用的该编码",
                                              absent_en="the code registry holds no such code in use")
        if self.full:
            p, prefix = self.power, self.code
            if len(prefix) == 9:
                return cross.code_space_full(p, f"{prefix} 下的子项", f"sub-items under {prefix}")
            return cross.code_space_full(p, f"部门编号 {prefix[4:6]} 下{p.category}主项（编码前缀 {prefix}）",
                                         f"main items of {p.category} under department number {prefix[4:6]}")
        return cross.CODE_TAKEN(self.power.at("基本编码"), self.code, holder=self.holder.split("|")[3])


def _renamed(holder: str, ident: str, current: set[str]) -> bool:
    """A carried code whose holder is this department's item of the same category under another name,
    which the workbook no longer lists: the item was renamed (region|number|category|name|sub-item)."""
    return holder.split("|")[:3] == ident.split("|")[:3] and holder not in current


def _state(departments: list[Department]) -> list:
    """What assigning codes changes in the departments, to put back after a dry run."""
    kept = []
    for d in departments:
        kept.append((d, "powers", list(d.powers)))
        for p in d.all_powers():
            kept.append((p, "sub_items", list(p.sub_items)))
            kept.append((p, "basic_code", p.basic_code))
            kept.append((p, "implementation_code", p.implementation_code))
            if p.decision is not None:
                kept.append((p.decision, "target_code", p.decision.target_code))
    return kept


def _restore(kept: list) -> None:
    for obj, name, value in kept:
        if getattr(obj, name) != value or name in ("powers", "sub_items"):
            setattr(obj, name, value)


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
        if "successor" not in {r[1] for r in self.db.execute("PRAGMA table_info(codes)")}:  # a registry made before it
            self.db.execute("ALTER TABLE codes ADD COLUMN successor TEXT")
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

    def assign(self, departments: list[Department], *, dry_run: bool = False) -> list[Conflict]:
        """Give every power and sub-item its 基本编码 and 实施编码, in one transaction. Codes follow
        review decisions: a merged item's code is retired pointing to its target's, a reclassified
        item's former code to its new one. With `dry_run` (powers validate --registry) the same is
        done and undone: the registry and the departments are left as they were, and the conflicts
        are the ones a real run would find."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        conflicts: list[Conflict] = []
        kept = _state(departments) if dry_run else None
        self.db.execute("BEGIN IMMEDIATE")
        self._highest = {}  # prefix → highest number issued, valid inside this transaction only
        try:
            for dept in departments:
                conflicts += self._assign_department(dept, now)
            conflicts += self._follow_decisions(departments, now)
            self.db.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            if kept is not None:
                _restore(kept)
                self._highest = {}
        return conflicts

    def _follow_decisions(self, departments: list[Department], now: str) -> list[Conflict]:
        """Point retired codes at their successors: a merged item's at its target's code (looked up as
        validation does, cross.MergeLookup, or a code the registry holds in use), a reclassified
        item's former code at its new one, when that code was this item's."""
        from .rules.cross import MergeLookup, merge_target

        lookup = MergeLookup(departments)
        out: list[Conflict] = []
        for dept in departments:
            current = {identity(dept, p) for p in dept.all_powers()}
            for p in dept.all_powers():
                d = p.decision
                if d is None:
                    continue
                if d.former_code and d.former_code != p.basic_code:
                    out += self._reclassified(dept, p, current, now)
                if d.kind != "合并" or not d.target:
                    continue
                target = merge_target(p, dept, lookup)
                if target is not None and target is not p:
                    d.target_code, d.target_name = target.basic_code, target.full_name
                elif target is None and re.fullmatch(r"\d{12}", d.target) and self.db.execute(
                        "SELECT 1 FROM codes WHERE basic_code = ? AND status = 'active'", (d.target,)).fetchone():
                    d.target_code = d.target
                    if (held := self.holder(d.target)) is not None:
                        part = held.split("|")
                        d.target_name = f"{part[3]}（{part[4]}）" if part[4] else part[3]
                else:
                    if target is None:  # a code the registry does not hold, or a name left out for its errors
                        out.append(Conflict(p, d.target, "", kind="merge-target"))
                    continue
                if p.basic_code:
                    self._retire(p.basic_code, now, d.target_code)
        return out

    def _reclassified(self, dept: Department, p: Power, current: set[str], now: str) -> list[Conflict]:
        """Retire a reclassified item's former code pointing to its new one, when the registry has it
        as this item under its former category (or not at all); a code another item holds is not its."""
        code = p.decision.former_code
        old = identity(dept, p).split("|")
        old[2] = CATEGORY_BY_TYPE.get(code[2:4], code[2:4])
        holder = self.holder(code)
        if holder is None:
            self._insert(code, "|".join(old), now)
        elif holder.split("|")[:3] != old[:3] or holder in current - {identity(dept, p)}:
            return [Conflict(p, code, holder)]
        self._retire(code, now, p.basic_code)
        return []

    def _is_retired(self, code: str) -> bool:
        return self.db.execute("SELECT 1 FROM codes WHERE basic_code = ? AND status = 'retired'", (code,)).fetchone() \
            is not None

    def _retire(self, code: str, now: str, successor: str | None = None) -> None:
        self.db.execute("UPDATE codes SET status = 'retired', retired = COALESCE(retired, ?), "
                        "successor = COALESCE(?, successor) WHERE basic_code = ?", (now, successor, code))

    def successor(self, code: str) -> str | None:
        """The code that replaced a retired one, followed to the end (None: none recorded)."""
        seen, found = {code}, None
        while (row := self.db.execute("SELECT successor FROM codes WHERE basic_code = ?", (code,)).fetchone()) \
                and row[0] and row[0] not in seen:
            found = code = row[0]
            seen.add(code)
        return found

    def _assign_department(self, dept: Department, now: str) -> list[Conflict]:
        conflicts = []
        current = {identity(dept, p) for p in dept.all_powers()}
        # carried codes first, so allocation counts past them
        for p in dept.all_powers():
            if p.basic_code:
                ident = identity(dept, p)
                holder = self.holder(p.basic_code)
                if holder is None:
                    self._insert(p.basic_code, ident, now)
                elif holder != ident:
                    if _renamed(holder, ident, current) and not self._is_retired(p.basic_code):
                        # the same item under a new name: a rename alone keeps the code the workbook carries
                        self.db.execute("UPDATE codes SET identity = ? WHERE basic_code = ?", (ident, p.basic_code))
                        conflicts.append(Conflict(p, p.basic_code, holder, kind="renamed"))
                        continue
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
                self._retire(p.basic_code, now)
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
