"""The 廉政风险点 register: every risk point of the demo inventories once, with its step and post."""
from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import INVENTORIES, Book, licence
from powers import CodeRegistry, risks, validate
from powers import catalog as cat
from powers.site import public_catalog


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("risks")
    with CodeRegistry(tmp / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(validate([INVENTORIES]), reg)
    return catalog


def test_every_risk_point_of_the_demo_appears_once_with_its_step_and_post(demo):
    def used(d):  # flows some item follows (a flow no item uses is in no register)
        return {p.flow or f"{p.category}标准流程" for p in d.all_powers()}

    expected = sorted((d.name, f.name, s.name, s.post or "", s.risk, s.risk_level)
                      for d in public_catalog(demo).departments for f in d.flows if f.name in used(d)
                      for s in f.steps if s.risk)
    reg = risks.register(demo)
    got = sorted((r.department, r.flow, r.step, r.post, r.risk, r.level) for r in reg.points)
    assert got == expected and len(got) > 100
    rows = reg.rows()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert cat.stats(public_catalog(demo))["risks"] == {lv: sum(r[6] == lv for r in rows) for lv in ("高", "中", "低", "未分级")}


def test_each_point_names_the_items_that_follow_its_flow(demo):
    d = next(d for d in public_catalog(demo).departments if d.name == "示例市统计局")
    reg = risks.register(demo, "示例市统计局")
    assert {r.department for r in reg.points} == {"示例市统计局"}
    first = reg.points[0]
    users = [p.full_name for p in d.all_powers() if p.status != "取消"
             and (p.flow or f"{p.category}标准流程") == first.flow]
    assert sorted(n for _, n in first.powers) == sorted(users)
    rows = reg.rows()
    assert rows[0][8].startswith(f"{len(users)}项：") and rows[1][8] == "同上"  # the same flow's next point


def test_internal_items_are_not_named(tmp_path):
    book = Book()
    book.powers.append(licence(序号="3", 职权名称="内部的许可", 公开范围="内部"))
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(validate([book.save(tmp_path / "d.xlsx")]), reg)
    text = repr(risks.register(catalog).rows())
    assert "测试许可" in text and "内部的许可" not in text


def test_the_command_writes_the_register_for_printing(demo, tmp_path):
    path = cat.write_catalog(demo, tmp_path / "build")
    r = CliRunner().invoke(app, ["risks", str(path), "-o", str(tmp_path / "r"), "-d", "示例市统计局"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tmp_path / "r" / "示例市统计局廉政风险点登记表.xlsx")
    ws = wb.active
    assert ws.freeze_panes and ws.print_title_rows and ws.page_setup.orientation == "landscape"
    assert (tmp_path / "r" / "示例市统计局廉政风险点登记表.pdf").stat().st_size > 10_000
    r = CliRunner().invoke(app, ["risks", str(path), "-o", str(tmp_path / "r"), "-d", "没有的局"])
    assert r.exit_code == 2


def test_the_site_has_a_register_per_department_and_the_stats_figures(tmp_path):
    import re

    from powers.pipeline import build

    r = build([INVENTORIES], tmp_path / "site", work=tmp_path / "w", search=False)
    s = r.public_stats
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert cat.discretion_sentence(s["discretion"]) in home and cat.risks_sentence(s["risks"]) in home
    public = public_catalog(r.catalog)
    for d, row in zip(public.departments, s["departments"]):
        page = (tmp_path / "site" / "departments" / f"{d.number}.html").read_text("utf-8")
        assert cat.discretion_sentence(row["discretion"]) in page and f'href="{d.number}-risks.html"' in page
        reg = (tmp_path / "site" / "departments" / f"{d.number}-risks.html").read_text("utf-8")
        in_use = {p.flow or f"{p.category}标准流程" for p in d.all_powers()}
        points = [(f.name, st.name, st.risk) for f in d.flows if f.name in in_use for st in f.steps if st.risk]
        rows = re.findall(r'<tr><td class="num">\d+</td><td>([^<]*)</td><th scope="row">([^<]*)</th><td>[^<]*</td>'
                          r'<td>([^<]*)</td>', reg)
        assert sorted(rows) == sorted(points)


def test_a_risk_point_without_a_level_is_counted_as_the_register_lists_it(tmp_path):
    book = Book()
    book.flows[2].update(风险等级=None)  # 审查: a risk point, no level
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(validate([book.save(tmp_path / "d.xlsx")]), reg)
    reg_ = risks.register(catalog)
    s = cat.stats(public_catalog(catalog))
    assert [r[6] for r in reg_.rows()] == ["未分级"] and s["risks"]["未分级"] == 1
    assert cat.risks_sentence(s["risks"]) in reg_.subtitle and "未分级1个" in reg_.subtitle


def test_the_same_register_gives_the_same_bytes(demo, tmp_path):
    import time

    reg = risks.register(demo, "示例市统计局")
    risks.register_xlsx(reg, tmp_path / "a.xlsx")
    time.sleep(1.1)  # openpyxl stamps the clock unless told otherwise
    risks.register_xlsx(reg, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").active.freeze_panes
