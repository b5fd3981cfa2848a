"""The disclosure site: links, internal scope, escaping, determinism, open data, publish."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import openpyxl
import pytest

from conftest import Book, INVENTORIES, site_bytes
from powers import load_catalog, validate
from powers import catalog as cat
from powers import publish as pub
from powers.pipeline import BuildRefused, build
from powers.normalize import days_text
from powers.site import SiteOptions

BASE = "https://example.gov.cn/qlqd/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    r = build([INVENTORIES], tmp / "site", work=tmp / "build", options=SiteOptions(base_url=BASE, demo=True))
    return r, tmp / "site"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.ids = [], set()

    canonical = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]  # the page's own address on the portal (checked apart)
            return
        for key in ("href", "src", "data"):  # data: an <object>'s document (the flowcharts)
            if key in a and a[key]:
                self.urls.append(a[key])
        if "id" in a:
            self.ids.add(a["id"])


def test_every_internal_link_resolves(demo):
    """Every link of every page is relative and resolves, but the 404 page's: it is served for a
    missing URL at any depth, so its links start at the site's root on the portal (/qlqd/…)."""
    _, site = demo
    pages = list(site.rglob("*.html"))
    assert len(pages) > 300
    root = urlsplit(BASE).path
    for page in pages:
        p = Links()
        p.feed(page.read_text("utf-8"))
        rel = page.relative_to(site).as_posix()
        assert p.canonical == (None if rel == "404.html" else BASE + rel), page
        for url in p.urls:
            parts = urlsplit(url)
            assert not parts.scheme or parts.scheme == "data", f"{page}: external {url}"
            if url.startswith("data:") or (rel == "404.html" and url.startswith("#")):
                continue
            if rel == "404.html" and not url.startswith("#"):
                assert url.startswith(root), f"{page}: link {url} not from the site's root"
                target = site / unquote(parts.path).removeprefix(root)
                assert target.is_file(), f"{page}: broken {url}"
                continue
            assert not url.startswith("/"), f"{page}: absolute link {url}"
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page}: broken {url}"


def test_internal_scope_never_published(demo):
    r, site = demo
    internal = [p for _, p in r.catalog.all_powers() if p.scope == "内部"]
    assert len(internal) >= 3
    needles = [p.name.encode() for p in internal] + [p.basic_code.encode() for p in internal]
    for f, data in site_bytes(site):
        for n in needles:
            assert n not in data, f"{n.decode()} leaked into {f}"
    data = json.loads((site / "data" / "catalog.json").read_text("utf-8"))
    assert all(p["scope"] == "社会" for d in data["departments"] for p in d["powers"])
    home = (site / "index.html").read_text("utf-8")
    public_total = sum(1 for d in data["departments"] for _ in d["powers"])
    assert f"共{public_total}项" in home


def test_pages_and_accessibility_basics(demo):
    r, site = demo
    for rel in ("index.html", "changes.html", "data.html", "404.html", "departments/index.html",
                "categories/index.html", "categories/02.html", "departments/05.html"):
        html = (site / rel).read_text("utf-8")
        assert '<html lang="zh-CN">' in html
        levels = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), rel
    home = (site / "index.html").read_text("utf-8")
    assert home.count("<svg") == 2 and "role=\"search\"" in home
    cancelled = next(p for _, p in r.catalog.all_powers() if p.status == "取消" and p.scope == "社会")
    page = (site / "powers" / f"{cancelled.basic_code}.html").read_text("utf-8")
    assert "本事项已取消" in page
    penalty = next(p for _, p in r.catalog.all_powers() if p.category == "行政处罚" and len(p.tiers) >= 5)
    page = (site / "powers" / f"{penalty.basic_code}.html").read_text("utf-8")
    assert "裁量阶次" in page and page.count("<tr>") >= len(penalty.tiers)
    assert "流程文字说明" in page
    steps = re.search(r'<details class="alt" open>.*?<ol>(.*?)</ol>', page, re.S).group(1)
    assert steps.startswith("<li>") and not re.search(r"<li>\d", steps)  # the list numbers them, once
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert sitemap.count("<loc>") == len(r.pages) and f"<loc>{BASE}index.html</loc>" in sitemap
    css = (site / "assets" / "style.css").read_text("utf-8")
    assert "@media print" in css and "max-width:640px" in css


def test_each_chart_published_once_with_the_power_title_in_the_page(demo):
    """A chart is a shared file, charts/<stem>.svg (stem: its name in the work folder's flowcharts
    cache), shown in an <object> with an accessible name; the power's own title is page HTML."""
    r, site = demo
    work_charts = site.parent / "build" / "flowcharts"
    penalty = next(p for _, p in r.catalog.all_powers() if p.category == "行政处罚" and len(p.tiers) >= 5)
    page = (site / "powers" / f"{penalty.basic_code}.html").read_text("utf-8")
    assert "<svg" not in page  # no chart inlined
    obj = re.search(r'<object type="image/svg\+xml" data="\.\./charts/(\w{20})\.svg" width="(\d+)" height="(\d+)" '
                    r'aria-label="([^"]+)">', page)
    assert obj and obj.group(4) == f"{penalty.full_name}（{penalty.basic_code}）运行流程图"
    stem = obj.group(1)
    # shown at the drawing's own size: its pt in CSS px, the scale Graphviz fitted it to a page with undone
    svg = (site / "charts" / f"{stem}.svg").read_text("utf-8")
    w_pt, h_pt = map(float, re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    scale = float(re.search(r'class="graph" transform="scale\(([\d.]+)', svg).group(1))
    assert (int(obj.group(2)), int(obj.group(3))) == (round(w_pt * 4 / 3 / scale), round(h_pt * 4 / 3 / scale))
    assert (site / "charts" / f"{stem}.svg").read_bytes() == (work_charts / f"{stem}.svg").read_bytes()
    assert f'href="../charts/{stem}.svg"' in page  # the fallback inside the object links the chart
    band = re.search(r'<figcaption class="chart-title">(.*?)</figcaption>', page).group(1)
    flow = penalty.flow or f"{penalty.category}标准流程"
    assert re.findall(r"<span[^>]*>(.*?)</span>", band) == [
        penalty.full_name, f"编码 {penalty.basic_code}　法定时限 {days_text(penalty.statutory_days) or '未规定'}",
        f"流程：{flow}"]
    shared = (site / "charts" / f"{stem}.svg").read_text("utf-8")
    assert 'role="img" aria-labelledby="t d"' in shared and f'<title id="t">{flow}（' in shared
    assert penalty.basic_code not in shared and penalty.full_name not in shared  # nothing of one power
    # every page's chart is there, and nothing else: one file per distinct chart
    used = {}
    for f in (site / "powers").glob("*.html"):
        m = re.search(r'data="\.\./charts/(\w+)\.svg"', f.read_text("utf-8"))
        if m:
            used.setdefault(m.group(1), []).append(f.stem)
    assert {f.stem for f in (site / "charts").iterdir()} == set(used)
    assert len(used) < len(list((site / "powers").glob("*.html"))) / 5
    assert max(len(codes) for codes in used.values()) > 10


def test_open_data_files(demo):
    _, site = demo
    raw = (site / "data" / "catalog.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["基本编码", "实施编码", "部门"] and len(rows) > 300
    wb = openpyxl.load_workbook(site / "data" / "catalog.xlsx")
    assert wb.sheetnames == ["权力清单", "裁量基准"] and wb["权力清单"].max_row == len(rows)
    schema = json.loads((site / "data" / "catalog.schema.json").read_text("utf-8"))
    assert schema["title"] == "Catalog"
    load_catalog(site / "data" / "catalog.json")  # the public file validates against the model


def test_formula_cells_are_neutralized(book, tmp_path):
    book.powers[1]["承办机构"] = "@SUM(A1)"
    src = book.save(tmp_path / "in" / "d.xlsx")
    wb = openpyxl.load_workbook(src)  # a text cell that starts with "=" (not a formula)
    cell = wb["职权目录"]["C2"]
    cell.value, cell.data_type = "=HYPERLINK(\"http://x\",\"点我\")", "s"
    wb.save(src)
    build([src], tmp_path / "site", work=tmp_path / "w", search=False)
    text = (tmp_path / "site" / "data" / "catalog.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    ws = openpyxl.load_workbook(tmp_path / "site" / "data" / "catalog.xlsx")["权力清单"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_script_in_a_name_is_text(book, tmp_path):
    book.powers[0]["职权名称"] = "<script>alert('x')</script>许可"
    book.powers[0]["办理条件"] = "**加粗**\n\n<img src=x onerror=alert(1)>\n\n[链接](javascript:alert(1))"
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    code = next(p.basic_code for _, p in r.catalog.all_powers() if p.category == "行政许可")
    html = (tmp_path / "site" / "powers" / f"{code}.html").read_text("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<strong>加粗</strong>" in html and "<img src" not in html and "href=\"javascript:" not in html
    for page in (tmp_path / "site").rglob("*.html"):
        assert "<script>alert" not in page.read_text("utf-8")


def test_rebuild_is_byte_identical(tmp_path):
    def files(root):
        return {f.relative_to(root).as_posix(): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()}

    build([INVENTORIES], tmp_path / "a", work=tmp_path / "wa", options=SiteOptions(base_url=BASE))
    build([INVENTORIES], tmp_path / "b", work=tmp_path / "wb", options=SiteOptions(base_url=BASE))
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys()
    # what the build says of the site for publish (not published) names its own work folder
    assert [k for k in a if a[k] != b[k]] == [".powers-site.json"]
    assert json.loads(a[".powers-site.json"])["work"] == str((tmp_path / "wa").resolve())
    # and rebuilding in place with the same work folder (chart cache warm, release kept) too
    build([INVENTORIES], tmp_path / "a", work=tmp_path / "wa", options=SiteOptions(base_url=BASE))
    assert files(tmp_path / "a") == a


def test_draft_and_refusal(book, tmp_path):
    book.powers[0]["承办机构"] = None
    src = book.save(tmp_path / "in" / "d.xlsx")
    with pytest.raises(BuildRefused):
        build([src], tmp_path / "site", work=tmp_path / "w", search=False)
    assert not (tmp_path / "site").exists()
    build([src], tmp_path / "site", work=tmp_path / "w", search=False, options=SiteOptions(draft=True))
    for page in (tmp_path / "site").rglob("*.html"):
        assert "草稿" in page.read_text("utf-8"), page
    # a draft is not published unless forced, and a forced publish says so in the manifest and log
    dest = tmp_path / "portal" / "qd"
    with pytest.raises(pub.PublishError, match="草稿.*--force"):
        pub.publish(tmp_path / "site", dest)
    assert not dest.exists() and not pub.publish_log(dest).exists()
    said = []
    pub.publish(tmp_path / "site", dest, force=True, say=said.append)
    manifest = json.loads((dest / "manifest.json").read_text("utf-8"))
    assert manifest["draft"] and manifest["forced"] and ".powers-site.json" not in manifest["files"]
    # the work folder records it too, as no kept release (a draft is not kept: nothing compares with it)
    [recorded] = [json.loads(line) for line in (tmp_path / "w" / "releases" / "published.jsonl").read_text("utf-8")
                  .splitlines()]
    assert recorded["release"] is None and recorded["draft"] and recorded["forced"]
    assert len(said) == 1 and "不会与它比较" in said[0]
    [logged] = [json.loads(line) for line in pub.publish_log(dest).read_text("utf-8").splitlines()]
    assert logged["draft"] and logged["forced"] and logged["release"] == 1
    assert logged["catalog_sha256"] == pub.sha256(tmp_path / "site" / "data" / "catalog.json")


def test_publishing_a_checked_site_records_its_release(book, tmp_path):
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    dest = tmp_path / "portal" / "qd"
    pub.publish(tmp_path / "site", dest)
    pub.publish(tmp_path / "site", dest)
    log = [json.loads(line) for line in pub.publish_log(dest).read_text("utf-8").splitlines()]
    assert [e["release"] for e in log] == [1, 2] and not any(e["draft"] or e["forced"] for e in log)
    assert log[0]["catalog_sha256"] == pub.sha256(dest / "data" / "catalog.json")
    assert log[0]["release_date"] == json.loads((dest / "data" / "catalog.json").read_text("utf-8"))["release_date"]
    pub.rollback(dest)  # a rollback says which release is live again
    last = json.loads(pub.publish_log(dest).read_text("utf-8").splitlines()[-1])
    assert last["rollback"] is True and last["release"] == 1 and last["catalog_sha256"] == log[0]["catalog_sha256"]


def test_change_log_between_releases(book, tmp_path):
    work = tmp_path / "w"
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="将被取消的许可"))
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
          release_date=date(2026, 1, 1))
    assert "首次发布" in (tmp_path / "site" / "changes.html").read_text("utf-8")
    book.powers[0]["状态"] = "暂停"
    book.powers[2]["状态"] = "取消"
    book.powers[1]["承办机构"] = "新执法科"
    book.powers.append(dict(book.powers[0], 序号="4", 职权名称="新增的许可", 状态="在用"))
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=work, search=False,
          release_date=date(2026, 4, 1))
    html = (tmp_path / "site" / "changes.html").read_text("utf-8")
    assert "2026-01-01" in html
    for expected in ("新增的许可", "在用 → 暂停", "在用 → 取消", "变更了承办机构"):
        assert expected in html
    again = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site2", work=work, search=False,
                  release_date=date(2026, 4, 1))
    assert again.previous == date(2026, 1, 1)  # rebuilding a release compares with the same previous one


def test_publish_swaps_atomically_and_survives_failure(demo, tmp_path):
    _, site = demo
    dest = tmp_path / "portal" / "qlqd"
    files = pub.publish(site, dest)
    manifest = json.loads((dest / "manifest.json").read_text("utf-8"))["files"]
    assert manifest == files and len(files) > 300
    assert all(len(h) == 64 for h in files.values())
    before = {p: pub.sha256(dest / p) for p in files}

    calls = {"n": 0}

    def flaky_copy(src, dst, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full (injected)")
        import shutil

        return shutil.copy2(src, dst, **kw)

    other = tmp_path / "other"
    build([Book().save(tmp_path / "in" / "d.xlsx")], other, work=tmp_path / "w", search=False)
    with pytest.raises(OSError):
        pub.publish(other, dest, copy=flaky_copy)
    assert {p: pub.sha256(dest / p) for p in files} == before
    assert not list(dest.parent.glob(".qlqd.incoming*"))
    pub.publish(other, dest)
    assert (dest.parent / "qlqd.previous" / "index.html").exists()
    assert "测试市" in (dest / "index.html").read_text("utf-8")
    pub.rollback(dest)
    assert {p: pub.sha256(dest / p) for p in files} == before


def test_row_counts_match_catalog(demo):
    r, _ = demo
    for c in r.validation.counts.values():
        assert c.read == c.accepted + c.rejected


def test_serve_previews_with_404_page(demo):
    import threading
    import urllib.error
    import urllib.request

    _, site = demo
    server = pub.make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with urllib.request.urlopen(base + "index.html") as r:
            assert r.status == 200 and "行政权力清单" in r.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "no-such-page.html")
        assert e.value.code == 404 and "页面不存在" in e.value.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()


def test_a_correction_on_the_same_day_is_a_new_release_not_an_overwrite(book, tmp_path):
    """Two builds with the same 填报日期 but different content keep two releases; the second's change
    log compares with the first; building either again keeps nothing new and compares as before."""
    work = tmp_path / "w"
    src = tmp_path / "in" / "d.xlsx"
    first = build([book.save(src)], tmp_path / "site", work=work, search=False)
    day = first.catalog.release_date.isoformat()
    assert first.release == day and first.previous is None
    kept = (work / "releases" / f"{day}.json").read_bytes()
    original = book.powers[1]["承办机构"]
    book.powers[1]["承办机构"] = "更正后的执法科"
    second = build([book.save(src)], tmp_path / "site", work=work, search=False)
    assert second.release == f"{day}.2" and second.previous == first.catalog.release_date
    assert (work / "releases" / f"{day}.json").read_bytes() == kept  # the first is not overwritten
    assert "更正后的执法科" in (work / "releases" / f"{day}.2.json").read_text("utf-8")
    html = (tmp_path / "site" / "changes.html").read_text("utf-8")
    assert "首次发布" not in html and "变更了承办机构" in html
    again = build([book.save(src)], tmp_path / "site2", work=work, search=False)
    assert again.release == f"{day}.2" and sorted(p.name for p in (work / "releases").iterdir()) == \
        [f"{day}.2.index.json", f"{day}.2.json", f"{day}.index.json", f"{day}.json"]
    assert "变更了承办机构" in (tmp_path / "site2" / "changes.html").read_text("utf-8")
    book.powers[1]["承办机构"] = "又一次更正的执法科"
    third = build([book.save(src)], tmp_path / "site", work=work, search=False)
    assert third.release == f"{day}.3" and "又一次更正的执法科" in (work / "releases" / f"{day}.3.json").read_text("utf-8")
    book.powers[1]["承办机构"] = original  # the first content again: it is the first release, with nothing before it
    back = build([book.save(src)], tmp_path / "site", work=work, search=False)
    assert back.release == day and back.previous is None and len(list((work / "releases").glob("*.index.json"))) == 3


def test_one_way_of_counting_everywhere(demo):
    """Home, department pages, change log, open data and the search filters count the same way:
    items (main powers, any status), by status, sub-items apart; each figure says what it counts."""
    r, site = demo
    s = r.public_stats
    assert s["by_status"].get("暂停") and s["by_status"].get("取消") and s["sub_items"]
    sentence = cat.stats_sentence(s)
    assert sentence.startswith(f"共{s['total']}项（在用{s['by_status']['在用']}项、暂停{s['by_status']['暂停']}项、"
                               f"取消{s['by_status']['取消']}项，另有子项{s['sub_items']}个）")
    home = (site / "index.html").read_text("utf-8")
    assert sentence in home and sentence in (site / "data.html").read_text("utf-8")
    first_release = (site / "changes.html").read_text("utf-8")
    assert "首次发布" not in first_release or sentence in first_release
    options = dict(re.findall(r'<option value="([^"]+)">[^<（]+（(\d+)项）</option>', home))
    for d in s["departments"]:
        assert int(options[d["name"]]) == d["total"]
        page = (site / "departments" / f"{next(x.number for x in r.catalog.departments if x.name == d['name'])}.html")
        assert cat.stats_sentence(d) in page.read_text("utf-8")
    for c, n in s["by_category"].items():
        assert (c in options) == bool(n) and (not n or int(options[c]) == n)
    # the printable list says the same figures, then what it lists (the items in use and suspended)
    from powers import tables

    counted = cat.summary_sentence(s["total"], {}, s["by_status"], s["sub_items"]).rstrip("。")
    assert sentence.startswith(counted) and counted in tables.printed_list(r.catalog).subtitle
    for d in s["departments"]:
        lst = tables.printed_list(r.catalog, d["name"])
        assert cat.summary_sentence(d["total"], {}, d["by_status"], d["sub_items"]).rstrip("。") in lst.subtitle
        listed = [row for row in lst.rows if "." not in row[0]]
        assert len(listed) == d["total"] - d["by_status"].get("取消", 0)


def test_change_log_reads_back_only_changed_departments_and_says_the_same(tmp_path):
    """The previous release is read back department by department through its index: only those
    changed since (or gone), and the change log is the one the whole previous catalog gives."""
    import shutil

    from powers import releases

    inputs = tmp_path / "in"
    shutil.copytree(INVENTORIES, inputs)
    work = tmp_path / "w"
    first = build([inputs], tmp_path / "site", work=work, search=False, release_date=date(2026, 6, 1))
    kept = work / "releases" / f"{first.release}.json"
    assert releases.index_file(kept).is_file()
    gone, changed = sorted(inputs.glob("*.xlsx"))[:2]
    gone.unlink()
    wb = openpyxl.load_workbook(changed)
    ws = wb["职权目录"]
    col = next(c.column for c in ws[1] if c.value == "承办机构")
    ws.cell(2, col).value = "改过的执法科"
    wb.save(changed)
    read = []
    real = releases.Department.model_validate_json
    releases.Department.model_validate_json = lambda b: read.append(1) or real(b)
    try:
        build([inputs], tmp_path / "site", work=work, search=False, release_date=date(2026, 7, 1))
    finally:
        releases.Department.model_validate_json = real
    assert len(read) == 2  # the changed department and the gone one, of seven
    full = build([inputs], tmp_path / "site2", work=tmp_path / "w2", search=False, previous=load_catalog(kept),
                 release_date=date(2026, 7, 1))
    ours, theirs = ((tmp_path / s / "changes.html").read_text("utf-8") for s in ("site", "site2"))
    assert ours == theirs and "改过的执法科" not in ours and "不再列入" in ours and "变更了承办机构" in ours
    assert full.previous == date(2026, 6, 1)


def test_a_fresh_work_folder_with_previous_keeps_the_published_codes(book, tmp_path):
    """Given the previous release, a build into a fresh --work gives its powers the codes they were
    published with: a new item whose name sorts first takes the next number, no other item moves,
    and the change log names only it."""
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="乙类许可"))
    first = build([book.save(tmp_path / "a" / "d.xlsx")], tmp_path / "s1", work=tmp_path / "w1", search=False)
    codes = {p.full_name: p.basic_code for _, p in first.catalog.all_powers()}
    released = load_catalog(tmp_path / "w1" / "releases" / f"{first.release}.json")
    book.powers.append(dict(book.powers[0], 序号="4", 职权名称="一般许可"))  # 一 sorts before both licences
    second = build([book.save(tmp_path / "b" / "d.xlsx")], tmp_path / "s2", work=tmp_path / "w2", search=False,
                   previous=released)
    now = {p.full_name: p.basic_code for _, p in second.catalog.all_powers()}
    assert {k: now[k] for k in codes} == codes and now["一般许可"] not in codes.values()
    html = (tmp_path / "s2" / "changes.html").read_text("utf-8")
    assert "一般许可" in html and "变更了名称" not in html and "乙类许可" not in html


def _published(work):
    return [json.loads(line) for line in (work / "releases" / "published.jsonl").read_text("utf-8").splitlines()]


def _three_releases(book, tmp_path):
    """A (2026-01-01); B (2026-02-01) changes a power's 承办机构; C (2026-03-01) adds a power. Each
    build into a site of its own (sA, sB, sC) from one work folder; returns a function building C."""
    work, src = tmp_path / "w", tmp_path / "in" / "d.xlsx"
    build([book.save(src)], tmp_path / "sA", work=work, search=False, release_date=date(2026, 1, 1))
    book.powers[1]["承办机构"] = "B改过的执法科"
    build([book.save(src)], tmp_path / "sB", work=work, search=False, release_date=date(2026, 2, 1))
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="新增的许可"))
    book.save(src)
    return lambda: build([src], tmp_path / "sC", work=work, search=False, release_date=date(2026, 3, 1))


def test_change_log_compares_with_the_last_published_release(book, tmp_path):
    """A published, B built and never published, C: C's change log compares with A, what the public
    last saw (B's change is a change of C's), and says so; a rollback is recorded and counts."""
    work, dest = tmp_path / "w", tmp_path / "portal" / "qd"
    book.save(tmp_path / "a" / "d.xlsx")  # A's workbook, built again at the end
    build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "sA", work=work, search=False,
          release_date=date(2026, 1, 1))
    assert json.loads((tmp_path / "sA" / ".powers-site.json").read_text("utf-8"))["release"] == "2026-01-01"
    pub.publish(tmp_path / "sA", dest)
    assert [(e["release"], e["dest"], e["rollback"]) for e in _published(work)] == [("2026-01-01", str(dest), False)]
    book.powers[1]["承办机构"] = "B改过的执法科"
    b = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "sB", work=work, search=False,
              release_date=date(2026, 2, 1))
    assert b.previous_published == "2026-01-01"
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="新增的许可"))
    c = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "sC", work=work, search=False,
              release_date=date(2026, 3, 1))
    assert c.previous == date(2026, 1, 1) and c.previous_published == "2026-01-01"
    html = (tmp_path / "sC" / "changes.html").read_text("utf-8")
    assert "与 2026-01-01 发布版相比" in html and "新增的许可" in html and "变更了承办机构" in html
    # B goes out, then is rolled back: A is live again, and C compares with A again
    pub.publish(tmp_path / "sB", dest)
    c = build([tmp_path / "in" / "d.xlsx"], tmp_path / "sC", work=work, search=False, release_date=date(2026, 3, 1))
    html = (tmp_path / "sC" / "changes.html").read_text("utf-8")
    assert c.previous_published == "2026-02-01" and "与 2026-02-01 发布版相比" in html and "变更了承办机构" not in html
    said = []
    pub.rollback(dest, say=said.append)
    assert said == [] and [(e["release"], e["rollback"]) for e in _published(work)] == \
        [("2026-01-01", False), ("2026-02-01", False), ("2026-01-01", True)]
    c = build([tmp_path / "in" / "d.xlsx"], tmp_path / "sC", work=work, search=False, release_date=date(2026, 3, 1))
    assert c.previous_published == "2026-01-01"
    assert "与 2026-01-01 发布版相比" in (tmp_path / "sC" / "changes.html").read_text("utf-8")
    # rebuilding A, which went out, compares as it did then (nothing was published before it), not
    # with itself
    a = build([tmp_path / "a" / "d.xlsx"], tmp_path / "sA2", work=work, search=False, release_date=date(2026, 1, 1))
    assert a.release == "2026-01-01" and a.previous is None and a.previous_published is None
    assert (tmp_path / "sA2" / "changes.html").read_bytes() == (tmp_path / "sA" / "changes.html").read_bytes()


def test_a_publish_recorded_since_makes_an_unchanged_rebuild_compare_anew(book, tmp_path):
    """The build's key holds what publish recorded: the same inputs rebuilt after a publish are
    built again (compared with the release now published), and again unchanged after that."""
    work = tmp_path / "w"
    build_c = _three_releases(book, tmp_path)
    c = build_c()
    html = (tmp_path / "sC" / "changes.html").read_text("utf-8")
    assert c.previous == date(2026, 2, 1) and c.previous_published is None
    assert "与上一版本（2026-02-01）相比" in html and "变更了承办机构" not in html
    before = {f: f.stat().st_mtime_ns for f in (tmp_path / "sC").rglob("*") if f.is_file()}
    assert build_c().charts_rendered == 0  # nothing recorded since: nothing done
    assert {f: f.stat().st_mtime_ns for f in (tmp_path / "sC").rglob("*") if f.is_file()} == before
    pub.publish(tmp_path / "sA", tmp_path / "portal" / "qd")
    c = build_c()
    html = (tmp_path / "sC" / "changes.html").read_text("utf-8")
    assert c.previous == date(2026, 1, 1) and c.previous_published == "2026-01-01"
    assert "与 2026-01-01 发布版相比" in html and "变更了承办机构" in html
    before = {f: f.stat().st_mtime_ns for f in (tmp_path / "sC").rglob("*") if f.is_file()}
    again = build_c()
    assert {f: f.stat().st_mtime_ns for f in (tmp_path / "sC").rglob("*") if f.is_file()} == before
    assert again.previous_published == "2026-01-01" and again.charts_rendered == 0
    assert len(_published(work)) == 1


def test_a_demo_build_says_so_on_every_page_and_a_real_one_does_not(demo, tmp_path, book):
    """The shipped inventories are invented (示例市): a demo build marks every page 演示数据; a build of
    real workbooks (no --demo) carries no such notice."""
    r, site = demo
    pages = sorted(site.rglob("*.html"))
    assert pages and all("演示数据" in p.read_text("utf-8") for p in pages)
    assert "青岛" not in "".join(p.read_text("utf-8") for p in pages)  # the demo names no real city
    assert all(d.name.startswith("示例市") for d in r.catalog.departments)
    real = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    assert not real.validation.errors
    assert not any("演示数据" in p.read_text("utf-8") for p in (tmp_path / "site").rglob("*.html"))


def test_lists_say_what_each_penalty_is_and_how_much(demo):
    """Department and category lists give each penalty's kinds and fine range (from its tiers, else
    from its legal basis, marked 法定), so 'what can the 城管 fine me for, and how much' is one page."""
    r, site = demo
    urban = next(d for d in r.catalog.departments if d.name.endswith("城市管理局"))
    page = (site / "departments" / f"{urban.number}.html").read_text("utf-8")
    lines = re.findall(r'<span class="what">([^<]*)</span>', page)
    penalties = [p for p in urban.all_powers() if p.category == "行政处罚"]
    assert len(lines) == len(penalties)
    assert "罚款（5000元～5万元）" in lines and "罚款（2万元以下）" in lines  # tiers; 0元～ said as 以下
    assert "罚款（3万元，法定）" in lines  # 无裁量空间, its basis states a fixed 3万元
    assert "警告、罚款（所引条文未规定数额）" in lines  # the basis names a fine but no amount (D314)
    category = (site / "categories" / "02.html").read_text("utf-8")
    assert category.count('<span class="what">') == sum(p.category == "行政处罚" for _, p in r.catalog.all_powers())
    assert '<th scope="col" class="status">状态</th>' in page and '<td class="status">在用</td>' in page


def test_penalty_page_summary_and_contents_come_first(demo):
    r, site = demo
    p = next(p for _, p in r.catalog.all_powers() if p.category == "行政处罚" and len(p.tiers) >= 5)
    page = (site / "powers" / f"{p.basic_code}.html").read_text("utf-8")
    summary = re.search(r'<dl class="summary" aria-label="处罚概要">(.*?)</dl>', page, re.S).group(1)
    assert f"<dd>{len(p.tiers)}个</dd>" in summary and "处罚种类" in summary and "罚款幅度" in summary
    toc = re.search(r'<nav class="toc" aria-label="本页内容">(.*?)</nav>', page, re.S).group(1)
    targets = re.findall(r'href="#([\w-]+)">([^<]+)<', toc)
    assert [t for _, t in targets] == ["基本信息", "依据", "裁量基准", "流程图", "责任"]
    for anchor, _ in targets:
        assert f'id="{anchor}"' in page
    # the discretion table comes before the flowchart, the summary before everything
    assert page.index('class="summary"') < page.index('id="basic-h"') < page.index('table class="tiers"') \
        < page.index('id="flow-h"')
    assert f'<meta name="description" content="{p.full_name}（{p.basic_code}），行政处罚' in page
    assert f"基本编码 {p.basic_code}　发布日期 {r.catalog.release_date.isoformat()}" in page  # printed


def test_duties_one_per_line():
    """责任事项 typed as one line of numbered items (1. 立案责任；2. 调查责任…) or 1、 items are a list."""
    from powers.site import render_markdown

    html = str(render_markdown("1. 立案责任；2. 调查责任：2名以上执法人员；3. 其他责任。"))
    assert html.count("<li>") == 3 and "<li>调查责任：2名以上执法人员；</li>" in html
    assert str(render_markdown("1、受理\n2、审查")).count("<li>") == 2
    assert "<li>" not in str(render_markdown("处2.5万元罚款；3.5倍以下"))  # decimals are not items


def test_robots_and_sitemap(demo, tmp_path):
    from powers.models import Catalog
    from powers.site import _robots, _Writer

    r, site = demo
    assert (site / "robots.txt").read_text("utf-8").endswith("User-agent: *\nDisallow: /\n")  # a demo
    assert f"<loc>{BASE}index.html</loc><lastmod>{r.catalog.release_date.isoformat()}</lastmod>" in \
        (site / "sitemap.xml").read_text("utf-8")
    for opts, want in ((SiteOptions(base_url=BASE), f"Allow: /\n\nSitemap: {BASE}sitemap.xml\n"),
                       (SiteOptions(), "User-agent: *\nAllow: /\n"), (SiteOptions(base_url=BASE, draft=True), "Disallow: /\n")):
        w = _Writer(tmp_path, opts, Catalog())
        _robots(w, opts)
        assert (tmp_path / "robots.txt").read_text("utf-8").endswith(want)
    assert "Sitemap" not in (tmp_path / "robots.txt").read_text("utf-8")
