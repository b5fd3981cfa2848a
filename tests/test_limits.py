"""Resource limits of the reader (issue 8, item 11): a file too large once inflated, a sheet with too
many rows and an over-long cell are located S findings, never unbounded memory or time. The hostile
files are built here, small: the limits are lowered for the test instead of writing gigabytes."""
from __future__ import annotations

import zipfile

import pytest
import python_calamine

from conftest import Book, licence
from powers import read, validate
from powers.read import read_workbook

from test_reader import rewrite_sheet_xml


def rules(findings):
    return [f.rule for f in findings]


def forbid_opening(monkeypatch):
    """Fail the test if calamine opens the workbook: a refused file must be refused before."""
    def never(*a, **k):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)


def test_limits_are_documented_values():
    assert read.MAX_UNCOMPRESSED == 200 * 1024 * 1024
    assert read.MAX_XLS_BYTES == 200 * 1024 * 1024
    assert read.MAX_ROWS == 50_000
    assert read.MAX_CELL_CHARS == 32_767
    assert read.MAX_CELLS == 5_000_000


# --- S014 file-too-large -------------------------------------------------------------------------

def inflating(path, n):
    """Pad the 职权目录 sheet XML with n spaces: n bytes uncompressed, a few KB in the zip."""
    rewrite_sheet_xml(path, "职权目录", lambda xml: xml.replace(b"</worksheet>", b" " * n + b"</worksheet>"))
    return path


def test_inflating_xlsx_is_refused_before_opening(book, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_UNCOMPRESSED", 1024 * 1024)
    path = inflating(book.save(tmp_path / "bomb.xlsx"), 2 * 1024 * 1024)
    assert path.stat().st_size < 100_000  # small on disk, large inflated
    with zipfile.ZipFile(path) as z:
        assert sum(i.file_size for i in z.infolist()) > 2 * 1024 * 1024

    forbid_opening(monkeypatch)
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S014"]
    f = raw.findings[0]
    assert f.severity == "error" and f.file == str(path) and "1.0 MB" in f.message_en
    assert not raw.usable and raw.tables == {}
    r = validate([path])
    assert "S014" in rules(r.findings) and r.departments == []


def test_xlsx_under_the_size_limit_is_read(book, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_UNCOMPRESSED", 1024 * 1024)
    path = inflating(book.save(tmp_path / "padded.xlsx"), 100_000)
    r = validate([path])
    assert "S014" not in rules(r.findings)
    assert len(r.departments) == 1 and len(r.departments[0].powers) == 2


def fake_xls(path, size=64):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * size)
    return path


def test_large_xls_is_refused_before_calamine(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_XLS_BYTES", 1000)
    monkeypatch.setattr(read, "load_grids", lambda p: pytest.fail("calamine was called"))
    raw = read_workbook(fake_xls(tmp_path / "big.xls", 2000))
    assert rules(raw.findings) == ["S014"] and not raw.usable


def test_xls_under_the_size_limit_reaches_calamine(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_XLS_BYTES", 1000)
    raw = read_workbook(fake_xls(tmp_path / "old.xls", 64))
    assert rules(raw.findings) == ["S003"]  # calamine tried it (and found no real .xls)


# --- S015 too-many-rows --------------------------------------------------------------------------

def many(n):
    b = Book()
    b.powers = [licence(序号=str(i), 职权名称=f"测试许可{i}") for i in range(1, n + 1)]
    return b


def test_too_many_rows_refuses_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 20)
    path = many(25).save(tmp_path / "long.xlsx")
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S015"]
    f = raw.findings[0]
    assert f.sheet == "职权目录" and "26" in f.message_en and "20" in f.message_en
    assert raw.tables == {} and not raw.usable  # nothing half-read
    r = validate([path])
    assert "S015" in rules(r.findings) and r.departments == []


def test_rows_at_the_limit_are_all_read(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 20)
    r = validate([many(19).save(tmp_path / "ok.xlsx")])  # 19 powers + header = 20 rows
    assert "S015" not in rules(r.findings)
    assert len(r.departments[0].powers) == 19


def test_one_row_far_down_counts_its_row_number(book, tmp_path, monkeypatch):
    """Few <row> elements but one at row 5,000: the gap would be read as empty rows, so it counts."""
    monkeypatch.setattr(read, "MAX_ROWS", 1000)
    path = book.save(tmp_path / "far.xlsx")
    far = b'<row r="5000"><c r="A5000" t="inlineStr"><is><t>x</t></is></c></row>'
    rewrite_sheet_xml(path, "职权目录", lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S015"]
    assert raw.findings[0].sheet == "职权目录" and "5,000" in raw.findings[0].message_en


def test_row_tags_are_counted_across_chunks(book, tmp_path, monkeypatch):
    """The streaming count of <row> elements, whatever chunk boundary falls inside a tag."""
    path = many(3000).save(tmp_path / "count.xlsx")  # > 1 MiB of sheet XML: several chunks
    with zipfile.ZipFile(path) as z:
        assert read._sheet_parts(z)["xl/worksheets/sheet2.xml"] == "职权目录"
        with z.open("xl/worksheets/sheet2.xml") as f:
            assert read._scan_sheet(f).rows == 3001

    monkeypatch.setattr(read, "MAX_ROWS", 3000)
    forbid_opening(monkeypatch)  # refused before calamine parses it
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S015"] and raw.findings[0].sheet == "职权目录"
    assert "3,001" in raw.findings[0].message_en


def test_xls_with_too_many_rows_is_refused(book, tmp_path, monkeypatch):
    grids = read.load_grids(book.save(tmp_path / "src.xlsx"))  # calamine reads the same grids
    monkeypatch.setattr(read, "load_grids", lambda p: grids)
    path = fake_xls(tmp_path / "dept.xls")
    raw = read_workbook(path)
    assert not raw.findings and len(raw.tables["职权目录"]) == 2  # clean
    monkeypatch.setattr(read, "MAX_ROWS", 7)  # 部门信息 7 rows, 流程 header + 7 steps
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S015"] and raw.findings[0].sheet == "流程"
    assert "8" in raw.findings[0].message_en and raw.tables == {} and not raw.usable


# --- S016 cell-too-long --------------------------------------------------------------------------

def lengthen(path, marker: str, n: int):
    """Replace a string stored in the workbook with n characters: openpyxl cuts what it writes to 32,767, other
    writers do not (and a read-only reader does not either)."""
    with zipfile.ZipFile(path) as z:
        parts = {m: z.read(m) for m in z.namelist()}
    hits = [m for m, data in parts.items() if marker.encode() in data]
    assert len(hits) == 1
    parts[hits[0]] = parts[hits[0]].replace(marker.encode(), ("条" * n).encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for m, data in parts.items():
            z.writestr(m, data)
    return path


def test_over_long_cell_is_located_and_its_row_rejected(book, tmp_path):
    book.powers[0]["办理条件"] = "LONG-CELL"
    path = lengthen(book.save(tmp_path / "long-cell.xlsx"), "LONG-CELL", read.MAX_CELL_CHARS + 1)  # 32,768
    r = validate([path])
    found = [f for f in r.findings if f.rule == "S016"]
    assert len(found) == 1
    f = found[0]
    letter = "ABCDEFGHIJKLMNOP"["序号 基本编码 职权名称 子项名称 职权类别 实施依据 承办机构 法定时限 承诺时限 收费依据及标准 办理条件".split().index("办理条件")]
    assert (f.sheet, f.row, f.cell, f.severity) == ("职权目录", 2, f"{letter}2", "error")
    assert "32,768" in f.message_en
    assert [p.name for p in r.departments[0].powers] == ["对测试违法行为的行政处罚"]
    count = r.counts[str(path)]  # the row is read, and rejected: named by the finding
    assert count.read == count.accepted + count.rejected and count.rejected == 1


def test_cell_at_the_limit_is_accepted(book, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_CELL_CHARS", 100)
    book.powers[0]["办理条件"] = "条" * 100
    r = validate([book.save(tmp_path / "ok.xlsx")])
    assert "S016" not in rules(r.findings)
    assert len(r.departments[0].powers) == 2


def test_over_long_info_cell_is_a_finding(book, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_CELL_CHARS", 100)
    book.info["办公地址"] = "路" * 101
    raw = read_workbook(book.save(tmp_path / "info.xlsx"))
    assert [(f.rule, f.sheet, f.cell) for f in raw.findings] == [("S016", "部门信息", "B8")]
    assert "办公地址" not in raw.info


@pytest.mark.parametrize("shift", range(0, 12))
def test_row_tag_cut_by_a_chunk_end_is_counted_once(shift):
    import io

    chunk = 1 << 20
    data = b" " * (chunk - shift) + b'<row r="1"><c/></row><x:row r="2"/><rowBreaks/>' + b" " * 10
    assert read._scan_sheet(io.BytesIO(data)).rows == 2


# --- S017 sheet-too-wide ---------------------------------------------------------------------------

def far_cell(ref: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'.encode()


def test_one_cell_far_right_of_a_long_sheet_is_refused(tmp_path, monkeypatch):
    """A stray value in column XFD makes the sheet 16,384 columns wide: the grid would cost
    rows × 16,384 cells, so the file is refused naming that cell, before calamine inflates it."""
    monkeypatch.setattr(read, "MAX_CELLS", 10_000)
    path = many(10).save(tmp_path / "wide.xlsx")
    rewrite_sheet_xml(path, "职权目录", lambda xml: xml.replace(b"</row>", far_cell("XFD2") + b"</row>", 2)
                      .replace(far_cell("XFD2"), b"", 1))  # into row 2, after its cells

    forbid_opening(monkeypatch)
    raw = read_workbook(path)
    assert rules(raw.findings) == ["S017"]
    f = raw.findings[0]
    assert (f.sheet, f.cell, f.severity) == ("职权目录", "XFD2", "error")
    assert "16,384" in f.message_en and "XFD2" in f.message_zh and not raw.usable


def test_a_few_columns_past_z_are_read(tmp_path, monkeypatch):
    """Under the limit, a cell in column AB is read like any other (an unknown column: a warning)."""
    monkeypatch.setattr(read, "MAX_CELLS", 10_000)
    book = many(10)
    path = book.save(tmp_path / "ab.xlsx")
    rewrite_sheet_xml(path, "职权目录", lambda xml: xml.replace(b"</row>", far_cell("AB1") + b"</row>", 1))
    r = validate([path])
    assert not [f for f in r.findings if f.rule.startswith("S") and f.rule != "S007"]
    assert len(r.departments[0].powers) == 10
    with zipfile.ZipFile(path) as z:
        scan = read._scan_sheet(z.open("xl/worksheets/sheet2.xml"))
    assert (scan.rows, scan.columns, scan.last_cell) == (11, 28, "AB1")


def test_import_refuses_a_file_over_the_limits(tmp_path, monkeypatch):
    """`powers import` reads foreign layouts with the same limits, and says which one."""
    from powers.importers import ImportError_, import_file

    monkeypatch.setattr(read, "MAX_ROWS", 20)
    path = many(25).save(tmp_path / "long.xlsx")
    with pytest.raises(ImportError_) as e:
        import_file(path)
    assert "20" in str(e.value) and "职权目录" in str(e.value) and "26" in e.value.en
