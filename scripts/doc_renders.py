"""Render the README's pictures of the printed documents from the demo city (needs pdftoppm).

    python scripts/doc_renders.py [--out docs]

docs/print-list.png is the first page of the 统计局's printable 清单 (tables.list_pdf); docs/comparison.png
the first page of the 对照表 (tables.comparison_pdf) of an adjustment made here to the demo 统计局:
one item cancelled, one merged into another, one devolved, one renamed keeping its code, one new,
each with the reason and 文号 an office records. The adjusted workbook is written beside the PDFs.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from powers import CodeRegistry, validate  # noqa: E402
from powers import catalog as cat  # noqa: E402
from powers import tables  # noqa: E402
from powers.models import DECISION_STATUS  # noqa: E402
from powers.site import public_catalog  # noqa: E402

DEPARTMENT = "06-统计局.xlsx"
DOC = "青统发〔2026〕12号"


def adjust(src: Path, dst: Path, codes: dict[str, str]) -> None:
    """The 统计局 workbook after a 动态调整: decisions in the 清理结果 columns, as an office fills them."""
    wb = openpyxl.load_workbook(src)
    ws = wb["职权目录"]
    header = [c.value for c in ws[1]]
    for col in ("清理结果", "调整理由", "调整文号", "生效日期", "下放层级", "合并至"):
        if col not in header:
            header.append(col)
            ws.cell(1, len(header), col)
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["职权名称"]).value
            and not ws.cell(r, col["子项名称"]).value and ws.cell(r, col["状态"]).value in (None, "在用")]
    checks = [r for r in rows if ws.cell(r, col["职权类别"]).value == "行政检查"]
    penalties = [r for r in rows if ws.cell(r, col["职权类别"]).value == "行政处罚"]

    def decide(r: int, kind: str, reason: str, **more) -> None:
        values = {"清理结果": kind, "调整理由": reason, "调整文号": DOC, "生效日期": "2026-07-01",
                  "状态": DECISION_STATUS[kind], **more}
        for k, v in values.items():
            ws.cell(r, col[k], v)

    decide(checks[0], "合并", "两项检查对象、内容相同，合并实施，减少重复检查",
           合并至=ws.cell(checks[1], col["职权名称"]).value)
    decide(penalties[0], "取消", "设定依据已被修改，相应处罚条款删除")
    decide(penalties[1], "下放", "方便基层就近执法，按属地管理原则下放", 下放层级="县级")
    old = ws.cell(checks[2], col["职权名称"]).value
    ws.cell(checks[2], col["职权名称"], old.replace("的检查", "的监督检查"))
    ws.cell(checks[2], col["基本编码"], codes[old])  # a rename keeps the code the workbook carries
    decide(checks[2], "调整", "名称按上位法表述规范")
    new = ws.max_row + 1
    for c in range(1, len(header) + 1):
        ws.cell(new, c, ws.cell(checks[1], c).value)
    ws.cell(new, col["序号"], str(len(rows) + 10))
    ws.cell(new, col["基本编码"], None)
    ws.cell(new, col["职权名称"], "对统计调查对象的约谈")
    decide(new, "新增", "《统计法实施条例》明确约谈职责，新增列入")
    ws.cell(new, col["生效日期"], "2026-07-01")
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)


def first_page_png(pdf: Path, png: Path, dpi: int = 60) -> None:
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--keep", type=Path, help="Folder to keep the PDFs and the adjusted workbook in.")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="powers-docs-"))
    keep = a.keep or tmp
    keep.mkdir(parents=True, exist_ok=True)
    src = ROOT / "inventories" / DEPARTMENT
    with CodeRegistry(tmp / "codes.sqlite") as reg:
        before, _ = cat.build_catalog(validate([src]), reg, date(2026, 3, 28))
        codes = {p.name: p.basic_code for _, p in before.all_powers() if p.sub_item is None}
        adjust(src, keep / f"调整后-{DEPARTMENT}", codes)
        result = validate([keep / f"调整后-{DEPARTMENT}"])
        errors = [f"{f.cell} {f.message_zh}" for f in result.errors]
        assert not errors, errors
        after, findings = cat.build_catalog(result, reg, date(2026, 7, 1))
    d = cat.diff(public_catalog(before), public_catalog(after))
    n = tables.comparison_pdf(d, keep / "对照表.pdf", title="示例市统计局权力清单调整对照表", when=after.release_date)
    lst = tables.printed_list(after, after.departments[0].name)
    tables.list_pdf(lst, keep / "清单.pdf")
    a.out.mkdir(parents=True, exist_ok=True)
    first_page_png(keep / "对照表.pdf", a.out / "comparison.png")
    first_page_png(keep / "清单.pdf", a.out / "print-list.png")
    print(f"对照表 {n} 行；清单 {lst.title}；findings at catalog: {[f.rule for f in findings]}")
    print(f"wrote {a.out / 'comparison.png'} and {a.out / 'print-list.png'} (PDFs in {keep})")
    if a.keep is None:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
