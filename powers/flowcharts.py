"""Operation flowcharts (权力运行流程图) drawn with Graphviz.

Charts are content-addressed: the file name is a hash of the flow's normalized content, its title
and the renderer settings (Graphviz version, font, formats), so a flow shared by many powers is
drawn once, and an unchanged re-run draws nothing. DOT sources are written with the `graphviz`
package and rendered in batches: one `dot -O` process takes many files (a `dot` start costs ~8 ms,
a chart inside a batch ~0.3 ms), and two batches run at once to use both cores.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import graphviz

from .models import Flow, Power
from .normalize import limit_text
from .rules.process import flow_total

FONT = "Noto Sans CJK SC"
RISK_STYLE = {  # three clearly different styles, also shown in the legend
    "高": {"fillcolor": "#fde0dc", "color": "#c62828", "penwidth": "2.2", "style": "filled,bold", "fontcolor": "#8e0000"},
    "中": {"fillcolor": "#fff4d6", "color": "#e08a00", "penwidth": "1.4", "style": "filled,dashed", "fontcolor": "#6d4300"},
    "低": {"fillcolor": "#eef3f8", "color": "#6b7b8c", "penwidth": "1", "style": "filled,dotted", "fontcolor": "#37474f"},
}
INSTALL_HINT = "apt-get install -y graphviz fonts-noto-cjk"
MAX_STEPS_ON_A_PAGE = 40  # past this a flow scaled to one page is unreadable (2,000 steps: scale 0)


class FlowchartError(RuntimeError):
    """Graphviz is missing or failed; carries a bilingual message."""


@dataclass(frozen=True)
class ChartSettings:
    font: str = FONT
    formats: tuple[str, ...] = ("svg",)
    wrap: int = 12  # CJK characters per label line


@dataclass
class RenderReport:
    charts: dict[str, str] = field(default_factory=dict)  # chart key → file stem (hash)
    rendered: int = 0
    reused: int = 0
    overflowing: dict[str, list[str]] = field(default_factory=dict)  # chart → labels wider than their box


# ---------------------------------------------------------------- Graphviz facts
@cache
def graphviz_version() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise FlowchartError(f"未找到 Graphviz 的 dot 命令，请安装：{INSTALL_HINT}\n"
                             f"Graphviz 'dot' was not found; install it with: {INSTALL_HINT}")
    out = subprocess.run([dot, "-V"], capture_output=True, text=True)
    m = re.search(r"version\s+(\S+)", out.stderr + out.stdout)
    return m.group(1) if m else "unknown"


def resolve_font(font: str = FONT) -> str | None:
    """The font file `dot` resolves `font` to (from `dot -v`), or None when it falls back."""
    graphviz_version()
    src = f'digraph {{ node [fontname="{font}"]; a [label="受理"] }}'
    out = subprocess.run(["dot", "-v", "-Tpng", "-o", os.devnull], input=src, capture_output=True, text=True)
    m = re.search(r'fontname: "([^"]+)" resolved to: .*?"([^"]+)"\s*(\S+)?', out.stderr)
    if not m:
        return None
    resolved, path = m.group(2), m.group(3) or ""
    if font.split()[0].lower() not in resolved.lower():
        return None
    return path or resolved


# ---------------------------------------------------------------- labels
def escape(text: str) -> str:
    """User text for an HTML-like label: never markup, never a DOT escape sequence."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
    return text


def label(text: str) -> str:
    """User text for a Graphviz label: escaped as markup, and each backslash doubled, because
    Graphviz expands \\N, \\G, \\L, \\T, \\H and \\E in labels (also in HTML-like ones) into ids."""
    return escape(text).replace("\\", "\\\\")


def wrap(text: str, width: int) -> list[str]:
    """Break long labels: CJK text every `width` characters, at punctuation when close."""
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            cut = max((para.rfind(p, width // 2, width + 1) for p in "，、；。 ,;"), default=-1)
            cut = cut + 1 if cut > 0 else width
            lines.append(para[:cut])
            para = para[cut:]
        lines.append(para)
    return lines


def _html(text: str, width: int) -> str:
    return "<BR/>".join(label(line) for line in wrap(text, width))


def _table(rows: list[str]) -> str:
    """Lines as table rows: Graphviz spaces table rows properly, unlike <BR/> with mixed font sizes."""
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


# ---------------------------------------------------------------- DOT
def flow_content(flow: Flow) -> dict:
    """What a chart draws: the steps without provenance (the hash input)."""
    # a step's unit only when it has one (工作日 is None): charts of flows in working days keep their names
    return {"name": flow.name, "steps": [s.model_dump(exclude={"provenance"} | ({"unit"} if s.unit is None else set()))
                                         for s in flow.steps]}


def chart_title(flow: Flow, power: Power | None = None) -> str:
    if power is None:  # the flow's own chart: its longest path's time (a power's title has its 法定时限)
        got = flow_total(flow)
        total = (limit_text(*got) or "未定") if got else "未合计（各环节时限单位不同）"
        return f"{flow.name}（环节时限合计{total}）"
    code = power.basic_code or ""
    limit = limit_text(*power.statutory()) or "未规定"
    return f"{power.full_name}\n编码 {code}　法定时限 {limit}\n流程：{flow.name}"


def chart_key(flow: Flow, title: str, settings: ChartSettings) -> str:
    payload = json.dumps({"flow": flow_content(flow), "title": title, "font": settings.font, "wrap": settings.wrap,
                          "graphviz": graphviz_version(), "v": 3}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def to_dot(flow: Flow, title: str, settings: ChartSettings = ChartSettings()) -> graphviz.Digraph:
    """The DOT graph: start, steps (post, time), conditional edges, risk notes, end, legend."""
    f = settings.font
    g = graphviz.Digraph("flow")
    # a page-sized chart, unless the flow is too long to be legible on one page (it then keeps its size)
    page = {"size": "7.5,10.5"} if len(flow.steps) <= MAX_STEPS_ON_A_PAGE else {}
    g.attr(rankdir="TB", fontname=f, labelloc="t", fontsize="16", nodesep="0.35", ranksep="0.4",
           **page, pad="0.2", bgcolor="white",
           label=_table([f'<FONT POINT-SIZE="16"><B>{_html(line, 40)}</B></FONT>' for line in title.split("\n")]))
    g.attr("node", fontname=f, fontsize="11", shape="box", style="rounded,filled", fillcolor="#f5f9ff",
           color="#2f5d8a", margin="0.2,0.08")
    g.attr("edge", fontname=f, fontsize="10", color="#2f5d8a", arrowsize="0.7")
    g.node("__start", "<开始>", shape="ellipse", fillcolor="#e3f1e3", color="#2e7d32")
    g.node("__end", "<结束>", shape="ellipse", fillcolor="#eeeeee", color="#555555")
    ids = {s.id: f"s{i}" for i, s in enumerate(flow.steps)}
    if flow.steps:
        g.edge("__start", ids[flow.steps[0].id])
    used_levels = set()
    for s in flow.steps:
        lines = [f"<B>{_html(s.name, settings.wrap)}</B>"]
        if s.post:
            lines.append(f'<FONT POINT-SIZE="10">{_html(s.post, settings.wrap + 2)}</FONT>')
        if s.days is not None:
            lines.append(f'<FONT POINT-SIZE="10" COLOR="#444444">时限：{limit_text(s.days, s.unit)}</FONT>')
        g.node(ids[s.id], _table(lines))
        targets = [e for e in s.next if e.target in ids]
        for e in targets:
            g.edge(ids[s.id], ids[e.target], label=f"<{_html(e.condition, 8)}>" if e.condition else None)
        if not targets:
            g.edge(ids[s.id], "__end")
        if s.risk or s.risk_level:
            level = s.risk_level if s.risk_level in RISK_STYLE else "低"
            used_levels.add(level)
            lines = [f"<B>风险点（{label(level)}）</B>"]
            if s.risk:
                lines.append(_html(s.risk, 14))
            if s.control:
                lines.append('<FONT POINT-SIZE="9">防控：' + _html(s.control, 14) + "</FONT>")
            rid = ids[s.id] + "_risk"
            g.node(rid, _table(lines), shape="note", fontsize="10", **RISK_STYLE[level])
            g.edge(ids[s.id], rid, style="dashed", arrowhead="none", color=RISK_STYLE[level]["color"],
                   constraint="false")
            with g.subgraph() as same:
                same.attr(rank="same")
                same.node(ids[s.id])
                same.node(rid)
    if used_levels:
        with g.subgraph(name="cluster_legend") as lg:
            lg.attr(label="<图例：风险等级>", fontsize="10", color="#bbbbbb", style="rounded")
            with lg.subgraph() as row:
                row.attr(rank="same")
                for level in ("高", "中", "低"):
                    row.node(f"legend_{level}", f"<{level}风险>", shape="note", fontsize="9", **RISK_STYLE[level])
            lg.edge("legend_高", "legend_中", style="invis")
            lg.edge("legend_中", "legend_低", style="invis")
        g.edge("__end", "legend_高", style="invis")
    return g


# ---------------------------------------------------------------- checks
def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def overflowing_labels(svg: str) -> list[str]:
    """Labels wider than their node's box (estimated with CJK characters one em wide)."""
    bad = []
    for node in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, flags=re.S):
        shapes = " ".join(re.findall(r'(?:points|d)="([^"]+)"', node))
        xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", shapes)]
        if m := re.search(r'<ellipse[^>]*cx="([-\d.]+)"[^>]*rx="([\d.]+)"', node):
            xs += [float(m.group(1)) - float(m.group(2)), float(m.group(1)) + float(m.group(2))]
        if not xs:
            continue
        left, right = min(xs), max(xs)
        for anchor, x, size, text in re.findall(
                r'<text text-anchor="(\w+)" x="([-\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>([^<]*)</text>', node):
            w = _text_width(text, float(size)) * 0.95  # glyph advance is a little under one em
            lo = float(x) - (w / 2 if anchor == "middle" else (w if anchor == "end" else 0))
            if lo < left - 1 or lo + w > right + 1:
                bad.append(text)
    return bad


# ---------------------------------------------------------------- rendering
def _svg_accessible(svg: str, title: str, desc: str) -> str:
    """Put the chart's title and text alternative first in the SVG (screen readers read these)."""
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)  # Graphviz comments carry no information
    head = f'<title id="t">{escape(title)}</title>\n<desc id="d">{escape(desc)}</desc>\n'
    return re.sub(r"(<svg\b[^>]*?)>", lambda m: m.group(1) + ' role="img" aria-labelledby="t d">\n' + head,
                  svg, count=1)  # a function, so that no user text is read as a replacement template


def titled_for_power(svg: str, power: Power, flow: Flow, font: str = FONT, *, lines: list[str] | None = None) -> str:
    """A shared flow chart with one power's name, code and time limit added as a title band.

    The chart itself is drawn once per distinct flow; the band is text added to the SVG, so the
    many powers sharing a flow do not each cost a Graphviz run."""
    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([-\d. ]+)"', svg)
    if not m:
        return svg
    width, height = float(m.group(1)), float(m.group(2))
    x0, y0, vw, vh = map(float, m.group(3).split())
    k = float(sc.group(1)) if (sc := re.search(r'class="graph" transform="scale\(([\d.]+)', svg)) else 1.0
    k = k if k > 0.01 else 1.0  # a chart scaled to nothing still gets a readable band
    big, small, lead = 15 * k, 12 * k, 20 * k  # the band matches the chart's own text scale
    per_line = max(8, int(vw / big))
    lines = [part for line in (lines or chart_title(flow, power).split("\n")) for part in wrap(line, per_line)]
    band = 12 * k + lead * len(lines)
    texts = "".join(
        f'<text text-anchor="middle" x="{x0 + vw / 2:.2f}" y="{y0 - band + lead * (i + 1):.2f}" '
        f'font-family="{escape(font)}" font-size="{big if i == 0 else small:.2f}" '
        f'font-weight="{"bold" if i == 0 else "normal"}" fill="#1f2933">{escape(line)}</text>\n'
        for i, line in enumerate(lines))
    head = (f'<svg width="{width:.0f}pt" height="{height * (vh + band) / vh:.0f}pt" '
            f'viewBox="{x0:.2f} {y0 - band:.2f} {vw:.2f} {vh + band:.2f}"')
    svg = svg[:m.start()] + head + svg[m.end():]
    name = f"{power.full_name}（{power.basic_code or ''}）运行流程图"
    svg = svg.replace('<title id="t">', f'<title id="t">{escape(name)}：', 1)
    return re.sub(r'(</desc>\n)', lambda mm: mm.group(1) + f'<rect x="{x0:.2f}" y="{y0 - band:.2f}" width="{vw:.2f}" '
                  f'height="{band:.2f}" fill="white"/>\n' + texts, svg, count=1)


def _run_batches(sources: dict[str, str], workdir: Path, formats: tuple[str, ...]) -> None:
    """Render many DOT files with as few `dot` processes as there are cores (at most 2 here)."""
    files = []
    for name, src in sources.items():
        path = workdir / f"{name}.gv"
        path.write_text(src, encoding="utf-8")
        files.append(path)
    n = 1 if len(files) < 8 else min(2, os.cpu_count() or 1)
    chunks = [files[i::n] for i in range(n)]
    args = ["dot", *(f"-T{fmt}" for fmt in formats), "-O"]
    procs = [subprocess.Popen(args + [str(p) for p in chunk], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for chunk in chunks if chunk]
    errors = [p.communicate()[1] for p in procs]
    if any(p.returncode for p in procs):
        raise FlowchartError("Graphviz 渲染失败 / Graphviz failed:\n" + "\n".join(e for e in errors if e)[:2000])


def render_charts(jobs: dict[str, tuple[Flow, str, str]], out_dir: str | Path,
                  settings: ChartSettings = ChartSettings()) -> RenderReport:
    """Render {key: (flow, title, text alternative)} into out_dir/<hash>.<fmt>, skipping existing files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = RenderReport()
    todo: dict[str, tuple[Flow, str, str]] = {}
    seen: set[str] = set()
    for key, (flow, title, desc) in jobs.items():
        stem = chart_key(flow, title, settings)
        report.charts[key] = stem
        if stem in seen:
            continue  # the same chart again under another key: drawn or counted once
        seen.add(stem)
        if all((out / f"{stem}.{fmt}").exists() for fmt in settings.formats):
            report.reused += 1
        else:
            todo[stem] = (flow, title, desc)
    if not todo:
        return report
    with tempfile.TemporaryDirectory(dir=out, prefix=".render-") as tmp:
        work = Path(tmp)
        _run_batches({stem: to_dot(f, t, settings).source for stem, (f, t, _) in todo.items()}, work,
                     settings.formats)
        for stem, (_, title, desc) in todo.items():
            for fmt in settings.formats:
                produced = work / f"{stem}.gv.{fmt}"
                if fmt == "svg":
                    svg = produced.read_text("utf-8")
                    if bad := overflowing_labels(svg):
                        report.overflowing[stem] = bad
                    produced.write_text(_svg_accessible(svg, title, desc), "utf-8")
                produced.replace(out / f"{stem}.{fmt}")  # same filesystem: an atomic rename
    report.rendered = len(todo)
    return report


def flow_for(power: Power, flows: dict[str, Flow]) -> Flow | None:
    from .rules.process import flow_name

    return flows.get(flow_name(power))


def render_catalog(catalog, out_dir: str | Path, settings: ChartSettings = ChartSettings(),
                   *, power_code: str | None = None) -> tuple[RenderReport, dict[str, dict]]:
    """Charts for every power of a catalog (one per distinct flow), or one power's own chart.

    Returns the report and an index {power basic code: {chart, flow, description}}."""
    jobs: dict[str, tuple[Flow, str, str]] = {}
    index: dict[str, dict] = {}
    flows_of = {id(d): {f.name: f for f in d.flows} for d in catalog.departments}
    for d, p in catalog.all_powers():
        if power_code and power_code not in (p.basic_code, p.implementation_code):
            continue
        flow = flow_for(p, flows_of[id(d)])
        if flow is None:
            continue
        if power_code:
            key, title = p.basic_code, chart_title(flow, p)
        else:
            key, title = f"{d.number}|{flow.name}", chart_title(flow)
        jobs[key] = (flow, title, flow.description)
        index[p.basic_code] = {"key": key, "flow": flow.name, "department": d.name, "description": flow.description}
    report = render_charts(jobs, out_dir, settings)
    for entry in index.values():
        entry["chart"] = report.charts[entry.pop("key")]
    return report, index
