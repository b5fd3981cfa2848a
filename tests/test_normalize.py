"""Numbers in words: what the inventories and the site print is what the parser reads back."""
import pytest

from powers.normalize import (cn_number, cn_numeral, days, days_text, fee_text, fine_from_words, limit_text,
                               time_limit)


@pytest.mark.parametrize("n,words", [(10, "十"), (15, "十五"), (110, "一百一十"), (1005, "一千零五"),
                                     (20000, "二万"), (10011, "一万零一十一"), (100010, "十万零一十")])
def test_cn_numeral(n, words):
    assert cn_numeral(n) == words and cn_number(words) == n


def test_round_trip_over_a_range():
    assert all(cn_number(cn_numeral(n)) == n for n in range(1, 2_000_000, 97))
    f = fine_from_words(f"处{cn_numeral(15000)}元以上{cn_numeral(100010)}元以下罚款")
    assert (f.lower, f.upper) == (15000, 100010)


@pytest.mark.parametrize("text,value,unit", [("即办", 0, "工作日"), ("20", 20, "工作日"), ("20个工作日", 20, "工作日"),
                                          ("二十日", 20, "自然日"), ("60天", 60, "自然日"), ("3个月", 3, "月"),
                                          ("1年", 1, "年")])
def test_time_limit_round_trip(text, value, unit):
    assert time_limit(text) == (value, unit, True)
    assert time_limit(limit_text(value, unit)) == (value, unit, True)
    assert days(text) == ((value if unit == "工作日" else None), True)
    if unit == "工作日":
        assert days(days_text(value)) == (value, True)


def test_limits_display_their_unit():
    assert [limit_text(20, "工作日"), limit_text(30, "自然日"), limit_text(3, "月"), limit_text(0, "自然日")] == \
        ["20个工作日", "30日", "3个月", "即办"]
    assert limit_text(20, None) == "20个工作日"  # a catalog without units: working days


def test_a_fee_is_not_free_unless_it_says_so():
    assert [fee_text(None), fee_text(" "), fee_text("不收费"), fee_text("免费。"), fee_text("无"),
            fee_text("按省物价部门核定标准收取")] == ["未填写", "未填写", "不收费", "不收费", "不收费", "按省物价部门核定标准收取"]
