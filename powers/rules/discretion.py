"""D: discretion standards (裁量基准) of penalties."""
from __future__ import annotations

import re

from .. import normalize
from ..models import DiscretionTier, Fine, Finding, Power
from ..read import Row
from . import fields, rule

NO_TIERS = rule(
    "D301", "penalty-without-tiers", "error",
    "行政处罚事项没有裁量基准，也未标注“无裁量空间”",
    "The penalty has no discretion tiers and is not marked as having no discretion",
    "在“裁量基准”表中按违法情节分阶次填写，或在“无裁量空间”列填“是”。")
TIER_SEQUENCE = rule(
    "D302", "tier-numbering", "error",
    "裁量阶次应为连续的 1..{n}，实际为 {value}", "Tier numbers must run 1..{n}, found {value}",
    "按从轻到从重依次编号为 1、2、3……，不要跳号或重复。")
FINE_INVERTED = rule(
    "D303", "fine-lower-above-upper", "error",
    "罚款下限 {lower} 高于上限 {upper}", "Fine lower bound {lower} is above the upper bound {upper}",
    "交换下限和上限，或核对裁量标准文字。")
TIER_OVERLAP = rule(
    "D304", "tier-overlap", "error",
    "第 {tier} 阶次罚款幅度 {value} 与第 {prev} 阶次 {prev_range} 重叠（端点规则：{convention}）",
    "Tier {tier} fine range {value} overlaps tier {prev} {prev_range} (end points: {convention_en})",
    "调整相邻阶次的端点，使幅度首尾相接而不重叠。")
TIER_DESCENDING = rule(
    "D305", "tier-descending", "error",
    "第 {tier} 阶次罚款幅度 {value} 低于前一阶次 {prev_range}", "Tier {tier} range {value} is below tier {prev} {prev_range}",
    "阶次应从轻到重排列，罚款幅度随阶次递增。")
OUT_OF_RANGE = rule(
    "D306", "outside-statutory-range", "error",
    "第 {tier} 阶次罚款幅度 {value} 超出法定幅度 {statutory}",
    "Tier {tier} fine range {value} is outside the statutory range {statutory}",
    "裁量幅度必须在法律规定的幅度以内。")
RATIO = rule(
    "D307", "fine-ratio", "warning",
    "第 {tier} 阶次罚款上限是下限的 {ratio} 倍（超过 10 倍）",
    "Tier {tier} maximum is {ratio} times its minimum (more than 10)",
    "细化阶次，使每一阶次上限一般不超过下限的 10 倍。")
VAGUE = rule(
    "D308", "vague-circumstance", "warning",
    "违法情节“{value}”使用了“{term}”等模糊表述，缺少可核查的具体标准",
    "Circumstance '{value}' uses vague wording ('{term}') with no concrete, checkable criterion",
    "写明具体情形，如违法次数、持续时间、金额、数量或后果（如“首次违法且在 3 日内改正”）。")
FINE_UNPARSED = rule(
    "D309", "fine-unparsed", "warning",
    "处罚种类含罚款，但裁量标准“{value}”中读不出罚款数额，罚款上下限也未填写",
    "The tier includes a fine but no amount can be read from '{value}' and the bounds are empty",
    "填写“罚款下限”“罚款上限”，或在裁量标准中写明“处X元以上Y元以下罚款”。")
ORPHAN_TIER = rule(
    "D310", "tier-without-power", "error",
    "裁量基准所指的职权“{value}”在职权目录中不存在", "The tier names power '{value}', which is not in 职权目录",
    "核对“职权序号”或“职权名称”，须与职权目录一致。")
TIERS_NOT_PENALTY = rule(
    "D311", "tiers-on-non-penalty", "warning",
    "“{value}”不是行政处罚事项，却填写了裁量基准", "'{value}' is not a penalty but has discretion tiers",
    "核对职权类别；非处罚事项无需填写裁量基准。")
NO_DISCRETION_WITH_TIERS = rule(
    "D312", "no-discretion-with-tiers", "warning",
    "事项标注了“无裁量空间”却填写了 {n} 个裁量阶次", "Marked as having no discretion yet has {n} tiers",
    "确认是否存在裁量空间，二者择一。")

VAGUE_TERMS = ("情节轻微", "情节较轻", "情节一般", "情节较重", "情节严重", "情节特别严重", "后果严重",
               "后果较重", "后果特别严重", "影响恶劣", "影响较大", "社会影响较大", "危害较大", "危害严重",
               "数额较大", "数额巨大", "较大", "严重")
# A criterion is concrete when it states a count, duration, amount or quantity, or a checkable fact.
_CONCRETE = re.compile(
    rf"{normalize.NUM}\s*(?:次|日|天|个月|月|年|小时|分钟|元|万元|倍|%|吨|千克|公斤|立方米|平方米|人|家|户|辆|台|件|份|米|处|项|个)"
    r"|首次|初次|第一次|再次|多次|两次|二次|拒不|逾期|经责令|责令改正后|未改正|已改正|主动|造成.{0,12}(?:死亡|受伤|损失|事故|污染)"
    r"|\d+")


def vague_term(circumstance: str) -> str | None:
    term = next((t for t in VAGUE_TERMS[:-2] if t in circumstance), None)
    if term and not _CONCRETE.search(circumstance):
        return term
    return None


def statutory_from_bases(p: Power) -> Fine | None:
    """The statute's fine range, read from the quoted text of the power's bases."""
    for b in p.legal_bases:
        if f := normalize.fine_from_words(b.text):
            return f
    return None


def tier_fine(row: Row, lower_col: str, upper_col: str, words: str | None) -> Fine | None:
    lo, hi = normalize.number(row.raw(lower_col)), normalize.number(row.raw(upper_col))
    if lo is not None or hi is not None:
        return Fine(lower=lo, upper=hi)
    return normalize.fine_from_words(words)


def attach_tiers(rows: list[Row], powers: list[Power], findings: list[Finding]) -> None:
    """裁量基准 rows → DiscretionTier objects on their powers; rows of one tier are merged."""
    by_seq = {p.seq: p for p in powers if p.seq}
    by_name = {}
    for p in powers:
        by_name.setdefault(p.full_name, p)
        by_name.setdefault(p.name, p)
    last_tier: DiscretionTier | None = None
    for row in rows:
        key = row.get("职权序号")
        p = by_seq.get(key) if key else None
        if p is None and row.get("职权名称"):
            p = by_name.get(row.get("职权名称"))
        if p is None:
            findings.append(ORPHAN_TIER(row.at("职权序号" if key else "职权名称"),
                                        key or row.get("职权名称") or "（空）"))
            continue
        circ = row.get("违法情节")
        if not circ:
            findings.append(fields.REQUIRED(row.at("违法情节"), column="违法情节"))
            continue
        number = normalize.cn_int(row.get("阶次")) if row.get("阶次") else None
        if number is None and row.get("阶次") is None and last_tier is not None and last_tier in p.tiers:
            last_tier.circumstances.append(circ)  # continuation row of the tier above
            last_tier.more_rows.append(row.number)
            continue
        if number is None:
            findings.append(fields.REQUIRED(row.at("阶次"), row.get("阶次"), column="阶次"))
            continue
        existing = next((t for t in p.tiers if t.tier == number), None)
        if existing is not None and existing is last_tier:
            existing.circumstances.append(circ)  # several circumstances for one tier
            existing.more_rows.append(row.number)
            continue
        standard = row.get("裁量标准") or ""
        kinds = fields.penalty_kinds(row, findings)
        fine = tier_fine(row, "罚款下限", "罚款上限", standard)
        statutory = tier_fine(row, "法定下限", "法定上限", None)
        tier = DiscretionTier(tier=number, circumstances=[circ], kinds=kinds, standard=standard, fine=fine,
                              statutory=statutory, note=row.get("说明"), provenance=row.at("阶次"))
        tier._row = row
        p.tiers.append(tier)
        last_tier = tier


def _amount(f: Fine, v: float) -> str:
    return normalize.yuan(v) if f.unit == "元" else f"{v:g}{'%' if f.unit == '%' else '倍'}"


def _overlaps(prev: Fine, cur: Fine, inclusive: bool) -> bool:
    return cur.lower < prev.upper or (inclusive and cur.lower == prev.upper and cur.lower != 0)


def check_power(p: Power, inclusive: bool) -> list[Finding]:
    out: list[Finding] = []
    name = p.full_name
    if p.category != "行政处罚":
        if p.tiers:
            out.append(TIERS_NOT_PENALTY(p.tiers[0].provenance, name))
        return out
    if not p.tiers:
        if not p.no_discretion:
            out.append(NO_TIERS(p.at("无裁量空间"), name))
        return out
    if p.no_discretion:
        out.append(NO_DISCRETION_WITH_TIERS(p.tiers[0].provenance, name, n=len(p.tiers)))
    numbers = [t.tier for t in p.tiers]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        out.append(TIER_SEQUENCE(p.tiers[0].provenance, "、".join(map(str, numbers)), n=len(numbers)))
    statutory_default = statutory_from_bases(p)
    convention = ("两端均含本数", "both ends inclusive") if inclusive else ("以上含本数、以下不含本数",
                                                                        "lower inclusive, upper exclusive")
    prev = None
    for t in sorted(p.tiers, key=lambda t: t.tier):
        f = t.fine
        at_fine = t.at("裁量标准")
        for circ in t.circumstances:
            if term := vague_term(circ):
                out.append(VAGUE(t.at("违法情节"), circ, term=term))
        if f is None:
            if "罚款" in t.kinds:
                out.append(FINE_UNPARSED(at_fine, t.standard or "（空）"))
            continue
        if f.lower is None or f.upper is None:
            continue
        rng = normalize.fine_text(f)
        if f.lower > f.upper:
            out.append(FINE_INVERTED(at_fine, rng, lower=_amount(f, f.lower), upper=_amount(f, f.upper)))
            continue
        statutory = t.statutory if t.statutory and t.statutory.upper is not None else statutory_default
        if statutory and statutory.unit == f.unit and statutory.upper is not None:
            lo = statutory.lower or 0
            if f.lower < lo or f.upper > statutory.upper:
                out.append(OUT_OF_RANGE(at_fine, rng, tier=t.tier, statutory=normalize.fine_text(statutory)))
        if f.lower > 0 and f.upper > 10 * f.lower:
            out.append(RATIO(at_fine, rng, tier=t.tier, ratio=f"{f.upper / f.lower:g}"))
        if prev is not None and prev.fine.unit == f.unit:
            pr = normalize.fine_text(prev.fine)
            if f.lower < prev.fine.lower or f.upper < prev.fine.upper:
                out.append(TIER_DESCENDING(at_fine, rng, tier=t.tier, prev=prev.tier, prev_range=pr))
            elif _overlaps(prev.fine, f, inclusive):
                out.append(TIER_OVERLAP(at_fine, rng, tier=t.tier, prev=prev.tier, prev_range=pr,
                                        convention=convention[0], convention_en=convention[1]))
        prev = t
    return out
