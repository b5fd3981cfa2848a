"""Normalize raw cell values: whitespace, full-width characters, synonyms, numbers in words."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache, wraps

from .models import CATEGORIES, Fine

# Full-width ASCII letters and digits and the ideographic space become ASCII; Chinese punctuation
# (，（）：) is left alone because it is part of the published text.
_FULLWIDTH = {0x3000: " "}
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_FULLWIDTH.update({0xFF0E: ".", 0xFF05: "%", 0xFF0D: "-", 0xA0: " "})
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


# Patterns used on every cell are compiled once here: re.sub(pattern_string, …) looks its pattern up
# in re's cache on every call, which cost more than the matching on a city's 700,000 cells.
_SPACES_TABS = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")
_SPACE = re.compile(r"\s")
_HEADER_NOISE = re.compile(r"[\s*＊]")
_HEADER_NOTE = re.compile(r"[（(](必填|选填|可选|必选)[)）]")


def memo_str(fn):
    """`fn` (of one argument, a pure function of it) memoized for str arguments: a city's rows
    repeat the same few hundred values (类别, 时限, 层级 …) tens of thousands of times. Other
    values (numbers, dates, None) are not memoized: 1, 1.0 and True are equal keys."""
    cached = lru_cache(maxsize=1 << 15)(fn)

    @wraps(fn)
    def memoized(value):
        return cached(value) if type(value) is str else fn(value)

    memoized.cache_clear = cached.cache_clear
    return memoized


_NEEDS_WORK = re.compile(r"[\s\u3000\uff05\uff0d\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u200b\ufeff\xa0]")


def text(value: object, *, multiline: bool = False) -> str | None:
    """Clean one cell: full-width digits, stray spaces, line breaks. Empty becomes None."""
    if value is None:
        return None
    if type(value) is str and not _NEEDS_WORK.search(value):  # most cells: nothing to clean
        return value or None
    if type(value) is int:  # ASCII digits and a sign, never empty: nothing to clean (not bool)
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    s = str(value).translate(_FULLWIDTH).replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\u200b", "").replace("\ufeff", "")
    if multiline:
        lines = [_SPACES_TABS.sub(" ", ln).strip() for ln in s.split("\n")]
        s = "\n".join(lines).strip()
        s = _BLANK_LINES.sub("\n\n", s)
    else:
        s = _SPACE_BETWEEN_CJK.sub("", s.replace("\n", " "))
        s = _SPACES.sub(" ", s).strip()
    return s or None


@memo_str
def header_key(value: object) -> str:
    """A header cell reduced to what identifies it: no spaces, stars or 必填 notes."""
    s = text(value) or ""
    s = _HEADER_NOISE.sub("", s)
    s = _HEADER_NOTE.sub("", s)
    return s


CATEGORY_SYNONYMS = {
    "许可": "行政许可", "行政许可类": "行政许可", "审批": "行政许可", "行政审批": "行政许可",
    "处罚": "行政处罚", "行政处罚类": "行政处罚",
    "强制": "行政强制", "行政强制类": "行政强制", "行政强制措施": "行政强制", "行政强制执行": "行政强制",
    "征收": "行政征收", "行政征收类": "行政征收", "征收征用": "行政征收",
    "给付": "行政给付", "行政给付类": "行政给付",
    "检查": "行政检查", "行政检查类": "行政检查", "监督检查": "行政检查",
    "确认": "行政确认", "行政确认类": "行政确认",
    "奖励": "行政奖励", "行政奖励类": "行政奖励",
    "裁决": "行政裁决", "行政裁决类": "行政裁决",
    "其他": "其他行政权力", "其他类": "其他行政权力", "其他权力": "其他行政权力",
    "其它行政权力": "其他行政权力", "其他行政权力类": "其他行政权力", "其它": "其他行政权力", "其它权力": "其他行政权力",
    "其它类": "其他行政权力", "其他行政职权": "其他行政权力", "其它行政职权": "其他行政权力",
    "行政监督检查": "行政检查", "行政征用": "行政征收", "征用": "行政征收",
    # the pinyin letters some lists print instead of the name (XK 许可, CF 处罚 …)
    "XK": "行政许可", "CF": "行政处罚", "QZ": "行政强制", "ZS": "行政征收", "JF": "行政给付", "JC": "行政检查",
    "QR": "行政确认", "JL": "行政奖励", "CJ": "行政裁决", "QT": "其他行政权力",
}


# National 事项类型 codes as numbers (GB/T 39554.1): 01–10 are the ten administrative powers.
# Some provinces also file 20 (公共服务) and 99 (其他) in the same column: not administrative
# powers, so they are kept as 其他行政权力 with a warning that says so (see `category_note`).
TYPE_CODES = {f"{i:02d}": cat for cat, code in CATEGORIES.items() for i in [int(code)]}
OUTSIDE_TYPES = {"20": "公共服务", "99": "其他", "公共服务": "公共服务", "公共服务事项": "公共服务",
                 "其他事项": "其他", "非行政许可审批": "非行政许可审批", "非许可审批": "非行政许可审批",
                 "行政备案": "行政备案", "备案": "行政备案"}


_CODE_PREFIX = re.compile(r"^[（(]?\d{1,2}[)）.、]?(?=\D)")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]$")
_POINT_ZERO = re.compile(r"^(\d{1,2})\.0$")
_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")


def _category_key(value: str) -> str:
    v = _SPACE.sub("", value)
    v = _CODE_PREFIX.sub("", v)  # "02 行政处罚", "(02)行政处罚"
    v = _TRAILING_NOTE.sub("", v)  # 行政强制（强制措施）
    return v.removesuffix("事项").removesuffix("职权").removesuffix("类")


@memo_str
def category(value: str | None) -> str | None:
    """A category as people write it: 行政许可 / 许可 / 行政许可类 / 02 / 2 / 其他权力 → canonical."""
    if value is None:
        return None
    v = _SPACE.sub("", text(value) or "")  # full-width digits too
    v = _POINT_ZERO.sub(r"\1", v)  # 2.0 from a number cell
    if v in CATEGORIES:
        return v
    if v.upper() in CATEGORY_SYNONYMS:
        return CATEGORY_SYNONYMS[v.upper()]
    if _ONE_OR_TWO_DIGITS.fullmatch(v):
        code = f"{int(v):02d}"
        if code in TYPE_CODES:
            return TYPE_CODES[code]
        return "其他行政权力" if code in OUTSIDE_TYPES else value
    if v in OUTSIDE_TYPES:
        return "其他行政权力"
    k = _category_key(v)
    if k in CATEGORIES:
        return k
    if k in OUTSIDE_TYPES:
        return "其他行政权力"
    return CATEGORY_SYNONYMS.get(v) or CATEGORY_SYNONYMS.get(k) or value


@memo_str
def category_note(value: str | None) -> str | None:
    """What a mapped category value stood for when it is not one of the ten powers (20 → 公共服务)."""
    if value is None:
        return None
    v = _POINT_ZERO.sub(r"\1", _SPACE.sub("", text(value) or ""))
    if _ONE_OR_TWO_DIGITS.fullmatch(v):
        return OUTSIDE_TYPES.get(f"{int(v):02d}")
    return OUTSIDE_TYPES.get(v) or OUTSIDE_TYPES.get(_category_key(v))


# ---------------------------------------------------------------- 行使层级 as people write it
_LEVEL_WORDS = [  # longest first; 市本级 is the city level, 县（市、区） the county level
    ("国家级", 1), ("国家", 1), ("中央", 1), ("国务院", 1), ("部级", 1),
    ("省级", 2), ("省本级", 2), ("自治区", 2), ("省", 2),
    ("设区的市", 3), ("地级市", 3), ("市本级", 3), ("市级", 3), ("市州", 3), ("州", 3), ("盟", 3), ("市", 3),
    ("县（市、区）", 4), ("县(市、区)", 4), ("县市区", 4), ("县区", 4), ("区县", 4), ("县级", 4), ("县", 4),
    # a city's districts and county-level cities: 区（市）, 区(市), 区市 (as 青岛 and other cities write them)
    ("区（市）", 4), ("区(市)", 4), ("区市", 4), ("县（市）", 4), ("县(市)", 4),
    ("区级", 4), ("区", 4), ("旗", 4),
    ("乡镇（街道）", 5), ("乡镇(街道)", 5), ("乡镇级", 5), ("乡镇", 5), ("乡级", 5), ("镇级", 5), ("街道", 5),
    ("乡", 5), ("镇", 5),
]
_LEVEL_RE = re.compile("|".join(re.escape(w) for w, _ in _LEVEL_WORDS))
_LEVEL_OF = dict(_LEVEL_WORDS)


_ONE_LEVEL = re.compile(r"[1-5]")
_LEVEL_LIST = re.compile(r"[1-5](?:[、,，;；/]+[1-5])+")
_LEVEL_FILLER = re.compile(r"[、,，;；/和及与至\-—~～（）()各]|[一二三四五两]级|级|本级|以上|以下|均可|共同|各级|政府|人民")


def levels(value: str | None) -> list[int] | None:
    """行使层级 → the levels it names, in order: '3' → [3], '市级' → [3], '省级、市级、县级' and
    '省、市、县' and '省市县三级' → [2, 3, 4], '市本级' → [3]. None when nothing is recognisable."""
    found = _levels(value)
    return None if found is None else list(found)  # a list of its own: callers may keep it in a model


@memo_str
def _levels(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    v = _SPACE.sub("", value)
    if _ONE_LEVEL.fullmatch(v):
        return (int(v),)
    if _LEVEL_LIST.fullmatch(v):
        return tuple(sorted({int(d) for d in _ONE_LEVEL.findall(v)}))
    found, rest = [], v
    for m in _LEVEL_RE.finditer(v):
        found.append(_LEVEL_OF[m.group(0)])
    rest = _LEVEL_RE.sub("", v)
    # what is left must be separators and counting words only (三级, 两级, 共同, 均可, 以上 …)
    if not found or _LEVEL_FILLER.sub("", rest):
        return None
    return tuple(sorted(set(found)))


YES = {"是", "Y", "y", "yes", "Yes", "YES", "true", "True", "TRUE", "1", "√", "✓", "✔", "☑"}
NO = {"否", "N", "n", "no", "No", "NO", "false", "False", "FALSE", "0", "", "×", "✗", "✘", "/", "-", "—"}


def yes_no(value: str | None) -> bool | None:
    if value is None:
        return False
    if value in YES:
        return True
    if value in NO:
        return False
    return None


# ---------------------------------------------------------------- numbers in words
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
CN_NUM = "零〇一二三四五六七八九两十百千万亿"
NUM = rf"(?:\d+(?:\.\d+)?[{CN_NUM}]*|[{CN_NUM}]+)"


CN_NUMBER_MAX = 1e15  # 一千万亿: past every fine, article or time limit; larger is not a number here


_ARABIC_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]*)")


@memo_str
def cn_number(s: str) -> float | None:
    """二万 → 20000, 1.5万 → 15000, 一百零一 → 101, 三十 → 30; None when not a number,
    or when absurdly large (over CN_NUMBER_MAX: 9亿亿亿…, 400 digits), so no caller meets inf."""
    s = s.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    m = _ARABIC_AMOUNT.fullmatch(s)
    if m:
        if len(m.group(1).split(".")[0].lstrip("0")) > 16 or len(m.group(2)) > 8:
            return None
        v = float(m.group(1))
        for u in m.group(2):
            v *= _UNITS[u]
        return v if v <= CN_NUMBER_MAX else None
    if any(ch not in _DIGITS and ch not in _UNITS for ch in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit >= 10_000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    v = total + section + (digit or 0)
    return float(v) if v <= CN_NUMBER_MAX else None


def cn_numeral(n: int, *, leading: bool = True) -> str:
    """126 → 一百二十六, 15 → 十五, 101 → 一百零一, 20000 → 二万, 10011 → 一万零一十一
    (as laws print numbers; 十五 drops its 一 only at the front of the number)."""
    digits = "零一二三四五六七八九"
    if n >= 10_000:
        w, r = divmod(n, 10_000)
        return (cn_numeral(w, leading=leading) + "万"
                + (("零" if r < 1000 else "") + cn_numeral(r, leading=False) if r else ""))
    if n < 10:
        return digits[n]
    if n < 20 and leading:
        return "十" + (digits[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def cn_int(s: str | None) -> int | None:
    if s is None:
        return None
    v = cn_number(s)
    return int(v) if v is not None else None


_YUAN_SUFFIX = re.compile(r"(元|人民币)$")


def number(value: object) -> float | None:
    """A numeric cell: a real number, or text such as '２０００', '2,000', '2000元', '二万元'."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = (text(value) or "").replace(",", "")
    s = _YUAN_SUFFIX.sub("", s)
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return cn_number(s)


NO_TIME_LIMIT = ("无", "无时限", "无法定时限", "无承诺时限", "法律未规定", "法律法规未规定", "未规定", "无规定",
                 "不适用", "/", "-", "—", "——", "无此项")


_WORKING_DAYS_NOTE = re.compile(r"[（(](?:工作日|个工作日)[)）]")
_EXTENSION_NOTE = re.compile(r"[（(][^（）()]*(?:延长|特殊|情况|另有)[^（）()]*[)）]$")
# 自受理之日起二十日内, 自收到申请之日起20个工作日: the start of the count is not part of the limit
_COUNTED_FROM = re.compile(r"^(?:应当)?(?:(?:自|从|于)[^，,；;0-9]{1,20}?(?:之日|日|后)起?|[^，,；;0-9]{1,20}?之日起|[^，,；;0-9]{1,10}?后)(?:的)?")
_LIMIT = re.compile(rf"({NUM})(?:个)?(工作日|自然日|日历日|日|天|个月|月|年)?(?:内|以内|之内)?")
INSTANT = ("即办", "当场办结", "当场", "即时办结", "立即", "立即办结", "即时", "当场办理", "即来即办")
# 时限 units as kept in the catalog; a bare number is working days (the workbook's convention), and
# 日 / 天 alone are calendar days: laws count working days only where they say 工作日 (行政许可法
# 第八十二条: 期限以工作日计算，不含法定节假日 is spelled out wherever it applies)
WORKING_DAYS, CALENDAR_DAYS, MONTHS, YEARS = "工作日", "自然日", "月", "年"
_UNIT_OF = {None: WORKING_DAYS, "工作日": WORKING_DAYS, "自然日": CALENDAR_DAYS, "日历日": CALENDAR_DAYS,
            "日": CALENDAR_DAYS, "天": CALENDAR_DAYS, "个月": MONTHS, "月": MONTHS, "年": YEARS}


@memo_str
def time_limit(value: str | None) -> tuple[float | None, str | None, bool]:
    """A time limit as written → (number, unit, ok). Units: 工作日, 自然日, 月, 年. '20', '20个工作日',
    '15个工作日内', '20（工作日）' → (20, 工作日); '30日', '二十日内', '60天', '20个自然日',
    '自受理之日起二十日内' → (calendar days, 自然日); '3个月' → (3, 月); '即办', '立即' → (0, 工作日);
    '无' / '法律未规定' / '/' (no limit) → (None, None, True). The base limit is read from '60日（特殊情况
    可延长30日）'. Text that is no time limit: (None, None, False)."""
    if value is None:
        return None, None, True
    v = _SPACE.sub("", text(value) or "")
    if v in INSTANT:
        return 0.0, WORKING_DAYS, True
    if v in NO_TIME_LIMIT:
        return None, None, True
    v = _WORKING_DAYS_NOTE.sub("工作日", v).replace("工作日工作日", "工作日")  # 20（工作日）
    v = _EXTENSION_NOTE.sub("", v)  # the extension is not the limit
    v = _COUNTED_FROM.sub("", v)
    m = _LIMIT.fullmatch(v)
    if m:
        n = cn_number(m.group(1))
        if n is not None:
            return n, _UNIT_OF[m.group(2)], True
    return None, None, False


def days(value: str | None) -> tuple[float | None, bool]:
    """A time limit in working days (see `time_limit`): (days, ok); a limit in another unit (30日,
    3个月) is no number of working days: (None, True)."""
    n, unit, ok = time_limit(value)
    return (n if unit == WORKING_DAYS else None), ok


_UNIT_TEXT = {WORKING_DAYS: "个工作日", CALENDAR_DAYS: "日", MONTHS: "个月", YEARS: "年"}
_UNIT_EN = {WORKING_DAYS: "working days", CALENDAR_DAYS: "calendar days", MONTHS: "months", YEARS: "years"}


def unit_text(unit: str | None) -> str:
    """The unit as a limit is written after its number: 个工作日, 日, 个月, 年."""
    return _UNIT_TEXT.get(unit or WORKING_DAYS, unit or "")


def unit_en(unit: str | None) -> str:
    return _UNIT_EN.get(unit or WORKING_DAYS, unit or "")


def limit_text(n: float | None, unit: str | None = WORKING_DAYS) -> str:
    """(20, 工作日) → '20个工作日', (30, 自然日) → '30日', (3, 月) → '3个月', 0 → '即办', None → ''
    (the inverse of `time_limit` for display; a unit of None is working days, as catalogs written
    before units were kept meant)."""
    if n is None:
        return ""
    return "即办" if n == 0 else f"{n:g}{unit_text(unit)}"


def days_text(d: float | None) -> str:
    """20 → '20个工作日', 0 → '即办', None → '' (working days; see `limit_text` for other units)."""
    return limit_text(d, WORKING_DAYS)


def comparable(a: tuple[float | None, str | None], b: tuple[float | None, str | None]) -> bool:
    """Whether two limits (number, unit) can be compared without converting: the same unit, or either
    is 即办 (0, shorter than any limit). 20个工作日 and 30日 or 1个月 and 30日 are not: a month or a
    working day is no fixed number of calendar days."""
    (x, ux), (y, uy) = a, b
    if x is None or y is None:
        return False
    return x == 0 or y == 0 or (ux or WORKING_DAYS) == (uy or WORKING_DAYS)


# 收费依据及标准 cells that say there is no fee: shown as 不收费. Only these: a blank cell is not
# 不收费 but 未填写 (a fee that was not disclosed), and any other text is shown as written.
NO_FEE = frozenset({"不收费", "免费", "免收费", "免收", "免收费用", "不收取费用", "不收取任何费用", "无收费", "零收费",
                    "无收费项目", "无收费标准", "无", "0", "0元", "无费用", "否"})  # 否: 是否收费 imported
NOT_FILLED = "未填写"


def limit_shown(n: float | None, unit: str | None, raw: str | None) -> str:
    """A time limit as the public reads it: with its unit (20个工作日, 30日, 3个月, 即办), else as
    written (无, 法律未规定), else 未填写."""
    return limit_text(n, unit) or raw or NOT_FILLED


def fee_text(fee: str | None) -> str:
    """收费依据及标准 as the public reads it: 不收费 only when the cell says so (不收费, 免费, 无 …),
    未填写 when blank, else as written."""
    if fee is None or not fee.strip():
        return NOT_FILLED
    key = _SPACE.sub("", fee).rstrip("。.;；")
    return "不收费" if key in NO_FEE else fee


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = text(value)
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    if not m:
        raise ValueError(s)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


# ---------------------------------------------------------------- amounts in words
# Amounts as laws and standards write them. The text is first put in one spelling (no spaces,
# 百分之N → N%, 等值 → 一倍, ％ → %), then every amount expression is found, and those that are a
# fine (followed by 罚款, or after 处 / 罚款) become a Fine with its condition and its target.
_N = rf"(?:\d+(?:\.\d+)?[十百千万亿]*|[{CN_NUM}]+)"
# (pattern, unit, kind): ranges before bounds before exact amounts (from: a lower bound only, 处一万元
# 以上罚款, upper None); in a range the lower bound may omit its
# unit (十二万以上十五万元以下, 35以上50%以下) and 以上 is sometimes misprinted 以下 (七万元以下九万元以下)
_AMOUNTS = [
    (re.compile(rf"(?P<a>{_N})元?(?:以上|以下)、?(?P<b>{_N})元及?以下"), "元", "range"),
    (re.compile(rf"(?P<a>{_N})元?(?:至|到|～|~|－|-|—)(?P<b>{_N})元"), "元", "range"),
    # 处3万以上5万以下罚款: a range in 万 (or 千) written without 元
    (re.compile(rf"(?P<a>{_N}[万千])以上、?(?P<b>{_N}[万千])及?以下(?=的?罚款|[，,；;。]|$)"), "元", "range"),
    (re.compile(rf"(?P<a>{_N})%?以上(?P<b>{_N})%(?:以下)?|(?P<a2>{_N})%以上(?P<b2>{_N})以下"), "%", "range"),
    (re.compile(rf"(?P<a>{_N})%?(?:至|到|～|~|－|-|—)(?P<b>{_N})%"), "%", "range"),
    (re.compile(rf"(?P<a>{_N})倍?(?:以上|至|到|～|~|－|-|—)(?P<b>{_N})倍(?:以下)?"), "倍", "range"),
    (re.compile(rf"(?:不超过|最高)?(?P<b>{_N})元以下|不超过(?P<b2>{_N})元"), "元", "upto"),
    (re.compile(rf"(?P<b>{_N})%以下|不超过(?P<b2>{_N})%"), "%", "upto"),
    (re.compile(rf"(?P<b>{_N})倍以下|不超过(?P<b2>{_N})倍"), "倍", "upto"),
    (re.compile(rf"(?P<a>{_N})元以上"), "元", "from"),
    (re.compile(rf"(?P<a>{_N})%以上"), "%", "from"),
    (re.compile(rf"(?P<a>{_N})倍以上"), "倍", "from"),
    (re.compile(rf"(?P<a>{_N})元"), "元", "exact"),
    (re.compile(rf"(?P<a>{_N})%"), "%", "exact"),
    (re.compile(rf"(?P<a>{_N})倍"), "倍", "exact"),
]
_FINE_AFTER = re.compile(r"(?:元)?(?:的)?(?:罚款|计算罚款|罚金)")
# the word that introduces a fine amount (not 处置 / 处理 / 处分 / 处罚)
_ANCHOR = re.compile(r"(?:可以并处|可以处以|可以处|并处以|并处|可处|处以|处(?![置理分罚于])|按照|依照|罚款(?:金额)?(?:为)?)")
_PERSON = ("个人", "责任人", "主管人员", "法定代表人", "主要负责人", "直接责任人员", "负责人", "董事", "监事", "高级管理人员")
_UNIT = ("单位", "企业", "机构", "公司", "经营者")
_ITEMS_ONLY = re.compile(r"^有?(?:前款|本款|下列|上述|本条)[^，]*?(?:行为|情形)(?:之一)?的$")
_ITEM_REF = re.compile(rf"第[（(]?({_N})[)）]?项")
_AUTHORITY = re.compile(r"由.{0,40}?(?:部门|政府|机关|机构|局)")


def _spelling(words: str) -> str:
    w = re.sub(r"[ \t\u3000]+", "", words).replace("％", "%").replace(",", "，")
    w = re.sub(r"\s*\n\s*", "。", w.strip())  # a line break ends a sentence (a basis continued below)
    w = w.replace("等值以上", "一倍以上")  # 货值金额等值以上三倍以下
    # end-point notes inside a range (1万元以上（含1万元）3万元以下, 1万元（含本数）以上…) are the 以上/以下
    # convention, not amounts; a decimal in words (零点五倍, 百分之一点五) is a number
    w = re.sub(r"[（(]不?含[^（）()]{0,10}[)）]", "", w)
    w = re.sub(r"([零〇一二两三四五六七八九十百千]+)点([零〇一二三四五六七八九]+)",
               lambda m: f"{cn_number(m[1]):g}." + "".join(str(_DIGITS[c]) for c in m[2]), w)
    w = re.sub(rf"百分之({_N})", r"\1%", w)
    # 货值金额百分之五十以上三倍以下: a percentage lower bound of a multiple
    return re.sub(rf"({_N})%以上({_N})倍", lambda m: f"{(cn_number(m[1]) or 0) / 100:g}倍以上{m[2]}倍", w)


def _clause_start(w: str, i: int, stops: str = "，；;。：:\n") -> int:
    return max(w.rfind(c, 0, i) for c in stops) + 1


def _target(region: str, own: str) -> str | None:
    """单位 / 个人 from the words before a fine: the last 对… (then only further sanctions), or 个人处…"""
    j = region.rfind("对")
    # 对直接负责的主管人员…给予警告，暂停…资格，并处…: clauses that are only further sanctions (no
    # 的-condition, no 由 authority) do not end the 对 phrase, however many commas they take
    between = region[j:].split("，")[1:-1] if j >= 0 else []
    sanctions_only = not any(c.endswith("的") or "由" in c or "对" in c for c in between)
    who = region[j + 1:] if j >= 0 and sanctions_only and len(region) - j <= 80 else own
    if any(x in who for x in _PERSON):
        return "个人"
    if any(x in who for x in _UNIT) and j >= 0 and who is not own:
        return "单位"
    return None


def _condition(prefix: str) -> tuple[str | None, list[int]]:
    """The circumstance a fine applies under: the last clause ending in 的 before it in its sentence
    (情节严重的, 逾期不改正的 …), unless an authority follows it (then it describes the offence
    itself); 有前款第一项、第二项…行为之一 narrows the fine to those items."""
    clauses = prefix.split("，")[:-1]  # complete clauses only; the last one holds the fine
    items = [cn_int(n) for n in _ITEM_REF.findall(prefix) if "前款" in prefix or "本款" in prefix]
    for k in range(len(clauses) - 1, -1, -1):
        c = clauses[k]
        if not c.endswith("的"):
            continue
        if _AUTHORITY.search("，".join(clauses[k + 1:]) + "，" + prefix.split("，")[-1]):
            return None, items
        if _ITEMS_ONLY.match(c) or (c.startswith("有") and "前款" in c and "项" in c):
            return None, items
        return c, items
    return None, items


def fine_ranges(words: str | None) -> list[Fine]:
    """Every fine a text states (see _fine_ranges). Memoized: a city's tiers and bases repeat the
    same statutory texts thousands of times; the Fines are never changed in place (model_copy)."""
    if not words:
        return []
    found = _FINE_CACHE.get(words)
    if found is None:
        if len(_FINE_CACHE) > 50_000:
            _FINE_CACHE.clear()
        found = _FINE_CACHE[words] = tuple(_fine_ranges(words))
    return list(found)


_FINE_CACHE: dict[str, tuple[Fine, ...]] = {}


def _fine_ranges(words: str | None) -> list[Fine]:
    """Every fine a text states, in order, each with its condition and target:
    处二万元以上二十万元以下的罚款；造成严重后果的，处二十万元以上二百万元以下的罚款 →
    [Fine(20000, 200000), Fine(200000, 2000000, condition='造成严重后果的')];
    对单位处…罚款，对直接负责的主管人员…处…罚款 → targets 单位 / 个人; 处所收费用三倍的罚款 →
    Fine(3, 3, unit='倍', base='所收费用'); 百分之一以上百分之三以下, 20% → unit '%'."""
    if not words:
        return []
    w = _spelling(words)
    if not re.search(r"元|%|倍|[万千]以[上下]", w):
        return []
    taken: list[tuple[int, int, str, str, re.Match]] = []
    for pattern, unit, kind in _AMOUNTS:
        for m in pattern.finditer(w):
            if any(m.start() < e and s < m.end() for s, e, *_ in taken):
                continue
            taken.append((m.start(), m.end(), unit, kind, m))
    out: list[Fine] = []
    prev_end = 0
    bare = "罚款" not in w and "处" not in w  # an amount on its own: 五千以上一万元以下
    for s, e, unit, kind, m in sorted(taken, key=lambda x: x[0]):
        own_start = _clause_start(w, s)
        own = w[own_start:s]
        anchor = None
        for a in _ANCHOR.finditer(own):
            anchor = a
            break
        after_ok = bool(_FINE_AFTER.match(w, e))
        base = own[anchor.end():] if anchor else own
        base = base.strip("的以") or None
        if not after_ok and not bare:
            # 处二万元以上五万元以下 (no 罚款 after it) counts only right after the word 处 / 罚款
            if anchor is None or (unit == "元" and base):
                continue
        if unit == "元":
            if base and anchor is not None and not after_ok:
                continue
            base = None
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        lo_s, hi_s = g.get("a") or g.get("a2"), g.get("b") or g.get("b2")
        lo = cn_number(lo_s) if lo_s else None
        hi = cn_number(hi_s) if hi_s else None
        if unit == "元" and kind == "range" and lo is not None and hi is not None and hi_s[-1] in "万千亿" \
                and re.fullmatch(r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+", lo_s) and w[m.end("a")] != "元":
            # 处1-3万元罚款, 一至三万元: the unit written once, after the upper bound
            with_unit = cn_number(lo_s + hi_s[-1])
            if with_unit is not None and with_unit < hi:
                lo = with_unit
        if kind == "upto":
            lo = 0.0
        elif kind == "exact":
            hi = lo
        if lo is None or (hi is None and kind != "from"):
            continue
        sentence = _clause_start(w, s, "；;。\n")
        condition, items = _condition(w[sentence:s])
        if sentence == 0 and not out:
            condition = None  # the text's opening clause names the offence, not a circumstance
        region = w[max(sentence, prev_end):s]
        target = _target(region, w[own_start:s])
        if target is None and condition and out and out[-1].target and prev_end > sentence \
                and not re.search(r"对|单位|个人|人员", region):
            # 对个人处一百元以上五百元以下罚款，情节严重的，处五百元以上一万元以下罚款: a circumstance
            # in the same sentence as a party's fine, naming no party of its own, is that party's
            target = out[-1].target
        out.append(Fine(lower=lo, upper=hi, unit=unit, base=base if unit != "元" else None,
                        words=w[own_start:e + (_FINE_AFTER.match(w, e).end() - e if after_ok else 0)],
                        condition=condition, target=target, items=items))
        prev_end = e
    return out


def main_fine(ranges: list[Fine]) -> Fine | None:
    """The main range of several: the first general one for the offender, else the first."""
    for f in ranges:
        if f.condition is None and f.target != "个人":
            return f
    return ranges[0] if ranges else None


def fine_from_words(words: str | None) -> Fine | None:
    """处二万元以上五万元以下罚款 → Fine(20000, 50000); the main range when the text states several
    (see `fine_ranges`); None when no fine is stated."""
    f = main_fine(fine_ranges(words))
    return f.model_copy(update={"words": words}) if f else None


def yuan(v: float | None) -> str:
    """20000 → '2万元', 500 → '500元' (for messages and the site)."""
    if v is None:
        return "—"
    if v >= 10_000 and v % 1000 == 0:
        w = v / 10_000
        return f"{w:g}万元"
    return f"{v:.12g}元"


def fine_text(f: Fine | None) -> str:
    """Fine(20000, 50000) → '2万元～5万元'; 所收费用3倍; 建设项目总投资额1%～2%; 10万元以上."""
    if f is None or f.lower is None and f.upper is None:
        return ""
    suffix = "%" if f.unit == "%" else "倍"
    one = yuan if f.unit == "元" else (lambda v: "—" if v is None else f"{v:g}{suffix}")
    base = "" if f.unit == "元" else f.base or ""
    if f.upper is None:
        return f"{base}{one(f.lower)}以上"
    if f.lower == f.upper:
        return base + one(f.lower)
    return f"{base}{one(f.lower)}～{one(f.upper)}"
