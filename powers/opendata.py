"""Open data: the public catalog as JSON (the catalog's own), CSV and Excel.

A city's Excel file (420,000 cells) takes seconds to write however it is written, so a large one
is written in a process of its own (`XlsxApart`) while the build goes on. A build makes the CSV and
the Excel file from each department's rows, kept in files by what they were made from
(`DepartmentRows`)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from .models import CATEGORIES, LEVELS, PENALTY_KINDS, RISK_LEVELS, STATUSES, Catalog, Department, Power
from .rules.process import flow_name
from .normalize import fine_text, limit_text
from .xlsxfile import write_sheets, write_sheets_from

FORMULA_STARTERS = frozenset("=+-@\t\r\n＝＋－＠﹦﹢﹣")
_BLANK = " \u3000\u00a0\ufeff\u200b"


def neutralize(value):
    """Spreadsheet formula injection: a text cell that could start a formula is never run.

    Starters are = + - @ (half and full width, and the small forms), tab, CR and LF, also when
    preceded by blanks (spaces, ideographic space, NBSP, BOM, zero-width space).
    """
    if isinstance(value, str) and value.lstrip(_BLANK)[:1] in FORMULA_STARTERS:
        return "'" + value
    return value


class Column(NamedTuple):
    """One column of an open-data table, with what the data dictionary says of it."""

    name: str
    get: Callable  # (department, power, base) → value; a tier column: (department, power, tier, base)
    meaning: str
    unit: str = ""
    values: str = ""
    json: str = ""  # where catalog.json has it ("" when it is made for the table)


def _number(v):
    """20.0 → 20 (a CSV says 20, not 20.0); other values as they are."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def page_url(base: str, p: Power) -> str:
    """A power's page: absolute under the site's --base-url (`base`, ending in /), else relative to the site's root."""
    return f"{base}powers/{p.basic_code}.html"


def _levels(d: Department, p: Power) -> list[int]:
    return p.levels or [p.level or d.level]


def _level_names(d: Department, p: Power) -> str:
    return "、".join(f"{LEVELS[v]}级" for v in _levels(d, p) if v in LEVELS)


_LEVEL_VALUES = "；".join(f"{k}（{v}级）" for k, v in LEVELS.items())
_UNITS = "工作日、自然日、月、年"
_P = "powers[]."

POWER_COLUMNS = [
    Column("基本编码", lambda d, p, b: p.basic_code, "事项的基本编码，在本清单中唯一，也是事项网页的文件名",
           json=_P + "basic_code"),
    Column("实施编码", lambda d, p, b: p.implementation_code, "事项的实施编码", json=_P + "implementation_code"),
    Column("部门", lambda d, p, b: d.name, "实施部门名称", json="departments[].name"),
    Column("职权名称", lambda d, p, b: p.name, "职权（事项）名称；子项行为所属事项的名称", json=_P + "name"),
    Column("子项名称", lambda d, p, b: p.sub_item, "子项名称；事项本身的行为空", json=_P + "sub_item"),
    Column("职权类别", lambda d, p, b: p.category, "权力类别", values="、".join(CATEGORIES), json=_P + "category"),
    Column("实施依据", lambda d, p, b: p.legal_basis_text, "实施依据（法律法规条款原文引用，按填报原样）",
           json=_P + "legal_basis_text"),
    Column("承办机构", lambda d, p, b: p.unit, "部门内具体承办的机构", json=_P + "unit"),
    Column("行使层级", lambda d, p, b: "、".join(map(str, p.levels)) or p.level or d.level,
           "行使层级代码，多个以“、”分隔；未单独填写的为部门本级。名称见“行使层级名称”列",
           values=_LEVEL_VALUES, json=_P + "levels / level，缺省为 departments[].level"),
    # a limit with its unit (20个工作日, 30日, 3个月), as read; as written when it is no number (无, 法律未规定)
    Column("法定时限", lambda d, p, b: limit_text(*p.statutory()) or p.statutory_limit,
           "法定办理时限，带单位（如 20个工作日、30日、3个月、即办）；不能读作时长的按填报原样（如 无、法律未规定）；空为未填写。"
           "数值和单位分列见“法定时限数值”“法定时限单位”", json=_P + "statutory_limit"),
    Column("承诺时限", lambda d, p, b: limit_text(*p.promised()) or p.promised_limit,
           "承诺办理时限，写法同“法定时限”", json=_P + "promised_limit"),
    Column("收费依据及标准", lambda d, p, b: p.fee, "收费依据及标准，按填报原样；空为未填写（网页显示“未填写”），"
           "“不收费”“免费”“无”等表示不收费", json=_P + "fee"),
    Column("办理条件", lambda d, p, b: p.conditions, "办理条件（Markdown 文本）", json=_P + "conditions"),
    Column("申请材料", lambda d, p, b: p.materials, "申请材料（Markdown 文本）", json=_P + "materials"),
    Column("数量限制", lambda d, p, b: p.quantity_limit, "数量限制", json=_P + "quantity_limit"),
    Column("责任事项", lambda d, p, b: p.responsibilities, "责任事项（Markdown 文本）", json=_P + "responsibilities"),
    Column("追责情形", lambda d, p, b: p.accountability, "追责情形（Markdown 文本）", json=_P + "accountability"),
    Column("状态", lambda d, p, b: p.status, "事项状态", values="、".join(STATUSES), json=_P + "status"),
    Column("流程", lambda d, p, b: flow_name(p), "办理流程名称；未填写的为该类别的标准流程",
           json=_P + "flow"),
    Column("无裁量空间", lambda d, p, b: "是" if p.no_discretion else ("否" if p.category == "行政处罚" else None),
           "行政处罚事项是否无裁量空间；其他类别为空", values="是、否、空", json=_P + "no_discretion（true/false）"),
    Column("裁量阶次数", lambda d, p, b: len(p.tiers) if p.category == "行政处罚" else None,
           "行政处罚事项的裁量阶次个数（各阶次见 tiers.csv）；其他类别为空", unit="个", json=_P + "tiers 的个数"),
    # added for re-users (2026): the same facts as codes, numbers and units, and where the page is
    Column("行使层级名称", lambda d, p, b: _level_names(d, p), "“行使层级”代码对应的名称，多个以“、”分隔",
           values="、".join(f"{v}级" for v in LEVELS.values())),
    Column("法定时限数值", lambda d, p, b: _number(p.statutory()[0]), "法定时限的数值（即办为 0）；不能读作时长的为空",
           unit="见“法定时限单位”", json=_P + "statutory_value"),
    Column("法定时限单位", lambda d, p, b: p.statutory()[1], "法定时限的单位", values=_UNITS, json=_P + "statutory_unit"),
    Column("承诺时限数值", lambda d, p, b: _number(p.promised()[0]), "承诺时限的数值（即办为 0）；不能读作时长的为空",
           unit="见“承诺时限单位”", json=_P + "promised_value"),
    Column("承诺时限单位", lambda d, p, b: p.promised()[1], "承诺时限的单位", values=_UNITS, json=_P + "promised_unit"),
    Column("职权类别代码", lambda d, p, b: CATEGORIES[p.category] if p.category in CATEGORIES else None,
           "“职权类别”的两位代码", values="；".join(f"{v}（{k}）" for k, v in CATEGORIES.items())),
    *(Column(f"{lv}风险点数", lambda d, p, b, lv=lv: _risk_counts(d, p)[lv],
             f"事项所用运行流程中风险等级为“{lv}”的廉政风险点个数（各风险点见各部门的廉政风险点登记表）", unit="个")
      for lv in RISK_LEVELS),
    Column("页面地址", lambda d, p, b: page_url(b, p),
           "事项在本网站上的网页地址；发布时给出网站地址的为完整网址，否则为相对网站根目录的路径"),
]
_RISKS: dict[int, tuple[list, dict[str, dict[str, int]]]] = {}


def _risk_counts(d: Department, p: Power) -> dict[str, int]:
    """The risk points of `p`'s flow by level (none: zeros); each department's flows counted once."""
    kept = _RISKS.get(id(d.flows))
    if kept is None or kept[0] is not d.flows:
        if len(_RISKS) > 64:
            _RISKS.clear()
        counts = {f.name: {lv: sum(s.risk_level == lv for s in f.steps if s.risk) for lv in RISK_LEVELS}
                  for f in d.flows}
        kept = _RISKS[id(d.flows)] = (d.flows, counts)
    return kept[1].get(flow_name(p), dict.fromkeys(RISK_LEVELS, 0))
_T = "powers[].tiers[]."
TIER_COLUMNS = [
    Column("基本编码", lambda d, p, t, b: p.basic_code, "所属事项（或子项）的基本编码", json=_P + "basic_code"),
    Column("职权名称", lambda d, p, t, b: p.full_name, "所属事项的名称，子项为“事项名称（子项名称）”"),
    Column("阶次", lambda d, p, t, b: t.tier, "裁量阶次序号，从 1 起，数字越大情节越重", json=_T + "tier"),
    Column("违法情节", lambda d, p, t, b: "；".join(t.circumstances), "适用本阶次的违法情节，多个以“；”分隔",
           json=_T + "circumstances"),
    Column("处罚种类", lambda d, p, t, b: "、".join(t.kinds), "处罚种类，多个以“、”分隔", values="、".join(PENALTY_KINDS),
           json=_T + "kinds"),
    Column("裁量标准", lambda d, p, t, b: t.standard, "裁量标准（处罚的具体标准，按填报原样）", json=_T + "standard"),
    Column("罚款下限", lambda d, p, t, b: _number(t.fine.lower) if t.fine else None, "罚款幅度的下限；无罚款或未读出的为空",
           unit="见“单位”", json=_T + "fine.lower"),
    Column("罚款上限", lambda d, p, t, b: _number(t.fine.upper) if t.fine else None,
           "罚款幅度的上限；只有下限（“以上”）或无罚款的为空", unit="见“单位”", json=_T + "fine.upper"),
    Column("单位", lambda d, p, t, b: t.fine.unit if t.fine else None,
           "罚款下限、上限的单位：元；% 为“基数”的百分比；倍 为“基数”的倍数", values="元、%、倍", json=_T + "fine.unit"),
    Column("基数", lambda d, p, t, b: t.fine.base if t.fine else None, "单位为 % 或 倍 时的计算基数（如 货值金额）",
           json=_T + "fine.base"),
    # added for re-users (2026)
    Column("部门", lambda d, p, t, b: d.name, "实施部门名称", json="departments[].name"),
    Column("罚款幅度", lambda d, p, t, b: fine_text(t.fine), "罚款幅度，带单位的文字（如 2万元～5万元、货值金额1倍～3倍）",
           unit="元 / % / 倍"),
    Column("页面地址", lambda d, p, t, b: page_url(b, p), "所属事项在本网站上的网页地址，写法同 catalog.csv 的“页面地址”"),
]
DATA_COLUMNS = [c.name for c in POWER_COLUMNS]
TIER_NAMES = [c.name for c in TIER_COLUMNS]


def power_rows(d: Department, base: str = "") -> Iterator[list]:
    """A department's rows of the powers table (POWER_COLUMNS); `base`: the site's URL ("" for links from its root)."""
    for p in d.all_powers():
        yield [neutralize(c.get(d, p, base)) for c in POWER_COLUMNS]


def tier_rows(d: Department, base: str = "") -> Iterator[list]:
    """A department's rows of the tiers table (TIER_COLUMNS): one per discretion tier."""
    for p in d.all_powers():
        for t in p.tiers:
            yield [neutralize(c.get(d, p, t, base)) for c in TIER_COLUMNS]


def _csv_lines(rows: Iterable[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _csv_head(names: list[str]) -> bytes:
    return "\ufeff".encode("utf-8") + _csv_lines([names])  # a BOM: Excel reads it as UTF-8


CSV_HEAD = _csv_head(DATA_COLUMNS)
TIERS_HEAD = _csv_head(TIER_NAMES)


def catalog_csv(catalog: Catalog, base: str = "") -> bytes:
    """The whole catalog's CSV at once (a build joins its departments' lines: DepartmentRows)."""
    return CSV_HEAD + b"".join(_csv_lines(power_rows(d, base)) for d in catalog.departments)


def tiers_csv(catalog: Catalog, base: str = "") -> bytes:
    """Every discretion tier of the catalog as CSV, one row each (tiers.csv)."""
    return TIERS_HEAD + b"".join(_csv_lines(tier_rows(d, base)) for d in catalog.departments)


XLSX_CELL_CHARS = 32767  # Excel's limit on one cell's text
_CUT_NOTE = "……（超出 Excel 单元格长度上限，全文见 catalog.csv / catalog.json）"


def _fit_cell(value):
    """A text longer than an Excel cell holds is cut with a note saying where the whole text is
    (XlsxWriter would cut it silently; the CSV and JSON keep it whole)."""
    if isinstance(value, str) and len(value) > XLSX_CELL_CHARS:
        return value[:XLSX_CELL_CHARS - len(_CUT_NOTE)] + _CUT_NOTE
    return value


def _xlsx_rows(rows: Iterable[list]) -> list[list]:
    return [[_fit_cell(v) for v in r] for r in rows]


SHEETS = ("权力清单", "裁量基准")


def xlsx_sheets(departments: Iterable[Department], base: str = "") -> list[tuple[str, list, list[list]]]:
    """The open-data workbook's sheets (权力清单, 裁量基准) as rows ready to write."""
    departments = list(departments)
    return [(SHEETS[0], DATA_COLUMNS, [r for d in departments for r in _xlsx_rows(power_rows(d, base))]),
            (SHEETS[1], TIER_NAMES, [r for d in departments for r in _xlsx_rows(tier_rows(d, base))])]


def catalog_xlsx(catalog: Catalog, release: date | None, base: str = "") -> bytes:
    """The whole catalog's Excel file at once (a build writes it from DepartmentRows' files)."""
    buf = io.BytesIO()
    write_sheets(buf, release, xlsx_sheets(catalog.departments, base))
    return buf.getvalue()


def department_stems(departments: Iterable[Department]) -> list[str]:
    """Each department's file name (without extension) under data/departments/: its number when that
    is a plain name (letters, digits, - and _, as the site's department pages use it), else one made
    of a hash of its name; a name met twice is numbered (-2, -3)."""
    import re

    stems, seen = [], set()
    for d in departments:
        stem = d.number if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}", d.number or "") else \
            "d" + hashlib.sha256(d.name.encode("utf-8")).hexdigest()[:12]
        got, n = stem, 1
        while got.lower() in seen:
            n += 1
            got = f"{stem}-{n}"
        seen.add(got.lower())
        stems.append(got)
    return stems


# ---------------------------------------------------------------- each department's rows, kept
class DepartmentRows:
    """Each department's open-data rows in files of their own, named by its public JSON record (and
    this code, and the site's URL the rows link to): its CSV lines of each table, and its Excel rows
    of each sheet (pickles), and its own Excel file (by release date too: the file says when it was
    made). Making the rows was a second of every build, a one-department change included; kept, a
    build makes the changed department's only and joins the rest. The Excel writer reads the rows
    from these files, so no process holds a city's rows at once. Given no folder, the files are
    temporary."""

    KINDS = ("csv", "tiers.csv", "powers.pickle", "tiers.pickle")

    def __init__(self, folder: Path | None = None, base: str = "", release: date | None = None):
        self.temporary = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="powers-rows-")) if folder is None else Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.base, self.release = base, release
        self.keys: list[str] = []

    @classmethod
    def of(cls, catalog: Catalog, folder: Path | None = None, base: str = "") -> "DepartmentRows":
        from .catalog import department_json

        rows = cls(folder, base, catalog.release_date)
        for d in catalog.departments:
            rows.add(d, department_json(d))
        return rows

    def add(self, d: Department, record: bytes) -> bool:
        """Department `d`, whose public JSON is `record` (what its rows are made from), next;
        whether its rows had to be made (False: they were kept)."""
        import pickle

        from .cache import key, write_atomic

        k = key("open-data-rows", record, self.base)
        self.keys.append(k)
        if all(self._file(k, kind).is_file() for kind in self.KINDS):
            return False
        powers, tiers = list(power_rows(d, self.base)), list(tier_rows(d, self.base))
        write_atomic(self._file(k, "tiers.pickle"), pickle.dumps(_xlsx_rows(tiers), pickle.HIGHEST_PROTOCOL))
        write_atomic(self._file(k, "powers.pickle"), pickle.dumps(_xlsx_rows(powers), pickle.HIGHEST_PROTOCOL))
        write_atomic(self._file(k, "tiers.csv"), _csv_lines(tiers))
        write_atomic(self._file(k, "csv"), _csv_lines(powers))
        return True

    def _file(self, k: str, kind: str) -> Path:
        return self.folder / f"{k}.{kind}"

    def _xlsx_kind(self) -> str:
        return f"{self.release.isoformat() if self.release else 'undated'}.xlsx"

    def csv(self) -> bytes:
        return CSV_HEAD + b"".join(self._file(k, "csv").read_bytes() for k in self.keys)

    def tiers_csv(self) -> bytes:
        return TIERS_HEAD + b"".join(self._file(k, "tiers.csv").read_bytes() for k in self.keys)

    def _sheets(self, keys: list[str]) -> list[tuple[str, list, list[str]]]:
        return [(SHEETS[0], DATA_COLUMNS, [str(self._file(k, "powers.pickle")) for k in keys]),
                (SHEETS[1], TIER_NAMES, [str(self._file(k, "tiers.pickle")) for k in keys])]

    def sheets(self) -> list[tuple[str, list, list[str]]]:
        """The workbook's sheets as (title, header, files of rows), as xlsxfile.write_sheets_from reads them."""
        return self._sheets(self.keys)

    def xlsx(self, release: date | None) -> bytes:
        buf = io.BytesIO()
        write_sheets_from(buf, release, self.sheets())
        return buf.getvalue()

    def department_xlsx_missing(self) -> list[tuple[str, list]]:
        """The departments' own Excel files not made yet, as (file, sheets) for xlsxfile.write_sheets_from."""
        return [(str(self._file(k, self._xlsx_kind())), self._sheets([k])) for k in dict.fromkeys(self.keys)
                if not self._file(k, self._xlsx_kind()).is_file()]

    def department_xlsx(self, i: int) -> Path:
        """The i-th department added: its own Excel file (made here if it is not yet)."""
        from .xlsxfile import write_atomic_from

        k = self.keys[i]
        path = self._file(k, self._xlsx_kind())
        if not path.is_file():
            write_atomic_from(str(path), self.release, self._sheets([k]))
        return path

    def close(self) -> None:
        """Remove the files of departments not added (kept files otherwise build up), or all of
        them when temporary. Nothing added (the files were not needed): nothing removed."""
        import shutil

        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if not self.keys:
            return
        kept = {self._file(k, kind).name for k in self.keys for kind in (*self.KINDS, self._xlsx_kind())}
        for f in self.folder.iterdir():
            if f.name not in kept:
                f.unlink(missing_ok=True)


# ---------------------------------------------------------------- the catalog's JSON, from its departments' records
def _head(catalog: Catalog) -> bytes:
    return (f'{{"schema_version":{catalog.schema_version},"release_date":'
            f'{json.dumps(catalog.release_date.isoformat() if catalog.release_date else None)},"departments":[').encode()


def record_index(catalog: Catalog, records: list[bytes]) -> dict:
    """Where each department's record lies in the catalog.json write_catalog_json makes of them,
    with its SHA-256: kept beside a release, it lets a later build read back only the departments
    that changed since (see releases.changed_since)."""
    at, spans = len(_head(catalog)), []
    for d, r in zip(catalog.departments, records):
        spans.append({"name": d.name, "sha256": hashlib.sha256(r).hexdigest(), "start": at, "end": at + len(r)})
        at += len(r) + 1  # the comma
    return {"release_date": catalog.release_date.isoformat() if catalog.release_date else None, "departments": spans}


def write_catalog_json(catalog: Catalog, records: list[bytes], out: Path) -> str:
    """Write the compact catalog.json of `catalog` from its departments' JSON `records`
    (catalog.department_json of each: the same bytes as catalog_json(compact=True)); returns its SHA-256."""
    head = _head(catalog)
    h = hashlib.sha256()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        def put(b: bytes) -> None:
            h.update(b)
            f.write(b)

        put(head)
        for i, r in enumerate(records):
            if i:
                put(b",")
            put(r)
        put(b"]}\n")
    return h.hexdigest()


# ---------------------------------------------------------------- the Excel file, beside the build
class XlsxApart:
    """catalog.xlsx written by a fresh interpreter running powers/xlsxfile.py from `rows`' files,
    while the build goes on, and then each department's own Excel file not kept yet (into `rows`'
    folder); `result()` waits for them. XlsxWriter's part, seconds for a city, runs on the other
    core. Where no interpreter can be started, the files are written here when they are asked for.
    `rows` must stay open until then."""

    def __init__(self, rows: DepartmentRows, release: date | None):
        import pickle

        from .parallel import Apart

        self.rows, self.release = rows, release
        fd, listing = tempfile.mkstemp(prefix="powers-xlsx-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((release, rows.sheets(), rows.department_xlsx_missing()), f, protocol=pickle.HIGHEST_PROTOCOL)
        self.listing, self.out = Path(listing), Path(listing).with_suffix(".xlsx")
        self.apart = Apart.start(["-P", str(Path(__file__).with_name("xlsxfile.py")), str(self.listing), str(self.out)],
                                 [self.listing, self.out])

    def result(self) -> bytes:
        if self.apart is None:
            return self.rows.xlsx(self.release)
        try:
            self.apart.wait()
            return self.out.read_bytes()
        except (RuntimeError, OSError) as e:
            raise RuntimeError(f"catalog.xlsx 生成失败 / could not write catalog.xlsx: {e}") from None
        finally:
            self.close()

    def close(self) -> None:
        if self.apart is not None:
            self.apart.close()
        self.listing.unlink(missing_ok=True)


# ---------------------------------------------------------------- for re-users: the data dictionary and the licence
DICTIONARY_COLUMNS = [
    ("数据表", "字段所在的数据表"), ("文件", "含有该数据表的文件（工作表）"), ("字段", "列名（CSV 首行、Excel 工作表首行）"),
    ("含义", "字段的含义和写法"), ("单位", "数值的单位；空为不适用"), ("取值范围", "允许的取值；空为自由文本"),
    ("JSON 字段", "catalog.json 中对应的字段（结构见 catalog.schema.json）：powers[] 指 departments[].powers[] 及其子项 "
                 "sub_items[]；空为仅在表格文件中提供"),
]
DICTIONARY_TABLES = [
    ("事项", ["catalog.csv", "catalog.xlsx（工作表“权力清单”）", "departments/<部门文件名>.xlsx（工作表“权力清单”）"],
     "每个公开的事项和子项各一行", [(c.name, c.meaning, c.unit, c.values, c.json) for c in POWER_COLUMNS]),
    ("裁量基准", ["tiers.csv", "catalog.xlsx（工作表“裁量基准”）", "departments/<部门文件名>.xlsx（工作表“裁量基准”）"],
     "行政处罚事项的每个裁量阶次一行", [(c.name, c.meaning, c.unit, c.values, c.json) for c in TIER_COLUMNS]),
    ("数据字典", ["dictionary.csv", "dictionary.json（键名为 field、meaning、unit、values、json）"],
     "每个数据表的每个字段一行", [(n, m, "", "", "") for n, m in DICTIONARY_COLUMNS]),
]


def dictionary_rows() -> list[list[str]]:
    """The data dictionary: every column of every table (DICTIONARY_COLUMNS' fields), one row each."""
    return [[table, "；".join(files), *field] for table, files, _, fields in DICTIONARY_TABLES for field in fields]


def dictionary_csv() -> bytes:
    return _csv_head([n for n, _ in DICTIONARY_COLUMNS]) + _csv_lines([neutralize(v) for v in r] for r in dictionary_rows())


def dictionary_json() -> bytes:
    tables = [{"table": table, "files": files, "rows": rows,
               "fields": [dict(zip(("field", "meaning", "unit", "values", "json"), f)) for f in fields]}
              for table, files, rows, fields in DICTIONARY_TABLES]
    doc = {"encoding": "CSV 文件为 UTF-8（带 BOM）编码，逗号分隔，首行为列名；以 =、+、-、@ 等开头的文本前加了单引号（防止公式注入）",
           "catalog_json": "catalog.json 的结构见 catalog.schema.json；其中未取值的字段省略", "tables": tables}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def licence_paragraphs(publisher: str) -> list[str]:
    """The terms of use of the open data, as the data page and LICENSE.txt state them: free reuse,
    attribution, no endorsement. A statement of this site's own terms, naming no other instrument."""
    return [f"本站开放数据由{publisher}提供。",
            "任何单位和个人均可免费获取、复制、传播、改编和再利用本站开放数据，包括用于商业用途，无需申请授权。",
            f"使用时请注明“数据来源：{publisher}”及所用数据的发布日期；对数据作了修改、加工或与其他数据合并的，"
            "请予以说明，不得歪曲数据原意。",
            "不得以任何方式表示或暗示数据提供方认可、支持使用者及其产品、服务或观点。",
            "数据按发布时的原样提供，各事项以实施部门依法公布的权力清单为准；对使用者因使用本数据产生的后果，数据提供方不承担责任。"]


def licence_text(publisher: str, release: str, data_page: str) -> bytes:
    """data/LICENSE.txt: the terms of use, where the data and its dictionary are described, and the files."""
    lines = [f"{publisher} 开放数据使用说明", "", f"发布日期：{release}", f"说明页面：{data_page}", "",
             "一、使用许可", "", *licence_paragraphs(publisher), "",
             "二、数据文件", "",
             "catalog.json          完整目录（JSON），结构见 catalog.schema.json",
             "catalog.csv           事项一览，每个事项和子项一行",
             "tiers.csv             裁量基准，每个裁量阶次一行",
             "catalog.xlsx          事项一览和裁量基准（Excel，两个工作表）",
             "departments/          各部门的 Excel 文件（<部门文件名>.xlsx，两个工作表同 catalog.xlsx）",
             "dictionary.csv/.json  数据字典：每个文件每个字段的含义、单位和取值范围", "",
             "CSV 文件为 UTF-8（带 BOM）编码，可直接用 Excel 打开；以 =、+、-、@ 等开头的文本前加了单引号（防止公式注入）。",
             "本数据只含公开范围为“社会”的事项。"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
