"""A department's per-power flowcharts ({code}-{name}.svg/.png/.pdf) and its 流程图汇编, with real
Graphviz, WeasyPrint and PDFium: file names, each file titled with its power, shared flows drawn once."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from cli import app
from conftest import Book, licence, penalty
from powers import CodeRegistry, chartbook, validate
from powers import catalog as cat


def _text(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chartbook")
    book = Book()  # a licence and a penalty, each on its category's standard flow
    book.powers += [licence(序号="3", 职权名称="第二个许可"), licence(序号="4", 职权名称="有子项的许可", 子项名称="甲/子项"),
                    penalty(序号="5", 职权名称="无裁量的处罚", 无裁量空间="是")]
    r = validate([book.save(tmp / "d.xlsx")])
    assert not r.errors
    with CodeRegistry(tmp / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(r, reg)
    report = chartbook.department_charts(catalog, "测试市测试局", tmp / "out", tmp / "cache")
    return catalog, report, tmp


def test_one_file_per_power_and_format_named_by_code_and_name(made):
    catalog, report, tmp = made
    powers = list(catalog.departments[0].all_powers())
    stems = {chartbook.file_stem(p) for p in powers}
    assert "/" not in "".join(stems) and any(s.endswith("有子项的许可（甲_子项）") for s in stems)
    names = {f.name for f in report.files}
    assert names == {f"{s}.{ext}" for s in stems for ext in ("svg", "png", "pdf")} | {"测试市测试局权力运行流程图汇编.pdf"}
    assert all(f.is_file() and f.stat().st_size for f in report.files)


def test_each_file_is_titled_with_its_power(made):
    catalog, report, tmp = made
    d = catalog.departments[0]
    for p in d.all_powers():
        stem = tmp / "out" / chartbook.file_stem(p)
        svg = stem.with_suffix(".svg").read_text("utf-8")
        assert f"<title id=\"t\">{p.full_name}（{p.basic_code}）运行流程图" in svg
        assert p.basic_code in svg and d.supervision_phone in svg and d.name in svg
        (text,) = _text(stem.with_suffix(".pdf").read_bytes())  # one A4 page
        assert p.full_name in text.replace("\r\n", "") and p.basic_code in text and "承诺时限" in text
        with Image.open(stem.with_suffix(".png")) as im:  # A4 portrait at 300 dpi
            assert abs(im.width - 2480) <= 2 and abs(im.height - 3508) <= 2


def test_shared_flows_are_drawn_once(made, tmp_path):
    catalog, report, tmp = made
    assert report.flows == 2 and report.drawn + report.reused == 2  # 4 licences and sub-items: one chart
    again = chartbook.department_charts(catalog, "测试市测试局", tmp_path / "out", tmp / "cache", ("svg",), book=False)
    assert (again.drawn, again.reused) == (0, 2)


def test_the_book_has_a_cover_contents_and_a_numbered_page_per_chart(made):
    catalog, report, tmp = made
    pages = _text((tmp / "out" / "测试市测试局权力运行流程图汇编.pdf").read_bytes())
    n = len(list(catalog.departments[0].all_powers()))
    assert len(pages) == 2 + n
    assert "权力运行流程图汇编" in pages[0] and f"共 {n} 个事项" in pages[0] and "第 1 页" not in pages[0]
    assert "目录" in pages[1] and "第二个许可" in pages[1]
    for i, page in enumerate(pages[2:], 3):
        assert f"第 {i} 页，共 {len(pages)} 页" in page


def test_the_command_writes_a_departments_charts(made, tmp_path):
    catalog, _, tmp = made
    path = cat.write_catalog(catalog, tmp_path / "build")
    r = CliRunner().invoke(app, ["flowcharts", str(path), "-o", str(tmp_path / "charts"), "--per-power",
                                 "-d", "测试市测试局", "-f", "svg", "-f", "pdf"])
    assert r.exit_code == 0, r.output
    assert "2 张流程图" in r.output
    files = sorted(p.name for p in (tmp_path / "charts").iterdir() if p.is_file())
    assert len(files) == 2 * len(list(catalog.departments[0].all_powers())) + 1
    r = CliRunner().invoke(app, ["flowcharts", str(path), "-o", str(tmp_path / "c2"), "--per-power", "-d", "没有的局"])
    assert r.exit_code == 2 and "没有这些部门" in r.output


def test_file_names_are_safe_everywhere():
    from powers.tables import safe_file_name

    assert safe_file_name("CON") == "_CON" and safe_file_name("nul.txt") == "_nul.txt"
    assert safe_file_name("a:b*c?. ") == "a_b_c_"
    long = safe_file_name("对" * 200)
    assert len(long.encode("utf-8")) <= 200 and long == "对" * 66


def test_internal_and_cancelled_items_are_not_charted(tmp_path):
    book = Book()
    book.powers += [licence(序号="3", 职权名称="内部的许可", 公开范围="内部"),
                    licence(序号="4", 职权名称="已取消的许可", 状态="取消", 清理结果="取消", 调整理由="废止",
                            调整文号="测政发〔2026〕1号")]
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(validate([book.save(tmp_path / "d.xlsx")]), reg)
    report = chartbook.department_charts(catalog, "测试市测试局", tmp_path / "out", tmp_path / "cache", ("svg", "pdf"))
    names = " ".join(f.name for f in report.files)
    assert "测试许可" in names and "内部的许可" not in names and "已取消的许可" not in names
    book_pdf = next(f for f in report.files if f.name.endswith("汇编.pdf"))
    assert not any("内部的许可" in t or "已取消的许可" in t for t in _text(book_pdf.read_bytes()))


def test_powers_without_codes_each_get_their_own_flow_and_file(made, tmp_path):
    catalog, _, tmp = made
    bare = catalog.model_copy(deep=True)
    for _, p in bare.all_powers():
        p.basic_code = None
    report = chartbook.department_charts(bare, "测试市测试局", tmp_path / "out", tmp / "cache", ("svg",), book=False)
    files = [f for f in report.files if f.suffix == ".svg"]
    assert len(files) == len(list(bare.departments[0].all_powers())) == len({f.name for f in files})
    penalty_svg = next(f for f in files if "对测试违法行为的行政处罚" in f.name).read_text("utf-8")
    assert "行政处罚标准流程" in penalty_svg and "行政许可标准流程" not in penalty_svg
