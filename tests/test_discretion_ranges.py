"""Tiers against the statutory range(s): the range that applies, or the union, and a warning
when the tool cannot tell (D306 / D313); checked on a real published standard too."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from conftest import tier
from powers import validate
from powers.legal import parse_bases
from powers.models import DiscretionTier, Power, Provenance
from powers.normalize import fine_from_words, text
from powers.rules import discretion

REAL = Path(__file__).resolve().parent / "data" / "jiangmen-eco-env-discretion-2020.xlsx"


# ---------------------------------------------------------------- the real published standard
def _sheet_cells(ws):
    """Every cell's value with merged ranges filled in from their top-left cell."""
    filled = {}
    for r in ws.merged_cells.ranges:
        v = ws.cell(r.min_row, r.min_col).value
        for row in range(r.min_row, r.max_row + 1):
            for col in range(r.min_col, r.max_col + 1):
                filled[(row, col)] = v
    return lambda row, col: filled.get((row, col), ws.cell(row, col).value)


def real_tiers(path: Path = REAL) -> list[dict]:
    """The tier rows of the one-sheet-per-law standard (序号 | 违法行为 | 法律依据 | 类别 | 裁量情节 |
    裁量标准 | 备注): one dict per tier, with the 法律依据 text of the merged cell above it. A tier that
    spans several 情节 rows (类别 and 裁量标准 merged, or left empty) gathers them."""
    wb = openpyxl.load_workbook(path)
    out: list[dict] = []
    for ws in wb.worksheets:
        val = _sheet_cells(ws)
        header, cur = None, None
        for row in range(1, ws.max_row + 1):
            vals = [val(row, c) for c in range(1, 8)]
            if text(vals[0]) == "序号":
                header = row
                continue
            if header is None:
                continue
            seq, _act, basis, number, circ, std, _note = vals
            if number is None and std is None and circ is None:
                continue
            key = (seq, basis, number, std)
            if cur is not None and (cur["key"] == key or (number is None and std is None)):
                if circ:
                    cur["circumstances"].append(text(circ))
                continue
            cur = {"key": key, "sheet": ws.title, "row": row, "seq": text(seq), "basis": text(basis, multiline=True),
                   "tier": int(number), "circumstances": [text(circ)] if circ else [], "standard": text(std) or ""}
            out.append(cur)
    for t in out:
        del t["key"]
    return out


def real_powers(path: Path = REAL) -> list[Power]:
    """The real file as powers, the way discretion.check_power sees them: one power per 违法行为 and
    法律依据 piece (a 法律依据 split over two merged ranges is one basis, joined, and each piece keeps
    its own tiers), tier fines from the 裁量标准 words."""
    groups: dict[tuple, list[dict]] = {}
    pieces: dict[tuple, list[str]] = {}
    for t in real_tiers(path):
        groups.setdefault((t["sheet"], t["seq"], t["basis"]), []).append(t)
        ps = pieces.setdefault((t["sheet"], t["seq"]), [])
        if t["basis"] not in ps:
            ps.append(t["basis"])
    powers = []
    for (sheet, seq, basis), rows in groups.items():
        cell = "\n".join(p for p in pieces[(sheet, seq)] if p)
        where = Provenance(file=path.name, sheet=sheet, row=rows[0]["row"])
        # a later piece names whom it fines or when, as the importer does (……（逾期不改正的）)
        first = basis == pieces[(sheet, seq)][0]
        who = None if first else re.match(r"对[^，,]*?(?:人员|责任人)|[^，,；;]*?的(?=[，,])", basis or "")
        p = Power(seq=seq, name=f"{sheet} {seq}", sub_item=who.group(0) if who else None,
                  category="行政处罚", legal_bases=parse_bases(cell), legal_basis_text=cell, provenance=where)
        for t in rows:
            p.tiers.append(DiscretionTier(
                tier=t["tier"], circumstances=t["circumstances"] or ["（空）"],
                kinds=["罚款"] if "罚款" in t["standard"] else [],
                standard=t["standard"], fine=fine_from_words(t["standard"]),
                provenance=Provenance(file=path.name, sheet=sheet, row=t["row"], column="类别")))
        powers.append(p)
    return powers


def real_findings(path: Path = REAL) -> list:
    return [f for p in real_powers(path) for f in discretion.check_power(p, inclusive=False)]


@pytest.mark.skipif(not REAL.exists(), reason="real standard not present")
def test_real_standard_reads_every_tier():
    tiers = real_tiers()
    assert len(tiers) == 677
    assert all(t["basis"] for t in tiers)


@pytest.mark.skipif(not REAL.exists(), reason="real standard not present")
def test_real_standard_has_no_false_outside_range_error():
    """Before: 93 false D306 (only the first range of each quoted article was read). After: none,
    and nothing the tool cannot tell (D313): the tiers under 对直接负责的主管人员… are checked
    against the persons' range because their power says whom it fines."""
    powers = real_powers()
    findings = [f for p in powers for f in discretion.check_power(p, inclusive=False)]
    assert sum(len(p.tiers) for p in powers) == 677
    assert [f for f in findings if f.rule in ("D306", "D313")] == []
    persons = [p for p in powers if discretion.persons_power(p)]
    assert [(p.provenance.sheet, len(p.tiers)) for p in persons] == [("噪声污染防治法", 5), ("建管条例", 5)]
    for p in persons:
        p.sub_item = None  # without the name, the tool cannot tell whom those tiers fine
    findings = [f for p in persons for f in discretion.check_power(p, inclusive=False)]
    assert {f.rule for f in findings} == {"D313"} and "对个人 5万元～20万元" in findings[0].message_zh


# ---------------------------------------------------------------- the range check, in workbooks
def run(book, tmp_path):
    return validate([book.save(tmp_path / "dept.xlsx")])


def rules(result, *codes):
    return [f for f in result.findings if f.rule in codes]


SOIL_87 = ("【法律】《中华人民共和国土壤污染防治法》第八十七条：违反本法规定，向农用地排放重金属或者其他有毒有害物质含量超标的"
           "污水、污泥的，由地方人民政府生态环境主管部门责令改正，处十万元以上五十万元以下的罚款；情节严重的，处五十万元以上"
           "二百万元以下的罚款，并可以将案件移送公安机关，对直接负责的主管人员和其他直接责任人员处五日以上十五日以下的拘留。")


def soil(book, *tiers):
    book.powers[1]["实施依据"] = SOIL_87
    book.tiers = list(tiers)
    return book


def test_second_range_of_the_article_is_not_outside(book, tmp_path):
    soil(book, tier(1, "排放量10吨以下的", 100000, 300000), tier(2, "排放量10吨以上的", 300000, 500000),
         tier(3, "情节严重的：排放量50吨以上的", 500000, 2000000))
    assert rules(run(book, tmp_path), "D306", "D313") == []


def test_outside_every_range_is_an_error_naming_the_ranges(book, tmp_path):
    soil(book, tier(1, "排放量10吨以下的", 50000, 300000))
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D306" and f.severity == "error"
    assert "10万元～50万元、50万元～200万元（情节严重的）" in f.message_zh
    assert "第八十七条" in f.message_zh and "并集" in f.message_zh and "union" in f.message_en


def test_tier_naming_a_condition_but_in_another_range_is_a_warning(book, tmp_path):
    soil(book, tier(1, "排放量10吨以下的", 100000, 300000), tier(2, "情节严重的：排放量50吨以上的", 300000, 500000))
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D313" and f.severity == "warning" and "情节严重的" in f.message_zh


def test_condition_in_the_power_name(book, tmp_path):
    """The importer names the tiers of a basis continued below after its condition."""
    book.powers[1].update(职权名称="未依法开展环境影响后评价的（逾期不改正的）",
                          实施依据="《建设项目环境保护管理条例》第二十二条第一款：违反本条例规定，建设单位未依法开展环境影响后评价的，"
                                   "由建设项目所在地县级以上环境保护行政主管部门责令限期改正，处5万元以上20万元以下的罚款；"
                                   "逾期不改正的，处20万元以上100万元以下的罚款。")
    book.tiers = [tier(1, "应编制环境影响报告表项目", 200000, 400000), tier(2, "应编制环境影响报告书项目", 400000, 1000000)]
    assert rules(run(book, tmp_path), "D306", "D313") == []
    book.tiers = [tier(1, "应编制环境影响报告表项目", 50000, 100000)]
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D313" and "逾期不改正的" in f.message_zh


def test_spanning_two_ranges_is_a_warning(book, tmp_path):
    soil(book, tier(1, "排放量10吨以下的", 100000, 300000), tier(2, "排放量10吨以上的", 300000, 800000))
    assert [f.rule for f in rules(run(book, tmp_path), "D306", "D313")] == ["D313"]


def test_typed_statutory_columns_come_first(book, tmp_path):
    soil(book, tier(1, "排放量10吨以下的", 100000, 300000, 法定下限=100000, 法定上限=200000))
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D306" and "法定下限" in f.message_zh


def test_typed_statutory_range_is_for_the_tiers_own_party(book, tmp_path):
    soil(book, tier(1, "首次违法的", None, None, 裁量标准="对直接负责的主管人员处五千元以上八千元以下罚款",
                    法定下限=5000, 法定上限=20000))
    assert rules(run(book, tmp_path), "D306", "D313") == []


def test_multiple_against_yuan_is_a_warning_not_an_error(book, tmp_path):
    book.powers[1]["实施依据"] = "《测试市市容管理条例》第三十条：处违法所得一倍以上三倍以下罚款。"
    findings = rules(run(book, tmp_path), "D306", "D313")
    assert {f.rule for f in findings} == {"D313"} and "倍" in findings[0].message_zh


def test_statutory_amount_that_cannot_be_read_is_a_warning(book, tmp_path):
    book.powers[1]["实施依据"] = "《测试市市容管理条例》第三十条：违反本条例的，责令改正，罚款标准为每平方米二百元。"
    findings = rules(run(book, tmp_path), "D306", "D313")
    assert {f.rule for f in findings} == {"D313"} and "读不出法定幅度" in findings[0].message_zh


def test_persons_fine_checked_against_the_persons_range(book, tmp_path):
    book.powers[1]["实施依据"] = ("《中华人民共和国土壤污染防治法》第九十三条：被检查者拒不配合检查的，由地方人民政府生态环境主管部门"
                               "责令改正，处二万元以上二十万元以下的罚款；对直接负责的主管人员和其他直接责任人员处五千元以上二万元以下的罚款。")
    book.tiers = [tier(1, "首次拒不配合的", None, None, 裁量标准="处二万元以上五万元以下罚款，对直接负责的主管人员和其他直接责任人员"
                       "处五千元以上八千元以下的罚款"),
                  tier(2, "第2次拒不配合的", None, None, 裁量标准="处五万元以上十万元以下罚款，对个人处三万元罚款")]
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D306" and "对个人 3万元" in f.message_zh and "对个人 5000元～2万元" in f.message_zh


def test_persons_circumstance_in_the_persons_sentence(book, tmp_path):
    """会计法 第四十一条: 对其直接负责的主管人员…可以处十万元以上五十万元以下的罚款，情节严重的，可以处五十万元以上
    二百万元以下的罚款 — the serious case is the persons' too; a persons tier there is inside the law."""
    book.powers[1]["实施依据"] = "【法律】《中华人民共和国会计法》第四十一条"
    book.tiers = [tier(1, "首次违法的", 200000, 1000000, 裁量标准="处二十万元以上一百万元以下罚款，对直接负责的主管人员和其他"
                       "直接责任人员处十万元以上二十万元以下罚款"),
                  tier(2, "情节严重的（伪造会计凭证金额100万元以上）", 1000000, 2000000,
                       裁量标准="处一百万元以上二百万元以下罚款，对直接负责的主管人员和其他直接责任人员处五十万元以上一百万元以下罚款")]
    assert rules(run(book, tmp_path), "D306", "D313") == []
    book.tiers[1]["裁量标准"] = "处一百万元以上二百万元以下罚款，对直接负责的主管人员和其他直接责任人员处二百万元以上三百万元以下罚款"
    [f] = rules(run(book, tmp_path), "D306", "D313")
    assert f.rule == "D306" and "对个人 50万元～200万元（情节严重的）" in f.message_zh


def test_circumstance_after_a_persons_fine_whose_party_cannot_be_told(book, tmp_path):
    """海上交通安全法 第一百零一条: 对有关责任人员处三万元以下的罚款；情节严重的，处三万元以上十万元以下的罚款 —
    after the ；the text does not say whom it fines: a persons tier there is a warning, not an error."""
    book.powers[1]["实施依据"] = "【法律】《中华人民共和国海上交通安全法》第一百零一条"
    book.tiers = [tier(1, "首次违法的", None, None, 裁量标准="对有关责任人员处一万元以上三万元以下罚款"),
                  tier(2, "情节严重的（1年内2次以上）", None, None, 裁量标准="对有关责任人员处三万元以上十万元以下罚款")]
    findings = rules(run(book, tmp_path), "D306", "D313")
    assert [f.rule for f in findings] == ["D313"] and "无法确定" in findings[0].message_zh
    book.tiers[1]["裁量标准"] = "对有关责任人员处十万元以上二十万元以下罚款"
    assert [f.rule for f in rules(run(book, tmp_path), "D306", "D313")] == ["D306"]


def test_tier_amounts_as_standards_write_them(book, tmp_path):
    """处10-30万元罚款 is 10万～30万 (not 10元～30万, a false D306); 处30万以上50万以下罚款 is read (no D309)."""
    book.powers[1]["实施依据"] = "【法律】《中华人民共和国水污染防治法》第八十三条第（二）项"
    book.tiers = [tier(1, "超标排放1次的", None, None, 裁量标准="责令改正，处10-30万元罚款"),
                  tier(2, "超标排放2次以上的", None, None, 裁量标准="责令改正，处30万以上50万以下罚款")]
    assert [f.rule for f in run(book, tmp_path).findings if f.rule.startswith("D")] == []


def test_tiers_in_different_units_are_not_compared(book, tmp_path):
    book.powers[1]["实施依据"] = ("《中华人民共和国放射性污染防治法》第五十三条：违法所得十万元以上的，并处违法所得一倍以上五倍以下罚款；"
                               "没有违法所得或者违法所得不足十万元的，并处一万元以上十万元以下罚款。")
    book.tiers = [tier(1, "没有违法所得的", None, None, 裁量标准="处五万元以上十万元以下罚款"),
                  tier(2, "违法所得十万元以上的", None, None, 裁量标准="并处违法所得一倍以上二倍以下罚款")]
    r = run(book, tmp_path)
    assert rules(r, "D303", "D304", "D305", "D306", "D307", "D313") == []


# ---------------------------------------------------------------- the range check, as a function
def basis_power(cell: str, law_text: str | None = None) -> Power:
    p = Power(name="测试", category="行政处罚", legal_bases=parse_bases(cell), provenance=Provenance(file="x", sheet="s", row=1))
    if law_text is not None:
        p.legal_bases[0]._law_text = law_text
    return p


def test_registry_text_comes_before_the_quote():
    p = basis_power("《中华人民共和国土壤污染防治法》第八十七条：处十万元以上五十万元以下的罚款。",
                    law_text="处十万元以上五十万元以下的罚款；情节严重的，处五十万元以上二百万元以下的罚款")
    st = discretion.statutory_ranges(p)
    assert [(f.lower, f.upper) for f in st.ranges] == [(100000, 500000), (500000, 2000000)]
    assert "法规库" in st.source
    p = basis_power("《中华人民共和国土壤污染防治法》第八十七条：处十万元以上五十万元以下的罚款。")
    st = discretion.statutory_ranges(p)
    assert len(st.ranges) == 1 and "引用条文" in st.source


def test_range_for_the_cited_item_only():
    p = basis_power("《中华人民共和国水污染防治法》第八十五条第一款第（三）项：处以罚款。有前款第一项、第二项、第五项、第九项"
                    "行为之一的，处十万元以上一百万元以下的罚款；有前款第三项、第四项、第六项、第七项、第八项行为之一的，"
                    "处二万元以上二十万元以下的罚款。")
    assert [(f.lower, f.upper) for f in discretion.statutory_ranges(p).ranges] == [(20000, 200000)]


@pytest.mark.parametrize("condition,words,matches", [
    ("情节严重的", "情节严重的：排放量50吨以上", True),
    ("造成严重后果的", "造成较大以上突发环境事件或其他严重后果的", True),
    ("造成严重后果的", "不涉及环境敏感区，未造成土壤环境污染等严重后果的", False),
    ("逾期不改正的", "经责令改正，逾期未改正的", True),
    ("拒不改正的", "拒不改正，继续排放的", True),
    ("情节严重的", "首次违法的", False),
])
def test_condition_matches(condition, words, matches):
    assert discretion.condition_matches(condition, words) is matches


def test_check_range_says_which_range():
    law = [fine_from_words("处十万元以上五十万元以下的罚款")]
    law += discretion.normalize.fine_ranges("处十万元以上五十万元以下的罚款；情节严重的，处五十万元以上二百万元以下的罚款")[1:]
    r = discretion.check_range(fine_from_words("处六十万元以上八十万元以下罚款"), law, "情节严重，排放量50吨以上")
    assert r.status == "ok" and [f.condition for f in r.used] == ["情节严重的"]
    r = discretion.check_range(fine_from_words("处六十万元以上八十万元以下罚款"), law, "排放量50吨以上")
    assert r.status == "ok" and r.how == "各法定幅度之并集"
    assert discretion.check_range(fine_from_words("处五万元罚款"), law).status == "outside"
    assert discretion.check_range(fine_from_words("处货值金额一倍罚款"), law).status == "unclear"


@pytest.mark.skipif(not REAL.exists(), reason="real standard not present")
def test_real_standard_through_import_and_validate(tmp_path):
    """The done-means path: `powers import` then `powers validate`, the law registry included."""
    from powers.importers import import_file, write_workbooks
    from powers.rules.fields import credit_check_char

    credit = "11440700MB2C12345" + credit_check_char("11440700MB2C12345")
    result = import_file(REAL, department="江门市生态环境局", number="07", region="440700", credit_code=credit,
                         level="3", date="2020-03-01")
    r = validate(write_workbooks(result, tmp_path))
    assert sum(c.read for c in r.counts.values()) > 1000
    assert any(f.rule == "D304" for f in r.findings)  # the tiers were checked: 8 real overlaps today
    assert not [f for f in r.findings if f.rule in ("D306", "D309", "D313")]


def _continuation(circ, standard=None, **kw):
    """A further row of the tier above: no 阶次, its own circumstance, maybe its own standard."""
    return {"职权序号": "2", "阶次": None, "违法情节": circ, "裁量标准": standard, **kw}


def test_continuation_row_with_its_own_standard_is_kept_and_checked_at_its_cell(book, tmp_path):
    """Published standards merge 类别 over several 情节 rows, some with a standard of their own: that
    standard is kept in the tier and checked at its own cell, not hidden behind the tier's first row."""
    book.tiers = [tier(1, "首次违法且在3日内改正的", 20, 50), _continuation("拒不配合调查的", "处五百元以上一千元以下罚款"),
                  tier(2, "1年内第2次违法的", 50, 100), tier(3, "1年内违法3次以上的", 100, 200)]
    r = validate([book.save(tmp_path / "d.xlsx")])
    [f] = [f for f in r.findings if f.rule == "D306"]
    assert (f.cell, f.row) == ("F3", 3) and "500元～1000元" in f.message_zh
    # a tier is one unit: its first row goes back with the wrong one, and every row is counted once
    assert [g.row for g in r.findings if g.rule == "S010"] == [2]
    [c] = r.counts.values()
    assert c.read == c.accepted + c.rejected and c.rejected == 2


def test_continuation_row_repeating_or_inside_the_range_is_quiet(book, tmp_path):
    book.tiers = [tier(1, "首次违法且在3日内改正的", 20, 50), _continuation("在1日内改正的"),
                  _continuation("主动消除影响的", "处二十元以上四十元以下罚款", 说明="按较低标准"),
                  tier(2, "1年内第2次违法的", 50, 100), tier(3, "1年内违法3次以上的", 100, 200)]
    r = validate([book.save(tmp_path / "d.xlsx")])
    assert not r.errors, [f.message_zh for f in r.errors]
    t = r.departments[0].powers[1].tiers[0]
    assert t.circumstances == ["首次违法且在3日内改正的", "在1日内改正的", "主动消除影响的"]
    assert "处二十元以上四十元以下罚款" in t.standard and t.note == "按较低标准"
