"""Odd cell values anywhere never crash validation, and every row is still accounted for."""
from __future__ import annotations

from datetime import datetime

import pytest

from conftest import FLOW_COLS, POWER_COLS, TIER_COLS
from powers import CodeRegistry, build_catalog, validate

ODD = [datetime(2026, 1, 2, 3, 4), True, 3.75, -1, 0, "x" * 3000, "  \n\t ", "１２３", "=", "'", "None",
       "《》第条", "材料齐全:；:", "0:0", "\u200b", "😀"]


@pytest.mark.parametrize("sheet,cols", [("powers", POWER_COLS), ("tiers", TIER_COLS), ("flows", FLOW_COLS)])
def test_odd_values_in_every_column(book, tmp_path, sheet, cols):
    rows = getattr(book, sheet)
    for i, col in enumerate(cols):
        for j, value in enumerate(ODD):
            row = dict(rows[(i + j) % len(rows)])
            row[col] = value
            rows.append(row)
    r = validate([book.save(tmp_path / "odd.xlsx")])
    for c in r.counts.values():
        assert c.read == c.accepted + c.rejected
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        build_catalog(r, reg)


@pytest.mark.parametrize("key", ["部门名称", "部门编号", "行政区划代码", "统一社会信用代码", "行使层级", "填报日期"])
@pytest.mark.parametrize("value", [datetime(2026, 1, 2), True, 3.5, "x" * 500, "　", "１１"])
def test_odd_department_info(book, tmp_path, key, value):
    book.info[key] = value
    r = validate([book.save(tmp_path / "odd.xlsx")])
    for c in r.counts.values():
        assert c.read == c.accepted + c.rejected
