"""P: operation flows (流程): every step reachable, every path ends, time limits add up."""
from __future__ import annotations

import re

from .. import normalize
from ..models import Finding, Flow, FlowEdge, FlowStep, Power
from ..read import Row
from . import fields, rule

FLOW_UNDEFINED = rule(
    "P401", "flow-undefined", "error",
    "事项引用的流程“{value}”未在“流程”表中定义", "The power refers to flow '{value}', which is not defined",
    "在“流程”表中定义该流程，或清空“流程”列以使用本类别的标准流程（{category}标准流程）。")
DANGLING = rule(
    "P402", "next-step-missing", "error",
    "流程“{flow}”步骤 {step} 的下一步“{value}”不存在", "Flow '{flow}' step {step} points to missing step '{value}'",
    "“下一步”须填写本流程中已有的步骤编号，多个用“；”分隔，条件写作“条件:步骤”。")
UNREACHABLE = rule(
    "P403", "step-unreachable", "error",
    "流程“{flow}”的步骤 {value} 从起始步骤无法到达", "Flow '{flow}' step {value} cannot be reached from the start",
    "检查前序步骤的“下一步”，或删除多余步骤。")
NO_END = rule(
    "P404", "flow-without-end", "error",
    "流程“{flow}”没有结束步骤（每个步骤都有下一步）", "Flow '{flow}' has no end step",
    "最后一个步骤的“下一步”留空或填“结束”。")
CYCLE = rule(
    "P405", "cycle-without-exit", "error",
    "流程“{flow}”中步骤 {value} 构成循环且无法走出", "Flow '{flow}' steps {value} form a cycle with no way out",
    "为循环中的某一步增加通往后续步骤或结束的分支。")
TIME_OVER = rule(
    "P406", "flow-time-exceeds-limit", "error",
    "流程“{flow}”各环节时限累计 {value} {unit}，超过法定时限 {statutory} {unit}",
    "Steps of flow '{flow}' add up to {value} {unit_en}, more than the statutory {statutory}",
    "压缩环节时限，使最长路径的时限之和不超过法定时限。")
HIGH_RISK_UNCONTROLLED = rule(
    "P408", "high-risk-without-control", "warning",
    "流程“{flow}”环节“{value}”标注了高风险点，但未填写防控措施",
    "Step '{value}' of flow '{flow}' has a high risk point but no control measure",
    "高风险点须写明具体防控措施（如双人审核、全程记录、集体讨论），廉政风险点登记表据此列出。")
DUPLICATE_STEP = rule(
    "P407", "duplicate-step", "error",
    "流程“{flow}”中步骤编号 {value} 重复", "Flow '{flow}' has step id {value} twice",
    "每个步骤使用唯一的编号。")

END_WORDS = {"结束", "办结", "end", "END", "终止"}


def parse_next(value: str | None) -> list[FlowEdge]:
    """'材料齐全:2；材料不全:补正' → edges; '结束' or empty → no edge."""
    if not value:
        return []
    edges = []
    for part in re.split(r"[；;,，、\n]+", value):
        part = part.strip()
        if not part:
            continue
        cond, _, target = part.rpartition(":") if ":" in part else part.rpartition("：")
        target = target.strip()
        if target in END_WORDS:
            continue
        edges.append(FlowEdge(target=target, condition=cond.strip() or None))
    return edges


def build_flows(rows: list[Row], findings: list[Finding]) -> list[Flow]:
    flows: dict[str, Flow] = {}
    for row in rows:
        name, step_id, step_name = row.get("流程名称"), row.get("步骤"), row.get("环节")
        missing = [c for c, v in (("流程名称", name), ("步骤", step_id), ("环节", step_name)) if not v]
        for col in missing:
            findings.append(fields.REQUIRED(row.at(col), column=col))
        if missing:
            continue
        step_days, unit, ok = normalize.time_limit(row.get("时限"))
        if not ok:
            findings.append(fields.TIME_FORMAT(row.at("时限"), row.get("时限")))
        flow = flows.get(name)
        if flow is None:  # (a Flow made only for a new name, not for every row)
            flow = flows[name] = Flow(name=name, steps=[])
        if any(s.id == step_id for s in flow.steps):
            findings.append(DUPLICATE_STEP(row.at("步骤"), step_id, flow=name))
            continue
        s = FlowStep(
            id=step_id, name=step_name, post=row.get("承办岗位"), days=step_days,
            unit=unit if unit not in (None, normalize.WORKING_DAYS) else None, next=parse_next(row.get("下一步")),
            risk=row.get("风险点"), risk_level=fields.risk_level(row, findings), control=row.get("防控措施"),
            provenance=row.at())
        s._row = row
        flow.steps.append(s)
    for flow in flows.values():
        flow.description = describe(flow)
    return list(flows.values())


def describe(flow: Flow) -> str:
    """Plain-text alternative of a flowchart: each step, its post, time and where it leads."""
    ids = {s.id: s.name for s in flow.steps}
    lines = []
    for i, s in enumerate(flow.steps, 1):
        line = f"{i}. {s.name}"
        if s.post:
            line += f"（{s.post}）"
        if s.days is not None:
            line += "，" + normalize.limit_text(s.days, s.unit)
        nexts = [f"{e.condition}则转“{ids.get(e.target, e.target)}”" if e.condition
                 else f"转“{ids.get(e.target, e.target)}”" for e in s.next]
        line += "；" + "，".join(nexts) if nexts else "；流程结束"
        if s.risk:
            line += f"。风险点（{s.risk_level or '未分级'}）：{s.risk}"
            if s.control:
                line += f"；防控措施：{s.control}"
        lines.append(line + "。")
    return "\n".join(lines)


def _reachable(flow: Flow, start: str) -> set[str]:
    succ = {s.id: [e.target for e in s.next] for s in flow.steps}
    seen, stack = set(), [start]
    while stack:
        n = stack.pop()
        if n in seen or n not in succ:
            continue
        seen.add(n)
        stack.extend(succ[n])
    return seen


def longest_days(flow: Flow) -> float:
    """Sum of step time limits along the longest path from the start, ignoring back edges.

    A depth-first walk with an explicit stack (a flow may have thousands of steps: no recursion);
    a step's value is memoised the first time its walk ends, as the recursive version did."""
    steps = {s.id: s for s in flow.steps}
    if not flow.steps:
        return 0.0
    memo: dict[str, float] = {}
    on_path: dict[str, int] = {}  # the steps of the frames below the top one (the path to it)
    start = flow.steps[0].id
    stack: list[list] = [[start, 0, 0.0]]  # step id, next edge to try, best so far
    while stack:
        frame = stack[-1]
        s = steps[frame[0]]
        if frame[1] < len(s.next):
            target = s.next[frame[1]].target
            frame[1] += 1
            if target in steps and not on_path.get(target):
                if target in memo:
                    frame[2] = max(frame[2], memo[target])
                else:
                    on_path[frame[0]] = on_path.get(frame[0], 0) + 1
                    stack.append([target, 0, 0.0])
            continue
        stack.pop()
        memo[frame[0]] = (s.days or 0) + frame[2]
        if stack:
            parent = stack[-1]
            on_path[parent[0]] -= 1
            parent[2] = max(parent[2], memo[frame[0]])
    return memo[start]


def flow_unit(flow: Flow) -> str | None:
    """The one unit a flow's step limits are in (即办 steps, 0, fit any), 工作日 when none has a
    limit; None when they mix units (5个工作日 and 30日 add up to no number)."""
    units = {s.unit or normalize.WORKING_DAYS for s in flow.steps if s.days}
    if len(units) > 1:
        return None
    return units.pop() if units else normalize.WORKING_DAYS


def flow_total(flow: Flow) -> tuple[float, str] | None:
    """The longest path's time (longest_days) with its unit; None when the steps mix units."""
    unit = flow_unit(flow)
    return None if unit is None else (longest_days(flow), unit)


def check_flow(flow: Flow) -> list[Finding]:
    out: list[Finding] = []
    ids = {s.id for s in flow.steps}
    for s in flow.steps:
        if s.risk_level == "高" and not s.control:
            out.append(HIGH_RISK_UNCONTROLLED(s.at("防控措施"), s.name, flow=flow.name))
        for e in s.next:
            if e.target not in ids:
                out.append(DANGLING(s.at("下一步"), e.target,
                                    flow=flow.name, step=s.id))
    if not flow.steps:
        return out
    reach = _reachable(flow, flow.steps[0].id)
    for s in flow.steps:
        if s.id not in reach:
            out.append(UNREACHABLE(s.at("步骤"), s.id, flow=flow.name))
    ends = [s for s in flow.steps if not [e for e in s.next if e.target in ids]]
    if not ends:
        out.append(NO_END(flow.steps[0].provenance, flow.name, flow=flow.name))
        return out
    # a step from which no end can be reached is trapped in a cycle
    end_ids = {s.id for s in ends}
    trapped = [s for s in flow.steps if s.id in reach and not (_reachable(flow, s.id) & end_ids)]
    if trapped:
        out.append(CYCLE(trapped[0].provenance, "、".join(s.id for s in trapped), flow=flow.name))
    return out


def check_power_flow(p: Power, flows: dict[str, Flow], longest: dict[str, float] | None = None) -> list[Finding]:
    """The flow a power uses exists, and its time limits fit the statutory one. `longest`, when
    given, remembers each flow's longest_days by name (for a department's powers, whose flows
    do not change meanwhile: many powers share one flow)."""
    name = flow_name(p)
    flow = flows.get(name)
    if flow is None:
        return [FLOW_UNDEFINED(p.at("流程"), name, category=p.category)]
    statutory, unit = p.statutory()
    if not statutory:
        return []
    if longest is None:
        got = flow_total(flow)
    elif (got := longest.get(name, False)) is False:
        got = longest[name] = flow_total(flow)
    # like with like only: steps in mixed units, or in another unit than the statutory limit, are not added up
    if got is None or got[1] != unit:
        return []
    total = got[0]
    if total > statutory:
        return [TIME_OVER(p.at("法定时限"), f"{total:g}", flow=flow.name, statutory=f"{statutory:g}",
                          unit=normalize.unit_text(unit), unit_en=normalize.unit_en(unit))]
    return []


def flow_name(p: Power) -> str:
    return p.flow or f"{p.category}标准流程"
