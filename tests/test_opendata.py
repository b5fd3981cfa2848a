"""Open data made the fast ways is the same as made the plain ways."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from powers import build_catalog, opendata, site, validate
from powers.catalog import catalog_json, department_json
from powers.codes import CodeRegistry
from powers.models import Catalog, Department


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    with CodeRegistry(tmp_path_factory.mktemp("codes") / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([ROOT / "inventories"], jobs=1), reg)
    return site.public_view(catalog).catalog


def test_catalog_json_from_department_records_is_the_catalogs_json(public, tmp_path):
    records = [department_json(d) for d in public.departments]
    digest = opendata.write_catalog_json(public, records, tmp_path / "catalog.json")
    data = (tmp_path / "catalog.json").read_bytes()
    assert data == catalog_json(public, compact=True).encode("utf-8")
    import hashlib

    assert digest == hashlib.sha256(data).hexdigest()
    none = public.model_copy(update={"release_date": None})
    opendata.write_catalog_json(none, records, tmp_path / "none.json")
    assert (tmp_path / "none.json").read_bytes() == catalog_json(none, compact=True).encode("utf-8")


def test_compact_catalog_leaves_out_nulls_and_reads_back_the_same(public):
    """Open data leaves out the fields with no value: lossless only because every field that can
    be null has null for its default (a field defaulting to something else would read back as that)."""
    import json

    import pydantic

    models = {Catalog}
    seen = set()
    while models:
        m = models.pop()
        seen.add(m)
        for name, f in m.model_fields.items():
            if type(None) in getattr(f.annotation, "__args__", ()):
                assert not f.is_required() and f.default is None, f"{m.__name__}.{name}"
            for t in getattr(f.annotation, "__args__", (f.annotation,)):
                for u in (*getattr(t, "__args__", ()), t):
                    if isinstance(u, type) and issubclass(u, pydantic.BaseModel) and u not in seen:
                        models.add(u)
    assert Department in seen and len(seen) > 6
    text = catalog_json(public, compact=True)
    assert ":null" not in text.replace('"release_date":null', "")
    assert json.loads(text)["schema_version"] == public.schema_version
    assert Catalog.model_validate_json(text).model_dump() == public.model_dump()
    assert len(text) < len(public.model_dump_json()) * 0.9


def test_xlsx_written_apart_is_the_same_file(public):
    """The Excel file a separate process writes has the bytes of the one written here, and its
    cells are the rows of the CSV."""
    here = opendata.catalog_xlsx(public, public.release_date)
    rows = opendata.DepartmentRows.of(public)
    apart = opendata.XlsxApart(rows, public.release_date)
    assert apart.result() == here
    assert not apart.listing.exists() and not apart.out.exists()  # its files are gone
    assert rows.xlsx(public.release_date) == here and rows.csv() == opendata.catalog_csv(public)
    rows.close()
    assert not rows.folder.exists()
    import csv
    import io

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(here)).get_sheet_by_name("权力清单").to_python()
    rows = list(csv.reader(io.StringIO(opendata.catalog_csv(public).decode("utf-8-sig"))))
    assert len(sheet) == len(rows) > 300
    assert [[str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in r] for r in sheet] == rows


def test_xlsx_apart_failure_is_a_clear_error(public, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", "/bin/false")  # a writer process that fails
    apart = opendata.XlsxApart(opendata.DepartmentRows.of(public), public.release_date)
    with pytest.raises(RuntimeError, match="catalog.xlsx"):
        apart.result()
    assert not apart.listing.exists()


def test_a_large_site_writes_its_excel_file_apart(book, tmp_path, monkeypatch):
    """Above XLSX_APART_ABOVE powers the build writes catalog.xlsx in another process: same site."""
    src = book.save(tmp_path / "in" / "d.xlsx")
    plain = site.build_site(_view(src, tmp_path / "a"), tmp_path / "plain")
    monkeypatch.setattr(site, "XLSX_APART_ABOVE", 0)
    started = []
    real = opendata.XlsxApart.__init__
    monkeypatch.setattr(opendata.XlsxApart, "__init__", lambda self, *a: started.append(1) or real(self, *a))
    apart = site.build_site(_view(src, tmp_path / "b"), tmp_path / "apart")
    assert started and plain == apart
    for name in ("catalog.xlsx", "catalog.json", "catalog.csv"):
        assert (tmp_path / "plain" / "data" / name).read_bytes() == (tmp_path / "apart" / "data" / name).read_bytes()


def _view(src, tmp):
    with CodeRegistry(tmp / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([src], jobs=1), reg)
    return site.public_view(catalog)


def test_closing_a_running_writer_stops_it_and_removes_its_files(public):
    rows = opendata.DepartmentRows.of(public)
    apart = opendata.XlsxApart(rows, public.release_date)
    apart.close()
    assert apart.apart.proc.returncode is not None
    assert not apart.listing.exists() and not apart.out.exists()
    assert all(Path(f).is_file() for _, _, files in rows.sheets() for f in files)  # the rows are the caller's
    rows.close()


def test_kept_department_rows_are_made_once_and_pruned(public, tmp_path):
    """A department's rows are made again only when its public record changes; the files of a
    department no longer in the catalog are removed; the joined files equal the plain ones."""
    folder = tmp_path / "rows"
    first = opendata.DepartmentRows.of(public, folder)
    first.close()
    stamps = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
    kinds = len(opendata.DepartmentRows.KINDS)
    assert len(stamps) == kinds * len(public.departments)
    changed = public.model_copy(deep=True)
    changed.departments[0].powers[0].unit = "改过的承办机构"
    del changed.departments[-1]
    second = opendata.DepartmentRows.of(changed, folder)
    assert second.csv() == opendata.catalog_csv(changed) and "改过的承办机构".encode() in second.csv()
    assert second.xlsx(changed.release_date) == opendata.catalog_xlsx(changed, changed.release_date)
    second.close()
    now = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
    assert len(now) == kinds * len(changed.departments)
    kept = [k for k in now if k in stamps]
    assert len(kept) == kinds * (len(changed.departments) - 1) and all(now[k] == stamps[k] for k in kept)
    opendata.DepartmentRows(folder).close()  # nothing added: nothing removed
    assert len(list(folder.iterdir())) == len(now)


def test_text_longer_than_an_excel_cell_is_cut_with_a_note():
    long = "条" * 40000
    cut = opendata._fit_cell(long)
    assert len(cut) == opendata.XLSX_CELL_CHARS and cut.endswith("全文见 catalog.csv / catalog.json）")
    assert opendata._fit_cell("短") == "短" and opendata._fit_cell(3) == 3


# ---------------------------------------------------------------- open data for re-users
# the columns catalog.csv had before (re-users read them by name and position): never renamed or moved
OLD_COLUMNS = ["基本编码", "实施编码", "部门", "职权名称", "子项名称", "职权类别", "实施依据", "承办机构", "行使层级",
               "法定时限", "承诺时限", "收费依据及标准", "办理条件", "申请材料", "数量限制", "责任事项", "追责情形",
               "状态", "流程", "无裁量空间", "裁量阶次数"]
OLD_TIER_COLUMNS = ["基本编码", "职权名称", "阶次", "违法情节", "处罚种类", "裁量标准", "罚款下限", "罚款上限", "单位", "基数"]
BASE = "https://example.gov.cn/qlqd/"


def _csv(path):
    import csv

    return list(csv.reader(path.read_text("utf-8-sig").splitlines()))


def _sheets(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: ws for ws in wb}


@pytest.fixture(scope="module")
def built(public, tmp_path_factory):
    """The demo inventories' site with a --base-url, and without one."""
    out = tmp_path_factory.mktemp("od")
    site.build_site(public, out / "abs", options=site.SiteOptions(base_url=BASE.rstrip("/")))
    site.build_site(public, out / "rel")
    return public, out / "abs", out / "rel"


def test_csv_keeps_its_columns_and_adds_codes_units_and_page(built):
    public, root, rel = built
    rows = _csv(root / "data" / "catalog.csv")
    head = rows[0]
    assert head[:len(OLD_COLUMNS)] == OLD_COLUMNS  # added columns come after
    assert head[len(OLD_COLUMNS):] == ["行使层级名称", "法定时限数值", "法定时限单位", "承诺时限数值", "承诺时限单位",
                                       "职权类别代码", "高风险点数", "中风险点数", "低风险点数", "页面地址"]
    by_code = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    assert len(by_code) == sum(1 for _ in public.all_powers())
    for d, p in public.all_powers():
        r = by_code[p.basic_code]
        assert r["页面地址"] == f"{BASE}powers/{p.basic_code}.html"
        assert (root / "powers" / f"{p.basic_code}.html").is_file()  # the page is there
        assert r["行使层级名称"] == "、".join(f"{site.LEVELS[v]}级" for v in (p.levels or [p.level or d.level]))
        n, unit = p.statutory()
        assert r["法定时限单位"] == (unit or "") and r["法定时限数值"] == ("" if n is None else f"{n:g}")
        if n is not None:  # the text says the same number and unit
            assert r["法定时限"] == opendata.limit_text(n, unit)
        assert r["职权类别代码"] == site.CATEGORIES[p.category]
        assert r["无裁量空间"] in (("是", "否") if p.category == "行政处罚" else ("",))
    city = [r for r in by_code.values() if r["行使层级"] == "3"]
    assert city and all(r["行使层级名称"] == "市级" for r in city)
    assert any(r["法定时限单位"] == "工作日" and r["法定时限数值"].isdigit() for r in by_code.values())
    # without --base-url: a path from the site's root
    rel_rows = _csv(rel / "data" / "catalog.csv")
    assert all(r[-1] == f"powers/{r[0]}.html" for r in rel_rows[1:])


def test_tiers_csv_has_one_row_per_tier_and_matches_the_excel_sheet(built):
    public, root, _ = built
    rows = _csv(root / "data" / "tiers.csv")
    head = rows[0]
    assert head[:len(OLD_TIER_COLUMNS)] == OLD_TIER_COLUMNS and head[len(OLD_TIER_COLUMNS):] == ["部门", "罚款幅度", "页面地址"]
    expected = [(d.name, p, t) for d, p in public.all_powers() for t in p.tiers]
    assert len(rows) - 1 == len(expected) > 300
    for r, (dept, p, t) in zip(rows[1:], expected):
        r = dict(zip(head, r))
        assert (r["基本编码"], r["职权名称"], r["部门"], r["阶次"]) == (p.basic_code, p.full_name, dept, str(t.tier))
        assert r["页面地址"] == f"{BASE}powers/{p.basic_code}.html"
        if t.fine and t.fine.lower is not None:
            assert r["罚款下限"] == f"{t.fine.lower:g}" and r["单位"] == t.fine.unit  # 20, not 20.0
            assert r["罚款幅度"] == opendata.fine_text(t.fine)
    sheet = _sheets(root / "data" / "catalog.xlsx")["裁量基准"]
    cells = [["" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in row]
             for row in sheet.iter_rows(values_only=True)]
    assert cells == rows


def test_every_excel_file_has_a_frozen_header_and_a_filter(built):
    import openpyxl.utils

    _, root, _ = built
    files = [root / "data" / "catalog.xlsx", *sorted((root / "data" / "departments").glob("*.xlsx"))]
    assert len(files) == 1 + len(built[0].departments)
    for f in files:
        for title, ws in _sheets(f).items():
            assert ws.freeze_panes == "A2", (f.name, title)
            last = openpyxl.utils.get_column_letter(ws.max_column)
            assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", (f.name, title)


def test_each_department_has_its_excel_file_linked_from_the_data_page(built):
    public, root, _ = built
    page = (root / "data.html").read_text("utf-8")
    whole = _sheets(root / "data" / "catalog.xlsx")
    joined = {"权力清单": [], "裁量基准": []}
    for d, stem in zip(public.departments, opendata.department_stems(public.departments)):
        f = root / "data" / "departments" / f"{stem}.xlsx"
        assert f'href="data/departments/{stem}.xlsx"' in page and d.name in page
        sheets = _sheets(f)
        assert list(sheets) == ["权力清单", "裁量基准"]
        for title, ws in sheets.items():
            rows = list(ws.iter_rows(values_only=True))
            assert rows[0] == next(whole[title].iter_rows(values_only=True))
            assert all(r[list(rows[0]).index("部门")] == d.name for r in rows[1:])
            joined[title] += rows[1:]
    for title, ws in whole.items():  # together they are the whole workbook, row for row
        assert joined[title] == list(ws.iter_rows(values_only=True))[1:]
    assert sorted(f.name for f in (root / "data" / "departments").iterdir()) == \
        sorted(f"{s}.xlsx" for s in opendata.department_stems(public.departments))


def test_department_file_names_are_safe_and_distinct():
    def dept(number, name):
        return Department(name=name, number=number, region_code="379900", credit_code="x", level=3, file="f.xlsx")

    stems = opendata.department_stems([dept("05", "甲局"), dept("../x", "乙局"), dept("05", "丙局"), dept("公安", "丁局"),
                                       dept("AB", "戊局"), dept("ab", "己局")])
    assert stems[0] == "05" and stems[2] == "05-2" and stems[4] == "AB" and stems[5] == "ab-2"
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", s) for s in stems)
    assert len({s.lower() for s in stems}) == len(stems)


def test_dictionary_describes_every_column_of_every_file(built):
    import json

    public, root, _ = built
    data = root / "data"
    rows = _csv(data / "dictionary.csv")
    head, described = rows[0], {}
    assert head == ["数据表", "文件", "字段", "含义", "单位", "取值范围", "JSON 字段"]
    for r in rows[1:]:
        described.setdefault(r[0], []).append(r[2])
        assert r[3], r  # every field has a meaning
    tables = {"事项": [_csv(data / "catalog.csv")[0], *(list(next(_sheets(f)["权力清单"].iter_rows(values_only=True)))
                                                      for f in [data / "catalog.xlsx", *data.glob("departments/*.xlsx")])],
              "裁量基准": [_csv(data / "tiers.csv")[0], *(list(next(_sheets(f)["裁量基准"].iter_rows(values_only=True)))
                                                    for f in [data / "catalog.xlsx", *data.glob("departments/*.xlsx")])],
              "数据字典": [head]}
    for table, heads in tables.items():
        for h in heads:
            assert described[table] == h, table
    doc = json.loads((data / "dictionary.json").read_text("utf-8"))
    assert [(t["table"], [f["field"] for f in t["fields"]]) for t in doc["tables"]] == list(described.items())
    by_field = {(t["table"], f["field"]): f for t in doc["tables"] for f in t["fields"]}
    assert by_field[("事项", "法定时限单位")]["values"] == "工作日、自然日、月、年"
    assert "3（市级）" in by_field[("事项", "行使层级")]["values"]
    assert by_field[("裁量基准", "单位")]["values"] == "元、%、倍"
    assert by_field[("事项", "法定时限数值")]["json"] == "powers[].statutory_value"
    # the page: linked from the data page, every field of every table on it
    assert 'href="data-dictionary.html"' in (root / "data.html").read_text("utf-8")
    page = (root / "data-dictionary.html").read_text("utf-8")
    for table, fields in described.items():
        assert f"<h2" in page and table in page
        for f in fields:
            assert f'<th scope="row">{f}</th>' in page
    # every file of data/ is one the dictionary or the data page names
    listed = (root / "data.html").read_text("utf-8")
    for f in data.iterdir():
        assert f.name in listed or f.name == "departments", f.name


def test_licence_is_stated_with_the_publisher(built):
    public, root, _ = built
    name = site.site_name(public)
    text = (root / "data" / "LICENSE.txt").read_text("utf-8")
    for page in (root / "data.html", root / "data-dictionary.html"):
        html = page.read_text("utf-8")
        assert f"本站开放数据由{name}提供" in html and "不得以任何方式表示或暗示数据提供方认可" in html
    assert f"本站开放数据由{name}提供" in text and f"数据来源：{name}" in text and "商业用途" in text
    assert f"说明页面：{BASE}data.html" in text
    assert "data.html" in (built[2] / "data" / "LICENSE.txt").read_text("utf-8")


def test_new_files_neutralize_formulas_and_hold_no_internal_item(book, tmp_path):
    """tiers.csv, the departments' Excel files and every other data file: a text that could start a
    formula is text, and an internal item (with its tiers) reaches no byte, zipped ones included."""
    import io
    import zipfile

    from conftest import licence, penalty, tier

    from powers.pipeline import build

    book.powers[1]["承办机构"] = "＝1+1"  # openpyxl would write "=1+1" as a formula
    book.tiers[0]["违法情节"] = "＠SUM(A1)"
    book.powers.append(penalty(序号="3", 职权名称="内部处罚甲", 公开范围="内部", 承办机构="内部科室乙"))
    book.powers.append(licence(序号="4", 职权名称="公开主项", 子项名称="内部子项丙", 公开范围="内部"))
    book.tiers.append(tier(1, "内部情节丁", 20, 50, 职权序号="3"))
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False,
              options=site.SiteOptions(base_url=BASE))
    assert not r.validation.errors
    data = tmp_path / "site" / "data"
    tiers = _csv(data / "tiers.csv")
    assert tiers[1][3] == "'＠SUM(A1)" and len(tiers) == 4
    rows = _csv(data / "catalog.csv")
    assert any(row[7] == "'＝1+1" for row in rows)
    for f in [data / "catalog.xlsx", *data.glob("departments/*.xlsx")]:
        values = [c for ws in _sheets(f).values() for row in ws.iter_rows(values_only=True) for c in row]
        assert "'＝1+1" in values and "'＠SUM(A1)" in values and "＝1+1" not in values
    for f in tmp_path.joinpath("site").rglob("*"):
        if not f.is_file():
            continue
        blobs = [f.read_bytes()]
        if f.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(blobs[0])) as z:
                blobs += [z.read(n) for n in z.namelist()]
        for b in blobs:
            for secret in ("内部处罚甲", "内部科室乙", "内部子项丙", "内部情节丁"):
                assert secret.encode("utf-8") not in b, (f, secret)


def test_rows_kept_for_one_site_address_are_not_used_for_another(public, tmp_path):
    """A department's kept rows carry the site's address: another --base-url makes them again."""
    folder = tmp_path / "rows"
    first = opendata.DepartmentRows.of(public, folder, BASE)
    assert BASE.encode() in first.csv() and BASE.encode() in first.tiers_csv()
    first.close()
    other = opendata.DepartmentRows.of(public, folder, "https://other.example/")
    assert BASE.encode() not in other.csv() + other.tiers_csv()
    assert other.csv() == opendata.catalog_csv(public, "https://other.example/")
    assert other.tiers_csv() == opendata.tiers_csv(public, "https://other.example/")
    other.close()


def test_each_row_counts_the_risk_points_of_its_flow(built):
    public, root, rel = built
    rows = _csv(root / "data" / "catalog.csv")
    head = rows[0]
    by_code = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    for d, p in public.all_powers():
        flow = next((f for f in d.flows if f.name == (p.flow or f"{p.category}标准流程")), None)
        for lv in ("高", "中", "低"):
            n = sum(s.risk_level == lv for s in flow.steps if s.risk) if flow else 0
            assert by_code[p.basic_code][f"{lv}风险点数"] == str(n)
