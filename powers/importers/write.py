"""Writing: each department as the template workbook (`powers template`, drop-downs included) with
an 导入说明 sheet and a JSON report beside it, replacing only what an earlier import wrote."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

from .common import CATALOG_JSON, DepartmentDraft, ImportResult, NothingToImport, _reasons


STANDARD_FLOWS: dict[str, list[tuple]] = {
    "行政许可": [("1", "受理", "窗口受理岗", 1, "材料齐全:2；材料不全:1a"), ("1a", "一次性告知补正", "窗口受理岗", 0, "已补正:2"),
             ("2", "审查", "业务审查岗", 8, "3"), ("3", "决定", "分管负责人", 2, "4"), ("4", "送达", "窗口受理岗", 1, "结束")],
    "行政处罚": [("1", "立案", "执法人员", 5, "2"), ("2", "调查取证", "执法人员", 30, "3"),
             ("3", "告知", "执法人员", 5, "申请听证:3a；未申请听证:4"), ("3a", "听证", "听证主持人", 10, "4"),
             ("4", "决定", "部门负责人", 7, "5"), ("5", "送达", "执法人员", 3, "结束")],
    "行政强制": [("1", "审批", "部门负责人", 1, "2"), ("2", "实施", "执法人员", 1, "3"), ("3", "决定", "部门负责人", 28, "结束")],
    "行政征收": [("1", "核定", "征收岗", 5, "2"), ("2", "通知缴纳", "征收岗", 2, "3"), ("3", "收缴入库", "财务岗", 5, "结束")],
    "行政给付": [("1", "受理", "受理岗", 1, "2"), ("2", "审核", "审核岗", 10, "3"), ("3", "发放", "财务岗", 5, "结束")],
    "行政检查": [("1", "制定计划", "业务科室", 5, "2"), ("2", "实施检查", "执法人员", 5, "3"), ("3", "结果公示", "信息公开岗", 5, "结束")],
    "行政确认": [("1", "受理", "窗口受理岗", 1, "2"), ("2", "审核", "审核岗", 5, "3"), ("3", "确认", "分管负责人", 2, "结束")],
    "行政奖励": [("1", "推荐申报", "业务科室", 10, "2"), ("2", "评审", "评审委员会", 10, "3"), ("3", "决定", "部门负责人", 3, "结束")],
    "行政裁决": [("1", "受理", "法制科", 5, "2"), ("2", "调查", "承办人", 20, "3"), ("3", "裁决", "部门负责人", 10, "结束")],
    "其他行政权力": [("1", "受理", "窗口受理岗", 1, "2"), ("2", "审核", "业务科室", 10, "3"), ("3", "决定", "分管负责人", 3, "结束")],
}


def _safe_name(name: str) -> str:
    """A department name as a file name: no path or shell characters, no leading dot, and short
    enough (file names are limited to 255 bytes; the JSON report adds “.导入说明.json”)."""
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", name).strip("_.") or "未命名部门"
    while len(stem.encode("utf-8")) > 180:
        stem = stem[:-1]
    return stem


def write_workbooks(result: ImportResult, outdir: str | Path, taken: set[str] | None = None) -> list[Path]:
    """One template workbook per department (drop-downs kept), each with an 导入说明 sheet and a
    JSON report beside it (DEPT.导入说明.json) that records the sha256 of the workbook written.

    Importing again replaces DEPT.xlsx when it is still what the last import of the same source
    file wrote (its hash unchanged: nobody edited it), atomically. A workbook edited since, or
    written from another source file, is kept: the new one goes beside it (DEPT-2.xlsx) with a
    warning, since `powers validate` / `build` would read the department twice. `taken` holds the
    names already written in this run (a second file of the same department). What happened to
    each workbook is in `result.outcomes` (wrote / replaced) and `result.warnings`."""
    outdir = Path(outdir)
    full = [d for d in result.departments if d.powers]
    if not full:
        raise _nothing(result)
    for d in result.departments:
        if not d.powers:
            unit = "项" if result.layout is CATALOG_JSON else "行"
            why = "；".join(f"{k} {n} {unit}" for k, n in _reasons(d.rows).items())
            result.notes.append(f"部门“{d.name}”没有可导入的事项{f'（{why}）' if why else ''}，未写入工作簿")
    outdir.mkdir(parents=True, exist_ok=True)
    written, names = [], taken if taken is not None else set()
    for d in full:
        base = stem = _safe_name(d.name)
        n, kept = 1, []  # kept: workbooks of this department left as they are, and why
        while True:
            path = outdir / f"{stem}.xlsx"
            if stem in names:
                kept.append((path.name, "由本次导入的另一文件写入", "written from another file in this run"))
            elif not path.exists():
                outcome = "wrote"
                break
            elif (why := _kept_because(path, result.source)) is None:
                outcome = "replaced"
                break
            else:
                kept.append((path.name, *why))
            n += 1
            stem = f"{base}-{n}"
        names.add(stem)
        if outcome == "replaced":
            d.guesses.append(f"{path.name} 自上次导入以来未修改，已更新 / replaced（上次导入自同一文件）")
        if kept:
            both = "两" if len(kept) == 1 else str(len(kept) + 1)
            zh = ("；".join(f"{name} 已存在，{why}" for name, why, _ in kept) + f"，未覆盖；本次写入 {path.name}。"
                  f"同一部门的这{both}个工作簿都在 {outdir} 中，powers validate / build 会把该部门读两遍："
                  f"请把它们合并为一个（删除其余），或只校验其中一个")
            en = ("; ".join(f"{name} kept: {why}" for name, _, why in kept) + f"; this import wrote {path.name}. "
                  f"{'Both' if len(kept) == 1 else f'All {len(kept) + 1}'} are in {outdir} and powers validate / "
                  f"build would read the department twice: merge them into one workbook (delete the others) "
                  f"or validate only one")
            d.guesses.append(zh)
            result.warnings.append(f"{zh}\n{en}")
        digest = _write_workbook(path, result, d)
        report = {**result.to_json(), "departments": [x for x in result.to_json()["departments"] if x["name"] == d.name],
                  "workbook": path.name, "sha256": digest, "outcome": outcome}
        _replace_text(path.with_name(f"{stem}.导入说明.json"), json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        written.append(path)
        result.outcomes[str(path)] = outcome
    return written


def _kept_because(path: Path, source: str) -> tuple[str, str] | None:
    """Why an existing workbook must not be replaced (zh, en), or None when it is exactly what the
    last import of the same source file wrote, as its report's sha256 says."""
    try:
        report = json.loads(path.with_name(f"{path.stem}.导入说明.json").read_text("utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict) or not report.get("sha256"):
        return "没有导入记录（可能是手工填报的工作簿）", "no import record (perhaps filled in by hand)"
    if hashlib.sha256(path.read_bytes()).hexdigest() != report["sha256"]:
        return "上次导入后已被修改", "edited since it was imported"
    if Path(str(report.get("source") or "")).name != Path(source).name:
        return (f"导入自另一文件 {Path(str(report.get('source'))).name}",
                f"imported from another file, {Path(str(report.get('source'))).name}")
    return None


def _write_workbook(path: Path, result: ImportResult, d: DepartmentDraft) -> str:
    """Write the department's workbook through a temporary file in the same folder, then put it in
    place with os.replace (an earlier workbook is never left half written); its sha256."""
    import openpyxl

    from ..template import write_template

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # not *.xlsx: never read by validate
    try:
        write_template(tmp)
        wb = openpyxl.load_workbook(io.BytesIO(tmp.read_bytes()))
        _fill_info(wb["部门信息"], d.info)
        _fill_table(wb["职权目录"], d.powers)
        _fill_table(wb["裁量基准"], d.tiers)
        flows = wb["流程"]
        flows.delete_rows(2, flows.max_row)
        for cat in d.categories:
            for step in STANDARD_FLOWS[cat]:
                flows.append([f"{cat}标准流程", *step])
        _explain(wb.create_sheet("导入说明"), result, d)
        for name in ("部门信息", "职权目录", "裁量基准", "流程", "导入说明"):
            _as_text(wb[name])
        wb.save(tmp)
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _nothing(result: ImportResult) -> NothingToImport:
    """Why a file gave no item: the reasons its rows were not imported, counted."""
    rows = result.all_rows()
    why = "；".join(f"{k} {n} 行" if result.layout is not CATALOG_JSON else f"{k} {n} 项"
                   for k, n in _reasons(rows).items())
    name = Path(result.source).name
    if not rows:
        why, why_en = ("JSON 列表为空", "the JSON list is empty") if result.layout is CATALOG_JSON else \
            ("表中没有数据行", "the sheets hold no data rows")
    else:
        why_en = f"{len(rows)} {'entries' if result.layout is CATALOG_JSON else 'rows'} read, none of them an item"
    return NothingToImport(f"{name}：没有可导入的事项（{why}），未写入工作簿",
                           f"{name}: nothing to import ({why_en}); no workbook written")


def _fill_info(ws, info: dict[str, str]) -> None:
    for row in ws.iter_rows(min_row=2):
        key = str(row[0].value or "").rstrip("*")
        row[1].value = info.get(key) or None


def _as_text(ws) -> None:
    """What a department typed is text: '=见附件' must not become a formula with no value (S008)."""
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f" and isinstance(c.value, str):
                c.data_type = "s"


def _fill_table(ws, rows: list[dict]) -> None:
    headers = [str(c.value or "").rstrip("*") for c in ws[1]]
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append([r.get(h) for h in headers])


def _explain(ws, result: ImportResult, d: DepartmentDraft) -> None:
    from openpyxl.styles import Font

    ws.append(["导入说明", f"来源：{Path(result.source).name}（{result.layout.title_zh}）"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([])
    ws.append(["列对应", "源工作表", "源单元格", "源列名", "写入"])
    for c in result.columns:
        ws.append(["", c.sheet, c.cell, c.source, c.target])
    ws.append([])
    ws.append(["推断与待办"])
    for g in d.guesses + result.notes:
        ws.append(["", g])
    ws.append([])
    ws.append(["逐行去向", "源工作表", "源行", "去向", "写入位置", "说明"])
    for r in d.rows + result.rows:
        ws.append(["", r.sheet, r.row, r.status, r.target, r.note])
    for col, w in zip("ABCDEF", (12, 18, 10, 40, 16, 60)):
        ws.column_dimensions[col].width = w
