"""Every rule: a workbook that triggers it, and the clean baseline that does not."""
from __future__ import annotations

import json

import pytest

from conftest import Book, licence, step, tier
from powers import validate
from powers.rules import all_rules


def run(book: Book, tmp_path, name="dept.xlsx", **kw):
    return validate([book.save(tmp_path / name)], **kw)


def mutate_power(i, **kw):
    return lambda b: b.powers[i].update(kw)


def set_info(**kw):
    return lambda b: b.info.update(kw)


def set_tiers(*tiers):
    return lambda b: setattr(b, "tiers", list(tiers))


def add_flow(*steps):
    return lambda b: b.flows.extend(steps)


def formula(b):
    b.powers[0]["承办机构"] = "=A1&B1"


def missing_column(b):
    b.drop_cols.add("承办机构")


def loop_flow(b):
    b.powers[0]["流程"] = "循环流程"
    b.flows += [step("循环流程", "1", "受理", 0, "甲:2；乙:4"), step("循环流程", "2", "审查", 1, "3"),
                step("循环流程", "3", "复核", 1, "2"), step("循环流程", "4", "决定", 1, "")]


CASES = {
    "S005": lambda b: b.sheets.update({"流程": None}),
    "S006": lambda b: setattr(b, "title_rows", 31),
    "S007": mutate_power(0, 奇怪的列="x"),
    "S008": formula,
    "S009": missing_column,
    "S010": mutate_power(1, 承办机构=None),
    # no 部门信息 and the power list on a sheet of another name: a flat 权责清单 to import first
    "S011": lambda b: b.sheets.update({"部门信息": "说明", "职权目录": "Sheet1"}),
    "S012": lambda b: setattr(b, "powers", []),
    "S013": mutate_power(0, 公开属性="社会"),  # a second scope column: no row of the file accepted
    "F101": mutate_power(0, 承办机构=None),
    "F102": mutate_power(0, 公开范围="半公开"),
    "F103": mutate_power(0, 法定时限="视情况而定"),
    "F104": mutate_power(0, 承诺时限="30"),
    "F105": mutate_power(0, 承诺时限="18"),
    "F106": set_info(行政区划代码="37020"),
    "F107": set_info(统一社会信用代码="11370200MB00000010"),
    "F108": set_info(部门编号="7"),
    "F109": set_info(行使层级="6"),
    "F110": set_info(填报日期="去年春天"),
    "F111": mutate_power(0, 基本编码="12345"),
    "F112": mutate_power(0, 基本编码="370207001000"),
    "F113": mutate_power(0, 基本编码="370101001000"),
    "F114": mutate_power(0, 申请材料=None),
    "F115": mutate_power(1, 无裁量空间="也许"),
    "F116": mutate_power(0, 职权类别="20"),
    "F117": lambda b: b.tiers[0].update(罚款下限="nan"),
    "F118": mutate_power(0, 法定时限="二十日", 承诺时限="10个工作日"),
    "F119": mutate_power(1, 追责情形=None),
    "L201": mutate_power(0, 实施依据="依据有关规定办理"),
    "L202": mutate_power(0, 实施依据="《中华人民共和国行政许可法》全文"),
    "L203": mutate_power(0, 实施依据="【规范性文件】《测试市测试事项管理办法》第三条：实行许可管理。"),
    "L204": mutate_power(0, 实施依据="《测试条例》第三条：实行许可管理。"),
    "L205": set_info(填报日期="2019-01-01"),
    "L206": mutate_power(0, 实施依据="《中华人民共和国环境噪声污染防治法》第二十四条：建设项目……"),
    "L207": mutate_power(0, 实施依据="《中华人民共和国行政许可法》（2003年版）第十二条：可以设定行政许可。"),
    # the text of the law (tests/test_laws.py has more cases of each)
    "L208": mutate_power(1, 实施依据="《中华人民共和国道路交通安全法》第二百零一条"),
    "L209": mutate_power(1, 实施依据="《中华人民共和国统计法》（2009年6月27日修订）第四十二条第二款"),
    "L210": mutate_power(1, 实施依据="《长江河道采砂管理条例》第十八条第一款：违反本条例规定，未办理河道采砂许可证，擅自在长江采砂的，"
                                      "由县级以上地方人民政府水行政主管部门或者长江水利委员会依据职权，责令停止违法行为，"
                                      "没收违法所得和非法采砂机具，并处10万元以上30万元以下的罚款"),
    "L211": mutate_power(1, 实施依据="《中华人民共和国道路交通安全法》第九十条：国家鼓励发展乡村客运，提高行政村通班车率。"),
    "L212": mutate_power(1, 实施依据="《中华人民共和国行政许可法》第一条"),
    "D301": set_tiers(),
    "D302": set_tiers(tier(1, "首次违法的", 20, 50), tier(3, "第3次违法的", 50, 200)),
    "D303": set_tiers(tier(1, "首次违法的", 100, 50)),
    "D304": set_tiers(tier(1, "首次违法的", 20, 60), tier(2, "第2次违法的", 50, 200)),
    "D305": set_tiers(tier(1, "首次违法的", 100, 200), tier(2, "第2次违法的", 20, 50)),
    "D306": set_tiers(tier(1, "首次违法的", 20, 100), tier(2, "第2次违法的", 100, 300)),
    "D307": lambda b: (b.powers[1].update(实施依据="《中华人民共和国道路交通安全法》第九十九条：处一千元以上五万元以下罚款。"),
                       setattr(b, "tiers", [tier(1, "首次违法的", 1000, 50000)])),
    "D308": set_tiers(tier(1, "情节轻微的", 20, 50), tier(2, "情节严重的", 50, 200)),
    "D309": set_tiers(tier(1, "首次违法的", None, None, 裁量标准="依法处以罚款")),
    "D310": lambda b: b.tiers.append(tier(4, "第4次违法的", 150, 200, 职权序号="99")),
    "D311": lambda b: b.tiers.append(tier(1, "首次违法的", 20, 50, 职权序号="1")),
    "D312": mutate_power(1, 无裁量空间="是"),
    "D313": mutate_power(1, 实施依据="《测试市市容管理条例》第三十条：处违法所得一倍以上三倍以下罚款。"),
    "D314": lambda b: (setattr(b, "tiers", []), b.powers[1].update(无裁量空间="是")),  # 二十元以上二百元以下
    "F141": lambda b: b.drop_cols.add("追责情形"),
    "P401": mutate_power(0, 流程="不存在的流程"),
    "P402": add_flow(step("行政许可标准流程", "4", "公开", 1, "9")),
    "P403": add_flow(step("行政许可标准流程", "4", "归档", 1, "")),
    "P404": lambda b: b.flows[-1].update(下一步="1"),
    "P405": loop_flow,
    "P406": mutate_power(0, 法定时限="5", 承诺时限="3"),
    "P407": add_flow(step("行政许可标准流程", "2", "重复", 1, "3")),
    "P408": lambda b: b.flows[2].update(防控措施=None),  # 审查: a 高 risk point
    "X501": lambda b: b.powers.append(dict(b.powers[0], 序号="3")),
    "X505": lambda b: (b.powers[0].update(基本编码="370107001000"),
                       b.powers.append(dict(b.powers[0], 序号="3", 职权名称="另一许可"))),
    "X507": lambda b: b.powers.extend(dict(b.powers[1], 序号=str(i + 3), 职权名称=f"处罚{i:04d}", 无裁量空间="是") for i in range(999)),
    # review decisions (清理结果): tests/test_review.py has each decision with and without its grounds
    "F130": mutate_power(0, 清理结果="待定"),
    "F131": mutate_power(0, 清理结果="取消", 调整理由="上位法废止"),
    "F132": mutate_power(0, 清理结果="暂停"),
    "F133": mutate_power(0, 清理结果="取消", 调整理由="上位法废止", 调整文号="测政发〔2026〕1号", 状态="在用"),
    "F134": mutate_power(0, 清理结果="下放", 调整理由="便民", 调整文号="测政发〔2026〕1号"),
    "F135": mutate_power(0, 清理结果="下放", 下放层级="省级", 调整理由="便民", 调整文号="测政发〔2026〕1号"),
    "F136": mutate_power(0, 清理结果="合并", 调整理由="整合", 调整文号="测政发〔2026〕1号"),
    "F137": mutate_power(0, 清理结果="保留", 生效日期="明年春天"),
    "F138": mutate_power(0, 清理结果="调整", 调整理由="按行政确认实施", 基本编码="370207001000"),
    "F139": mutate_power(0, 状态="取消"),
    "F140": mutate_power(0, 清理结果="下放", 下放层级="县级", 状态="取消", 调整理由="便民", 调整文号="测政发〔2026〕1号"),
    "X513": lambda b: (b.powers[0].update(清理结果="合并", 合并至="乙许可", 状态="取消", 调整理由="整合", 调整文号="测政发〔2026〕1号"),
                       b.powers.append(licence(序号="3", 职权名称="乙许可", 清理结果="合并", 合并至="丙许可", 调整理由="整合",
                                               调整文号="测政发〔2026〕2号")),
                       b.powers.append(licence(序号="4", 职权名称="丙许可"))),
    "X510": mutate_power(0, 清理结果="合并", 合并至="不存在的事项", 调整理由="整合", 调整文号="测政发〔2026〕1号"),
    "X511": mutate_power(0, 清理结果="合并", 合并至="测试许可", 调整理由="整合", 调整文号="测政发〔2026〕1号"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_triggers(code, book, tmp_path):
    CASES[code](book)
    r = run(book, tmp_path)
    hits = [f for f in r.findings if f.rule == code]
    assert hits, [f.rule for f in r.findings]
    f = hits[0]
    assert f.message_zh and f.message_en and f.hint
    # row accounting holds whatever went wrong
    for c in r.counts.values():
        assert c.read == c.accepted + c.rejected


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_quiet_on_clean_workbook(code, book, tmp_path):
    assert not [f for f in run(book, tmp_path).findings if f.rule == code]


def test_two_departments_same_power_name(book, tmp_path):
    other = Book()
    other.info.update(部门名称="测试市另一局", 部门编号="08")
    r = validate([book.save(tmp_path / "a.xlsx"), other.save(tmp_path / "b.xlsx")])
    assert {f.rule for f in r.findings} == {"X502"}
    r = validate([book.save(tmp_path / "a.xlsx")])
    assert not [f for f in r.findings if f.rule == "X502"]


def test_reference_missing_and_extra(book, tmp_path):
    from powers import load_reference

    ref = tmp_path / "ref.json"
    ref.write_text(json.dumps([{"department": "测试市测试局", "name": "测试许可", "category": "行政许可"},
                               {"department": "测试市测试局", "name": "漏报的事项", "category": "行政检查"}],
                              ensure_ascii=False), "utf-8")
    r = run(book, tmp_path, reference=load_reference(ref))
    assert [f.value for f in r.findings if f.rule == "X503"] == ["漏报的事项"]
    assert [f.value for f in r.findings if f.rule == "X504"] == ["对测试违法行为的行政处罚"]
    full = tmp_path / "full.json"
    full.write_text(json.dumps([{"name": "测试许可", "category": "行政许可"},
                                {"name": "对测试违法行为的行政处罚", "category": "行政处罚"}], ensure_ascii=False), "utf-8")
    r = run(book, tmp_path, reference=load_reference(full))
    assert not [f for f in r.findings if f.rule in ("X503", "X504")]


def test_reference_from_workbook(book, tmp_path):
    from powers import load_reference

    ref = Book()
    ref.powers.append(dict(ref.powers[0], 序号="3", 职权名称="参照中的许可"))
    items = load_reference(ref.save(tmp_path / "ref" / "ref.xlsx"))
    r = run(book, tmp_path, reference=items)
    assert [f.value for f in r.findings if f.rule == "X503"] == ["参照中的许可"]


@pytest.mark.parametrize("content,name,code", [
    (b"PK\x03\x04 this is not really a zip", "broken.xlsx", "S001"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64, "locked.xlsx", "S002"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xls", "S003"),
    (b"name,category\n", "table.xlsx", "S004"),
])
def test_unusable_files(content, name, code, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    r = validate([path])
    assert [f.rule for f in r.findings] == [code]
    assert r.departments == []


def test_every_rule_has_a_case():
    tested = set(CASES) | {"S001", "S002", "S003", "S004", "X502", "X503", "X504", "X506",
                             "X508", "X509"}  # two departments: tests/test_departments.py
    tested |= {"S014", "S015", "S016", "S017"}  # resource limits: tests/test_limits.py
    tested |= {"X512", "X514"}  # against a code registry: tests/test_review.py
    assert {r.code for r in all_rules()} == tested


@pytest.mark.parametrize("basis,says", [
    ("处5000元以上5万元以下罚款。", "5000元～5万元"),
    ("可以处2万元以下的罚款。", "0元～2万元"),
    ("由城市人民政府市容环境卫生行政主管部门责令其纠正违法行为，可以并处警告、罚款。", "未规定罚款数额"),
    ("处违法所得一倍以上三倍以下罚款。", "违法所得1倍～3倍"),
])
def test_no_discretion_with_a_fine_not_fixed(book, tmp_path, basis, says):
    """D314: 无裁量空间 while the cited text leaves the amount open (a range, only 以下, or no amount
    at all): a warning at the 无裁量空间 cell saying why."""
    book.tiers = []
    book.powers[1].update(无裁量空间="是", 实施依据=f"《测试市市容管理条例》第三十条：{basis}")
    hits = [f for f in run(book, tmp_path).findings if f.rule == "D314"]
    assert len(hits) == 1 and hits[0].severity == "warning"
    assert hits[0].column == "无裁量空间" and hits[0].cell == "S3" and says in hits[0].message_zh


@pytest.mark.parametrize("basis", [
    "并处以3万元的罚款。",
    "没收违法所得，处销售金额等额的罚款。",
    "处所收费用三倍的罚款。",
    "吊销许可证。",
])
def test_no_discretion_with_a_fixed_fine_or_none(book, tmp_path, basis):
    """A fixed amount (a number, an amount equal to a sum, a fixed multiple) or no fine at all: no D314."""
    book.tiers = []
    book.powers[1].update(无裁量空间="是", 实施依据=f"《测试市市容管理条例》第三十条：{basis}")
    assert not [f for f in run(book, tmp_path).findings if f.rule == "D314"]


def test_a_responsibility_column_blank_in_every_row_is_said_once(book, tmp_path):
    for p in book.powers:
        p.update(责任事项=None)
    r = run(book, tmp_path)
    assert [f.rule for f in r.findings if f.rule in ("F119", "F141")] == ["F141"]
    book.powers[0]["责任事项"] = "受理、审查责任"  # one filled: the other's blank cell is named
    r = run(book, tmp_path)
    assert [(f.rule, f.row) for f in r.findings if f.rule in ("F119", "F141")] == [("F119", 3)]


def test_d314_only_for_an_item_marked_without_discretion(book, tmp_path):
    book.tiers = [tier(1, "首次违法的", 20, 100, 职权序号="3"), tier(2, "再次违法的", 100, 200, 职权序号="3")]
    book.powers[1].update(子项名称="子项一", 序号="3")  # the penalty's standards are on its sub-item
    book.powers.append(dict(book.powers[1], 子项名称=None, 序号="2"))  # its main row: 无裁量空间 否
    r = run(book, tmp_path)
    assert not [f for f in r.findings if f.rule in ("D314", "D301")], [(f.rule, f.message_zh) for f in r.findings]
