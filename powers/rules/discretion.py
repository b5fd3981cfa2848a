"""D: discretion standards (裁量基准) of penalties."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    "D304", "tier-overlap", "warning",
    "第 {tier} 阶次罚款幅度 {value} 与第 {prev} 阶次 {prev_range} 重叠（端点规则：{convention}）",
    "Tier {tier} fine range {value} overlaps tier {prev} {prev_range} (end points: {convention_en})",
    "逐级加重的阶次应首尾相接而不重叠，请核对端点；如两阶次是并列的不同情形（如报告表与报告书项目、"
    "浓度超标与总量超标），幅度可以相同或交叉，请在说明中写明。")
TIER_DESCENDING = rule(
    "D305", "tier-descending", "error",
    "第 {tier} 阶次罚款幅度 {value} 低于前一阶次 {prev_range}", "Tier {tier} range {value} is below tier {prev} {prev_range}",
    "阶次应从轻到重排列，罚款幅度随阶次递增。")
OUT_OF_RANGE = rule(
    "D306", "outside-statutory-range", "error",
    "第 {tier} 阶次罚款幅度 {value} 超出法定幅度 {statutory}（{source}）",
    "Tier {tier} fine range {value} is outside the statutory range {statutory} ({source_en})",
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
RANGE_UNCLEAR = rule(
    "D313", "statutory-range-unclear", "warning",
    "第 {tier} 阶次罚款幅度 {value} 无法与法定幅度确切比对：{reason}",
    "Tier {tier} fine range {value} cannot be checked against the statutory range for certain: {reason_en}",
    "核对本阶次的罚款单位（元、倍、%）、处罚对象（单位或个人）和适用情形是否与所引条文一致；"
    "必要时在“法定下限”“法定上限”列填写本阶次适用的法定幅度。")
NO_DISCRETION_WITH_TIERS = rule(
    "D312", "no-discretion-with-tiers", "warning",
    "事项标注了“无裁量空间”却填写了 {n} 个裁量阶次", "Marked as having no discretion yet has {n} tiers",
    "确认是否存在裁量空间，二者择一。")
NO_DISCRETION_NOT_FIXED = rule(
    "D314", "no-discretion-amount-not-fixed", "warning",
    "事项标注了“无裁量空间”，但{reason}，罚款数额仍需裁量",
    "Marked as having no discretion, but {reason_en}, so the amount of the fine is still a matter of discretion",
    "按违法情节在“裁量基准”表中分阶次写明罚款幅度，并将“无裁量空间”改为“否”；"
    "确属法定固定数额的，核对实施依据所引条款和引文。")

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


# ---------------------------------------------------------------- tiers against the statute
@dataclass
class Statutory:
    """The fine ranges the law sets for a power, and where they were read (for messages)."""

    ranges: list[Fine]
    source: str
    source_en: str
    unparsed: bool = False  # the text states an amount the parser could not read


_TYPED = Statutory([], "法定下限、法定上限列", "the 法定下限/法定上限 columns")
_AMOUNT_WORDS = re.compile(r"罚款.{0,30}?(?:元|倍|%|％|百分之)|(?:元|倍|%|％)\S{0,6}罚款")


def statutory_ranges(p: Power) -> Statutory | None:
    """Every fine range the cited articles state: from the article text in the law registry
    (b._law_text) when it states one, else from the text quoted in the basis cell (b.text). A
    range limited to some items (有前款第一项、第二项…行为之一的) is kept only for a basis citing one
    of them."""
    ranges: list[Fine] = []
    zh, en = [], []
    unparsed = False
    for b in p.legal_bases:
        for words, where, where_en in ((b._law_text, "法规库条文", "registry text"),
                                       (b.text, "引用条文", "quoted text")):
            rs = normalize.fine_ranges(words)
            if b.item and any(r.items for r in rs):
                rs = [r for r in rs if not r.items or b.item in r.items] or rs
            if rs:
                ranges += rs
                zh.append(f"{b.citation()}{where}")
                en.append(f"{b.citation()} {where_en}")
                break
            if words and _AMOUNT_WORDS.search(words):
                unparsed = True
    if not ranges:
        return Statutory([], "", "", unparsed=True) if unparsed else None
    return Statutory(ranges, "、".join(dict.fromkeys(zh)), "; ".join(dict.fromkeys(en)))


def statutory_from_bases(p: Power) -> Fine | None:
    """The statute's main fine range (see `statutory_ranges` for all of them)."""
    st = statutory_ranges(p)
    return normalize.main_fine(st.ranges) if st else None


# circumstance words of a tier → the conditions of the law they correspond to
_CONDITION_WORDS = [
    (("情节特别严重",), ("情节特别严重",)),
    (("情节严重", "情节较重"), ("情节严重", "情节特别严重", "情节较重")),
    (("严重后果", "后果严重"), ("严重后果", "后果严重", "后果特别严重")),
    (("重大损失",), ("重大损失",)),
    (("逾期不改正", "逾期未改正", "拒不改正", "逾期不拆除", "拒不停止", "逾期不补办", "逾期不采取", "拒不整改"),
     ("逾期不改正", "逾期未改正", "拒不改正", "拒不整改", "逾期不整改", "逾期未整改", "逾期不拆除", "逾期未拆除",
      "拒不拆除", "拒不停止", "逾期不补办", "逾期未补办", "逾期不采取", "逾期未采取")),
]


def condition_matches(condition: str, words: str) -> bool:
    """Whether a tier's circumstances name the law's condition (情节严重的 ↔ “……情节严重的”),
    not negated (未造成严重后果 does not match 造成严重后果的)."""
    keys: tuple[str, ...] = ()
    for says, means in _CONDITION_WORDS:
        if any(k in condition for k in says):
            keys = means
            break
    if not keys:
        core = condition.removesuffix("的").lstrip("对有")
        keys = (core,) if len(core) >= 4 else ()
    for k in keys:
        for m in re.finditer(re.escape(k), words):
            clause = words[max(words.rfind(c, 0, m.start()) for c in "，,；;。 ") + 1:m.start()]
            if not re.search(r"[未无没非]|不(?!改正|整改|拆除|停止|补办|采取)", clause):
                return True
    return False


def _who(f: Fine) -> str:
    return "个人" if f.target == "个人" else "单位"


def _hi(f: Fine) -> float:
    return float("inf") if f.upper is None else f.upper


def _within(f: Fine, s: Fine) -> bool:
    return (s.lower or 0) <= f.lower and _hi(f) <= _hi(s)


def _covered(f: Fine, ranges: list[Fine]) -> bool:
    """[lower, upper] lies inside the union of the ranges."""
    at, hi = f.lower, _hi(f)
    for s in sorted(ranges, key=lambda s: s.lower or 0):
        if (s.lower or 0) <= at <= _hi(s):
            at = max(at, _hi(s))
            if at >= hi:
                return True
    return False


def _same_base(a: Fine, b: Fine) -> bool:
    if not a.base or not b.base:
        return True
    return any(a.base[i:i + 2] in b.base for i in range(len(a.base) - 1))


def range_label(f: Fine) -> str:
    """2万元～20万元（情节严重的）, 对个人 5万元～20万元."""
    s = normalize.fine_text(f)
    if f.target == "个人":
        s = "对个人 " + s
    return s + (f"（{f.condition}）" if f.condition else "")


@dataclass
class RangeCheck:
    """What `check_range` found: ok, outside (D306), unclear (D313) or none (nothing to compare)."""

    status: str
    used: list[Fine] = field(default_factory=list)
    how: str = ""
    how_en: str = ""
    reason: str = ""
    reason_en: str = ""


def check_range(f: Fine, statutory: list[Fine], words: str = "") -> RangeCheck:
    """A tier's fine against the statute's ranges: the range whose condition the tier's words
    name (情节严重 …) when there is one, else the union of the ranges of the same unit and target.
    Outside every such range → outside; a range the tool cannot compare (another unit or base,
    only ranges for another target, a tier that matches a condition but lies in another range, a
    tier spanning two ranges) → unclear, never outside."""
    if f.lower is None or f.upper is None or not statutory:
        return RangeCheck("none")
    same_unit = [s for s in statutory if s.unit == f.unit and s.lower is not None and _same_base(f, s)]
    if not same_unit:
        units = "、".join(dict.fromkeys(range_label(s) for s in statutory))
        return RangeCheck("unclear", statutory, reason=f"法定幅度为 {units}，单位或计算基数与本阶次不同",
                          reason_en=f"the statute states {units}, in another unit or of another base")
    same = [s for s in same_unit if _who(s) == _who(f)]
    others = [s for s in same_unit if _who(s) != _who(f)]
    if not same:
        labels = "、".join(range_label(s) for s in others)
        return RangeCheck("unclear", others, reason=f"法定幅度 {labels} 针对的处罚对象与本阶次不同",
                          reason_en=f"the statutory range(s) {labels} are for another party")
    union_how = ("各法定幅度之并集", "the union of the statutory ranges") if len(same) > 1 else ("", "")
    applicable = [s for s in same if s.condition and condition_matches(s.condition, words)]
    if applicable:
        if any(_within(f, s) for s in applicable):
            return RangeCheck("ok", applicable, "适用情形相符的幅度", "the range whose condition the tier names")
        if _covered(f, same):
            labels = "、".join(range_label(s) for s in applicable)
            return RangeCheck("unclear", applicable, reason=f"违法情节与“{applicable[0].condition}”相符，"
                              f"但幅度不在该情形的法定幅度 {labels} 内",
                              reason_en=f"the circumstances match “{applicable[0].condition}” but the range is "
                                        f"not within its statutory range {labels}")
        return RangeCheck("outside", same, *union_how)
    if any(_within(f, s) for s in same):
        return RangeCheck("ok", same, *union_how)
    if _covered(f, same):
        labels = "、".join(range_label(s) for s in same)
        return RangeCheck("unclear", same, reason=f"幅度跨越了法定幅度 {labels} 中的两档",
                          reason_en=f"the range spans two of the statutory ranges {labels}")
    named = [s for s in others if s.condition and condition_matches(s.condition, words) and _within(f, s)]
    if named:
        # 对…人员处三万元以下的罚款；情节严重的，处三万元以上十万元以下的罚款: whose is the second fine?
        # The text does not say; a tier inside it naming its circumstance is not shown to be outside
        labels = "、".join(range_label(s) for s in named)
        return RangeCheck("unclear", named, reason=f"幅度在情形相符的法定幅度 {labels} 内，但该幅度针对的处罚对象无法确定",
                          reason_en=f"the range is within {labels}, whose condition the tier names, but whom that "
                                    "range fines cannot be told")
    if f.target is None and others and (any(_within(f, s) for s in others) or _covered(f, others)):
        labels = "、".join(range_label(s) for s in others)
        return RangeCheck("unclear", others, reason=f"幅度只落在针对其他处罚对象的法定幅度 {labels} 内，"
                          "本阶次未写明处罚对象",
                          reason_en=f"the range is only within {labels}, for another party, and the tier does "
                                    "not say whom it fines")
    return RangeCheck("outside", same, *union_how)


_PERSONS_ITEM = re.compile(r"（[^（）]*(?:主管人员|责任人员|责任人|个人)[^（）]*）$")
_CONDITION_ITEM = re.compile(r"（([^（）]*的)）$")


def power_condition(p: Power) -> str:
    """The circumstance a power's name ends with, as the importer names the tiers of a basis
    continued below (……（逾期不改正的）); '' when none."""
    m = _CONDITION_ITEM.search(p.full_name)
    return m.group(1) if m and not _PERSONS_ITEM.search(p.full_name) else ""


def persons_power(p: Power) -> bool:
    """A power (or sub-item) whose name says it fines the responsible persons, as the importer
    names the tiers of 对直接负责的主管人员… (……（对直接负责的主管人员和其他责任人员）)."""
    return bool(_PERSONS_ITEM.search(p.full_name) or _PERSONS_ITEM.search(f"（{p.sub_item or ''}）"))


def check_tier_ranges(t: DiscretionTier, statutory: Statutory | None, persons: bool = False,
                      condition: str = "") -> list[Finding]:
    """D306 / D313 for one tier: its fine, and the fines its standard sets for other parties
    (对直接负责的主管人员… 处…罚款), each against the statutory ranges. `persons`: the power is
    the responsible persons' fine, so a tier that names no party fines them; `condition`: the
    circumstance the whole power is under (from its name), read with the tier's own."""
    if t.fine is None:
        return []
    main = t.fine.model_copy(update={"target": "个人"}) if persons and t.fine.target is None else t.fine
    same_as_main = lambda r: (r.lower, r.upper, r.unit) == (t.fine.lower, t.fine.upper, t.fine.unit)  # noqa: E731
    fines = [main] + [r for r in normalize.fine_ranges(t.standard)
                      if _who(r) != _who(main) and not same_as_main(r)][:1]
    if t.statutory is not None and t.statutory.upper is not None:
        # the typed 法定下限/法定上限 are the statute's range for this tier's own fine
        # (a copy only when its target differs: the range is only compared and quoted, never kept)
        typed = t.statutory if t.statutory.target == main.target else \
            t.statutory.model_copy(update={"target": main.target})
        statutory = Statutory([typed], _TYPED.source, _TYPED.source_en)
        fines = [main]
    if statutory is None:
        return []
    if statutory.unparsed and not statutory.ranges:
        f = t.fine
        if f.lower is None or f.upper is None:
            return []
        return [RANGE_UNCLEAR(t.at("裁量标准"), normalize.fine_text(f), tier=t.tier,
                              reason="所引条文写明了罚款数额，但读不出法定幅度",
                              reason_en="the cited article states an amount that could not be read")]
    words = " ".join([*t.circumstances, condition])
    out = []
    for f in fines:
        r = check_range(f, statutory.ranges, words)
        if r.status not in ("outside", "unclear"):  # (the range is only quoted in a finding)
            continue
        value = range_label(f) if f is not main else normalize.fine_text(f)
        if r.status == "outside":
            how, how_en = (f"；{r.how}" if r.how else ""), (f"; {r.how_en}" if r.how_en else "")
            out.append(OUT_OF_RANGE(t.at("裁量标准"), value, tier=t.tier,
                                    statutory="、".join(range_label(s) for s in r.used),
                                    source=statutory.source + how, source_en=statutory.source_en + how_en))
        elif r.status == "unclear":
            out.append(RANGE_UNCLEAR(t.at("裁量标准"), value, tier=t.tier,
                                     reason=f"{r.reason}（{statutory.source}）",
                                     reason_en=f"{r.reason_en} ({statutory.source_en})"))
    return out


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
            _continue_tier(last_tier, row, circ, findings)  # continuation row of the tier above
            continue
        if number is None:
            findings.append(fields.REQUIRED(row.at("阶次"), row.get("阶次"), column="阶次"))
            continue
        existing = next((t for t in p.tiers if t.tier == number), None)
        if existing is not None and existing is last_tier:
            _continue_tier(existing, row, circ, findings)  # several circumstances for one tier
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


def _continue_tier(tier: DiscretionTier, row: Row, circ: str, findings: list[Finding]) -> None:
    """A further row of `tier`: its circumstance joins the tier; a 裁量标准, 处罚种类 or 说明 of its own
    is kept too (never dropped), and a standard that differs from the tier's is checked at its own cell."""
    tier.circumstances.append(circ)
    tier.more_rows.append(row.number)
    for k in fields.penalty_kinds(row, findings):
        if k not in tier.kinds:
            tier.kinds.append(k)
    if (note := row.get("说明")) and note != tier.note:
        tier.note = f"{tier.note}\n{note}" if tier.note else note
    standard = row.get("裁量标准")
    if not standard or standard == tier.standard:
        return
    tier.standard = f"{tier.standard}\n{standard}" if tier.standard else standard
    fine = tier_fine(row, "罚款下限", "罚款上限", standard)
    if fine is not None:
        more = DiscretionTier(tier=tier.tier, circumstances=[circ], kinds=tier.kinds, standard=standard, fine=fine,
                              statutory=tier_fine(row, "法定下限", "法定上限", None) or tier.statutory,
                              provenance=row.at("阶次"))
        more._row = row
        tier._more.append(more)


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
        # an item with sub-items has its standards on them (each sub-item is checked itself)
        if not p.no_discretion and not p.sub_items:
            out.append(NO_TIERS(p.at("无裁量空间"), name))
        elif p.no_discretion and (f := no_discretion_not_fixed(p)) is not None:
            out.append(f)
        return out
    if p.no_discretion:
        out.append(NO_DISCRETION_WITH_TIERS(p.tiers[0].provenance, name, n=len(p.tiers)))
    numbers = [t.tier for t in p.tiers]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        out.append(TIER_SEQUENCE(p.tiers[0].provenance, "、".join(map(str, numbers)), n=len(numbers)))
    statutory_default = statutory_ranges(p)
    persons, condition = persons_power(p), power_condition(p)
    convention = ("两端均含本数", "both ends inclusive") if inclusive else ("以上含本数、以下不含本数",
                                                                        "lower inclusive, upper exclusive")
    prev = None
    # the 裁量标准 cell a finding names and the range it quotes are only made for a finding: most
    # tiers have none
    for t in sorted(p.tiers, key=lambda t: t.tier):
        f = t.fine
        for circ in t.circumstances:
            if term := vague_term(circ):
                out.append(VAGUE(t.at("违法情节"), circ, term=term))
        if f is None:
            if "罚款" in t.kinds:
                out.append(FINE_UNPARSED(t.at("裁量标准"), t.standard or "（空）"))
            continue
        if f.lower is None or f.upper is None:
            continue
        if f.lower > f.upper:
            out.append(FINE_INVERTED(t.at("裁量标准"), normalize.fine_text(f), lower=_amount(f, f.lower),
                                     upper=_amount(f, f.upper)))
            continue
        out += check_tier_ranges(t, statutory_default, persons, condition)
        for m in t._more:  # a further row of this tier with a standard of its own, at its own cell
            if m.fine.lower is not None and m.fine.upper is not None and m.fine.lower > m.fine.upper:
                out.append(FINE_INVERTED(m.at("裁量标准"), normalize.fine_text(m.fine),
                                         lower=_amount(m.fine, m.fine.lower), upper=_amount(m.fine, m.fine.upper)))
            else:
                out += check_tier_ranges(m, statutory_default, persons, condition)
        if f.lower > 0 and f.upper > 10 * f.lower:
            out.append(RATIO(t.at("裁量标准"), normalize.fine_text(f), tier=t.tier, ratio=f"{f.upper / f.lower:g}"))
        if prev is not None and prev.fine.unit == f.unit and _who(prev.fine) == _who(f) \
                and _same_base(prev.fine, f):
            if f.lower < prev.fine.lower or f.upper < prev.fine.upper:
                out.append(TIER_DESCENDING(t.at("裁量标准"), normalize.fine_text(f), tier=t.tier, prev=prev.tier,
                                           prev_range=normalize.fine_text(prev.fine)))
            elif _overlaps(prev.fine, f, inclusive):
                out.append(TIER_OVERLAP(t.at("裁量标准"), normalize.fine_text(f), tier=t.tier, prev=prev.tier,
                                        prev_range=normalize.fine_text(prev.fine),
                                        convention=convention[0], convention_en=convention[1]))
        prev = t
    return out


# 处销售金额等额的罚款: a fine equal to an amount is fixed, though no number is written
_EQUAL_AMOUNT = re.compile(r"(?:等额|等值|同等数额|相等数额|相同数额)的?罚款")


def no_discretion_not_fixed(p: Power) -> Finding | None:
    """D314: a penalty marked 无裁量空间 whose cited articles (the registry's text, else the quote)
    state a fine range (2万元以下, 5000元以上5万元以下, 一倍以上三倍以下) or name a fine without any
    amount (可以并处罚款): choosing the amount is discretion, and the page would show none. A fixed
    amount (处以3万元的罚款, 处所收费用三倍的罚款) and a penalty without a fine say nothing; an amount
    the parser cannot read is left to D313."""
    st = statutory_ranges(p)
    if st is not None and st.ranges:
        open_ = [r for r in st.ranges if r.lower != r.upper]
        if not open_:
            return None
        labels = "、".join(dict.fromkeys(range_label(r) for r in open_))
        reason, reason_en = (f"所引条文规定的罚款是一个幅度（{labels}，{st.source}）",
                             f"the cited article states a range ({labels}; {st.source_en})")
    elif st is None and any("罚款" in (t := b._law_text or b.text or "") and not _EQUAL_AMOUNT.search(t)
                            for b in p.legal_bases):
        reason, reason_en = ("所引条文只规定可以处罚款，未规定罚款数额",
                             "the cited article provides for a fine but states no amount")
    else:
        return None
    return NO_DISCRETION_NOT_FIXED(p.at("无裁量空间"), "是", reason=reason, reason_en=reason_en)
