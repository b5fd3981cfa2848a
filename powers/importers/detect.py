"""Which layout a workbook is: finding a published table's header (one row or two) among its first
rows, mapping its headers to canonical column names, and `detect_layout` / `looks_like_catalog`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import normalize
from ..read import COLUMNS, SheetGrid
from .catalog_json import _JSON_KEYS, _json_items, _json_load
from .common import DISCRETION, FLAT, Layout


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
    from ..read import _match_sheet

    if "部门信息" in _match_sheet([g.name for g in grids]):
        return None
    if any(_is_discretion_sheet(g) for g in grids):
        return DISCRETION
    if any(_is_flat_sheet(g) for g in grids):
        return FLAT
    return None


def _cell(j: int, i: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(j + 1)}{i + 1}"


def _titles(grids: list[SheetGrid], syn: dict[str, str]) -> list[str]:
    """The text of the rows above each sheet's header (its title rows), in order."""
    out = []
    for g in grids:
        found = _head(g, syn, 3)
        for r in g.rows[:found.first] if found else []:
            out.extend(t for v in r if (t := normalize.text(v)))
    return out
