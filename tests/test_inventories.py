"""The demo inventories: what every user sees first must be big, real and clean."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import INVENTORIES, ROOT
from powers import read_workbook, validate
from powers.legal import parse_bases
from powers.models import CATEGORIES
from powers.normalize import fine_from_words


@pytest.fixture(scope="module")
def result():
    return validate([INVENTORIES])


def test_no_errors_and_rows_add_up(result):
    assert result.errors == []
    assert len(result.counts) >= 6
    for c in result.counts.values():
        assert c.read == c.accepted + c.rejected and c.rejected == 0


def test_size_and_coverage(result):
    powers = [p for d in result.departments for p in d.powers]
    assert len(powers) >= 300
    assert set(CATEGORIES) == {p.category for p in powers}
    assert any(p.sub_items for p in powers)
    statuses = Counter(p.status for p in powers)
    assert statuses["暂停"] >= 2 and statuses["取消"] >= 2
    assert sum(p.scope == "内部" for p in powers) >= 3
    penalties = [p for p in powers if p.category == "行政处罚"]
    tiered = [p for p in penalties if p.tiers]
    assert sum(len(p.tiers) for p in tiered) / len(tiered) >= 4
    assert max(len(p.tiers) for p in penalties) >= 10
    assert sum(p.no_discretion for p in penalties) >= 5
    flows = {f.name for d in result.departments for f in d.flows}
    assert {f"{c}标准流程" for c in CATEGORIES} <= flows
    assert any(s.risk_level == "高" for d in result.departments for f in d.flows for s in f.steps)


def test_messy_workbook_is_read_like_a_clean_one():
    raw = read_workbook(INVENTORIES / "05-城市管理局.xlsx")
    assert "权力清单" in {r.sheet for r in raw.tables["职权目录"]}
    first = raw.tables["职权目录"][0]
    assert first.number == 3  # a merged title row sits above the header
    assert raw.info["部门编号"].text == "27"  # full-width digits
    assert all("\n" not in r.get("职权名称") and r.get("职权名称") == r.get("职权名称").strip()
               for r in raw.tables["职权目录"])
    tiers = raw.tables["裁量基准"]
    assert tiers[0].get("阶次") == "1"  # tier numbers stored as floats
    assert tiers[1].get("职权名称") == tiers[0].get("职权名称")  # merged cells filled in


REAL = ROOT / "tests" / "data" / "jiangmen-eco-env-discretion-2020.xlsx"


@pytest.mark.skipif(not REAL.exists(), reason="shared/real not beside the checkout")
def test_real_published_standard_parses():
    """A real city's discretion standard: legal bases and amounts in words come out structured."""
    import openpyxl

    wb = openpyxl.load_workbook(REAL, read_only=True)
    ws = wb["水污染防治法"]
    rows = list(ws.iter_rows(values_only=True))
    bases = parse_bases(rows[2][2])
    assert bases[0].title == "中华人民共和国水污染防治法" and bases[0].article == 81
    assert bases[0].edition == "2017年修订"
    fines = [fine_from_words(r[5]) for r in rows[2:40] if r[5]]
    parsed = [f for f in fines if f]
    assert len(parsed) >= len(fines) * 0.8
    assert parsed[0].lower == 20000 and parsed[0].upper == 50000
    raw = read_workbook(REAL)
    # a different layout: one finding that names the import command, not a crash nor "sheet missing"
    assert [f.rule for f in raw.findings] == ["S011"]
