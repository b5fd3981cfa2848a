"""The printable 清单 and its files: the standard columns, what is listed, a workbook formatted for
printing and a PDF with its CJK fonts embedded (real WeasyPrint)."""
from __future__ import annotations

import openpyxl
import pytest

from conftest import INVENTORIES
from powers import build_catalog, tables, validate
from powers.codes import CodeRegistry
from powers.site import public_catalog


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    with CodeRegistry(tmp_path_factory.mktemp("codes") / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([INVENTORIES], jobs=1), reg)
    return catalog


def test_the_list_holds_every_public_item_not_cancelled_with_its_sub_items(catalog):
    lst = tables.printed_list(catalog)
    public = public_catalog(catalog)
    listed = [p for d in public.departments for p in d.powers if p.status != "取消"]
    subs = [s for p in listed for s in p.sub_items if s.status != "取消"]
    assert len(lst.rows) == len(listed) + len(subs)
    assert [r[0] for r in lst.rows if "." not in r[0]] == [str(i) for i in range(1, len(listed) + 1)]
    internal = {p.basic_code for d in catalog.departments for q in d.powers for p in q.walk() if p.scope != "社会"}
    assert internal and not internal & {r[1] for r in lst.rows}  # nothing internal is printed
    cancelled = {p.basic_code for d in public.departments for p in d.powers if p.status == "取消"}
    assert cancelled and not cancelled & {r[1] for r in lst.rows}
    suspended = [r for r in lst.rows if "暂停实施" in r[9]]
    assert len(suspended) == sum(p.status == "暂停" for p in listed)
    sub = next(r for r in lst.rows if "." in r[0])
    parent = next(r for r in lst.rows if r[0] == sub[0].split(".")[0])
    assert sub[2] == parent[2] and sub[3] and not parent[3]
    assert lst.subtitle.startswith(f"发布日期 {public.release_date.isoformat()}；共")
    in_use = sum(p.status == "在用" for p in listed)
    assert f"本清单列入在用{in_use}项、暂停实施{len(suspended)}项" in lst.subtitle
    one = tables.printed_list(catalog, public.departments[0].name)
    assert one.title == f"{public.departments[0].name}行政权力清单" and 0 < len(one.rows) < len(lst.rows)


def test_the_workbook_is_formatted_for_printing(catalog, tmp_path):
    lst = tables.printed_list(catalog, public_catalog(catalog).departments[1].name)
    tables.list_xlsx(lst, tmp_path / "l.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    assert ws["A1"].value == lst.title and ws["A2"].value == lst.subtitle
    assert [c.value for c in ws[3]] == [c for c, _ in tables.LIST_COLUMNS]
    assert [[c.value or "" for c in row] for row in ws.iter_rows(min_row=4)] == lst.rows
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws["F4"].alignment.wrap_text and "&P" in ws.oddFooter.center.text


def test_the_pdf_embeds_cjk_fonts_and_numbers_its_pages(catalog, tmp_path):
    import re
    import zlib

    lst = tables.printed_list(catalog, public_catalog(catalog).departments[2].name)
    tables.list_pdf(lst, tmp_path / "l.pdf")
    raw = (tmp_path / "l.pdf").read_bytes()
    assert raw.startswith(b"%PDF-")
    data = raw  # with its compressed streams (object streams hold the font and page dictionaries) opened
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            data += b"\n" + zlib.decompress(m.group(1))
        except zlib.error:
            pass
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+[\w-]+)", data))
    assert any(b"CJK" in f for f in fonts), fonts  # a subset of a CJK font, embedded
    assert re.search(rb"/FontFile[23]?\s", data)
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 2
    assert b"/Title" in data


def test_file_names_are_safe_everywhere():
    assert tables.safe_file_name('a/b:c*?"<>|.') == "a_b_c______"
    assert tables.safe_file_name("青岛市公安局行政权力清单") == "青岛市公安局行政权力清单"


def test_the_comparison_table_prints_as_pdf(catalog, tmp_path):
    from powers.catalog import diff

    changed = catalog.model_copy(deep=True)
    changed.departments[0].powers[0].unit = "改过的科室"
    n = tables.comparison_pdf(diff(catalog, changed), tmp_path / "c.pdf", when=changed.release_date)
    assert n == 1 and (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF-")
