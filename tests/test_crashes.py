"""Hostile input never crashes a stage (issue 8, items 8 and 12): backslashes in names and step text,
absurd numerals, a full main-item code space, very long flows."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from typer.testing import CliRunner

from cli import app
from conftest import Book, step
from powers import CodeRegistry, build_catalog, validate
from powers import flowcharts as fc

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"
BACKSLASHES = r"\d\1\g<0>\N\G\L\T\H\E\\"


def catalog_of(book: Book, tmp_path):
    r = validate([book.save(tmp_path / "in" / "d.xlsx")])
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, findings = build_catalog(r, reg)
    return r, catalog, findings


def test_backslash_sequences_in_names_build_a_site(book, tmp_path):
    book.powers[0]["职权名称"] = "测试许可" + BACKSLASHES
    book.powers[1]["职权名称"] = "对测试违法行为的行政处罚" + BACKSLASHES
    book.flows[0]["承办岗位"] = BACKSLASHES
    book.save(tmp_path / "in" / "d.xlsx")
    r = runner.invoke(app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "site"), "--work",
                            str(tmp_path / "work")])
    assert r.exit_code == 0, r.output
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "测试许可" + BACKSLASHES.replace("<", "&lt;").replace(">", "&gt;") in pages


def test_backslash_sequences_in_chart_text_stay_text(book, tmp_path):
    """Graphviz expands \\N, \\G, \\L, \\T, \\H, \\E in labels into ids: they must be drawn as written."""
    for s in book.flows:
        if s["流程名称"] == "行政许可标准流程" and s["步骤"] == "2":
            s["环节"] = r"审查\N\G\L\T\H\E"
            s["风险点"] = r"风险\N"
            s["承办岗位"] = "岗位\\"
    book.flows[0]["下一步"] = r"材料\G齐全:2；材料不全:1a"
    _, catalog, _ = catalog_of(book, tmp_path)
    power = next(p for _, p in catalog.all_powers() if p.category == "行政许可")
    rep, _ = fc.render_catalog(catalog, tmp_path / "fc", power_code=power.basic_code)
    svg = (tmp_path / "fc" / f"{rep.charts[power.basic_code]}.svg").read_text("utf-8")
    texts = [t.text or "" for t in ET.fromstring(svg).iter(SVG + "text")]
    joined = "".join(texts)
    assert r"审查\N\G\L\T\H\E" in joined
    assert r"风险\N" in joined and r"材料\G齐全" in joined and "岗位\\" in texts
    assert "flow" not in joined  # the graph's id never replaces \G


def test_absurd_numerals_in_legal_basis_do_not_crash_validate(book, tmp_path):
    huge = "9" + "亿" * 60
    book.powers[1]["实施依据"] = (f"【法律】《中华人民共和国道路交通安全法》第{huge}条第{huge}款第（{huge}）项："
                              f"处{huge}元以上{huge}元以下罚款。")
    book.tiers[0]["裁量标准"] = f"处{huge}元以上罚款"
    book.tiers[0]["罚款下限"] = book.tiers[0]["罚款上限"] = None
    r, catalog, _ = catalog_of(book, tmp_path)
    for c in r.counts.values():
        assert c.read == c.accepted + c.rejected
    r = runner.invoke(app, ["validate", str(tmp_path / "in")])
    assert r.exit_code in (0, 1), r.output


def test_absurd_numerals_are_not_numbers():
    from powers import laws, normalize

    assert normalize.cn_number("9" + "亿" * 60) is None
    assert normalize.cn_number("9" * 400) is None
    assert normalize.cn_int("9" + "亿" * 60) is None
    assert normalize.cn_number("二万") == 20000 and normalize.cn_number("1.5亿") == 150_000_000
    assert laws.cn_int("9" * 5000) is None and laws.cn_int("²") is None
    assert laws.cn_int("一百零一") == 101 and laws.cn_int("12") == 12


def test_a_full_main_item_code_space_is_a_finding(book, tmp_path):
    base = book.powers[1]
    book.powers = [book.powers[0]] + [dict(base, 序号=str(i + 2), 职权名称=f"对第{i:04d}种违法行为的行政处罚", 无裁量空间="是")
                                      for i in range(1000)]
    book.tiers = []
    book.save(tmp_path / "in" / "d.xlsx")
    r = runner.invoke(app, ["catalog", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1, r.output  # not 3
    r = runner.invoke(app, ["validate", str(tmp_path / "in")])
    assert r.exit_code == 1 and "X507" in r.output, r.output
    r = validate([tmp_path / "in"])
    full = [f for f in r.findings if f.rule == "X507"]
    assert len(full) == 1 and "部门编号" in full[0].hint
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = build_catalog(r, reg)
    codes = [p.basic_code for _, p in catalog.all_powers() if p.category == "行政处罚"]
    assert len(codes) == len(set(codes)) == 999


def test_a_registry_with_no_codes_left_gives_findings_not_a_crash(book, tmp_path):
    """Codes issued earlier (retired ones too) fill the space: the new powers get a finding."""
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        for n in range(1, 1000):
            reg._insert(f"370207{n:03d}000", f"old|{n}", "2020-01-01")
    r = validate([book.save(tmp_path / "in" / "d.xlsx")])
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, findings = build_catalog(r, reg)
    full = [f for f in findings if f.rule == "X507"]
    assert len(full) == 1 and full[0].row == 3  # the penalty's row
    assert [p.category for _, p in catalog.all_powers()] == ["行政许可"]


def test_a_2000_step_flow_is_checked_and_drawn(book, tmp_path):
    n = 2000
    book.flows = [s for s in book.flows if s["流程名称"] != "行政处罚标准流程"]
    book.flows += [step("行政处罚标准流程", str(i), "调查", 0, str(i + 1) if i < n else "") for i in range(1, n + 1)]
    r, catalog, _ = catalog_of(book, tmp_path)
    assert not [f for f in r.findings if f.rule.startswith("P")], [f.rule for f in r.findings]
    flow = next(f for _, f in ((d, f) for d in catalog.departments for f in d.flows) if f.name == "行政处罚标准流程")
    assert len(flow.steps) == n
    from powers.rules.process import longest_days

    assert longest_days(flow) == 0
    fc.to_dot(flow, fc.chart_title(flow)).source  # layout preparation
    r = runner.invoke(app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "site"), "--work",
                            str(tmp_path / "work")])
    assert r.exit_code == 0, r.output  # drawn at its own size: scaled to one page it had scale 0
    page = next((tmp_path / "site" / "powers").glob("*.html"), None)
    assert page is not None
