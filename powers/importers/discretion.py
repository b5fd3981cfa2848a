"""A discretion standard laid out one sheet per law: 序号 | 违法行为 | 法律依据 | 类别 | 裁量情节 |
裁量标准 | 备注, read from .xls or .xlsx with its merged ranges; one department per file.

Decisions on this layout (see tests/test_import.py):
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

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import normalize
from ..legal import continues_previous
from ..read import SheetGrid
from .common import (ColumnMap, DepartmentDraft, ImportResult, Options, SourceRow, _column_numbers,
                     _department_from_name, _department_from_title, _finish, _internal_hint, _long, _merge_index,
                     _new_department, _one_line, penalty_kinds)
from .detect import _DISC_SYN, _head, _is_discretion_sheet, _is_flat_sheet, _titles


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
    from ..rules.fields import penalty_kind

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
