"""Tables offices print and file, in the layouts they issue: the 对照表 (what an adjustment changed)
and the 清单 itself (per department or for the whole city), each as an Excel workbook formatted for
A4 landscape printing and as a PDF."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import catalog as cat
from .catalog import FIELD_LABELS, decision_text, value_text
from .models import Catalog

COMPARISON_COLUMNS = [("序号", 7), ("事项名称", 30), ("编码", 19), ("部门", 18), ("调整类型", 12),
                      ("调整前", 45), ("调整后", 45), ("调整理由", 18), ("文号", 16)]


def comparison_rows(d: dict) -> list[list]:
    """One row per adjusted item of a `catalog.diff`: added, no longer listed, status changed, content
    changed (every changed field, old against new). 调整理由 and 文号 come from the item's review
    decision (清理结果) when the workbook records one; otherwise they are left for the office."""
    rows = []

    def grounds(e: dict, kind: str, decided: bool = True) -> list:
        # a decision left in the workbook from an earlier round says nothing of a later change
        dec = (e.get("decision") or {}) if decided else {}
        # the decision names the kind when it says more than the change does (合并至X, 下放至县级)
        if dec.get("kind") in ("合并", "下放", "取消", "暂停", "新增") and dec.get("text"):
            kind = dec["text"] if kind.startswith(("取消", "暂停", "新增", "状态")) or dec["kind"] == "下放" \
                else f"{dec['text']}；{kind}"
        return [kind, dec.get("reason") or "", dec.get("document") or ""]

    for e in d["added"]:
        kind, reason, doc = grounds(e, "新增")
        rows.append([e["name"], e["code"], e["department"], kind, "", f"{e['category']}", reason, doc])
    for e in d["removed"]:
        rows.append([e["name"], e["code"], e["department"], "不再列入", f"{e['category']}", "", "", ""])
    kinds = {"暂停": "暂停实施", "取消": "取消", "在用": "恢复实施"}
    status_rows = {(e["department"], e["code"]) for e in d["status_changed"]}
    for e in d["status_changed"]:
        kind, reason, doc = grounds(e, kinds.get(e["to"], "状态变更"))
        rows.append([e["name"], e["code"], e["department"], kind, e["from"], e["to"], reason, doc])
    for e in d["changed"]:
        fields = {k: v for k, v in e["fields"].items() if k != "decision"}
        if not fields and (e["department"], e["code"]) in status_rows:
            continue  # only the decision, which the status row already shows
        labels = [FIELD_LABELS.get(k, k) for k in fields]
        before = "\n".join(f"{FIELD_LABELS.get(k, k)}：{value_text(k, v['old'], 300)}" for k, v in fields.items())
        after = "\n".join(f"{FIELD_LABELS.get(k, k)}：{value_text(k, v['new'], 300)}" for k, v in fields.items())
        kind, reason, doc = grounds(e, "调整（" + "、".join(labels) + "）" if labels else "调整",
                                    "decision" in e["fields"])
        rows.append([e["name"], e["code"], e["department"], kind, before, after, reason, doc])
    return [[i, *r] for i, r in enumerate(rows, 1)]


def comparison_xlsx(d: dict, out: str | Path, title: str = "权力清单调整对照表", when: date | None = None) -> int:
    """Write the 对照表 of diff `d` to `out` (see _print_ready). Returns the number of rows."""
    rows = comparison_rows(d)
    save_workbook(_print_ready([(title + (f"（{when.isoformat()}）" if when else ""), 14)], COMPARISON_COLUMNS, rows,
                               "第 &P 页，共 &N 页", "对照表"), out, when)
    return len(rows)


def save_workbook(wb, out: str | Path, when: date | None) -> None:
    """Save an openpyxl workbook so that the same content gives the same bytes: its document dates
    are `when` (the release date) and every zip member is stamped with it, not with the clock."""
    import io
    import zipfile
    from datetime import datetime

    stamp = datetime.combine(when or date(2000, 1, 1), datetime.min.time())
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with the clock as it saves
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            dst.writestr(fixed, data)


def _print_ready(titles: list[tuple[str, int]], columns: list[tuple[str, int]], rows: list[list], footer: str,
                 sheet: str):
    """A workbook of one sheet as offices print it: centred title lines, a bold header row frozen and
    repeated on every printed page, column widths, wrapped text in ruled cells, A4 landscape fitted
    to the page width, `footer` (Excel's &P and &N are the page and the page count)."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, (text, size) in enumerate(titles, 1):
        ws.cell(r, 1, text).font = Font(bold=r == 1, size=size)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
    head = len(titles) + 1
    ws.append([c for c, _ in columns])
    for row in rows:
        ws.append(row)
    thin = Side(style="thin", color="999999")
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=head, max_row=ws.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row == head:
                cell.font = Font(bold=True)
    ws.freeze_panes = f"A{head + 1}"
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = footer
    return wb


# ---------------------------------------------------------------- the printable 清单
LIST_COLUMNS = [("序号", 7), ("职权编码", 19), ("职权名称", 26), ("子项", 18), ("职权类别", 13), ("实施依据", 48),
                ("承办机构", 14), ("责任事项", 34), ("追责情形", 30), ("备注", 16)]


# the 责任清单: what each power in use makes its holder answerable for (权责清单's second half)
RESPONSIBILITY_COLUMNS = [("序号", 7), ("职权编码", 19), ("职权名称", 36), ("责任事项", 60), ("追责情形", 60)]


@dataclass
class PrintedList:
    """A 清单 as it is posted and filed: a title, what it counts, its rows in the standard columns."""

    title: str
    subtitle: str
    release: date | None
    rows: list[list]
    columns: list[tuple[str, int]] = None  # type: ignore[assignment]  (LIST_COLUMNS)
    sheet: str = "清单"

    def __post_init__(self):
        if self.columns is None:
            self.columns = LIST_COLUMNS


def printed_list(catalog: Catalog, department: str | None = None) -> PrintedList:
    """The 清单 of the public catalog, or of one of its departments (see printed_lists)."""
    return next(printed_lists(catalog, [department]))


def printed_lists(catalog: Catalog, departments: list[str | None] | None = None, *,
                  responsibility: bool = False) -> Iterator[PrintedList]:
    """The 清单 of the public catalog (None) or of each department named, in turn; by default the
    whole and each department's. The catalog is filtered once (a city's public view takes a second);
    a name no public department has is a ValueError listing every such name, before any list.
    Listed: every item in use or suspended (a cancelled one is no longer exercised), each sub-item
    on a row of its own under its item (序号 1, then 1.1 …), 暂停 and 备注 in the last column.
    `responsibility`: after each 清单, its 责任清单 (see `_responsibility`)."""
    from .site import public_catalog

    public = public_catalog(catalog)
    names = [d.name for d in public.departments]
    wanted = [None, *names] if departments is None else departments
    unknown = [n for n in wanted if n is not None and n not in names]
    if unknown:
        raise ValueError(unknown)
    counts = cat.stats(public)  # once: each list's figures are its row of it
    for name in wanted:
        yield _printed(public, name, counts)
        if responsibility:
            yield _responsibility(public, name)


def responsibility_list(catalog: Catalog, department: str | None = None) -> PrintedList:
    """The 责任清单 of the public catalog, or of one of its departments (see `_responsibility`)."""
    from .site import public_catalog

    public = public_catalog(catalog)
    if department is not None and department not in {d.name for d in public.departments}:
        raise ValueError([department])
    return _responsibility(public, department)


def in_use_numbered(powers) -> Iterator[tuple[str, object]]:
    """The items in use of a 责任清单, numbered: an item (1, 2 …), then its sub-items in use under it
    (1.1 …); a sub-item in use under an item that is not comes on its own (the printed list and the
    site's page number them so)."""
    items = 0
    for p in powers:
        in_use = [s for s in p.sub_items if s.status == "在用"]
        if p.status == "在用":
            items += 1
            yield str(items), p
            for k, s in enumerate(in_use, 1):
                yield f"{items}.{k}", s
        else:
            for s in in_use:
                items += 1
                yield str(items), s


def _responsibility(public: Catalog, department: str | None) -> PrintedList:
    """The 责任清单: each public item in use (not 暂停, not 取消) with its 责任事项 and 追责情形, numbered
    as `in_use_numbered`. A blank cell is printed as 未填写, never left to look like an omission of
    the printer."""
    from .site import site_name

    numbered = in_use_numbered(p for d in public.departments if department in (None, d.name) for p in d.powers)
    rows = [[seq, p.basic_code or "", p.full_name, p.responsibilities or "未填写", p.accountability or "未填写"]
            for seq, p in numbered]
    subs = sum("." in r[0] for r in rows)
    items = len(rows) - subs
    name = department or site_name(public).removesuffix("行政权力清单")
    when = f"发布日期 {public.release_date.isoformat()}；" if public.release_date else ""
    counted = f"共{items}项" + (f"，另有子项{subs}个" if subs else "")
    return PrintedList(f"{name}责任清单", f"{when}{counted}，列明在用事项的责任事项和追责情形，不含暂停实施和已取消事项。",
                       public.release_date, rows, RESPONSIBILITY_COLUMNS, "责任清单")


def _printed(public: Catalog, department: str | None, counts: dict) -> PrintedList:
    """`counts`: cat.stats(public), of which the list says its department's figures (or the whole's)."""
    from .site import site_name

    rows, items, subs, suspended = [], 0, 0, 0
    for d in public.departments:
        if department not in (None, d.name):
            continue
        for p in d.powers:
            if p.status == "取消":
                continue
            items += 1
            suspended += p.status == "暂停"
            rows.append(_list_row(str(items), d, p, None))
            for k, s in enumerate((s for s in p.sub_items if s.status != "取消"), 1):
                subs += 1
                rows.append(_list_row(f"{items}.{k}", d, s, p))
    name = department or site_name(public).removesuffix("行政权力清单")
    # counted as everywhere else (catalog.stats: the site, the change log, powers stats), then what is listed
    s = counts if department is None else next(x for x in counts["departments"] if x["name"] == department)
    counted = cat.summary_sentence(s["total"], {}, s["by_status"], s["sub_items"]).rstrip("。")
    listed = f"本清单列入在用{items - suspended}项" + (f"、暂停实施{suspended}项" if suspended else "") + \
        (f"及其子项{subs}个" if subs else "") + ("，已取消的不列入" if s["by_status"].get("取消") else "")
    when = f"发布日期 {public.release_date.isoformat()}；" if public.release_date else ""
    return PrintedList(f"{name}行政权力清单", f"{when}{counted}；{listed}。", public.release_date, rows)


def _list_row(seq: str, d, p, parent) -> list:
    devolved = p.decision is not None and p.decision.kind == "下放"
    note = "；".join(x for x in ("暂停实施" if p.status == "暂停" else "",
                                 f"{decision_text(p.decision)}实施" if devolved else "", p.note or "") if x)
    return [seq, p.basic_code or "", parent.name if parent else p.name, p.sub_item or "", p.category,
            p.legal_basis_text, p.unit, p.responsibilities or "", p.accountability or "", note]


def list_xlsx(lst: PrintedList, out: str | Path) -> None:
    """The 清单 as a workbook formatted for printing (see _print_ready), its title and counts on
    top, page numbers and the release date in the footer."""
    footer = f"{lst.title}　第 &P 页，共 &N 页" + (f"　发布日期 {lst.release}" if lst.release else "")
    save_workbook(_print_ready([(lst.title, 16), (lst.subtitle, 10)], lst.columns, lst.rows, footer, lst.sheet),
                  out, lst.release)


def list_pdf(lst: PrintedList, out: str | Path) -> None:
    """The 清单 as a PDF (see _pdf), the release date in its footer."""
    _pdf(out, lst.title, lst.subtitle, lst.columns, lst.rows, f"{lst.title}　", lst.release)


def comparison_pdf(d: dict, out: str | Path, title: str = "权力清单调整对照表", when: date | None = None) -> int:
    """The 对照表 of diff `d` as a PDF (see _pdf). Returns the number of rows."""
    rows = comparison_rows(d)
    _pdf(out, title, f"调整后版本 {when.isoformat()}；共{len(rows)}项调整" if when else f"共{len(rows)}项调整",
         COMPARISON_COLUMNS, rows, "", None)
    return len(rows)


def _pdf(out: str | Path, title: str, subtitle: str, columns: list[tuple[str, int]], rows: list[list],
         footer: str, release: date | None) -> None:
    """A table as offices print it, made by WeasyPrint from templates/print_table.html: A4
    landscape, the Noto CJK fonts embedded, the header row repeated on every page, page numbers
    (and the release date) in the footer; column widths in proportion to the workbook's."""
    import weasyprint

    from .templating import environment

    total = sum(w for _, w in columns)
    html = environment().get_template("print_table.html").render(
        title=title, subtitle=subtitle, footer=footer, release=release, rows=rows,
        columns=[(name, round(100 * w / total, 2)) for name, w in columns])
    weasyprint.HTML(string=html).write_pdf(out)


_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 200  # Linux takes 255 bytes per name (a Chinese character is 3): room left for the suffix


def safe_file_name(name: str) -> str:
    """A file name that Windows and zip accept: no reserved characters, no trailing dot or space, not a
    device name (CON, NUL, COM1 …), at most MAX_NAME_BYTES bytes in UTF-8 (cut at a character)."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name)
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" .") or "清单"
    return "_" + name if name.split(".")[0].upper() in _DEVICES else name
