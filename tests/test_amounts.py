"""Amounts as laws and published standards write them (texts from real laws and from the 江门
生态环境 discretion standard, 2020): several ranges with their conditions, multiples and
percentages with their base, separate fines for the unit and for responsible persons."""
import pytest

from powers.normalize import fine_from_words, fine_ranges, fine_text, yuan

W = 10_000


def ranges(text):
    return [(f.lower, f.upper, f.unit, f.condition, f.target) for f in fine_ranges(text)]


@pytest.mark.parametrize("text,expected", [
    # 土壤污染防治法 第八十六条: a general range and one for serious consequences
    ("有前款规定行为之一的，处二万元以上二十万元以下的罚款；有前款第二项、第四项、第五项、第七项规定行为之一，"
     "造成严重后果的，处二十万元以上二百万元以下的罚款",
     [(2 * W, 20 * W, "元", None, None), (20 * W, 200 * W, "元", "造成严重后果的", None)]),
    # 土壤污染防治法 第八十七条: 情节严重的, and detention that is not a fine
    ("违反本法规定，向农用地排放重金属或者其他有毒有害物质含量超标的污水、污泥的，由地方人民政府生态环境主管部门"
     "责令改正，处十万元以上五十万元以下的罚款；情节严重的，处五十万元以上二百万元以下的罚款，并可以将案件移送公安机关，"
     "对直接负责的主管人员和其他直接责任人员处五日以上十五日以下的拘留；有违法所得的，没收违法所得",
     [(10 * W, 50 * W, "元", None, None), (50 * W, 200 * W, "元", "情节严重的", None)]),
    # 建设项目环境保护管理条例 第二十三条, quoted over three merged ranges (line breaks)
    ("由县级以上环境保护行政主管部门责令限期改正，处20万元以上100万元以下的罚款\n逾期不改正的，处100万元以上200万元以下的罚款\n"
     "对直接负责的主管人员和其他责任人员，处5万元以上20万元以下的罚款",
     [(20 * W, 100 * W, "元", None, None), (100 * W, 200 * W, "元", "逾期不改正的", None),
      (5 * W, 20 * W, "元", None, "个人")]),
    # 环境影响评价法 第三十二条: the unit and the persons responsible
    ("由设区的市级以上人民政府生态环境主管部门对建设单位处五十万元以上二百万元以下的罚款，并对建设单位的法定代表人、"
     "主要负责人、直接负责的主管人员和其他直接责任人员，处五万元以上二十万元以下的罚款。",
     [(50 * W, 200 * W, "元", None, "单位"), (5 * W, 20 * W, "元", None, "个人")]),
    # 放射性污染防治法 第五十三条: a multiple or yuan, by the amount of illegal gains
    ("有违法所得的，没收违法所得；违法所得十万元以上的，并处违法所得一倍以上五倍以下罚款；没有违法所得或者违法所得不足"
     "十万元的，并处一万元以上十万元以下罚款；构成犯罪的，依法追究刑事责任",
     [(1, 5, "倍", "违法所得十万元以上的", None), (W, 10 * W, "元", "没有违法所得或者违法所得不足十万元的", None)]),
    # published tiers: the unit and the persons in one standard
    ("处八十万元以上一百万元以下罚款，个人处一万五千元以上二万元以下罚款",
     [(80 * W, 100 * W, "元", None, None), (15000, 20000, "元", None, "个人")]),
    ("处以直接损失20%的罚款；对责任人员可以处上一年度从本单位取得收入10%以上20%以下的罚款",
     [(20, 20, "%", None, None), (10, 20, "%", None, "个人")]),
    # 固体废物污染环境防治法 第八十二条: a percentage for serious losses
    ("处二万元以上二十万元以下的罚款；造成重大损失的，按照直接损失的百分之三十计算罚款，但是最高不超过一百万元",
     [(2 * W, 20 * W, "元", None, None), (30, 30, "%", "造成重大损失的", None)]),
    # 证券投资基金法 第一百二十九条: the persons' 对 phrase followed by other sanctions before the fine
    ("基金管理人、基金托管人有本法第七十三条第一款第一项至第五项和第七项所列行为之一，或者违反本法第七十三条第二款规定的，"
     "责令改正，处十万元以上一百万元以下罚款；对直接负责的主管人员和其他直接责任人员给予警告，暂停或者撤销基金从业资格，"
     "并处三万元以上三十万元以下罚款。",
     [(10 * W, 100 * W, "元", None, None), (3 * W, 30 * W, "元", None, "个人")]),
    # 证券公司监督管理条例 第八十三条 (2014): 对…，给予警告，并处以…
    ("证券公司违反本条例的规定，有下列情形之一的，责令改正，给予警告，没收违法所得，并处以违法所得1倍以上5倍以下的罚款；"
     "没有违法所得或者违法所得不足10万元的，处以10万元以上30万元以下的罚款；情节严重的，暂停或者撤销其相关证券业务许可。"
     "对直接负责的主管人员和其他直接责任人员，给予警告，并处以3万元以上10万元以下的罚款；情节严重的，撤销任职资格或者证券从业资格：",
     [(1, 5, "倍", None, None), (10 * W, 30 * W, "元", "没有违法所得或者违法所得不足10万元的", None),
      (3 * W, 10 * W, "元", None, "个人")]),
    # 青藏高原生态保护法 第五十八条: the circumstance in the individual's sentence is the individual's
    ("由环境卫生主管部门或者县级以上地方人民政府指定的部门责令改正，对个人处一百元以上五百元以下罚款，情节严重的，"
     "处五百元以上一万元以下罚款；对单位处五万元以上五十万元以下罚款。",
     [(100, 500, "元", None, "个人"), (500, W, "元", "情节严重的", "个人"), (5 * W, 50 * W, "元", None, "单位")]),
    # 融资担保公司监督管理条例 第四十三条: 董事、监事、高级管理人员 are persons
    ("依照本条例规定对融资担保公司处以罚款的，根据具体情形，可以同时对负有直接责任的董事、监事、高级管理人员处5万元以下的罚款。",
     [(0, 5 * W, "元", None, "个人")]),
])
def test_several_ranges_with_conditions_and_targets(text, expected):
    assert ranges(text) == expected


@pytest.mark.parametrize("text,lower,upper,unit,base", [
    ("处所收费用三倍的罚款", 3, 3, "倍", "所收费用"),
    ("违法所得一倍以上五倍以下", 1, 5, "倍", "违法所得"),
    ("责令改正，处货值金额等值以上三倍以下的罚款", 1, 3, "倍", "货值金额"),
    ("可以并处违法所得三倍以下的罚款", 0, 3, "倍", "违法所得"),
    ("责令限期改正，处代为处置费用两倍的罚款", 2, 2, "倍", "代为处置费用"),
    ("处以直接经济损失5倍罚款", 5, 5, "倍", "直接经济损失"),
    ("百分之一", 1, 1, "%", None),
    ("责令停止建设，处建设项目总投资额百分之一以上百分之三以下的罚款", 1, 3, "%", "建设项目总投资额"),
    ("对直接负责的主管人员和其他直接责任人员可以处上一年度从本单位取得的收入百分之五十以下的罚款", 0, 50, "%",
     "上一年度从本单位取得的收入"),
    ("处以直接损失20%的罚款", 20, 20, "%", "直接损失"),
    ("对责任人员可以处上一年度从本单位取得收入35以上50％以下的罚款", 35, 50, "%", "上一年度从本单位取得收入"),
    ("对责任人员可以处上一年度从本单位取得收入20%以上30%的罚款", 20, 30, "%", "上一年度从本单位取得收入"),
    ("并处违法生产、销售产品货值金额百分之五十以上三倍以下的罚款", 0.5, 3, "倍", "违法生产、销售产品货值金额"),
    # decimals in words, as published standards write them
    ("没收违法所得，并处货值金额零点五倍以上一倍以下罚款", 0.5, 1, "倍", "货值金额"),
    ("处建设项目总投资额百分之一以上百分之一点五以下罚款", 1, 1.5, "%", "建设项目总投资额"),
])
def test_multiples_and_percentages_keep_their_unit_and_base(text, lower, upper, unit, base):
    f = fine_from_words(text)
    assert (f.lower, f.upper, f.unit, f.base) == (lower, upper, unit, base)


@pytest.mark.parametrize("text,lower,upper", [
    # the end-point convention written inside the range (含本数) is not an amount
    ("处1万元以上（含1万元）3万元以下罚款", W, 3 * W),
    ("处一万元（含本数）以上三万元（不含本数）以下罚款", W, 3 * W),
    ("处3万元以上5万元以下（不含5万元）的罚款", 3 * W, 5 * W),
    ("处1万元以上(含)3万元以下罚款", W, 3 * W),
    # the unit written once, after the upper bound; a range in 万 without 元; 、 or 及 inside the range
    ("责令改正，处10-30万元罚款", 10 * W, 30 * W),
    ("处一至三万元罚款", W, 3 * W),
    ("处2-5千元罚款", 2000, 5000),
    ("处5000-3万元罚款", 5000, 3 * W),
    ("处3万以上5万以下罚款", 3 * W, 5 * W),
    ("处3万元以上、5万元以下罚款", 3 * W, 5 * W),
    ("处3万元以上5万元及以下罚款", 3 * W, 5 * W),
    ("责令停止违法行为，限期改正，处以一万元罚款", W, W),
    ("责令备案，处一万元以下罚款", 0, W),
    ("二十万元罚款", 20 * W, 20 * W),
    ("责令改正，处二十万元罚款", 20 * W, 20 * W),
    ("处十二万以上十五万元以下罚款", 12 * W, 15 * W),  # the lower bound without its unit
    ("五千以上一万元以下", 5000, W),
    ("责令停止违法行为，可以处二百以上五百元以下的罚款", 200, 500),
    ("5万元以上10万元以下", 5 * W, 10 * W),
    ("2000元以上1万元以下", 2000, W),
    ("处20万元以上100万元以下罚款", 20 * W, 100 * W),
    ("责令改正，处1500元以上3000元以下罚款", 1500, 3000),
    ("处一万五千元以上二万元以下罚款", 15000, 20000),
    ("处七万元以下九万元以下罚款", 7 * W, 9 * W),  # 以上 misprinted 以下 in the published standard
    ("处二十万元以上三十万元以下元罚款", 20 * W, 30 * W),
    ("处五千元至一万元罚款", 5000, W),
    ("处警告或者二十元以上二百元以下罚款。", 20, 200),
])
def test_yuan(text, lower, upper):
    f = fine_from_words(text)
    assert (f.lower, f.upper, f.unit) == (lower, upper, "元")


def test_main_range_is_the_general_one_for_the_offender():
    f = fine_from_words("个人处1000元以上1万元以下的罚款；单位处5万元以上20万元以下的罚款")
    assert (f.lower, f.upper) == (5 * W, 20 * W)
    f = fine_from_words("可以并处五万元以下的罚款；情节严重的，并处五万元以上二十万元以下的罚款")
    assert (f.lower, f.upper, f.condition) == (0, 5 * W, None)
    f = fine_from_words("责令改正；情节严重的，处五万元以上十万元以下罚款")
    assert (f.lower, f.upper, f.condition) == (5 * W, 10 * W, "情节严重的")


@pytest.mark.parametrize("text", [
    "违法所得十万元以上的，依法没收违法所得",  # an amount that is not a fine
    "处五日以上十五日以下的拘留",
    "由县级以上人民政府环境保护主管部门责令改正，并处罚款",
    "给予警告",
    "",
    None,
])
def test_no_fine(text):
    assert [f for f in fine_ranges(text) if f.upper is not None] == []
    assert fine_from_words(text) is None or fine_from_words(text).upper is None


def test_items_a_range_is_limited_to():
    [f] = fine_ranges("处以罚款：（九）未按照规定采取防护性措施的。有前款第一项、第二项、第五项、第九项行为之一的，"
                      "处十万元以上一百万元以下的罚款")
    assert f.items == [1, 2, 5, 9] and f.condition is None


def test_text_for_messages():
    assert yuan(1_000_010) == "1000010元" and yuan(20 * W) == "20万元"
    assert fine_text(fine_from_words("处所收费用一倍以上三倍以下的罚款")) == "所收费用1倍～3倍"
    assert fine_text(fine_from_words("处所收费用三倍的罚款")) == "所收费用3倍"
    assert fine_text(fine_from_words("处违法所得一倍以上的罚款")) == "违法所得1倍以上"
    assert fine_text(fine_from_words("处一万元以上的罚款")) == "1万元以上"


def test_counts_in_ten_thousands_are_not_fines():
    assert fine_ranges("排放量3万以上5万以下吨的") == []
