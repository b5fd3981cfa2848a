"""The static disclosure site: Jinja2 pages, flowcharts published once per flow, open data, sitemap.

Only the public view reaches the writers: `public_view` removes every power not known to be public
(公开范围 社会) once, and every page, link, search entry, data file and count is made from it. Output is deterministic: the
same catalog gives the same bytes (no clocks; zip timestamps pinned to the release date).

Flowcharts: a city has ~1,500 distinct charts for 10,000 powers, so each is published once as
`charts/<stem>.svg` (stem: the chart's content-addressed name) and a power page shows it in an
`<object>` (an SVG document, so its text stays selectable, unlike in an `<img>`), with the power's
own title (name, code, 法定时限, flow) in the page's HTML above it. Inlining each chart made a
city site 384 MB.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

from . import cache, normalize, risks
from . import catalog as cat
from . import opendata
from . import paths as paths_mod
from .flowcharts import chart_title
from .models import CATEGORIES, LEVELS, Catalog, Department, Fine, Power
from .normalize import fee_text, fine_text, limit_shown
from .opendata import DepartmentRows, XlsxApart, record_index, write_catalog_json
from .rules.process import flow_name
from .parallel import forked_map
from .progress import QUIET, Progress, Stage
from .rules.fields import _KIND_KEYS
from .templating import environment, templates_dir

MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _safe_link(url: str) -> bool:
    """Only http(s) links and relative ones (no scheme, not //host): no file:, mailto:, data:, javascript: …"""
    url = url.strip()
    if url.startswith("//") or url.startswith("\\\\"):
        return False
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    if scheme:
        return scheme.group(1).lower() in ("http", "https") and re.match(r"(?i)https?://[^/\\]", url) is not None
    return ":" not in url.split("/", 1)[0]  # a colon before the first slash would read as a scheme


def _image_as_text(renderer, tokens, idx, options, env):
    """An image never loads anything: it is shown as its description, as plain text."""
    return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))


MD.validateLink = _safe_link
MD.add_render_rule("image", _image_as_text)


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Markdown from a workbook cell as HTML: no raw HTML, no images, only http(s) or relative links.
    Items written on one line (1. 立案责任；2. 调查责任；…) are one per line first (`items_on_lines`).
    Cached: a city's 责任事项 and 追责情形 are mostly the same few texts on thousands of pages."""
    return Markup(MD.render(items_on_lines(text)))


# 1. 立案责任；2. 调查责任… : a numbered item after a ；/; or 。 on the same line
_INLINE_ITEM = re.compile(r"(?<=[；;。])[ \t\u3000]*(?=\d{1,2}[.．、][ \t\u3000]*[^\d\s])")
_ITEM_START = re.compile(r"^(\d{1,2})[．、][ \t\u3000]*(?=[^\d\s])", re.M)
_NUMBERED_LINE = re.compile(r"^(\d{1,2})\.(?=[^\d\s])", re.M)
_SECOND_ITEM = re.compile(r"[；;。\n][ \t\u3000]*2[.．、][ \t\u3000]*[^\d\s]")


def items_on_lines(text: str) -> str:
    """A cell's numbered items as Markdown list items, one per line: '1. 立案责任；2. 调查责任' and
    '1、受理' become '1. 立案责任；\n2. 调查责任' and '1. 受理' (departments type them either way);
    a line of several items separated by ；without numbers stays as typed."""
    if not _SECOND_ITEM.search(text):  # not a list of items (a decimal, one item)
        return text
    out = _INLINE_ITEM.sub("\n", text)
    out = _ITEM_START.sub(r"\1. ", out)
    return _NUMBERED_LINE.sub(r"\1. ", out)
LONG_FIELDS = (("办理条件", "conditions"), ("申请材料", "materials"), ("责任事项", "responsibilities"),
               ("追责情形", "accountability"), ("备注", "note"))


@dataclass
class SiteOptions:
    base_url: str | None = None
    draft: bool = False
    site_name: str | None = None
    demo: bool = False  # invented data (the shipped inventories/): every page says so


# ---------------------------------------------------------------- the public view
def is_public(p: Power) -> bool:
    """The one test of publication: only what is known to be public (社会) is; anything else is withheld."""
    return p.scope == "社会"


@dataclass(frozen=True)
class PublicView:
    """The catalog as the public may see it, and what was withheld from it.

    Every public output (pages, lists, open data, search index, change log, sitemap, flowcharts,
    the kept release) is produced from one `PublicView`, made once by `public_view`. `withheld`
    holds the codes and (department, name) of withheld powers, so the change log can tell a
    power that became internal from one that was removed, without naming it.
    """

    catalog: Catalog
    withheld_codes: frozenset[str] = frozenset()
    withheld_names: frozenset[tuple[str, str]] = frozenset()

    def withholds(self, department: str, code: str | None, name: str) -> bool:
        return (code is not None and code in self.withheld_codes) or (department, name) in self.withheld_names


def public_view(catalog: Catalog, *, in_place: bool = False) -> PublicView:
    """The catalog without non-public powers or sub-items; provenance keeps only file names.

    Made of shallow copies (a deep copy of a city's catalog took seconds): models whose content
    changes are new, everything else is shared with `catalog`, so treat both as read-only.
    `in_place`: made from `catalog` itself, which becomes the view (for a caller that lets the
    whole catalog go: no second copy of every power, tier and step is held)."""
    codes: set[str] = set()
    names: set[tuple[str, str]] = set()

    def withhold(d: Department, p: Power) -> None:
        for q in p.walk():
            if q.basic_code:
                codes.add(q.basic_code)
            names.add((d.name, q.full_name))

    file_names: dict[str, str] = {}  # a department's few file paths, each reduced to its name once

    def located(m, **update):
        prov = m.provenance
        name = file_names.get(prov.file) or file_names.setdefault(prov.file, Path(prov.file).name)
        if in_place:
            prov.__dict__["file"] = name  # a provenance may be shared (a sub-item's with its row): same name
            return _updated(m, update, True)
        return _updated(m, {"provenance": prov.model_copy(update={"file": name}), **update}, False)

    def power(p: Power, subs: list[Power]) -> Power:
        return located(p, sub_items=subs, tiers=[located(t) for t in p.tiers])

    departments = []
    for d in catalog.departments:
        kept = []
        for p in d.powers:
            if not is_public(p):
                withhold(d, p)
                continue
            subs = []
            for s in p.sub_items:
                (subs.append(power(s, [])) if is_public(s) else withhold(d, s))
            kept.append(power(p, subs))
        used = {flow_name(q) for p in kept for q in p.walk()}
        flows = [_updated(f, {"steps": [located(s) for s in f.steps]}, in_place) for f in d.flows if f.name in used]
        departments.append(_updated(d, {"powers": kept, "flows": flows, "file": Path(d.file).name}, in_place))
    pub = _updated(catalog, {"departments": departments}, in_place)
    # a name or code shared with a public power is not a secret of the withheld one
    public_codes = {p.basic_code for _, p in pub.all_powers()}
    public_names = {(d.name, p.full_name) for d, p in pub.all_powers()}
    _public_decisions(pub, public_codes, codes, names, public_names)
    return PublicView(pub, frozenset(codes - public_codes), frozenset(names - public_names))


def _public_decisions(pub: Catalog, public_codes: set[str], codes: set[str], names: set[tuple[str, str]],
                      public_names: set[tuple[str, str]]) -> None:
    """Review decisions as the public may see them: a merge into an item that is not public does not
    name it (its name, code or the 清理结果 text that names it), and a withheld item's name or code
    typed into a decision's text is replaced by （不公开事项）."""
    public_words = {n for _, n in public_names} | public_codes
    secrets = sorted({w for _, full in names - public_names for w in _words_of(full)} - public_words
                     | (codes - public_codes), key=len, reverse=True)
    hide = re.compile("|".join(map(re.escape, secrets))) if secrets else None

    def scrub(text: str | None) -> str | None:
        return hide.sub("（不公开事项）", text) if text and hide is not None else text

    for _, p in pub.all_powers():
        dec = p.decision
        if dec is None:
            continue
        update = {}
        if (dec.target or dec.target_code) and dec.target_code not in public_codes:
            update = {"target": None, "target_code": None, "target_name": None, "raw": dec.kind or ""}
        for f in ("raw", "reason", "document", "effective_text", "target", "target_name"):
            value = update.get(f, getattr(dec, f))
            if scrub(value) != value:
                update[f] = scrub(value)
        if update:
            p.decision = dec.model_copy(update=update)


def _words_of(full_name: str) -> list[str]:
    """A withheld item's names that must not be published: 名称（子项） and the sub-item name alone."""
    m = re.fullmatch(r"(.+)（(.+)）", full_name)
    return [full_name, m.group(2)] if m else [full_name]


def _updated(m, update: dict, in_place: bool):
    """`m` with `update`: a shallow copy, or `m` itself changed when `in_place`."""
    if not in_place:
        return m.model_copy(update=update)
    for k, v in update.items():
        setattr(m, k, v)
    return m


def public_catalog(catalog: Catalog) -> Catalog:
    """The public catalog alone (see `public_view`)."""
    return public_view(catalog).catalog


def site_name(catalog: Catalog) -> str:
    return f"{cat.region_prefix([d.name for d in catalog.departments])}行政权力清单"


# ---------------------------------------------------------------- small renderers


def bar_chart(items: list[tuple[str, int]], title: str) -> Markup:
    """A horizontal bar chart as inline SVG (text labels, a title for screen readers)."""
    width, label_w, bar_h, gap = 640, 190, 18, 8
    top = max([v for _, v in items] + [1])
    h = len(items) * (bar_h + gap) + 10
    parts = [f'<svg class="chart" role="img" aria-labelledby="{_esc(title)}-t" viewBox="0 0 {width} {h}" '
             f'width="{width}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{_esc(title)}-t">{_esc(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        w = round((width - label_w - 60) * value / top, 1)
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" font-size="13" fill="#1f2933">'
                     f'{_esc(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#9b1c1c" rx="2"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 14}" font-size="13" fill="#1f2933">{value}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _esc(s: str) -> str:
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def chart_stem(charts, code: str) -> str:
    """The name of a power's chart file: the content-addressed name the chart already has when
    `charts` names its charts (`fingerprint`, see pipeline.PowerCharts), else a hash of its SVG."""
    named = getattr(charts, "fingerprint", None)
    return named(code) if named else hashlib.sha256(charts[code].encode("utf-8")).hexdigest()[:20]


def _chart_files(w: _Writer, catalog: Catalog, charts) -> None:
    """Each distinct chart of a public power, once, as charts/<stem>.svg (only those: a chart of
    the work folder that no public power uses is never copied). Written on every build, also when
    the pages are linked from the last one."""
    shared = getattr(charts, "file", None)  # the drawn file itself, untitled
    done: set[str] = set()
    for _, p in catalog.all_powers():
        if p.basic_code not in charts or (stem := chart_stem(charts, p.basic_code)) in done:
            continue
        done.add(stem)
        rel = f"charts/{stem}.svg"
        if shared:
            (w.out / "charts").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shared(p.basic_code), w.out / rel)
        else:
            w.file(rel, charts[p.basic_code].encode("utf-8"))


# ---------------------------------------------------------------- pages
class _Writer:
    def __init__(self, out: Path, opts: SiteOptions, catalog: Catalog):
        self.out, self.opts, self.env = out, opts, environment()
        self.pages: list[str] = []
        self.common = {"site_name": opts.site_name or site_name(catalog), "draft": opts.draft, "demo": opts.demo,
                       "release_date": catalog.release_date.isoformat() if catalog.release_date else "未注明",
                       "base_url": _base(opts.base_url)}

    def page(self, rel: str, template: str, description: str | None = None, **ctx) -> None:
        base = self.common["base_url"]
        if rel == "404.html":
            # served for a missing URL at any depth: links from the site's root, not from where it is
            root, canonical = (urlsplit(base).path if base else "/"), None
        else:
            root, canonical = "../" * rel.count("/"), (base + rel if base else None)
        description = description or f"{self.common['site_name']}：{ctx.get('title', '')}。"
        html = self.env.get_template(template).render(root=root, canonical=canonical, description=description,
                                                      **self.common, **ctx)
        self.file(rel, html.encode("utf-8"))
        if rel != "404.html":
            self.pages.append(rel)

    def file(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _base(url: str | None) -> str | None:
    return None if not url else url if url.endswith("/") else url + "/"


def _power_row(p: Power, other: str) -> dict:
    return {"code": p.basic_code, "name": p.name, "other": other, "status": p.status,
            "what": penalty_line(p),
            "subs": [{"code": s.basic_code, "name": s.sub_item, "what": penalty_line(s)} for s in p.sub_items]}


# ---------------------------------------------------------------- what a penalty is, and how much
def _fine_shown(f: Fine) -> str:
    """A fine as a reader says it: 2万元以下 (not 0元～2万元), 5000元～5万元, 3万元."""
    if f.lower == 0 and f.upper:
        unit = "" if f.unit == "元" else ("%" if f.unit == "%" else "倍")
        amount = normalize.yuan(f.upper) if f.unit == "元" else f"{f.upper:g}{unit}"
        return f"{'' if f.unit == '元' else f.base or ''}{amount}以下"
    return fine_text(f)


def _kinds_in(text: str) -> list[str]:
    """The kinds of penalty a legal text names (处警告或者…罚款 → 警告、罚款), in the order it names them."""
    taken: list[tuple[int, int, str]] = []
    for key, kind in _KIND_KEYS:
        for m in re.finditer(re.escape(key), text):
            if not any(m.start() < e and s < m.end() for s, e, _ in taken):
                taken.append((m.start(), m.end(), kind))
    return list(dict.fromkeys(k for _, _, k in sorted(taken)))


_EQUAL_FINE = re.compile(r"处([^，。；处]{1,12}?)(等额|等值|同等数额)的?罚款")


@functools.lru_cache(maxsize=4096)
def _statutory_words(texts: tuple[str, ...]) -> tuple[list[str], list[str], bool]:
    """Kinds, fine ranges and whether a fine is named, from the quoted texts of a power's bases."""
    kinds = _kinds_in("".join(texts))
    fines = [f for t in texts for f in normalize.fine_ranges(t)]
    labels = list(dict.fromkeys(_fine_shown(f) + (f"（{f.condition}）" if f.condition else "")
                                if f.target != "个人" else f"对个人{_fine_shown(f)}" for f in fines))
    labels += [m.group(1) + m.group(2) for t in texts for m in _EQUAL_FINE.finditer(t)]  # 销售金额等额
    return kinds, labels, any("罚款" in t for t in texts)


def penalty_summary(p: Power) -> dict | None:
    """What a penalty can be and how much (None for another category): the kinds and the fine range
    of its discretion tiers (lowest lower to highest upper of each unit), else as its legal bases state
    them (`statutory`: True; 所引条文未规定罚款数额 when a fine is named without an amount)."""
    if p.category != "行政处罚":
        return None
    if p.tiers:
        kinds = list(dict.fromkeys(k for t in p.tiers for k in t.kinds))
        groups: dict[tuple, list[Fine]] = {}
        for t in p.tiers:
            if t.fine is not None and t.fine.lower is not None:
                groups.setdefault((t.fine.unit, t.fine.base if t.fine.unit != "元" else None), []).append(t.fine)
        fines = []
        for (unit, base), fs in groups.items():
            upper = None if any(f.upper is None for f in fs) else max(f.upper for f in fs)
            fines.append(_fine_shown(Fine(lower=min(f.lower for f in fs), upper=upper, unit=unit, base=base)))
        return {"kinds": "、".join(kinds), "fine": "；".join(fines), "tiers": len(p.tiers), "statutory": False}
    kinds, fines, names_fine = _statutory_words(tuple(b.text for b in p.legal_bases if b.text))
    return {"kinds": "、".join(kinds), "fine": "；".join(fines), "tiers": 0, "statutory": True,
            "unstated": names_fine and not fines}


def penalty_line(p: Power) -> str | None:
    """A penalty in one line for the lists, its fine beside 罚款: 警告、罚款（1万元～10万元）,
    罚款（3万元，法定）, 警告、罚款（所引条文未规定数额）."""
    s = penalty_summary(p)
    if not s:
        return None
    kinds = s["kinds"].split("、") if s["kinds"] else []
    if s["fine"]:
        amount = f"（{s['fine']}{'，法定' if s['statutory'] else ''}）"
    else:
        amount = "（所引条文未规定数额）" if s.get("unstated") else ""
    if amount and "罚款" not in kinds:
        kinds.append("罚款")
    return "、".join(k + amount if k == "罚款" else k for k in kinds) or None


def _flow_of(d: Department, p: Power):
    name = flow_name(p)
    return next((f for f in d.flows if f.name == name), None)


def _power_page(w: _Writer, d: Department, p: Power, parent: Power | None, charts: dict[str, str]) -> None:
    flow = _flow_of(d, p)
    bases = [{"level": b.level, "cite": b.citation(), "edition": b.edition, "text": b.text} for b in p.legal_bases]
    long_fields = [(f"lf{i}", label, render_markdown(getattr(p, attr)))
                   for i, (label, attr) in enumerate(((label, attr) for label, attr in LONG_FIELDS if getattr(p, attr)), 1)]
    tiers = [{"tier": t.tier, "circumstances": t.circumstances, "kinds": "、".join(t.kinds), "standard": t.standard,
              "range": fine_text(t.fine)} for t in p.tiers]
    chart = chart_stem(charts, p.basic_code) if p.basic_code in charts and flow else None
    box = _chart_box(charts, p.basic_code, chart) if chart else None
    dec = p.decision
    decision = None if dec is None else {
        "kind": dec.kind or dec.raw, "reason": dec.reason, "document": dec.document,
        "effective": dec.effective.isoformat() if dec.effective else dec.effective_text,
        "level": cat.devolved_to(dec),
        "target": (dec.target_name or dec.target, dec.target_code) if dec.target_code else None}
    summary = penalty_summary(p)
    duty = next((key for key, label, _ in long_fields if label == "责任事项"), None)
    contents = [("basic-h", "基本信息"), ("basis-h", "依据")] + ([("disc-h", "裁量基准")] if summary else []) \
        + [("flow-h", "流程图")] + ([(duty, "责任")] if duty else [])
    w.page(f"powers/{p.basic_code}.html", "power.html", title=p.full_name, p=p, dept=_dept_ctx(d),
           description=_power_description(d, p, summary), summary=summary, contents=contents, chart_box=box,
           decision=decision, category_code=CATEGORIES[p.category], level="、".join(LEVELS[v] + "级" for v in p.levels) or LEVELS.get(p.level or d.level, ""), parent=parent,
           subs=p.sub_items, bases=bases, statutory=limit_shown(*p.statutory(), p.statutory_limit),
           promised=limit_shown(*p.promised(), p.promised_limit), fee=fee_text(p.fee), long_fields=long_fields, tiers=tiers,
           chart=f"charts/{chart}.svg" if chart else None, flow=flow,
           chart_title=chart_title(flow, p).split("\n") if flow else [],
           flow_text=[_STEP_NUMBER.sub("", line) for line in flow.description.split("\n")] if flow else [])


def _power_description(d: Department, p: Power, summary: dict | None) -> str:
    """The page's meta description: what the power is, who exercises it, and for a penalty what and how much."""
    text = f"{p.full_name}（{p.basic_code}），{p.category}，实施主体{d.name}。"
    if summary and (line := penalty_line(p)):
        text += f"处罚：{line}。"
    return text


_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_SVG_SCALE = re.compile(r'class="graph" transform="scale\(([\d.]+)')


@functools.lru_cache(maxsize=4096)
def _svg_box(head: str) -> tuple[int, int] | None:
    """A Graphviz SVG's size in CSS px at 100% (its labels at the sizes they were drawn with): the
    declared size (pt → px), undoing the scale Graphviz applied to fit a long flow on a printed page
    (size="7.5,10.5"; 11 pt labels of a flow shrunk to 0.68 came out 10 px, its legend 8 px)."""
    m = _SVG_SIZE.search(head)
    if not m:
        return None
    scale = float(g.group(1)) if (g := _SVG_SCALE.search(head)) else 1.0
    scale = scale if 0.2 <= scale <= 1 else 1.0
    return round(float(m.group(1)) * 4 / 3 / scale), round(float(m.group(2)) * 4 / 3 / scale)


def _chart_box(charts, code: str, stem: str) -> tuple[int, int] | None:
    """The width and height a power page shows its chart at (see `_svg_box`)."""
    shared = getattr(charts, "file", None)
    if shared:
        with open(shared(code), encoding="utf-8") as f:
            head = f.read(65536)
    else:
        head = charts[code][:65536]
    # up to the first group, whose transform holds the scale (after the title and the step text)
    return _svg_box(head[:head.find('class="graph"') + 200])


_STEP_NUMBER = re.compile(r"^\d+\. ")  # the description's own "1. ": on the page the list numbers its steps


def _dept_ctx(d: Department) -> dict:
    return {"name": d.name, "slug": d.number, "phone": d.phone, "supervision_phone": d.supervision_phone,
            "address": d.address}


def _changes(w: _Writer, view: PublicView, previous: Catalog | None, s: dict,
             compare_only: frozenset[str] | None = None, previous_published: str | None = None) -> None:
    if previous is None:
        w.page("changes.html", "changes.html", title="变更记录", first=True, summary=cat.stats_sentence(s), sections=[])
        return
    now = view.catalog if compare_only is None else Catalog(
        release_date=view.catalog.release_date, departments=[d for d in view.catalog.departments if d.name in compare_only])
    d = cat.diff(previous, now, by="code")
    # a power public before and withheld now is not named (its name, code and department stay out)
    removed = [e for e in d["removed"] if not view.withholds(e["department"], e["code"], e["name"])]
    withdrawn = len(d["removed"]) - len(removed)
    d["removed"] = removed
    st = d["status_changed"]
    suspended = [e for e in st if e["to"] == "暂停"]
    cancelled = [e for e in st if e["to"] == "取消"]
    resumed = [e for e in st if e["to"] == "在用"]
    for e in d["changed"]:
        e["detail"] = "变更了" + "、".join(cat.FIELD_LABELS.get(k, k) for k in e["fields"])
    for e in d["added"] + d["changed"] + st:
        e["link"] = True
    for e in st:
        e["detail"] = f"{e['from']} → {e['to']}"
    sections = [("新增事项", d["added"]), ("内容变更", d["changed"]), ("暂停实施", suspended), ("取消", cancelled),
                ("恢复实施", resumed), ("不再列入", d["removed"])]
    w.page("changes.html", "changes.html", title="变更记录", first=False, d=d, withdrawn=withdrawn, suspended=suspended,
           cancelled=cancelled, resumed=resumed, sections=sections,
           previous_date=previous.release_date.isoformat() if previous.release_date else "上一版本",
           published_as=_published_as(previous_published))


def _published_as(name: str | None) -> str | None:
    """"2026-03-28" → "2026-03-28 发布版"; a later release of the same date says which it was."""
    if name is None:
        return None
    day, _, seq = name.partition(".")
    return f"{day} 发布版" + (f"（当日第{seq}版）" if seq else "")


# a catalog with more powers than this has its Excel file written in a process of its own
XLSX_APART_ABOVE = 2000


def _open_data(w: _Writer, catalog: Catalog, data: OpenData, s: dict) -> None:
    """The data page, its data dictionary page and the data files (catalog.json is already written:
    see OpenData); `s` is the catalog's stats."""
    size = (w.out / "data" / "catalog.json").stat().st_size
    publisher, release = w.common["site_name"], w.common["release_date"]
    data_page = f"{data.base}data.html" if data.base else "data.html（本网站根目录下）"
    files = [("catalog.schema.json", cat.schema_json().encode("utf-8"), "目录的 JSON Schema"),
             ("catalog.csv", data.csv(), "事项一览（CSV，UTF-8 带 BOM），每个事项和子项一行"),
             ("tiers.csv", data.tiers_csv(), "裁量基准（CSV，UTF-8 带 BOM），每个裁量阶次一行"),
             ("catalog.xlsx", data.excel(), "事项一览和裁量基准（Excel，两个工作表）"),
             ("dictionary.csv", opendata.dictionary_csv(), "数据字典（CSV）：每个字段的含义、单位和取值范围"),
             ("dictionary.json", opendata.dictionary_json(), "数据字典（JSON）"),
             ("LICENSE.txt", opendata.licence_text(publisher, release, data_page), "使用许可和文件说明（文本）")]
    listing = [_listed("catalog.json", size, data.digest, "完整目录（JSON），结构见 JSON Schema")]
    for name, content, note in files:
        w.file(f"data/{name}", content)
        listing.append(_listed(name, len(content), hashlib.sha256(content).hexdigest(), note))
    departments = []
    for i, (d, stem) in enumerate(zip(catalog.departments, data.stems)):
        # each department's own Excel file only: its CSV files would repeat catalog.csv and tiers.csv
        # line for line (24 MB of a city's site), where its Excel file is 4% of its CSV text
        xlsx = data.rows.department_xlsx(i)
        (w.out / "data" / "departments").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(xlsx, w.out / "data" / "departments" / f"{stem}.xlsx")
        departments.append({"name": d.name, "rows": sum(1 for _ in d.all_powers()),
                            "tiers": sum(len(p.tiers) for p in d.all_powers()),
                            "file": {**_listed(f"{stem}.xlsx", xlsx.stat().st_size, "", ""),
                                     "href": f"data/departments/{stem}.xlsx"}})
    w.page("data.html", "data.html", title="开放数据", files=listing, summary=cat.stats_sentence(s),
           rows=sum(1 for _ in catalog.all_powers()), tiers=sum(d["tiers"] for d in departments),
           departments=departments, licence=opendata.licence_paragraphs(publisher))
    w.page("data-dictionary.html", "dictionary.html", title="开放数据字段说明",
           tables=[{"name": t, "files": f, "rows": r, "fields": fields} for t, f, r, fields in opendata.DICTIONARY_TABLES],
           licence=opendata.licence_paragraphs(publisher))


def _listed(name: str, size: int, sha: str, note: str) -> dict:
    return {"name": name, "href": f"data/{name}", "note": note, "sha": sha,
            "size": f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} B"}


class _Made:
    """`made(name, make)`: the open-data file made from this catalog (the SHA-256 of its JSON),
    release date and site URL (its rows link to the pages), from the cache when an earlier build made it from the same, else made (and kept
    there). `has(name)`: whether the cache has it."""

    def __init__(self, digest: str, release: date | None, reuse: SiteCache | None, base: str = ""):
        self.folder = None
        if reuse is not None:
            self.folder = reuse.folder / "open-data" / cache.key("open-data", digest, release, base)
            if not self.folder.is_dir():  # a new catalog: the files of older ones are not needed any more
                shutil.rmtree(reuse.folder / "open-data", ignore_errors=True)

    def has(self, name: str) -> bool:
        return self.folder is not None and (self.folder / name).is_file()

    def __call__(self, name: str, make) -> bytes:
        if self.folder is None:
            return make()
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            data = make()
            self.folder.mkdir(parents=True, exist_ok=True)
            cache.write_atomic(self.folder / name, data)
            return data


def _robots(w: _Writer, options: SiteOptions) -> None:
    """robots.txt: a published site may be indexed (with its sitemap when the base URL is known); a
    draft or a demo build (invented data, every page noindex too) asks not to be."""
    if options.draft or options.demo:
        text = "# 草稿或演示数据，不供搜索引擎收录\nUser-agent: *\nDisallow: /\n"
    else:
        text = "User-agent: *\nAllow: /\n"
        if options.base_url:
            text += f"\nSitemap: {_base(options.base_url)}sitemap.xml\n"
    w.file("robots.txt", text.encode("utf-8"))


def _sitemap(w: _Writer, base: str, release: date | None = None) -> None:
    """sitemap.xml: every page, last modified on the release date (the date the list was published)."""
    base = _base(base)
    lastmod = f"<lastmod>{release.isoformat()}</lastmod>" if release else ""
    urls = "".join(f"<url><loc>{_esc(base + p)}</loc>{lastmod}</url>\n" for p in sorted(w.pages))
    w.file("sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n'
                           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")
           .encode("utf-8"))


def build_site(catalog: Catalog | PublicView, out_dir: str | Path, charts: dict[str, str] | None = None,
               previous: Catalog | None = None, options: SiteOptions = SiteOptions(), *,
               reuse: SiteCache | None = None, jobs: int = 1, progress: Progress = QUIET,
               open_data: OpenData | None = None, compare_only: frozenset[str] | None = None,
               previous_published: str | None = None, info: dict | None = None) -> list[str]:
    """Write every page of the public site for `catalog` into out_dir; returns the page paths.

    `catalog` is the public view made by `public_view` (a full catalog is filtered here, once);
    every page, list, count, data file and the sitemap come from that view alone. `charts` maps a
    power's 基本编码 to its flowchart SVG text (or is a pipeline.PowerCharts, whose shared files are
    published as they are); `previous` is the last release, filtered the same way.
    `reuse`: a department's pages whose inputs are unchanged since the last build are linked from
    that build instead of rendered again. `jobs`: processes rendering departments' pages.
    `open_data`: the view's OpenData begun into out_dir beforehand (build_site closes it).
    `compare_only`: `previous` holds only the departments changed since (releases.changed_since),
    and the change log compares these departments of the view with them (None: all).
    `previous_published`: `previous` is that release ("2026-03-28.2"), the one last published, and
    the change log says so. `info`: more of what the build says of the site for `powers publish`
    (SITE_INFO: the release kept for it and the work folder keeping it).
    """
    view = catalog if isinstance(catalog, PublicView) else public_view(catalog)
    catalog = view.catalog
    previous = public_catalog(previous) if previous else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    charts = charts or {}
    w = _Writer(out, options, catalog)
    tdir = templates_dir()
    w.file("assets/style.css", (tdir / "style.css").read_bytes())
    w.file("assets/search.js", (tdir / "search.js").read_bytes())

    s = cat.stats(catalog)
    categories = [{"name": c, "code": code, "count": s["by_category"][c]} for c, code in CATEGORIES.items()]
    departments = [{"name": d["name"], "slug": dept.number, "count": d["total"],
                    "sentence": cat.summary_sentence(d["total"], d["by_category"])}
                   for d, dept in zip(s["departments"], catalog.departments)]
    w.page("index.html", "home.html", title="首页", summary_sentence=cat.stats_sentence(s),
           figures=[f"裁量基准：{cat.discretion_sentence(s['discretion'])}", f"风险防控：{cat.risks_sentence(s['risks'])}"],
           categories=categories, departments=departments,
           category_chart=bar_chart([(c["name"], c["count"]) for c in categories], "各类别事项数"),
           department_chart=bar_chart([(d["name"], d["count"]) for d in departments], "各部门事项数"))

    _chart_files(w, catalog, charts)
    data = open_data if open_data is not None else OpenData(view, out, reuse, options.base_url)
    try:
        with progress.stage("网页 pages", len(catalog.departments)) as stage:
            w.pages += _department_pages(w, catalog, data.records, charts, reuse, jobs, stage)
        data.start_xlsx()
        _rest_of_site(w, view, previous, s, data, progress, compare_only, previous_published)
    finally:
        data.close()
    w.file(SITE_INFO, (json.dumps({"draft": options.draft, "release_date": catalog.release_date.isoformat()
                                   if catalog.release_date else None, "catalog_sha256": data.digest, **(info or {})},
                                  ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return w.pages


# What `powers publish` reads of a built site (and does not publish): whether it is a draft, which
# catalog it shows (the SHA-256 of its catalog.json, the release's identity), and from a build, the
# release kept for it ("release", null for a draft) and the work folder keeping it ("work", absolute),
# where publish records that the release went out
SITE_INFO = ".powers-site.json"


def site_info(folder: Path) -> dict | None:
    try:
        info = json.loads((Path(folder) / SITE_INFO).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


class OpenData:
    """The open data of a public view, begun as soon as the view exists (before the charts and
    pages): each department's JSON record is made (once: they also key and carry its pages),
    catalog.json is written from them into `out`, the departments' CSV and Excel rows are made or
    found kept (DepartmentRows), and a large catalog's Excel file (then each department's own not
    kept yet) is begun in a process of its own at once when most rows were kept (a one-department
    change: it is the longest part of such a build), else after the pages (`start_xlsx`: in a cold
    build the page workers and the search index already use both cores). `base_url`: the site's
    address (--base-url), which every row's 页面地址 starts with (none: a path from the site's root)."""

    def __init__(self, view: PublicView, out: Path, reuse: SiteCache | None, base_url: str | None = None):
        catalog = view.catalog
        self.catalog = catalog
        self.base = (base_url if base_url.endswith("/") else base_url + "/") if base_url else ""
        self.records = [cat.department_json(d) for d in catalog.departments]
        self.index = record_index(catalog, self.records)
        self.digests = [x["sha256"] for x in self.index["departments"]]  # what each department's outputs are made from
        self.digest = write_catalog_json(catalog, self.records, out / "data" / "catalog.json")
        self.made = _Made(self.digest, catalog.release_date, reuse, self.base)
        self.rows = DepartmentRows(reuse.folder / "open-data-rows" if reuse is not None else None, self.base,
                                   catalog.release_date)
        self.stems = opendata.department_stems(catalog.departments)
        self.xlsx: XlsxApart | None = None
        self._apart = sum(1 for _ in catalog.all_powers()) > XLSX_APART_ABOVE and not self.made.has("catalog.xlsx")
        # every department's rows (kept ones only looked up): its own files are made from them
        made = sum(self.rows.add(d, r) for r, d in zip(self.records, catalog.departments))
        if made * 4 <= len(catalog.departments):
            self.start_xlsx()

    def start_xlsx(self) -> None:
        if self._apart and self.xlsx is None:
            self.xlsx = XlsxApart(self.rows, self.catalog.release_date)

    def csv(self) -> bytes:
        return self.made("catalog.csv", self.rows.csv)

    def tiers_csv(self) -> bytes:
        return self.made("tiers.csv", self.rows.tiers_csv)

    def excel(self) -> bytes:
        return self.made("catalog.xlsx", self.xlsx.result if self.xlsx else
                         lambda: self.rows.xlsx(self.catalog.release_date))

    def close(self) -> None:
        if self.xlsx is not None:
            self.xlsx.close()
        self.rows.close()


def _rest_of_site(w: _Writer, view: PublicView, previous: Catalog | None, s: dict, data: OpenData,
                  progress: Progress, compare_only: frozenset[str] | None = None,
                  previous_published: str | None = None) -> None:
    """The pages that list every department (departments, categories, changes), open data, 404 and
    the sitemap."""
    catalog, options = view.catalog, w.opts
    w.page("departments/index.html", "list.html", title="部门", intro="按实施部门浏览权力事项。", contact=None,
           groups=[], links=[{"href": f"{d.number}.html", "text": d.name, "note": f"{len(d.powers)}项"}
                             for d in catalog.departments])
    for c, code in CATEGORIES.items():
        groups = [{"title": d.name, "other_label": "承办机构",
                   "powers": [_power_row(p, p.unit) for p in d.powers if p.category == c]} for d in catalog.departments]
        w.page(f"categories/{code}.html", "list.html", title=c, contact=None,
               intro=f"{c}共{s['by_category'][c]}项。", groups=[g for g in groups if g["powers"]], links=[])
    w.page("categories/index.html", "list.html", title="权力类别", intro="按权力类别浏览。", contact=None, groups=[],
           links=[{"href": f"{code}.html", "text": c, "note": f"{s['by_category'][c]}项"}
                  for c, code in CATEGORIES.items()])
    _changes(w, view, previous, s, compare_only, previous_published)
    with progress.stage("开放数据 open data"):
        _open_data(w, catalog, data, s)
    w.page("404.html", "404.html", title="页面不存在", description="您访问的页面不存在。")
    if options.base_url:
        _sitemap(w, options.base_url, catalog.release_date)
    _robots(w, options)


@dataclass
class SiteCache:
    """What a build may reuse: the last build's pages (`site`), and a folder (`folder`) holding the
    manifest of what each department's pages were made from (department key → its pages, with size
    and mtime to tell a page edited since) and the open-data files by the catalog they were made from."""

    site: Path
    folder: Path

    @property
    def manifest(self) -> Path:
        return self.folder / "site-pages.json"


def _department_key(w: _Writer, record: bytes, d: Department, charts: dict[str, str]) -> str:
    """Everything a department's pages are made from: its public record (`record`, its JSON), its
    charts, the context every page shares, and (through cache.key) this code and its templates."""
    drawn = [(p.basic_code, chart_stem(charts, p.basic_code)) for p in d.all_powers() if p.basic_code in charts]
    return cache.key("department-pages", record, json.dumps(drawn), json.dumps(w.common, sort_keys=True),
                     w.opts.draft)


def responsibility_rows(d: Department) -> list[dict]:
    """A department's 责任清单 on the site: each power in use (of the public view `d` is taken from),
    numbered as the printed 责任清单 is (1, then 1.1 for its sub-items in use; a sub-item in use under an
    item that is not, on its own), grouped by their 责任事项 and 追责情形: items stating the same
    texts share one row (a department's items mostly repeat their category's paragraphs, which made
    these pages a tenth of a city's site), in the order of their first item. Each row: `items`
    [(seq, code, name)], and the texts rendered (None: not filled in)."""
    from .tables import in_use_numbered

    groups: dict[tuple, dict] = {}
    for seq, p in in_use_numbered(d.powers):
        key = (p.responsibilities or "", p.accountability or "")
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"items": [],
                               "duties": render_markdown(p.responsibilities) if p.responsibilities else None,
                               "accountability": render_markdown(p.accountability) if p.accountability else None}
        g["items"].append((seq, p.basic_code, p.full_name))
    return list(groups.values())


def _render_department(w: _Writer, d: Department, charts: dict[str, str]) -> list[str]:
    """A department's list page and every power page of it; returns their paths."""
    before = len(w.pages)
    groups = [{"title": c, "other_label": "承办机构",
               "powers": [_power_row(p, p.unit) for p in d.powers if p.category == c]} for c in CATEGORIES]
    contact = [(k, v) for k, v in (("办公地址", d.address), ("咨询电话", d.phone), ("监督电话", d.supervision_phone),
                                   ("统一社会信用代码", d.credit_code)) if v]
    duties = responsibility_rows(d)
    stats = cat.stats(Catalog(departments=[d]))["departments"][0]
    w.page(f"departments/{d.number}.html", "list.html", title=d.name, contact=contact,
           intro=cat.stats_sentence(stats), figures=[f"裁量基准：{cat.discretion_sentence(stats['discretion'])}"],
           groups=[g for g in groups if g["powers"]], links=[],
           see_also=[{"href": f"{d.number}-responsibility.html", "text": f"{d.name}责任清单",
                      "note": f"在用事项{sum(len(g['items']) for g in duties)}项（含子项）的责任事项和追责情形"},
                     {"href": f"{d.number}-risks.html", "text": f"{d.name}廉政风险点登记表",
                      "note": cat.risks_sentence(stats["risks"]).rstrip("。")}])
    points, last, risk_rows = risks.department_points(d), None, []
    for i, r in enumerate(points, 1):
        risk_rows.append({"seq": i, "flow": r.flow, "step": r.step, "post": r.post, "risk": r.risk, "level": r.level,
                          "control": r.control, "powers": r.powers, "same": last == r.flow})
        last = r.flow
    w.page(f"departments/{d.number}-risks.html", "risks.html", title=f"{d.name}廉政风险点登记表", dept=_dept_ctx(d),
           rows=risk_rows, intro=cat.risks_sentence(stats["risks"]) + "每个风险点列出一次，并列出适用该流程的在用和暂停实施事项。")
    w.page(f"departments/{d.number}-responsibility.html", "responsibility.html", title=f"{d.name}责任清单",
           dept=_dept_ctx(d), rows=duties,
           intro=f"列明本部门在用的{sum(len(g['items']) for g in duties)}项职权（含子项）的责任事项和追责情形，"
                 f"责任事项和追责情形相同的事项合为一行；暂停实施和已取消的事项不列入。")
    for p in d.powers:
        _power_page(w, d, p, None, charts)
        for sub in p.sub_items:
            _power_page(w, d, sub, p, charts)
    got = w.pages[before:]
    del w.pages[before:]  # the caller adds them, in department order, wherever they were rendered
    return got


# Set in the parent before forked_map forks: the writer and charts every worker renders with.
_RENDER: dict = {}


def _render_in_worker(job: tuple[int, bytes | None]) -> list[str]:
    """Department i's pages, from its JSON record when it was sent one (in a forked worker: the
    worker makes its own copy of the department, and touching none of the objects it shares with
    its parent, copies none of their memory; rendering from the inherited catalog left each of two
    workers holding a private copy of half of it, 90 MiB at city scale), else from the catalog."""
    i, record = job
    w, charts = _RENDER["writer"], _RENDER["charts"]
    d = Department.model_validate_json(record) if record is not None else _RENDER["catalog"].departments[i]
    return _render_department(w, d, charts)


def _department_pages(w: _Writer, catalog: Catalog, records: list[bytes], charts: dict[str, str],
                      reuse: SiteCache | None, jobs: int, stage: Stage) -> list[str]:
    """Every department's pages, in department order: linked from the last build when their key
    is unchanged, else rendered (in a pool of forked processes when there are several, each sent
    its department's JSON record). `records` (the departments' JSON, for their keys) is emptied."""
    keys = [_department_key(w, r, d, charts) for r, d in zip(records, catalog.departments)] if reuse else []
    known: dict = {}
    if reuse and reuse.manifest.is_file() and (reuse.site / paths_mod.MARKER).is_file():
        try:
            known = json.loads(reuse.manifest.read_text("utf-8"))
        except ValueError:
            known = {}
    pages: list[list[str] | None] = [None] * len(catalog.departments)
    for i, k in enumerate(keys):
        old = known.get(k)
        if old and all(cache.stamp(reuse.site / rel) == stamp for rel, *stamp in old):  # none edited since
            for rel, *_ in old:
                (w.out / rel).parent.mkdir(parents=True, exist_ok=True)
                cache.link_or_copy(reuse.site / rel, w.out / rel)
            pages[i] = [rel for rel, *_ in old]
            stage.advance(catalog.departments[i].name)
    todo = [i for i, got in enumerate(pages) if got is None]
    parallel = jobs > 1 and len(todo) > 1

    # each record is let go once sent (made again here instead, it would touch every object of its
    # department, and a page of memory this process touches after the fork is a page copied)
    kept = {i: records[i] for i in todo} if parallel else {}
    records.clear()

    def sent():
        for i in todo:
            yield i, kept.pop(i, None)

    _RENDER.update(writer=w, catalog=catalog, charts=charts)
    try:
        for i, got in zip(todo, forked_map(_render_in_worker, sent(), jobs, count=len(todo))):
            pages[i] = got
            stage.advance(catalog.departments[i].name)
    finally:
        _RENDER.clear()
    if reuse:
        reuse.manifest.parent.mkdir(parents=True, exist_ok=True)
        stamped = {k: [[rel, *cache.stamp(w.out / rel)] for rel in got] for k, got in zip(keys, pages)}
        cache.write_atomic(reuse.manifest, json.dumps(stamped, ensure_ascii=False))
    return [rel for got in pages for rel in got]


def replace_dir(stage: Path, target: Path) -> None:
    """Put a finished build in place of the old one (the old one is removed only after)."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    stage.rename(target)
    if old.exists():
        shutil.rmtree(old)
