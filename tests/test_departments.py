"""Departments that cannot share one catalog (issue 8, item 4): two departments with one 部门编号
(X508), one department from two files (X509), and the template's example number (F108)."""
from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from cli import app
from conftest import Book
from powers import validate
from powers.pipeline import build
from powers.site import SiteOptions
from powers.template import write_template


def other_department(name="测试市另一局", number="07", **info) -> Book:
    b = Book()
    b.info.update(部门名称=name, 部门编号=number, **info)
    b.powers[0]["职权名称"] = "另一局的许可"  # different powers: X502 stays out of the way
    b.powers[1]["职权名称"] = b.tiers[0]["职权名称"] = "另一局的处罚"
    for t in b.tiers:
        t["职权名称"] = "另一局的处罚"
    return b


def example_number(folder) -> str:
    """The 部门编号 the template offers as its example: what a department that forgets to change it keeps
    (read from the written template, so the tests hold for any placeholder the template uses)."""
    wb = openpyxl.load_workbook(write_template(folder / "template.xlsx"))
    [value] = [row[1].value for row in wb["部门信息"].iter_rows(min_row=2) if str(row[0].value).startswith("部门编号")]
    return str(value)


def accounted(r) -> None:
    for c in r.counts.values():
        assert c.read == c.accepted + c.rejected, c


def test_two_departments_with_one_number_are_both_kept_out(book, tmp_path):
    a = book.save(tmp_path / "in" / "a.xlsx")
    b = other_department().save(tmp_path / "in" / "b.xlsx")
    ok = other_department("测试市第三局", "08").save(tmp_path / "in" / "c.xlsx")
    r = validate([tmp_path / "in"])
    x = [f for f in r.findings if f.rule == "X508"]
    assert [(f.file, f.sheet, f.column, f.cell, f.value) for f in x] == [
        (str(a), "部门信息", "部门编号", "B2", "07"), (str(b), "部门信息", "部门编号", "B2", "07")]
    assert all(f.severity == "error" for f in x)
    # each names the other department and its file; the hint says each department needs its own number
    assert "测试市另一局" in x[0].message_zh and "b.xlsx" in x[0].message_zh
    assert "测试市测试局" in x[1].message_zh and "a.xlsx" in x[1].message_zh
    assert "测试市另一局" in x[0].message_en and "授权部门编号" in x[0].hint
    assert [f.rule for f in r.errors] == ["X508", "X508"]
    # nothing of either reaches the catalog, every row of theirs is rejected; the third is untouched
    assert [d.name for d in r.departments] == ["测试市第三局"]
    for path in (a, b):
        c = r.counts[str(path)]
        assert c.read == c.rejected > 0 and c.accepted == 0
    assert r.counts[str(ok)].rejected == 0 and r.counts[str(ok)].accepted == r.counts[str(ok)].read
    accounted(r)


def test_number_clash_catalog_gives_no_colliding_codes(book, tmp_path):
    """The issue's case: both kept 99; no code is handed out under the disputed number."""
    book.info["部门编号"] = "99"
    book.save(tmp_path / "in" / "a.xlsx")
    twin = Book()  # the same powers under another name, as when both started from one template
    twin.info.update(部门名称="测试市另一局", 部门编号="99")
    twin.save(tmp_path / "in" / "b.xlsx")
    other_department("测试市第三局", "08").save(tmp_path / "in" / "c.xlsx")
    res = CliRunner().invoke(app, ["catalog", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    cat = json.loads((tmp_path / "out" / "catalog.json").read_text("utf-8"))
    assert [d["name"] for d in cat["departments"]] == ["测试市第三局"]
    codes = [p["basic_code"] for d in cat["departments"] for p in d["powers"]]
    assert codes and len(codes) == len(set(codes)) and not any(c[4:6] == "99" for c in codes)
    # once one of them takes its own number, both enter with codes that do not collide
    twin.info["部门编号"] = "09"
    twin.save(tmp_path / "in" / "b.xlsx")
    res = CliRunner().invoke(app, ["catalog", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    cat = json.loads((tmp_path / "out" / "catalog.json").read_text("utf-8"))
    assert sorted(d["number"] for d in cat["departments"]) == ["08", "09", "99"]
    codes = [s["basic_code"] for d in cat["departments"] for p in d["powers"] for s in [p, *p["sub_items"]]]
    assert len(codes) == len(set(codes)) == 6


def test_one_department_from_two_files(book, tmp_path):
    """DEPT.xlsx and DEPT-2.xlsx (an import run twice): merge them or keep one."""
    a = book.save(tmp_path / "in" / "DEPT.xlsx")
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="只在第二个文件里的许可"))
    b = book.save(tmp_path / "in" / "DEPT-2.xlsx")
    r = validate([tmp_path / "in"])
    x = [f for f in r.findings if f.rule == "X509"]
    assert sorted((f.file, f.column, f.cell, f.value, f.severity) for f in x) == sorted(
        (str(p), "部门名称", "B1", "测试市测试局", "error") for p in (a, b))
    assert all("合并" in f.hint and "保留" in f.hint for f in x)
    by_file = {f.file: f for f in x}
    assert "DEPT-2.xlsx" in by_file[str(a)].message_zh and "DEPT.xlsx" in by_file[str(b)].message_zh
    # same name and number: one department, so no number clash on top, and no X502 between the two
    assert {f.rule for f in r.findings} == {"X509"}
    assert r.departments == []
    for path in (a, b):
        c = r.counts[str(path)]
        assert c.read == c.rejected > 0 and c.accepted == 0
    accounted(r)


def test_same_name_in_two_folders_names_the_paths(book, tmp_path):
    a = book.save(tmp_path / "x" / "d.xlsx")
    b = book.save(tmp_path / "y" / "d.xlsx")
    r = validate([a, b])
    x = {f.file: f for f in r.findings if f.rule == "X509"}
    assert sorted(x) == sorted([str(a), str(b)])
    assert str(b) in x[str(a)].message_zh and str(a) in x[str(b)].message_zh


def test_a_file_named_twice_is_one_department(book, tmp_path):
    path = book.save(tmp_path / "in" / "d.xlsx")
    r = validate([tmp_path / "in", path])
    assert r.findings == [] and len(r.departments) == 1
    accounted(r)


def test_different_numbers_and_names_are_quiet(book, tmp_path):
    r = validate([book.save(tmp_path / "a.xlsx"), other_department(number="08").save(tmp_path / "b.xlsx")])
    assert r.findings == [] and len(r.departments) == 2


def test_two_departments_that_kept_the_template_number_are_stopped(tmp_path):
    """Kept as written, the example number is F108 in each: no department enters, no codes."""
    example = example_number(tmp_path)
    paths = []
    for name in ("某市甲局", "某市乙局"):
        path = write_template(tmp_path / "in" / f"{name}.xlsx")
        wb = openpyxl.load_workbook(path)
        ws = wb["部门信息"]
        for row in ws.iter_rows(min_row=2):
            if str(row[0].value).startswith("部门名称"):
                row[1].value = name
        wb.save(path)
        paths.append(path)
    r = validate([tmp_path / "in"])
    assert sorted((f.rule, f.file, f.column, f.value) for f in r.errors) == sorted(
        ("F108", str(p), "部门编号", example) for p in paths)
    assert r.departments == []
    for c in r.counts.values():
        assert c.read == c.rejected > 0


def site_departments(site, work) -> dict[str, str]:
    """Number → name of every department in the built catalog, after checking that the site has one page
    per department (titled with its name) and one page per code, no code given to two powers."""
    cat = json.loads((work / "catalog.json").read_text("utf-8"))
    depts = {d["number"]: d["name"] for d in cat["departments"]}
    assert len(depts) == len(cat["departments"]), "two departments share one number"
    pages = sorted(p.stem for p in (site / "departments").glob("*.html") if p.stem != "index")
    assert pages == sorted([*depts, *(f"{n}-{kind}" for n in depts for kind in ("responsibility", "risks"))]), \
        "department pages and departments differ"
    for number, name in depts.items():
        assert f"<title>{name}" in (site / "departments" / f"{number}.html").read_text("utf-8")
    codes = [p["basic_code"] for d in cat["departments"] for p in d["powers"]]
    assert len(codes) == len(set(codes)), "one code given to several powers"
    assert sorted(p.stem for p in (site / "powers").glob("*.html")) == sorted(codes)
    return depts


def test_kept_template_number_shares_no_page_and_no_code(tmp_path):
    """The issue's case end to end: two departments with different powers both kept the template's example
    部门编号. Each is stopped at that cell (F108, or X508 were it a valid number) and neither reaches the
    site, where one department and one page per department and per code remain; once each writes its own
    number, both are published, each with its own page and codes."""
    example = example_number(tmp_path)
    a, b = Book(), other_department(number=example)
    a.info["部门编号"] = example
    pa, pb = a.save(tmp_path / "in" / "a.xlsx"), b.save(tmp_path / "in" / "b.xlsx")
    other_department("测试市第三局", "08").save(tmp_path / "in" / "c.xlsx")
    site, work = tmp_path / "site", tmp_path / "work"
    r = build([tmp_path / "in"], site, work=work, search=False, options=SiteOptions(draft=True))
    assert site_departments(site, work) == {"08": "测试市第三局"}
    stopped = {(f.file, f.rule) for f in r.validation.errors if f.column == "部门编号" and f.value == example}
    assert {file for file, _ in stopped} == {str(pa), str(pb)} and {rule for _, rule in stopped} <= {"F108", "X508"}
    a.info["部门编号"], b.info["部门编号"] = "09", "10"
    a.save(pa), b.save(pb)
    r = build([tmp_path / "in"], site, work=work, search=False)
    assert not r.validation.errors
    assert site_departments(site, work) == {"08": "测试市第三局", "09": "测试市测试局", "10": "测试市另一局"}
