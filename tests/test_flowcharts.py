"""Flowcharts: real Graphviz, content addressing, escaping, accessibility, the missing-dot message."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import INVENTORIES, Book, step
from powers import CodeRegistry, build_catalog, validate
from powers import flowcharts as fc

runner = CliRunner()
NASTY = 'A<b>&"引号"{x}\\n反斜杠\\l\nnew line\'s <script>alert(1)</script>'


def catalog_of(book: Book, tmp_path):
    r = validate([book.save(tmp_path / "in" / "d.xlsx")])
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = build_catalog(r, reg)
    return catalog


def test_every_power_of_the_inventories_gets_a_chart(tmp_path):
    r = runner.invoke(app, ["flowcharts", str(INVENTORIES), "-o", str(tmp_path / "fc"), "--registry",
                            str(tmp_path / "codes.sqlite"), "-f", "svg", "-f", "png"])
    assert r.exit_code == 0, r.output
    import json

    index = json.loads((tmp_path / "fc" / "index.json").read_text("utf-8"))
    r2 = validate([INVENTORIES])
    n_powers = sum(1 for d in r2.departments for _ in d.all_powers())
    assert len(index) == n_powers
    for entry in index.values():
        assert (tmp_path / "fc" / f"{entry['chart']}.svg").exists()
        assert (tmp_path / "fc" / f"{entry['chart']}.png").read_bytes()[:4] == b"\x89PNG"
    svgs = list((tmp_path / "fc").glob("*.svg"))
    assert len(svgs) < len(index) / 5  # shared flows are drawn once
    for svg in svgs:
        text = svg.read_text("utf-8")
        assert fc.overflowing_labels(text) == []
        root = ET.fromstring(text)
        ns = "{http://www.w3.org/2000/svg}"
        assert root[0].tag == ns + "title" and root[1].tag == ns + "desc" and root[1].text


def test_content_addressing(book, tmp_path):
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="共用流程的许可"))
    out = tmp_path / "fc"
    rep, index = fc.render_catalog(catalog_of(book, tmp_path), out)
    assert rep.rendered == 2  # licence flow + penalty flow
    assert rep.overflowing == {}  # every label fits its box with the CJK font
    charts = {e["flow"]: e["chart"] for e in index.values()}
    assert len({e["chart"] for e in index.values() if e["flow"] == "行政许可标准流程"}) == 1
    again, _ = fc.render_catalog(catalog_of(book, tmp_path), out)
    assert (again.rendered, again.reused) == (0, 2)
    book.flows[2]["时限"] = 6  # a changed step → a new file for that flow only
    changed, index2 = fc.render_catalog(catalog_of(book, tmp_path), out)
    assert changed.rendered == 1
    new = {e["flow"]: e["chart"] for e in index2.values()}
    assert new["行政许可标准流程"] != charts["行政许可标准流程"]
    assert new["行政处罚标准流程"] == charts["行政处罚标准流程"]


def _shape(root):
    g = "{http://www.w3.org/2000/svg}g"
    return (len(root.findall(f".//{g}[@class='node']")), len(root.findall(f".//{g}[@class='edge']")))


def test_labels_are_text_never_markup(book, tmp_path):
    plain_catalog = catalog_of(book, tmp_path / "plain")
    plain = next(p for _, p in plain_catalog.all_powers() if p.category == "行政许可")
    prep, _ = fc.render_catalog(plain_catalog, tmp_path / "plain" / "fc", power_code=plain.basic_code)
    plain_root = ET.parse(tmp_path / "plain" / "fc" / f"{prep.charts[plain.basic_code]}.svg").getroot()
    book.powers[0]["职权名称"] = NASTY
    for s in book.flows:
        if s["流程名称"] == "行政许可标准流程":
            s["环节"] = NASTY if s["步骤"] == "2" else s["环节"]
            s["承办岗位"] = "岗位}{|<"
    book.flows[0]["下一步"] = '材料"齐全<>:2；材料不全:1a'
    book.flows[2]["风险点"] = NASTY
    catalog = catalog_of(book, tmp_path)
    power = next(p for _, p in catalog.all_powers() if p.category == "行政许可")
    rep, _ = fc.render_catalog(catalog, tmp_path / "fc", fc.ChartSettings(formats=("svg",)),
                               power_code=power.basic_code)
    svg = (tmp_path / "fc" / f"{rep.charts[power.basic_code]}.svg").read_text("utf-8")
    root = ET.fromstring(svg)  # still well-formed XML
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "A<b>&\"引号\"{x}" in texts and "<script>" in texts and "\\n反斜杠\\l" in texts
    assert "材料\"齐全<>" in texts
    assert not root.findall(".//{http://www.w3.org/2000/svg}script")
    # nothing in a label can add, remove or rewire nodes and edges
    assert _shape(root) == _shape(plain_root) == (10, 7)


def test_overflow_check_catches_a_cramped_label():
    svg = ('<g id="node1" class="node"><polygon points="0,0 20,0 20,-10 0,-10 0,0"/>'
           '<text text-anchor="middle" x="10" y="-5" font-family="x" font-size="14.00">很长很长的环节名称</text></g>')
    assert fc.overflowing_labels(svg) == ["很长很长的环节名称"]


def test_font_resolves():
    path = fc.resolve_font()
    assert path and "Noto" in path or "noto" in (path or "")


def test_missing_dot_says_how_to_install(tmp_path, monkeypatch):
    fc.graphviz_version.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path))
    try:
        r = runner.invoke(app, ["flowcharts", str(INVENTORIES), "-o", str(tmp_path / "fc")])
        assert r.exit_code == 2
        assert "apt-get install -y graphviz" in r.output and "Graphviz" in r.output
        # everything else keeps working without Graphviz
        assert runner.invoke(app, ["validate", str(INVENTORIES)]).exit_code == 0
    finally:
        monkeypatch.undo()
        fc.graphviz_version.cache_clear()


def test_one_power_chart_has_its_title(tmp_path):
    r = runner.invoke(app, ["flowcharts", str(INVENTORIES), "-o", str(tmp_path / "fc"), "--registry",
                            str(tmp_path / "codes.sqlite"), "--power", "370105003000"])
    assert r.exit_code == 0, r.output
    [svg] = list((tmp_path / "fc").glob("*.svg"))
    text = svg.read_text("utf-8")
    assert "机动车登记" in text and "370105003000" in text
    assert runner.invoke(app, ["flowcharts", str(INVENTORIES), "-o", str(tmp_path / "x"), "--registry",
                               str(tmp_path / "codes.sqlite"), "--power", "999"]).exit_code == 2


def test_fifteen_steps_fit_a_portrait_a4_page(tmp_path):
    from powers.models import Flow, FlowEdge, FlowStep, Provenance

    prov = Provenance(file="t", sheet="流程", row=1)
    steps = [FlowStep(id=str(i), name=f"第{i}环节审查核实", post="承办岗位", days=1,
                      next=[FlowEdge(target=str(i + 1))] if i < 15 else [],
                      risk="风险描述较长需要换行显示的内容" if i % 3 == 0 else None,
                      risk_level="高中低"[i % 3] if i % 3 == 0 else None, control="防控措施", provenance=prov)
             for i in range(1, 16)]
    flow = Flow(name="十五步流程", steps=steps)
    fc.render_charts({"k": (flow, fc.chart_title(flow), "")}, tmp_path, fc.ChartSettings(formats=("pdf", "svg")))
    [pdf] = list(tmp_path.glob("*.pdf"))
    w, h = map(float, re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", pdf.read_bytes()).groups())
    assert h > w and w <= 595 and h <= 842  # A4 portrait in points
    assert fc.overflowing_labels(next(tmp_path.glob("*.svg")).read_text("utf-8")) == []


def test_concurrent_runs_into_one_folder_take_turns(tmp_path):
    """`powers flowcharts -o SAME` twice at once: each waits for the folder's lock (held here first, so
    both must wait), then both finish with the same complete folder and no temp files left."""
    import json
    import os
    import subprocess
    import sys

    from conftest import ROOT
    from powers import paths

    src = str(Book().save(tmp_path / "in" / "d.xlsx"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with paths.locked([tmp_path / "same"]):
        procs = [subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "flowcharts", src, "-o",
                                   "same", "-f", "svg", "-f", "png"], cwd=tmp_path, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for p in procs:  # each says it waits for the lock before drawing anything
            line = p.stderr.readline()
            while line and "waiting" not in line:
                line = p.stderr.readline()
            assert "another powers run is using" in line and str(tmp_path / "same") in line, line
        assert not (tmp_path / "same").exists()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "Traceback" not in err and "2 powers" in out
    index = json.loads((tmp_path / "same" / "index.json").read_text("utf-8"))
    assert len(index) == 2
    for entry in index.values():
        for fmt in ("svg", "png"):
            assert (tmp_path / "same" / f"{entry['chart']}.{fmt}").stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "same").iterdir() if p.name.startswith(".")) == []
