"""Numbers in words: what the inventories and the site print is what the parser reads back."""
import pytest

from powers.normalize import cn_number, cn_numeral, days, days_text, fine_from_words


@pytest.mark.parametrize("n,words", [(10, "十"), (15, "十五"), (110, "一百一十"), (1005, "一千零五"),
                                     (20000, "二万"), (10011, "一万零一十一"), (100010, "十万零一十")])
def test_cn_numeral(n, words):
    assert cn_numeral(n) == words and cn_number(words) == n


def test_round_trip_over_a_range():
    assert all(cn_number(cn_numeral(n)) == n for n in range(1, 2_000_000, 97))
    f = fine_from_words(f"处{cn_numeral(15000)}元以上{cn_numeral(100010)}元以下罚款")
    assert (f.lower, f.upper) == (15000, 100010)


@pytest.mark.parametrize("text,value", [("即办", 0), ("20", 20), ("20个工作日", 20), ("二十日", 20)])
def test_days_round_trip(text, value):
    assert days(text) == (value, True)
    assert days(days_text(value)) == (value, True)
