"""Validation reports: terminal text, JSON, a self-contained HTML page, annotated workbooks."""
from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

from .cache import write_atomic
from .models import Finding
from .rules import RULES, all_rules
from .validate import ValidationResult

REPORT_VERSION = 1
SEVERITY_ZH = {"error": "错误", "warning": "警告"}


def summary(result: ValidationResult) -> dict:
    files = []
    for c in result.counts.values():
        fs = [f for f in result.findings if f.file == c.file]
        files.append({"file": c.file, "rows_read": c.read, "rows_accepted": c.accepted, "rows_rejected": c.rejected,
                      "errors": sum(f.severity == "error" for f in fs),
                      "warnings": sum(f.severity == "warning" for f in fs)})
    return {
        "files": files,
        "rows_read": sum(f["rows_read"] for f in files),
        "rows_accepted": sum(f["rows_accepted"] for f in files),
        "rows_rejected": sum(f["rows_rejected"] for f in files),
        "errors": len(result.errors), "warnings": len(result.warnings),
        "by_rule": dict(sorted(Counter(f.rule for f in result.findings).items())),
    }


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.sheet or "", f.row or 0, f.cell or "", f.rule))


def to_json(result: ValidationResult) -> str:
    """The documented JSON shape: {version, summary, findings: [...]}."""
    data = {"version": REPORT_VERSION, "summary": summary(result),
            "findings": [f.model_dump() for f in _sorted(result.findings)]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, n: int) -> str:
    return s + " " * max(0, n - _width(s))


def to_text(result: ValidationResult) -> str:
    """A readable table grouped by file, then counts per rule and the row tally."""
    lines = []
    by_file: dict[str, list[Finding]] = {}
    for f in _sorted(result.findings):
        by_file.setdefault(f.file, []).append(f)
    for file, fs in by_file.items():
        lines.append(f"== {file}")
        for f in fs:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f"{f.sheet} 第{f.row}行" if f.row else (f.sheet or "—"))
            lines.append(f"  {_pad(SEVERITY_ZH[f.severity], 4)} {f.rule} {_pad(f.slug, 28)} {_pad(where, 22)} "
                         f"{f.message_zh}")
            lines.append(f"  {'':4} {'':4} {'':28} {'':22} → {f.hint}")
        lines.append("")
    s = summary(result)
    if s["by_rule"]:
        lines.append("按规则统计 / findings per rule:")
        for code, n in s["by_rule"].items():
            lines.append(f"  {code} {_pad(RULES[code].slug, 30)} {n}")
        lines.append("")
    lines.append("文件 / file                                 读取 read  接受 accepted  退回 rejected  错误  警告")
    for f in s["files"]:
        lines.append(f"  {_pad(Path(f['file']).name, 40)} {f['rows_read']:>9} {f['rows_accepted']:>14} "
                     f"{f['rows_rejected']:>14} {f['errors']:>5} {f['warnings']:>5}")
    lines.append(f"合计 / total: 读取 {s['rows_read']} 行，接受 {s['rows_accepted']} 行，退回 {s['rows_rejected']} 行；"
                 f"错误 {s['errors']} 个，警告 {s['warnings']} 个 (rows read {s['rows_read']}, accepted "
                 f"{s['rows_accepted']}, rejected {s['rows_rejected']}; {s['errors']} errors, {s['warnings']} warnings)")
    return "\n".join(lines) + "\n"


def to_html(result: ValidationResult) -> str:
    from .templating import environment

    by_file: dict[str, list[Finding]] = {}
    for f in _sorted(result.findings):
        by_file.setdefault(f.file, []).append(f)
    return environment().get_template("report.html").render(
        summary=summary(result), by_file=by_file, severity_zh=SEVERITY_ZH, rules={r.code: r for r in all_rules()})


def write_annotated(result: ValidationResult, out_dir: str | Path) -> list[Path]:
    """Each department's own workbook, offending cells filled red with the message as a comment,
    plus a 校验结果 sheet listing every finding. This is what goes back to the department."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    red = PatternFill("solid", fgColor="FFC7CE")
    amber = PatternFill("solid", fgColor="FFEB9C")
    written = []
    for file in result.counts:
        fs = [f for f in _sorted(result.findings) if f.file == file]
        target = out / (Path(file).stem + ".校验结果.xlsx")
        try:
            wb = openpyxl.load_workbook(file)
        except Exception:  # unreadable input: the findings sheet alone still goes back
            wb = openpyxl.Workbook()
            wb.active.title = "说明"
            wb.active["A1"] = "原文件无法读取，见“校验结果”表。"
        notes: dict[tuple[str, str], list[Finding]] = {}
        for f in fs:
            if f.sheet in wb.sheetnames and f.cell:
                notes.setdefault((f.sheet, f.cell), []).append(f)
        for (sheet, cell), group in notes.items():
            c = wb[sheet][cell]
            if type(c).__name__ == "MergedCell":
                continue
            c.fill = red if any(f.severity == "error" for f in group) else amber
            text = "\n".join(f"[{f.rule} {SEVERITY_ZH[f.severity]}] {f.message_zh}\n修改建议：{f.hint}" for f in group)
            c.comment = Comment(text, "powers")
            c.comment.width, c.comment.height = 360, 40 + 60 * len(group)
        name = "校验结果"
        if name in wb.sheetnames:
            del wb[name]
        ws = wb.create_sheet(name, 0)
        ws.append(["严重性", "规则", "规则名", "工作表", "单元格", "行", "列", "值", "问题", "修改建议"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for f in fs:
            ws.append([SEVERITY_ZH[f.severity], f.rule, f.slug, f.sheet, f.cell, f.row, f.column,
                       _neutral(f.value), f.message_zh, f.hint])
        for col, w in zip("ABCDEFGHIJ", (8, 7, 26, 12, 8, 6, 14, 30, 60, 50)):
            ws.column_dimensions[col].width = w
        buf = io.BytesIO()
        wb.save(buf)
        write_atomic(target, buf.getvalue())  # a temporary name unique to this run, then renamed
        written.append(target)
    return written


def _neutral(value: str | None) -> str | None:
    """Never let a cell copied from input run as a formula in the report."""
    if value and value[0] in "=+-@":
        return "'" + value
    return value
