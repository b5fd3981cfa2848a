"""Issue 8, site side: nothing internal reaches a public byte; no external resource; no formula in open data."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from conftest import Book, licence, penalty, site_bytes, step
from powers import site
from powers.pipeline import build
from powers.site import SiteOptions

BASE = "https://example.gov.cn/qlqd/"


def _assert_absent(root: Path, needles: list[str]) -> None:
    files = list(site_bytes(root))
    assert any("pagefind" in f.parts for f, _ in files), "the search index was built"
    for f, data in files:
        for n in needles:
            assert n.encode("utf-8") not in data, f"{n} leaked into {f.relative_to(root)}"


# ---------------------------------------------------------------- 13: formula starters, full width too
def test_full_width_formula_starters_are_neutralized(tmp_path):
    book = Book()
    starters = ["＝HYPERLINK(\"http://x\")", "＋1+1", "－2+3", "＠SUM(A1)", "\t=1+1", "\r=1+1", "　＝1+1", " =1+1"]
    book.powers += [licence(序号=str(10 + i), 职权名称=f"公式许可{i}", 承办机构=s) for i, s in enumerate(starters)]
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    assert not r.validation.errors
    rows = list(csv.reader(io.StringIO((tmp_path / "site" / "data" / "catalog.csv").read_text("utf-8-sig"))))
    col = rows[0].index("承办机构")
    units = {row[rows[0].index("职权名称")]: row[col] for row in rows[1:]}
    ws = openpyxl.load_workbook(tmp_path / "site" / "data" / "catalog.xlsx")["权力清单"]
    xrows = [[c.value for c in row] for row in ws.iter_rows()]
    xunits = {row[xrows[0].index("职权名称")]: row[xrows[0].index("承办机构")] for row in xrows[1:]}
    for i in range(len(starters)):
        for got in (units[f"公式许可{i}"], xunits[f"公式许可{i}"]):
            assert got.startswith("'"), f"not neutralized: {got!r}"
    assert units["测试许可"] == "审批科"  # ordinary text untouched


# ---------------------------------------------------------------- 7: Markdown without images, HTML or foreign links
HOSTILE_MD = "\n\n".join([
    "**加粗**",
    "![跟踪像素](https://track.example.com/p.gif)",
    "![引用图][px]",
    "[px]: https://track.example.com/ref.png",
    "<img src=\"https://track.example.com/raw.gif\">",
    "<iframe src=\"https://evil.example.com/\"></iframe>",
    "[官网](https://www.gov.cn/)",
    "[相对](../index.html)",
    "[文件](file:///etc/passwd)",
    "[邮件](mailto:a@example.com)",
    "[ftp](ftp://evil.example.com/x)",
    "[协议相对](//evil.example.com/x)",
    "[脚本](javascript:alert(1))",
    "[数据](data:text/html;base64,PHNjcmlwdD4=)",
    "<ftp://evil.example.com/auto>",
])


class _Refs(HTMLParser):
    RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "background", "action", "formaction", "xlink:href", "ping"}

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.resources: list[tuple[str, str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "link" and dict(attrs).get("rel") == "canonical":  # the page's address, not loaded
            self.links.append(dict(attrs)["href"])
            return
        for k, v in attrs:
            if v is None:
                continue
            if k == "href" and tag == "a":
                self.links.append(v)
            elif k in self.RESOURCE_ATTRS or k == "href" or k == "style":
                self.resources.append((tag, k, v))


def _check_no_external_resources(root: Path):
    pages = sorted(root.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text("utf-8")
        p = _Refs()
        p.feed(text)
        assert not {"img", "iframe", "embed", "video", "audio", "picture"} & set(p.tags), page
        # the one embedded document: a flowchart of the site itself (charts/<stem>.svg)
        objects = [v for tag, k, v in p.resources if tag == "object" and k == "data"]
        assert p.tags.count("object") == len(objects), page
        for v in objects:
            assert re.fullmatch(r"(\.\./)*charts/\w+\.svg", v) and (page.parent / v).resolve().is_file(), (page, v)
        assert text.count("<object ") == text.count('<object type="image/svg+xml" '), page
        for tag, k, v in p.resources:
            if k == "style":
                assert "url(" not in v, f"{page}: {tag} style {v}"
                continue
            parts = urlsplit(v.strip())
            if parts.scheme == "data" and tag == "link":  # the inline empty favicon
                continue
            assert not parts.scheme and not parts.netloc, f"{page}: external resource <{tag} {k}={v!r}>"
        for v in p.links:
            parts = urlsplit(v.strip())
            if parts.scheme or v.strip().startswith("//"):
                assert parts.scheme in ("http", "https") and parts.netloc, f"{page}: link {v!r}"
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), page
        assert "@import" not in text, page
    for chart in sorted(root.rglob("*.svg")):  # the shared charts: drawn, nothing loaded or run
        text = chart.read_text("utf-8")
        assert not re.search(r"<(?:script|image|foreignObject|use)\b|\bon\w+=|url\(|@import", text), chart
        assert "href=" not in text, chart  # Graphviz draws no links here (no URL attributes)


def test_markdown_renders_without_images_html_or_foreign_links(tmp_path):
    book = Book()
    book.powers[0]["办理条件"] = HOSTILE_MD
    book.powers[0]["申请材料"] = HOSTILE_MD
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    code = next(p.basic_code for _, p in r.catalog.all_powers() if p.category == "行政许可")
    html = (tmp_path / "site" / "powers" / f"{code}.html").read_text("utf-8")
    assert "<strong>加粗</strong>" in html
    assert "<img" not in html and "<iframe" not in html and "track.example.com/p.gif\"" not in html
    assert '<a href="https://www.gov.cn/">官网</a>' in html and '<a href="../index.html">相对</a>' in html
    for bad in ("file:", "mailto:", "ftp:", "//evil", "javascript:", "data:text"):
        assert f'href="{bad}' not in html, bad
    assert "跟踪像素" in html  # an image is shown as its text
    _check_no_external_resources(tmp_path / "site")


def test_markdown_renderer_directly():
    out = site.render_markdown("![a](https://t.example/x.png) [b](mailto:x@y) [c](https://ok.example/) "
                               "[d](sub/page.html) <b>raw</b>")
    assert "<img" not in out and 'href="mailto:' not in out and "<b>" not in out and "t.example" not in out
    assert '<a href="https://ok.example/">c</a>' in out and '<a href="sub/page.html">d</a>' in out


# ---------------------------------------------------------------- 6: made internal since the last release
def test_power_made_internal_is_not_named_in_change_log(tmp_path):
    work = tmp_path / "w"
    book = Book()
    book.powers.append(licence(序号="3", 职权名称="即将转为内部的许可"))
    r1 = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
               release_date=date(2026, 1, 1))
    code = next(p.basic_code for _, p in r1.catalog.all_powers() if p.name == "即将转为内部的许可")
    assert "即将转为内部的许可" in (tmp_path / "site" / "data" / "catalog.csv").read_text("utf-8-sig")
    book.powers[2]["公开范围"] = "内部"
    r2 = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=True,
               release_date=date(2026, 4, 1), options=SiteOptions(base_url=BASE))
    assert r2.previous == date(2026, 1, 1)
    changes = (tmp_path / "site" / "changes.html").read_text("utf-8")
    assert "不再列入" in changes or "不再公开" in changes
    _assert_absent(tmp_path / "site", ["即将转为内部的许可", code])


def test_truly_removed_power_is_still_named(tmp_path):
    work = tmp_path / "w"
    book = Book()
    book.powers.append(licence(序号="3", 职权名称="下一版删除的许可"))
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
          release_date=date(2026, 1, 1))
    book.powers.pop()
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
          release_date=date(2026, 4, 1))
    changes = (tmp_path / "site" / "changes.html").read_text("utf-8")
    assert "下一版删除的许可" in changes


# ---------------------------------------------------------------- 5: one filtered view for every public output
def test_every_public_output_comes_from_one_view(tmp_path, monkeypatch):
    """Tighten the one filter; if any stage filtered on its own, the withheld power would leak there."""
    real = site.public_view
    calls = []

    def stricter(catalog, **kw):
        calls.append(catalog)
        for d in catalog.departments:
            for p in d.all_powers():
                if p.name == "被视图扣下的许可":
                    p.scope = "内部"
        return real(catalog, **kw)

    monkeypatch.setattr(site, "public_view", stricter)
    work = tmp_path / "w"
    book = Book()
    book.powers.append(licence(序号="3", 职权名称="被视图扣下的许可", 流程="专用流程"))
    book.flows += [step("专用流程", "1", "专用受理", 1, "2"), step("专用流程", "2", "专用决定", 1, "")]
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work,
              release_date=date(2026, 4, 1), options=SiteOptions(base_url=BASE))
    assert len(calls) == 1, "the pipeline filters the catalog once"
    code = next(p.basic_code for _, p in r.catalog.all_powers() if p.name == "被视图扣下的许可")
    _assert_absent(tmp_path / "site", ["被视图扣下的许可", code, "专用受理"])
    assert "被视图扣下的许可" not in (work / "releases" / "2026-04-01.json").read_text("utf-8")


def test_only_society_scope_is_public(tmp_path):
    """The filter keeps what is known to be public (社会), not whatever is not spelled 内部."""
    book = Book()
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    cat = r.catalog.model_copy(deep=True)
    d = cat.departments[0]
    d.powers[0].scope = "不公开"   # e.g. a hand-edited catalog.json handed to build_site
    d.powers[1].scope = "内部 "
    view = site.public_view(cat)
    assert [p.name for _, p in view.catalog.all_powers()] == []
    site.build_site(cat, tmp_path / "s2")
    for f, data in site_bytes(tmp_path / "s2"):
        assert "测试许可".encode() not in data, f
    assert site.is_public(r.catalog.departments[0].powers[0])


# ---------------------------------------------------------------- every byte of a built site
@pytest.mark.parametrize("shards", ["", "3"])
def test_no_internal_name_in_any_output_byte(tmp_path, monkeypatch, shards):
    """Also with the search index split in shards (pagefind-1/ … walked too), as a city's is."""
    monkeypatch.setenv("POWERS_SEARCH_SHARDS", shards)
    work = tmp_path / "w"
    book = Book()
    book.powers += [
        licence(序号="3", 职权名称="内部许可甲", 公开范围="内部", 流程="内部专用流程", 办理条件="内部条件说明乙"),
        licence(序号="4", 职权名称="公开主项", 子项名称="公开子项"),
        licence(序号="5", 职权名称="公开主项", 子项名称="内部子项丙", 公开范围="内部"),
        penalty(序号="6", 职权名称="内部处罚丁", 公开范围="不公开"),
        # a public item merged into an internal one: the merge does not name its target
        licence(序号="8", 职权名称="并入内部的许可", 清理结果="合并", 合并至="内部许可甲", 调整理由="整合",
                调整文号="测政发〔2026〕1号"),
        # … or names it in the decision's own words (one the tool cannot read), or in its reason
        licence(序号="9", 职权名称="文字并入内部的许可", 清理结果="并入内部许可甲", 调整理由="与内部许可甲整合",
                调整文号="测政发〔2026〕1号"),
        licence(序号="10", 职权名称="说不清的许可", 清理结果="整体并入内部子项丙"),
        licence(序号="7", 职权名称="先公开后内部戊"),
    ]
    book.tiers += [{"职权序号": "6", "阶次": 1, "违法情节": "内部情节己", "处罚种类": "罚款",
                    "裁量标准": "处100元以上200元以下罚款", "罚款下限": 100, "罚款上限": 200}]
    book.flows += [step("内部专用流程", "1", "内部环节庚", 1, "")]
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
          release_date=date(2026, 1, 1))
    book.powers[-1]["公开范围"] = "内部"
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work,
              release_date=date(2026, 4, 1), options=SiteOptions(base_url=BASE))
    internal = [p for _, p in r.catalog.all_powers() if p.scope == "内部"]
    assert {p.full_name for p in internal} >= {"内部许可甲", "内部处罚丁", "先公开后内部戊"}
    needles = ["内部许可甲", "内部子项丙", "内部处罚丁", "先公开后内部戊", "内部条件说明乙", "内部情节己", "内部环节庚",
               "内部专用流程"] + [p.basic_code for p in internal if p.basic_code]
    _assert_absent(tmp_path / "site", needles)
    # and the public ones are there, so the walk is looking at the right bytes
    text = b"".join(data for _, data in site_bytes(tmp_path / "site"))
    assert "公开子项".encode() in text and "测试许可".encode() in text and "并入内部的许可".encode() in text
    listed = json.loads((tmp_path / "site" / "pagefind" / "shards.json").read_text("utf-8"))
    assert all((tmp_path / "site" / d / "pagefind-entry.json").is_file() for d in listed)


def test_demo_site_loads_no_external_resource(tmp_path):
    """Every template, chart and page of the full demo: nothing fetched from outside the site."""
    from conftest import INVENTORIES

    build([INVENTORIES], tmp_path / "site", work=tmp_path / "w", search=False, options=SiteOptions(base_url=BASE))
    _check_no_external_resources(tmp_path / "site")
    for f in (tmp_path / "site" / "assets").iterdir():
        text = f.read_text("utf-8")
        assert not re.search(r"url\(\s*['\"]?(?:[a-z]+:|//)", text), f
        assert "@import" not in text and "fetch(\"http" not in text and "https://" not in text, f
