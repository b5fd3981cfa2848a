"""What every layout shares: the result and draft data classes (`ImportResult`, `DepartmentDraft`,
`SourceRow`, `ColumnMap`, `Options`, `Layout` and the three layouts), the errors, the small helpers
that turn source values into template values and finish a department, and the text report."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import normalize
from ..models import CATEGORIES, LEVELS
from ..read import SheetGrid


@dataclass(frozen=True)
class Layout:
    kind: str
    title_zh: str
    title_en: str


DISCRETION = Layout("discretion-per-law", "按法律分表的裁量标准（违法行为、法律依据、类别、裁量情节、裁量标准）",
                    "a discretion standard laid out one sheet per law")
FLAT = Layout("flat-list", "没有部门信息的权责清单（事项名称、事项类型、设定依据……）",
              "a flat 权责清单 table without 部门信息")
CATALOG_JSON = Layout("json-catalog", "国家格式的 JSON 事项目录", "a JSON catalog in the national shape")


@dataclass
class Options:
    """What the source does not say: given on the command line, else guessed or left to fill in."""

    department: str | None = None
    number: str | None = None
    region: str | None = None
    credit_code: str | None = None
    level: str | None = None
    date: str | None = None


@dataclass
class ColumnMap:
    sheet: str
    source: str  # the header as published
    cell: str  # where the header is (A1), or the JSON key
    target: str  # sheet.column in the template, or why it is not used


@dataclass
class SourceRow:
    """What became of one row of the source."""

    sheet: str
    row: int
    status: str  # 导入 imported | 并入 merged into the row above | 未导入 not imported
    target: str = ""  # e.g. 职权目录!5 or 裁量基准!12
    note: str = ""


@dataclass
class DepartmentDraft:
    info: dict[str, str]
    powers: list[dict] = field(default_factory=list)
    tiers: list[dict] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    # (what, as written, taken as) → where: one guess line per distinct value, not one per row
    mapped: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def map_value(self, what: str, raw: str, taken: str, where: str) -> None:
        self.mapped.setdefault((what, raw, taken), []).append(where)

    @property
    def name(self) -> str:
        return self.info.get("部门名称") or "未命名部门"


@dataclass
class ImportResult:
    source: str
    layout: Layout
    departments: list[DepartmentDraft] = field(default_factory=list)
    columns: list[ColumnMap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)  # rows that belong to no department
    warnings: list[str] = field(default_factory=list)  # for the user to act on (zh, newline, en)
    outcomes: dict[str, str] = field(default_factory=dict)  # workbook written → wrote / replaced

    def all_rows(self) -> list[SourceRow]:
        return self.rows + [r for d in self.departments for r in d.rows]

    def to_json(self) -> dict:
        return {"version": 1, "source": self.source, "layout": self.layout.kind,
                "columns": [asdict(c) for c in self.columns], "notes": self.notes,
                "departments": [{"name": d.name, "info": d.info, "powers": len(d.powers),
                                 "tier_rows": len(d.tiers), "tiers": sum(1 for t in d.tiers if t.get("阶次")),
                                 "guesses": d.guesses, "rows": [asdict(r) for r in d.rows]}
                                for d in self.departments],
                "other_rows": [asdict(r) for r in self.rows], "warnings": self.warnings}

    def report(self) -> str:
        return "\n".join(report_lines(self)) + "\n"


class ImportError_(ValueError):
    """The file is none of the layouts this module understands (str: Chinese; `en`: English)."""

    def __init__(self, zh: str, en: str | None = None):
        super().__init__(zh)
        self.en = en


class NothingToImport(ImportError_):
    """The file was read but holds no item to import (a header-only sheet, an empty list): no
    workbook is written for it."""


def level_number(value: object) -> str | None:
    """'市级' → '3'; several levels or anything else → None (the text is kept as written)."""
    found = normalize.levels(normalize.text(value))
    return str(found[0]) if found and len(found) == 1 else None


def _one_line(value: object) -> str | None:
    """A name: the lines of a cell joined with '；' rather than run together."""
    if value is None:
        return None
    parts = [normalize.text(p) for p in str(value).replace("\r", "\n").split("\n")]
    return "；".join(p for p in parts if p) or None


def _long(value: object) -> str | None:
    return normalize.text(value, multiline=True)


_KIND_WORDS = (
    ("警告", "警告"), ("通报批评", "通报批评"), ("罚款", "罚款"), ("没收违法所得", "没收违法所得"),
    ("没收非法财物", "没收非法财物"), ("没收", "没收非法财物"), ("暂扣", "暂扣许可证件"),
    ("降低资质等级", "降低资质等级"), ("吊销", "吊销许可证件"), ("限制生产", "限制开展生产经营活动"),
    ("限制开展生产经营活动", "限制开展生产经营活动"), ("责令停产停业", "责令停产停业"), ("停产整治", "责令停产停业"),
    ("停业整治", "责令停产停业"), ("停工整治", "责令停产停业"), ("责令停业", "责令停产停业"),
    ("责令停产", "责令停产停业"), ("责令关闭", "责令关闭"), ("关闭", "责令关闭"), ("限制从业", "限制从业"),
    ("禁止从事", "限制从业"), ("拘留", "行政拘留"),
)


def penalty_kinds(standard: str | None) -> list[str]:
    """The kinds of penalty a standard's words name (PENALTY_KINDS); orders such as 责令改正 are
    not penalties. A standard naming none of them is 其他."""
    if not standard:
        return []
    text = standard.replace("没收违法所得", "\0没收违法所得\0")
    kinds: list[str] = []
    for word, kind in _KIND_WORDS:
        if word == "没收":
            hit = re.search(r"没收(?!违法所得)", text.replace("\0没收违法所得\0", ""))
        else:
            hit = word in text
        if hit and kind not in kinds:
            kinds.append(kind)
    return kinds or ["其他"]


def _department_from_title(title: str | None) -> str | None:
    """'江门市生态环境局权责清单（2020年版）' → '江门市生态环境局'."""
    if not title:
        return None
    t = re.sub(r"[（(][^（）()]*[)）]", "", normalize.text(title) or "")
    t = re.sub(r"\d{4}\s*年?(版|度)?", "", t).strip()
    m = re.match(r"^(.{2,40}?(?:局|委员会|委|办公室|办|厅|署|院|中心|支队|大队|队|所|站|馆|会|部|政府))"
                 r"(?:(?:行政)?(?:许可|处罚|强制|征收|给付|检查|确认|奖励|裁决|其他)?(?:权力|权责|职权|责任|事项|服务)*"
                 r"(?:清单|目录)|(?:行政)?(?:处罚)?(?:自由)?裁量(?:权)?(?:基准|标准|细化标准|适用标准))", t)
    return m.group(1) if m else None


def _department_from_name(path: Path) -> str | None:
    m = re.search(r"([\u4e00-\u9fff]{2,30}?(?:局|委员会|委|办公室|厅|署|中心|支队|大队))", path.stem)
    return m.group(1) if m else None


def _new_department(name: str | None, how: str, opts: Options) -> DepartmentDraft:
    info = {"部门名称": name or ""}
    guesses = [f"部门名称“{name}”取自{how}" if name else
               "部门名称未知：请在部门信息中填写，或导入时用 --department 指定"]
    level = (level_number(opts.level) or opts.level) if opts.level else None
    for key, value in (("部门编号", opts.number), ("行政区划代码", opts.region),
                       ("统一社会信用代码", opts.credit_code), ("行使层级", level), ("填报日期", opts.date)):
        if value:
            info[key] = str(value)
    return DepartmentDraft(info=info, guesses=guesses)


def _renumber(d: DepartmentDraft) -> None:
    """Several sheets each numbered from 1 (行政许可 1–3, 行政处罚 1–2): the same 序号 on different
    items would make 职权序号 in 裁量基准 ambiguous, so items are numbered again in order (sub-items
    keep their item's number) and the published number is kept in 备注."""
    names: dict[str, set] = {}
    for p in d.powers:
        if p.get("序号"):
            names.setdefault(str(p["序号"]), set()).add(p.get("职权名称"))
    if not any(len(v) > 1 for v in names.values()) or d.tiers:
        return
    seq: dict[tuple, str] = {}
    for p in d.powers:
        key = (p.get("职权名称"), p.get("职权类别"))
        new = seq.setdefault(key, str(len(seq) + 1))
        if p.get("序号") and str(p["序号"]) != new:
            p["备注"] = "\n".join(x for x in (p.get("备注"), f"原序号：{p['序号']}") if x)
        p["序号"] = new
    d.guesses.append("各工作表分别从 1 编号，序号重复：职权目录按顺序重新编号，原序号写入备注")


def _finish_listed(d: DepartmentDraft, unit_note: str) -> None:
    """The end of a list import (flat table or JSON): codes the items carry, 承办机构 filled with the
    department's name where the source has none (said in `unit_note`), then `_finish`."""
    _guess_from_codes(d)
    if any(not p.get("承办机构") for p in d.powers):
        d.guesses.append(unit_note)
        for p in d.powers:
            p["承办机构"] = p.get("承办机构") or d.info.get("部门名称") or ""
    _finish(d)


def _finish(d: DepartmentDraft) -> None:
    _renumber(d)
    for (what, raw, taken), places in d.mapped.items():
        at = "、".join(places[:3]) + (f"等 {len(places)} 处" if len(places) > 3 else "")
        d.guesses.append(f"{what}“{raw}”{taken}（{at}）")
    d.mapped.clear()
    _guess_level(d)
    missing = [k for k in ("部门名称", "部门编号", "行政区划代码", "统一社会信用代码", "行使层级") if not d.info.get(k)]
    if missing:
        d.guesses.append("部门信息待填写：" + "、".join(missing) + "（或导入时用 --department --number --region "
                         "--credit-code --level 指定）")
    cats = {normalize.category(str(p.get("职权类别") or "")) for p in d.powers}  # 20 / 99 → 其他行政权力
    d.categories = sorted(cats & set(CATEGORIES), key=list(CATEGORIES).index)
    with_tiers = {t.get("职权序号") for t in d.tiers}
    bare = [p for p in d.powers if p.get("职权类别") == "行政处罚" and p.get("序号") not in with_tiers]
    if bare and len(bare) == sum(1 for p in d.powers if p.get("职权类别") == "行政处罚"):
        d.guesses.append(f"{len(bare)} 项行政处罚没有裁量基准（原表没有）：请在“裁量基准”表中补充，"
                         "或在职权目录“无裁量空间”列填“是”")


def _guess_level(d: DepartmentDraft) -> None:
    """部门信息 行使层级 when neither the source nor --level gives it: from the region code (--region
    ending in 0000 is a province, 00 a city, else a county), else from the items' 实施层级 when
    they all name the same one level (市级, 市本级, 3). Items that disagree are not guessed from:
    the report says which option to pass."""
    if d.info.get("行使层级"):
        return
    named: dict[str, list[int] | None] = {}
    for p in d.powers:
        if (v := normalize.text(p.get("行使层级"))) is not None:
            named.setdefault(v, normalize.levels(v))
    agreed = {tuple(lv) for lv in named.values() if lv}
    one = next(iter(agreed))[0] if len(agreed) == 1 and len(next(iter(agreed))) == 1 and all(named.values()) \
        else None
    region = re.sub(r"\s", "", d.info.get("行政区划代码") or "")
    if re.fullmatch(r"\d{6}", region):
        level = 2 if region.endswith("0000") else 3 if region.endswith("00") else 4
        d.info["行使层级"] = str(level)
        differ = "" if not named or one == level else (
            f"；各事项的实施层级为“{'、'.join(list(named)[:5])}”，" + ("与之不同，请核对" if one else "不尽相同"))
        d.guesses.append(f"行使层级 {level}（{LEVELS[level]}级）取自行政区划代码 {region}"
                         f"（{'后四位为 0 是省级' if level == 2 else '后两位为 0 是市级' if level == 3 else '县级区划'}）"
                         f"{differ}")
    elif one is not None:
        d.info["行使层级"] = str(one)
        d.guesses.append(f"行使层级 {one}（{LEVELS[one]}级）取自各事项的实施层级（{'、'.join(named)}）")
    elif named:
        d.guesses.append(f"各事项的实施层级不一致或无法识别（{'、'.join(list(named)[:5])}），未推断部门的行使层级："
                         "请用 --level（如 --level 3 或 --level 市级）或 --region（6 位行政区划代码）指定")


def _merge_index(g: SheetGrid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    at = {}
    for rng in g.merged:
        c1, r1, c2, r2 = rng
        for r in range(r1 - 1, r2):
            for c in range(c1 - 1, c2):
                at[(r, c)] = rng
    return at


_CLOSED = ("公开范围", "状态", "事项来源")


def _closed_value(d: DepartmentDraft, canon: str, t: str, where: str) -> str:
    """公开范围 / 状态 / 事项来源 as written → the template's value; an unreadable 公开范围 is kept
    as written (the validator reports it and treats the item as 内部)."""
    from ..rules.fields import closed_word

    word = closed_word(canon, t)
    if word is None:
        d.map_value(canon, t, "无法识别，照录" + ("；校验时按“内部”处理" if canon == "公开范围" else ""), where)
        return t
    if word != t:
        d.map_value(canon, t, f"写作“{word}”", where)
    return word


def _category_value(d: DepartmentDraft, t: str, where: str) -> str:
    """A category as written → canonical; 20 / 99 (公共服务, 其他: not one of the ten powers) are
    kept as written so that validation says what they are and the code's type digits still match."""
    cat = normalize.category(t)
    if cat not in CATEGORIES:
        d.map_value("职权类别", t, "无法识别，照录；请改为十类行政权力之一", where)
        return t
    if outside := normalize.category_note(t):
        d.map_value("职权类别", t, f"是“{outside}”，不属于十类行政权力，照录；校验时暂按“{cat}”收录并提示", where)
        return t
    if cat != t:
        d.map_value("职权类别", t, f"写作“{cat}”", where)
    return cat


_INTERNAL_HINTS = ("不予公开", "不公开", "非公开", "不对外公开", "涉密", "内部事项", "内部使用", "内部资料", "仅供内部")


def _column_numbers(raw: list) -> bool:
    """A row under the header numbering its columns (1 | 2 | 3 | 4 …, or （一）（二）…), as official
    forms have: not an item."""
    vals = [normalize.text(v) for v in raw if normalize.text(v)]
    if len(vals) < 3:
        return False
    nums = [normalize.cn_int(re.sub(r"[（()）]", "", v)) if not v.isdigit() else int(v) for v in vals]
    return all(n is not None for n in nums) and nums == list(range(nums[0], nums[0] + len(nums)))


def _internal_hint(*texts: str | None) -> str | None:
    """The words by which a sheet name, title, section row or 备注 says its items are not public."""
    for t in texts:
        for w in _INTERNAL_HINTS:
            if t and w in t:
                return w
    return None


def _basic_code(d: DepartmentDraft, raw, where: str) -> str | None:
    """A code as published: the 12-digit 基本编码, or the 31-character 实施编码 (credit code 18 +
    level 1 + 基本编码 12), whose parts are taken apart (the 基本编码 kept, the credit code and level
    offered to 部门信息 when not given)."""
    code = re.sub(r"\s", "", normalize.text(raw) or "").upper()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and re.fullmatch(r"\d{9,11}", code):
        d.map_value("编码", "数字（开头的 0 已丢失）", "按 12 位补足", where)
        return code.zfill(12)
    m = re.fullmatch(r"([0-9A-Z]{18})([1-5])(\d{12})", code)
    if not m:
        return code or None
    credit, level, basic = m.groups()
    d.map_value("编码", "实施编码（31 位）", "取后 12 位为基本编码", where)
    for key, value in (("统一社会信用代码", credit), ("行使层级", level)):
        if not d.info.get(key):
            d.info[key] = value
            d.guesses.append(f"{key} {value} 取自实施编码")
    return basic


def _guess_from_codes(d: DepartmentDraft) -> None:
    """部门编号 from the department digits of the codes already assigned, when they agree."""
    codes = [str(p.get("基本编码")) for p in d.powers if re.fullmatch(r"\d{12}", str(p.get("基本编码") or ""))]
    numbers = {c[4:6] for c in codes}
    if not d.info.get("部门编号") and len(numbers) == 1:
        d.info["部门编号"] = numbers.pop()
        d.guesses.append(f"部门编号 {d.info['部门编号']} 取自职权编码的部门位")


def tally(d: DepartmentDraft) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in d.rows:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def report_lines(result: ImportResult) -> list[str]:
    lines = [f"== {result.source}：{result.layout.title_zh} → {len(result.departments)} 个部门"]
    lines.append("列对应 / columns:")
    for c in result.columns:
        lines.append(f"  {c.sheet}!{c.cell} {c.source} → {c.target}")
    for n in result.notes:
        lines.append(f"  注意：{n}")
    for d in result.departments:
        t = tally(d)
        tiers = sum(1 for x in d.tiers if x.get("阶次"))
        lines.append(f"部门 {d.name}：职权 {len(d.powers)} 项，裁量阶次 {tiers} 个（情节行 {len(d.tiers)} 行）；"
                     f"源表 {len(d.rows)} 行：导入 {t.get('导入', 0)}，并入上一行 {t.get('并入', 0)}，"
                     f"未导入 {t.get('未导入', 0)}")
        for why, n in _reasons(d.rows).items():
            lines.append(f"  未导入 {n} 行：{why}")
        lines.append("  推断 / guessed:")
        for gs in d.guesses:
            lines.append(f"    - {gs}")
    if result.rows:
        lines.append(f"未归入任何部门的源行 {len(result.rows)} 行：")
        for why, n in _reasons(result.rows).items():
            lines.append(f"  未导入 {n} 行：{why}")
    return lines


def _reasons(rows: list[SourceRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        if r.status == "未导入":
            why = r.note.split("：")[0]
            out[why] = out.get(why, 0) + 1
    return out
