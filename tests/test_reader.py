"""The reader: every row of a sheet is read whatever the file claims about itself, and values
that are no values (NaN, impossible dates, an empty list, an unreadable scope header) are findings."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import Book, licence
from powers import validate
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
