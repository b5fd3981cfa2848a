"""Tables offices print and file: the 对照表 (what an adjustment changed, in the layout offices issue
it) as a formatted Excel workbook, ready for A4 landscape printing."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .catalog import FIELD_LABELS, value_text

COMPARISON_COLUMNS = [("序号", 6), ("事项名称", 30), ("编码", 15), ("部门", 18), ("调整类型", 12),
                      ("调整前", 45), ("调整后", 45), ("调整理由", 18), ("文号", 16)]


def comparison_rows(d: dict) -> list[list]:
    """One row per adjusted item of a `catalog.diff`: added, no longer listed, status changed, content
    changed (every changed field, old against new). 调整理由 and 文号 are left for the office."""
    rows = []
    for e in d["added"]:
        rows.append([e["name"], e["code"], e["department"], "新增", "", f"{e['category']}", "", ""])
    for e in d["removed"]:
        rows.append([e["name"], e["code"], e["department"], "不再列入", f"{e['category']}", "", "", ""])
    kinds = {"暂停": "暂停实施", "取消": "取消", "在用": "恢复实施"}
    for e in d["status_changed"]:
        rows.append([e["name"], e["code"], e["department"], kinds.get(e["to"], "状态变更"), e["from"], e["to"], "", ""])
    for e in d["changed"]:
        labels = [FIELD_LABELS.get(k, k) for k in e["fields"]]
        before = "\n".join(f"{FIELD_LABELS.get(k, k)}：{value_text(k, v['old'], 300)}" for k, v in e["fields"].items())
        after = "\n".join(f"{FIELD_LABELS.get(k, k)}：{value_text(k, v['new'], 300)}" for k, v in e["fields"].items())
        rows.append([e["name"], e["code"], e["department"], "调整（" + "、".join(labels) + "）", before, after, "", ""])
    return [[i, *r] for i, r in enumerate(rows, 1)]


def comparison_xlsx(d: dict, out: str | Path, title: str = "权力清单调整对照表", when: date | None = None) -> int:
    """Write the 对照表 of diff `d` to `out`: a title, a frozen header repeated on every printed page,
    column widths, wrapped text, A4 landscape fitted to the page width. Returns the number of rows."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "对照表"
    ws.append([title + (f"（{when.isoformat()}）" if when else "")])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COMPARISON_COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([c for c, _ in COMPARISON_COLUMNS])
    rows = comparison_rows(d)
    for r in rows:
        ws.append(r)
    thin = Side(style="thin", color="999999")
    for i, (_, width) in enumerate(COMPARISON_COLUMNS, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row == 2:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    wb.save(out)
    return len(rows)
