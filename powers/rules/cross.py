"""X: cross-checks within a department, across departments and against a reference list."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..models import Department, Finding, Power, Provenance
from . import review, rule

DUPLICATE = rule(
    "X501", "duplicate-power", "error",
    "“{value}”在本部门重复填报（另见第 {other} 行）", "'{value}' is filed twice in this department (see also row {other})",
    "删除重复行（重报），或用“子项名称”区分不同子项。")
SAME_NAME = rule(
    "X502", "same-power-two-departments", "warning",
    "“{value}”同时出现在{other}，可能混报", "'{value}' is also filed by {other}; possibly filed under the wrong department",
    "与相关部门核对该职权的实施主体，只保留依法享有该职权的部门。")
MISSING = rule(
    "X503", "missing-vs-reference", "error",
    "参照目录中的“{value}”（{category}）本部门未填报（漏报）",
    "'{value}' ({category}) from the reference list is missing from this department",
    "补报该职权；如确不承担，请在备注中说明依据并报法制机构确认。")
EXTRA = rule(
    "X504", "extra-vs-reference", "warning",
    "“{value}”不在参照目录中", "'{value}' is not in the reference list",
    "核对名称是否与参照目录一致；确为本地新增事项的，请附设定依据。")
DUPLICATE_CODE = rule(
    "X505", "duplicate-code", "error",
    "基本编码 {value} 被多个事项使用（另见第 {other} 行）", "Basic code {value} is used by several powers (see row {other})",
    "清空其中一个的编码，由系统重新赋码。")

CODE_SPACE_FULL = rule(
    "X507", "code-space-full", "error",
    "“{value}”无法赋码：{space}的编号（001–999）已用完",
    "'{value}' cannot be coded: the numbers of {space_en} (001–999) are used up",
    "一个部门编号下同一类别最多 999 个主项、一个主项最多 999 个子项（已取消事项的编码也不再使用）。"
    "请向编码管理机构申请第二个部门编号，将部分事项（如按内设机构）分入另一部门工作簿；或合并为主项下的子项。")
MAIN_ITEMS = 999  # 3 digits of main item in the 基本编码, 000 excluded

NUMBER_CLASH = rule(
    "X508", "department-number-clash", "error",
    "部门编号 {value} 同时被{other}使用：不同部门的职权会得到相同的编码，本部门职权暂不收入目录",
    "Department number {value} is also used by {other}: different departments' powers would get the same codes; "
    "this department's powers are left out of the catalog",
    "每个部门须使用本部门自己的 2 位授权部门编号（基本编码中的授权部门位），不能沿用模板示例或其他部门的编号。"
    "核对后改正编号重新提交；改正前这些部门的职权均不赋码、不收入目录。")
FILED_TWICE = rule(
    "X509", "department-filed-twice", "error",
    "部门“{value}”由多个工作簿填报（另见 {other}），本部门职权暂不收入目录",
    "Department '{value}' comes from several workbooks (also {other}); its powers are left out of the catalog",
    "一个部门只交一个工作簿：把这些文件合并为一个，或只保留最新的一个（如导入后产生的 DEPT.xlsx 与 DEPT-2.xlsx），"
    "删除或移走其余文件后重新校验。")
MERGE_TARGET_UNKNOWN = rule(
    "X510", "merge-target-unknown", "error",
    "并入的事项“{value}”不存在：{absent}", "The item '{value}' it is merged into does not exist: {absent_en}",
    "“合并至”填写本部门职权目录中的事项名称（子项写“名称（子项）”），或并入事项的 12 位基本编码。")
MERGE_TARGET_GONE = rule(
    "X511", "merge-target-not-in-use", "error",
    "并入的事项“{value}”{why}", "The item '{value}' it is merged into {why_en}",
    "合并须并入一个继续实施的事项：核对“合并至”，或先处理被并入事项的清理结果。")
MERGE_CHAIN = rule(
    "X513", "merge-target-merged", "warning",
    "并入的事项“{value}”也已合并（并入“{then}”）：编码依次指向最终并入的事项",
    "The item '{value}' it is merged into is itself merged (into '{then}'): the code points along the chain",
    "如本事项应直接并入“{then}”，可将“合并至”改为该事项。")
MERGE_TARGET_LEFT_OUT = rule(
    "X514", "merge-target-left-out", "warning",
    "并入的事项“{value}”因自身有错误未收入目录：本事项暂不指向它",
    "The item '{value}' it is merged into was left out of the catalog for its own errors: not pointed to yet",
    "改正被并入事项的错误后重新生成，合并关系即随之记录。")
CODE_KEPT_RENAMED = rule(
    "X512", "code-kept-on-rename", "warning",
    "“{value}”沿用基本编码 {code}（编码库中原名“{old}”），按事项更名处理",
    "'{value}' keeps code {code} (registered as '{old}'): taken as a rename",
    "同一事项更名沿用原编码。如果这是另一个事项，请清空该编码由系统重新赋码。")

# findings that keep a whole department (every row of its file) out of the catalog
DROPS_DEPARTMENT = frozenset({"X508", "X509"})


def code_space_full(p: Power, space: str, space_en: str) -> Finding:
    return CODE_SPACE_FULL(p.at("职权名称"), p.full_name, space=space, space_en=space_en)


def _code_space(dept: Department) -> list[Finding]:
    """More main items of one category (or sub-items of one item) than a 3-digit number holds.

    Codes are handed out in (category, name) order; the items past the 999th in that order get the
    finding (items carrying a code of their own do not need a new one)."""
    out: list[Finding] = []
    groups: dict[tuple, list[Power]] = {}
    for p in dept.powers:
        groups.setdefault((p.origin == "国家基本目录", p.category), []).append(p)
    for (_, category), items in groups.items():
        if len(items) > MAIN_ITEMS:
            new = [p for p in sorted(items, key=lambda p: (p.category, p.name)) if not p.basic_code]
            for p in new[len(new) - (len(items) - MAIN_ITEMS):]:
                out.append(code_space_full(p, f"部门编号 {dept.number} 下{category}主项",
                                           f"main items of {category} under department number {dept.number}"))
    for p in dept.powers:
        if len(p.sub_items) > MAIN_ITEMS:
            new = [s for s in sorted(p.sub_items, key=lambda s: s.sub_item or "") if not s.basic_code]
            for s in new[len(new) - (len(p.sub_items) - MAIN_ITEMS):]:
                out.append(code_space_full(s, f"“{p.name}”的子项", f"sub-items of '{p.name}'"))
    return out


@dataclass(frozen=True)
class ReferenceItem:
    department: str | None
    name: str
    category: str


def load_reference(path: str | Path) -> list[ReferenceItem]:
    """A reference list: a catalog.json, a JSON list of {department?, name, category}, or a workbook."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict) and "departments" in data:
            return [ReferenceItem(d["name"], p["name"], p["category"])
                    for d in data["departments"] for p in d["powers"]]
        return [ReferenceItem(e.get("department"), e["name"], e["category"]) for e in data]
    from ..read import read_workbook
    from .. import normalize

    raw = read_workbook(path)
    dept = raw.info["部门名称"].text if "部门名称" in raw.info else None
    items = []
    for row in raw.tables.get("职权目录", []):
        if row.get("职权名称") and not row.get("子项名称"):
            items.append(ReferenceItem(dept, row.get("职权名称"), normalize.category(row.get("职权类别")) or ""))
    return items


def check_department(dept: Department) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[tuple, int] = {}
    codes: dict[str, int] = {}
    for p in dept.all_powers():
        key = (p.name, p.sub_item)
        if key in seen and seen[key] != p.provenance.row:
            out.append(DUPLICATE(p.at("职权名称"), p.full_name,
                                 other=seen[key]))
        seen.setdefault(key, p.provenance.row)
        if p.basic_code:
            if p.basic_code in codes and codes[p.basic_code] != p.provenance.row:
                out.append(DUPLICATE_CODE(p.at("基本编码"), p.basic_code,
                                          other=codes[p.basic_code]))
            codes.setdefault(p.basic_code, p.provenance.row)
        if p.decision and p.decision.former_code:  # a reclassified item's former code is still its to retire
            code = p.decision.former_code
            if code in codes and codes[code] != p.provenance.row:
                out.append(DUPLICATE_CODE(p.at("基本编码"), code, other=codes[code]))
            codes.setdefault(code, p.provenance.row)
    return out + _code_space(dept)


def merge_target(p: Power, dept: Department, lookup: "MergeLookup") -> Power | None:
    """The item a merged item `p` of `dept` names, or None (see MergeLookup)."""
    d = p.decision
    names = review.target_names(d.target, p.name if p.sub_item else None)
    own = lookup.names.get(dept.name, {})
    for n in names:
        if n in own:
            return own[n]
    return lookup.codes.get(d.target) or next((lookup.unique[n] for n in names if n in lookup.unique), None)


class MergeLookup:
    """Where a merge's target is looked up: by name (名称, 名称（子项）, a sibling sub-item by its own
    name) in the merged item's department; by 12-digit code anywhere in the run; by a name only one
    department of the run lists. A code found nowhere is left to the code registry."""

    def __init__(self, depts: list[Department]):
        self.names: dict[str, dict[str, Power]] = {}
        self.codes: dict[str, Power] = {}
        owners: dict[str, list[Power]] = {}
        for dept in depts:
            mine = self.names.setdefault(dept.name, {})
            for p in dept.all_powers():
                for k in {p.full_name, p.name} if p.sub_item is None else {p.full_name}:
                    mine.setdefault(k, p)
                    owners.setdefault(k, []).append(p)
                if p.basic_code:
                    self.codes.setdefault(p.basic_code, p)
        self.unique = {k: ps[0] for k, ps in owners.items() if len(ps) == 1}


def _merges(depts: list[Department]) -> list[Finding]:
    """Each merged item names an item that exists and stays in use."""
    merging = [(d, p) for d in depts for p in d.all_powers() if p.decision and p.decision.kind == "合并"
               and p.decision.target]
    if not merging:
        return []
    lookup = MergeLookup(depts)
    out: list[Finding] = []
    for dept, p in merging:
        d = p.decision
        where = p.at(review.target_column(d))
        target = merge_target(p, dept, lookup)
        if target is None:
            if not re.fullmatch(r"\d{12}", d.target):
                out.append(MERGE_TARGET_UNKNOWN(where, d.target, absent=f"{dept.name}的职权目录中没有这个事项",
                                                absent_en=f"{dept.name} lists no such item"))
        elif target is p:
            out.append(MERGE_TARGET_GONE(where, d.target, why="就是本事项自身", why_en="is the item itself"))
        elif target.status == "取消" and target.decision and target.decision.kind == "合并":
            # merged in an earlier round into an item merged since: the code follows the chain
            out.append(MERGE_CHAIN(where, d.target, then=target.decision.target or "其他事项"))
        elif target.status == "取消":
            out.append(MERGE_TARGET_GONE(where, d.target, why="已取消，不再实施", why_en="is cancelled"))
    return out


def _file_labels(depts: list[Department]) -> dict[str, str]:
    """How a message names a department's file: its name, or the whole path when two files share a name."""
    names: dict[str, set[str]] = {}
    for d in depts:
        names.setdefault(Path(d.file).name, set()).add(d.file)
    return {d.file: Path(d.file).name if len(names[Path(d.file).name]) == 1 else d.file for d in depts}


def _info_cell(d: Department, key: str, cells: dict[str, dict[str, Provenance]] | None) -> Provenance:
    where = (cells or {}).get(d.file, {}).get(key)
    return where or Provenance(file=d.file, sheet="部门信息", row=0, column=key)


def check_departments(depts: list[Department],
                      cells: dict[str, dict[str, Provenance]] | None = None) -> list[Finding]:
    """Departments that cannot all enter one catalog: two departments with one 部门编号 (X508: their
    codes would collide and share one department page) and one department from several files (X509).
    Every department named by one of these errors is kept out whole (`DROPS_DEPARTMENT`): which of
    them is right is for people to decide, and a code once issued is never taken back.
    `cells`: file → 部门信息 key → the cell it was read from."""
    labels = _file_labels(depts)
    out: list[Finding] = []
    by_name: dict[str, list[Department]] = {}
    by_number: dict[str, list[Department]] = {}
    for d in depts:
        by_name.setdefault(d.name, []).append(d)
        by_number.setdefault(d.number, []).append(d)
    for name, group in by_name.items():
        if len({d.file for d in group}) < 2:
            continue
        for d in group:
            others = "、".join(labels[o.file] for o in group if o.file != d.file)
            out.append(FILED_TWICE(_info_cell(d, "部门名称", cells), name, other=others))
    for number, group in by_number.items():
        if len({d.name for d in group}) < 2:
            continue
        for d in group:
            others: dict[str, list[str]] = {}
            for o in group:
                if o.name != d.name:
                    others.setdefault(o.name, []).append(labels[o.file])
            text = "、".join(f"“{n}”（{'、'.join(files)}）" for n, files in others.items())
            out.append(NUMBER_CLASH(_info_cell(d, "部门编号", cells), number, other=text))
    return out


def check_across(depts: list[Department],
                 cells: dict[str, dict[str, Provenance]] | None = None) -> list[Finding]:
    out = check_departments(depts, cells)
    out += _merges(depts)
    owners: dict[str, list[str]] = {}
    for d in depts:
        for p in d.powers:
            if d.name not in owners.setdefault(p.name, []):
                owners[p.name].append(d.name)
    for d in depts:
        for p in d.powers:
            others = [o for o in owners[p.name] if o != d.name]
            if others:
                out.append(SAME_NAME(p.at("职权名称"), p.name,
                                     other="、".join(others)))
    return out


def check_reference(dept: Department, reference: list[ReferenceItem]) -> list[Finding]:
    mine = [r for r in reference if r.department in (None, dept.name)]
    if not mine:
        return []
    names = {p.name for p in dept.powers}
    expected = {r.name for r in mine}
    out = []
    where = dept.powers[0].provenance.model_copy(update={"column": "职权名称", "row": 0, "cell": None}) \
        if dept.powers else None
    for r in mine:
        if r.name not in names and where is not None:
            out.append(MISSING(where, r.name, category=r.category))
    for p in dept.powers:
        if p.name not in expected:
            out.append(EXTRA(p.at("职权名称"), p.name))
    return out
CODE_TAKEN = rule(
    "X506", "code-taken", "error",
    "基本编码 {value} 在编码库中已属于另一事项“{holder}”", "Basic code {value} already belongs to '{holder}' in the registry",
    "清空该编码由系统赋码；编码一经发放不得改作他用。")
