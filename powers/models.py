"""Typed catalog: the shapes every later stage (codes, flowcharts, site) relies on."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

CATEGORIES: dict[str, str] = {
    "行政许可": "01",
    "行政处罚": "02",
    "行政强制": "03",
    "行政征收": "04",
    "行政给付": "05",
    "行政检查": "06",
    "行政确认": "07",
    "行政奖励": "08",
    "行政裁决": "09",
    "其他行政权力": "10",
}
CATEGORY_BY_TYPE = {v: k for k, v in CATEGORIES.items()}
CATEGORY_LETTERS = {
    "行政许可": "XK", "行政处罚": "CF", "行政强制": "QZ", "行政征收": "ZS", "行政给付": "JF",
    "行政检查": "JC", "行政确认": "QR", "行政奖励": "JL", "行政裁决": "CJ", "其他行政权力": "QT",
}
SCOPES = ("社会", "内部")
STATUSES = ("在用", "暂停", "取消")
ORIGINS = ("国家基本目录", "地方")
RISK_LEVELS = ("高", "中", "低")
# 清理结果: what a review (清理) decided for an item, and the 状态 each decision leaves it in
DECISIONS = ("保留", "新增", "调整", "下放", "暂停", "合并", "取消")
DECISION_STATUS = {"保留": "在用", "新增": "在用", "调整": "在用", "下放": "在用", "暂停": "暂停", "合并": "取消",
                   "取消": "取消"}
PENALTY_KINDS = (
    "警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
    "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他",
)
LEVELS = {1: "国家", 2: "省", 3: "市", 4: "县", 5: "乡镇"}
Severity = Literal["error", "warning"]


_FIELDS_SETS: dict[frozenset, set] = {}


def _shared_fields_set(names: set) -> set:
    return _FIELDS_SETS.setdefault(frozenset(names), names)


def _share_fields_set(m: BaseModel) -> None:
    object.__setattr__(m, "__pydantic_fields_set__", _shared_fields_set(m.__pydantic_fields_set__))


class Model(BaseModel):
    """Every model of the catalog. Pydantic gives each instance its own set of the fields it was
    given (`model_fields_set`); at a city's 250,000 models those sets took 127 MiB, more than
    the catalog's text. Models given the same fields share one set instead, made, copied or
    unpickled; assigning a field not yet set moves the model to the shared set with it, so no
    shared set is ever changed and `model_fields_set` stays true for every model. So never change
    a model's `model_fields_set` in place, nor pass a set you keep to `model_construct(_fields_set=)`:
    other models may share it."""

    model_config = ConfigDict(extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        _share_fields_set(self)

    def __setattr__(self, name: str, value: Any) -> None:
        names = self.__pydantic_fields_set__
        if name not in names and name in type(self).model_fields:
            object.__setattr__(self, "__pydantic_fields_set__", _shared_fields_set(names | {name}))
        super().__setattr__(name, value)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False):
        copied = super().model_copy(update=update, deep=deep)
        _share_fields_set(copied)
        return copied

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        _share_fields_set(self)


def share_strings(model: BaseModel, pool: dict[str, str]) -> None:
    """Make equal strings of `model` and everything in it one object (the first met in `pool`).
    Departments repeat the same texts row after row (责任事项, 追责情形, 受理条件, file and sheet
    names): a city's catalog held 64 MiB of strings, 60 MiB of them copies. Pickling keeps the
    sharing, so a shared department also crosses a process boundary smaller."""
    fields = model.__dict__
    for k, v in fields.items():
        t = type(v)
        if t is str:
            fields[k] = pool.setdefault(v, v)
        elif t is list:
            for i, x in enumerate(v):
                if type(x) is str:
                    v[i] = pool.setdefault(x, x)
                elif isinstance(x, BaseModel):
                    share_strings(x, pool)
        elif v is None or t in _SCALARS:  # most fields: nothing to share, no isinstance needed
            continue
        elif isinstance(v, BaseModel):
            share_strings(v, pool)


_SCALARS = frozenset({int, float, bool, date})


class Provenance(Model):
    """Where a value came from: what a legal officer needs to go to the cell."""

    file: str
    sheet: str
    row: int
    column: str | None = None  # header name
    cell: str | None = None  # A1 reference


class Located(Model):
    """A model made from one input row; `at(column)` gives that row's cell for a finding."""

    provenance: Provenance
    _row: Any = PrivateAttr(default=None)  # the raw row, kept only while validating

    def at(self, column: str) -> Provenance:
        row = self._row  # read once: a private attribute is read through pydantic's __getattr__
        if row is not None:
            return row.at(column)
        return self.provenance.model_copy(update={"column": column, "cell": None})


class Finding(Model):
    """One problem found in the input (校验结果)."""

    rule: str
    slug: str
    severity: Severity
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: str | None = None
    message_zh: str
    message_en: str
    hint: str


class LegalBasis(Model):
    """One citation of a law or regulation (实施依据)."""

    raw: str
    level: str | None = None  # 法律 / 行政法规 / 地方性法规 / 规章 / 规范性文件
    title: str | None = None
    edition: str | None = None
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    text: str = ""
    article_sub: int | None = None  # 第十条之一 → article 10, article_sub 1 (an inserted article)
    issuer: str | None = None  # 国务院《…》: the body named before the title
    doc_number: str | None = None  # 《…》（国务院令第549号）: the document number after the title
    annex: str | None = None  # 《…决定》附件第12项: a reference into an annex, not an article
    # the text of the cited article (or paragraph) in the version in force, set by the law
    # registry while validating; never serialized (it belongs to the law, not the department)
    _law_text: str | None = PrivateAttr(default=None)

    def citation(self) -> str:
        from .normalize import cn_numeral

        parts = [f"《{self.title}》" if self.title else ""]
        if self.article:
            parts.append(f"第{cn_numeral(self.article)}条")
            if self.article_sub:
                parts.append(f"之{cn_numeral(self.article_sub)}")
        elif self.annex:
            parts.append(self.annex)
        if self.paragraph:
            parts.append(f"第{cn_numeral(self.paragraph)}款")
        if self.item:
            parts.append(f"第（{cn_numeral(self.item)}）项")
        return "".join(parts) or self.raw


class Fine(Model):
    """A fine range parsed from numbers or from words (罚款幅度)."""

    lower: float | None = None
    upper: float | None = None
    unit: Literal["元", "%", "倍"] = "元"
    base: str | None = None  # what a percentage or multiple applies to, e.g. 货值金额
    words: str | None = None
    # when a text states several fines: the circumstance this one applies under (情节严重的,
    # 逾期不改正的; None for the general one), whom it is for (单位 / 个人: the responsible
    # persons; None: the offender), and the items (项) of the article it is limited to
    condition: str | None = None
    target: str | None = None
    items: list[int] = []


class DiscretionTier(Located):
    """One tier of a penalty's discretion standard (裁量阶次)."""

    tier: int
    circumstances: list[str]
    kinds: list[str] = []
    standard: str = ""
    fine: Fine | None = None
    statutory: Fine | None = None
    note: str | None = None
    provenance: Provenance
    more_rows: list[int] = []  # further rows of the same sheet that add circumstances to this tier
    # further rows of this tier that state their own 裁量标准: checked each at its own cell while validating
    _more: list = PrivateAttr(default_factory=list)


class Decision(Model):
    """A review decision on one item (清理结果), with its reason, document and date."""

    kind: str | None = None  # one of DECISIONS; None when the cell could not be read (`raw` keeps it)
    raw: str = ""  # the 清理结果 cell as typed
    reason: str | None = None  # 调整理由
    document: str | None = None  # 调整文号: the document that decided it
    effective: date | None = None  # 生效日期
    effective_text: str | None = None  # 生效日期 as typed, when it could not be read as a date
    level: int | None = None  # 下放: the (highest) level it is devolved to
    levels: list[int] = []  # 下放: every level it is devolved to (县级、乡镇级 → [4, 5])
    target: str | None = None  # 合并: the item it is merged into, as typed (name, name（子项）or code)
    target_code: str | None = None  # 合并: the target's 基本编码, set when codes are assigned
    target_name: str | None = None  # 合并: the target's name（子项）, set with target_code
    former_code: str | None = None  # 调整 of 职权类别: the code the item had before (retired, points to the new one)


class FlowEdge(Model):
    target: str
    condition: str | None = None


class FlowStep(Located):
    """One step (环节) of an operation flow."""

    id: str
    name: str
    post: str | None = None
    days: float | None = None  # in `unit`: 工作日 when None (a bare number, or a catalog without units)
    unit: str | None = None
    next: list[FlowEdge] = []
    risk: str | None = None
    risk_level: str | None = None
    control: str | None = None
    provenance: Provenance


class Flow(Model):
    """An operation flow (权力运行流程), shared by every power that names it."""

    name: str
    steps: list[FlowStep]
    description: str = ""


class Power(Located):
    """One administrative power (职权) or sub-item (子项)."""

    seq: str | None = None
    basic_code: str | None = None
    implementation_code: str | None = None
    origin: str = "地方"
    name: str
    sub_item: str | None = None
    category: str
    legal_bases: list[LegalBasis] = []
    legal_basis_text: str = ""
    unit: str = ""
    level: int | None = None  # the level this department exercises it at (None: the department's)
    levels: list[int] = []  # every level the 行使层级 cell names (省级、市级、县级 → 2, 3, 4)
    statutory_limit: str | None = None
    statutory_days: float | None = None  # working days only (None when the limit is in another unit)
    promised_limit: str | None = None
    promised_days: float | None = None
    # each limit as read, in its own unit (工作日, 自然日, 月, 年): 30日 is 30 自然日, never 30 working
    # days. None in a catalog written before units were kept: then *_days (working days) is the limit
    statutory_value: float | None = None
    statutory_unit: str | None = None
    promised_value: float | None = None
    promised_unit: str | None = None
    fee: str | None = None
    conditions: str | None = None
    materials: str | None = None
    quantity_limit: str | None = None
    responsibilities: str | None = None
    accountability: str | None = None
    scope: str = "社会"
    status: str = "在用"
    flow: str | None = None
    no_discretion: bool = False
    note: str | None = None
    decision: Decision | None = None
    tiers: list[DiscretionTier] = []
    sub_items: list[Power] = []
    provenance: Provenance

    @property
    def full_name(self) -> str:
        return f"{self.name}（{self.sub_item}）" if self.sub_item else self.name

    def statutory(self) -> tuple[float | None, str | None]:
        """法定时限 as (number, unit); a catalog without units had working days only."""
        if self.statutory_unit is not None:
            return self.statutory_value, self.statutory_unit
        return self.statutory_days, "工作日" if self.statutory_days is not None else None

    def promised(self) -> tuple[float | None, str | None]:
        """承诺时限 as (number, unit) (see `statutory`)."""
        if self.promised_unit is not None:
            return self.promised_value, self.promised_unit
        return self.promised_days, "工作日" if self.promised_days is not None else None

    def walk(self):
        """The power itself, then its sub-items."""
        yield self
        yield from self.sub_items


class Department(Model):
    """A department and everything it filed (部门)."""

    name: str
    number: str
    short_name: str | None = None
    region_code: str
    credit_code: str
    level: int
    address: str | None = None
    phone: str | None = None
    supervision_phone: str | None = None
    filler: str | None = None
    reviewer: str | None = None
    filled_date: date | None = None
    file: str
    powers: list[Power] = []
    flows: list[Flow] = []

    def all_powers(self):
        for p in self.powers:
            yield from p.walk()


class Catalog(Model):
    """The typed catalog written to catalog.json (权力清单目录)."""

    schema_version: int = 1
    release_date: date | None = None
    departments: list[Department] = Field(default_factory=list)

    def all_powers(self):
        for d in self.departments:
            for p in d.all_powers():
                yield d, p
