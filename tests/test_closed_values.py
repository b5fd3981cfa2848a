"""Closed values as departments really write them: levels, categories, type codes, scope, status."""
from __future__ import annotations

import shutil

import openpyxl
import pytest

from conftest import INVENTORIES, Book
from powers import normalize, validate


@pytest.mark.parametrize("value,expected", [
    ("3", [3]), ("市级", [3]), ("市本级", [3]), ("国家级", [1]), ("省级", [2]), ("县级", [4]), ("乡镇级", [5]),
    ("省级、市级、县级", [2, 3, 4]), ("省、市、县", [2, 3, 4]), ("省市县三级", [2, 3, 4]), ("市、县两级", [3, 4]),
    ("县（市、区）", [4]), ("乡镇（街道）", [5]), ("1、2", [1, 2]),
    ("6", None), ("全市", None), ("随便", None),
])
def test_levels_as_written(value, expected):
    assert normalize.levels(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("行政许可", "行政许可"), ("许可", "行政许可"), ("行政许可类", "行政许可"), ("处罚类", "行政处罚"),
    ("其他权力", "其他行政权力"), ("其他行政权力", "其他行政权力"), ("行政处罚事项", "行政处罚"),
    ("行政强制（强制措施）", "行政强制"), ("01", "行政许可"), ("2", "行政处罚"), ("06", "行政检查"),
    ("10", "其他行政权力"), ("20", "其他行政权力"), ("99", "其他行政权力"), ("公共服务", "其他行政权力"),
])
def test_categories_and_type_codes(value, expected):
    assert normalize.category(value) == expected


def _rewrite_levels(src, dst, value):
    """A demo workbook with every 行使层级 cell (部门信息 and 职权目录) written as `value`."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value == "行使层级":
                    if ws.title == "部门信息":
                        ws.cell(c.row, c.column + 1).value = value
                    else:
                        for r in range(c.row + 1, ws.max_row + 1):
                            if ws.cell(r, c.column).value not in (None, ""):
                                ws.cell(r, c.column).value = value
    wb.save(dst)
    return dst


def _shape(result):
    return sorted((f.rule, f.sheet, f.row, f.column) for f in result.findings)


@pytest.mark.parametrize("written", ["市级", "市本级", "市"])
def test_city_level_in_words_validates_like_3(written, tmp_path):
    src = INVENTORIES / "06-统计局.xlsx"
    numeric = validate([shutil.copy(src, tmp_path / "a.xlsx")])
    words = validate([_rewrite_levels(src, tmp_path / "b.xlsx", written)])
    assert _shape(words) == _shape(numeric)
    assert [d.level for d in words.departments] == [3]
    assert sum(1 for _ in words.departments[0].all_powers()) == sum(1 for _ in numeric.departments[0].all_powers())


def test_several_levels_on_a_power_keep_all_and_use_the_departments(book, tmp_path):
    book.powers[0]["行使层级"] = "省级、市级、县级"
    book.powers[1]["行使层级"] = "省、市、县"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors
    powers = list(r.departments[0].all_powers())
    assert [p.level for p in powers] == [3, 3] and powers[0].levels == [2, 3, 4]


def test_department_with_several_levels_resolved_by_region_code(book, tmp_path):
    book.info["行使层级"] = "市级、县级"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert r.departments[0].level == 3
    assert [f.rule for f in r.findings] == ["F116"] and "370200" in r.findings[0].message_zh


def test_department_level_unreadable_is_an_error_naming_the_forms(book, tmp_path):
    book.info["行使层级"] = "全市"
    r = validate([book.save(tmp_path / "d.xlsx")])
    [f] = [f for f in r.findings if f.rule == "F109"]
    assert f.cell == "B5" and "市级" in f.hint


@pytest.mark.parametrize("value", ["20", "99", "公共服务"])
def test_type_codes_outside_the_ten_powers_are_kept_with_a_warning(value, book, tmp_path):
    book.powers[0].update(职权类别=value, 流程="行政许可标准流程")
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors
    [f] = [f for f in r.findings if f.rule == "F116"]
    assert f.column == "职权类别" and "其他行政权力" in f.message_zh
    assert [p.category for _, p in ((None, p) for p in r.departments[0].all_powers())][0] == "其他行政权力"


@pytest.mark.parametrize("column,value,expected", [
    ("公开范围", "主动公开", "社会"), ("公开范围", "不公开", "内部"), ("公开范围", "内部（不对外）", "内部"),
    ("状态", "有效", "在用"), ("状态", "暂停实施", "暂停"), ("事项来源", "国家", "国家基本目录"),
])
def test_scope_status_origin_synonyms(column, value, expected, book, tmp_path):
    book.powers[0][column] = value
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors, [f.message_zh for f in r.errors]
    p = r.departments[0].powers[0]
    assert {"公开范围": p.scope, "状态": p.status, "事项来源": p.origin}[column] == expected


def test_order_to_correct_is_not_a_penalty_kind_but_no_error(book, tmp_path):
    book.tiers[0]["处罚种类"] = "警告、罚款、责令改正"
    book.tiers[1]["处罚种类"] = "吊销许可证"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors
    tiers = r.departments[0].powers[1].tiers
    assert tiers[0].kinds == ["警告", "罚款"] and tiers[1].kinds == ["吊销许可证件"]
    assert [f.value for f in r.findings if f.rule == "F116"] == ["责令改正"]


@pytest.mark.parametrize("value,expected", [("是", "社会"), ("否", "内部"), ("涉密", "内部"), ("非公开", "内部"),
                                            ("不对外公开", "内部"), ("公开", "社会")])
def test_scope_as_written_in_a_yes_no_column_or_with_secrecy(value, expected, book, tmp_path):
    book.powers[0]["公开范围"] = value
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors and r.departments[0].powers[0].scope == expected


def test_unreadable_scope_is_an_error_and_never_public(book, tmp_path):
    book.powers[0]["公开范围"] = "部分"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert [f.rule for f in r.errors] == ["F102"]
    # the row is sent back; were it kept, it would be internal: when in doubt, off the public site
    assert all(p.scope == "内部" for p in r.departments[0].all_powers() if p.name == book.powers[0]["职权名称"])
    from powers.rules.fields import closed
    from powers.read import Row, Cell
    from powers.models import Provenance
    row = Row("f", "职权目录", 2, cells={"公开范围": Cell("部分", "部分", Provenance(file="f", sheet="s", row=2))})
    assert closed(row, "公开范围", ("社会", "内部"), [], "社会", unknown="内部") == "内部"


@pytest.mark.parametrize("category,code,ok", [("20", "372007001000", True), ("99", "379907001000", True),
                                             ("20", "371007001000", True), ("20", "370107001000", False)])
def test_code_with_type_digits_20_or_99_matches_its_typed_category(category, code, ok, book, tmp_path):
    """A 公共服务 item coded 20 and typed 20 is consistent: no F112 (only the F116 note);
    a code whose type digits are those of another power is still an error."""
    book.info.update(行政区划代码="370200")
    book.powers[0].update(职权类别=category, 基本编码=code, 流程="行政许可标准流程")
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert [f.rule for f in r.errors] == ([] if ok else ["F112"])
    assert "F116" in [f.rule for f in r.findings]


def test_template_level_dropdown_suggests_words_and_allows_several(tmp_path):
    from powers.template import write_template

    wb = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = wb["职权目录"]
    col = [c.value for c in ws[1]].index("行使层级") + 1
    letter = openpyxl.utils.get_column_letter(col)
    [dv] = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{letter}2")]
    assert "市级" in dv.formula1 and dv.errorStyle == "warning" and "省级、市级、县级" in dv.error


@pytest.mark.parametrize("value,expected,note", [
    ("其它", "其他行政权力", None), ("其他行政职权", "其他行政权力", None), ("行政监督检查", "行政检查", None),
    ("XK", "行政许可", None), ("cf", "行政处罚", None), ("2.0", "行政处罚", None), ("０２", "行政处罚", None),
    ("非行政许可审批", "其他行政权力", "非行政许可审批"), ("行政备案类", "其他行政权力", "行政备案"),
])
def test_more_categories_as_published(value, expected, note):
    assert normalize.category(value) == expected and normalize.category_note(value) == note


def test_power_level_written_as_this_level_is_the_departments(book, tmp_path):
    book.powers[0]["行使层级"] = "本级"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors and r.departments[0].powers[0].level == 3


@pytest.mark.parametrize("written,kinds,notes", [
    ("没收违法所得和非法财物", ["没收违法所得", "没收非法财物"], []), ("责令停产整顿", ["责令停产停业"], []),
    ("暂扣驾驶证", ["暂扣许可证件"], []), ("吊销许可证或者营业执照", ["吊销许可证件"], []),
    ("处以罚款", ["罚款"], []), ("罚款（单位）", ["罚款"], []), ("暂扣或者吊销许可证", ["暂扣许可证件", "吊销许可证件"], []),
    ("取缔", ["其他"], ["F116"]), ("警告、责令停止施工", ["警告"], ["F116"]),
])
def test_penalty_kinds_as_written_are_read_not_rejected(written, kinds, notes, book, tmp_path):
    book.tiers[0]["处罚种类"] = written
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors, [(f.rule, f.value) for f in r.errors]
    assert r.departments[0].powers[1].tiers[0].kinds == kinds
    assert [f.rule for f in r.findings if f.sheet == "裁量基准" and f.rule in ("F102", "F116")] == notes


def test_unknown_penalty_kind_is_still_an_error(book, tmp_path):
    book.tiers[0]["处罚种类"] = "罚款、随便什么"
    assert [(f.rule, f.value) for f in validate([book.save(tmp_path / "d.xlsx")]).errors] == [("F102", "随便什么")]


@pytest.mark.parametrize("written,expected", [("高风险", "高"), ("中等", "中"), ("低风险", "低"), ("高", "高"),
                                              ("很难说", None)])
def test_risk_level_as_written(written, expected, book, tmp_path):
    book.flows[0]["风险等级"] = written
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert [f.value for f in r.findings if f.rule == "F102"] == ([] if expected else [written])


@pytest.mark.parametrize("statutory,promised,rules", [
    ("20个工作日", "10个工作日内", []), ("60日（特殊情况可延长30日）", "20日", []), ("立即", "即办", []),
    ("无", "5", []), ("法律未规定", "/", []), ("20（工作日）", "10", []), ("自受理之日起二十日内", "10日", []),
    ("3个月", "3个月", ["F105"]), ("60天", "70日", ["F104"]), ("30个自然日", "即办", []),
    # calendar days, months and working days are not converted into each other: not compared, and said so
    ("30个自然日", "10", ["F118"]), ("1个月", "30日", ["F118"]), ("20日", "15个工作日", ["F118"]),
    ("随便", "10", ["F103"]), ("二十日左右", "10", ["F103"]),
])
def test_time_limits_as_written(statutory, promised, rules, book, tmp_path):
    book.powers[0].update(法定时限=statutory, 承诺时限=promised)
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert [f.rule for f in r.findings if f.rule in ("F103", "F116", "F104", "F105", "F118")] == rules


@pytest.mark.parametrize("written,value,unit", [
    ("20", 20, "工作日"), ("20个工作日", 20, "工作日"), ("30日", 30, "自然日"), ("60天", 60, "自然日"),
    ("20个自然日", 20, "自然日"), ("自受理之日起二十日内", 20, "自然日"), ("3个月", 3, "月"), ("三个月", 3, "月"),
    ("1年", 1, "年"), ("即办", 0, "工作日")])
def test_time_limits_keep_their_unit(written, value, unit, book, tmp_path):
    """Kept in the catalog in the unit written: 30日 is 30 calendar days, not 30 working days;
    statutory_days / promised_days stay working days only."""
    book.powers[0].update(法定时限=written, 承诺时限=None)
    r = validate([book.save(tmp_path / "d.xlsx")])
    p = r.departments[0].powers[0]
    assert p.statutory() == (value, unit) and (p.statutory_value, p.statutory_unit) == (value, unit)
    assert p.statutory_days == (value if unit == "工作日" else None)
    assert not [f for f in r.findings if f.rule == "F103"]


def test_catalog_without_units_reads_as_working_days():
    """A catalog.json written before units were kept has *_days only: working days, as it meant."""
    from powers.models import Power, Provenance

    p = Power(name="x", category="行政许可", statutory_days=20, promised_days=0,
              provenance=Provenance(file="f", sheet="s", row=1))
    assert p.statutory() == (20, "工作日") and p.promised() == (0, "工作日")
    assert Power(name="x", category="行政许可", provenance=p.provenance).statutory() == (None, None)


@pytest.mark.parametrize("value,expected", [("✓", True), ("TRUE", True), ("×", False), ("/", False), ("有时", None)])
def test_yes_no_marks(value, expected):
    assert normalize.yes_no(value) is expected


def test_code_typed_as_a_number_keeps_its_leading_zeros(book, tmp_path):
    """A national code typed into a number cell loses its leading zeros: padded back, with a note."""
    book.powers[0].update(基本编码=107001000)  # 000107001000 (00 01 07 001000) in a number cell
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors, [(f.rule, f.message_zh) for f in r.errors]
    assert r.departments[0].powers[0].basic_code == "000107001000"
    assert [f.rule for f in r.findings if f.column == "基本编码"] == ["F116"]


def test_disclosed_on_request_is_not_published(book, tmp_path):
    """依申请公开 is not 主动公开: the item stays off the site (内部), with a warning that says why."""
    book.powers[0]["公开范围"] = "依申请公开"
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors and r.departments[0].powers[0].scope == "内部"
    [f] = [f for f in r.findings if f.rule == "F116"]
    assert f.column == "公开范围" and "不主动公开" in f.message_zh
