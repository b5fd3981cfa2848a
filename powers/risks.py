"""The 廉政风险点 register: every risk point of a department's (or the city's) flows, the step and post
it sits at, its level and 防控措施, and the powers that follow the flow; as a workbook formatted for
printing and a PDF (the same layout as the printable 清单, `tables`), and as a page of the site.

A risk point is a flow step that names one (风险点); flows are shared by many powers, so each risk
point is one row, listing the items (in use or suspended) whose flow it is. Made from the public
catalog: the register is posted and filed, and an internal item is never named in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import catalog as cat
from .rules.process import flow_name
from .models import RISK_LEVELS, Catalog, Department

COLUMNS = [("序号", 6), ("部门", 16), ("流程", 22), ("环节", 12), ("承办岗位", 14), ("风险点", 28), ("风险等级", 10),
           ("防控措施", 34), ("适用事项", 44)]


@dataclass
class RiskPoint:
    department: str
    flow: str
    step: str
    post: str
    risk: str
    level: str
    control: str
    powers: list[tuple[str, str]]  # (code, name（子项）) of the items in use or suspended that follow the flow


@dataclass
class RiskRegister:
    title: str
    subtitle: str
    release: date | None
    points: list[RiskPoint]

    def rows(self) -> list[list]:
        """One row per risk point; the items that follow a flow are listed at its first risk point and
        are 同上 at the next ones of the same flow (a flow may be followed by dozens of items)."""
        out, last = [], None
        for i, r in enumerate(self.points, 1):
            same = last == (r.department, r.flow)
            users = "同上" if same else (f"{len(r.powers)}项：" + "、".join(n for _, n in r.powers)) if r.powers \
                else "无在用事项"
            out.append([i, r.department, r.flow, r.step, r.post, r.risk, r.level, r.control or "未填写", users])
            last = (r.department, r.flow)
        return out


def department_points(d: Department) -> list[RiskPoint]:
    """A department's risk points, flow by flow (by name), step by step (in the flow's order)."""
    followed = {flow_name(p) for p in d.all_powers()}  # a flow no item follows is in no register (as catalog.stats counts)
    users: dict[str, list[tuple[str, str]]] = {}
    for p in d.all_powers():
        if p.status != "取消":
            users.setdefault(flow_name(p), []).append((p.basic_code or "", p.full_name))
    out = []
    for f in sorted(d.flows, key=lambda f: f.name):
        if f.name not in followed:
            continue
        for s in f.steps:
            if s.risk:
                out.append(RiskPoint(d.name, f.name, s.name, s.post or "", s.risk, s.risk_level or cat.UNLEVELLED,
                                     s.control or "", sorted(users.get(f.name, []))))
    return out


def register(catalog: Catalog, department: str | None = None) -> RiskRegister:
    """The register of one department (or, with None, the whole catalog), from its public items."""
    from .site import public_catalog, site_name

    public = public_catalog(catalog)
    depts = [d for d in public.departments if department in (None, d.name)]
    if department is not None and not depts:
        raise KeyError(department)
    points = [r for d in depts for r in department_points(d)]
    by_level = {lv: sum(r.level == lv for r in points) for lv in (*RISK_LEVELS, cat.UNLEVELLED)}
    name = department or site_name(public).removesuffix("行政权力清单")
    when = f"发布日期 {public.release_date.isoformat()}；" if public.release_date else ""
    return RiskRegister(f"{name}廉政风险点登记表", when + cat.risks_sentence(by_level), public.release_date, points)


def register_xlsx(reg: RiskRegister, out: str | Path) -> None:
    """The register as a workbook formatted for printing (A4 landscape, header repeated, page numbers)."""
    from .tables import _print_ready, save_workbook

    footer = f"{reg.title}　第 &P 页，共 &N 页" + (f"　发布日期 {reg.release}" if reg.release else "")
    save_workbook(_print_ready([(reg.title, 16), (reg.subtitle, 10)], COLUMNS, reg.rows(), footer, "风险点"), out,
                  reg.release)


def register_pdf(reg: RiskRegister, out: str | Path) -> None:
    from .tables import _pdf

    _pdf(out, reg.title, reg.subtitle, COLUMNS, reg.rows(), f"{reg.title}　", reg.release)
