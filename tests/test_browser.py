"""The site in a real headless Chromium: navigation, the drawn flowchart, Chinese search and its recall,
accessibility (axe-core)."""
from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import INVENTORIES, ROOT
from powers.pipeline import build
from powers.publish import make_server
from powers.search import index_text
from powers.site import SiteOptions

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by set-up")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(os.environ.get("POWERS_SCREENSHOTS", "")) if os.environ.get("POWERS_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    build([INVENTORIES], tmp / "site", work=tmp / "build",
          options=SiteOptions(base_url="https://example.gov.cn/qlqd/", demo=True))
    # serve under a sub-path, as a portal would, its 404 page for any missing path
    root = tmp / "www"
    (root / "qlqd").parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tmp / "site", root / "qlqd")
    shutil.copyfile(root / "qlqd" / "404.html", root / "404.html")
    server = make_server(root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/qlqd/", tmp / "site"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page, name, tmp_path):
    page.screenshot(path=str(tmp_path / name), full_page=False)
    assert (tmp_path / name).stat().st_size > 10_000
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=False)


def chart_document(page, timeout=10.0):
    """The flowchart's own document: the SVG file the power page's <object> shows (a frame of the page)."""
    want = urljoin(page.url, page.locator("figure.flowchart object").get_attribute("data"))
    for _ in range(int(timeout * 10)):
        frame = next((f for f in page.frames if f.url == want), None)
        if frame is not None and frame.locator("g.node").count():
            return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"chart {want} not shown; frames: {[f.url for f in page.frames]}")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations of the page as it is now."""
    from importlib.resources import files

    page.add_script_tag(content=files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8"))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result["violations"]]


def test_navigate_and_search(served, browser, tmp_path):
    url, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url + "index.html")
    assert page.locator("h1").inner_text().endswith("行政权力清单")
    assert page.locator("svg.chart").count() == 2
    assert axe_violations(page) == []
    page.fill("#q", "罚款")
    page.wait_for_selector("#search-results li", timeout=15000)
    status = page.inner_text("#search-status")
    assert re.search(r"找到 \d+ 项", status)
    first = page.locator("#search-results li").first
    assert re.search(r"\d{12} · .+局 · 行政", first.inner_text())
    shot(page, "site-home.png", tmp_path)
    # filters: one department only
    dept = page.locator("#f-dept option").nth(1).inner_text().split("（")[0]
    page.select_option("#f-dept", label=page.locator("#f-dept option").nth(1).inner_text())
    page.wait_for_function("""(dept) => {
        const metas = [...document.querySelectorAll('#search-results .meta')].map(m => m.textContent);
        return metas.length > 0 && metas.every(m => m.includes(dept));
    }""", arg=dept, timeout=15000)

    page.goto(url + "index.html")
    page.click("header nav >> text=部门")
    page.click("ul.cards a >> nth=0")
    assert page.locator("h1").inner_text().endswith("局")
    page.go_back()
    page.goto(url + "index.html")
    page.click("header >> text=权力类别")
    page.click("ul.cards >> text=行政处罚")
    assert page.locator("h1").inner_text() == "行政处罚"
    page.click("table.powers a >> nth=0")
    assert page.locator("h1").count() == 1 and "/powers/" in page.url
    chart = page.locator("figure.flowchart object")
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 300
    assert chart_document(page).locator("g.node").count() >= 5
    assert page.locator("table.tiers tbody tr").count() >= 1 or "无裁量空间" in page.content()
    shot(page, "site-power.png", tmp_path)
    page.evaluate("document.getElementById('flow-h').scrollIntoView()")
    shot(page, "site-power-flowchart.png", tmp_path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(url + "departments/24.html")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 392
    assert axe_violations(phone) == []
    shot(phone, "site-phone.png", tmp_path)
    assert errors == []


def _power_with_chart(site: Path) -> tuple[str, str]:
    """A power page with a flowchart, and the chart file it shows."""
    for f in sorted((site / "powers").glob("*.html")):
        if m := re.search(r'<object type="image/svg\+xml" data="\.\./(charts/\w+\.svg)"', f.read_text("utf-8")):
            return f"powers/{f.name}", m.group(1)
    raise AssertionError("no power page shows a chart")


@pytest.mark.parametrize("how", ["http", "file"])
def test_flowchart_shows_with_selectable_text_and_the_power_title(served, browser, how):
    """Each chart is one shared file shown in an <object>: it displays over http and from file://,
    its nodes are drawn, its text can be selected with the mouse, and the page carries the power's
    own title band; axe finds nothing to fix on the page."""
    url, site = served
    rel, chart = _power_with_chart(site)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + rel if how == "http" else (site / rel).as_uri())
    name = page.locator("h1").inner_text()
    code = rel.split("/")[-1].removesuffix(".html")
    band = page.locator("figure.flowchart figcaption.chart-title span")
    assert band.all_inner_texts()[0] == name and f"编码 {code}　法定时限 " in band.nth(1).inner_text()
    assert band.nth(2).inner_text().startswith("流程：")
    obj = page.locator("figure.flowchart object")
    assert obj.get_attribute("aria-label") == f"{name}（{code}）运行流程图"
    doc = chart_document(page)
    assert doc.url.endswith(chart) and doc.locator("g.node").count() >= 5
    assert not page.locator("figure.flowchart .fallback").is_visible()  # shown: the fallback is not
    box, drawn = obj.bounding_box(), doc.locator("svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    assert abs(drawn["width"] - box["width"]) < 2 and abs(drawn["height"] - box["height"]) < 2  # fills the frame
    # select a step's name with the mouse, as a reader would
    step = doc.locator("g.node text").filter(has_text=re.compile(r"^\S{2,}$")).nth(1)
    text = step.text_content()
    step.evaluate("e => e.scrollIntoView({block: 'center'})")
    t = step.bounding_box()
    assert doc.evaluate("getComputedStyle(document.querySelector('g.node text')).userSelect") != "none"
    page.mouse.move(t["x"] + 1, t["y"] + t["height"] / 2)
    page.mouse.down()
    page.mouse.move(t["x"] + t["width"] - 1, t["y"] + t["height"] / 2, steps=8)
    page.mouse.up()
    assert text in doc.evaluate("getSelection().toString()")
    assert page.locator("details.alt summary").inner_text() == "流程文字说明"
    assert page.locator("details.alt li").count() >= 3
    assert axe_violations(page) == []
    assert errors == []


@pytest.mark.parametrize("how", ["http", "file"])
def test_missing_chart_falls_back_to_a_link_and_the_text(served, browser, tmp_path, how):
    """A chart file that cannot be loaded (404, or missing from a copied folder) leaves a visible
    note with a link to it; the title band and the step-by-step text are still there."""
    _, site = served
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    rel, chart = _power_with_chart(copy)
    (copy / chart).unlink()
    if how == "http":
        server = make_server(copy, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        target = f"http://127.0.0.1:{server.server_address[1]}/{rel}"
    else:
        target = (copy / rel).as_uri()
    try:
        page = browser.new_page()
        page.goto(target)
        fallback = page.locator("figure.flowchart .fallback")
        fallback.wait_for(state="visible", timeout=5000)
        assert "流程图未能显示" in fallback.inner_text()
        assert fallback.locator("a").get_attribute("href") == f"../{chart}"
        assert page.locator("figcaption.chart-title .name").inner_text() == page.locator("h1").inner_text()
        assert page.locator("details.alt li").count() >= 3
        assert axe_violations(page) == []
    finally:
        if how == "http":
            server.shutdown()
            server.server_close()


def test_file_url_pages_work_and_search_explains(served, browser):
    _, site = served
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.click("text=开放数据")
    assert page.locator("h1").inner_text() == "开放数据"
    page.goto((site / "index.html").as_uri())
    page.fill("#q", "许可")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0", timeout=5000)
    # said to a citizen (search needs the published site; browsing works), not a developer's command
    assert "已发布的网站" in page.inner_text("#search-status") and "powers" not in page.inner_text("#search")
    page.click("#search-notes >> text=按部门浏览")
    assert page.locator("h1").inner_text() == "部门"


TERMS = ["罚款", "许可", "涉路施工", "吊销", "没收", "责令改正", "暂扣", "食品", "排污", "统计资料"]


def _indexed_text(html: str) -> str:
    main = html[html.index('<main id="main">'):html.index("</main>")]
    main = re.sub(r'<nav class="crumbs".*?</nav>', "", main, flags=re.S)
    main = re.sub(r'<section aria-labelledby="sup-h">.*?</section>', "", main, flags=re.S)
    # a penalty's summary restates its tiers or basis (indexed there), the contents bar and the
    # printed address are navigation
    main = re.sub(r'<dl class="summary".*?</dl>|<nav class="toc".*?</nav>|<p class="print-only.*?</p>', "", main,
                  flags=re.S)
    # not indexed (powers.search): the flowchart (its SVG, caption and step-by-step description),
    # and the officials' 责任事项 and 追责情形
    main = re.sub(r'<section aria-labelledby="flow-h">.*?</section>', "", main, flags=re.S)
    main = re.sub(r'<section aria-labelledby="(lf\d+)">\s*<h2 id="\1">(?:责任事项|追责情形)</h2>.*?</section>', "",
                  main, flags=re.S)
    return re.sub(r"<[^>]+>", "", main)


SITE_SEARCH = """async (term) => {
    for (let i = 0; i < 100 && !window.powersSearch; i++) await new Promise(r => setTimeout(r, 50));
    return (await window.powersSearch.find(term)).map(r => r.url.split('/').pop());
}"""


def test_search_recall_for_legal_vocabulary(served, browser):
    url, site = served
    pages = {p.name: _indexed_text(p.read_text("utf-8")) for p in (site / "powers").glob("*.html")}
    page = browser.new_page()
    page.goto(url + "index.html")
    for term in TERMS:
        expected = {name for name, text in pages.items() if term in text}
        assert expected, term
        # through the site's search (search.js): the index holds one word per Chinese character
        # (powers.search.index_text), which Pagefind's own query reading does not cut a term into
        found = page.evaluate(SITE_SEARCH, term)
        missing = expected - set(found)
        assert not missing, f"{term}: {len(missing)} of {len(expected)} pages not found, e.g. {sorted(missing)[:3]}"
        assert set(found) == expected, f"{term}: {sorted(set(found) - expected)[:3]} do not hold it"


def _fragments(site: Path) -> dict[str, dict]:
    """The index's records by page name: content, the text as written; words, what is indexed."""
    out = {}
    for f in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(f.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        rec = json.loads(data[len(b"pagefind_dcd"):])
        rec["words"] = rec["content"].replace("\u200b", "")  # what is indexed: the words of the text
        rec["content"] = rec["meta"]["text"]  # the text as written (powers.search index_text)
        out[rec["url"].split("/")[-1]] = rec
    return out


def test_index_holds_no_chart_text(served):
    _, site = served
    records = _fragments(site)
    pages = {p.name: p.read_text("utf-8") for p in (site / "powers").glob("*.html")}
    assert set(records) == set(pages), "one record per public power page, sub-items included"
    checked = 0
    for name, page in pages.items():
        rec = records[name]
        code = name.removesuffix(".html")
        assert rec["meta"]["code"] == code and rec["meta"]["title"] and rec["filters"]["部门"] and rec["filters"]["类别"]
        flow = re.search(r'<section aria-labelledby="flow-h">(.*?)</section>', page, re.S).group(1)
        elsewhere = _indexed_text(page)
        # the chart's own text is in its shared file; the title band and step text are in the page
        svg = re.search(r'<object type="image/svg\+xml" data="\.\./(charts/\w+\.svg)"', flow)
        assert svg or "未提供流程图" in flow, name
        drawn = (site / svg.group(1)).read_text("utf-8") if svg else ""
        chart = {html.unescape(t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", drawn, re.S)}
        chart |= {html.unescape(t).strip() for t in re.findall(r"<(?:li|span)[^>]*>(.*?)</(?:li|span)>", flow, re.S)}
        for t in chart:
            if len(t) >= 4 and t not in elsewhere:  # text only the chart has
                assert t not in rec["content"], f"chart text {t!r} indexed for {name}"
                assert f" {index_text(t)} " not in f" {rec['words']} ", f"chart text {t!r} indexed for {name}"
                checked += 1
        assert rec["words"] == index_text(rec["content"]), "the index holds the words of the text, no more"
        assert "<svg" not in rec["content"] and "流程文字说明" not in rec["content"]
        assert "责任事项" not in rec["content"] and "追责情形" not in rec["content"]
    assert checked > len(pages)


def test_every_public_power_is_found_by_its_code(served, browser):
    url, site = served
    codes = sorted(p.name.removesuffix(".html") for p in (site / "powers").glob("*.html"))
    page = browser.new_page()
    page.goto(url + "index.html")
    found = page.evaluate("""async (codes) => {
        const pf = await import(new URL('pagefind/pagefind.js', location.href).href);
        await pf.options({baseUrl: new URL('./', location.href).pathname});
        const out = {};
        for (const code of codes) {
            const r = await pf.search(code);
            const data = await Promise.all(r.results.slice(0, 5).map(x => x.data()));
            out[code] = data.map(d => d.url.split('/').pop());
        }
        return out;
    }""", codes)
    missing = [c for c in codes if f"{c}.html" not in found[c]]
    assert not missing, f"{len(missing)} of {len(codes)} codes not found in the first 5 results, e.g. {missing[:3]}"


# ---------------------------------------------------------------- a large site's index, in shards
@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The demo built with its index split in three (a city's is split in eight), served."""
    tmp = tmp_path_factory.mktemp("sharded")
    old = os.environ.get("POWERS_SEARCH_SHARDS")
    os.environ["POWERS_SEARCH_SHARDS"] = "3"
    try:
        build([INVENTORIES], tmp / "site", work=tmp / "build")
    finally:
        if old is None:
            del os.environ["POWERS_SEARCH_SHARDS"]
        else:
            os.environ["POWERS_SEARCH_SHARDS"] = old
    server = make_server(tmp / "site", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", tmp / "site"
    server.shutdown()


MERGED_SEARCH = """async ([term, filters]) => {
    const root = new URL('./', location.href);
    const pf = await import(new URL('pagefind/pagefind.js', root).href);
    if (!window.__merged) {  // as search.js: options and merging once per page
        window.__merged = true;
        await pf.options({baseUrl: root.pathname});
        const r = await fetch(new URL('pagefind/shards.json', root).href);
        for (const dir of (r.ok ? await r.json() : [])) {
            await pf.mergeIndex(new URL(dir, root).pathname, {baseUrl: root.pathname});
        }
    }
    const res = await pf.search(term, {filters: filters || {}});
    const data = await Promise.all(res.results.map(x => x.data()));
    return {urls: data.map(d => d.url.split('/').pop()), filters: await pf.filters()};
}"""


def test_sharded_index_finds_what_one_index_finds(sharded, served, browser):
    """Every term finds every page containing it across the shards, the filters count the same as
    with one index, and the search page itself merges the shards."""
    url, site = sharded
    assert json.loads((site / "pagefind" / "shards.json").read_text("utf-8")) == ["pagefind-1/", "pagefind-2/"]
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind-1" / "pagefind.js").exists()
    pages = {p.name: _indexed_text(p.read_text("utf-8")) for p in (site / "powers").glob("*.html")}
    page = browser.new_page()
    page.goto(url + "index.html")  # the site's search (search.js) merges the shards
    for term in TERMS:
        expected = {name for name, text in pages.items() if term in text}
        got = page.evaluate(SITE_SEARCH, term)
        assert expected == set(got), f"{term}: {sorted(expected ^ set(got))[:3]}"
    page.goto(url + "data.html")  # a page without search.js: the test merges the shards itself
    one = browser.new_page()
    one.goto(served[0] + "data.html")
    merged = page.evaluate(MERGED_SEARCH, ["罚款", None])["filters"]
    single = one.evaluate(MERGED_SEARCH, ["罚款", None])["filters"]
    assert merged == single and sum(merged["部门"].values()) == len(pages)
    page.goto(url + "index.html")  # the search page merges them itself
    page.fill("#q", "暂扣")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    n = len({name for name, text in pages.items() if "暂扣" in text})
    assert page.locator("#search-results li").count() == n
    assert page.locator("#f-dept option").count() == 1 + len(merged["部门"])


# ---------------------------------------------------------------- every kind of page, 404, phone, print
def _penalty_with_tiers(site: Path) -> str:
    """The first power page of the 城市管理局 with a discretion table."""
    for f in sorted((site / "powers").glob("370227*.html")):
        if 'table class="tiers"' in f.read_text("utf-8"):
            return f"powers/{f.name}"
    raise AssertionError("no penalty with tiers")


@pytest.mark.parametrize("kind", ["home", "department", "category", "penalty", "changes", "open data",
                                  "data dictionary", "responsibility", "risks"])
def test_pages_have_no_axe_violations(served, browser, kind):
    url, site = served
    rel = {"home": "index.html", "department": "departments/27.html", "category": "categories/02.html",
           "penalty": _penalty_with_tiers(site), "changes": "changes.html", "open data": "data.html",
           "data dictionary": "data-dictionary.html", "responsibility": "departments/27-responsibility.html",
           "risks": "departments/27-risks.html"}[kind]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + rel)
    assert axe_violations(page) == []
    assert errors == []


@pytest.mark.parametrize("missing", ["no-such-page.html", "powers/370299999000.html"])
def test_404_page_is_styled_and_its_links_work_at_any_depth(served, browser, missing):
    """The portal serves 404.html for a missing URL at any depth: its stylesheet loads and its links
    (from the site's root) lead to the site; its search box searches."""
    url, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    response = page.goto(url + missing)
    assert response.status == 404 and page.locator("h1").inner_text() == "页面不存在"
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor") == "rgb(155, 28, 28)"
    assert axe_violations(page) == []
    page.click("header nav >> text=部门")
    assert page.url == url + "departments/index.html" and page.locator("h1").inner_text() == "部门"
    page.go_back()
    page.fill("#q404", "罚款")
    page.click(".search-404 button")
    page.wait_for_selector("#search-results li", timeout=15000)
    assert page.url.startswith(url + "index.html?q=")


def _label_px(frame) -> list[float]:
    """Each label's font size in CSS px as the chart is shown (its font-size times its scale on screen)."""
    return frame.evaluate("""() => [...document.querySelectorAll('g.node text, g.edge text')].map(t => {
        const c = t.getScreenCTM(); return parseFloat(t.getAttribute('font-size')) * Math.hypot(c.a, c.b); })""")


def test_penalty_page_on_a_phone_and_on_a_desk(served, browser, tmp_path):
    """On a 390 px phone the chart keeps its own size (labels ≥ 11 px, the chart scrolls sideways,
    the page does not); on a desk it is never stretched; the summary and the 裁量基准 come first."""
    url, site = served
    rel = _penalty_with_tiers(site)
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.goto(url + rel)
    assert desk.locator("dl.summary").is_visible() and desk.locator("nav.toc a").count() == 5
    assert desk.locator("table.tiers").bounding_box()["y"] < 1200  # was ~3,800 px down
    obj = desk.locator("figure.flowchart object")
    natural = int(obj.get_attribute("width")), int(obj.get_attribute("height"))
    box = obj.bounding_box()
    assert (round(box["width"]), round(box["height"])) == natural
    assert min(_label_px(chart_document(desk))) >= 11
    shot(desk, "site-penalty.png", tmp_path)
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(url + rel)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 392
    labels = _label_px(chart_document(phone))
    assert min(labels) >= 11, sorted(labels)[:5]
    assert axe_violations(phone) == []
    shot(phone, "site-penalty-phone.png", tmp_path)
    phone.goto(url + "departments/27.html")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 392
    lines = phone.evaluate("""[...document.querySelectorAll('td.status')].map(td => {
        const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; })""")
    assert lines and set(lines) == {1}  # 在用 on one line, not 在/用


def _pdf_pages(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [t for t in text.split("\f")][:-1]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")
def test_penalty_page_prints_on_few_pages(served, browser, tmp_path):
    """Printed on A4: the pages its content needs (3 for a penalty with five tiers; 6 with a near-empty
    and a blank-ish page before), none nearly empty, the chart whole on one page, the page's URL,
    code and release date on the first."""
    url, site = served
    rel = _penalty_with_tiers(site)
    code = rel.split("/")[-1].removesuffix(".html")
    page = browser.new_page()
    page.goto(url + rel)
    chart_document(page)
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = _pdf_pages(pdf)
    assert len(pages) <= 3, [len(p) for p in pages]
    assert all(len(p.strip()) > 300 for p in pages), [len(p.strip()) for p in pages]
    first = re.sub(r"\s+", "", pages[0])
    assert f"https://example.gov.cn/qlqd/{rel}" in first and f"基本编码{code}" in first and "发布日期2026-03-28" in first
    # the chart's first node and its legend, at its foot, on one page
    drawn = [i for i, p in enumerate(pages) if "开始" in p or "图例" in p]
    assert len(drawn) == 1 and "开始" in pages[drawn[0]] and "图例" in pages[drawn[0]], drawn
    if SHOTS and shutil.which("pdftoppm"):
        import subprocess

        from PIL import Image

        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
        a, b = (Image.open(f) for f in sorted(tmp_path.glob("p-*.png")))
        both = Image.new("RGB", (a.width + b.width + 24, max(a.height, b.height)), "#9aa5b1")
        both.paste(a, (8, 0))
        both.paste(b, (a.width + 16, 0))
        both.save(SHOTS / "site-penalty-print.png", optimize=True)
