"""Validate department workbooks into typed departments plus findings.

Every data row of 职权目录, 裁量基准 and 流程 is either accepted into a department or rejected
with at least one error finding pointing at it; `RowCount` keeps the tally per file.
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import cache
from .laws import LawRegistry
from .models import Department, Finding, Power, share_strings
from .parallel import forked_map, jobs_default
from .progress import QUIET, Progress, Stage
from .read import Row, read_workbook
from .rules import cross, discretion, fields, legal, process, review
from .rules import structure as S

TABLES = ("职权目录", "裁量基准", "流程")


@dataclass
class RowCount:
    """Data rows of one file: read = accepted (in the catalog) + rejected (named by an error finding)."""

    file: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    rows: set = field(default_factory=set, repr=False)  # (sheet, row) of every data row read


@dataclass
class ValidationResult:
    departments: list[Department] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, RowCount] = field(default_factory=dict)

    def __getattr__(self, name: str):  # a remembered build's departments, read when asked for
        return load_on_first_use(self, name)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def load_on_first_use(obj, name: str):
    """`name` of a remembered build result or of its validation, loaded on first use from what its
    `_load_<name>` gives (see pipeline._Remembered); other missing attributes are missing."""
    loader = obj.__dict__.get(f"_load_{name}")
    if loader is None:
        raise AttributeError(name)
    value = loader()
    setattr(obj, name, value)
    return value


def find_workbooks(paths: list[str | Path]) -> list[Path]:
    """Files given directly, and *.xlsx / *.xls under given folders (Excel lock files skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in (".xlsx", ".xls", ".xlsm")
                          and not f.name.startswith("~$"))
        else:
            out.append(p)
    # a file named twice (a folder and a file in it) is one department, not a department filed twice
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve() if f.exists() else f
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _assemble(rows: list[Power]) -> list[Power]:
    """Attach sub-item rows to their main power; a sub-item without a main row gets one made."""
    mains: dict[tuple[str, str], Power] = {}
    out: list[Power] = []
    made: list[Power] = []
    for p in rows:
        key = (p.name, p.category)
        if p.sub_item is None:
            if key not in mains:
                mains[key] = p
            out.append(p)
    for p in rows:
        if p.sub_item is None:
            continue
        key = (p.name, p.category)
        main = mains.get(key)
        if main is None:
            # a main item made for its sub-items: the sub-item's own code and review decision are not its
            main = p.model_copy(update={"sub_item": None, "sub_items": [], "basic_code": None, "seq": None,
                                        "decision": None, "tiers": []})  # a copy shared the sub-item's tier list
            made.append(main)
            mains[key] = main
            out.append(main)
        if p.flow is None:
            p.flow = main.flow  # sub-items share their parent's flow unless they name their own
        main.sub_items.append(p)
    for main in made:  # a main item made for its sub-items is in use while one of them is, public while one is
        main.status = next((st for st in ("在用", "暂停") if any(s.status == st for s in main.sub_items)), "取消")
        main.scope = "社会" if any(s.scope == "社会" for s in main.sub_items) else "内部"
    return out


def validate_workbook(path: str | Path, laws: LawRegistry, *, inclusive_ends: bool = False,
                      today: date | None = None, cells: dict | None = None
                      ) -> tuple[Department | None, list[Finding], RowCount]:
    """Read, normalize and check one workbook (the per-department rule families).

    `cells`, when given, gets file → 部门信息 key → the cell it was read from (for cross-checks)."""
    today = today or date.today()
    raw = read_workbook(path)
    if cells is not None:
        cells[raw.path] = {k: c.prov for k, c in raw.info.items()}
    findings = list(raw.findings)
    count = RowCount(file=str(path))
    count.rows = {(r.sheet, r.number) for t in TABLES for r in raw.tables.get(t, [])}
    count.read = len(count.rows)
    dept = fields.department(raw, findings, today) if raw.usable else None
    if dept is None:  # without usable 部门信息 nothing of this file can enter the catalog
        count.rejected = count.read
        return None, findings, count
    fields.check_numbers(raw, findings)
    rows = raw.tables.get("职权目录", [])
    reclassified = frozenset(r.get("职权名称") for r in rows if r.get("清理结果") and not r.get("子项名称")
                             and review.decision_kind(r.get("清理结果")) == "调整")
    typed = [fields.power(row, dept, findings, reclassified) for row in rows]
    dept.powers = _assemble([p for p in typed if p is not None])
    fields.check_responsibility_columns(rows, dept.powers, findings)
    every = list(dept.all_powers())
    discretion.attach_tiers(raw.tables.get("裁量基准", []), every, findings)
    dept.flows = process.build_flows(raw.tables.get("流程", []), findings)
    flows = {f.name: f for f in dept.flows}
    for flow in dept.flows:
        findings += process.check_flow(flow)
    longest: dict = {}  # flow name → (longest path's time, unit), or None when its steps mix units
    for p in every:
        findings += legal.check_power(p, dept, laws, today)
        findings += discretion.check_power(p, inclusive_ends)
        if p.status != "取消":
            findings += process.check_power_flow(p, flows, longest)
    findings += cross.check_department(dept)
    return dept, findings, count


def _rejected_rows(findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.file, f.sheet, f.row) for f in findings if f.severity == "error" and f.sheet and f.row}


def _tier_rows(t) -> list[int]:
    return [t.provenance.row, *t.more_rows]


def _at_row(prov, row: int):
    """The same column of another row of the sheet (a tier's further 违法情节 rows)."""
    letters = re.sub(r"\d+$", "", prov.cell or "")
    return prov.model_copy(update={"row": row, "cell": f"{letters}{row}" if letters else None})


def _drop_rejected(dept: Department, rejected: set) -> list[Finding]:
    """Keep only accepted rows in the department; rows whose parent was rejected get a finding too."""
    def ok(prov) -> bool:
        return (prov.file, prov.sheet, prov.row) not in rejected

    cascaded: list[Finding] = []

    def drop_with(parent: Power, rows: list) -> None:
        for prov in rows:
            if ok(prov):
                cascaded.append(S.DROPPED_WITH_PARENT(prov, parent.full_name, parent_row=parent.provenance.row))
                rejected.add((prov.file, prov.sheet, prov.row))

    def tier_provs(p: Power) -> list:
        return [_at_row(t.provenance, r) for t in p.tiers for r in _tier_rows(t)]

    kept = []
    for p in dept.powers:
        if not ok(p.provenance):
            drop_with(p, [s.provenance for s in p.sub_items if s.provenance.row != p.provenance.row]
                      + [prov for s in p.walk() for prov in tier_provs(s)])
            continue
        subs = []
        for s in p.sub_items:
            if ok(s.provenance):
                subs.append(s)
            else:
                drop_with(s, tier_provs(s))
        p.sub_items = subs
        kept.append(p)
    dept.powers = kept
    for p in dept.all_powers():
        kept_tiers = []
        for t in p.tiers:
            prov = t.provenance
            if all((prov.file, prov.sheet, r) not in rejected for r in _tier_rows(t)):  # most tiers
                kept_tiers.append(t)
                continue
            rows = [_at_row(prov, r) for r in _tier_rows(t)]
            # a tier is one unit: the other rows of a tier with a rejected row go with it, and say so
            for prov in rows:
                if ok(prov):
                    cascaded.append(S.DROPPED_WITH_PARENT(prov, f"{p.full_name}（第 {t.tier} 阶次）",
                                                          parent_row=t.provenance.row))
                    rejected.add((prov.file, prov.sheet, prov.row))
        if len(kept_tiers) != len(p.tiers):
            p.tiers = kept_tiers
    for flow in dept.flows:
        flow.steps = [s for s in flow.steps if ok(s.provenance)]
    return cascaded


def _accepted_rows(dept: Department) -> set[tuple[str, int]]:
    keys = set()
    for p in dept.all_powers():
        keys.add((p.provenance.sheet, p.provenance.row))
        for t in p.tiers:
            keys.update((t.provenance.sheet, r) for r in _tier_rows(t))
    for flow in dept.flows:
        keys.update((s.provenance.sheet, s.provenance.row) for s in flow.steps)
    return keys


# Set in the parent before forked_map forks, so workers share the law registry (and anything a
# test patched) without pickling it.
_WORK: dict = {}


def _validate_one(path: Path) -> tuple[Department | None, list[Finding], RowCount, dict]:
    cells: dict = {}
    dept, findings, count = validate_workbook(path, _WORK["laws"], inclusive_ends=_WORK["inclusive_ends"],
                                              today=_WORK["today"], cells=cells)
    if dept is not None:
        _compact(dept)
    return dept, findings, count, cells


def _compact(dept: Department) -> None:
    """Drop what only the per-workbook rules needed: each model's raw row keeps just its address
    (file, sheet, row and the sheet's column layout, so `at(column)` still names the cell for the
    cross-department checks), and no law text stays attached. A department then weighs a tenth,
    which is what crosses the process boundary and what later stages hold."""
    # Private attributes are read and set in the model's __pydantic_private__ dict, where pydantic
    # keeps them: the same as m._row = …, without BaseModel's __getattr__/__setattr__ machinery
    # (100,000 models a city).
    def strip(m) -> None:
        private = m.__pydantic_private__
        row = private["_row"]
        if row is not None and row.cells:
            private["_row"] = Row(row.file, row.sheet, row.number, layout=row.layout)

    for p in dept.all_powers():
        strip(p)
        for b in p.legal_bases:
            b.__pydantic_private__["_law_text"] = None
        for t in p.tiers:
            strip(t)
            t.__pydantic_private__["_more"] = []
    for flow in dept.flows:
        for step in flow.steps:
            strip(step)
    share_strings(dept, {})


def _validated(files: list[Path], laws: LawRegistry, inclusive_ends: bool, today: date | None, jobs: int,
               store: cache.PickleCache | None = None, stage: Stage = Stage()) -> list:
    """validate_workbook on every file, in file order: in a pool of forked processes when there
    are several files and cores (each workbook is a pure function of its bytes and the registry).
    With `store`, a workbook whose bytes, path, registry, options and date are unchanged since a
    run that stored it is not read again."""
    today = today or date.today()
    _WORK.update(laws=laws, inclusive_ends=inclusive_ends, today=today)
    results: list = [None] * len(files)
    keys: list[str | None] = [None] * len(files)
    if store is not None:
        for i, f in enumerate(files):
            try:
                keys[i] = cache.key("validate", f, cache.file_hash(f), laws.fingerprint(), today, inclusive_ends)
            except OSError:
                continue  # unreadable: validate_workbook reports it
            results[i] = store.get(keys[i])
            if results[i] is not None:
                stage.advance(f.name)
        store.keep_only({k for k in keys if k})
    todo = [i for i, r in enumerate(results) if r is None]
    for i, r in zip(todo, forked_map(_validate_one, [files[i] for i in todo], jobs)):
        results[i] = r
        stage.advance(files[i].name)
    if store is not None:
        for i in todo:
            if keys[i]:
                store.put(keys[i], results[i])
    return results


def validate(paths: list[str | Path], *, laws: LawRegistry | None = None, inclusive_ends: bool = False,
             reference: list[cross.ReferenceItem] | None = None, today: date | None = None,
             jobs: int | None = None, cache_dir: str | Path | None = None,
             progress: Progress = QUIET) -> ValidationResult:
    """Validate every workbook under `paths`; cross-department checks run on all of them.
    `jobs`: worker processes (default: jobs_default()); `cache_dir`: keep each workbook's result
    there and reuse it while the workbook, registry, code and date are unchanged."""
    laws = laws or LawRegistry.load()
    store = cache.PickleCache(cache_dir) if cache_dir else None
    files = find_workbooks(paths)
    with paused_gc(), progress.stage("校验 validate", len(files)) as stage:
        return _validate(files, laws, inclusive_ends, reference, today, jobs or jobs_default(), store, stage)


@contextmanager
def paused_gc():
    """No cyclic garbage collection while a stage makes hundreds of thousands of objects that all
    live on: the collector's full passes over them cost more than the work (unpickling a
    department's results took 4 times longer with it on). Reference counting still frees memory."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _validate(files: list[Path], laws: LawRegistry, inclusive_ends: bool,
              reference: list[cross.ReferenceItem] | None, today: date | None, jobs: int,
              store: cache.PickleCache | None, stage: Stage) -> ValidationResult:
    result = ValidationResult()
    cells: dict = {}
    for path, (dept, findings, count, file_cells) in zip(
            files, _validated(files, laws, inclusive_ends, today, jobs, store, stage)):
        cells.update(file_cells)
        result.findings += findings
        result.counts[str(path)] = count
        if dept is not None:
            if reference:
                result.findings += cross.check_reference(dept, reference)
            result.departments.append(dept)
    across = cross.check_across(result.departments, cells)
    result.findings += across
    # a department whose 部门编号 clashes or that comes from several files is kept out whole: none of
    # its rows gets a code (they would collide), and every one of them is counted as rejected
    out = {f.file for f in across if f.rule in cross.DROPS_DEPARTMENT and f.severity == "error"}
    for dept in [d for d in result.departments if d.file in out]:
        result.departments.remove(dept)
        count = result.counts[dept.file]
        count.accepted, count.rejected = 0, count.read
    rejected = _rejected_rows(result.findings)
    for dept in result.departments:
        result.findings += _drop_rejected(dept, rejected)
        count = result.counts[dept.file]
        count.accepted = len(_accepted_rows(dept) & count.rows)
        count.rejected = len({(s, r) for f, s, r in rejected if f == dept.file} & count.rows)
    return result
