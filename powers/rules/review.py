"""F (review decisions): the 清理结果 of an item, its reason and document, read from the row.

A review (清理) decides for every item: 保留, 新增, 调整, 下放 (to which level), 暂停, 合并 (into
which item) or 取消. Cancelling, merging and devolving change what the public may ask for, so they
need a reason and the document that decided them; a merge must name an item that exists (checked
in `cross`). The decision also fixes the item's 状态 when the 状态 cell is blank; a 状态 that
says otherwise is a contradiction a person has to settle, not one the tool guesses.
"""
from __future__ import annotations

import re

from .. import normalize
from ..models import DECISION_STATUS, DECISIONS, LEVELS, Decision, Department, Finding
from ..read import Row
from . import rule

DECISION_UNKNOWN = rule(
    "F130", "decision-unknown", "warning",
    "清理结果“{value}”无法识别，未按清理结果处理", "Review decision '{value}' cannot be read; it is not applied",
    "从下拉列表中选择：" + "、".join(DECISIONS) + "；下放、合并的去向分别填在“下放层级”“合并至”列。")
DECISION_UNFOUNDED = rule(
    "F131", "decision-without-grounds", "error",
    "清理结果为“{kind}”，但未填写{missing}", "Review decision '{kind}' without {missing_en}",
    "取消、合并、下放事项须写明调整理由（如依据的法律法规修改、废止情况）和决定文号（如 X政发〔2026〕3号），"
    "以备公开和查询。")
DECISION_NO_REASON = rule(
    "F132", "decision-without-reason", "warning",
    "清理结果为“{kind}”，但未填写调整理由", "Review decision '{kind}' without a reason",
    "写明调整理由，便于对照表公开和日后查询。")
DECISION_STATUS_CONFLICT = rule(
    "F133", "decision-status-conflict", "error",
    "状态“{value}”与清理结果“{kind}”矛盾（{kind}的事项应为“{expected}”）",
    "Status '{value}' contradicts the review decision '{kind}' (which leaves it '{expected}')",
    "核对后改正其中之一：清理结果为取消、合并的事项状态为“取消”，暂停的为“暂停”，其余为“在用”；"
    "也可以清空状态列，由清理结果确定。")
DEVOLVED_WHERE = rule(
    "F134", "devolved-without-level", "error",
    "清理结果为“下放”，但未写明下放到哪一级{detail}", "Devolved without the level it goes to{detail_en}",
    "在“下放层级”列填写下放后的行使层级，如“县级”或 4。")
DEVOLVED_NOT_LOWER = rule(
    "F135", "devolved-not-lower", "error",
    "下放层级“{value}”不低于本部门层级（{own}）", "Devolved to '{value}', which is not below the department's level ({own})",
    "下放是交由下级行使：层级应低于本部门（如市级部门下放至县级、乡镇级）。")
MERGED_WHERE = rule(
    "F136", "merged-without-target", "error",
    "清理结果为“合并”，但未写明并入哪个事项", "Merged without naming the item it is merged into",
    "在“合并至”列填写并入的事项名称（有子项的写“名称（子项）”）或其 12 位基本编码。")
DECISION_DATE = rule(
    "F137", "decision-date", "warning",
    "生效日期“{value}”无法识别为日期，按原文保留", "Effective date '{value}' is not a date; kept as typed",
    "按 2026-03-31 的格式填写决定生效的日期。")
RECLASSIFIED = rule(
    "F138", "code-reclassified", "warning",
    "职权类别调整为“{category}”（原为{former}）：原编码 {value} 停用并指向新编码，本事项重新赋码",
    "Reclassified as {category} (was {former}): code {value} is retired, pointing to the new code the item gets",
    "基本编码的类型位随职权类别确定，类别调整后须重新赋码；原编码不再使用，查询时指向新编码。"
    "如类别并未调整，请改回原类别。")
STATUS_WITHOUT_DECISION = rule(
    "F139", "status-without-decision", "warning",
    "状态为“{value}”，但未在清理结果中写明调整理由和文号", "Status '{value}' without a review decision giving its reason and document",
    "在“清理结果”填写{kind}，并填写调整理由和调整文号：公开的清单和对照表要说明事项为何{kind}、依据哪份文件。")
DEVOLVED_AND_CANCELLED = rule(
    "F140", "devolved-and-cancelled", "warning",
    "清理结果为“下放”，状态为“{value}”：按本部门不再实施处理", "Devolved with status '{value}': taken as no longer exercised here",
    "下放后本部门仍在本级行使的，状态填“在用”；完全交由下级行使、本部门不再实施的，可保留“取消”。")

# how offices write each decision → the canonical one
_WORDS = {
    "保留": ("保留", "继续保留", "予以保留", "维持", "不变", "无变化", "沿用", "延续"),
    "新增": ("新增", "增加", "新设", "增设", "新列入"),
    "调整": ("调整", "变更", "修改", "修订", "更名", "名称调整", "调整名称", "类别调整", "调整类别", "调整依据",
           "依据调整", "拆分", "部分调整"),
    "下放": ("下放", "下放实施", "下放管理", "委托下放"),
    "暂停": ("暂停", "暂停实施", "暂缓", "暂缓实施", "中止"),
    "合并": ("合并", "并入", "整合", "合并实施", "归并"),
    "取消": ("取消", "予以取消", "废止", "删除", "不再保留", "不予保留", "取消保留", "不再列入", "取消实施", "已取消",
           "停止实施"),
}
_NO_DECISION = {"无", "/", "-", "—", "——", "不适用", "空"}  # a cell that says there is none
_KIND_OF = {w: k for k, ws in _WORDS.items() for w in ws}
_LEADING = re.compile("|".join(sorted((re.escape(w) for w in _KIND_OF), key=len, reverse=True)))
_DEVOLVE_TO = re.compile(r"^下放(?:至|到|给|由)?(.*?)(?:实施|行使|管理|办理)?$")
_MERGE_INTO = re.compile(r"^(?:合并|并入|整合|归并)(?:至|到|入|进)?(.*)$")
_QUOTES = "“”\"'‘’《》「」"
_TARGET_SUFFIXES = ("实施", "事项", "办理")


def decision_kind(value: str) -> str | None:
    """清理结果 as typed → one of DECISIONS: '予以保留' → 保留, '下放至县级' → 下放, '并入XX' → 合并;
    None when no decision word leads the text."""
    v = re.sub(r"\s", "", value)
    if v in DECISIONS:
        return v
    if v in _KIND_OF:
        return _KIND_OF[v]
    m = _LEADING.match(v)
    return _KIND_OF[m.group(0)] if m else None


def decision(row: Row, dept: Department, findings: list[Finding]) -> Decision | None:
    """The row's review decision (None when the row records none)."""
    raw = row.get("清理结果")
    if raw is not None and re.sub(r"\s", "", raw) in _NO_DECISION:
        raw = None
    reason, document = row.get("调整理由"), row.get("调整文号")
    level_cell, target = row.get("下放层级"), row.get("合并至")
    effective_cell = row.get("生效日期")
    if raw is None and not any((reason, document, level_cell, target, effective_cell)):
        return None
    kind = decision_kind(raw) if raw is not None else None
    if raw is not None and kind is None:
        findings.append(DECISION_UNKNOWN(row.at("清理结果"), raw))
    d = Decision(kind=kind, raw=raw or "", reason=reason, document=document)
    if effective_cell is not None:
        try:
            d.effective = normalize.parse_date(row.raw("生效日期"))
        except ValueError:
            findings.append(DECISION_DATE(row.at("生效日期"), effective_cell))
            d.effective_text = effective_cell
    if kind in ("取消", "合并", "下放"):
        missing = [(c, e) for c, e, v in (("调整理由", "a reason (调整理由)", reason),
                                          ("调整文号", "the document number (调整文号)", document)) if not v]
        if missing:  # pointed at the first empty cell; the message names both when both are missing
            findings.append(DECISION_UNFOUNDED(row.at(missing[0][0]), raw, kind=kind,
                                               missing="、".join(c for c, _ in missing),
                                               missing_en=" and ".join(e for _, e in missing)))
    elif kind in ("暂停", "调整") and not reason:
        findings.append(DECISION_NO_REASON(row.at("调整理由"), raw, kind=kind))
    if kind == "下放":
        d.levels = _devolved_levels(row, raw, dept, findings)
        d.level = d.levels[0] if d.levels else None
    elif level_cell is not None:  # kept as typed; shown only with a 下放
        d.level = _level(level_cell)
    if kind == "合并":
        d.target = target_key(target or _target_in(raw))
        if not d.target:
            findings.append(MERGED_WHERE(row.at("合并至"), raw))
    elif target is not None:
        d.target = target_key(target)
    return d


def _target_in(raw: str) -> str:
    """The item a 清理结果 text merges into: 并入X, 合并至“X”实施, 合并（并入X） → X ('' when none)."""
    m = _MERGE_INTO.match(re.sub(r"\s", "", raw))
    if not m:
        return ""
    v = m.group(1).strip("（）()")
    inner = _MERGE_INTO.match(v)  # 合并（并入X）: the verb again inside brackets
    return inner.group(1) if inner else v


def target_column(d: Decision) -> str:
    """The cell that names a merge's target: 清理结果 when its own words do (并入X), else 合并至."""
    return "清理结果" if d.target and d.target in re.sub(r"\s", "", d.raw) else "合并至"


def target_key(text: str) -> str | None:
    """合并至 as typed → how an item is looked up: quotes gone (《名称》, “名称”（子项）), half-width
    brackets made full-width, spaces gone (None when empty)."""
    v = re.sub(r"\s|[" + _QUOTES + "]", "", text).replace("(", "（").replace(")", "）")
    return v or None


def target_names(target: str, merged_sub_item_of: str | None = None) -> list[str]:
    """The names a merge target may be looked up by: as written, without a trailing 实施/事项/办理, and
    for a sub-item merged into a sibling named alone, 主项名称（子项）."""
    names = [target] + [target.removesuffix(w) for w in _TARGET_SUFFIXES if target.endswith(w)]
    if merged_sub_item_of:
        names += [f"{merged_sub_item_of}（{n}）" for n in list(names)]
    return names


def _level(value: str) -> int | None:
    found = normalize.levels(value)
    return found[0] if found and len(found) == 1 else None


def _devolved_levels(row: Row, raw: str, dept: Department, findings: list[Finding]) -> list[int]:
    """下放 → the levels it goes to (县级、乡镇级 → [4, 5]), from 下放层级 or from the decision (下放至县级)."""
    cell, column = row.get("下放层级"), "下放层级"
    if cell is None:
        m = _DEVOLVE_TO.match(re.sub(r"\s", "", raw))
        cell, column = (m.group(1), "清理结果") if m and m.group(1) else (None, "下放层级")
    if cell is None:
        findings.append(DEVOLVED_WHERE(row.at("下放层级"), raw, detail="", detail_en=""))
        return []
    found = normalize.levels(cell)
    if not found:
        findings.append(DEVOLVED_WHERE(row.at(column), cell, detail=f"（“{cell}”不是层级）",
                                       detail_en=f" ('{cell}' is not a level)"))
        return []
    if dept.level and found[0] <= dept.level:
        findings.append(DEVOLVED_NOT_LOWER(row.at(column), cell, own=f"{LEVELS[dept.level]}级"))
    return found


def status(row: Row, d: Decision | None, typed: str, findings: list[Finding]) -> str:
    """The item's 状态: as typed; when the cell is blank, the one the decision leaves it in."""
    if d is None or d.kind is None:
        if d is None and typed in ("取消", "暂停"):
            findings.append(STATUS_WITHOUT_DECISION(row.at("状态"), typed, kind=typed))
        return typed
    expected = DECISION_STATUS[d.kind]
    if row.get("状态") is None:
        return expected
    if typed == expected:
        return typed
    if d.kind == "下放" and typed == "取消":  # devolved, and this department no longer exercises it at all
        findings.append(DEVOLVED_AND_CANCELLED(row.at("状态"), row.get("状态")))
    else:
        findings.append(DECISION_STATUS_CONFLICT(row.at("状态"), row.get("状态"), kind=d.kind, expected=expected))
    return typed
