"""What a department files of its flowcharts: one chart per power, named by code and name, and the
流程图汇编 (a cover, a contents page, one chart per page, page numbers).

Each distinct flow is drawn once by Graphviz through the content-addressed chart cache
(`flowcharts.render_catalog`); a power's chart is that drawing under the power's own title band
(department, name, code, 法定/承诺时限, flow, 监督电话). SVG: the band is added to the SVG text. PDF:
WeasyPrint lays out every power's page (A4 portrait, the chart fitted, Noto CJK embedded) in one
document, and each power's file is its page. PNG: that page rendered at print resolution (300 dpi)
by PDFium (pypdfium2).
"""
from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import flowcharts
from .models import Catalog, Department, Flow, Power
from .normalize import limit_text
from .tables import safe_file_name

PNG_DPI = 300
FORMATS = ("svg", "png", "pdf")


@dataclass
class ChartPage:
    """One power's chart page: the power, its flow, its title lines and the flow's drawing (SVG)."""

    power: Power
    flow: Flow
    title: list[str]
    svg: Path


@dataclass
class ChartBookReport:
    files: list[Path] = field(default_factory=list)
    drawn: int = 0  # distinct flows drawn by Graphviz in this run
    reused: int = 0  # distinct flows found in the cache
    flows: int = 0  # distinct flows in all
    without_flow: list[str] = field(default_factory=list)  # powers whose flow is missing (no chart)


def title_lines(d: Department, p: Power, flow: Flow) -> list[str]:
    """A power's title band: name; code; 法定 and 承诺时限; flow; department and 监督电话."""
    statutory = limit_text(*p.statutory()) or "未规定"
    promised = limit_text(*p.promised()) or "未承诺"
    lines = [p.full_name, f"编码 {p.basic_code or ''}　法定时限 {statutory}　承诺时限 {promised}", f"流程：{flow.name}"]
    lines.append(d.name + (f"　监督电话 {d.supervision_phone}" if d.supervision_phone else ""))
    return lines


def file_stem(p: Power) -> str:
    """{code}-{name} made safe for Windows and zip archives (and short enough for both)."""
    return safe_file_name(f"{p.basic_code or '未赋码'}-{p.full_name}")


def chart_pages(catalog: Catalog, department: str, cache_dir: str | Path, font: str = flowcharts.FONT
                ) -> tuple[Department, list[ChartPage], flowcharts.RenderReport, list[str]]:
    """Every power and sub-item of `department` with a flow, in code order, each flow drawn once."""
    from .site import public_catalog

    # what is filed and posted: public items, not cancelled (an internal item is never charted here)
    d = next((x for x in public_catalog(catalog).departments if x.name == department), None)
    if d is None:
        raise KeyError(department)
    d = d.model_copy(update={"powers": [p.model_copy(update={"sub_items": [s for s in p.sub_items
                                                                               if s.status != "取消"]})
                                        for p in d.powers if p.status != "取消"]})
    one = Catalog(release_date=catalog.release_date, departments=[d])
    settings = flowcharts.ChartSettings(font=font, formats=("svg",))
    report, _ = flowcharts.render_catalog(one, cache_dir, settings)
    flows = {f.name: f for f in d.flows}
    pages, missing = [], []
    for p in sorted(d.all_powers(), key=lambda p: p.basic_code or ""):
        flow = flowcharts.flow_for(p, flows)
        stem = report.charts.get(f"{d.number}|{flow.name}") if flow is not None else None
        if stem is None:  # the drawing is found by the power's flow (a power without a code has one too)
            missing.append(p.full_name)
            continue
        pages.append(ChartPage(p, flow, title_lines(d, p, flow), Path(cache_dir) / f"{stem}.svg"))
    return d, pages, report, missing


def _html(pages: list[ChartPage], *, book: tuple[Department, date | None] | None = None) -> str:
    """The pages as HTML for WeasyPrint: with `book`, a cover, a contents page and page numbers."""
    css = """
@page { size: A4 portrait; margin: 12mm 12mm 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; color: #1f2933; margin: 0; }
.page { break-after: page; height: 268mm; display: flex; flex-direction: column; }
.page:last-child { break-after: auto; }
.band { border-bottom: 0.6pt solid #2f5d8a; padding-bottom: 2mm; margin-bottom: 3mm; }
.band h2 { font-size: 14pt; margin: 0 0 1mm; }
.band p { font-size: 9pt; margin: 0.4mm 0; }
.chart { flex: 1; display: flex; align-items: flex-start; justify-content: center; min-height: 0; }
.chart img { max-width: 186mm; max-height: 235mm; width: auto; height: auto; }
"""
    if book:
        css += """
@page numbered { @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 8pt;
  font-family: "Noto Sans CJK SC", sans-serif; } }
.page, .contents { page: numbered; }
.cover { break-after: page; text-align: center; padding-top: 80mm; }
.cover h1 { font-size: 24pt; margin-bottom: 12mm; }
.cover p { font-size: 12pt; margin: 2mm; }
.contents { break-after: page; }
.contents h2 { font-size: 16pt; text-align: center; }
.contents ol { font-size: 9pt; padding-left: 8mm; }
.contents li { margin: 1mm 0; }
.contents a { color: inherit; text-decoration: none; }
.contents a::after { content: leader('.') target-counter(attr(href), page); }
"""
    out = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><style>{css}</style></head><body>"]
    if book:
        d, release = book
        out.append(f"<section class='cover'><h1>{html.escape(d.name)}<br>权力运行流程图汇编</h1>"
                   f"<p>共 {len(pages)} 个事项的流程图</p>"
                   f"<p>发布日期 {release.isoformat() if release else '未注明'}</p></section>")
        items = "".join(f"<li><a href='#p{i}'>{html.escape(pg.title[0])}（{html.escape(pg.power.basic_code or '')}）"
                        f"</a></li>" for i, pg in enumerate(pages))
        out.append(f"<section class='contents'><h2>目录</h2><ol>{items}</ol></section>")
    for i, pg in enumerate(pages):
        lines = "".join(f"<p>{html.escape(x)}</p>" for x in pg.title[1:])
        out.append(f"<section class='page' id='p{i}'><div class='band'><h2>{html.escape(pg.title[0])}</h2>{lines}"
                   f"</div><div class='chart'><img src='{pg.svg.resolve().as_uri()}' alt=''></div></section>")
    out.append("</body></html>")
    return "".join(out)


def write_power_charts(pages: list[ChartPage], out_dir: str | Path, formats=FORMATS,
                       font: str = flowcharts.FONT) -> list[Path]:
    """Each page's chart as {code}-{name}.svg/.png/.pdf in `out_dir`."""
    import weasyprint

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stems = _stems(pages)
    if "svg" in formats:
        for pg, stem in zip(pages, stems):
            svg = flowcharts.titled_for_power(pg.svg.read_text("utf-8"), pg.power, pg.flow, font, lines=pg.title)
            path = out / f"{stem}.svg"
            path.write_text(svg, "utf-8")
            written.append(path)
    if "pdf" in formats or "png" in formats:
        doc = weasyprint.HTML(string=_html(pages)).render()
        if len(doc.pages) != len(pages):  # a page that did not fit on one sheet: each laid out on its own
            docs = [weasyprint.HTML(string=_html([pg])).render() for pg in pages]
        else:
            docs = [doc.copy([page]) for page in doc.pages]
        for pg, stem, one in zip(pages, stems, docs):
            data = one.write_pdf()
            if "pdf" in formats:
                path = out / f"{stem}.pdf"
                path.write_bytes(data)
                written.append(path)
            if "png" in formats:
                path = out / f"{stem}.png"
                _png(data, path)
                written.append(path)
    return written


def _stems(pages: list[ChartPage]) -> list[str]:
    """Each page's file stem; two that would be the same (items without a code, one name) get -2, -3 …"""
    seen: dict[str, int] = {}
    out = []
    for pg in pages:
        stem = file_stem(pg.power)
        seen[stem] = seen.get(stem, 0) + 1
        out.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return out


def _png(pdf: bytes, path: Path, dpi: int = PNG_DPI) -> None:
    """The first page of `pdf` as a PNG at `dpi` (print resolution)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        image = doc[0].render(scale=dpi / 72).to_pil()
        image.save(path, dpi=(dpi, dpi))
    finally:
        doc.close()


def write_chart_book(d: Department, pages: list[ChartPage], release: date | None, out: str | Path) -> Path:
    """The 流程图汇编 PDF: a cover (department, release, count), a contents page with page numbers,
    one chart per page under its power's title band, page numbers on every page after the cover."""
    import weasyprint

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=_html(pages, book=(d, release))).write_pdf(out)
    return out


def department_charts(catalog: Catalog, department: str, out_dir: str | Path, cache_dir: str | Path,
                      formats=FORMATS, *, book: bool = True, font: str = flowcharts.FONT) -> ChartBookReport:
    """One command's work: `department`'s per-power charts in `out_dir`, and (with `book`) its
    流程图汇编 PDF beside them, each flow drawn once (or taken from `cache_dir`)."""
    d, pages, rendered, missing = chart_pages(catalog, department, cache_dir, font)
    report = ChartBookReport(drawn=rendered.rendered, reused=rendered.reused,
                             flows=len(set(rendered.charts.values())), without_flow=missing)
    report.files = write_power_charts(pages, out_dir, formats, font)
    if book and pages:
        report.files.append(write_chart_book(d, pages, catalog.release_date,
                                             Path(out_dir) / (safe_file_name(f"{d.name}权力运行流程图汇编") + ".pdf")))
    return report
