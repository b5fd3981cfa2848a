"""The law registry built from the national law export, and the L rules that read the text of the law."""
from __future__ import annotations

import json
import tarfile
import time
from types import SimpleNamespace
from datetime import date
from pathlib import Path

import pytest

from conftest import Book
from powers import validate
from powers.validate import validate_workbook
from powers.laws import LawRegistry, cn_int, parse_markdown
from powers.rules import legal as L

ROOT = Path(__file__).resolve().parent.parent


def run(book: Book, tmp_path, **kw):
    """One workbook through the per-workbook stage, with what it attached to each basis (the law's
    text, `_law_text`) still there: validate() drops it once the rules have run."""
    dept, findings, _ = validate_workbook(book.save(tmp_path / "dept.xlsx"), LawRegistry.load(), **kw)
    return SimpleNamespace(departments=[dept] if dept else [], findings=findings)


def with_basis(book: Book, basis: str, i: int = 1, filled: str = "2026-03-01", **kw) -> Book:
    """The baseline workbook with power `i` (0 licence, 1 penalty) citing `basis`."""
    book.powers[i].update({"实施依据": basis, **kw})
    book.info["填报日期"] = filled
    return book


def hits(r, code):
    return [f for f in r.findings if f.rule == code]


def basis_of(r, i: int = 1):
    return r.departments[0].powers[i].legal_bases[0]


@pytest.fixture(scope="module")
def laws():
    return LawRegistry.load()


# ------------------------------------------------------------------------------------- the registry


def test_registry_knows_the_national_laws(laws):
    assert len(laws) > 1100
    law = laws.find("中华人民共和国统计法")
    assert law is laws.find("统计法") and law.level == "法律"
    assert [v.date for v in law.versions] == [date(2009, 6, 27), date(2024, 9, 13)]
    assert law.amended == date(2024, 9, 13) and law.effective == date(1984, 1, 1)
    # the text in force on a day
    assert law.version_on(date(2024, 5, 10)).date == date(2009, 6, 27)
    assert law.version_on(date(2026, 3, 1)).date == date(2024, 9, 13)
    assert laws.find("建设项目环境保护管理条例").level == "行政法规"
    assert laws.find("畜禽规模养殖污染防治条例").level == "行政法规"
    # a stray numeral after the title, as a published standard typed it
    assert laws.find("中华人民共和国固体废物污染环境防治法五").title == "中华人民共和国固体废物污染环境防治法"


def test_repeal_read_from_the_replacing_law(laws):
    """《个体工商户条例》 is not in force: 促进个体工商户发展条例 says it is repealed from its own 施行 date."""
    law = laws.find("个体工商户条例")
    assert law.repealed == date(2022, 11, 1) and law.repealed_by == "促进个体工商户发展条例"
    noise = laws.find("环境噪声污染防治法")
    assert noise.repealed == date(2022, 6, 5) and noise.repealed_by == "中华人民共和国噪声污染防治法"
    # a law known only because another repealed it
    old = laws.find("中华人民共和国城市规划法")
    assert old.repealed == date(2008, 1, 1) and old.versions == () and old.level == "法律"
    # a title re-enacted later is not repealed (国家安全法 1993 was repealed by 反间谍法, the 2015 one is in force)
    assert laws.find("中华人民共和国国家安全法").repealed is None


def test_articles_paragraphs_items(laws):
    law = laws.find("中华人民共和国行政许可法")
    art = laws.article(law, 12)
    assert art.item(1).startswith("（一）直接涉及国家安全")
    art = laws.article(laws.find("统计法"), 45, date(2026, 3, 1))
    assert len(art.paragraphs) == 3 and "五万元以下" in art.paragraph(2).text


def test_curated_and_local_entries_kept(laws):
    curated = json.loads((ROOT / "powers/data/laws.json").read_text("utf-8"))["laws"]
    assert len(curated) == 69
    for e in curated:
        assert laws.find(e["title"]) is not None, e["title"]
    for t in ("广东省环境保护条例", "广东省大气污染防治条例", "江门市潭江流域水质保护条例"):
        assert laws.find(t).level == "地方性法规"


def test_shipped_registry_small_and_fast():
    data = ROOT / "powers/data"
    size = sum(f.stat().st_size for f in data.iterdir() if f.is_file())
    assert size < 5_000_000
    from powers.laws import _shipped

    _shipped.cache_clear()
    t = time.perf_counter()
    LawRegistry.load()
    assert time.perf_counter() - t < 0.5


def test_parse_markdown_and_commencement():
    md = """# 中华人民共和国测试法

2020年1月1日 第十三届全国人民代表大会常务委员会第十次会议通过

2023年5月1日 第十四届全国人民代表大会常务委员会第二次会议《关于修改〈中华人民共和国测试法〉的决定》修正

<!-- INFO END -->

## 第一章 总则

第一条 为了测试，制定本法。

第二条 有下列行为之一的，处一万元以上十万元以下的罚款：

（一）甲；

（二）乙。

情节严重的，处十万元以上一百万元以下的罚款。

第二十条之一 插入的条文。

第一百零一条 本法自2020年7月1日起施行。《中华人民共和国旧测试条例》同时废止。
"""
    p = parse_markdown(md, "行政法", "测试法(2023-05-01).md")
    assert p.title == "中华人民共和国测试法" and p.level == "法律" and p.short == "测试法"
    assert p.date == date(2023, 5, 1) and p.kind == "修正" and p.effective == date(2023, 5, 1)
    assert set(p.articles) == {"1", "2", "20-1", "101"}
    assert p.articles["2"][1:3] == ["（一）甲；", "（二）乙。"]
    assert p.repeals == [("中华人民共和国旧测试条例", date(2020, 7, 1))]
    assert cn_int("一百零一") == 101 and cn_int("十五") == 15 and cn_int("二百") == 200


def test_newer_export_and_local_json_extend_the_shipped_registry(tmp_path):
    folder = tmp_path / "export" / "行政法规"
    folder.mkdir(parents=True)
    (folder / "测试管理条例(2025-06-01).md").write_text(
        "# 测试管理条例\n\n2025年6月1日 中华人民共和国国务院令第900号公布\n\n<!-- INFO END -->\n\n"
        "第一条 从事测试活动，应当取得测试许可证。\n\n第二条 本条例自2025年8月1日起施行。《测试暂行办法》同时废止。\n",
        "utf-8")
    reg = LawRegistry.load(tmp_path / "export")
    assert reg.find("测试管理条例").version_on(None).effective == date(2025, 8, 1)
    assert reg.find("测试暂行办法").repealed == date(2025, 8, 1)
    assert reg.find("统计法") is not None and len(reg) > len(LawRegistry.load())
    assert "测试许可证" in reg.article(reg.find("测试管理条例"), 1).text
    tar = tmp_path / "export.tar.xz"
    with tarfile.open(tar, "w:xz") as t:
        t.add(tmp_path / "export", arcname="laws")
    assert LawRegistry.load(tar).find("测试管理条例") is not None
    local = tmp_path / "local.json"
    local.write_text(json.dumps({"extends": True, "laws": [
        {"title": "青岛市测试条例", "level": "地方性法规", "effective": "2020-01-01"}]}, ensure_ascii=False), "utf-8")
    reg = LawRegistry.load(local)
    assert reg.find("青岛市测试条例").level == "地方性法规" and reg.find("统计法") is not None
    # the old shape still replaces the registry
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"laws": [{"title": "青岛市测试条例", "level": "地方性法规"}]}, ensure_ascii=False), "utf-8")
    assert len(LawRegistry.load(old)) == 1


def test_build_script_writes_the_registry(tmp_path):
    from importlib import util

    spec = util.spec_from_file_location("build_laws", ROOT / "scripts/build_laws.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    folder = tmp_path / "export" / "行政法规"
    folder.mkdir(parents=True)
    (folder / "测试管理条例(2025-06-01).md").write_text(
        "# 测试管理条例\n\n2025年6月1日 中华人民共和国国务院令第900号公布\n\n<!-- INFO END -->\n\n"
        "第一条 从事测试活动，应当取得测试许可证。\n", "utf-8")
    stats = mod.build([tmp_path / "export"], [ROOT / "scripts/laws-local.json"], tmp_path / "out")
    assert stats["versions"] == 1 and (tmp_path / "out/laws-text.zip").exists()
    index = json.loads((tmp_path / "out/laws-index.json").read_text("utf-8"))
    titles = {e["title"] for e in index["laws"]}
    assert {"测试管理条例", "广东省环境保护条例", "中华人民共和国行政许可法"} <= titles


# -------------------------------------------------------------------------------- the L rules


def test_repealed_regulation_reported_as_repealed(book, tmp_path):
    r = run(with_basis(book, "【行政法规】《个体工商户条例》第二十三条：个体工商户提交虚假材料骗取注册登记的，"
                             "由登记机关责令改正，处4000元以下的罚款。"), tmp_path)
    f = hits(r, "L206")
    assert f and f[0].severity == "error"
    assert "2022-11-01" in f[0].message_zh and "促进个体工商户发展条例" in f[0].message_zh
    assert not hits(r, "L204")


def test_moved_article_flagged_from_the_edition_cited(book, tmp_path):
    """统计法 2009 第四十二条 is 第四十五条 since the 2024 amendment."""
    r = run(with_basis(book, "【法律】《中华人民共和国统计法》（2009年6月27日修订）第四十二条第二款"), tmp_path)
    f = hits(r, "L209")
    assert f and "第四十二条" in f[0].message_zh and "第四十五条" in f[0].message_zh
    assert "五万元以下" in basis_of(r)._law_text


def test_moved_article_flagged_from_the_quote(book, tmp_path):
    basis = ("【法律】《中华人民共和国统计法》第四十二条：作为统计调查对象的国家机关、企业事业单位或者其他组织迟报统计资料，"
             "或者未按照国家有关规定设置原始记录、统计台账的，由县级以上人民政府统计机构责令改正，给予警告，可以予以通报")
    r = run(with_basis(book, basis), tmp_path)
    f = hits(r, "L209")
    assert f and "第四十五条" in f[0].message_zh
    assert not hits(r, "L211") and not hits(r, "L210")


def test_no_move_when_the_cited_edition_is_in_force(book, tmp_path):
    """Filled before the 2024 amendment, the 2009 text is the one in force: 第四十二条 is right."""
    r = run(with_basis(book, "【法律】《中华人民共和国统计法》（2009年6月27日修订）第四十二条第二款", filled="2024-05-10"),
            tmp_path)
    assert not hits(r, "L209") and not hits(r, "L208")
    assert "一万元以下" in basis_of(r)._law_text
    # the edition cited was the one in force when the list was filled: the later amendment is L205's
    # (the item needs review), not an old edition cited
    assert hits(r, "L205") and not hits(r, "L207")
    r = run(with_basis(Book(), "【法律】《中华人民共和国统计法》（2009年6月27日修订）第四十二条第二款"), tmp_path)
    assert hits(r, "L207") and "2024-09-13" in hits(r, "L207")[0].message_zh


def test_edition_not_old_while_the_revision_is_not_yet_in_force(book, tmp_path):
    """固体废物污染环境防治法 was revised on 2020-04-29, in force from 2020-09-01: a list filled in July 2020
    rightly cites the 2016 edition (the real 江门 standard of 2020 does)."""
    basis = "【法律】《中华人民共和国固体废物污染环境防治法》（2016年修订）第六十八条"
    r = run(with_basis(book, basis, filled="2020-07-01"), tmp_path)
    assert not hits(r, "L207")
    r = run(with_basis(Book(), basis, filled="2020-10-01"), tmp_path)
    assert hits(r, "L207") and "2020-04-29" in hits(r, "L207")[0].message_zh


def test_revision_adopted_before_but_in_force_after_filling_needs_review(book, tmp_path):
    """Filled in July 2020, between the 2020-04-29 revision and its 2020-09-01 commencement: the item
    must be reviewed (L205), though the edition it cites is not yet old (no L207)."""
    basis = "【法律】《中华人民共和国固体废物污染环境防治法》（2016年修订）第六十八条"
    r = run(with_basis(book, basis, filled="2020-07-01"), tmp_path)
    [f] = hits(r, "L205")
    assert "2020-04-29（2020-09-01 施行）" in f.message_zh
    r = run(with_basis(Book(), basis, filled="2020-10-01"), tmp_path)
    assert not hits(r, "L205")


OLD_SAND = ("违反本条例规定，未办理河道采砂许可证，擅自在长江采砂的，由县级以上地方人民政府水行政主管部门或者长江水利委员会"
            "依据职权，责令停止违法行为，没收违法所得和非法采砂机具，并处10万元以上30万元以下的罚款")


def test_stale_quote_flagged(book, tmp_path):
    r = run(with_basis(book, f"【行政法规】《长江河道采砂管理条例》第十八条第一款：{OLD_SAND}"), tmp_path)
    f = hits(r, "L210")
    assert f and f[0].severity == "warning"
    assert "2001-10-25" in f[0].message_zh and "10万元以上30万元以下" in f[0].message_zh
    assert "2倍以上20倍以下" in basis_of(r)._law_text  # the text in force, for the statutory range


def test_stale_quote_not_flagged_when_the_old_text_was_in_force(book, tmp_path):
    r = run(with_basis(book, f"【行政法规】《长江河道采砂管理条例》第十八条第一款：{OLD_SAND}", filled="2020-01-01"),
            tmp_path)
    assert not hits(r, "L210") and not hits(r, "L211")
    assert "10万元以上30万元以下" in basis_of(r)._law_text


def test_statutory_range_read_from_the_law(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国水污染防治法》第八十三条第（二）项"), tmp_path)
    b = basis_of(r)
    assert "处十万元以上一百万元以下的罚款" in b._law_text and "（二）超过水污染物排放标准" in b._law_text
    assert not [f for f in r.findings if f.rule.startswith("L2") and f.rule >= "L208"]


def test_law_text_of_the_cited_paragraph(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国统计法》第四十五条第三款"), tmp_path)
    assert basis_of(r)._law_text.startswith("个体工商户迟报统计资料的")


def test_article_not_found(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国行政许可法》第二百零一条"), tmp_path)
    f = hits(r, "L208")
    assert f and f[0].severity == "warning" and "第二百零一条" in f[0].message_zh
    r = run(with_basis(Book(), "【法律】《中华人民共和国道路交通安全法》第九十条第三款"), tmp_path)
    assert hits(r, "L208") and "第三款" in hits(r, "L208")[0].message_zh


def test_item_of_the_paragraph_above_is_fine(book, tmp_path):
    """第四十四条第二款第（一）项: the items are in the first paragraph, the fine in the second."""
    r = run(with_basis(book, "【法律】《中华人民共和国统计法》第四十四条第二款第（一）项"), tmp_path)
    assert not hits(r, "L208")


def test_quote_mismatch(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国道路交通安全法》第九十条：国家鼓励发展乡村客运，提高行政村通班车率，"
                             "满足农民群众出行需要。"), tmp_path)
    f = hits(r, "L211")
    assert f and "机动车驾驶人违反道路交通安全法律" in f[0].message_zh and "乡村客运" in f[0].message_zh


def test_quote_with_a_fine_the_law_does_not_state(book, tmp_path):
    """The words are the article's, the sums are not (民用爆炸物品安全管理条例 第五十条 says 2万元以上10万元以下)."""
    r = run(with_basis(book, "【行政法规】《民用爆炸物品安全管理条例》第五十条第（二）项：民用爆炸物品丢失、被盗、被抢，"
                             "未按照规定向当地公安机关报告或者故意隐瞒不报的，由公安机关处5万元以上20万元以下的罚款"), tmp_path)
    f = hits(r, "L211")
    assert f and "2万元以上10万元以下" in f[0].message_zh and "5万元以上20万元以下" in f[0].message_zh
    assert "2万元以上10万元以下" in basis_of(r)._law_text  # the law's range, for the discretion checks
    r = run(with_basis(Book(), "【行政法规】《民用爆炸物品安全管理条例》第五十条第（二）项：民用爆炸物品丢失、被盗、被抢，"
                               "未按照规定向当地公安机关报告或者故意隐瞒不报的，由公安机关处二万元以上十万元以下的罚款"), tmp_path)
    assert not hits(r, "L211")


MEDICAL_28 = "医疗机构不得使用非卫生技术人员从事医疗卫生技术工作。"
MEDICAL_48 = ("违反本条例第二十八条规定，使用非卫生技术人员从事医疗卫生技术工作的，由县级以上人民政府卫生行政部门责令其限期改正，"
              "并可以处以5000元以下的罚款；情节严重的，吊销其《医疗机构执业许可证》。")


@pytest.mark.parametrize("quote", [
    MEDICAL_48,  # the penalty article's text only
    f"第四十八条 {MEDICAL_48}",
    MEDICAL_28 + MEDICAL_48,
    f"第二十八条 {MEDICAL_28}\n第四十八条 {MEDICAL_48}",
])
def test_one_quote_for_two_articles_cited_together(book, tmp_path, quote):
    """医疗机构管理条例 第二十八条、第四十八条：<the text of one or both>: the quote is theirs together,
    not a sign that 第二十八条 should read 第四十八条."""
    r = run(with_basis(book, f"【行政法规】《医疗机构管理条例》第二十八条、第四十八条：{quote}"), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L208", "L209", "L210", "L211")]


def test_inserted_article_is_not_the_article_it_follows(book, tmp_path):
    """刑法 第一百三十三条之一 (inserted by an amendment) has a text of its own; it is not 第一百三十三条."""
    r = run(with_basis(book, "【法律】《中华人民共和国刑法》第一百三十三条之一：在道路上驾驶机动车，有下列情形之一的，处拘役，"
                             "并处罚金：（一）追逐竞驶，情节恶劣的；（二）醉酒驾驶机动车的；"), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L208", "L209", "L210", "L211", "L212")]
    assert basis_of(r)._law_text.startswith("在道路上驾驶机动车")


def test_one_quote_for_two_articles_still_checked(book, tmp_path):
    # neither article is the one quoted
    r = run(with_basis(book, f"【行政法规】《医疗机构管理条例》第二十七条、第四十七条：{MEDICAL_28}{MEDICAL_48}"), tmp_path)
    assert hits(r, "L209") and hits(r, "L211")
    # a sum the law does not state
    r = run(with_basis(Book(), "【行政法规】《医疗机构管理条例》第二十八条、第四十八条："
                               + MEDICAL_28 + MEDICAL_48.replace("5000元", "8000元")), tmp_path)
    f = hits(r, "L211")
    assert len(f) == 1 and "第四十八条" in f[0].message_zh and "8000" in f[0].message_zh


@pytest.mark.parametrize("quote", [
    # punctuation, spaces and an ellipsis
    "机动车驾驶人违反道路交通安全法律、法规关于道路通行规定的……处警告或者二十元以上二百元以下罚款",
    "机动车驾驶人 违反道路交通安全法律,法规关于道路通行规定的,处警告或者20元以上200元以下罚款。",
    # a partial quote
    "处警告或者二十元以上二百元以下罚款",
])
def test_tolerant_quote_comparison(book, tmp_path, quote):
    r = run(with_basis(book, f"【法律】《中华人民共和国道路交通安全法》第九十条：{quote}"), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L208", "L209", "L210", "L211")]


def test_numbers_in_words_or_digits_are_the_same(book, tmp_path):
    """The regulation writes 1万元以上5万元以下, the cell 一万元以上五万元以下."""
    r = run(with_basis(book, "【行政法规】《烟花爆竹安全管理条例》第四十二条第一款：由公安部门责令停止燃放，"
                             "对责任单位处一万元以上五万元以下的罚款"), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L208", "L209", "L210", "L211")]


def test_basis_not_fitting_penalty(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国行政许可法》第一条"), tmp_path)
    f = hits(r, "L212")
    assert f and f[0].severity == "warning" and "处罚" in f[0].message_zh


def test_basis_not_fitting_licence(book, tmp_path):
    r = run(with_basis(book, "【法律】《中华人民共和国环境保护法》第一条", i=0), tmp_path)
    assert hits(r, "L212")


def test_basis_fitting_with_a_cross_reference(book, tmp_path):
    """依照前款规定处罚 and the like count as penalty wording; so does a second basis with a fine."""
    r = run(with_basis(book, "【行政法规】《长江河道采砂管理条例》第十八条第二款"), tmp_path)
    assert not hits(r, "L212")
    r = run(with_basis(Book(), "【法律】《中华人民共和国行政许可法》第一条；【法律】《中华人民共和国水污染防治法》第八十三条"),
            tmp_path)
    assert not hits(r, "L212")


def test_unknown_or_local_law_is_not_judged(book, tmp_path):
    r = run(with_basis(book, "【地方性法规】《广东省环境保护条例》第一条：为了保护和改善环境，制定本条例。"), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L204", "L208", "L209", "L210", "L211", "L212")]


def test_demo_inventories_have_no_unknown_laws_and_no_new_errors():
    r = validate([ROOT / "inventories"])
    assert not [f for f in r.findings if f.rule == "L204"]
    assert not [f for f in r.findings if f.rule.startswith("L") and f.severity == "error"]


def test_real_standard_laws_all_known():
    import openpyxl
    import re

    laws = LawRegistry.load()
    wb = openpyxl.load_workbook(ROOT / "tests/data/jiangmen-eco-env-discretion-2020.xlsx", read_only=True)
    titles = set()
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                titles.update(re.findall(r"《([^》]+)》", str(v or "")))
    cited = {t for t in titles if re.search(r"(法|条例|办法)[五]?$", t)}
    assert cited and not [t for t in cited if laws.find(t) is None]


def test_rule_codes_registered():
    from powers.rules import RULES

    assert {c: RULES[c].slug for c in ("L208", "L209", "L210", "L211", "L212")} == {
        "L208": "article-not-found", "L209": "article-moved", "L210": "quote-outdated",
        "L211": "quote-mismatch", "L212": "basis-not-fitting"}
    assert all(RULES[c].severity == "warning" for c in ("L208", "L209", "L210", "L211", "L212"))
    assert L.PENALTY_WORDS.search("依照本法第二十条的规定处罚")


def test_wheel_carries_the_registry_and_its_texts(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    [wheel] = list(tmp_path.glob("powers-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"powers/data/laws-index.json", "powers/data/laws-text.zip", "powers/data/laws.json"} <= set(names)
    unpacked = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from powers.laws import LawRegistry; import powers; "
            "assert powers.__file__.startswith(sys.argv[1]); r = LawRegistry.load(); "
            "print(len(r), r.article(r.find('水污染防治法'), 83).text[:80])")
    out = subprocess.run([sys.executable, "-c", code, str(unpacked)], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[0]) > 1100 and "十万元以上一百万元以下" in out.stdout


def test_item_of_the_state_council_decision_is_a_known_precise_basis(book, tmp_path):
    """国务院令第412号 is cited by item (附件第101项); that is neither a missing article nor an unknown law."""
    basis = "【行政法规】《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第101项：城市建筑垃圾处置核准"
    r = run(with_basis(book, basis, i=0), tmp_path)
    assert not [f for f in r.findings if f.rule in ("L202", "L204")]
    r = run(with_basis(Book(), "【行政法规】《国务院对确需保留的行政审批项目设定行政许可的决定》", i=0), tmp_path)
    assert hits(r, "L202")
