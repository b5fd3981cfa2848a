"""A flat 权责清单 table with no 部门信息 sheet (事项名称, 子项, 事项类型, 设定依据, 实施主体 …), one
or several sheets, possibly grouped by section rows (一、行政许可) and signed off under the table."""
from __future__ import annotations

import re
from pathlib import Path

from .. import normalize
from ..models import CATEGORIES
from ..read import SheetGrid
from ..rules.fields import closed_word
from .common import (_CLOSED, ColumnMap, DepartmentDraft, ImportResult, Options, SourceRow, _basic_code,
                     _category_value, _closed_value, _column_numbers, _department_from_name, _department_from_title,
                     _finish_listed, _internal_hint, _long, _merge_index, _new_department, _one_line,
                     level_number)
from .detect import _FLAT_SYN, _head, _is_flat_sheet


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
        _finish_listed(d, "原表没有承办机构的事项，承办机构填写部门名称")
        result.departments.append(d)


_LONG_COLS = {"实施依据", "办理条件", "申请材料", "责任事项", "追责情形", "备注", "收费依据及标准", "数量限制"}


_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|填表说明|注释)\s*[:：0-9一二三四五六七八九十、.．1-9]")
# a section row of a list grouped by category: 一、行政许可（共5项）
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[、.．])?\s*(.{2,12}?)"
                      r"\s*(?:[（(][^（）()]*[)）])?$")


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
