"""Import what departments publish into the standard workbook (`powers import`).

Three layouts are understood besides our own:

- a discretion standard laid out one sheet per law (序号 | 违法行为 | 法律依据 | 类别 | 裁量情节 |
  裁量标准 | 备注), read from .xls or .xlsx with its merged ranges;
- a flat 权责清单 table with no 部门信息 sheet (事项名称, 子项, 事项类型, 设定依据, 实施主体 …);
- a JSON catalog in the national shape (授权部门, 职权编码, 事项名称, 事项类型, 依据, 实施层级),
  many departments in one file.

`import_file` returns an `ImportResult`: one `DepartmentDraft` per department (rows keyed by the
template's column names), how every source column was mapped, what was guessed, and what became
of every source row (imported, or why not: nothing is dropped silently). `write_workbooks` writes
each department as the template workbook (`powers template`, drop-downs included) with an
导入说明 sheet and a JSON report beside it.

Decisions on the discretion layout (see tests/test_import.py):
- one 行政处罚 power per 违法行为 and basis: a 违法行为 whose tiers fall under two basis ranges
  becomes two powers. A second range that continues the basis above (逾期不改正的，处…; 对直接负责的
  主管人员…) is joined to it, and the power is named after its first clause, e.g.
  “在饮用水水源保护区内设置排污口的（逾期不拆除的）”;
- the same 违法行为 punished under another law (拒绝现场检查… in the water and the air law) is a
  second power, not one power with both bases: each basis has its own tiers and fine ranges, and
  the statutory-range checks need the one that applies. Its name says which basis:
  “拒绝现场检查或者在接受检查时弄虚作假（依据中华人民共和国大气污染防治法第九十八条）”;
- a 类别 cell merged over several rows, or an empty 类别 with an empty 裁量标准, continues the tier
  above (another 违法情节 row, written with an empty 阶次);
- an empty 类别 with its own 裁量标准, or a 类别 that repeats or goes below the previous one,
  starts a new tier numbered in sequence, and the report says so (a guessed tier number).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import normalize
from .legal import continues_previous
from .models import CATEGORIES, LEVELS
from .read import COLUMNS, SheetGrid, load_grids
from .rules.fields import closed_word

@dataclass(frozen=True)
class Layout:
    kind: str
    title_zh: str
    title_en: str


DISCRETION = Layout("discretion-per-law", "按法律分表的裁量标准（违法行为、法律依据、类别、裁量情节、裁量标准）",
                    "a discretion standard laid out one sheet per law")
FLAT = Layout("flat-list", "没有部门信息的权责清单（事项名称、事项类型、设定依据……）",
              "a flat 权责清单 table without 部门信息")
CATALOG_JSON = Layout("json-catalog", "国家格式的 JSON 事项目录", "a JSON catalog in the national shape")


@dataclass
class Options:
    """What the source does not say: given on the command line, else guessed or left to fill in."""

    department: str | None = None
    number: str | None = None
    region: str | None = None
    credit_code: str | None = None
    level: str | None = None
    date: str | None = None


@dataclass
class ColumnMap:
    sheet: str
    source: str  # the header as published
    cell: str  # where the header is (A1), or the JSON key
    target: str  # sheet.column in the template, or why it is not used


@dataclass
class SourceRow:
    """What became of one row of the source."""

    sheet: str
    row: int
    status: str  # 导入 imported | 并入 merged into the row above | 未导入 not imported
    target: str = ""  # e.g. 职权目录!5 or 裁量基准!12
    note: str = ""


@dataclass
class DepartmentDraft:
    info: dict[str, str]
    powers: list[dict] = field(default_factory=list)
    tiers: list[dict] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    # (what, as written, taken as) → where: one guess line per distinct value, not one per row
    mapped: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def map_value(self, what: str, raw: str, taken: str, where: str) -> None:
        self.mapped.setdefault((what, raw, taken), []).append(where)

    @property
    def name(self) -> str:
        return self.info.get("部门名称") or "未命名部门"


@dataclass
class ImportResult:
    source: str
    layout: Layout
    departments: list[DepartmentDraft] = field(default_factory=list)
    columns: list[ColumnMap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)  # rows that belong to no department
    warnings: list[str] = field(default_factory=list)  # for the user to act on (zh, newline, en)
    outcomes: dict[str, str] = field(default_factory=dict)  # workbook written → wrote / replaced

    def all_rows(self) -> list[SourceRow]:
        return self.rows + [r for d in self.departments for r in d.rows]

    def to_json(self) -> dict:
        return {"version": 1, "source": self.source, "layout": self.layout.kind,
                "columns": [asdict(c) for c in self.columns], "notes": self.notes,
                "departments": [{"name": d.name, "info": d.info, "powers": len(d.powers),
                                 "tier_rows": len(d.tiers), "tiers": sum(1 for t in d.tiers if t.get("阶次")),
                                 "guesses": d.guesses, "rows": [asdict(r) for r in d.rows]}
                                for d in self.departments],
                "other_rows": [asdict(r) for r in self.rows], "warnings": self.warnings}

    def report(self) -> str:
        return "\n".join(report_lines(self)) + "\n"


class ImportError_(ValueError):
    """The file is none of the layouts this module understands (str: Chinese; `en`: English)."""

    def __init__(self, zh: str, en: str | None = None):
        super().__init__(zh)
        self.en = en


class NothingToImport(ImportError_):
    """The file was read but holds no item to import (a header-only sheet, an empty list): no
    workbook is written for it."""


# ---------------------------------------------------------------- detection

_DISCRETION_HEAD = {"违法行为": ("违法行为", "违法行为名称", "违法事实"),
                    "法律依据": ("法律依据", "处罚依据", "设定依据", "依据", "法定依据"),
                    "类别": ("类别", "阶次", "裁量阶次", "档次", "裁量档次", "裁量等级", "等次", "违法程度",
                           "情节程度", "处罚阶次", "裁量阶段", "裁量格次"),
                    "裁量情节": ("裁量情节", "违法情节", "情节", "违法情形", "适用情形", "具体情形", "情节描述"),
                    "裁量标准": ("裁量标准", "处罚标准", "处罚裁量标准", "裁量基准", "裁量幅度", "处罚幅度",
                             "处罚裁量幅度", "具体标准", "裁量基准（处罚标准）"),
                    "备注": ("备注", "说明"),
                    "序号": ("序号", "编号"),
                    "违法依据": ("违法依据", "违法条款", "违反条款", "违反的规定"),
                    "处罚种类": ("处罚种类", "处罚类型", "处罚种类及幅度")}
_DISC_SYN = {normalize.header_key(s): canon for canon, syns in _DISCRETION_HEAD.items() for s in syns}

# a flat list: our 职权目录 columns, and what 权责清单 call them
_FLAT_EXTRA = {"实施编码": "基本编码", "事项实施编码": "基本编码", "类型": "职权类别", "实施层级": "行使层级",
               "行使层次": "行使层级", "责任处室": "承办机构", "承办处室": "承办机构", "实施主体名称": "实施主体",
               "行使主体": "实施主体", "执法主体": "实施主体", "实施主体": "实施主体", "实施机关": "实施主体",
               "责任主体": "实施主体", "子项": "子项名称", "子项名称": "子项名称", "事项子项": "子项名称"}
_FLAT_SYN = {normalize.header_key(s): canon for canon, syns in COLUMNS["职权目录"].items() for s in (canon, *syns)}
_FLAT_SYN.update({normalize.header_key(k): v for k, v in _FLAT_EXTRA.items()})


@dataclass
class _Head:
    """The header of a published table: one row, or two (a group header such as 权力事项 merged
    over 事项名称 | 子项, the other headers merged down over both rows)."""

    first: int  # 0-based index of the first header row
    last: int  # of the last one: data starts below it
    cols: dict[int, str]  # column index → canonical name
    labels: dict[int, str]  # column index → the header as published (二级表头: 权力事项/事项名称)
    where: dict[int, str]  # column index → the cell holding the header (A2)


def _known(value, syn: dict[str, str]) -> str | None:
    """The canonical column a published header names; an explanation in brackets does not count
    (设定依据（法律法规名称及条款）, 责任处（科）室)."""
    k = normalize.header_key(value)
    return syn.get(k) or syn.get(re.sub(r"[（(][^（）()]*[)）]", "", k)) if k else None


def _head(g: SheetGrid, syn: dict[str, str], need: int) -> _Head | None:
    """The first header among the first 15 rows with at least `need` known columns. A row right
    below it whose own (not merged-down) cells are mostly known headers is a second header row:
    each column takes the lower header when it is known, else the upper one."""
    rows, filled = g.rows, g.filled()
    for i, top in enumerate(filled[:15]):
        top_cols = {j: _known(v, syn) for j, v in enumerate(top) if _known(v, syn)}
        two = None
        top_own = [v for v in rows[i] if normalize.text(v)]
        if i + 1 < len(filled) and top_cols and len(top_own) >= 2:  # not a title row
            raw = rows[i + 1]
            own = [normalize.text(v) for v in raw if normalize.text(v)]
            known = [v for v in own if _known(v, syn)]
            if known and len(known) * 2 >= len(own):
                two = filled[i + 1]
        if two is not None:
            values, labels, where = {}, {}, {}
            for j in range(max(len(top), len(two))):
                t = normalize.text(top[j]) if j < len(top) else None
                b = normalize.text(two[j]) if j < len(two) else None
                own_b = bool(j < len(rows[i + 1]) and normalize.text(rows[i + 1][j]))
                if _known(b, syn):
                    values[j] = b
                    labels[j] = f"{t}/{b}" if own_b and t and t != b else b
                    where[j] = _cell(j, i + 1 if own_b else i)
                elif t:
                    values[j], labels[j], where[j] = t, t, _cell(j, i)
            cols = _column_map(values, syn)
            if len(cols) >= need:
                return _Head(i, i + 1, cols, labels, where)
        if len(top_cols) >= need:
            return _Head(i, i, _column_map(dict(enumerate(top)), syn),
                         {j: normalize.text(v) for j, v in enumerate(top) if normalize.text(v)},
                         {j: _cell(j, i) for j, v in enumerate(top) if normalize.text(v)})
    return None


def _column_map(values: dict[int, object], syn: dict[str, str]) -> dict[int, str]:
    """Column index → canonical name; a name already taken by a column to the left is not reused."""
    cols: dict[int, str] = {}
    for j in sorted(values):
        canon = _known(values[j], syn)
        if canon and canon not in cols.values():
            cols[j] = canon
    return cols


def _is_discretion_sheet(g: SheetGrid) -> bool:
    found = _head(g, _DISC_SYN, 3)
    names = set(found.cols.values()) if found else set()
    return {"违法行为", "裁量标准"} <= names or {"违法行为", "裁量情节"} <= names


def _is_flat_sheet(g: SheetGrid) -> bool:
    found = _head(g, _FLAT_SYN, 3)
    return bool(found) and "职权名称" in found.cols.values() and bool(
        {"职权类别", "实施依据"} & set(found.cols.values()))


def looks_like_catalog(path: str | Path) -> bool:
    """A JSON file holding a list of items with a name and a department (the national shape)."""
    try:
        items = _json_items(_json_load(Path(path)))
    except (ValueError, OSError):
        return False
    names, depts = _JSON_KEYS["职权名称"], _JSON_KEYS["部门名称"]
    return any(isinstance(x, dict) and any(k in x for k in names) and any(k in x for k in depts) for x in items[:50])


def detect_layout(grids: list[SheetGrid]) -> Layout | None:
    """Which published layout the sheets look like (None: not one we can import, or already ours)."""
    from .read import _match_sheet

    if "部门信息" in _match_sheet([g.name for g in grids]):
        return None
    if any(_is_discretion_sheet(g) for g in grids):
        return DISCRETION
    if any(_is_flat_sheet(g) for g in grids):
        return FLAT
    return None


# ---------------------------------------------------------------- small helpers

def level_number(value: object) -> str | None:
    """'市级' → '3'; several levels or anything else → None (the text is kept as written)."""
    found = normalize.levels(normalize.text(value))
    return str(found[0]) if found and len(found) == 1 else None


def _cell(j: int, i: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(j + 1)}{i + 1}"


def _one_line(value: object) -> str | None:
    """A name: the lines of a cell joined with '；' rather than run together."""
    if value is None:
        return None
    parts = [normalize.text(p) for p in str(value).replace("\r", "\n").split("\n")]
    return "；".join(p for p in parts if p) or None


def _long(value: object) -> str | None:
    return normalize.text(value, multiline=True)


_KIND_WORDS = (
    ("警告", "警告"), ("通报批评", "通报批评"), ("罚款", "罚款"), ("没收违法所得", "没收违法所得"),
    ("没收非法财物", "没收非法财物"), ("没收", "没收非法财物"), ("暂扣", "暂扣许可证件"),
    ("降低资质等级", "降低资质等级"), ("吊销", "吊销许可证件"), ("限制生产", "限制开展生产经营活动"),
    ("限制开展生产经营活动", "限制开展生产经营活动"), ("责令停产停业", "责令停产停业"), ("停产整治", "责令停产停业"),
    ("停业整治", "责令停产停业"), ("停工整治", "责令停产停业"), ("责令停业", "责令停产停业"),
    ("责令停产", "责令停产停业"), ("责令关闭", "责令关闭"), ("关闭", "责令关闭"), ("限制从业", "限制从业"),
    ("禁止从事", "限制从业"), ("拘留", "行政拘留"),
)


def penalty_kinds(standard: str | None) -> list[str]:
    """The kinds of penalty a standard's words name (PENALTY_KINDS); orders such as 责令改正 are
    not penalties. A standard naming none of them is 其他."""
    if not standard:
        return []
    text = standard.replace("没收违法所得", "\0没收违法所得\0")
    kinds: list[str] = []
    for word, kind in _KIND_WORDS:
        if word == "没收":
            hit = re.search(r"没收(?!违法所得)", text.replace("\0没收违法所得\0", ""))
        else:
            hit = word in text
        if hit and kind not in kinds:
            kinds.append(kind)
    return kinds or ["其他"]


def _department_from_title(title: str | None) -> str | None:
    """'江门市生态环境局权责清单（2020年版）' → '江门市生态环境局'."""
    if not title:
        return None
    t = re.sub(r"[（(][^（）()]*[)）]", "", normalize.text(title) or "")
    t = re.sub(r"\d{4}\s*年?(版|度)?", "", t).strip()
    m = re.match(r"^(.{2,40}?(?:局|委员会|委|办公室|办|厅|署|院|中心|支队|大队|队|所|站|馆|会|部|政府))"
                 r"(?:(?:行政)?(?:许可|处罚|强制|征收|给付|检查|确认|奖励|裁决|其他)?(?:权力|权责|职权|责任|事项|服务)*"
                 r"(?:清单|目录)|(?:行政)?(?:处罚)?(?:自由)?裁量(?:权)?(?:基准|标准|细化标准|适用标准))", t)
    return m.group(1) if m else None


def _titles(grids: list[SheetGrid], syn: dict[str, str]) -> list[str]:
    """The text of the rows above each sheet's header (its title rows), in order."""
    out = []
    for g in grids:
        found = _head(g, syn, 3)
        for r in g.rows[:found.first] if found else []:
            out.extend(t for v in r if (t := normalize.text(v)))
    return out


def _department_from_name(path: Path) -> str | None:
    m = re.search(r"([\u4e00-\u9fff]{2,30}?(?:局|委员会|委|办公室|厅|署|中心|支队|大队))", path.stem)
    return m.group(1) if m else None


def _new_department(name: str | None, how: str, opts: Options) -> DepartmentDraft:
    info = {"部门名称": name or ""}
    guesses = [f"部门名称“{name}”取自{how}" if name else
               "部门名称未知：请在部门信息中填写，或导入时用 --department 指定"]
    level = (level_number(opts.level) or opts.level) if opts.level else None
    for key, value in (("部门编号", opts.number), ("行政区划代码", opts.region),
                       ("统一社会信用代码", opts.credit_code), ("行使层级", level), ("填报日期", opts.date)):
        if value:
            info[key] = str(value)
    return DepartmentDraft(info=info, guesses=guesses)


def _renumber(d: DepartmentDraft) -> None:
    """Several sheets each numbered from 1 (行政许可 1–3, 行政处罚 1–2): the same 序号 on different
    items would make 职权序号 in 裁量基准 ambiguous, so items are numbered again in order (sub-items
    keep their item's number) and the published number is kept in 备注."""
    names: dict[str, set] = {}
    for p in d.powers:
        if p.get("序号"):
            names.setdefault(str(p["序号"]), set()).add(p.get("职权名称"))
    if not any(len(v) > 1 for v in names.values()) or d.tiers:
        return
    seq: dict[tuple, str] = {}
    for p in d.powers:
        key = (p.get("职权名称"), p.get("职权类别"))
        new = seq.setdefault(key, str(len(seq) + 1))
        if p.get("序号") and str(p["序号"]) != new:
            p["备注"] = "\n".join(x for x in (p.get("备注"), f"原序号：{p['序号']}") if x)
        p["序号"] = new
    d.guesses.append("各工作表分别从 1 编号，序号重复：职权目录按顺序重新编号，原序号写入备注")


def _finish(d: DepartmentDraft) -> None:
    _renumber(d)
    for (what, raw, taken), places in d.mapped.items():
        at = "、".join(places[:3]) + (f"等 {len(places)} 处" if len(places) > 3 else "")
        d.guesses.append(f"{what}“{raw}”{taken}（{at}）")
    d.mapped.clear()
    _guess_level(d)
    missing = [k for k in ("部门名称", "部门编号", "行政区划代码", "统一社会信用代码", "行使层级") if not d.info.get(k)]
    if missing:
        d.guesses.append("部门信息待填写：" + "、".join(missing) + "（或导入时用 --department --number --region "
                         "--credit-code --level 指定）")
    cats = {normalize.category(str(p.get("职权类别") or "")) for p in d.powers}  # 20 / 99 → 其他行政权力
    d.categories = sorted(cats & set(CATEGORIES), key=list(CATEGORIES).index)
    with_tiers = {t.get("职权序号") for t in d.tiers}
    bare = [p for p in d.powers if p.get("职权类别") == "行政处罚" and p.get("序号") not in with_tiers]
    if bare and len(bare) == sum(1 for p in d.powers if p.get("职权类别") == "行政处罚"):
        d.guesses.append(f"{len(bare)} 项行政处罚没有裁量基准（原表没有）：请在“裁量基准”表中补充，"
                         "或在职权目录“无裁量空间”列填“是”")


def _guess_level(d: DepartmentDraft) -> None:
    """部门信息 行使层级 when neither the source nor --level gives it: from the region code (--region
    ending in 0000 is a province, 00 a city, else a county), else from the items' 实施层级 when
    they all name the same one level (市级, 市本级, 3). Items that disagree are not guessed from:
    the report says which option to pass."""
    if d.info.get("行使层级"):
        return
    named: dict[str, list[int] | None] = {}
    for p in d.powers:
        if (v := normalize.text(p.get("行使层级"))) is not None:
            named.setdefault(v, normalize.levels(v))
    agreed = {tuple(lv) for lv in named.values() if lv}
    one = next(iter(agreed))[0] if len(agreed) == 1 and len(next(iter(agreed))) == 1 and all(named.values()) \
        else None
    region = re.sub(r"\s", "", d.info.get("行政区划代码") or "")
    if re.fullmatch(r"\d{6}", region):
        level = 2 if region.endswith("0000") else 3 if region.endswith("00") else 4
        d.info["行使层级"] = str(level)
        differ = "" if not named or one == level else (
            f"；各事项的实施层级为“{'、'.join(list(named)[:5])}”，" + ("与之不同，请核对" if one else "不尽相同"))
        d.guesses.append(f"行使层级 {level}（{LEVELS[level]}级）取自行政区划代码 {region}"
                         f"（{'后四位为 0 是省级' if level == 2 else '后两位为 0 是市级' if level == 3 else '县级区划'}）"
                         f"{differ}")
    elif one is not None:
        d.info["行使层级"] = str(one)
        d.guesses.append(f"行使层级 {one}（{LEVELS[one]}级）取自各事项的实施层级（{'、'.join(named)}）")
    elif named:
        d.guesses.append(f"各事项的实施层级不一致或无法识别（{'、'.join(list(named)[:5])}），未推断部门的行使层级："
                         "请用 --level（如 --level 3 或 --level 市级）或 --region（6 位行政区划代码）指定")


# ---------------------------------------------------------------- discretion standard, one sheet per law

@dataclass
class _Segment:
    """The rows of one 违法行为 under one basis range: one power."""

    block: object
    basis_key: object
    first: int
    name: str | None
    basis: str | None
    seq: str | None
    root: str | None = None  # the titled basis this 违法行为 started with
    violation: str | None = None  # 违法依据 (the rule broken), kept in the power's 备注
    tiers: list[dict] = field(default_factory=list)
    last_tier: int = 0


def _merge_index(g: SheetGrid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    at = {}
    for rng in g.merged:
        c1, r1, c2, r2 = rng
        for r in range(r1 - 1, r2):
            for c in range(c1 - 1, c2):
                at[(r, c)] = rng
    return at


def _import_discretion(grids: list[SheetGrid], path: Path, opts: Options, result: ImportResult) -> None:
    name, how = opts.department, "--department 选项"
    if not name:
        name, how = next((n for n in map(_department_from_title, _titles(grids, _DISC_SYN)) if n), None), "标题行"
    if not name:
        name, how = _department_from_name(path), "文件名"
    d = _new_department(name, how, opts)
    d.guesses.append("职权类别均为“行政处罚”，承办机构填写部门名称（原表没有承办机构）；流程使用“行政处罚标准流程”")
    mapped_once: set[tuple[str, str]] = set()
    for g in grids:
        _discretion_sheet(g, d, result, mapped_once)
    headed = sum(1 for g in grids if _is_discretion_sheet(g))
    result.notes.insert(0, f"{headed} 个工作表按同一表头读取（列对应只列出第一次出现的列）")
    for p in d.powers:
        p["承办机构"] = d.info.get("部门名称") or ""
    _finish(d)
    result.departments.append(d)


_TARGET = {"序号": "职权目录.备注（原序号）", "违法行为": "职权目录.职权名称", "法律依据": "职权目录.实施依据",
           "类别": "裁量基准.阶次", "裁量情节": "裁量基准.违法情节", "裁量标准": "裁量基准.裁量标准（处罚种类由此推断）",
           "备注": "裁量基准.说明", "违法依据": "职权目录.备注（违法依据）", "处罚种类": "裁量基准.处罚种类"}


def _discretion_sheet(g: SheetGrid, d: DepartmentDraft, result: ImportResult, mapped_once: set) -> None:
    rows = g.rows
    nonempty = [i for i, r in enumerate(rows) if any(v is not None and str(v).strip() for v in r)]
    if not nonempty:
        result.notes.append(f"工作表“{g.name}”为空，没有数据")
        return
    found = _head(g, _DISC_SYN, 3)
    if found is None or not _is_discretion_sheet(g):
        why = ("工作表是权责清单（事项名称、设定依据……），不是裁量标准：请将该表另存为单独的文件再运行 powers import"
               if _is_flat_sheet(g) else "工作表中找不到裁量标准表头（违法行为、裁量情节、裁量标准）")
        for i in nonempty:
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note=why))
        if _is_flat_sheet(g):
            result.notes.append(f"工作表“{g.name}”是权责清单，未与裁量标准一起导入（{len(nonempty)} 行）：请另存为单独的文件再导入")
        return
    hi, cols = found.last, found.cols
    col = {canon: j for j, canon in cols.items()}
    for j, canon in sorted(cols.items()):
        key = (canon, normalize.header_key(found.labels[j]))
        if key not in mapped_once:
            mapped_once.add(key)
            result.columns.append(ColumnMap(g.name, found.labels[j], found.where[j], _TARGET[canon]))
    for j, label in sorted(found.labels.items()):
        if j not in cols:
            result.columns.append(ColumnMap(g.name, label, found.where[j], "裁量基准.说明（模板没有此列，照录为“列名：值”）"))
    for i in nonempty:
        if i < found.first:
            title = normalize.text(next((v for v in rows[i] if v is not None and str(v).strip()), ""))
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note=f"标题行：{title}"))
        elif i <= hi:
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note="表头行"))
    merged = _merge_index(g)
    filled = g.filled()

    def own(i: int, canon: str):
        """The cell's own value: None inside a merged range below its first row."""
        j = col.get(canon)
        if j is None:
            return None
        rng = merged.get((i, j))
        if rng is not None and rng[1] - 1 != i:
            return None
        v = rows[i][j] if j < len(rows[i]) else None
        return None if v is None or not str(v).strip() else v

    def text_at(i: int, canon: str) -> str | None:
        j = col.get(canon)
        return normalize.text(filled[i][j]) if j is not None and j < len(filled[i]) else None

    def key(i: int, canon: str, prev, prev_row: int | None):
        """Identity of the (merged) cell: its range, a new row with a value, or the one before —
        also when the value is written again on each row instead of merged (and no new 序号)."""
        j = col.get(canon)
        if j is None:
            return prev
        if (i, j) in merged:
            return merged[(i, j)]
        if own(i, canon) is None:
            return prev
        if prev is not None and prev_row is not None and text_at(i, canon) == text_at(prev_row, canon) and (
                own(i, "序号") is None or text_at(i, "序号") == text_at(prev_row, "序号")):  # or 序号 written again
            return prev
        return ("row", i)

    segments: list[_Segment] = []
    block = basis = None
    seg: _Segment | None = None
    last_row: int | None = None
    header_keys = [normalize.header_key(v) for v in rows[hi]]
    for i in [i for i in nonempty if i > hi]:
        if [normalize.header_key(v) for v in rows[i]] == header_keys:
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note="表头行（重复）"))
            continue
        if _column_numbers(rows[i]):
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note="列序号行（1、2、3……）"))
            continue
        if section := _section_title(rows[i], merged, i, col):
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note=f"标题行：{section}"))
            block = basis = seg = last_row = None  # a new part of the standard starts
            continue
        block_new = key(i, "违法行为", block, last_row)
        basis_new = key(i, "法律依据", basis, last_row)
        if block_new is None:
            d.rows.append(SourceRow(g.name, i + 1, "未导入", note="本行之前没有违法行为"))
            continue
        if seg is None or block_new != block or basis_new != basis:
            seg = _start_segment(g, d, filled, col, i, block_new, basis_new, seg, segments)
        block, basis, last_row = block_new, basis_new, i
        extra = [f"{found.labels[j]}：{t}" for j in sorted(found.labels) if j not in cols and j < len(rows[i])
                 and (t := _long(rows[i][j])) and (merged.get((i, j)) is None or merged[(i, j)][1] - 1 == i)]
        seg = _tier_row(g, d, filled, col, own, i, seg, segments, extra)
    before = len(d.powers)
    for s in segments:
        _emit_power(g, d, s)
    titles = [t for r in rows[:found.first] for v in r if (t := normalize.text(v))]
    if hint := _internal_hint(g.name, *titles):  # a standard marked 内部使用 / 不予公开
        for p in d.powers[before:]:
            p["公开范围"] = "内部"
        result.notes.append(f"工作表“{g.name}”的名称或标题写明“{hint}”：其中 {len(d.powers) - before} 项职权按“内部”导入")


def _section_title(values: list, merged: dict, i: int, col: dict[str, int]) -> str | None:
    """A title row inside the table (二、《…法》): one merged cell across the table, or text in the
    first column only, with no 裁量情节 or 裁量标准."""
    shown = [(j, v) for j, v in enumerate(values) if v is not None and str(v).strip()
             and ((i, j) not in merged or merged[(i, j)][1] - 1 == i)]
    if len(shown) != 1:
        return None
    j, v = shown[0]
    rng = merged.get((i, j))
    wide = rng is not None and rng[2] - rng[0] + 1 >= len(col)
    if wide or (j == 0 and col.get("违法行为") != 0 and not any(
            (i, c) in merged for c in (col.get("违法行为"), col.get("裁量情节")) if c is not None)):
        return normalize.text(v)
    return None


def _start_segment(g, d, filled, col, i, block, basis_key, prev: _Segment | None, segments) -> _Segment:
    j_b, j_v, j_s = col.get("法律依据"), col.get("违法行为"), col.get("序号")
    basis = _long(filled[i][j_b]) if j_b is not None and j_b < len(filled[i]) else None
    name = _one_line(filled[i][j_v]) if j_v is not None else None
    seq = normalize.text(filled[i][j_s]) if j_s is not None and j_s < len(filled[i]) else None
    seg = _Segment(block, basis_key, i, name, basis, seq, root=basis,
                   violation=_long(_val(filled, i, col.get("违法依据"))))
    if prev is not None and prev.block == block:  # the same 违法行为 under a further basis range
        if basis and continues_previous(basis) and prev.root:
            seg.root = prev.root
            seg.basis = prev.root + "\n" + basis
            clause = re.split(r"[，,；;：:。]", basis, maxsplit=1)[0].strip()
            seg.name = f"{name}（{clause[:30]}）" if clause else name
            d.guesses.append(f"“{g.name}”第{i + 1}行：法律依据“{clause[:20]}……”没有法规名称，是上方依据的续文，"
                             f"与之合并；其阶次另列为职权“{seg.name}”")
    segments.append(seg)
    return seg


def _tier_row(g, d, filled, col, own, i, seg: _Segment, segments, extra: list[str] = ()) -> _Segment:
    j_t, j_s = col.get("类别"), col.get("裁量标准")
    circ = _long(own(i, "裁量情节"))
    standard_own = own(i, "裁量标准")
    raw_tier = own(i, "类别")
    tier_merged_below = bool(seg.tiers) and j_t is not None and raw_tier is None and \
        normalize.text(_val(filled, i, j_t)) is not None
    note = "\n".join(x for x in (_long(own(i, "备注")), *extra) if x) or None
    src, word = None, None
    if raw_tier is not None:
        try:
            src = int(float(str(raw_tier).strip()))
        except ValueError:
            t = normalize.text(raw_tier) or ""
            m = re.fullmatch(r"第?\s*([0-9一二三四五六七八九十]+)\s*[档级阶等格类次]?(?:次)?", t)  # 第一档, 2级
            src = (int(m.group(1)) if m.group(1).isdigit() else normalize.cn_int(m.group(1))) if m else \
                normalize.cn_int(t)
            word = None if src is not None else t  # 从轻 / 一般 / 从重 …
    last = next((t for t in reversed(seg.tiers) if t.get("阶次")), None)
    repeated = last is not None and (src == seg.last_tier or (word and word == last.get("_word"))) and (
        standard_own is None or _long(standard_own) == last.get("裁量标准"))
    continuation = seg.tiers and (tier_merged_below or (raw_tier is None and standard_own is None) or repeated)
    if continuation:
        if circ is None and note is None:
            d.rows.append(SourceRow(g.name, i + 1, "并入", note="空的续行（合并单元格），并入上一阶次"))
            return seg
        row = {"阶次": None, "违法情节": circ, "说明": note, "_row": i}
        standard = _long(standard_own)
        first = next(t for t in reversed(seg.tiers) if t.get("阶次"))
        if standard and standard != first.get("裁量标准"):  # kept in the row, never lost
            row["裁量标准"] = standard
            d.guesses.append(f"“{g.name}”第{i + 1}行：与上一行同属第 {first['阶次']} 阶次（类别为合并单元格），"
                             f"但有自己的裁量标准，照录在该行，校验时按该行自己的单元格核对罚款幅度")
        seg.tiers.append(row)
        return seg
    if word:
        number = seg.last_tier + 1
        d.guesses.append(f"“{g.name}”第{i + 1}行：类别“{word}”不是数字，按顺序编为第 {number} 阶次（原类别写入说明）")
        note = f"原类别：{word}" + (f"；{note}" if note else "")
    if src == 1 and seg.last_tier >= 1:  # tiers start again at 1 under the same basis: another power
        new = _Segment(seg.block, seg.basis_key, i, f"{seg.name}（{len(segments) + 1}）", seg.basis, seg.seq,
                       root=seg.root)
        segments.append(new)
        d.guesses.append(f"“{g.name}”第{i + 1}行：阶次重新从 1 开始，作为另一职权“{new.name}”导入")
        seg = new
    expected = seg.last_tier + 1
    number = src
    if word:
        number = expected
    elif src is None:
        number = expected
        d.guesses.append(f"“{g.name}”第{i + 1}行：类别为空但有自己的裁量标准，按顺序编为第 {number} 阶次")
    elif src <= seg.last_tier:
        number = expected
        d.guesses.append(f"“{g.name}”第{i + 1}行：类别 {src} 与上一阶次重复或倒序，按顺序编为第 {number} 阶次")
    standard = _long(_val(filled, i, j_s))
    kinds = penalty_kinds(standard)
    if (typed := normalize.text(_val(filled, i, col.get("处罚种类")))) is not None:
        known = _typed_kinds(typed)
        if known:
            kinds = known
        else:
            note = "\n".join(x for x in (note, f"处罚种类：{typed}") if x)
    seg.tiers.append({"阶次": number, "违法情节": circ, "处罚种类": "、".join(kinds),
                      "裁量标准": standard, "说明": note, "_row": i, "_word": word})
    seg.last_tier = number
    return seg


def _typed_kinds(typed: str) -> list[str] | None:
    """A 处罚种类 cell as published → the template's kinds; None when a part is not recognisable
    (the words of 裁量标准 decide then, and the cell is kept in 说明). 责令改正 is not a penalty."""
    from .rules.fields import penalty_kind

    kinds, previous = [], None
    for part in (k for k in re.split(r"[、,，;；/\s]+|和|或者|或|并处|及", typed) if k):
        kind, how = penalty_kind(part, previous)
        if how == "unknown":
            return None
        if how != "order":
            kinds.append(kind)
            previous = kind
    return list(dict.fromkeys(kinds)) or None


def _val(grid, i, j):
    return grid[i][j] if j is not None and j < len(grid[i]) else None


def _emit_power(g: SheetGrid, d: DepartmentDraft, s: _Segment) -> None:
    if not s.tiers:
        return
    used = {p["职权名称"] for p in d.powers}
    name = s.name or "（原表未写违法行为）"
    if name in used:  # the same 违法行为 under another basis: one power per basis
        title = re.search(r"《([^》]+)》", s.basis or "")
        article = re.search(r"第[^条]{1,8}条(?:第[^款]{1,4}款)?(?:第[（(][^）)]{1,4}[)）]项)?", s.basis or "")
        label = (title.group(1) if title else "") + (article.group(0) if article else "")
        name = f"{name}（依据{label}）" if label and f"{name}（依据{label}）" not in used else f"{name}（{len(d.powers) + 1}）"
        d.guesses.append(f"“{g.name}”第{s.first + 1}行：违法行为与前面的事项相同而依据不同，另列为职权“{name}”")
    seq = str(len(d.powers) + 1)
    last = max(t["_row"] for t in s.tiers) + 1
    power_row = len(d.powers) + 2
    d.powers.append({"序号": seq, "职权名称": name, "职权类别": "行政处罚", "实施依据": s.basis,
                     "备注": f"导入自工作表“{g.name}”第{s.first + 1}–{last}行" + (f"，原序号 {s.seq}" if s.seq else "")
                     + (f"\n违法依据：{s.violation}" if s.violation else "")})
    for t in s.tiers:
        i = t.pop("_row")
        t.pop("_word", None)
        t.update({"职权序号": seq, "职权名称": name})
        d.tiers.append(t)
        what = f"第 {t['阶次']} 阶次" if t.get("阶次") else "上一阶次的又一违法情节"
        d.rows.append(SourceRow(g.name, i + 1, "导入", f"裁量基准!{len(d.tiers) + 1}",
                                f"{what}；职权 职权目录!{power_row}“{name}”"))


# ---------------------------------------------------------------- flat 权责清单

_FLAT_TARGET = {"实施主体": "职权目录.承办机构（实施主体）"}


def _import_flat(grids: list[SheetGrid], path: Path, opts: Options, result: ImportResult) -> None:
    drafts: list[DepartmentDraft] = []
    for g in grids:
        rows = g.rows
        nonempty = [i for i, r in enumerate(rows) if any(v is not None and str(v).strip() for v in r)]
        if not nonempty:
            result.notes.append(f"工作表“{g.name}”为空，没有数据")
            continue
        found = _head(g, _FLAT_SYN, 3) if _is_flat_sheet(g) else None
        if found is None:
            for i in nonempty:
                result.rows.append(SourceRow(g.name, i + 1, "未导入", note="工作表中找不到权责清单表头"))
            continue
        hi, cols = found.last, found.cols
        titles = [normalize.text(next(v for v in rows[i] if v is not None and str(v).strip()))
                  for i in nonempty if i < found.first]
        name, how = opts.department, "--department 选项"
        if not name:
            name, how = next((n for n in map(_department_from_title, titles) if n), None), "标题行"
        if not name and drafts:  # a further sheet of the same list (行政许可, 行政处罚 …)
            name, how = drafts[-1].info.get("部门名称"), "同一文件的前一工作表"
        if not name:
            name, how = _department_from_name(path), "文件名"
        filled = g.filled()
        merged = _merge_index(g)
        state: dict = {"header": [normalize.header_key(v) for v in filled[hi]]}
        if "职权类别" not in cols.values():  # one sheet per category: 职权类别 from its name or title
            state["section"] = _category_named(g.name) or next(filter(None, map(_category_named, titles)), None)
            if state["section"]:
                result.notes.append(f"工作表“{g.name}”没有职权类别列，各事项的职权类别取“{state['section']}”"
                                    f"（工作表名称或标题）")
        if (hint := _internal_hint(g.name, *titles)) and "公开范围" not in cols.values():
            state["internal"] = hint
            result.notes.append(f"工作表“{g.name}”的名称或标题写明“{hint}”：未填公开范围的事项按“内部”导入")
        j_body = next((j for j, c in cols.items() if c == "实施主体"), None)
        bodies = {normalize.text(r[j_body]) for r in filled[hi + 1:] if j_body is not None and j_body < len(r)} - {None}
        if not name and len(bodies) == 1:
            name, how = next(iter(bodies)), "“实施主体”列"
        split = not name and len(bodies) > 1  # a list of several departments: one workbook each

        def draft(dname: str | None, dhow: str) -> DepartmentDraft:
            found_d = next((x for x in drafts if x.info.get("部门名称") == (dname or "")), None)
            if found_d is None:
                found_d = _new_department(dname, dhow, opts)
                drafts.append(found_d)
            return found_d

        d = None if split else draft(name, how)
        if split:
            result.notes.append(f"工作表“{g.name}”的“实施主体”列有 {len(bodies)} 个部门，按实施主体分成多个工作簿")
        other = result.rows if split else d.rows  # rows that are not items
        for j, canon in sorted(cols.items()):
            result.columns.append(ColumnMap(g.name, found.labels[j], found.where[j],
                                            _FLAT_TARGET.get(canon, f"职权目录.{canon}")))
        for j, label in sorted(found.labels.items()):
            if j not in cols:
                result.columns.append(ColumnMap(g.name, label, found.where[j],
                                                "职权目录.备注（模板没有此列，照录为“列名：值”）"))
        for i in nonempty:
            if split:
                body = normalize.text(filled[i][j_body]) if j_body < len(filled[i]) else None
                d = draft(body, "“实施主体”列") if body and body in bodies else d
            if i < found.first:
                other.append(SourceRow(g.name, i + 1, "未导入", note=f"标题行：{titles[nonempty.index(i)]}"))
            elif i <= hi:
                other.append(SourceRow(g.name, i + 1, "未导入", note="表头行"))
            elif _column_numbers(rows[i]):
                other.append(SourceRow(g.name, i + 1, "未导入", note="列序号行（1、2、3……）"))
            elif [normalize.header_key(v) for v in filled[i]] == state["header"]:
                other.append(SourceRow(g.name, i + 1, "未导入", note="表头行（重复）"))
            elif sign := _signature(rows[i]):
                if split:
                    other.append(SourceRow(g.name, i + 1, "未导入", note="表尾签署行：" + "；".join(
                        f"{k}：{v}" for k, v in sign)))
                else:
                    _keep_signature(d, g, i, sign)
            elif note := _row_note(g, rows[i], merged, i, cols):
                other.append(SourceRow(g.name, i + 1, "未导入", note=note))
                if note.startswith("标题行"):
                    state["section"] = _section_category(note) or state.get("section")
                    state["section_internal"] = _internal_hint(note)
            elif state.get("last") and (_continues_name(g, rows, merged, i, cols) or _no_name_of_its_own(rows[i], cols)):
                _join_row(g, state["last_d"], filled[i], rows[i], cols, i, found.labels, state)
            elif d is None:
                result.rows.append(SourceRow(g.name, i + 1, "未导入", note="没有实施主体，无法归入部门"))
            else:
                _flat_row(g, d, filled[i], cols, i, found.labels, state)
    for d in drafts:
        _guess_from_codes(d)
        if any(not p.get("承办机构") for p in d.powers):
            d.guesses.append("原表没有承办机构的事项，承办机构填写部门名称")
            for p in d.powers:
                p["承办机构"] = p.get("承办机构") or d.info.get("部门名称") or ""
        _finish(d)
        result.departments.append(d)


_LONG_COLS = {"实施依据", "办理条件", "申请材料", "责任事项", "追责情形", "备注", "收费依据及标准", "数量限制"}


_CLOSED = ("公开范围", "状态", "事项来源")
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|填表说明|注释)\s*[:：0-9一二三四五六七八九十、.．1-9]")
# a section row of a list grouped by category: 一、行政许可（共5项）
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[、.．])?\s*(.{2,12}?)"
                      r"\s*(?:[（(][^（）()]*[)）])?$")


def _closed_value(d: DepartmentDraft, canon: str, t: str, where: str) -> str:
    """公开范围 / 状态 / 事项来源 as written → the template's value; an unreadable 公开范围 is kept
    as written (the validator reports it and treats the item as 内部)."""
    from .rules.fields import closed_word

    word = closed_word(canon, t)
    if word is None:
        d.map_value(canon, t, "无法识别，照录" + ("；校验时按“内部”处理" if canon == "公开范围" else ""), where)
        return t
    if word != t:
        d.map_value(canon, t, f"写作“{word}”", where)
    return word


def _category_value(d: DepartmentDraft, t: str, where: str) -> str:
    """A category as written → canonical; 20 / 99 (公共服务, 其他: not one of the ten powers) are
    kept as written so that validation says what they are and the code's type digits still match."""
    cat = normalize.category(t)
    if cat not in CATEGORIES:
        d.map_value("职权类别", t, "无法识别，照录；请改为十类行政权力之一", where)
        return t
    if outside := normalize.category_note(t):
        d.map_value("职权类别", t, f"是“{outside}”，不属于十类行政权力，照录；校验时暂按“{cat}”收录并提示", where)
        return t
    if cat != t:
        d.map_value("职权类别", t, f"写作“{cat}”", where)
    return cat


def _row_note(g: SheetGrid, raw: list, merged: dict, i: int, cols: dict[int, str]) -> str | None:
    """A row that is not an item: a note under the table (注：…), or a section title (一、行政许可),
    i.e. one value alone on its row, merged across the table or outside the name columns."""
    own = [(j, v) for j, v in enumerate(raw) if normalize.text(v)]
    if own and re.fullmatch(r"(?:注|备注|说明|附注|注释)[:：]?", normalize.text(own[0][1]) or "") and \
            cols.get(own[0][0]) not in ("职权名称", "子项名称"):
        return "表注：" + "".join(normalize.text(v) for _, v in own)
    if len(own) != 1:
        return None
    j, v = own[0]
    t = normalize.text(v)
    rng = merged.get((i, j))
    wide = rng is not None and rng[2] - rng[0] + 1 >= 3
    if _FOOTNOTE.match(t):
        return f"表注：{t}"
    first = j <= min(cols)  # in the first column of the table, or left of it
    numbered = re.match(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])", t)
    if wide or (first or numbered) and cols.get(j) not in ("职权名称", "子项名称") and not any(
            (i, c) in merged and merged[(i, c)][1] - 1 < i for c in cols):
        return f"标题行：{t}"
    return None


_INTERNAL_HINTS = ("不予公开", "不公开", "非公开", "不对外公开", "涉密", "内部事项", "内部使用", "内部资料", "仅供内部")


def _column_numbers(raw: list) -> bool:
    """A row under the header numbering its columns (1 | 2 | 3 | 4 …, or （一）（二）…), as official
    forms have: not an item."""
    vals = [normalize.text(v) for v in raw if normalize.text(v)]
    if len(vals) < 3:
        return False
    nums = [normalize.cn_int(re.sub(r"[（()）]", "", v)) if not v.isdigit() else int(v) for v in vals]
    return all(n is not None for n in nums) and nums == list(range(nums[0], nums[0] + len(nums)))


def _internal_hint(*texts: str | None) -> str | None:
    """The words by which a sheet name, title, section row or 备注 says its items are not public."""
    for t in texts:
        for w in _INTERNAL_HINTS:
            if t and w in t:
                return w
    return None


def _category_named(text: str | None) -> str | None:
    """The one category a sheet name or title names: 行政处罚 / 许可 / 韶关市…行政许可事项清单."""
    if not text:
        return None
    t = normalize.text(text) or ""
    cat = normalize.category(re.sub(r"[（(][^（）()]*[)）]|事项|清单|目录|类|\s", "", t))
    if cat in CATEGORIES:
        return cat
    found = {c for c in CATEGORIES if c in t} | {c for c in CATEGORIES if c != "其他行政权力" and
                                                 re.search(rf"(?<![\u4e00-\u9fff]){c[2:]}(?:事项|清单|类)", t)}
    return found.pop() if len(found) == 1 else None


_SIGN_KEYS = {"填报单位": None, "填报单位（盖章）": None, "单位（盖章）": None, "填报人": "填报人", "填表人": "填报人",
              "制表人": "填报人", "经办人": "填报人", "审核人": "审核人", "审核": "审核人", "负责人": "审核人",
              "联系电话": "联系电话", "电话": "联系电话", "联系人": "填报人", "填报日期": "填报日期", "填表日期": "填报日期",
              "制表日期": "填报日期", "日期": "填报日期", "盖章": None}


def _signature(raw: list) -> list[tuple[str, str]] | None:
    """A sign-off row under the table (填报单位：… 填报人：… 联系电话：… 填报日期：…): every value
    on it is 'key：value' with a known key (or a key alone)."""
    pairs = []
    for v in raw:
        t = normalize.text(v)
        if not t:
            continue
        for part in re.split(r"\s{2,}|(?<=[^：:\s])\s+(?=[^\s：:]{2,8}[：:])", t):
            m = re.match(r"^([^：:]{1,10})[：:]\s*(.*)$", part.strip())
            key = re.sub(r"\s", "", m.group(1)) if m else re.sub(r"\s", "", part)
            if key not in _SIGN_KEYS:
                return None
            pairs.append((key, m.group(2).strip() if m else ""))
    return pairs or None


def _keep_signature(d: DepartmentDraft, g: SheetGrid, i: int, pairs: list[tuple[str, str]]) -> None:
    kept = []
    for key, value in pairs:
        target = _SIGN_KEYS[key]
        if target == "填报日期" and value:
            m = re.match(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})", normalize.text(value) or "")
            value = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else value
        if target and value and not d.info.get(target):
            d.info[target] = value
            kept.append(f"{target}“{value}”")
    text = "；".join(f"{k}：{v}" if v else k for k, v in pairs)
    d.rows.append(SourceRow(g.name, i + 1, "未导入", note=f"表尾签署行：{text}"))
    if kept:
        d.guesses.append(f"“{g.name}”第{i + 1}行（表尾签署）：{'、'.join(kept)} 写入部门信息")


def _continues_name(g: SheetGrid, rows: list, merged: dict, i: int, cols: dict[int, str]) -> bool:
    """A row under the merged 事项名称 of the row above with no 子项 of its own: more of that item
    (another basis, another 责任事项 …), not a new item."""
    j_name = next((j for j, c in cols.items() if c == "职权名称"), None)
    j_sub = next((j for j, c in cols.items() if c == "子项名称"), None)
    rng = merged.get((i, j_name)) if j_name is not None else None
    if rng is None or rng[1] - 1 == i:
        return False
    return j_sub is None or not (j_sub < len(rows[i]) and normalize.text(rows[i][j_sub]))


def _no_name_of_its_own(raw: list, cols: dict[int, str]) -> bool:
    """A row with neither 序号, 事项名称 nor 子项 (cells left empty instead of merged): more of the
    item above."""
    return not any(cols.get(j) in ("序号", "职权名称", "子项名称") and normalize.text(v) for j, v in enumerate(raw))


def _join_row(g: SheetGrid, d: DepartmentDraft, values: list, raw: list, cols: dict[int, str], i: int,
              labels: dict[int, str], state: dict) -> None:
    """Join a continuation row's own values to the item above: long texts as further lines, a
    different short value into 备注 (nothing typed is lost)."""
    last = state["last"]
    notes = []
    for j, v in enumerate(raw):
        t = _long(v)
        if not t:
            continue
        canon = cols.get(j)
        key = "承办机构" if canon == "实施主体" else canon
        if key in _LONG_COLS and key != "备注":
            last[key] = f"{last[key]}\n{t}" if last.get(key) else t
        elif key and not last.get(key) and key not in ("职权名称", "序号"):
            last[key] = _closed_value(d, key, t, f"“{g.name}”第{i + 1}行") if key in _CLOSED else t
        elif key == "公开范围" and closed_word("公开范围", t) == "内部" and last.get(key) != "内部":
            last[key] = "内部"  # any part of the item said internal: the whole item stays off the site
            d.map_value("公开范围", t, "在续行中出现，整个事项按“内部”导入", f"“{g.name}”第{i + 1}行")
        elif not key or str(last.get(key)) != t:
            notes.append(f"{labels.get(j, '')}：{t}")
    if notes:
        last["备注"] = "\n".join(x for x in (last.get("备注"), *notes) if x)
    d.rows.append(SourceRow(g.name, i + 1, "并入", f"职权目录!{d.powers.index(last) + 2}",
                            "事项名称为合并单元格或空白，本行内容并入上一事项"))


def _section_category(note: str) -> str | None:
    m = _SECTION.match(note.split("：", 1)[1])
    cat = normalize.category(m.group(1)) if m else None
    return cat if cat in CATEGORIES else None


def _flat_row(g: SheetGrid, d: DepartmentDraft, values: list, cols: dict[int, str], i: int,
              labels: dict[int, str], state: dict) -> None:
    p: dict[str, object] = {}
    where = f"“{g.name}”第{i + 1}行"
    for j, canon in cols.items():
        v = values[j] if j < len(values) else None
        t = _long(v) if canon in _LONG_COLS else normalize.text(v)
        if t is None:
            continue
        if canon == "实施主体":
            p["承办机构"] = t
        elif canon == "职权名称":
            p["职权名称"] = _one_line(v)
        elif canon == "职权类别":
            p["职权类别"] = _category_value(d, t, where)
        elif canon == "行使层级":
            p["行使层级"] = level_number(t) or t
        elif canon in _CLOSED:
            p[canon] = _closed_value(d, canon, t, where)
        elif canon == "基本编码":
            p[canon] = _basic_code(d, v, where)
        else:
            p[canon] = t
    extra = [f"{labels[j]}：{t}" for j in sorted(labels) if j not in cols and j < len(values)
             and (t := _long(values[j]))]
    if extra:  # what the department typed in columns the template does not have is kept
        p["备注"] = "\n".join(x for x in (p.get("备注"), *extra) if x)
    if not p.get("职权名称") and p.get("子项名称") and state.get("last"):
        last = state["last"]
        for k in ("职权名称", "序号", "职权类别", "实施依据", "承办机构", "行使层级", "公开范围"):
            if not p.get(k) and last.get(k):
                p[k] = last[k]
        d.guesses.append(f"{where}：只有子项名称，作为上方事项“{last['职权名称']}”的子项（事项名称等取自上方）")
    if not p.get("职权名称"):
        text = "；".join(normalize.text(v) for v in values if normalize.text(v))
        d.rows.append(SourceRow(g.name, i + 1, "未导入", note=f"没有事项名称：{text[:60]}" if text else "没有事项名称"))
        return
    if not p.get("职权类别") and state.get("section"):
        p["职权类别"] = state["section"]
        d.map_value("职权类别", "（空）", f"取所在分类标题或工作表名称“{state['section']}”", where)
    if not p.get("公开范围"):  # said elsewhere: in 备注, the sheet's name or title, a section row
        if hint := _internal_hint(p.get("备注")):
            p["公开范围"] = "内部"
            d.map_value("公开范围", "（空）", f"按“内部”导入：备注写明“{hint}”", where)
        elif hint := state.get("internal") or state.get("section_internal"):
            p["公开范围"] = "内部"
            d.map_value("公开范围", "（空）", f"按“内部”导入：所在工作表或分类标题写明“{hint}”", where)
    d.powers.append(p)
    state["last"], state["last_d"] = p, d
    d.rows.append(SourceRow(g.name, i + 1, "导入", f"职权目录!{len(d.powers) + 1}",
                            "子项" if p.get("子项名称") else ""))


# ---------------------------------------------------------------- JSON catalog

_JSON_KEYS = {
    "部门名称": ("授权部门", "部门名称", "实施主体", "实施机关", "部门", "deptName"),
    "基本编码": ("职权编码", "基本编码", "事项编码", "实施编码", "权力编码", "编码", "code"),
    "职权名称": ("事项名称", "职权名称", "权力名称", "主项名称", "name"),
    "子项名称": ("子项名称", "子项"),
    "职权类别": ("事项类型", "职权类别", "权力类型", "类型", "type"),
    "实施依据": ("依据", "设定依据", "实施依据", "法律依据"),
    "行使层级": ("实施层级", "行使层级", "层级"),
    "承办机构": ("承办机构", "实施机构", "承办科室", "内设机构"),
    "公开范围": ("公开范围", "公开属性", "是否公开", "公开方式", "公开类型", "isPublic", "scope"),
    "状态": ("状态", "事项状态", "职权状态", "status"),
    "事项来源": ("事项来源", "来源"),
    "法定时限": ("法定时限", "法定办结时限"),
    "承诺时限": ("承诺时限", "承诺办结时限"),
    "收费依据及标准": ("收费依据及标准", "收费标准", "是否收费"),
    "办理条件": ("办理条件", "受理条件"),
    "数量限制": ("数量限制",),
    "申请材料": ("申请材料",),
    "责任事项": ("责任事项",),
    "追责情形": ("追责情形",),
    "备注": ("备注",),
}


_LIST_KEYS = ("data", "items", "list", "records", "rows", "result", "departments", "depts", "children",
              "事项", "事项列表", "事项清单", "权力事项")
# the keys of an item's own fields: a list of objects under one of them (依据: [{"name": "《…》", …}],
# 申请材料: [{"材料名称": …}]) is that field's value, never a list of items
_ITEM_NAME_KEYS = tuple(k for k in _JSON_KEYS["职权名称"] if k != "name")  # `name` names departments too
_FIELD_KEYS = frozenset(k for keys in _JSON_KEYS.values() for k in keys) - set(_LIST_KEYS)


def _json_items(data, depth: int = 0) -> list:
    """The items of a catalog: a list, or the list inside {"data": …} (also {"data": {"list": …}});
    a department object holding its own list of items passes its 授权部门 on to them. An item is
    only an object that is not nested inside another item's field: the objects of
    "依据": [{"name": "《统计法》", "tk": "第三十五条"}] are a basis, though `name` names items too."""
    if isinstance(data, dict) and depth < 4:
        empty = None
        for k in (*_LIST_KEYS, *data):
            v = data.get(k)
            if isinstance(v, (list, dict)) and v and (k in _LIST_KEYS or k not in _FIELD_KEYS and isinstance(
                    v, list) and all(isinstance(x, dict) for x in v)):
                try:
                    return _json_items(v, depth + 1)
                except NothingToImport as e:
                    empty = e
                except ImportError_:
                    continue
        if empty is None and (k := next((k for k in _LIST_KEYS if data.get(k) in ([], {})), None)):
            empty = NothingToImport(f"没有可导入的事项：JSON 中的“{k}”为空", f"nothing to import: '{k}' is empty")
        if empty is not None:
            raise empty
        raise ImportError_("JSON 中找不到事项列表（应为列表，或含 data 列表的对象）",
                           "no list of items in the JSON (a list, or an object holding a data list)")
    if isinstance(data, list):
        out = []
        for x in data:
            nested = None
            # a department holding its items; an object named as an item (事项名称 …) is an item,
            # whatever lists of objects it holds (附件: [{"name": …}])
            if isinstance(x, dict) and depth < 4 and not any(x.get(k) for k in _ITEM_NAME_KEYS):
                nested = next((v for k, v in x.items() if k not in _FIELD_KEYS and isinstance(v, list) and v and
                               all(isinstance(y, dict) for y in v) and
                               any(n in y for y in v for n in _JSON_KEYS["职权名称"])), None)
            if nested is None:
                out.append(x)
                continue
            dept = next((x[k] for k in _JSON_KEYS["部门名称"] + ("name", "名称") if x.get(k)), None)
            for y in _json_items(nested, depth + 1):
                out.append({"授权部门": dept, **y} if dept and isinstance(y, dict) and not any(
                    y.get(k) for k in _JSON_KEYS["部门名称"]) else y)
        return out
    raise ImportError_("JSON 不是事项列表")


def _basis_text(v) -> str:
    """One basis (or material, condition …) as catalogs give it: text, or an object such as
    {"法规名称": "《…》", "条款": "第九条"} whose values are joined."""
    if isinstance(v, dict):
        out = ""
        for x in (_basis_text(x) for x in v.values() if x not in (None, "")):
            joined = out.endswith("》") or re.match(r"第[0-9零一二三四五六七八九十百千]+条", x)
            out += x if not out or joined else "，" + x  # 《…》第九条 / 统计法第三十五条 / 申请书，1
        return out
    if isinstance(v, list):
        return "、".join(_basis_text(x) for x in v)
    return "" if v is None else str(v)


def _basic_code(d: DepartmentDraft, raw, where: str) -> str | None:
    """A code as published: the 12-digit 基本编码, or the 31-character 实施编码 (credit code 18 +
    level 1 + 基本编码 12), whose parts are taken apart (the 基本编码 kept, the credit code and level
    offered to 部门信息 when not given)."""
    code = re.sub(r"\s", "", normalize.text(raw) or "").upper()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and re.fullmatch(r"\d{9,11}", code):
        d.map_value("编码", "数字（开头的 0 已丢失）", "按 12 位补足", where)
        return code.zfill(12)
    m = re.fullmatch(r"([0-9A-Z]{18})([1-5])(\d{12})", code)
    if not m:
        return code or None
    credit, level, basic = m.groups()
    d.map_value("编码", "实施编码（31 位）", "取后 12 位为基本编码", where)
    for key, value in (("统一社会信用代码", credit), ("行使层级", level)):
        if not d.info.get(key):
            d.info[key] = value
            d.guesses.append(f"{key} {value} 取自实施编码")
    return basic


def _json_load(path: Path):
    """JSON as exported here: UTF-8 (with or without BOM), else GB18030 (GBK), which many
    government systems still write."""
    data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return json.loads(data.decode(enc))
        except UnicodeDecodeError:
            continue
    raise ImportError_("JSON 文件既不是 UTF-8 也不是 GBK 编码")


def _import_json(path: Path, opts: Options, result: ImportResult) -> None:
    try:
        items = _json_items(_json_load(path))
    except json.JSONDecodeError as e:
        raise ImportError_(f"不是有效的 JSON：{e}") from e
    except OSError as e:
        raise ImportError_(f"无法读取 {path.name}：{e}") from e
    seen_keys: dict[str, str] = {}
    by_dept: dict[str, DepartmentDraft] = {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            result.rows.append(SourceRow("data", n, "未导入", note="不是对象"))
            continue
        values, used = {}, set()
        for canon, keys in _JSON_KEYS.items():
            k = next((k for k in keys if item.get(k) not in (None, "")), None)
            if k is not None:
                values[canon] = item[k]
                seen_keys.setdefault(k, canon)
            used.update(k for k in keys if k in item)
        for k in item:
            if k not in seen_keys:
                seen_keys[k] = ""
        dname = opts.department or normalize.text(values.get("部门名称")) or ""
        d = by_dept.get(dname)
        if d is None:
            how = "--department 选项" if opts.department else "“授权部门”"
            d = by_dept[dname] = _new_department(dname or None, how, opts)
        if not values.get("职权名称"):
            d.rows.append(SourceRow("data", n, "未导入", note="没有事项名称"))
            continue
        p: dict[str, object] = {"职权名称": _one_line(values["职权名称"])}
        code = _basic_code(d, values.get("基本编码"), f"第 {n} 项")
        if code:
            p["基本编码"] = code
        cat_raw = values.get("职权类别")
        cat_text = f"{cat_raw:02d}" if isinstance(cat_raw, int) and not isinstance(cat_raw, bool) \
            else normalize.text(cat_raw)
        if cat_text:
            p["职权类别"] = _category_value(d, cat_text, f"第 {n} 项")
        elif code and re.fullmatch(r"\d{12}", code):
            p["职权类别"] = _category_value(d, code[2:4], f"第 {n} 项")
            d.guesses.append(f"第 {n} 项：没有事项类型，按编码类型位 {code[2:4]} 取")
        else:  # imported all the same: validation reports the empty cell (F101)
            p["职权类别"] = ""
            d.map_value("职权类别", "（空）", "：没有事项类型也没有编码，照样导入、职权类别留空，请在职权目录填写（校验报 F101）",
                        f"第 {n} 项")
        for canon in ("子项名称", "承办机构", "备注", "法定时限", "承诺时限"):
            if values.get(canon) not in (None, ""):
                p[canon] = normalize.text(values[canon])
        for canon in ("收费依据及标准", "办理条件", "申请材料", "责任事项", "追责情形", "数量限制"):
            if values.get(canon) not in (None, ""):
                v = values[canon]
                p[canon] = _long("\n".join(map(_basis_text, v)) if isinstance(v, list) else _basis_text(v))
        for canon in _CLOSED:
            v = values.get(canon)
            if v not in (None, ""):
                t = {True: "是", False: "否"}.get(v, v) if isinstance(v, bool) else v
                p[canon] = _closed_value(d, canon, normalize.text(t) or "", f"第 {n} 项")
        extra = [f"{k}：{_json_text(v)}" for k, v in item.items() if k not in used and _json_text(v)]
        if extra:  # keys the template has no column for are kept, not lost
            p["备注"] = "\n".join(x for x in (p.get("备注"), *extra) if x)
        if not p.get("公开范围") and (hint := _internal_hint(p.get("备注"))):
            p["公开范围"] = "内部"
            d.map_value("公开范围", "（空）", f"按“内部”导入：备注写明“{hint}”", f"第 {n} 项")
        if values.get("实施依据"):
            basis = values["实施依据"]
            p["实施依据"] = _long("\n".join(map(_basis_text, basis)) if isinstance(basis, list) else _basis_text(basis))
        if values.get("行使层级") not in (None, ""):
            lv = values["行使层级"]
            p["行使层级"] = level_number(lv) or normalize.text(lv)
        d.powers.append(p)
        d.rows.append(SourceRow("data", n, "导入", f"职权目录!{len(d.powers) + 1}", f"部门 {d.name}"))
    for k, canon in seen_keys.items():
        result.columns.append(ColumnMap("data", k, k, f"职权目录.{canon}" if canon and canon != "部门名称"
                                        else ("部门信息.部门名称（按部门分成多个工作簿）" if canon
                                              else "职权目录.备注（模板没有此列，照录为“键：值”）")))
    for d in by_dept.values():
        _guess_from_codes(d)
        if any(not p.get("承办机构") for p in d.powers):
            d.guesses.append("没有承办机构的事项，承办机构填写部门名称")
            for p in d.powers:
                p["承办机构"] = p.get("承办机构") or d.info.get("部门名称") or ""
        _finish(d)
        result.departments.append(d)


def _json_text(v) -> str | None:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False) if v else None
    return _long(v)


def _guess_from_codes(d: DepartmentDraft) -> None:
    """部门编号 from the department digits of the codes already assigned, when they agree."""
    codes = [str(p.get("基本编码")) for p in d.powers if re.fullmatch(r"\d{12}", str(p.get("基本编码") or ""))]
    numbers = {c[4:6] for c in codes}
    if not d.info.get("部门编号") and len(numbers) == 1:
        d.info["部门编号"] = numbers.pop()
        d.guesses.append(f"部门编号 {d.info['部门编号']} 取自职权编码的部门位")


# ---------------------------------------------------------------- entry points

SOURCE_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".json")


def source_files(paths: list[str | Path], out: str | Path | None = None) -> tuple[list[Path], list[Path]]:
    """The files to import: files given directly, and the .xls / .xlsx / .json files under given
    folders, in order — not Excel lock files (~$…), hidden files, our own reports (*.导入说明.json)
    nor anything inside the output folder `out`. Returns (files, other files skipped in folders)."""
    outdir = Path(out).resolve() if out is not None else None
    files, skipped = [], []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append(p)
            continue
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            rel = f.relative_to(p).parts
            if any(part.startswith(".") for part in rel) or (outdir is not None and outdir in f.resolve().parents):
                continue
            if f.suffix.lower() in SOURCE_SUFFIXES and not f.name.startswith("~$") and \
                    not f.name.endswith(".导入说明.json"):
                files.append(f)
            elif not f.name.startswith("~$") and not f.name.endswith(".导入说明.json"):
                skipped.append(f)
    return files, skipped


def sniff(path: Path) -> tuple[str, str] | None:
    """What a file named .xls / .xlsx / .json really is when it is not one (government portals
    serve HTML pages and CSV text under an .xls name): (zh, en) of it, or None when it may be the
    spreadsheet or JSON its name says. Only the first bytes are read."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):  # an OLE2 (.xls) or zip (.xlsx) file
        return None
    if not head.strip():
        return "空文件", "an empty file"
    if head.startswith(b"%PDF"):
        return "PDF 文档", "a PDF document"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        text = head[:len(head) // 2 * 2].decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return None  # some other binary: the reader says what it can
    else:
        text = None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = head.decode(enc)
                break
            except UnicodeDecodeError as e:
                if enc == "utf-8-sig" and len(head) == 4096 and e.start >= len(head) - 3:  # a character cut off
                    text = head[:e.start].decode(enc)
                    break
    if text is None:
        return None
    t = text.lstrip().lower()
    if path.suffix.lower() == ".json" and t[:1] in ("[", "{"):
        return None
    if t.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in t:
        return "XML 表格（Excel 2003 XML）", "an Excel 2003 XML spreadsheet"
    if re.match(r"<(?:!doctype\s+html|html|head|body|meta|table|title|!--)", t) or \
            t.startswith("<?xml") and "<html" in t:
        return "HTML 网页", "an HTML page"
    if t.startswith("<?xml"):
        return "XML 文件", "an XML file"
    first = t.splitlines()[0] if t.splitlines() else ""
    if "\t" in first:
        return "制表符分隔的文本（TSV）", "tab-separated text"
    if "," in first or "，" not in first and ";" in first:
        return "CSV 文本", "CSV text"
    return "纯文本", "plain text"


def _not_what_it_says(path: Path) -> None:
    if (what := sniff(path)) is None:
        return
    zh, en = what
    kind = "JSON" if path.suffix.lower() == ".json" else "Excel 工作簿"
    save = "请另存为 UTF-8 编码的 .json 后再导入" if kind == "JSON" else "请在 Excel 中打开并另存为 .xlsx 后再导入"
    raise ImportError_(f"{path.name}：文件实际是{' ' if zh[0].isascii() else ''}{zh}，不是 {kind}（扩展名为 {path.suffix}），{save}",
                       f"{path.name}: really {en}, not {'JSON' if kind == 'JSON' else 'an Excel workbook'} "
                       f"(despite its {path.suffix} name): " +
                       ("save it as UTF-8 .json, then import it" if kind == "JSON" else
                        "open it in Excel, save it as .xlsx, then import that"))


def import_file(path: str | Path, options: Options | None = None, **kw) -> ImportResult:
    """Read one published file (.xls, .xlsx or .json) into department drafts.

    Keyword arguments are `Options` fields (department, number, region, credit_code, level, date).
    Raises ImportError_ when the file is none of the known layouts or cannot be read.
    """
    path = Path(path)
    opts = options or Options(**kw)
    if path.is_dir():
        raise ImportError_(f"{path.name} 是文件夹，不是文件：请逐个导入其中的文件（powers import 文件夹 即如此）",
                           f"{path} is a folder: import the files in it (powers import FOLDER does)")
    try:
        _not_what_it_says(path)
    except OSError as e:
        raise ImportError_(f"无法读取 {path.name}：{e}", f"cannot read {path}: {e}") from e
    if path.suffix.lower() == ".json":
        result = ImportResult(str(path), CATALOG_JSON)
        _import_json(path, opts, result)
        return result
    try:
        grids = load_grids(path)
    except Exception as e:  # noqa: BLE001 - calamine's errors are many; the message says which
        raise ImportError_(f"无法读取 {path.name}：文件已损坏或不是 Excel 工作簿（{type(e).__name__}: {e}）",
                           f"cannot read {path.name}: damaged or not an Excel workbook ({type(e).__name__}: {e})") from e
    layout = detect_layout(grids)
    if layout is None:
        raise ImportError_(f"{path.name} 既不是按法律分表的裁量标准，也不是权责清单（找不到可识别的表头）")
    result = ImportResult(str(path), layout)
    (_import_discretion if layout is DISCRETION else _import_flat)(grids, path, opts, result)
    return result


def tally(d: DepartmentDraft) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in d.rows:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def report_lines(result: ImportResult) -> list[str]:
    lines = [f"== {result.source}：{result.layout.title_zh} → {len(result.departments)} 个部门"]
    lines.append("列对应 / columns:")
    for c in result.columns:
        lines.append(f"  {c.sheet}!{c.cell} {c.source} → {c.target}")
    for n in result.notes:
        lines.append(f"  注意：{n}")
    for d in result.departments:
        t = tally(d)
        tiers = sum(1 for x in d.tiers if x.get("阶次"))
        lines.append(f"部门 {d.name}：职权 {len(d.powers)} 项，裁量阶次 {tiers} 个（情节行 {len(d.tiers)} 行）；"
                     f"源表 {len(d.rows)} 行：导入 {t.get('导入', 0)}，并入上一行 {t.get('并入', 0)}，"
                     f"未导入 {t.get('未导入', 0)}")
        for why, n in _reasons(d.rows).items():
            lines.append(f"  未导入 {n} 行：{why}")
        lines.append("  推断 / guessed:")
        for gs in d.guesses:
            lines.append(f"    - {gs}")
    if result.rows:
        lines.append(f"未归入任何部门的源行 {len(result.rows)} 行：")
        for why, n in _reasons(result.rows).items():
            lines.append(f"  未导入 {n} 行：{why}")
    return lines


def _reasons(rows: list[SourceRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        if r.status == "未导入":
            why = r.note.split("：")[0]
            out[why] = out.get(why, 0) + 1
    return out


# ---------------------------------------------------------------- writing

STANDARD_FLOWS: dict[str, list[tuple]] = {
    "行政许可": [("1", "受理", "窗口受理岗", 1, "材料齐全:2；材料不全:1a"), ("1a", "一次性告知补正", "窗口受理岗", 0, "已补正:2"),
             ("2", "审查", "业务审查岗", 8, "3"), ("3", "决定", "分管负责人", 2, "4"), ("4", "送达", "窗口受理岗", 1, "结束")],
    "行政处罚": [("1", "立案", "执法人员", 5, "2"), ("2", "调查取证", "执法人员", 30, "3"),
             ("3", "告知", "执法人员", 5, "申请听证:3a；未申请听证:4"), ("3a", "听证", "听证主持人", 10, "4"),
             ("4", "决定", "部门负责人", 7, "5"), ("5", "送达", "执法人员", 3, "结束")],
    "行政强制": [("1", "审批", "部门负责人", 1, "2"), ("2", "实施", "执法人员", 1, "3"), ("3", "决定", "部门负责人", 28, "结束")],
    "行政征收": [("1", "核定", "征收岗", 5, "2"), ("2", "通知缴纳", "征收岗", 2, "3"), ("3", "收缴入库", "财务岗", 5, "结束")],
    "行政给付": [("1", "受理", "受理岗", 1, "2"), ("2", "审核", "审核岗", 10, "3"), ("3", "发放", "财务岗", 5, "结束")],
    "行政检查": [("1", "制定计划", "业务科室", 5, "2"), ("2", "实施检查", "执法人员", 5, "3"), ("3", "结果公示", "信息公开岗", 5, "结束")],
    "行政确认": [("1", "受理", "窗口受理岗", 1, "2"), ("2", "审核", "审核岗", 5, "3"), ("3", "确认", "分管负责人", 2, "结束")],
    "行政奖励": [("1", "推荐申报", "业务科室", 10, "2"), ("2", "评审", "评审委员会", 10, "3"), ("3", "决定", "部门负责人", 3, "结束")],
    "行政裁决": [("1", "受理", "法制科", 5, "2"), ("2", "调查", "承办人", 20, "3"), ("3", "裁决", "部门负责人", 10, "结束")],
    "其他行政权力": [("1", "受理", "窗口受理岗", 1, "2"), ("2", "审核", "业务科室", 10, "3"), ("3", "决定", "分管负责人", 3, "结束")],
}


def _safe_name(name: str) -> str:
    """A department name as a file name: no path or shell characters, no leading dot, and short
    enough (file names are limited to 255 bytes; the JSON report adds “.导入说明.json”)."""
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", name).strip("_.") or "未命名部门"
    while len(stem.encode("utf-8")) > 180:
        stem = stem[:-1]
    return stem


def write_workbooks(result: ImportResult, outdir: str | Path, taken: set[str] | None = None) -> list[Path]:
    """One template workbook per department (drop-downs kept), each with an 导入说明 sheet and a
    JSON report beside it (DEPT.导入说明.json) that records the sha256 of the workbook written.

    Importing again replaces DEPT.xlsx when it is still what the last import of the same source
    file wrote (its hash unchanged: nobody edited it), atomically. A workbook edited since, or
    written from another source file, is kept: the new one goes beside it (DEPT-2.xlsx) with a
    warning, since `powers validate` / `build` would read the department twice. `taken` holds the
    names already written in this run (a second file of the same department). What happened to
    each workbook is in `result.outcomes` (wrote / replaced) and `result.warnings`."""
    outdir = Path(outdir)
    full = [d for d in result.departments if d.powers]
    if not full:
        raise _nothing(result)
    for d in result.departments:
        if not d.powers:
            unit = "项" if result.layout is CATALOG_JSON else "行"
            why = "；".join(f"{k} {n} {unit}" for k, n in _reasons(d.rows).items())
            result.notes.append(f"部门“{d.name}”没有可导入的事项{f'（{why}）' if why else ''}，未写入工作簿")
    outdir.mkdir(parents=True, exist_ok=True)
    written, names = [], taken if taken is not None else set()
    for d in full:
        base = stem = _safe_name(d.name)
        n, kept = 1, []  # kept: workbooks of this department left as they are, and why
        while True:
            path = outdir / f"{stem}.xlsx"
            if stem in names:
                kept.append((path.name, "由本次导入的另一文件写入", "written from another file in this run"))
            elif not path.exists():
                outcome = "wrote"
                break
            elif (why := _kept_because(path, result.source)) is None:
                outcome = "replaced"
                break
            else:
                kept.append((path.name, *why))
            n += 1
            stem = f"{base}-{n}"
        names.add(stem)
        if outcome == "replaced":
            d.guesses.append(f"{path.name} 自上次导入以来未修改，已更新 / replaced（上次导入自同一文件）")
        if kept:
            both = "两" if len(kept) == 1 else str(len(kept) + 1)
            zh = ("；".join(f"{name} 已存在，{why}" for name, why, _ in kept) + f"，未覆盖；本次写入 {path.name}。"
                  f"同一部门的这{both}个工作簿都在 {outdir} 中，powers validate / build 会把该部门读两遍："
                  f"请把它们合并为一个（删除其余），或只校验其中一个")
            en = ("; ".join(f"{name} kept: {why}" for name, _, why in kept) + f"; this import wrote {path.name}. "
                  f"{'Both' if len(kept) == 1 else f'All {len(kept) + 1}'} are in {outdir} and powers validate / "
                  f"build would read the department twice: merge them into one workbook (delete the others) "
                  f"or validate only one")
            d.guesses.append(zh)
            result.warnings.append(f"{zh}\n{en}")
        digest = _write_workbook(path, result, d)
        report = {**result.to_json(), "departments": [x for x in result.to_json()["departments"] if x["name"] == d.name],
                  "workbook": path.name, "sha256": digest, "outcome": outcome}
        _replace_text(path.with_name(f"{stem}.导入说明.json"), json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        written.append(path)
        result.outcomes[str(path)] = outcome
    return written


def _kept_because(path: Path, source: str) -> tuple[str, str] | None:
    """Why an existing workbook must not be replaced (zh, en), or None when it is exactly what the
    last import of the same source file wrote, as its report's sha256 says."""
    try:
        report = json.loads(path.with_name(f"{path.stem}.导入说明.json").read_text("utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict) or not report.get("sha256"):
        return "没有导入记录（可能是手工填报的工作簿）", "no import record (perhaps filled in by hand)"
    if hashlib.sha256(path.read_bytes()).hexdigest() != report["sha256"]:
        return "上次导入后已被修改", "edited since it was imported"
    if Path(str(report.get("source") or "")).name != Path(source).name:
        return (f"导入自另一文件 {Path(str(report.get('source'))).name}",
                f"imported from another file, {Path(str(report.get('source'))).name}")
    return None


def _write_workbook(path: Path, result: ImportResult, d: DepartmentDraft) -> str:
    """Write the department's workbook through a temporary file in the same folder, then put it in
    place with os.replace (an earlier workbook is never left half written); its sha256."""
    import openpyxl

    from .template import write_template

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not *.xlsx: never read by validate
    try:
        write_template(tmp)
        wb = openpyxl.load_workbook(io.BytesIO(tmp.read_bytes()))
        _fill_info(wb["部门信息"], d.info)
        _fill_table(wb["职权目录"], d.powers)
        _fill_table(wb["裁量基准"], d.tiers)
        flows = wb["流程"]
        flows.delete_rows(2, flows.max_row)
        for cat in d.categories:
            for step in STANDARD_FLOWS[cat]:
                flows.append([f"{cat}标准流程", *step])
        _explain(wb.create_sheet("导入说明"), result, d)
        for name in ("部门信息", "职权目录", "裁量基准", "流程", "导入说明"):
            _as_text(wb[name])
        wb.save(tmp)
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _nothing(result: ImportResult) -> NothingToImport:
    """Why a file gave no item: the reasons its rows were not imported, counted."""
    rows = result.all_rows()
    why = "；".join(f"{k} {n} 行" if result.layout is not CATALOG_JSON else f"{k} {n} 项"
                   for k, n in _reasons(rows).items())
    name = Path(result.source).name
    if not rows:
        why, why_en = ("JSON 列表为空", "the JSON list is empty") if result.layout is CATALOG_JSON else \
            ("表中没有数据行", "the sheets hold no data rows")
    else:
        why_en = f"{len(rows)} {'entries' if result.layout is CATALOG_JSON else 'rows'} read, none of them an item"
    return NothingToImport(f"{name}：没有可导入的事项（{why}），未写入工作簿",
                           f"{name}: nothing to import ({why_en}); no workbook written")


def _fill_info(ws, info: dict[str, str]) -> None:
    for row in ws.iter_rows(min_row=2):
        key = str(row[0].value or "").rstrip("*")
        row[1].value = info.get(key) or None


def _as_text(ws) -> None:
    """What a department typed is text: '=见附件' must not become a formula with no value (S008)."""
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f" and isinstance(c.value, str):
                c.data_type = "s"


def _fill_table(ws, rows: list[dict]) -> None:
    headers = [str(c.value or "").rstrip("*") for c in ws[1]]
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append([r.get(h) for h in headers])


def _explain(ws, result: ImportResult, d: DepartmentDraft) -> None:
    from openpyxl.styles import Font

    ws.append(["导入说明", f"来源：{Path(result.source).name}（{result.layout.title_zh}）"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([])
    ws.append(["列对应", "源工作表", "源单元格", "源列名", "写入"])
    for c in result.columns:
        ws.append(["", c.sheet, c.cell, c.source, c.target])
    ws.append([])
    ws.append(["推断与待办"])
    for g in d.guesses + result.notes:
        ws.append(["", g])
    ws.append([])
    ws.append(["逐行去向", "源工作表", "源行", "去向", "写入位置", "说明"])
    for r in d.rows + result.rows:
        ws.append(["", r.sheet, r.row, r.status, r.target, r.note])
    for col, w in zip("ABCDEF", (12, 18, 10, 40, 16, 60)):
        ws.column_dimensions[col].width = w
