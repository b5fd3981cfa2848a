"""The reader: every row of a sheet is read whatever the file claims about itself, and values
that are no values (NaN, impossible dates, an empty list, an unreadable scope header) are findings."""
from __future__ import annotations

import re
from datetime import date, datetime
import zipfile
from pathlib import Path

import pytest

from conftest import Book, licence
from powers import normalize, validate
from powers.read import read_workbook


def rewrite_sheet_xml(path: Path, sheet_name: str, edit) -> None:
    """Apply `edit` (bytes → bytes) to the XML of one sheet inside the saved workbook."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet_name}"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"|'
                       rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    name = (target.group(1) or target.group(2)).lstrip("/")
    name = name if name.startswith("xl/") else "xl/" + name
    parts[name] = edit(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_stale_dimension_does_not_hide_rows(book, tmp_path):
    """A sheet whose stored <dimension> is smaller than its data (other tools write such files)
    is read to its last row: all 7 powers, not the 3 rows the dimension claims."""
    book.powers = [licence(序号=str(i), 职权名称=f"测试许可{i}") for i in range(1, 8)]
    path = book.save(tmp_path / "stale.xlsx")
    rewrite_sheet_xml(path, "职权目录",
                      lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', xml))
    with zipfile.ZipFile(path) as z:  # the test really wrote a stale dimension
        assert any(b'<dimension ref="A1:C3"' in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    raw = read_workbook(path)
    assert [r.get("职权名称") for r in raw.tables["职权目录"]] == [f"测试许可{i}" for i in range(1, 8)]
    assert all(r.get("承办机构") == "审批科" for r in raw.tables["职权目录"])  # columns past C are read too
    r = validate([path])
    assert r.counts[str(path)].read == 7 + len(book.tiers) + len(book.flows)
    assert len(r.departments[0].powers) == 7


SCOPE_HEADERS = ["公开范围（社会/内部）", "公开范围(社会、内部)", "是否公开", "公开范围（必填，社会或内部）", "公开范围【社会/内部】",
                 "公开属性（社会、内部）"]


@pytest.mark.parametrize("header", SCOPE_HEADERS)
def test_scope_header_variants_map_to_scope(book, tmp_path, header):
    """However the 公开范围 header is written, its 内部 keeps the item off the public site."""
    book.drop_cols.add("公开范围")
    book.powers[0][header] = "内部"
    path = book.save(tmp_path / "scope.xlsx")
    raw = read_workbook(path)
    assert raw.tables["职权目录"][0].get("公开范围") == "内部"
    r = validate([path])
    assert not [f for f in r.findings if f.rule == "S007"], [f.value for f in r.findings if f.rule == "S007"]
    assert {p.name: p.scope for p in r.departments[0].all_powers()}["测试许可"] == "内部"


@pytest.mark.parametrize("extra", [{"公开属性": "社会"}, {"公开范围（社会/内部）": "社会"}, {"是否对社会公开说明": "是"},
                                   {"公开与否": "社会"}])
def test_second_or_unknown_scope_header_keeps_rows_out(book, tmp_path, extra):
    """Two scope columns (or one the reader cannot name) are an error, and no row of the file
    reaches the catalog: the item can never be published as 社会 by accident."""
    book.powers[0]["公开范围"] = "内部"
    book.powers[0].update(extra)
    path = book.save(tmp_path / "scope2.xlsx")
    r = validate([path])
    hits = [f for f in r.findings if f.rule == "S013"]
    assert hits and hits[0].severity == "error" and hits[0].cell and hits[0].value == next(iter(extra))
    assert not [f for f in r.findings if f.rule == "S007"]
    assert r.departments == []
    c = r.counts[str(path)]
    assert c.read and c.accepted == 0 and c.rejected == c.read


def test_bracketed_notes_in_other_headers(book, tmp_path):
    """A note in brackets after any known header does not hide the column."""
    book.drop_cols.add("承办机构")
    for p in book.powers:
        p["承办机构（内设科室）"] = p.pop("承办机构")
    r = validate([book.save(tmp_path / "notes.xlsx")])
    assert not [f for f in r.findings if f.rule in ("S007", "S009", "F101")]
    assert r.departments[0].powers[0].unit == "审批科"


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e400", "abc"])
def test_fine_that_is_not_a_number(book, tmp_path, value):
    """罚款下限/上限 typed as nan, inf or words no number can be read from is an error at the cell
    (it was published as "nan元～nan元", or silently replaced by the 裁量标准 words)."""
    for t in book.tiers:
        t["罚款下限"] = t["罚款上限"] = value
    path = book.save(tmp_path / "nan.xlsx")
    r = validate([path])
    hits = [f for f in r.findings if f.rule == "F117"]
    assert {(f.row, f.column) for f in hits} == {(i, c) for i in (2, 3, 4) for c in ("罚款下限", "罚款上限")}
    assert all(f.severity == "error" and f.value == value for f in hits)
    p = next(p for p in r.departments[0].all_powers() if p.category == "行政处罚")
    assert p.tiers == []  # rejected, never published
    c = r.counts[str(path)]
    assert c.read == c.accepted + c.rejected and c.rejected >= 3


@pytest.mark.parametrize("stored", [b"NaN", b"nan", b"INF", b"-inf", b"1E999", b"-1e999"])
def test_nan_or_inf_stored_as_a_number(book, tmp_path, stored):
    """A numeric cell whose stored value is NaN or infinite (written by another tool, or 1E999
    overflowing) is an F117 error at that cell, in any column, never a whole-file S001."""
    path = book.save(tmp_path / "nan.xlsx")
    rewrite_sheet_xml(path, "裁量基准", lambda xml: re.sub(
        rb'(<c r="G2"[^>]*>)<v>[^<]*</v>', rb'\1<v>' + stored + rb'</v>', re.sub(
            rb'(<c r="H3"[^>]*>)<v>[^<]*</v>', rb'\1<v>' + stored + rb'</v>', xml)))
    rewrite_sheet_xml(path, "流程", lambda xml: re.sub(
        rb'(<c r="E2"[^>]*>)<v>[^<]*</v>', rb'\1<v>' + stored + rb'</v>', xml))
    r = validate([path])
    assert not [f for f in r.findings if f.rule.startswith("S")]
    hits = {(f.sheet, f.cell) for f in r.findings if f.rule == "F117"}
    assert {("裁量基准", "G2"), ("裁量基准", "H3"), ("流程", "E2")} <= hits
    c = r.counts[str(path)]
    assert c.read == c.accepted + c.rejected and c.rejected >= 3


def test_formulas_read_their_cached_values(book, tmp_path):
    """A formula with a cached value reads as that value; one without is S008 at its cell (the row
    is not silently empty there); an error cell (#DIV/0!) reads as the error text it shows."""
    book.powers = [licence(序号=str(i), 职权名称=f"测试许可{i}") for i in range(1, 4)]
    path = book.save(tmp_path / "f.xlsx")  # 承办机构 is column G
    rewrite_sheet_xml(path, "职权目录", lambda xml: re.sub(
        rb'<c r="G2"[^>]*>.*?</c>', '<c r="G2" t="str"><f>"审批"&amp;"科"</f><v>审批科</v></c>'.encode(), re.sub(
            rb'<c r="G3"[^>]*>.*?</c>', b'<c r="G3"><f>A1&amp;B1</f><v></v></c>', re.sub(
                rb'<c r="G4"[^>]*>.*?</c>', b'<c r="G4" t="e"><f>1/0</f><v>#DIV/0!</v></c>', xml))))
    with zipfile.ZipFile(path) as z:  # the test really wrote the three formulas into 承办机构
        assert z.read("xl/worksheets/sheet2.xml").count(b"<f>") == 3
    raw = read_workbook(path)
    rows = raw.tables["职权目录"]
    assert [r.get("承办机构") for r in rows[:3]] == ["审批科", None, "#DIV/0!"]
    assert [(f.rule, f.cell, f.value) for f in raw.findings] == [("S008", "G3", "=A1&B1")]


def test_merged_cells_are_filled_from_their_top_left(book, tmp_path):
    import openpyxl

    book.powers = [licence(序号=str(i), 职权名称=f"测试许可{i}") for i in range(1, 4)]
    path = book.save(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["职权目录"]
    col = next(c.column_letter for c in ws[1] if c.value == "承办机构")
    ws[f"{col}2"] = "综合科"
    ws.merge_cells(f"{col}2:{col}4")
    wb.save(path)
    rows = read_workbook(path).tables["职权目录"]
    assert [r.get("承办机构") for r in rows[:3]] == ["综合科"] * 3
    assert rows[2].at("承办机构").cell == f"{col}4"


@pytest.mark.parametrize("value", ["", "/", "无"])
def test_empty_fine_columns_are_no_finding(book, tmp_path, value):
    for t in book.tiers:
        t["罚款下限"] = t["罚款上限"] = value or None
    r = validate([book.save(tmp_path / "empty.xlsx")])
    assert not [f for f in r.findings if f.rule == "F117"]


@pytest.mark.parametrize("value,why", [("9999-12-31", "晚一年以上"), (datetime(9999, 1, 1), "晚一年以上"),
                                       ("2028-01-01", "晚一年以上"),
                                       ("1900-01-01", "1949"), (datetime(1948, 12, 31), "1949"),
                                       ("2026年3月", "无法识别"), ("去年春天", "无法识别"), ("三月一日", "无法识别")])
def test_impossible_or_free_text_dates(book, tmp_path, value, why):
    book.info["填报日期"] = value
    r = validate([book.save(tmp_path / "date.xlsx")], today=date(2026, 11, 25))
    hits = [f for f in r.findings if f.rule == "F110"]
    assert hits and hits[0].severity == "error" and why in hits[0].message_zh, [f.message_zh for f in hits]
    assert r.departments[0].filled_date is None  # an impossible date is not used as the review date
    assert not [f for f in r.findings if f.rule == "L205"]


@pytest.mark.parametrize("value", [datetime(2026, 3, 1), "2026-12-01"])  # a form dated for the day it is sent
def test_plausible_date_is_no_finding(book, tmp_path, value):
    book.info["填报日期"] = value
    r = validate([book.save(tmp_path / "date.xlsx")], today=date(2026, 11, 25))
    assert not [f for f in r.findings if f.rule == "F110"]
    assert r.departments[0].filled_date == normalize.parse_date(value)


def test_headers_without_rows(book, tmp_path):
    """A 职权目录 with its header and no data row (a blank template sent back) is an error, not a
    silent exit 0: the department would publish nothing and look as if it had filed."""
    book.powers, book.tiers, book.flows = [], [], []
    path = book.save(tmp_path / "blank.xlsx")
    r = validate([path])
    hits = [f for f in r.findings if f.rule == "S012"]
    assert hits and hits[0].severity == "error" and hits[0].sheet == "职权目录"
    assert r.errors and r.departments == []
