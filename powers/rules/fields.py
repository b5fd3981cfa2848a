"""F: field values. Typing a raw row into the catalog models happens here, rule by rule."""
from __future__ import annotations

import math
import re
from datetime import date, timedelta
from functools import lru_cache

from .. import normalize
from ..legal import parse_bases
from ..models import (CATEGORIES, CATEGORY_BY_TYPE, LEVELS, ORIGINS, PENALTY_KINDS, RISK_LEVELS, SCOPES, STATUSES,
                      Decision, Department, Finding, Power, Provenance)
from ..read import RawWorkbook, Row
from . import review, rule

REQUIRED = rule(
    "F101", "required-field", "error",
    "必填项“{column}”为空", "Required field '{column}' is empty",
    "填写“{column}”；模板中带 * 的列均为必填。")
CLOSED_VALUE = rule(
    "F102", "closed-value", "error",
    "“{column}”的值“{value}”不在允许范围内（{allowed}）",
    "'{column}' value '{value}' is not one of: {allowed}",
    "从下拉列表中选择：{allowed}。")
TIME_FORMAT = rule(
    "F103", "time-limit-format", "error",
    "时限“{value}”无法识别为时限", "Time limit '{value}' cannot be read as a time limit",
    "填写数字和单位：“20个工作日”（只填数字 20 也按工作日）、“30日”（自然日）、“3个月”，或“即办”；"
    "无时限的填“无”；延长期限等说明写在括号中，如“60日（特殊情况可延长30日）”。")
PROMISED_OVER = rule(
    "F104", "promised-exceeds-statutory", "error",
    "承诺时限 {value} {unit}超过法定时限 {statutory} {unit}",
    "Promised time {value} {unit_en} exceeds the statutory {statutory}",
    "承诺时限不得长于法定时限，请核对后修改。")
PROMISED_NOT_SHORTER = rule(
    "F105", "promised-not-shorter", "warning",
    "承诺时限 {value} {unit}比法定时限 {statutory} {unit}缩短不足三分之一",
    "Promised time {value} {unit_en} is less than a third shorter than the statutory {statutory}",
    "一般应比法定时限压缩三分之一以上（不超过 {target} {unit}）。")
REGION_CODE = rule(
    "F106", "region-code", "error",
    "行政区划代码“{value}”不是 6 位数字", "Region code '{value}' is not 6 digits",
    "按 GB/T 2260 填写 6 位行政区划代码，如 370200。")
CREDIT_CODE = rule(
    "F107", "credit-code", "error",
    "统一社会信用代码“{value}”{reason}", "Unified social credit code '{value}' {reason_en}",
    "核对营业执照或机关赋码证书上的 18 位代码。")
DEPT_NUMBER = rule(
    "F108", "department-number", "error",
    "部门编号“{value}”不是 2 位数字", "Department number '{value}' is not 2 digits",
    "填写本部门在基本编码中的 2 位授权部门编号，如 07。")
LEVEL = rule(
    "F109", "level", "error",
    "行使层级“{value}”无法识别{why}", "Level '{value}' cannot be read{why_en}",
    "填写 1–5 或层级名称：1 国家级、2 省级、3 市级、4 县级、5 乡镇级（多个层级用“、”分隔，如“省级、市级、县级”）。")
BAD_DATE = rule(
    "F110", "bad-date", "error",
    "日期“{value}”{why}", "Date '{value}' {why_en}",
    "按 2026-03-31 的格式填写实际的填报日期。")
CODE_STRUCTURE = rule(
    "F111", "code-structure", "error",
    "基本编码“{value}”不是 12 位数字，或来源位不符（应为 00 或 {province}）",
    "Basic code '{value}' is not 12 digits with origin 00 or {province}",
    "清空该单元格由系统赋码，或核对原编码。")
CODE_TYPE = rule(
    "F112", "code-type-mismatch", "error",
    "基本编码“{value}”的类型位 {digits} 与职权类别“{category}”（{expected}）不符",
    "Basic code '{value}' type digits {digits} do not match category {category} ({expected})",
    "核对职权类别或编码；类别改变的事项应重新赋码。")
CODE_DEPT = rule(
    "F113", "code-department-mismatch", "error",
    "基本编码“{value}”的部门位 {digits} 与部门编号 {expected} 不符",
    "Basic code '{value}' department digits {digits} do not match department number {expected}",
    "核对部门编号，或清空编码由系统重新赋码。")
EIGHT_DISCLOSURES = rule(
    "F114", "licence-disclosure-missing", "warning",
    "行政许可事项缺少“八公开”内容“{column}”", "Licence lacks the public disclosure field '{column}'",
    "行政许可须公开名称、依据、程序、条件、承诺时限、收费、数量限制、申请材料（含示范文本），请补充“{column}”；"
    "没有的也要写明，如“无数量限制”“不收费”。")
NO_DISCRETION_VALUE = rule(
    "F115", "yes-no", "error",
    "“{column}”应填“是”或“否”，实际为“{value}”", "'{column}' must be 是 or 否, not '{value}'",
    "填写“是”或“否”。")

INTERPRETED = rule(
    "F116", "value-interpreted", "warning",
    "“{column}”的值“{value}”按“{canonical}”处理：{why}",
    "'{column}' value '{value}' is taken as '{canonical}': {why_en}",
    "{hint}")
UNITS_DIFFER = rule(
    "F118", "time-units-differ", "warning",
    "承诺时限“{value}”与法定时限“{statutory}”单位不同，未比较二者长短",
    "Promised time '{value}' and statutory time '{statutory}' are in different units; not compared",
    "工作日、自然日、月之间不能直接换算；如需核对承诺时限是否短于法定时限，请按法定时限的单位填写承诺时限"
    "（如法定时限“20日”，承诺时限写“10日”）。")
RESPONSIBILITY_COLUMN_MISSING = rule(
    "F141", "responsibility-column-missing", "warning",
    "职权目录没有“{column}”列或该列全部空白：{n} 项在用职权（含子项）的{column}均未填写",
    "The power list has no '{column}' column, or it is blank: none of its {n} powers in use states it",
    "增加“{column}”列并逐项填写（可按模板）；责任清单据此生成。")
RESPONSIBILITY_MISSING = rule(
    "F119", "responsibility-missing", "warning",
    "在用事项未填写“{column}”", "The power in use has no '{column}'",
    "每项在用的职权都须列明责任事项和追责情形（权责清单），请补充“{column}”。")
NOT_A_NUMBER = rule(
    "F117", "not-a-number", "error",
    "“{column}”的值“{value}”不是数字", "'{column}' value '{value}' is not a number",
    "填写金额数字（如 2000 或 2万），不适用时留空；不要填 nan、inf 或文字说明。")

# Closed values as departments write them → the canonical value. Anything naming 内部 or 不公开 is
# internal: when in doubt an item stays off the public site.
SCOPE_WORDS = {"社会": "社会", "公开": "社会", "社会公开": "社会", "向社会公开": "社会", "主动公开": "社会",
               "对外公开": "社会", "全文公开": "社会", "依申请公开": "内部", "是": "社会", "否": "内部",
               "内部": "内部", "不公开": "内部",
               "不予公开": "内部", "非公开": "内部", "内部公开": "内部", "内部使用": "内部", "仅内部": "内部"}
STATUS_WORDS = {"在用": "在用", "有效": "在用", "正常": "在用", "保留": "在用", "启用": "在用", "实施": "在用",
                "正在实施": "在用", "现行有效": "在用", "暂停": "暂停", "暂停实施": "暂停", "暂停使用": "暂停",
                "暂缓": "暂停", "暂缓实施": "暂停", "取消": "取消", "已取消": "取消", "停用": "取消", "作废": "取消"}
ORIGIN_WORDS = {"国家基本目录": "国家基本目录", "国家": "国家基本目录", "国家目录": "国家基本目录",
                "国家级": "国家基本目录", "基本目录": "国家基本目录", "国家基本目录事项": "国家基本目录",
                "地方": "地方", "地方目录": "地方", "本地": "地方", "地方设定": "地方", "地方性": "地方",
                "地方事项": "地方", "地方性法规设定": "地方"}
RISK_WORDS = {"高风险": "高", "风险高": "高", "高级": "高", "中风险": "中", "风险中": "中", "中等": "中", "中级": "中",
              "低风险": "低", "风险低": "低", "低级": "低", "H": "高", "M": "中", "L": "低"}
CLOSED_WORDS = {"公开范围": SCOPE_WORDS, "状态": STATUS_WORDS, "事项来源": ORIGIN_WORDS, "风险等级": RISK_WORDS}
PENALTY_WORDS = {
    "吊销许可证": "吊销许可证件", "吊销执照": "吊销许可证件", "吊销营业执照": "吊销许可证件", "吊销证照": "吊销许可证件",
    "吊销许可证件": "吊销许可证件", "暂扣许可证": "暂扣许可证件", "暂扣执照": "暂扣许可证件", "暂扣证照": "暂扣许可证件",
    "拘留": "行政拘留", "停产停业": "责令停产停业", "关闭": "责令关闭", "禁止从业": "限制从业",
    "没收违法所得、没收非法财物": "没收违法所得", "降级": "降低资质等级", "降低资质": "降低资质等级",
}
# Measures departments often list with the sanctions but which are not penalties
# (行政处罚法 第二十八条: 责令改正 accompanies a penalty, it is not one).
NOT_PENALTIES = ("责令改正", "责令限期改正", "限期改正", "责令停止违法行为", "责令整改", "责令恢复原状", "责令限期拆除")

_LEVEL_BY_REGION = lambda region: 2 if region.endswith("0000") else 3 if region.endswith("00") else 4  # noqa: E731

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    if len(code) != 18:
        return f"长度为 {len(code)}，应为 18 位", f"has {len(code)} characters, not 18"
    bad = [c for c in code if c not in _CREDIT_CHARS]
    if bad:
        return f"含非法字符“{bad[0]}”", f"contains the invalid character '{bad[0]}'"
    if credit_check_char(code[:17]) != code[17]:
        expected = credit_check_char(code[:17])
        return f"校验位错误（应为 {expected}）", f"fails its check character (expected {expected})"
    return None


_INTERNAL_WORDS = ("内部", "不公开", "不予公开", "非公开", "涉密", "保密", "不对外")


def closed_word(column: str, value: str | None) -> str | None:
    """A closed value as departments write it → the canonical value (公开属性“不公开” → 内部,
    是否公开“否” → 内部, 状态“有效” → 在用 …); None when the value is not recognisable. Anything
    that names 内部, 不公开 or 涉密 is internal: when in doubt an item stays off the public site."""
    if value is None:
        return None
    key = re.sub(r"\s", "", normalize.text(value) or "")
    words = CLOSED_WORDS.get(column, {})
    if key in words:
        return words[key]
    if column == "公开范围" and any(w in key for w in _INTERNAL_WORDS):
        return "内部"
    return None


def closed(row: Row, column: str, allowed, findings: list[Finding], default=None, unknown=None):
    """The canonical value of a closed column; an unrecognisable value is an F102 error and gives
    `unknown` (default: `default`): an unreadable 公开范围 is taken as 内部, never as public."""
    value = row.get(column)
    if value is None:
        return default
    if value in allowed:
        return value
    if (word := closed_word(column, value)) is not None:
        if (column, re.sub(r"\s", "", value)) == ("公开范围", "依申请公开"):
            # disclosed on request is not published proactively: it stays off the site, and says so
            findings.append(INTERPRETED(
                row.at(column), value, column=column, canonical=word,
                why="依申请公开的事项不主动公开，不在公开网站发布",
                why_en="disclosed on request only, so it is not published on the site",
                hint="应向社会主动公开的事项，请将公开范围改为“社会”。"))
        return word
    findings.append(CLOSED_VALUE(row.at(column), value, column=column, allowed="、".join(allowed)))
    return default if unknown is None else unknown


def department(raw: RawWorkbook, findings: list[Finding], today: date | None = None) -> Department | None:
    """部门信息 → Department (without powers); None when it is unusable."""
    info = raw.info
    sheet = next((c.prov.sheet for c in info.values()), "部门信息")
    at = lambda k: info[k].prov if k in info else Provenance(file=raw.path, sheet=sheet, row=0, column=k)  # noqa: E731
    get = lambda k: info[k].text if k in info else None  # noqa: E731
    ok = True
    for key in ("部门名称", "部门编号", "行政区划代码", "统一社会信用代码", "行使层级"):
        if not get(key):
            findings.append(REQUIRED(at(key), column=key))
            ok = False
    number, region, credit, level = get("部门编号"), get("行政区划代码"), get("统一社会信用代码"), get("行使层级")
    if number and not re.fullmatch(r"\d{2}", number):
        findings.append(DEPT_NUMBER(at("部门编号"), number))
        ok = False
    if region and not re.fullmatch(r"\d{6}", region):
        findings.append(REGION_CODE(at("行政区划代码"), region))
        ok = False
    if credit:
        credit = credit.upper()
        if problem := credit_code_problem(credit):
            findings.append(CREDIT_CODE(at("统一社会信用代码"), credit, reason=problem[0], reason_en=problem[1]))
            ok = False
    if level:
        level = department_level(level, region if region and re.fullmatch(r"\d{6}", region) else None,
                                 at("行使层级"), findings)
        ok = ok and level is not None
    filled = filled_date(info["填报日期"], today or date.today(), findings) if "填报日期" in info else None
    if not ok:
        return None
    return Department(
        name=get("部门名称"), number=number, short_name=get("部门简称"), region_code=region,
        credit_code=credit, level=int(level), address=get("办公地址"), phone=get("联系电话"),
        supervision_phone=get("监督电话"), filler=get("填报人"), reviewer=get("审核人"),
        filled_date=filled, file=raw.path)


EARLIEST_DATE = date(1949, 10, 1)  # no department of the People's Republic filed before it existed


def filled_date(cell, today: date, findings: list[Finding]) -> date | None:
    """填报日期 → a date; free text, a date before 1949-10-01 or more than a year ahead (9999-12-31 …) is an
    F110 error and gives None (the review date then is unknown, never an impossible one)."""
    try:
        d = normalize.parse_date(cell.raw)
    except ValueError:
        why, why_en = "无法识别，不是日期", "cannot be read as a date"
    else:
        # a form dated a few days or weeks ahead (the day it will be sent) is plausible; years ahead is not
        if d is None or EARLIEST_DATE <= d <= today + timedelta(days=366):
            return d
        why, why_en = (("早于 1949-10-01，不可能是填报日期", "is before 1949-10-01, so it cannot be the filing date")
                       if d < EARLIEST_DATE else
                       (f"比今天（{today:%Y-%m-%d}）晚一年以上，不可能是填报日期",
                        f"is more than a year after today ({today:%Y-%m-%d})"))
    findings.append(BAD_DATE(cell.prov, cell.text, why=why, why_en=why_en))
    return None


_NUMBER_COLUMNS = {"裁量基准": ("罚款下限", "罚款上限", "法定下限", "法定上限")}
_NO_VALUE = {"/", "-", "—", "——", "无", "不适用", "空"}


def check_numbers(raw: RawWorkbook, findings: list[Finding]) -> None:
    """Numbers that are no numbers: a NaN or infinite value stored in any cell, and an amount
    column whose text reads as no finite number (nan, inf, 1e400, words). An error rejects the
    row: "nan元～nan元" never reaches the site, and words are not silently replaced."""
    for sheet, rows in raw.tables.items():
        columns = _NUMBER_COLUMNS.get(sheet, ())
        for row in rows:
            for column, cell in row.cells.items():
                value = cell.raw
                if type(value) is str and column not in columns:  # most cells: no number to check
                    continue
                if isinstance(value, float) and not math.isfinite(value):
                    bad = True
                elif column in columns and not isinstance(value, (int, float)):
                    if re.sub(r"\s", "", cell.text or "") in _NO_VALUE:
                        continue
                    try:
                        n = normalize.number(value)
                    except (OverflowError, ValueError):
                        n = None
                    bad = n is None or not math.isfinite(n)
                else:
                    bad = False
                if bad:
                    findings.append(NOT_A_NUMBER(cell.prov, cell.text, column=column))


def department_level(value: str, region: str | None, where: Provenance, findings: list[Finding]) -> int | None:
    """The department's one 行使层级 (it goes into every 实施编码): 3, 市级, 市本级 … When the cell
    names several levels, the region code decides (370200 is a city) and a warning says so."""
    found = normalize.levels(value)
    if not found:
        findings.append(LEVEL(where, value, why="", why_en=""))
        return None
    if len(found) == 1:
        return found[0]
    by_region = _LEVEL_BY_REGION(region) if region else None
    if by_region in found:
        findings.append(INTERPRETED(
            where, value, column="行使层级", canonical=f"{by_region}（{LEVELS[by_region]}）",
            why=f"部门只有一个行使层级，按行政区划代码 {region} 取{LEVELS[by_region]}级",
            why_en=f"a department has one level; region code {region} gives {by_region}",
            hint="部门信息的行使层级只填本部门所在层级；事项在多个层级行使时在职权目录中逐项填写。"))
        return by_region
    findings.append(LEVEL(where, value, why="：部门信息只能填一个层级", why_en=": a department has a single level"))
    return None


def power_levels(row: Row, dept: Department, findings: list[Finding]) -> tuple[int | None, list[int]]:
    """A power's 行使层级 cell → (the level this department exercises it at, every level named)."""
    value = row.get("行使层级")
    if value is None:
        return None, []
    if re.sub(r"\s", "", value) in ("本级", "本部门", "本级行使", "本机关"):  # the department's own level
        return dept.level, [dept.level]
    found = normalize.levels(value)
    if not found:
        findings.append(LEVEL(row.at("行使层级"), value, why="", why_en=""))
        return None, []
    if dept.level in found:
        return dept.level, found
    if len(found) == 1:
        return found[0], found
    return None, found


def time_limit(row: Row, column: str, findings: list[Finding]) -> tuple[float | None, str | None]:
    """A time-limit cell → (number, unit); text that is no time limit is an F103 error."""
    value = row.get(column)
    n, unit, ok = normalize.time_limit(value)
    if not ok:
        findings.append(TIME_FORMAT(row.at(column), value))
    return n, unit


def compare_limits(row: Row, statutory: tuple, promised: tuple, findings: list[Finding]) -> None:
    """Promised against statutory (F104, F105), only when they are in the same unit (or one is 即办);
    limits in different units are not converted (a month, a working day: no fixed number of days)."""
    (s, s_unit), (p, p_unit) = statutory, promised
    if s is None or p is None or not s > 0:
        return
    if not normalize.comparable(statutory, promised):
        findings.append(UNITS_DIFFER(row.at("承诺时限"), row.get("承诺时限"), statutory=row.get("法定时限")))
        return
    unit = normalize.unit_text(s_unit)
    en = normalize.unit_en(s_unit)
    if p > s:
        findings.append(PROMISED_OVER(row.at("承诺时限"), f"{p:g}", statutory=f"{s:g}", unit=unit, unit_en=en))
    elif p > s * 2 / 3:
        findings.append(PROMISED_NOT_SHORTER(row.at("承诺时限"), f"{p:g}", statutory=f"{s:g}", unit=unit, unit_en=en,
                                             target=f"{int(s * 2 / 3):d}"))


# What a licence discloses (八公开) in the columns that may be blank: name and legal basis are
# required (F101), and a blank 流程 is disclosed too (the category's standard flow applies).
# 示范文本 belongs to 申请材料. "无数量限制", "无", "不收费" are disclosures; a bare "/" or "—" is not.
DISCLOSED = ("办理条件", "申请材料", "承诺时限", "收费依据及标准", "数量限制")
_PLACEHOLDERS = frozenset({"/", "／", "-", "—", "——", "－", "_", "、", "空", "?", "？"})


def check_disclosures(row: Row, findings: list[Finding]) -> None:
    for col in DISCLOSED:
        value = row.get(col)
        if not value or re.sub(r"\s", "", value) in _PLACEHOLDERS:
            findings.append(EIGHT_DISCLOSURES(row.at(col), value, column=col))


RESPONSIBILITY_COLUMNS = ("责任事项", "追责情形")


def check_responsibility_columns(rows: list[Row], powers: list[Power], findings: list[Finding]) -> None:
    """A 职权目录 without a 责任事项 or 追责情形 column, or with the column blank in every row in use (an
    imported discretion standard, an old form): one warning for the file, counting the items in use,
    instead of one at every row (374 warnings drowned a real file's 30 others)."""
    if not rows:
        return
    in_use = sum(1 for p in powers for q in p.walk() if q.status == "在用")
    if in_use < 2:
        return
    for col in RESPONSIBILITY_COLUMNS:
        blank = [f for f in findings if f.rule == RESPONSIBILITY_MISSING.code and f.column in (col, _header(rows, col))]
        absent = not any(col in r.cells or col in r.layout for r in rows[:1])
        if absent or len(blank) >= in_use:
            gone = {id(b) for b in blank}
            findings[:] = [f for f in findings if id(f) not in gone]
            findings.append(RESPONSIBILITY_COLUMN_MISSING(Provenance(file=rows[0].file, sheet=rows[0].sheet, row=0),
                                                          column=col, n=in_use))


def _header(rows: list[Row], col: str) -> str:
    """How the sheet heads canonical column `col` (a finding names the header as typed)."""
    return rows[0].layout.get(col, (col, ""))[0]


def check_responsibilities(row: Row, status: str, findings: list[Finding]) -> None:
    """责任事项 and 追责情形 of every power in use (a warning at each blank cell)."""
    if status != "在用":
        return
    for col in RESPONSIBILITY_COLUMNS:
        if col not in row.cells and col not in row.layout:
            continue  # the sheet has no such column: said once for the file (RESPONSIBILITY_COLUMN_MISSING)
        value = row.get(col)
        if not value or re.sub(r"\s", "", value) in _PLACEHOLDERS:
            findings.append(RESPONSIBILITY_MISSING(row.at(col), value, column=col))


def check_code(row: Row, category: str, dept: Department, findings: list[Finding],
               decision: Decision | None = None) -> str | None:
    """A 基本编码 the workbook already carries: checked, and kept when it is sound. A code whose type
    digits name another category is an error, unless the row's review decision is 调整: the item was
    reclassified, and since the type digits are part of the code it gets a new one; the old code is
    kept as `decision.former_code`, retired and pointing to the new one (codes.CodeRegistry)."""
    code = row.get("基本编码")
    if code is None:
        return None
    raw = row.raw("基本编码")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and re.fullmatch(r"\d{9,11}", code):
        # typed as a number, the spreadsheet dropped the leading zeros of a national (00…) code
        padded = code.zfill(12)
        findings.append(INTERPRETED(
            row.at("基本编码"), code, column="基本编码", canonical=padded,
            why="单元格是数字，开头的 0 被表格丢掉，按 12 位补足",
            why_en="a number cell lost the leading zeros; padded to 12 digits",
            hint="把该列设为文本格式后重新填写编码，避免开头的 0 丢失。"))
        code = padded
    province = dept.region_code[:2]
    if not re.fullmatch(r"\d{12}", code) or code[:2] not in ("00", province):
        findings.append(CODE_STRUCTURE(row.at("基本编码"), code, province=province))
        return None
    expected = CATEGORIES.get(category)
    # a 公共服务 (20) or 其他 (99) item filed as 其他行政权力 keeps the type digits it was coded with
    outside = normalize.category_note(row.get("职权类别"))
    typed = {k for k, v in normalize.OUTSIDE_TYPES.items() if k.isdigit() and v == outside} if outside else set()
    if expected and code[2:4] != expected and code[2:4] not in typed:
        if decision is not None and decision.kind == "调整" and code[4:6] == dept.number:
            findings.append(review.RECLASSIFIED(row.at("基本编码"), code, category=category,
                                                former=CATEGORY_BY_TYPE.get(code[2:4], code[2:4])))
            decision.former_code = code
            return None
        findings.append(CODE_TYPE(row.at("基本编码"), code, digits=code[2:4], category=category,
                                  expected=expected))
        return None
    if code[4:6] != dept.number:
        findings.append(CODE_DEPT(row.at("基本编码"), code, digits=code[4:6], expected=dept.number))
        return None
    return code


def power(row: Row, dept: Department, findings: list[Finding], reclassified: frozenset[str] = frozenset()
          ) -> Power | None:
    """One 职权目录 row → Power (sub-items are attached by the caller). `reclassified`: the names of
    main items whose review decision is 调整, whose sub-items are reclassified with them."""
    for col in ("职权名称", "职权类别", "实施依据", "承办机构"):
        if not row.get(col):
            findings.append(REQUIRED(row.at(col), column=col))
    name = row.get("职权名称")
    cat = normalize.category(row.get("职权类别"))
    if cat is not None and (outside := normalize.category_note(row.get("职权类别"))):
        findings.append(INTERPRETED(
            row.at("职权类别"), row.get("职权类别"), column="职权类别", canonical=cat,
            why=f"“{outside}”不属于十类行政权力，暂按“其他行政权力”收录",
            why_en=f"'{outside}' is not one of the ten administrative powers; filed as 其他行政权力",
            hint="公共服务事项不列入权力清单的，请从本表移出；确属行政权力的，请改填具体类别。"))
    if cat is not None and cat not in CATEGORIES:
        findings.append(CLOSED_VALUE(row.at("职权类别"), row.get("职权类别"), column="职权类别",
                                     allowed="、".join(CATEGORIES)))
        cat = None
    if name is None or cat is None:
        return None
    statutory = time_limit(row, "法定时限", findings)
    promised = time_limit(row, "承诺时限", findings)
    compare_limits(row, statutory, promised, findings)
    level, levels = power_levels(row, dept, findings)
    no_disc = normalize.yes_no(row.get("无裁量空间"))
    if no_disc is None:
        findings.append(NO_DISCRETION_VALUE(row.at("无裁量空间"), row.get("无裁量空间"), column="无裁量空间"))
    if cat == "行政许可":
        check_disclosures(row, findings)
    decision = review.decision(row, dept, findings)
    status = review.status(row, decision, closed(row, "状态", STATUSES, findings, "在用"), findings)
    check_responsibilities(row, status, findings)
    if decision is None and row.get("子项名称") and name in reclassified:
        # a sub-item of an item reclassified by its 调整 decision: its code follows, as the item's does
        inherited = Decision(kind="调整", reason="随主项调整职权类别")
        code = check_code(row, cat, dept, findings, inherited)
        decision = inherited if inherited.former_code else None
    else:
        code = check_code(row, cat, dept, findings, decision)
    p = Power(
        seq=row.get("序号"), basic_code=code,
        origin=closed(row, "事项来源", ORIGINS, findings, "地方"), name=name, sub_item=row.get("子项名称"),
        category=cat, legal_bases=parse_bases(row.get("实施依据")), legal_basis_text=row.get("实施依据") or "",
        unit=row.get("承办机构") or "", level=level, levels=levels,
        statutory_limit=row.get("法定时限"), promised_limit=row.get("承诺时限"), **_limits(statutory, promised),
        fee=row.get("收费依据及标准"),
        conditions=row.get("办理条件"), materials=row.get("申请材料"), quantity_limit=row.get("数量限制"),
        responsibilities=row.get("责任事项"), accountability=row.get("追责情形"),
        scope=closed(row, "公开范围", SCOPES, findings, "社会", unknown="内部"),
        status=status, flow=row.get("流程"), no_discretion=bool(no_disc), note=row.get("备注"), decision=decision,
        provenance=row.at())
    p._row = row
    return p


def _limits(statutory: tuple, promised: tuple) -> dict:
    """The Power fields of both limits: each (number, unit), and *_days for working days only."""
    out = {}
    for name, (n, unit) in (("statutory", statutory), ("promised", promised)):
        out[f"{name}_days"] = n if unit == normalize.WORKING_DAYS else None
        if n is not None:
            out[f"{name}_value"], out[f"{name}_unit"] = n, unit
    return out


# a kind named by its key word, in order (the first that matches decides): 暂扣驾驶证, 责令停产整顿 …
_KIND_KEYS = (("没收违法所得", "没收违法所得"), ("没收非法所得", "没收违法所得"), ("非法财物", "没收非法财物"),
              ("没收", "没收非法财物"), ("通报批评", "通报批评"), ("警告", "警告"), ("罚款", "罚款"),
              ("暂扣", "暂扣许可证件"), ("吊销", "吊销许可证件"), ("降低资质", "降低资质等级"), ("降级", "降低资质等级"),
              ("限制开展生产经营", "限制开展生产经营活动"), ("限制生产经营", "限制开展生产经营活动"),
              ("停产", "责令停产停业"), ("停业", "责令停产停业"), ("关闭", "责令关闭"), ("限制从业", "限制从业"),
              ("禁止从业", "限制从业"), ("禁止从事", "限制从业"), ("拘留", "行政拘留"))
_ORDER = re.compile(r"^(?:责令|限期)(?:改正|整改|停止|恢复|拆除|补|采取|消除|重新|办理|退还|赔偿)")
_OTHER_MEASURES = ("取缔", "撤销", "注销", "收缴", "没收证件", "不予", "禁止申请")


_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_SANCTION_VERB = re.compile(r"^(?:处以|处|并处|可以|可并处|予以|给予|或者|并)")
_KIND_SEPARATORS = re.compile(r"[、,，;；/\s]+|和|或者|或|并处|及")


@lru_cache(maxsize=1 << 12)  # a pure function of its words, met once per tier row of a city's 28,000
def penalty_kind(word: str, previous: str | None = None) -> tuple[str, str]:
    """One 处罚种类 as departments write it → (kind, how): how is "kind" (one of PENALTY_KINDS),
    "order" (责令改正 and the like: not a penalty), "other" (取缔, 撤销 …: kept as 其他) or
    "unknown". `previous` is the part before it (没收违法所得和非法财物: 非法财物 is 没收非法财物)."""
    w = _SANCTION_VERB.sub("", _BRACKETED.sub("", word)).strip()
    w = PENALTY_WORDS.get(w, w)
    if w in PENALTY_KINDS:
        return w, "kind"
    if w in NOT_PENALTIES or _ORDER.match(w):
        return w, "order"
    if w in ("营业执照", "执照", "许可证", "许可证件", "资格证书", "驾驶证") and previous in ("吊销许可证件", "暂扣许可证件"):
        return previous, "kind"
    for key, kind in _KIND_KEYS:
        if key in w:
            return kind, "kind"
    if any(m in w for m in _OTHER_MEASURES):
        return "其他", "other"
    return w, "unknown"


def penalty_kinds(row: Row, findings: list[Finding]) -> list[str]:
    value = row.get("处罚种类")
    if not value:
        return []
    kinds: list[str] = []
    previous = None
    for part in (k for k in _KIND_SEPARATORS.split(value) if k):
        k, how = penalty_kind(part, previous)
        if how == "kind":
            kinds.append(k)
            previous = k
        elif how == "order":
            findings.append(INTERPRETED(
                row.at("处罚种类"), part, column="处罚种类", canonical="（不列为处罚种类）",
                why="责令改正等不是行政处罚种类（行政处罚法第二十八条），仍保留在裁量标准文字中",
                why_en="an order to correct is not a kind of penalty (Administrative Penalty Law art. 28)",
                hint="处罚种类只填行政处罚法第九条所列种类；责令改正写在“裁量标准”中。"))
        elif how == "other":
            kinds.append(k)
            findings.append(INTERPRETED(
                row.at("处罚种类"), part, column="处罚种类", canonical="其他",
                why="不是行政处罚法第九条列举的种类，按“其他”（法律、行政法规规定的其他行政处罚）收录",
                why_en="not a kind listed in art. 9 of the Administrative Penalty Law; filed as 其他",
                hint="确属法律、行政法规规定的其他行政处罚的，可填“其他”并在裁量标准中写明。"))
        else:
            findings.append(CLOSED_VALUE(row.at("处罚种类"), part, column="处罚种类", allowed="、".join(PENALTY_KINDS)))
    return list(dict.fromkeys(kinds))


def risk_level(row: Row, findings: list[Finding]) -> str | None:
    return closed(row, "风险等级", RISK_LEVELS, findings)
