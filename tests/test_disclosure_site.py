"""Disclosure completeness on what the public reads: a blank fee is 未填写 (never 不收费), time limits
in their units (20个工作日, 20日, 3个月) on pages, search records and open data, and the 责任清单 of each
department on the site and in print; nothing internal in any of it."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from conftest import Book
from powers.pipeline import build


# ---------------------------------------------------------------- what the public reads
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("disclosure")
    b = Book()
    b.powers[0].update(法定时限="自受理之日起二十日内", 承诺时限="10日", 收费依据及标准=None)
    b.powers.append(dict(b.powers[0], 序号="3", 职权名称="按月许可", 法定时限="3个月", 承诺时限="2个月",
                         收费依据及标准="免费", 责任事项="**审查责任**"))
    b.powers.append(dict(b.powers[0], 序号="4", 职权名称="内部许可", 公开范围="内部", 责任事项="内部责任的秘密"))
    b.powers.append(dict(b.powers[0], 序号="5", 职权名称="暂停的许可", 状态="暂停", 责任事项="暂停事项的责任"))
    r = build([b.save(tmp / "in" / "d.xlsx")], tmp / "site", work=tmp / "w", search=False)
    codes = {p.name: p.basic_code for _, p in r.catalog.all_powers()}
    return r, tmp / "site", codes


def _page(site, code):
    return (site / "powers" / f"{code}.html").read_text("utf-8")


def test_a_blank_fee_is_not_shown_as_free(site):
    _, root, codes = site
    page = _page(root, codes["测试许可"])
    assert "<dt>收费依据及标准</dt><dd>未填写</dd>" in page and "不收费" not in page
    assert "<dt>收费依据及标准</dt><dd>不收费</dd>" in _page(root, codes["按月许可"])  # 免费, said so
    assert "<dt>收费依据及标准</dt><dd>未填写</dd>" in _page(root, codes["对测试违法行为的行政处罚"])  # no fee cell


def test_time_limits_are_shown_in_their_units(site):
    _, root, codes = site
    page = _page(root, codes["测试许可"])
    assert "<dt>法定时限</dt><dd>20日</dd>" in page and "<dt>承诺时限</dt><dd>10日</dd>" in page
    page = _page(root, codes["按月许可"])
    assert "<dt>法定时限</dt><dd>3个月</dd>" in page and "<dt>承诺时限</dt><dd>2个月</dd>" in page
    assert "<dt>法定时限</dt><dd>90个工作日</dd>" in _page(root, codes["对测试违法行为的行政处罚"])
    rows = list(csv.DictReader(io.StringIO((root / "data" / "catalog.csv").read_text("utf-8-sig"))))
    by_name = {r["职权名称"]: r for r in rows}
    assert (by_name["测试许可"]["法定时限"], by_name["测试许可"]["承诺时限"]) == ("20日", "10日")
    assert by_name["按月许可"]["法定时限"] == "3个月" and by_name["对测试违法行为的行政处罚"]["法定时限"] == "90个工作日"
    assert by_name["测试许可"]["收费依据及标准"] == ""  # blank stays blank, not 不收费
    data = json.loads((root / "data" / "catalog.json").read_text("utf-8"))
    p = next(p for d in data["departments"] for p in d["powers"] if p["name"] == "测试许可")
    assert (p["statutory_value"], p["statutory_unit"]) == (20, "自然日") and "statutory_days" not in p


def test_search_records_say_the_same(site):
    from powers.search import records
    from powers.site import public_view

    r, _, _ = site
    recs = {x.meta["title"]: x.content for x in records(public_view(r.catalog))}
    assert "法定时限 20日" in recs["测试许可"] and "收费依据及标准 未填写" in recs["测试许可"]
    assert "不收费" not in recs["测试许可"]
    assert "法定时限 3个月" in recs["按月许可"] and "收费依据及标准 不收费" in recs["按月许可"]
    assert "法定时限 90个工作日" in recs["对测试违法行为的行政处罚"]


def test_each_department_has_a_responsibility_list_page(site):
    _, root, codes = site
    dept = (root / "departments" / "07.html").read_text("utf-8")
    assert 'href="07-responsibility.html"' in dept and "责任清单" in dept
    page = (root / "departments" / "07-responsibility.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in page and "<caption>" in page and '<th scope="col">追责情形</th>' in page
    assert f'href="../powers/{codes["测试许可"]}.html"' in page
    assert "<strong>审查责任</strong>" in page  # Markdown, as on the power page
    assert "不履行或不正确履行职责的，依法追责" in page
    assert "暂停的许可" not in page and "暂停事项的责任" not in page  # in use only
    for f in root.rglob("*"):  # the internal item reaches no byte of the site
        if f.is_file():
            assert "内部责任的秘密".encode() not in f.read_bytes() and "内部许可".encode() not in f.read_bytes(), f


# ---------------------------------------------------------------- the printed 责任清单
def test_the_printed_responsibility_list(site, tmp_path):
    from powers import tables

    r, _, codes = site
    lst = tables.responsibility_list(r.catalog, "测试市测试局")
    assert lst.title == "测试市测试局责任清单" and [c for c, _ in lst.columns] == ["序号", "职权编码", "职权名称", "责任事项",
                                                                            "追责情形"]
    assert sorted(row[2] for row in lst.rows) == sorted(["测试许可", "对测试违法行为的行政处罚", "按月许可"])
    assert [row[0] for row in lst.rows] == ["1", "2", "3"]
    row = next(row for row in lst.rows if row[2] == "测试许可")
    assert row[1:] == [codes["测试许可"], "测试许可", "受理、审查、决定、送达责任", "不履行或不正确履行职责的，依法追责"]
    tables.list_xlsx(lst, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert ws.title == "责任清单" and ws["A1"].value == lst.title
    assert [c.value for c in ws[3]] == ["序号", "职权编码", "职权名称", "责任事项", "追责情形"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=4)] == lst.rows
    tables.list_pdf(lst, tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(ValueError):
        tables.responsibility_list(r.catalog, "没有这个局")


def test_print_list_writes_the_responsibility_list_beside_each_list(site, tmp_path):
    from typer.testing import CliRunner

    from cli import app

    r, _, _ = site
    from powers.catalog import write_catalog

    write_catalog(r.catalog, tmp_path / "cat")
    out = CliRunner().invoke(app, ["print-list", str(tmp_path / "cat"), "-o", str(tmp_path / "out"), "--no-pdf",
                                   "--responsibility"])
    assert out.exit_code == 0, out.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "测试市测试局责任清单.xlsx" in names and "测试市测试局行政权力清单.xlsx" in names
    assert len(names) == 4  # the whole and the department's, each list and its 责任清单
    for name in names:
        wb = openpyxl.load_workbook(tmp_path / "out" / name)
        assert "内部" not in "".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value)


def test_the_responsibility_page_groups_items_stating_the_same_texts(tmp_path):
    import re

    b = Book()  # the licence and the penalty state different texts; two more licences the licence's
    b.powers += [dict(b.powers[0], 序号="3", 职权名称="第二个许可"), dict(b.powers[0], 序号="4", 职权名称="第三个许可")]
    r = build([b.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    codes = {p.name: p.basic_code for _, p in r.catalog.all_powers()}
    page = (tmp_path / "site" / "departments" / "07-responsibility.html").read_text("utf-8")
    rows = re.findall(r"<tr><td class=\"num\">([^<]*)</td>", page)
    assert rows == ["1等3项", "4"], rows  # in code order: the three licences (1–3) first, then the penalty
    for name in ("测试许可", "第二个许可", "第三个许可", "对测试违法行为的行政处罚"):
        assert f'href="../powers/{codes[name]}.html"' in page
    assert page.count("受理、审查、决定、送达责任") == 1 and "在用的4项职权" in page
