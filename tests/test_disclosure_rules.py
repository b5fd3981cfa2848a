"""Disclosure completeness in validation: every item of a licence's 八公开, 责任事项 and 追责情形 of
every power in use, time limits read in their units (工作日, 自然日, 月) and compared like with like."""
from __future__ import annotations

import pytest

from conftest import Book, step
from powers import validate


def run(book: Book, tmp_path):
    return validate([book.save(tmp_path / "d.xlsx")])


def hits(r, rule):
    return [f for f in r.findings if f.rule == rule]


# ---------------------------------------------------------------- F114: every item of the 八公开
@pytest.mark.parametrize("column", ["办理条件", "申请材料", "承诺时限", "收费依据及标准", "数量限制"])
@pytest.mark.parametrize("blank", [None, "/", "——"])
def test_each_blank_disclosure_of_a_licence_is_flagged_at_its_cell(column, blank, book, tmp_path):
    book.powers[0][column] = blank
    r = run(book, tmp_path)
    [f] = hits(r, "F114")
    assert f.severity == "warning" and f.column == column and f.sheet == "职权目录" and f.row == 2
    assert f.cell and f.cell.endswith("2") and column in f.message_zh and column in f.message_en and f.hint


@pytest.mark.parametrize("column,value", [("数量限制", "无数量限制"), ("数量限制", "无"), ("数量限制", "不限"),
                                          ("收费依据及标准", "免费"), ("承诺时限", "即办"), ("流程", None)])
def test_what_real_files_write_for_none_is_a_disclosure(column, value, book, tmp_path):
    book.powers[0][column] = value
    assert not hits(run(book, tmp_path), "F114")


def test_only_licences_owe_the_eight_disclosures(book, tmp_path):
    assert "数量限制" not in book.powers[1] and "办理条件" not in book.powers[1]  # the penalty has none
    assert not hits(run(book, tmp_path), "F114")


# ---------------------------------------------------------------- F119: 责任事项 and 追责情形
@pytest.mark.parametrize("column", ["责任事项", "追责情形"])
def test_a_power_in_use_without_responsibilities_is_warned_at_the_cell(column, book, tmp_path):
    book.powers[1][column] = None
    r = run(book, tmp_path)
    [f] = hits(r, "F119")
    assert f.severity == "warning" and f.column == column and f.row == 3 and f.cell
    assert column in f.message_zh and f.message_en and f.hint
    assert not r.errors


@pytest.mark.parametrize("status", ["暂停", "取消"])
def test_powers_not_in_use_are_not_asked_for_responsibilities(status, book, tmp_path):
    book.powers[1].update(状态=status, 责任事项=None, 追责情形=None)
    assert not hits(run(book, tmp_path), "F119")


def test_both_blank_give_two_warnings(book, tmp_path):
    book.powers[0].update(责任事项=None, 追责情形="")
    assert sorted(f.column for f in hits(run(book, tmp_path), "F119")) == ["责任事项", "追责情形"]


# ---------------------------------------------------------------- units of time limits
def test_promised_against_statutory_in_calendar_days(book, tmp_path):
    book.powers[0].update(法定时限="自受理之日起二十日内", 承诺时限="30日")
    [f] = hits(run(book, tmp_path), "F104")
    assert f.message_zh == "承诺时限 30 日超过法定时限 20 日" and "calendar days" in f.message_en


def test_limits_in_different_units_are_not_compared_and_say_why(book, tmp_path):
    book.powers[0].update(法定时限="20日", 承诺时限="30个工作日")  # 30 working days may well exceed 20 days
    r = run(book, tmp_path)
    assert not hits(r, "F104") and not hits(r, "F105")
    [f] = hits(r, "F118")
    assert f.severity == "warning" and f.column == "承诺时限" and "20日" in f.message_zh and "30个工作日" in f.message_zh


def _days_flow(b, days, statutory):
    b.powers[0].update(法定时限=statutory, 承诺时限=None, 流程="按日流程")
    b.flows += [step("按日流程", "1", "受理", days[0], "2"), step("按日流程", "2", "决定", days[1], "")]


@pytest.mark.parametrize("days,statutory,over", [
    (("5日", "20日"), "20日", True),  # 25日 past 20日
    (("5日", "10日"), "20日", False),
    (("5日", "20日"), "20", False),  # 25 calendar days against 20 working days: not added to a number
    (("5", "20日"), "30日", False),  # a working day and calendar days: no sum
    (("5", "20"), "20", True),
])
def test_flow_times_add_up_only_like_with_like(days, statutory, over, book, tmp_path):
    _days_flow(book, days, statutory)
    r = run(book, tmp_path)
    found = [f for f in hits(r, "P406") if "按日流程" in f.message_zh]
    assert bool(found) == over, [f.message_zh for f in r.findings]
    if found and statutory.endswith("日"):
        assert found[0].message_zh.endswith("超过法定时限 20 日")
    assert not hits(r, "F103")
