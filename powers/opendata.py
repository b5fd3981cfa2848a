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
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from .models import Catalog, Department
from .normalize import limit_text
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


DATA_COLUMNS = [
    ("基本编码", lambda d, p: p.basic_code), ("实施编码", lambda d, p: p.implementation_code),
    ("部门", lambda d, p: d.name), ("职权名称", lambda d, p: p.name), ("子项名称", lambda d, p: p.sub_item),
    ("职权类别", lambda d, p: p.category), ("实施依据", lambda d, p: p.legal_basis_text),
    ("承办机构", lambda d, p: p.unit), ("行使层级", lambda d, p: "、".join(map(str, p.levels)) or p.level or d.level),
    # a limit with its unit (20个工作日, 30日, 3个月), as read; as written when it is no number (无, 法律未规定)
    ("法定时限", lambda d, p: limit_text(*p.statutory()) or p.statutory_limit),
    ("承诺时限", lambda d, p: limit_text(*p.promised()) or p.promised_limit),
    ("收费依据及标准", lambda d, p: p.fee), ("办理条件", lambda d, p: p.conditions),
    ("申请材料", lambda d, p: p.materials), ("数量限制", lambda d, p: p.quantity_limit),
    ("责任事项", lambda d, p: p.responsibilities), ("追责情形", lambda d, p: p.accountability),
    ("状态", lambda d, p: p.status), ("流程", lambda d, p: p.flow or f"{p.category}标准流程"),
    ("无裁量空间", lambda d, p: "是" if p.no_discretion else ("否" if p.category == "行政处罚" else None)),
    ("裁量阶次数", lambda d, p: len(p.tiers) if p.category == "行政处罚" else None),
]
TIER_COLUMNS = ["基本编码", "职权名称", "阶次", "违法情节", "处罚种类", "裁量标准", "罚款下限", "罚款上限", "单位", "基数"]


def power_rows(d: Department) -> Iterator[list]:
    for p in d.all_powers():
        yield [neutralize(f(d, p)) for _, f in DATA_COLUMNS]


def tier_rows(d: Department) -> Iterator[list]:
    for p in d.all_powers():
        for t in p.tiers:
            f = t.fine
            yield [neutralize(v) for v in (p.basic_code, p.full_name, t.tier, "；".join(t.circumstances),
                                           "、".join(t.kinds), t.standard, f.lower if f else None,
                                           f.upper if f else None, f.unit if f else None, f.base if f else None)]


def _csv_lines(rows: Iterable[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


CSV_HEAD = "\ufeff".encode("utf-8") + _csv_lines([[c for c, _ in DATA_COLUMNS]])  # a BOM: Excel reads it as UTF-8


def catalog_csv(catalog: Catalog) -> bytes:
    """The whole catalog's CSV at once (a build joins its departments' lines: DepartmentRows)."""
    return CSV_HEAD + b"".join(_csv_lines(power_rows(d)) for d in catalog.departments)


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


def xlsx_sheets(departments: Iterable[Department]) -> list[tuple[str, list, list[list]]]:
    """The open-data workbook's sheets (权力清单, 裁量基准) as rows ready to write."""
    departments = list(departments)
    return [("权力清单", [c for c, _ in DATA_COLUMNS], [r for d in departments for r in _xlsx_rows(power_rows(d))]),
            ("裁量基准", TIER_COLUMNS, [r for d in departments for r in _xlsx_rows(tier_rows(d))])]


def catalog_xlsx(catalog: Catalog, release: date | None) -> bytes:
    """The whole catalog's Excel file at once (a build writes it from DepartmentRows' files)."""
    buf = io.BytesIO()
    write_sheets(buf, release, xlsx_sheets(catalog.departments))
    return buf.getvalue()


# ---------------------------------------------------------------- each department's rows, kept
class DepartmentRows:
    """Each department's open-data rows in files of their own, named by its public JSON record (and
    this code): its CSV lines, and its Excel rows of each sheet (pickles). Making the rows was a
    second of every build, a one-department change included; kept, a build makes the changed
    department's only and joins the rest. The Excel writer reads the rows from these files, so no
    process holds a city's rows at once. Given no folder, the files are temporary."""

    KINDS = ("csv", "powers.pickle", "tiers.pickle")

    def __init__(self, folder: Path | None = None):
        self.temporary = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="powers-rows-")) if folder is None else Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.keys: list[str] = []

    @classmethod
    def of(cls, catalog: Catalog, folder: Path | None = None) -> "DepartmentRows":
        from .catalog import department_json

        rows = cls(folder)
        for d in catalog.departments:
            rows.add(d, department_json(d))
        return rows

    def add(self, d: Department, record: bytes) -> bool:
        """Department `d`, whose public JSON is `record` (what its rows are made from), next;
        whether its rows had to be made (False: they were kept)."""
        import pickle

        from .cache import key, write_atomic

        k = key("open-data-rows", record)
        self.keys.append(k)
        if all(self._file(k, kind).is_file() for kind in self.KINDS):
            return False
        powers = list(power_rows(d))
        write_atomic(self._file(k, "tiers.pickle"), pickle.dumps(_xlsx_rows(tier_rows(d)), pickle.HIGHEST_PROTOCOL))
        write_atomic(self._file(k, "powers.pickle"), pickle.dumps(_xlsx_rows(powers), pickle.HIGHEST_PROTOCOL))
        write_atomic(self._file(k, "csv"), _csv_lines(powers))
        return True

    def _file(self, k: str, kind: str) -> Path:
        return self.folder / f"{k}.{kind}"

    def csv(self) -> bytes:
        return CSV_HEAD + b"".join(self._file(k, "csv").read_bytes() for k in self.keys)

    def sheets(self) -> list[tuple[str, list, list[str]]]:
        """The workbook's sheets as (title, header, files of rows), as xlsxfile.write_sheets_from reads them."""
        return [("权力清单", [c for c, _ in DATA_COLUMNS], [str(self._file(k, "powers.pickle")) for k in self.keys]),
                ("裁量基准", TIER_COLUMNS, [str(self._file(k, "tiers.pickle")) for k in self.keys])]

    def xlsx(self, release: date | None) -> bytes:
        buf = io.BytesIO()
        write_sheets_from(buf, release, self.sheets())
        return buf.getvalue()

    def close(self) -> None:
        """Remove the files of departments not added (kept files otherwise build up), or all of
        them when temporary. Nothing added (the files were not needed): nothing removed."""
        import shutil

        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if not self.keys:
            return
        kept = {self._file(k, kind).name for k in self.keys for kind in self.KINDS}
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
    while the build goes on; `result()` waits for it. XlsxWriter's part, seconds for a city, runs on
    the other core. Where no interpreter can be started, the file is written here when it is asked
    for. `rows` must stay open until then."""

    def __init__(self, rows: DepartmentRows, release: date | None):
        import pickle

        from .parallel import Apart

        self.rows, self.release = rows, release
        fd, listing = tempfile.mkstemp(prefix="powers-xlsx-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((release, rows.sheets()), f, protocol=pickle.HIGHEST_PROTOCOL)
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
