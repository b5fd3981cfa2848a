"""The search page in a real headless Chromium against the built demo site: Chinese queries of
several words, phrases, codes, citations and synonyms find exactly the pages that hold them, over
every page of results; the query and filters live in the URL; counts agree with the site's stats;
a search that finds nothing helps; no layout shift; no axe-core violation.

Ground truth: a power page's *indexed text* is its visible main text less what the index leaves out
on purpose (the crumbs, the supervision block, the flowchart and its description, 责任事项 and
追责情形: see powers.search), with spaces removed. A term is *on* a page when that text contains it
(spaces removed); a query of words divided by spaces needs each word on the page; a synonym query
(城管) needs the word or one of its expansions in powers/data/synonyms.txt on the page."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from powers.search import index_text, synonyms
from test_browser import CHROMIUM, _indexed_text, axe_violations, browser, served  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by set-up")

# (query, how the truth is computed): "term" the query as one string, "all" each space-divided word,
# "any" the query or one of its synonyms
TERMS = [
    ("行政强制", "term"), ("吊销许可证", "term"), ("建筑工地", "term"), ("没收违法所得", "term"),
    ("责令改正", "term"), ("罚款", "term"), ("暂扣", "term"), ("涉路施工", "term"), ("排污许可证", "term"),
    ("统计资料", "term"), ("营业执照", "term"), ("机动车驾驶证", "term"), ("食品安全", "term"),
    ("特种设备", "term"), ("户外广告", "term"), ("违法建设", "term"), ("道路运输", "term"),
    ("第一百二十六条", "term"), ("《中华人民共和国道路交通安全法》第九十条", "term"), ("370112002001", "term"),
    ('"吊销许可证"', "term"), ("行政 强制", "all"), ("罚款 吊销", "all"),
    ("城管", "any"), ("出租车", "any"), ("年检", "any"), ("占道", "any"), ("网约车", "any"),
]
FIGURES = []


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def truth(served):
    _, site = served
    return {p.name: _squeeze(html.unescape(_indexed_text(p.read_text("utf-8")))) for p in (site / "powers").glob("*.html")}


def expected(query: str, how: str, pages: dict[str, str]) -> set[str]:
    table = synonyms()
    word = query.strip('"')
    if how == "all":
        return {n for n, t in pages.items() if all(w in t for w in query.split())}
    forms = [word] + (table.get(word, []) if how == "any" else [])
    return {n for n, t in pages.items() if any(f in t for f in forms)}


def _wait_status(page):
    page.wait_for_function("/^(找到|没有找到|在本机|请输入)/.test(document.getElementById('search-status').textContent)",
                           timeout=15000)


def all_results(page, url: str, query: str) -> tuple[list[str], str]:
    """Every result of `query` as the search page lists them, paging through with 下一页; and the status."""
    page.goto(url + "index.html?q=" + quote(query))
    _wait_status(page)
    status = page.inner_text("#search-status")
    found: list[str] = []
    while True:
        found += [h.split("/")[-1] for h in page.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.href)")]
        nxt = page.locator("#search-pager button", has_text="下一页")
        if not nxt.count() or nxt.is_disabled():
            return found, status
        m = re.search(r"第 (\d+) / (\d+) 页", page.inner_text("#search-status"))
        nxt.click()
        page.wait_for_function("n => document.getElementById('search-status').textContent.includes('第 ' + n + ' /')",
                               arg=int(m.group(1)) + 1, timeout=15000)


@pytest.mark.parametrize("query,how", TERMS, ids=[t for t, _ in TERMS])
def test_every_result_holds_the_query_and_every_page_holding_it_is_found(served, browser, truth, query, how):
    url, _ = served
    want = expected(query, how, truth)
    assert want, f"{query}: no page holds it, pick another term"
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found, status = all_results(page, url, query)
    got = set(found)
    assert len(found) == len(got), f"{query}: a page listed twice"
    precision = len(got & want) / len(got) if got else 0.0
    recall = len(got & want) / len(want)
    FIGURES.append((query, how, len(want), len(got), precision, recall))
    print(f"\n{query}\t{how}\ttruth {len(want)}\tfound {len(got)}\tprecision {precision:.3f}\trecall {recall:.3f}")
    assert recall == 1.0, f"{query}: missing {sorted(want - got)[:5]}"
    assert precision >= 0.9, f"{query}: not holding it {sorted(got - want)[:5]}"
    # the count said is the list shown: items and sub-items apart, as the site counts
    m = re.match(r"找到 (\d+) 项(?:，另有子项 (\d+) 个)?", status)
    assert m and int(m.group(1)) + int(m.group(2) or 0) == len(found), status
    assert errors == []


def test_exact_phrase_first_and_synonyms_said(served, browser, truth):
    url, _ = served
    page = browser.new_page()
    found, _ = all_results(page, url, "行政 强制")
    phrase = expected("行政强制", "term", truth)
    assert set(found[:len(phrase)]) == phrase, "pages holding the words in a row come first"
    page.goto(url + "index.html?q=" + quote("城管"))
    _wait_status(page)
    assert "已同时搜索同义词" in page.inner_text("#search-notes") and "城市管理" in page.inner_text("#search-notes")
    # a code finds its own page first
    found, _ = all_results(page, url, "370112002001")
    assert found[0] == "370112002001.html"


def test_query_and_filters_in_the_url_back_restores_a_link_reproduces(served, browser):
    url, _ = served
    page = browser.new_page()
    page.goto(url + "index.html")
    dept = page.locator("#f-dept option").nth(1).get_attribute("value")
    page.fill("#q", "罚款")
    page.select_option("#f-dept", value=dept)
    page.wait_for_function("location.search.includes('q=') && document.querySelectorAll('#search-results li').length > 0")
    page.wait_for_function("(d) => [...document.querySelectorAll('#search-results .meta')].every(m => m.textContent.includes(d))",
                           arg=dept)
    assert page.evaluate("[...new URLSearchParams(location.search)]") == [["q", "罚款"], ["部门", dept]]
    first = page.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.href)")
    status = page.inner_text("#search-status")
    page.locator("#search-pager button", has_text="下一页").click()
    page.wait_for_function("new URLSearchParams(location.search).get('页') === '2'")
    page.go_back()  # to page 1 of the same search
    page.wait_for_function("!new URLSearchParams(location.search).get('页')")
    page.wait_for_function("(s) => document.getElementById('search-status').textContent === s", arg=status)
    page.click("#search-results li > a >> nth=0")
    assert "/powers/" in page.url
    page.go_back()  # from the power page: the search is there again
    _wait_status(page)
    assert page.input_value("#q") == "罚款" and page.input_value("#f-dept") == dept
    page.wait_for_function("(s) => document.getElementById('search-status').textContent === s", arg=status)
    assert page.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.href)") == first
    shared = browser.new_page()  # a link shared reproduces the search
    shared.goto(page.url)
    _wait_status(shared)
    assert shared.inner_text("#search-status") == status
    assert shared.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.href)") == first


def test_filter_counts_are_the_sites_counts(served, browser):
    """With no words, a department or category lists what its option says, in the site's way of
    counting (items; sub-items apart), as the home page's tables and catalog.json count."""
    url, site = served
    data = json.loads((site / "data" / "catalog.json").read_text("utf-8"))
    subs = {d["name"]: sum(len(p.get("sub_items") or []) for p in d["powers"]) for d in data["departments"]}
    page = browser.new_page()
    page.goto(url + "index.html")
    options = page.eval_on_selector_all("#f-dept option", "os => os.slice(1).map(o => [o.value, o.textContent])")
    assert options
    for value, label in options:
        n = int(re.search(r"（(\d+)项）", label).group(1))
        page.goto(url + "index.html?" + "部门=" + quote(value))
        _wait_status(page)
        m = re.match(r"找到 (\d+) 项(?:，另有子项 (\d+) 个)?", page.inner_text("#search-status"))
        assert m and int(m.group(1)) == n, (label, page.inner_text("#search-status"))
        assert int(m.group(2) or 0) == subs[value], value
    cats = page.eval_on_selector_all("#f-cat option", "os => os.slice(1).map(o => [o.value, o.textContent])")
    for value, label in cats:
        page.goto(url + "index.html?" + "类别=" + quote(value))
        _wait_status(page)
        n = int(re.search(r"（(\d+)项）", label).group(1))
        assert page.inner_text("#search-status").startswith(f"找到 {n} 项"), (label, page.inner_text("#search-status"))


def test_nothing_found_helps(served, browser):
    url, _ = served
    page = browser.new_page()
    page.goto(url + "index.html?q=" + quote("城管 暂扣犬只") + "&" + "部门=" + quote("示例市公安局"))
    _wait_status(page)
    assert page.inner_text("#search-status").startswith("没有找到")
    notes = page.inner_text("#search-notes")
    assert "减少关键词" in notes and "城市管理" in notes and "全部部门" in notes
    assert page.locator("#search-notes a[href$='departments/index.html']").count() == 1
    assert axe_violations(page) == []
    # a query no page holds whole is looked up word by word, and says so
    page.goto(url + "index.html?q=" + quote("违法建设罚款"))
    _wait_status(page)
    assert "没有事项含有完整的“违法建设罚款”" in page.inner_text("#search-notes")
    assert page.locator("#search-results li").count() > 0


def test_search_page_keeps_its_layout_and_passes_axe(served, browser):
    url, _ = served
    page = browser.new_page(viewport={"width": 412, "height": 823})  # Lighthouse's phone
    page.add_init_script("""window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries())
        if (!e.hadRecentInput) window.__cls += e.value; }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(url + "index.html?q=" + quote("罚款"))
    _wait_status(page)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cls") < 0.01
    assert axe_violations(page) == []
    page.goto(url + "index.html")
    page.type("#q", "吊销许可证", delay=50)
    _wait_status(page)
    page.wait_for_timeout(800)
    assert page.evaluate("window.__cls") < 0.01
    page.goto(url + "index.html")
    assert page.evaluate("window.__cls") < 0.01 and axe_violations(page) == []


def test_the_query_is_cut_as_the_index_was(served, browser, truth):
    """search.js cuts a query into words by the rule powers.search.index_text cuts the pages."""
    url, _ = served
    page = browser.new_page()
    page.goto(url + "index.html")
    page.wait_for_function("window.powersSearch")
    samples = [t[:300] for t in list(truth.values())[:40]] + [
        "《中华人民共和国道路交通安全法》第九十条，罚款２００元；0.5万元—ABC公司（2019年4月23日）\n第二行"]
    for s in samples:
        js = page.evaluate("s => window.powersSearch.phrases(s).map(p => p.join(' ')).join(' 。 ')", s)
        assert js == index_text(s).strip(" 。"), s


def test_synonym_table_lines_are_checked(tmp_path):
    good = tmp_path / "s.txt"
    good.write_text("# 说明\n城管 = 城市管理、综合行政执法\n城管 = 城市管理\n", "utf-8")
    assert synonyms(good) == {"城管": ["城市管理", "综合行政执法"]}
    for bad in ("城管：城市管理", "城管 = 城市、管理、", "占道 = 占用，挖掘", "= 城市管理"):
        f = tmp_path / "bad.txt"
        f.write_text(bad + "\n", "utf-8")
        if bad == "城管 = 城市、管理、":
            assert synonyms(f) == {"城管": ["城市", "管理"]}  # a trailing 、 is only a separator
            continue
        with pytest.raises(ValueError, match="bad.txt:1"):
            synonyms(f)


def test_arabic_article_numbers_and_punctuation_only(served, browser):
    """第90条 finds what 第九十条 finds (laws number articles in words); a query of punctuation alone
    asks for words instead of listing every item; a word typed twice is asked for once."""
    url, _ = served
    page = browser.new_page()
    words, _ = all_results(page, url, "第九十条")
    digits, _ = all_results(page, url, "第90条")
    assert words and digits == words
    for q in ("，，，", "《》", '""'):
        found, status = all_results(page, url, q)
        assert found == [] and status.startswith("请输入"), (q, status)
    page.goto(url + "index.html?q=" + quote("城管 城管 城管"))
    _wait_status(page)
    assert page.inner_text("#search-notes").count("城市管理") == 1
