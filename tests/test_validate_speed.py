"""The shortcuts that make validation fast give exactly what the plain computation gives."""
from __future__ import annotations

import random
import re
from datetime import date

from conftest import INVENTORIES

from powers import normalize, read
from powers.laws import LawRegistry
from powers.legal import parse_bases
from powers.rules import legal
from powers.validate import validate


def test_memoized_normalizers_tell_values_of_other_types_apart():
    # 1, True and 1.0 are equal dict keys: only strings are memoized
    assert normalize.header_key("1") == "1"
    assert normalize.header_key(True) == "True"
    assert normalize.header_key(1) == "1"
    assert normalize.cn_number("二万") == 20000.0
    assert normalize.days("20个工作日") == (20.0, True)
    assert normalize.days(None) == (None, True)


def test_text_of_an_int_is_its_digits():
    for n in (0, 7, -12, 10 ** 20):
        assert normalize.text(n) == str(n) == normalize.text(n, multiline=True)


def test_levels_gives_a_list_of_its_own_each_time():
    first = normalize.levels("省级、市级")
    first.append(9)
    assert normalize.levels("省级、市级") == [2, 3]
    assert normalize.levels("不知道") is None


def test_parse_bases_gives_fresh_models_each_time():
    cell = "【法律】《中华人民共和国行政许可法》第十二条第（一）项、第十四条：可以设定行政许可。"
    first = parse_bases(cell)
    first[0]._law_text = "set while validating"
    first[0].title = "changed"
    again = parse_bases(cell)
    assert [b is not a for b, a in zip(first, again)] == [True, True]
    assert again[0]._law_text is None and again[0].title == "中华人民共和国行政许可法"
    assert [b.model_dump() for b in again] == [b.model_dump() for b in legal_parse_plain(cell)]
    assert [b.model_fields_set for b in again] == [b.model_fields_set for b in legal_parse_plain(cell)]


def legal_parse_plain(cell):
    from powers import legal as parser

    return parser._bases(parser._normalize(cell))


def test_sheet_scan_shortcuts_agree_with_the_plain_patterns():
    wide = re.compile(rb"\sr=\"([A-Z]{2,3})\d")
    formula = re.compile(rb"<(?:\w+:)?f[\s>/]")
    pieces = [b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"r", b"=", b'"', b"A", b"B", b"1", b"<", b"f", b":",
              b"x", b">", b"/", b'r="', b' r="AB1', b"<f>", b"x:f ", b"<c r=\"AA12\"/>"]
    rnd = random.Random(7)
    for _ in range(20_000):
        part = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24)))
        assert read._wide_columns(part) == set(wide.findall(part)), part
        assert read._has_formula(part) == bool(formula.search(part)), part


class _Forgetful(dict):
    def __setitem__(self, key, value):  # remembers nothing: every power is checked afresh
        pass


def test_remembered_legal_findings_are_those_checked_afresh(monkeypatch):
    laws = LawRegistry.load()
    day = date(2026, 6, 1)
    remembered = validate([INVENTORIES], laws=laws, today=day, jobs=1)
    assert len(legal._texts(laws).powers) > 0
    monkeypatch.setattr(legal._texts(laws), "powers", _Forgetful())
    afresh = validate([INVENTORIES], laws=laws, today=day, jobs=1)
    assert [f.model_dump() for f in remembered.findings] == [f.model_dump() for f in afresh.findings]
    assert [d.model_dump_json() for d in remembered.departments] == [d.model_dump_json() for d in afresh.departments]
    assert any(f.rule.startswith("L") for f in afresh.findings)
