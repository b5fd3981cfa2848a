"""The catalog stage: validated departments + unified codes → catalog.json, stats and diffs."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from .cache import write_atomic
from .codes import CodeRegistry
from .models import CATEGORIES, LEVELS, RISK_LEVELS, Catalog, Decision, Department, DiscretionTier, Finding, Power
from .rules.process import flow_name
from .validate import ValidationResult

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "catalog.schema.json"
REGISTRY_FILE = "codes.sqlite"


def build_catalog(result: ValidationResult, registry: CodeRegistry,
                  release_date: date | None = None) -> tuple[Catalog, list[Finding]]:
    """Assign codes and assemble the catalog; code conflicts come back as findings."""
    depts = sorted(result.departments, key=lambda d: (d.number, d.name))
    conflicts = registry.assign(depts)
    # a code taken by another power, no code left, a code kept through a rename, a merge target unknown
    findings = [c.finding() for c in conflicts]
    for d in depts:
        d.powers.sort(key=lambda p: p.basic_code)
        for p in d.powers:
            p.sub_items.sort(key=lambda s: s.basic_code)
        d.flows.sort(key=lambda f: f.name)
    if release_date is None:
        dates = [d.filled_date for d in depts if d.filled_date]
        release_date = max(dates) if dates else None
    return Catalog(release_date=release_date, departments=depts), findings


def code_findings(result: ValidationResult, registry: CodeRegistry) -> list[Finding]:
    """The findings `build_catalog` would add with this registry, the registry and the departments
    left untouched: `powers validate --registry` shows what `powers catalog` will say."""
    depts = sorted(result.departments, key=lambda d: (d.number, d.name))
    return [c.finding() for c in registry.assign(depts, dry_run=True)]


def catalog_json(catalog: Catalog, *, compact: bool = False) -> str:
    """The catalog as JSON: indented for the work folder (read and diffed by people), compact for
    open data and kept releases (see department_json: 60 MB → 39 MB for a city)."""
    if not compact:
        return catalog.model_dump_json(indent=1) + "\n"
    head = catalog.model_dump_json(exclude={"departments"})[:-1]
    return head + ',"departments":[' + ",".join(department_json(d).decode("utf-8") for d in catalog.departments) + "]}\n"


def department_json(d: Department) -> bytes:
    """A department's compact JSON, as open data and kept releases hold it: a field with no value
    (null) is left out (412,000 of them were 6 MB of a city's 45 MB); every such field's default is
    null (the schema says so; tests/test_opendata.py walks every model to keep it so), so reading it
    back gives the same."""
    return Department.__pydantic_serializer__.to_json(d, exclude_none=True)


def schema_json() -> str:
    return json.dumps(Catalog.model_json_schema(), ensure_ascii=False, indent=1) + "\n"


def write_catalog(catalog: Catalog, out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / SCHEMA_FILE, schema_json())
    write_atomic(out / CATALOG_FILE, catalog_json(catalog))
    return out / CATALOG_FILE


def load_catalog(path: str | Path) -> Catalog:
    path = Path(path)
    if path.is_dir():
        path = path / CATALOG_FILE
    return Catalog.model_validate_json(path.read_text("utf-8"))


# ---------------------------------------------------------------- stats
STATUSES = ("在用", "暂停", "取消")


def stats(catalog: Catalog, *, public_only: bool = False) -> dict:
    """Counts per department and category. One way of counting everywhere (the site's pages and
    search filters, the change log, open data, `powers stats`): an item (事项) is a main power
    whatever its status, counted by status too; sub-items are counted apart."""
    out = {"total": 0, "sub_items": 0, "by_category": {c: 0 for c in CATEGORIES}, "by_status": {},
           "departments": []}
    for d in catalog.departments:
        powers = [p for p in d.powers if not public_only or p.scope == "社会"]
        row = {"name": d.name, "total": len(powers), "by_category": {c: 0 for c in CATEGORIES}, "by_status": {},
               "sub_items": sum(len(p.sub_items) for p in powers),
               "tiers": sum(len(s.tiers) for p in powers for s in p.walk())}
        for p in powers:
            row["by_category"][p.category] += 1
            out["by_category"][p.category] += 1
            out["by_status"][p.status] = out["by_status"].get(p.status, 0) + 1
            row["by_status"][p.status] = row["by_status"].get(p.status, 0) + 1
        # a main item with sub-items and no tiers of its own is counted through its sub-items
        row["discretion"] = _discretion(q for p in powers for q in p.walk()
                                        if not (q is p and p.sub_items and not p.tiers))
        if row["discretion"]["most"]:
            row["discretion"]["most"]["department"] = d.name
        row["risks"] = _risks(d)
        out["total"] += row["total"]
        out["sub_items"] += row["sub_items"]
        out["departments"].append(row)
    out["discretion"] = _discretion_total([r["discretion"] for r in out["departments"]])
    out["risks"] = {lv: sum(r["risks"][lv] for r in out["departments"]) for lv in (*RISK_LEVELS, UNLEVELLED)}
    return out


def _discretion(powers) -> dict:
    """Discretion figures of penalties: every 行政处罚 power and sub-item not cancelled (a discretion
    standard belongs to the item or sub-item it is filed under; an item with sub-items and no tiers
    of its own is not counted itself). `with_tiers` have a standard,
    `no_discretion` are marked 无裁量空间 (and have none), `neither` have neither; the average is per
    penalty with tiers; `most` names the penalty with the most tiers (the first in code order)."""
    out = {"penalties": 0, "with_tiers": 0, "no_discretion": 0, "neither": 0, "tiers": 0, "max": 0, "most": None}
    for p in powers:
        if p.category != "行政处罚" or p.status == "取消":
            continue
        out["penalties"] += 1
        n = len(p.tiers)
        if n:
            out["with_tiers"] += 1
            out["tiers"] += n
            if n > out["max"]:
                out["max"], out["most"] = n, {"code": p.basic_code, "name": p.full_name}
        elif p.no_discretion:
            out["no_discretion"] += 1
        else:
            out["neither"] += 1
    out["average"] = round(out["tiers"] / out["with_tiers"], 2) if out["with_tiers"] else 0.0
    return out


def _discretion_total(rows: list[dict]) -> dict:
    out = {k: sum(r[k] for r in rows) for k in ("penalties", "with_tiers", "no_discretion", "neither", "tiers")}
    top = max(rows, key=lambda r: r["max"], default=None)  # the first department's at a tie
    out["max"], out["most"] = (top["max"], top["most"]) if top and top["max"] else (0, None)
    out["average"] = round(out["tiers"] / out["with_tiers"], 2) if out["with_tiers"] else 0.0
    return out


UNLEVELLED = "未分级"


def _risks(d: Department) -> dict:
    """Risk points (廉政风险点) by level: steps naming a risk, of the flows the department's items
    follow (a flow no item uses is in no register); a point without a level is counted as 未分级,
    as the registers list it."""
    used = {flow_name(p) for p in d.all_powers()}
    out = {lv: 0 for lv in (*RISK_LEVELS, UNLEVELLED)}
    for f in d.flows:
        if f.name not in used:
            continue
        for s in f.steps:
            if s.risk:
                out[s.risk_level if s.risk_level in RISK_LEVELS else UNLEVELLED] += 1
    return out


def discretion_sentence(x: dict) -> str:
    """行政处罚62项（含子项，不含已取消）：有裁量基准58项，共290个阶次，平均每项5.00个，最多9个（…）；
    无裁量空间3项；未制定裁量基准1项。(one labelled sentence wherever the figures are shown)"""
    if not x["penalties"]:
        return "无行政处罚事项。"
    parts = [f"行政处罚{x['penalties']}项（含子项，不含已取消）：有裁量基准{x['with_tiers']}项"]
    if x["with_tiers"]:
        most = f"（{x['most']['name']}）" if x.get("most") else ""
        parts[0] += f"，共{x['tiers']}个阶次，平均每项{x['average']:.2f}个，最多{x['max']}个{most}"
    if x["no_discretion"]:
        parts.append(f"无裁量空间{x['no_discretion']}项")
    if x["neither"]:
        parts.append(f"未制定裁量基准{x['neither']}项")
    return "；".join(parts) + "。"


def risks_sentence(r: dict) -> str:
    total = sum(r.values())
    parts = [f"{lv}风险{r.get(lv, 0)}个" for lv in RISK_LEVELS] + ([f"未分级{r[UNLEVELLED]}个"] if r.get(UNLEVELLED) else [])
    return f"廉政风险点{total}个（" + "、".join(parts) + "）。" if total else "未标注廉政风险点。"


def summary_sentence(total: int, by_category: dict[str, int], by_status: dict[str, int] | None = None,
                     sub_items: int = 0) -> str:
    """共126项（在用120项、暂停4项、取消2项，另有子项8个），其中行政许可2项、行政处罚106项……
    (see `stats` for what is counted; the statuses and sub-items when given)."""
    said = [f"{st}{by_status[st]}项" for st in (*STATUSES, *sorted(set(by_status or {}) - set(STATUSES)))
            if (by_status or {}).get(st)]
    said = "、".join(said) + (f"，另有子项{sub_items}个" if sub_items else "")
    parts = [f"{c}{n}项" for c, n in by_category.items() if n]
    return f"共{total}项" + (f"（{said.lstrip('，')}）" if said else "") + ("，其中" + "、".join(parts) if parts else "") + "。"


def stats_sentence(s: dict) -> str:
    """summary_sentence of a `stats` dict (the whole or one department's row)."""
    return summary_sentence(s["total"], s["by_category"], s["by_status"], s["sub_items"])


def stats_text(s: dict) -> str:
    lines = []
    for d in (*s["departments"], s):
        lines.append(f"{d['name'] if d is not s else '合计'}：{stats_sentence(d)}")
        lines.append(f"  裁量：{discretion_sentence(d['discretion'])}")
        lines.append(f"  风险：{risks_sentence(d['risks'])}")
    return "\n".join(lines)


# ---------------------------------------------------------------- diff
FIELD_LABELS = {"name": "名称", "sub_item": "子项", "category": "类别", "implementation_code": "实施编码",
                "origin": "事项来源", "unit": "承办机构", "levels": "行使层级", "legal_basis_text": "实施依据",
                "statutory_limit": "法定时限", "promised_limit": "承诺时限", "fee": "收费", "conditions": "办理条件",
                "materials": "申请材料", "quantity_limit": "数量限制", "responsibilities": "责任事项",
                "accountability": "追责情形", "scope": "公开范围", "flow": "流程", "flow_steps": "流程环节",
                "no_discretion": "裁量空间", "tiers": "裁量基准", "note": "备注", "decision": "清理结果"}
# every field of a power a reader sees (the codes by which powers are matched, and the status, which
# has its own list, aside; two cities' 实施编码 differ by nature); sub-items are powers of their own
DIFF_FIELDS = ("name", "sub_item", "category", "implementation_code", "origin", "unit", "levels", "legal_basis_text",
               "statutory_limit", "promised_limit", "fee", "conditions", "materials", "quantity_limit",
               "responsibilities", "accountability", "scope", "flow", "no_discretion", "note")


def region_prefix(names: list[str]) -> str:
    """The region all departments share: 青岛市 for 青岛市公安局 and 青岛市城市管理局."""
    if not names or names[0][:1] in "市区县":
        return ""
    for m in re.finditer(r"[省市区县州盟]", names[0]):
        prefix = names[0][:m.end()]
        if len(prefix) >= 3 and all(n.startswith(prefix) and len(n) > len(prefix) for n in names):
            return prefix
    return ""


def _key(dept_name: str, p: Power, by: str, region: str = "") -> str:
    if by == "code":
        return p.basic_code or f"{dept_name}|{p.full_name}"
    return f"{dept_name.removeprefix(region)}|{p.category}|{p.full_name}"


def diff(old: Catalog, new: Catalog, *, by: str = "code") -> dict:
    """What changed between two catalogs: by code (releases of one city) or by name (two cities)."""
    from .flowcharts import flow_content, flow_for

    def index(c: Catalog):
        region = region_prefix([d.name for d in c.departments])  # two cities: 公安局 matches 公安局
        return {_key(d.name, p, by, region): (d, p) for d, p in c.all_powers()}

    a, b = index(old), index(new)
    flows = {id(d): {f.name: f for f in d.flows} for c in (old, new) for d in c.departments}
    out = {"added": [], "removed": [], "changed": [], "status_changed": []}
    def item(d: Department, p: Power) -> dict:
        e = {"department": d.name, "code": p.basic_code, "name": p.full_name, "category": p.category}
        if p.decision is not None:  # the review decision behind the change: its reason and document
            e["decision"] = p.decision.model_dump(mode="json", exclude_none=True) | {"text": decision_text(p.decision)}
        return e

    for k in sorted(b.keys() - a.keys()):
        out["added"].append(item(*b[k]))
    for k in sorted(a.keys() - b.keys()):
        out["removed"].append(item(*a[k]))
    for k in sorted(a.keys() & b.keys()):
        (c, p), (d, q) = a[k], b[k]
        if p.status != q.status:
            out["status_changed"].append(item(d, q) | {"from": p.status, "to": q.status})
        pair = {f: (getattr(p, f), getattr(q, f)) for f in DIFF_FIELDS}
        # 行使层级 as exercised: a power naming none is exercised at its department's level
        pair["levels"] = (p.levels or [p.level or c.level], q.levels or [q.level or d.level])
        fields = {f: {"old": x, "new": y} for f, (x, y) in pair.items()
                  if x != y and not (by == "name" and f == "implementation_code")}
        if q.decision and q.decision.kind not in (None, "保留") and decision_text(p.decision) != decision_text(q.decision):
            # a decision is a change even when no other field shows it (下放 with the same 行使层级 cell)
            fields["decision"] = {"old": decision_text(p.decision), "new": decision_text(q.decision)}
        if [t.model_dump(exclude={"provenance", "more_rows"}) for t in p.tiers] != \
                [t.model_dump(exclude={"provenance", "more_rows"}) for t in q.tiers]:
            fields["tiers"] = {"old": [tier_text(t) for t in p.tiers], "new": [tier_text(t) for t in q.tiers]}
        was, now = flow_for(p, flows[id(c)]), flow_for(q, flows[id(d)])
        if "flow" not in fields and (was and flow_content(was)) != (now and flow_content(now)):
            # the same flow, its steps changed: a change of every power that follows it
            fields["flow_steps"] = {"old": was.description.split("\n") if was else [],
                                    "new": now.description.split("\n") if now else []}
        if fields:
            out["changed"].append(item(d, q) | {"fields": fields})
    return out


def devolved_to(d: Decision) -> str | None:
    """The levels a 下放 decision devolves to, by name (县级、乡镇级); None for any other decision."""
    if d.kind != "下放" or d.level not in LEVELS:
        return None
    return "、".join(f"{LEVELS[v]}级" for v in (d.levels or [d.level]) if v in LEVELS)


def decision_text(d: Decision | None) -> str:
    """A review decision in words: 取消, 下放至县级, 合并至XX (empty when there is none)."""
    if d is None:
        return ""
    kind = d.kind or d.raw
    if (levels := devolved_to(d)) is not None:
        return f"下放至{levels}"
    if d.kind == "合并" and (d.target_name or d.target):
        return f"合并至{d.target_name or d.target}"
    return kind


def tier_text(t: DiscretionTier) -> str:
    """A discretion tier in one line, as a change list shows it."""
    return "；".join(x for x in (f"第{t.tier}阶", "、".join(t.circumstances), "、".join(t.kinds), t.standard or "") if x)


def value_text(field: str, value, width: int = 60) -> str:
    """A field's value for a change list: levels by name, yes/no, one line, long text cut with …."""
    if field == "levels":
        value = "、".join(LEVELS.get(v, str(v)) + "级" for v in value)
    elif isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, list):
        value = " / ".join(map(str, value))
    text = re.sub(r"\s+", " ", str(value)).strip() if value not in (None, "", []) else "（空）"
    return text if len(text) <= width else text[:width - 1] + "…"


def diff_text(dd: dict) -> str:
    lines = [f"新增 {len(dd['added'])} 项，删除 {len(dd['removed'])} 项，变更 {len(dd['changed'])} 项，"
             f"状态变化 {len(dd['status_changed'])} 项"]
    for title, key in (("新增", "added"), ("删除", "removed")):
        for e in dd[key]:
            lines.append(f"  {title}  {e['code'] or '':12}  {e['department']}  {e['name']}（{e['category']}）")
    for e in dd["status_changed"]:
        lines.append(f"  状态  {e['code'] or '':12}  {e['department']}  {e['name']}：{e['from']} → {e['to']}")
    for e in dd["changed"]:
        lines.append(f"  变更  {e['code'] or '':12}  {e['department']}  {e['name']}："
                     f"{'、'.join(FIELD_LABELS.get(k, k) for k in e['fields'])}")
        for k, v in e["fields"].items():
            if isinstance(v["old"], list) and k in ("tiers", "flow_steps"):  # item by item: what went, what came
                gone = [x for x in v["old"] if x not in v["new"]]
                came = [x for x in v["new"] if x not in v["old"]]
                lines += [f"        {FIELD_LABELS[k]}  − {value_text(k, x, 100)}" for x in gone]
                lines += [f"        {FIELD_LABELS[k]}  + {value_text(k, x, 100)}" for x in came]
            else:
                lines.append(f"        {FIELD_LABELS.get(k, k)}：{value_text(k, v['old'])} → {value_text(k, v['new'])}")
    return "\n".join(lines)
