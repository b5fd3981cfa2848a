"""Legal bases parsed like a legal officer reads them: each case is real text (or written in the
style of a real province catalog) with the title(s) and article(s) an officer reads in it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from powers.legal import continues_previous, parse_bases, split_citations

ROOT = Path(__file__).resolve().parent.parent


def cites(cell: str) -> list[tuple]:
    return [(b.title, b.article, b.paragraph, b.item) for b in parse_bases(cell)]


# -- document numbers, level tags, issuers ------------------------------------------------------

def test_document_number_after_title():
    [b] = parse_bases("《中华人民共和国道路运输条例》（国务院令第549号）第二十二条")
    assert (b.title, b.article, b.doc_number, b.edition) == ("中华人民共和国道路运输条例", 22, "国务院令第549号", None)


def test_announcement_number_is_not_an_edition():
    [b] = parse_bases("《国家税务总局关于发布〈税收减免管理办法〉的公告》（国家税务总局公告2012年第24号）")
    assert b.title == "国家税务总局关于发布〈税收减免管理办法〉的公告"
    assert b.doc_number == "国家税务总局公告2012年第24号" and b.edition is None and b.article is None


def test_ministry_order_with_year_and_edition():
    [b] = parse_bases("《道路旅客运输及客运站管理规定》（交通运输部令2016年第82号）第九十五条：客运经营者有下列情形之一的……")
    assert (b.title, b.article, b.doc_number) == ("道路旅客运输及客运站管理规定", 95, "交通运输部令2016年第82号")
    [b] = parse_bases("《娱乐场所管理条例》（2020年11月29日修订）（国务院令第458号）第四十三条")
    assert (b.edition, b.doc_number, b.article) == ("2020年11月29日修订", "国务院令第458号", 43)


def test_numbering_or_colon_after_level_tag():
    [b] = parse_bases("【法律】1.《中华人民共和国消防法》第五十八条第一款第（一）项：依法应当进行消防设计审查的建设工程……")
    assert (b.level, b.title, b.article, b.paragraph, b.item) == ("法律", "中华人民共和国消防法", 58, 1, 1)
    [b] = parse_bases("【行政法规】：《烟花爆竹安全管理条例》第三十六条第二款：未经许可举办焰火晚会……")
    assert (b.level, b.title, b.article, b.paragraph) == ("行政法规", "烟花爆竹安全管理条例", 36, 2)
    [b] = parse_bases("1、【规章】《城市建筑垃圾管理规定》第七条第一款")
    assert (b.level, b.title, b.article, b.paragraph) == ("规章", "城市建筑垃圾管理规定", 7, 1)


def test_issuer_before_title_two_bases():
    bases = parse_bases("国务院《娱乐场所管理条例》第三十二条、公安部《娱乐场所治安管理办法》第二十六条")
    assert [(b.issuer, b.title, b.article) for b in bases] == [
        ("国务院", "娱乐场所管理条例", 32), ("公安部", "娱乐场所治安管理办法", 26)]


def test_quote_after_joined_citations_is_the_last_ones_text():
    a, b = parse_bases("国务院《娱乐场所管理条例》第三十二条、公安部《娱乐场所治安管理办法》第二十六条：娱乐场所应当……")
    assert a.text == "" and b.text == "娱乐场所应当……"
    assert a.raw == "国务院《娱乐场所管理条例》第三十二条"


def test_prefix_yiju():
    assert cites("依据：《中华人民共和国统计法》第三十七条") == [("中华人民共和国统计法", 37, None, None)]


# -- several citations --------------------------------------------------------------------------

def test_several_citations_joined_in_one_line():
    cell = ("《中华人民共和国公路法》第七十六条、《公路安全保护条例》第六十二条和《超限运输车辆行驶公路管理规定》"
            "第四十三条及《路政管理规定》第二十八条；《中华人民共和国道路运输条例》第六十八条")
    assert [(t, a) for t, a, _, _ in cites(cell)] == [
        ("中华人民共和国公路法", 76), ("公路安全保护条例", 62), ("超限运输车辆行驶公路管理规定", 43),
        ("路政管理规定", 28), ("中华人民共和国道路运输条例", 68)]


def test_numbered_citations_separated_by_semicolon():
    cell = "1、《中华人民共和国消防法》第五十八条；2、《中华人民共和国消防法》第六十四条第（一）项"
    assert cites(cell) == [("中华人民共和国消防法", 58, None, None), ("中华人民共和国消防法", 64, None, 1)]
    assert len(split_citations(cell)) == 2


def test_numbered_citations_with_quotes_on_lines_real_jiangmen():
    cell = ("1、《中华人民共和国环境噪声污染防治法》（2018年修订）第四十九条：\n违反本法规定，拒报或者谎报规定的环境噪声排放"
            "申报事项的，县级以上地方人民政府生态环境主管部门可以根据不同情节，给予警告或者处以罚款。\n"
            "2、《广东省实施〈中华人民共和国环境噪声污染防治法〉办法》第三十一条第（二）项：\n违反本办法的规定，有下列"
            "情形之一者，……责令其改正，并根据情节轻重给予处罚：\n（二）违反本办法第六、七条规定，拒报或谎报有关环境噪声排放"
            "申报登记事项的，由县级以上环境保护行政主管部门给予警告或者处以300元以上3000元以下罚款。")
    bases = parse_bases(cell)
    assert [(b.title, b.article, b.item) for b in bases] == [
        ("中华人民共和国环境噪声污染防治法", 49, None),
        ("广东省实施〈中华人民共和国环境噪声污染防治法〉办法", 31, 2)]
    assert bases[0].edition == "2018年修订" and bases[0].text.startswith("违反本法规定，拒报")
    assert bases[1].text.endswith("3000元以下罚款。")


def test_several_paragraphs_and_items_of_one_article():
    assert cites("《中华人民共和国环境影响评价法》（2018年修订）第三十一条第一款、第二款：建设单位未依法报批……") == [
        ("中华人民共和国环境影响评价法", 31, 1, None), ("中华人民共和国环境影响评价法", 31, 2, None)]
    assert cites("《中华人民共和国放射性污染防治法》第五十四条第一款第（一）项、第（二）项") == [
        ("中华人民共和国放射性污染防治法", 54, 1, 1), ("中华人民共和国放射性污染防治法", 54, 1, 2)]
    assert [a for _, a, _, _ in cites("《中华人民共和国行政许可法》第十四条至第十七条")] == [14, 15, 16, 17]
    assert [a for _, a, _, _ in cites("《中华人民共和国行政处罚法》第十、十一条")] == [10, 11]


def test_numbering_styles_and_full_width_tag():
    assert cites("（1）《中华人民共和国公路法》第七十六条；（2）《公路安全保护条例》第六十二条") == [
        ("中华人民共和国公路法", 76, None, None), ("公路安全保护条例", 62, None, None)]  # （2） is no item
    assert cites("1.《中华人民共和国行政许可法》第十二条。2.《中华人民共和国行政许可法》第十四条。") == [
        ("中华人民共和国行政许可法", 12, None, None), ("中华人民共和国行政许可法", 14, None, None)]
    assert cites("一、《中华人民共和国公路法》第七十六条 二、《公路安全保护条例》第六十二条") == [
        ("中华人民共和国公路法", 76, None, None), ("公路安全保护条例", 62, None, None)]
    [b] = parse_bases("［行政法规］《公路安全保护条例》第六十二条")
    assert (b.level, b.title, b.article) == ("行政法规", "公路安全保护条例", 62)


@pytest.mark.parametrize("refs,items", [
    ("第八十三条第（一）、（二）项", [1, 2]),
    ("第八十三条第一、二项", [1, 2]),
    ("第八十三条第（一）至（四）项", [1, 2, 3, 4]),
    ("第八十三条第（一）项至第（三）项", [1, 2, 3]),
    ("第八十三条第（一）项、（二）项", [1, 2]),
])
def test_item_lists_and_ranges(refs, items):
    assert [i for _, _, _, i in cites(f"《中华人民共和国水污染防治法》{refs}")] == items


def test_paragraph_list_and_ascii_brackets():
    assert cites("<<中华人民共和国水污染防治法>>第八十四条第一、二款") == [
        ("中华人民共和国水污染防治法", 84, 1, None), ("中华人民共和国水污染防治法", 84, 2, None)]


def test_citation_on_its_own_line_without_colon():
    cell = ("《中华人民共和国公路法》第七十六条违反本法规定的，由交通主管部门责令停止违法行为\n"
            "《公路安全保护条例》第六十二条违反本条例的规定，……\n"
            "《中华人民共和国行政处罚法》第十条规定的处罚种类……")  # the last line is quoted text
    assert [(t, a) for t, a, _, _ in cites(cell)] == [("中华人民共和国公路法", 76), ("公路安全保护条例", 62)]


# -- further articles on later lines ----------------------------------------------------------

def test_article_on_its_own_line_belongs_to_the_law_above():
    cell = ("【行政法规】《中华人民共和国道路运输条例》（2023年7月20日第五次修订）第六十三条：违反本条例的规定，有下列情形之一的，"
            "由县级以上地方人民政府交通运输主管部门责令停止经营，并处罚款；构成犯罪的，依法追究刑事责任：\n"
            "第六十四条 不符合本条例第九条、第二十二条规定条件的人员驾驶道路运输经营车辆的，由县级以上地方人民政府交通运输"
            "主管部门责令改正，处200元以上2000元以下的罚款；构成犯罪的，依法追究刑事责任。")
    bases = parse_bases(cell)
    assert [(b.title, b.article) for b in bases] == [("中华人民共和国道路运输条例", 63), ("中华人民共和国道路运输条例", 64)]
    assert bases[1].level == "行政法规" and bases[1].edition == "2023年7月20日第五次修订"
    assert bases[1].text.startswith("不符合本条例第九条") and "第六十四条" not in bases[0].text


def test_title_alone_with_its_articles_on_the_lines_below():
    cell = ("【法律】《中华人民共和国消防法》\n第十五条 公众聚集场所投入使用、营业前，建设单位或者使用单位应当向场所所在地的"
            "县级以上地方人民政府消防救援机构申请消防安全检查……\n第十六条 机关、团体、企业、事业等单位应当履行下列消防安全职责……")
    bases = parse_bases(cell)
    assert [(b.level, b.title, b.article) for b in bases] == [
        ("法律", "中华人民共和国消防法", 15), ("法律", "中华人民共和国消防法", 16)]  # no article-less basis
    assert bases[1].text.startswith("机关、团体")


def test_level_written_with_a_colon():
    [b] = parse_bases("法律：《中华人民共和国消防法》第十五条")
    assert (b.level, b.title, b.article) == ("法律", "中华人民共和国消防法", 15)


def test_quoted_article_heading_repeating_the_cited_article_is_text_real_jiangmen():
    cell = ("2、《广东省实施〈中华人民共和国环境噪声污染防治法〉办法》（2018年修订）第三十一条第（一）项：\n"
            "第三十一条\u3000违反本办法的规定，有下列情形之一者，由县级以上环境保护行政主管部门……责令其改正：\n"
            "（一）违反本办法第五条规定，建设项目中需要配套建设的环境噪声污染防治设施没有建成……")
    assert cites(cell) == [("广东省实施〈中华人民共和国环境噪声污染防治法〉办法", 31, None, 1)]


# -- missing 《, quoted text -----------------------------------------------------------------------

def test_missing_opening_bracket():
    assert cites("中华人民共和国水法》第三十一条") == [("中华人民共和国水法", 31, None, None)]
    assert cites("中华人民共和国治安管理处罚法第二十三条第一款第（二）项") == [  # no 《》 at all
        ("中华人民共和国治安管理处罚法", 23, 1, 2)]
    cell = ("中华人民共和国放射性污染防治法》第五十五条第（二）项：\n违反本法规定，有下列行为之一的，……\n"
            "（二）不按照规定建立健全安全保卫制度和制定事故应急计划或者应急措施的；")  # real (jiangmen)
    assert cites(cell) == [("中华人民共和国放射性污染防治法", 55, None, 2)]


def test_quote_naming_this_regulation_and_another_law_makes_no_basis():
    cell = ("【行政法规】《中华人民共和国测绘成果管理条例》第二十七条：违反本条例规定，未汇交测绘成果资料的，"
            "依照《中华人民共和国测绘法》第四十七条的规定进行处罚。")
    [b] = parse_bases(cell)
    assert (b.title, b.article) == ("中华人民共和国测绘成果管理条例", 27)
    assert b.text.endswith("依照《中华人民共和国测绘法》第四十七条的规定进行处罚。")


def test_quote_lines_starting_with_this_regulation_or_a_law_make_no_basis():
    cell = ("《建设项目环境保护管理条例》（2017年修订）第二十三条第一款：\n"
            "违反本条例第二十三条第二款规定的，由县级以上环境保护行政主管部门责令限期改正，处20万元以上100万元以下的罚款；\n"
            "依照《中华人民共和国环境影响评价法》第三十一条处罚的，不再重复处罚。\n"
            "《中华人民共和国行政处罚法》另有规定的，从其规定。\n"
            "本条例第二十三条 所称环境保护设施……")
    assert cites(cell) == [("建设项目环境保护管理条例", 23, 1, None)]


def test_quote_mentioning_another_law_mid_text_real_jiangmen():
    cell = ("《中华人民共和国水污染防治法》（2017年修订）第九十四条：\n企业事业单位违反本法规定，造成水污染事故的，……；"
            "有《中华人民共和国环境保护法》第六十三条规定的违法排放水污染物等行为之一，尚不构成犯罪的，由公安机关对直接负责的"
            "主管人员和其他直接责任人员处十日以上十五日以下的拘留；情节较轻的，处五日以上十日以下的拘留。\n"
            "对造成一般或者较大水污染事故的，按照水污染事故造成的直接损失的百分之二十计算罚款。")
    assert cites(cell) == [("中华人民共和国水污染防治法", 94, None, None)]


def test_province_style_quote_with_this_law():
    cell = ("【法律】《中华人民共和国食品安全法》第一百二十二条第一款：违反本法规定，未取得食品生产经营许可从事食品生产经营活动，"
            "或者未取得食品添加剂生产许可从事食品添加剂生产活动的，由县级以上人民政府食品安全监督管理部门没收违法所得……")
    [b] = parse_bases(cell)
    assert (b.level, b.title, b.article, b.paragraph) == ("法律", "中华人民共和国食品安全法", 122, 1)
    assert b.text.startswith("违反本法规定，未取得食品生产经营许可")


# -- editions, numerals, annexes ----------------------------------------------------------------

@pytest.mark.parametrize("note", ["2017年修订", "2018年10月26日第二次修正"])
def test_edition_notes(note):
    [b] = parse_bases(f"《中华人民共和国大气污染防治法》（{note}）第九十九条第（一）项")
    assert (b.edition, b.article, b.item, b.doc_number) == (note, 99, 1, None)


@pytest.mark.parametrize("text,expected", [
    ("《中华人民共和国水污染防治法》第八十二条第（一）项", (82, None, 1)),
    ("《中华人民共和国水污染防治法》第82条第1款第2项", (82, 1, 2)),
    ("《中华人民共和国治安管理处罚法》第二十六条第一款", (26, 1, None)),
    ("《中华人民共和国道路交通安全法》第一百零一条", (101, None, None)),
    ("《中华人民共和国放射性污染防治法》第五十四条第一款第(一)项", (54, 1, 1)),
])
def test_numerals(text, expected):
    [b] = parse_bases(text)
    assert (b.article, b.paragraph, b.item) == expected


def test_inserted_article_keeps_its_number_and_notes_zhiyi():
    [b] = parse_bases("《中华人民共和国刑法》第一百二十条之一：资助恐怖活动组织、实施恐怖活动的个人的……")
    assert (b.article, b.article_sub) == (120, 1)
    assert b.citation() == "《中华人民共和国刑法》第一百二十条之一"
    [b] = parse_bases("《中华人民共和国刑法》第一百二十条")
    assert b.article_sub is None


def test_annex_reference_keeps_title_and_invents_no_article():
    [b] = parse_bases("《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第212项：燃气经营许可证核发")
    assert (b.title, b.doc_number, b.article, b.annex) == (
        "国务院对确需保留的行政审批项目设定行政许可的决定", "国务院令第412号", None, "附件第212项")
    assert b.citation().endswith("》附件第212项")


@pytest.mark.parametrize("cell,annex", [
    ("《国务院对确需保留的行政审批项目设定行政许可的决定》第101项：城市建筑垃圾处置核准", "第101项"),
    ("《国务院对确需保留的行政审批项目设定行政许可的决定》第一百零一项", "第一百零一项"),
])
def test_item_of_a_decision_right_after_the_title_is_a_reference(cell, annex):
    """Decisions and catalogues are numbered by item: 第101项 straight after the title is not a missing article."""
    [b] = parse_bases(cell)
    assert (b.article, b.item, b.annex) == (None, None, annex)


# -- continuation of the basis above (merged ranges) -----------------------------------------

@pytest.mark.parametrize("cell", [
    "逾期不拆除的，强制拆除，所需费用由违法者承担，处五十万元以上一百万元以下的罚款，并可以责令停产整治。",  # real
    "对直接负责的主管人员和其他责任人员，处5万元以上20万元以下的罚款",  # real
    "第二十三条 违反本条例规定，……",
    "；情节严重的，处十万元以上五十万元以下罚款",
    "（二）未按照规定安装水污染物排放自动监测设备的；",
])
def test_continues_previous(cell):
    assert continues_previous(cell)


@pytest.mark.parametrize("cell", [
    "《中华人民共和国水污染防治法》（2017年修订）第八十一条：以拖延、围堵……",
    "【法律】《中华人民共和国消防法》第五十八条",
    "中华人民共和国水法》第三十一条",
    "国务院《娱乐场所管理条例》第三十二条",
    "1、《中华人民共和国环境噪声污染防治法》第四十九条",
    "",
    "无",
])
def test_does_not_continue_previous(cell):
    assert not continues_previous(cell)


def test_joined_continuation_parses_as_one_basis():
    first = ("《中华人民共和国水污染防治法》（2017年修订）第八十四条第一款：在饮用水水源保护区内设置排污口的，"
             "由县级以上地方人民政府责令限期拆除，处十万元以上五十万元以下的罚款 ")
    second = "逾期不拆除的，强制拆除，所需费用由违法者承担，处五十万元以上一百万元以下的罚款，并可以责令停产整治。"
    [b] = parse_bases(first + "\n" + second)
    assert (b.article, b.paragraph) == (84, 1) and b.text.endswith("并可以责令停产整治。")
    [lone] = parse_bases(second)
    assert lone.title is None  # alone it has no title: the importer joins it (continues_previous)


# -- figures on the real corpus -----------------------------------------------------------------

def test_corpus_figures():
    """The parser on every distinct 法律依据 cell of the real standard, the demo inventories and the
    province-style strings: every title and article found, nothing invented."""
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "citation_figures.py"), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    fig = json.loads(out.stdout)
    assert fig["citations"] >= 400
    assert fig["titles_found"] == fig["citations"]
    assert fig["articles_found"] == fig["citations_with_article"]
    assert fig["spurious"] == 0
    assert fig["continuations_recognised"] == fig["continuations"]


@pytest.mark.parametrize("cell,number,edition", [
    ("《劳动保障监察条例》（国务院令第423号，2004年11月1日公布）第二十六条", "国务院令第423号", "2004年11月1日公布"),
    ("《城镇燃气管理条例》（国务院令第583号；2016年2月6日修订）第四十五条", "国务院令第583号", "2016年2月6日修订"),
    ("《中华人民共和国道路运输条例》（国务院令第406号）第二十二条", "国务院令第406号", None),
])
def test_document_number_and_edition_in_one_pair_of_brackets(cell, number, edition):
    """The edition after the document number, in the same brackets, still reaches the edition check."""
    [b] = parse_bases(cell)
    assert (b.doc_number, b.edition) == (number, edition) and b.article is not None
