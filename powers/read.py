"""Read department workbooks into raw rows that remember where every value came from.

Cells are read with python-calamine (.xlsx and legacy .xls alike: cached formula values, merged
ranges), about 20 times faster than openpyxl; openpyxl stays for writing workbooks. Before
calamine inflates an .xlsx, one streaming pass over each sheet's XML checks the limits below and
notes formulas and error cells, which calamine reads as empty.
"""
from __future__ import annotations

import re
import shlex
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter

from . import normalize
from .models import Finding, Provenance
from .rules import structure as S

# Limits, so that a hostile or broken file costs bounded memory and time. A real department
# workbook is a few MB, with ~100–150 powers and ~1,000 tiers; each limit is far above that.
# All XML inside an .xlsx together, uncompressed (zip members' declared sizes; zipfile never inflates
# a member past its declared size). A 1.1 MB zip can inflate to 1.1 GiB, which took 2.4 GiB to read.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
# An .xls is not compressed: its size on disk bounds what python-calamine loads.
MAX_XLS_BYTES = 200 * 1024 * 1024
# Rows per sheet (header and blank rows included). Above it the whole file is refused, never cut
# short: a 200,000-row sheet took 87 s and 4.6 GiB.
MAX_ROWS = 50_000
# Cells a sheet spans (rows × columns up to its farthest cell): the reader holds a sheet as a grid,
# so one stray value in column XFD of a long sheet would cost gigabytes. 50,000 rows × 100 columns.
MAX_CELLS = 5_000_000
# Characters in one cell: Excel's own cell limit, so no workbook saved by Excel exceeds it.
MAX_CELL_CHARS = 32_767

# canonical sheet name → accepted synonyms (matched on the normalized name)
SHEETS: dict[str, tuple[str, ...]] = {
    "部门信息": ("部门信息", "基本信息", "单位信息", "部门基本信息"),
    "职权目录": ("职权目录", "权力清单", "权力事项", "事项目录", "行政权力清单", "权责清单", "职权清单"),
    "裁量基准": ("裁量基准", "裁量标准", "自由裁量", "自由裁量基准", "处罚裁量基准"),
    "流程": ("流程", "运行流程", "权力运行流程", "流程图", "办理流程"),
}

# canonical column → synonyms; * marks required columns (checked by the F rules)
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "部门信息": {
        "部门名称": ("单位名称", "机关名称", "实施主体", "实施机关"),
        "部门编号": ("授权部门编号", "部门代码", "部门编码"),
        "部门简称": ("简称",),
        "行政区划代码": ("区划代码", "行政区划", "区划编码"),
        "统一社会信用代码": ("信用代码", "社会信用代码", "实施主体编码"),
        "行使层级": ("层级",),
        "办公地址": ("地址", "办公地点"),
        "联系电话": ("咨询电话", "电话"),
        "监督电话": ("投诉电话", "监督投诉电话"),
        "填报人": ("填表人", "经办人"),
        "审核人": ("审核", "负责人"),
        "填报日期": ("填表日期", "日期"),
    },
    "职权目录": {
        "序号": ("编号", "排序"),
        "基本编码": ("事项编码", "职权编码", "权力编码", "编码"),
        "事项来源": ("来源",),
        "职权名称": ("事项名称", "权力名称", "权力事项名称", "主项名称", "项目名称", "职权事项"),
        "子项名称": ("子项", "子项目名称"),
        "职权类别": ("权力类型", "事项类型", "职权类型", "权力类别", "类别", "事项类别"),
        "实施依据": ("设定依据", "法律依据", "依据", "法定依据", "设定和实施依据"),
        "承办机构": ("承办科室", "实施机构", "责任科室", "承办单位", "内设机构"),
        "行使层级": ("层级",),
        "法定时限": ("法定办结时限", "法定期限"),
        "承诺时限": ("承诺办结时限", "承诺期限"),
        "收费依据及标准": ("收费标准", "收费依据", "收费情况", "是否收费"),
        "办理条件": ("受理条件", "申请条件"),
        "申请材料": ("材料", "申请材料目录"),
        "数量限制": ("数量",),
        "责任事项": ("责任事项内容",),
        "追责情形": ("追责情形及依据", "问责情形", "追究责任情形"),
        "公开范围": ("公开属性", "公开方式", "是否公开", "是否对外公开", "公开类型", "公开情况", "公开形式"),
        "状态": ("事项状态", "职权状态"),
        "流程": ("流程名称", "运行流程"),
        "无裁量空间": ("无自由裁量空间",),
        "备注": ("说明",),
        # the review (清理) decision on the item, its reason and the document that decided it
        "清理结果": ("调整类型", "清理意见", "清理情况", "处理意见", "调整情况", "调整意见", "清理类型"),
        "调整理由": ("清理理由", "调整原因", "理由"),
        "调整文号": ("文号", "决定文号", "发文字号", "依据文号"),
        "生效日期": ("调整日期", "施行日期", "执行日期", "生效时间"),
        "下放层级": ("下放至", "下放到"),
        "合并至": ("合并到", "并入事项", "合并后事项", "合并目标", "并入"),
    },
    "裁量基准": {
        "职权序号": ("事项序号",),
        "职权名称": ("事项名称", "权力名称", "违法行为", "处罚事项"),
        "阶次": ("裁量阶次", "裁量等级", "档次", "类别"),
        "违法情节": ("裁量情节", "违法情形", "情节"),
        "处罚种类": ("种类",),
        "裁量标准": ("处罚标准", "处罚裁量标准"),
        "罚款下限": ("下限",),
        "罚款上限": ("上限",),
        "法定下限": (),
        "法定上限": (),
        "说明": ("备注",),
    },
    "流程": {
        "流程名称": ("流程",),
        "步骤": ("步骤编号", "序号", "环节编号"),
        "环节": ("环节名称", "步骤名称"),
        "承办岗位": ("岗位", "责任岗位", "承办人"),
        "时限": ("办理时限", "时限（工作日）"),
        "下一步": ("下一环节", "后续步骤"),
        "风险点": ("廉政风险点",),
        "风险等级": ("风险级别",),
        "防控措施": ("防控措施及责任", "风险防控措施"),
    },
}
REQUIRED_COLUMNS = {
    "职权目录": ("职权名称", "职权类别", "实施依据", "承办机构"),
    "裁量基准": ("阶次", "违法情节"),
    "流程": ("流程名称", "步骤", "环节"),
}
MULTILINE = {"调整理由", "实施依据", "办理条件", "申请材料", "责任事项", "追责情形", "备注", "违法情节", "裁量标准",
             "说明", "防控措施", "风险点", "收费依据及标准", "数量限制"}

_SYNONYMS = {
    sheet: {normalize.header_key(s): canon for canon, syns in cols.items() for s in (canon, *syns)}
    for sheet, cols in COLUMNS.items()
}


class Cell:
    """One cell's value as typed, its cleaned text, and where it came from. The Provenance model is
    made only when a finding or a model asks for it: a city has a million cells, few of them cited."""

    __slots__ = ("raw", "text", "_where", "_prov")

    def __init__(self, raw: object, text: str | None, where: Provenance | tuple):
        """`where`: a Provenance, or (file, sheet, row, column header, column letter): the A1
        reference is only spelled out when the Provenance is made."""
        self.raw, self.text = raw, text
        # (a tuple, the reader's every cell, is told at once: isinstance on a pydantic class is slow)
        self._where, self._prov = (where, None) if type(where) is tuple or not isinstance(where, Provenance) \
            else (None, where)

    @property
    def prov(self) -> Provenance:
        if self._prov is None:
            file, sheet, row, column, letter = self._where
            self._prov = Provenance(file=file, sheet=sheet, row=row, column=column, cell=f"{letter}{row}")
        return self._prov

    def __repr__(self) -> str:
        return f"Cell({self.raw!r}, {self.text!r}, {self.prov!r})"


@dataclass
class Row:
    """One data row of a table sheet, keyed by canonical column name."""

    file: str
    sheet: str
    number: int
    cells: dict[str, Cell] = field(default_factory=dict)
    layout: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # column → (header, letter)

    def get(self, key: str) -> str | None:
        c = self.cells.get(key)
        return c.text if c else None

    def raw(self, key: str) -> object:
        c = self.cells.get(key)
        return c.raw if c else None

    def at(self, key: str | None = None) -> Provenance:
        c = self.cells.get(key) if key else None
        if c:
            return c.prov
        if key in self.layout:  # an empty cell still has an address
            header, letter = self.layout[key]
            return Provenance(file=self.file, sheet=self.sheet, row=self.number, column=header,
                              cell=f"{letter}{self.number}")
        return Provenance(file=self.file, sheet=self.sheet, row=self.number, column=key)


@dataclass
class RawWorkbook:
    path: str
    info: dict[str, Cell] = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not any(f.rule in {"S001", "S002", "S003", "S004", "S011", "S012", "S013", "S014", "S015", "S017"}
                       for f in self.findings)


@dataclass
class SheetGrid:
    """One sheet as published: values (None when empty; merged cells not filled in) and its
    merged ranges as (min_col, min_row, max_col, max_row), 1-based like openpyxl's."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def filled(self) -> list[list]:
        """The values with every merged range's cells holding its top-left value."""
        grid = [list(r) for r in self.rows]
        _fill_merged(grid, self.merged)
        return grid


def _fill_merged(grid: list[list], merged) -> None:
    for c1, r1, c2, r2 in merged:
        top = grid[r1 - 1][c1 - 1] if r1 - 1 < len(grid) and c1 - 1 < len(grid[r1 - 1]) else None
        for r in range(r1 - 1, min(r2, len(grid))):
            row = grid[r]
            row.extend([None] * (c2 - len(row)))
            for c in range(c1 - 1, c2):
                row[c] = top


def load_grids(path: str | Path) -> list[SheetGrid]:
    """Every sheet of an .xls or .xlsx workbook with python-calamine (cached formula values).
    Raises LimitExceeded (with its finding) on a file over the limits, and whatever calamine
    raises on a file it cannot read; callers turn that into a finding."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if _is_xls(path):
        if (size := path.stat().st_size) > MAX_XLS_BYTES:
            raise LimitExceeded(_xls_too_large(path, size))
    else:
        _scan_xlsx(path)
    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        rows = [[None if v == "" else v for v in r] for r in sheet.to_python(skip_empty_area=False)]
        out.append(SheetGrid(name, rows, _merged(sheet)))
    return out


def _sniff(path: Path) -> Finding | None:
    """Tell an encrypted workbook or a file that is no workbook at all before a reader tries."""
    name = str(path)
    try:
        head = path.read_bytes()[:8] if path.stat().st_size < 1 << 20 else path.open("rb").read(8)
    except OSError as e:
        return S.FILE_UNREADABLE(name, reason=e.strerror or str(e))
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an xlsx wrapped by encryption
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            return S.FILE_ENCRYPTED(name)
        return None  # legacy .xls: read with calamine
    if path.suffix.lower() == ".xls":
        return None  # calamine tells a real .xls from anything else
    if not head.startswith(b"PK"):
        return S.FILE_NOT_XLSX(name)
    return None


def _match_sheet(names: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        key = normalize.header_key(name)
        for canon, syns in SHEETS.items():
            if canon not in found and any(key == s or key.startswith(s) for s in syns):
                found[canon] = name
                break
    return found


_NOTE = re.compile(r"[（(【\[〔][^（）()【】\[\]〔〕]*[)）】\]〕]")


def _column(value: object, syn: dict[str, str]) -> str | None:
    """The canonical column a header names: 法定时限, 承办机构（内设科室）, 公开范围（社会/内部） …
    (a note in brackets is dropped when the header itself is not a synonym)."""
    k = normalize.header_key(value)
    if k in syn:
        return syn[k]
    return syn.get(_NOTE.sub("", k)) if k else None


def _find_header(rows: list[tuple], sheet: str) -> tuple[int, dict[int, str], list[tuple[int, str]]] | None:
    """Index of the header row among the first rows, its column map and unknown headers (a second
    header naming a column already mapped is unknown too)."""
    syn = _SYNONYMS[sheet]
    best, best_score = None, 1
    for i, values in enumerate(rows[:30]):
        score = sum(1 for v in values if _column(v, syn))
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return None
    colmap, unknown = {}, []
    for j, v in enumerate(rows[best]):
        if not normalize.header_key(v):
            continue
        col = _column(v, syn)
        if col is not None and col not in colmap.values():
            colmap[j] = col
        else:
            unknown.append((j, str(v)))
    return best, colmap, unknown


def read_workbook(path: str | Path) -> RawWorkbook:
    """Read one department workbook; problems come back as findings, never as exceptions."""
    path = Path(path)
    out = RawWorkbook(path=str(path))
    if path.suffix.lower() == ".json" and _foreign_layout(out, path, {}, None):
        return out
    if problem := _sniff(path):
        out.findings.append(problem)
        return out
    if _is_xls(path):
        return _read_xls(out, path)
    try:
        scans = _scan_xlsx(path)
    except LimitExceeded as e:
        out.findings.append(e.finding)
        return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        out.findings.append(S.FILE_UNREADABLE(str(path), reason=type(e).__name__ + ": " + str(e)))
        return out
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # noqa: BLE001 - whatever calamine raises, the file cannot be read
        out.findings.append(S.FILE_UNREADABLE(str(path), reason=type(e).__name__ + ": " + str(e)[:200]))
        return out
    try:
        sheets = _match_sheet(wb.sheet_names)
        if not _foreign_layout(out, path, sheets, lambda: load_grids(path)):
            for canon, name in _wanted(out, path, sheets):
                _read_sheet(out, path, name, canon, *_grid(path, wb, name, scans.get(name)))
    except Exception as e:  # a corrupt part inside a valid zip: report, never a traceback
        out.tables.clear()
        out.findings.append(S.FILE_UNREADABLE(str(path), reason=type(e).__name__ + ": " + str(e)[:200]))
    finally:
        wb.close()
    return out


class LimitExceeded(Exception):
    """A limit is exceeded: the whole file is refused before anything is parsed."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message_en)
        self.finding = finding


def _too_many_rows(file: str, sheet: str, rows: int) -> Finding:
    return S.TOO_MANY_ROWS(Provenance(file=file, sheet=sheet, row=0), sheet=sheet, rows=f"{rows:,}",
                           limit=f"{MAX_ROWS:,}")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f}"


@dataclass
class _SheetScan:
    """What a streaming pass over one sheet's XML tells before any reader parses it."""

    rows: int = 0          # rows the sheet spans: its <row> elements, or its last row number if larger
    columns: int = 0       # its last column used (1-based)
    last_cell: str = ""    # the reference of that farthest column, for the finding
    formulas: bool = False  # any <f> element: formulas need their cached values checked
    errors: bool = False    # any error cell (#DIV/0! …): calamine reads those as empty


def _scan_xlsx(path: Path) -> dict[str, _SheetScan]:
    """Check an .xlsx against the limits before a reader inflates it: S014 when its members,
    uncompressed, add up to more than MAX_UNCOMPRESSED (from the zip directory, nothing inflated);
    S015 when a sheet spans more than MAX_ROWS rows, S017 when more than MAX_CELLS cells (by
    streaming its XML, nothing parsed). Returns each sheet's scan by sheet name."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise LimitExceeded(S.FILE_TOO_LARGE(str(path), size_mb=_mb(total), limit_mb=_mb(MAX_UNCOMPRESSED),
                                            what="解压后", what_en="uncompressed"))
        try:
            names = _sheet_parts(z)
        except Exception:  # noqa: BLE001 - calamine reads what it can and reports the rest
            names = {}
        scans = {}
        for i in infos:
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                name = names.get(i.filename, i.filename)
                with z.open(i) as f:
                    scan = _scan_sheet(f)
                if scan.rows > MAX_ROWS:
                    raise LimitExceeded(_too_many_rows(str(path), name, scan.rows))
                if scan.rows * scan.columns > MAX_CELLS:
                    raise LimitExceeded(S.SHEET_TOO_WIDE(
                        Provenance(file=str(path), sheet=name, row=0, cell=scan.last_cell), sheet=name,
                        rows=f"{scan.rows:,}", columns=f"{scan.columns:,}", cell=scan.last_cell,
                        limit=f"{MAX_CELLS:,}"))
                scans[name] = scan
    return scans


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
# Cells in columns past Z (two or three letters): rare, so finding them costs almost nothing; a
# sheet without any spans at most 26 columns. The reference r="AB12" is looked for by its literal
# start and the whitespace before it is checked apart (_wide_columns): a pattern that starts with
# \s is tried at every byte of the sheet, 5 times slower.
_WIDE_COLUMN = re.compile(rb"r=\"([A-Z]{2,3})\d")
_XML_SPACE = frozenset(b" \t\n\r\f\v")  # what \s matches in a bytes pattern
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _wide_columns(part: bytes) -> set[bytes]:
    """The columns past Z named by the cells of `part` (r="AB12" after whitespace)."""
    return {m.group(1) for m in _WIDE_COLUMN.finditer(part) if m.start() and part[m.start() - 1] in _XML_SPACE}


def _has_formula(part: bytes) -> bool:
    # a formula tag is <f…> or <x:f…>: without "<f" or ":f" there is none to look for
    return (b"<f" in part or b":f" in part) and bool(_FORMULA_TAG.search(part))


def _scan_sheet(f) -> _SheetScan:
    """Stream one sheet's XML (a binary file object) in chunks. Each chunk is cut before its last
    "<", so no tag is ever split between two chunks."""
    scan, buf, last_col = _SheetScan(), b"", b"Z"
    last_row = 0
    while True:
        chunk = f.read(1 << 20)
        buf += chunk
        cut = buf.rfind(b"<") if chunk else len(buf)
        if cut <= 0 and chunk:
            continue
        part, buf = buf[:cut], buf[cut:]
        scan.rows += len(_ROW_TAG.findall(part))
        if numbers := _ROW_NUMBER.findall(part):
            last_row = max(last_row, max(map(int, numbers)))
        for col in _wide_columns(part):
            if (len(col), col) > (len(last_col), last_col):
                last_col = col
                at = re.search(rb'\br="' + col + rb'(\d+)"', part)
                scan.last_cell = col.decode() + (at.group(1).decode() if at else "")
        scan.formulas = scan.formulas or _has_formula(part)
        scan.errors = scan.errors or b't="e"' in part
        if not chunk:
            break
    scan.rows = max(scan.rows, last_row)
    scan.columns = column_index_from_string(last_col.decode())
    return scan


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Zip member of each sheet → the sheet's name (from workbook.xml and its relationships)."""
    from xml.etree import ElementTree as ET

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    targets = {}
    for el in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter():
        if local(el.tag) == "Relationship" and el.get("Target"):
            t = el.get("Target")
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            targets[el.get("Id")] = t
    out = {}
    for el in ET.fromstring(z.read("xl/workbook.xml")).iter():
        if local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if local(k) == "id"), None)
            if rid in targets and el.get("name"):
                out[targets[rid]] = el.get("name")
    return out


def _is_xls(path: Path) -> bool:
    if path.suffix.lower() == ".xls":
        return True
    with path.open("rb") as f:
        return f.read(4) == b"\xd0\xcf\x11\xe0"


def _read_xls(out: RawWorkbook, path: Path) -> RawWorkbook:
    """A legacy .xls workbook, read directly (merged cells filled as for .xlsx)."""
    try:
        size = path.stat().st_size
    except OSError as e:
        out.findings.append(S.FILE_UNREADABLE(str(path), reason=e.strerror or str(e)))
        return out
    if size > MAX_XLS_BYTES:
        out.findings.append(_xls_too_large(path, size))
        return out
    try:
        grids = {g.name: g for g in load_grids(path)}
    except Exception as e:  # noqa: BLE001 - whatever calamine raises, the file cannot be read
        out.findings.append(S.FILE_XLS(str(path), reason=type(e).__name__ + ": " + str(e)[:200]))
        return out
    sheets = _match_sheet(list(grids))
    if not _foreign_layout(out, path, sheets, lambda: list(grids.values())):
        wanted = list(_wanted(out, path, sheets))
        for canon, name in wanted:
            if len(grids[name].rows) > MAX_ROWS:  # the whole file is refused: nothing half-read
                out.findings.append(_too_many_rows(str(path), name, len(grids[name].rows)))
                return out
        for canon, name in wanted:
            _read_sheet(out, path, name, canon, grids[name].filled(), [])
    return out


def _xls_too_large(path: Path, size: int) -> Finding:
    return S.FILE_TOO_LARGE(str(path), size_mb=_mb(size), limit_mb=_mb(MAX_XLS_BYTES),
                            what=".xls 文件", what_en=".xls file")


def _wanted(out: RawWorkbook, path: Path, sheets: dict[str, str]):
    """(canonical name, sheet name) of each sheet to read; a missing required sheet is a finding."""
    for canon in ("部门信息", "职权目录", "裁量基准", "流程"):
        if canon in sheets:
            yield canon, sheets[canon]
        elif canon != "裁量基准":  # a department without penalties needs no 裁量基准
            out.findings.append(S.SHEET_MISSING(str(path), sheet=canon))


def _foreign_layout(out: RawWorkbook, path: Path, sheets: dict[str, str], grids) -> bool:
    """Without 部门信息, a workbook laid out like a published list (one sheet per law, a flat
    权责清单) gets one finding naming the import command instead of "sheet missing" errors."""
    if "部门信息" in sheets:
        return False
    from .importers import CATALOG_JSON, detect_layout, looks_like_catalog

    try:
        layout = (CATALOG_JSON if looks_like_catalog(path) else None) if grids is None else detect_layout(grids())
    except Exception:  # noqa: BLE001 - detection is a courtesy; the usual findings follow
        return False
    if layout is None:
        return False
    out.findings.append(S.FOREIGN_LAYOUT(str(path), layout.kind, layout_zh=layout.title_zh,
                                         layout_en=layout.title_en, file=shlex.quote(path.name)))
    return True


def _grid(path: Path, wb, name: str, scan: _SheetScan | None) -> tuple[list[list], list[tuple[int, int, object]]]:
    """All values of a sheet (read by python-calamine, which ignores a stale stored <dimension>),
    merged cells filled, cached values for formulas; formulas lacking one are listed."""
    sheet = wb.get_sheet_by_name(name)
    # (a string, most cells, is _value's own: "" is empty, any other is kept)
    grid = [[(v or None) if type(v) is str else _value(v) for v in r]
            for r in sheet.to_python(skip_empty_area=False)]
    missing = []
    if scan is not None and (scan.formulas or scan.errors):
        for (i, j), (formula, value, error) in _formula_cells(path, name).items():
            while len(grid) <= i:
                grid.append([])
            row = grid[i]
            row.extend([None] * (j + 1 - len(row)))
            if error:  # calamine reads an error cell as empty; the error text is what the cell shows
                row[j] = value
            elif formula is not None and not value:
                missing.append((i, j, "=" + formula))
                row[j] = None
    _fill_merged(grid, _merged(sheet))
    return grid, missing


def _merged(sheet) -> list[tuple[int, int, int, int]]:
    """A calamine sheet's merged ranges as (min_col, min_row, max_col, max_row), 1-based like openpyxl's."""
    return [(c1 + 1, r1 + 1, c2 + 1, r2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]


def _value(v: object) -> object:
    """A calamine value as openpyxl gave it: empty is None, a whole number an int."""
    if v == "":
        return None
    if type(v) is float and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)
    return v


_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)
_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")


def _formula_cells(path: Path, name: str) -> dict[tuple[int, int], tuple[str | None, str, bool]]:
    """(row, column) 0-based → (formula or None, cached value, is an error cell) for every cell of
    the sheet that holds a formula or an error. Only for sheets whose scan found either."""
    from html import unescape

    with zipfile.ZipFile(path) as z:
        member = next((m for m, n in _sheet_parts(z).items() if n == name), None)
        if member is None:
            return {}
        data = z.read(member)
    out = {}
    for m in _CELL.finditer(data):
        attrs, body = m.group(1), m.group(2) or b""
        error = b't="e"' in attrs
        f = _FORMULA.search(body)
        ref = _REF.search(attrs)
        if ref is None or (f is None and not error):
            continue
        v = _VALUE.search(body)
        value = unescape(v.group(1).decode("utf-8", "replace")) if v else ""
        formula = unescape((f.group(1) or b"").decode("utf-8", "replace")) if f else None
        out[(int(ref.group(2)) - 1, column_index_from_string(ref.group(1).decode()) - 1)] = (formula, value, error)
    return out


def _read_sheet(out: RawWorkbook, path: Path, name: str, canon: str, grid: list[list], missing: list) -> None:
    file = str(path)
    for i, j, formula in missing:
        out.findings.append(S.FORMULA_NO_VALUE(
            Provenance(file=file, sheet=name, row=i + 1, cell=f"{get_column_letter(j + 1)}{i + 1}"), formula))
    if canon == "部门信息":
        _read_info(out, file, name, grid)
        return
    found = _find_header(grid, canon)
    if found is None:
        expected = "、".join(REQUIRED_COLUMNS[canon])
        out.findings.append(S.HEADER_NOT_FOUND(Provenance(file=file, sheet=name, row=0), sheet=name,
                                               expected=expected))
        out.tables[canon] = []
        return
    hi, colmap, unknown = found
    headers = {j: str(grid[hi][j]).strip() for j in colmap}
    for j, h in unknown:
        at = Provenance(file=file, sheet=name, row=hi + 1, column=h, cell=f"{get_column_letter(j + 1)}{hi + 1}")
        if canon == "职权目录" and "公开" in normalize.header_key(h):
            # a second scope column, or one the reader cannot name: which one says 内部 is unknown,
            # so no row of the file may reach the public site until a person settles it
            scope = next((headers[k] for k, c in colmap.items() if c == "公开范围"), None)
            out.findings.append(S.SCOPE_COLUMN_UNCLEAR(at, h, why=(
                f"与“{scope}”列重复" if scope else "无法识别为“公开范围”列"), why_en=(
                f"a second scope column besides '{scope}'" if scope else "not recognised as the 公开范围 column")))
        else:
            out.findings.append(S.UNKNOWN_COLUMN(at, h))
    for col in REQUIRED_COLUMNS[canon]:
        if col not in colmap.values():
            out.findings.append(S.REQUIRED_COLUMN_MISSING(
                Provenance(file=file, sheet=name, row=hi + 1), sheet=name, column=col))
    letters = {j: get_column_letter(j + 1) for j in colmap}
    layout = {canon_col: (headers[j], letters[j]) for j, canon_col in colmap.items()}
    # per column: its index, canonical name, whether it is multi-line, header, letter, and the
    # cleaned text of each string already met in it (a column repeats the same texts row after
    # row; normalize.text is a pure function of the string)
    columns = [(j, canon_col, canon_col in MULTILINE, headers[j], letters[j], {}) for j, canon_col in colmap.items()]
    clean = normalize.text
    rows = []
    for i in range(hi + 1, len(grid)):
        values = grid[i]
        width = len(values)
        number = i + 1
        cells: dict[str, Cell] = {}
        too_long = False
        for j, canon_col, multiline, header, letter, seen in columns:
            raw = values[j] if j < width else None
            if raw is None:  # normalize.text(None) is None: an empty cell is not kept
                continue
            if isinstance(raw, str):
                if len(raw) > MAX_CELL_CHARS:  # an error at the row: validate rejects it
                    too_long = True
                    out.findings.append(_cell_too_long(file, name, i, j, header, raw))
                    continue
                t = seen.get(raw, seen)
                if t is seen:
                    t = seen[raw] = clean(raw, multiline=multiline)
            else:
                t = clean(raw, multiline=multiline)
            if t is None:
                continue
            cells[canon_col] = Cell(raw, t, (file, name, number, header, letter))
        if cells or too_long:  # read (and counted), then rejected by the S016 error at its row
            rows.append(Row(file, name, number, cells, layout))
    out.tables[canon] = rows
    if canon == "职权目录" and not rows:
        # a blank template sent back, or rows pasted elsewhere: an error, or the department would
        # pass with nothing filed and publish an empty page
        out.findings.append(S.NO_DATA_ROWS(Provenance(file=file, sheet=name, row=hi + 1), sheet=name))


def _read_info(out: RawWorkbook, file: str, name: str, grid: list[list]) -> None:
    """部门信息 as key/value rows (key, then its value to the right), or as a table whose header
    row holds the keys and the next row the values."""
    syn = _SYNONYMS["部门信息"]

    def keep(key: str, i: int, k: int) -> None:
        value = grid[i][k] if k < len(grid[i]) else None
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            finding = _cell_too_long(file, name, i, k, key, value)
            if not any(f.rule == "S016" and (f.sheet, f.cell) == (name, finding.cell) for f in out.findings):
                out.findings.append(finding)
            return
        if key not in out.info and value is not None and str(value).strip():
            out.info[key] = Cell(value, normalize.text(value), Provenance(
                file=file, sheet=name, row=i + 1, column=key, cell=f"{get_column_letter(k + 1)}{i + 1}"))

    for i, values in enumerate(grid):
        keys = {j: syn[normalize.header_key(v)] for j, v in enumerate(values) if normalize.header_key(v) in syn}
        if len(keys) >= 3 and i + 1 < len(grid):  # a header row: values are in the row below
            for j, key in keys.items():
                keep(key, i + 1, j)
            continue
        for j, key in keys.items():  # one or more key/value pairs on the row
            nxt = next((k for k in range(j + 1, len(values))
                        if values[k] is not None and str(values[k]).strip()), None)
            if nxt is not None and nxt not in keys:
                keep(key, i, nxt)


def _cell_too_long(file: str, sheet: str, i: int, j: int, column: str, raw: str) -> Finding:
    at = Provenance(file=file, sheet=sheet, row=i + 1, column=column, cell=f"{get_column_letter(j + 1)}{i + 1}")
    return S.CELL_TOO_LONG(at, raw[:60], length=f"{len(raw):,}", limit=f"{MAX_CELL_CHARS:,}")
