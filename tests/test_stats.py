"""powers stats: discretion figures and risk points, computed by hand for one small workbook."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app
from conftest import Book, penalty, step, tier
from powers import catalog as cat
from powers import validate


def _book() -> Book:
    b = Book()  # a licence, and penalty 2 with 3 tiers; the licence flow has one 高 risk point
    b.powers += [
        penalty(序号="3", 职权名称="无裁量的处罚", 无裁量空间="是"),
        penalty(序号="4", 职权名称="五阶的处罚"),
        penalty(序号="5", 职权名称="已取消的处罚", 状态="取消", 清理结果="取消", 调整理由="上位法废止", 调整文号="测政发〔2026〕1号"),
        penalty(序号="6", 职权名称="有子项的处罚", 子项名称="甲子项"),
        penalty(序号="7", 职权名称="有子项的处罚", 子项名称="乙子项", 无裁量空间="是"),
    ]
    b.tiers += [tier(i, f"第{i}种情形的", 20 * i, 20 * i + 10, 职权序号="4") for i in range(1, 6)]
    b.tiers += [tier(1, "已取消事项的情形", 20, 30, 职权序号="5"), tier(1, "甲子项的情形", 20, 30, 职权序号="6"),
                tier(2, "甲子项更重的情形", 30, 40, 职权序号="6")]
    b.flows += [step("行政处罚标准流程", "4", "送达", 1, "", 风险点="送达不及时", 风险等级="中", 防控措施="限时送达")]
    b.flows[-2]["下一步"] = "4"
    return b


def test_discretion_and_risk_figures_by_hand(tmp_path):
    r = validate([_book().save(tmp_path / "d.xlsx")])
    assert not r.errors, [(f.rule, f.message_zh) for f in r.errors]
    s = cat.stats(cat.Catalog(departments=r.departments))
    # penalties not cancelled, an item with sub-items counted through them: 对测试…(3 tiers),
    # 无裁量的处罚 (marked), 五阶的处罚 (5), 甲子项 (2), 乙子项 (marked); 已取消的处罚 is not counted
    x = s["discretion"]
    assert (x["penalties"], x["with_tiers"], x["no_discretion"], x["neither"], x["tiers"]) == (5, 3, 2, 0, 10)
    assert x["average"] == round(10 / 3, 2) and x["max"] == 5 and x["most"]["name"] == "五阶的处罚"
    assert s["departments"][0]["discretion"] == x
    assert s["risks"] == {"高": 1, "中": 1, "低": 0, "未分级": 0}
    text = cat.stats_text(s)
    assert "行政处罚5项（含子项，不含已取消）：有裁量基准3项，共10个阶次，平均每项3.33个，最多5个（五阶的处罚）；" \
           "无裁量空间2项。" in text
    assert "廉政风险点2个（高风险1个、中风险1个、低风险0个）。" in text


def test_stats_json_gives_the_same_figures(tmp_path):
    path = _book().save(tmp_path / "d.xlsx")
    out = CliRunner().invoke(app, ["stats", str(path), "-f", "json"]).stdout
    s = json.loads(out)
    assert s["discretion"]["tiers"] == 10 and s["departments"][0]["discretion"]["most"]["department"] == "测试市测试局"
