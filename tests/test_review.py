"""Review decisions (清理结果): each decision with and without its grounds, the 状态 it leaves, and
codes that follow it (a merged item's code retired pointing to its target, a rename keeping its code,
a reclassified item's old code pointing to its new one), the same findings in validate and catalog."""
from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import Book, licence
from powers import CodeRegistry, validate
from powers import catalog as cat

GROUNDS = {"调整理由": "《测试条例》已废止", "调整文号": "测政发〔2026〕3号"}


def run(book: Book, tmp_path):
    return validate([book.save(tmp_path / "dept.xlsx")])


def rules(result) -> list[str]:
    return sorted(f.rule for f in result.findings)


def the_power(result, name="测试许可"):
    return next(p for d in result.departments for p in d.all_powers() if p.name == name)


@pytest.mark.parametrize("kind,status", [("取消", "取消"), ("合并", "取消"), ("下放", "在用")])
def test_cancel_merge_devolve_need_a_reason_and_a_document(kind, status, book, tmp_path):
    extra = {"合并": {"合并至": "另一许可"}, "下放": {"下放层级": "县级"}}.get(kind, {})
    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers[0].update(清理结果=kind, **extra)
    r = run(book, tmp_path)
    f = [f for f in r.findings if f.rule == "F131"]
    assert len(f) == 1 and f[0].severity == "error"
    assert f[0].column == "调整理由" and "调整理由、调整文号" in f[0].message_zh  # the first empty cell, both named
    assert "测试许可" not in {p.name for d in r.departments for p in d.powers}  # an error keeps the row out

    book.powers[0].update(调整理由=GROUNDS["调整理由"])  # a reason without the document: still an error
    f = [f for f in run(book, tmp_path).findings if f.rule == "F131"]
    assert [x.column for x in f] == ["调整文号"] and "调整文号" in f[0].message_zh

    book.powers[0].update(GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]
    p = the_power(r)
    assert (p.decision.kind, p.status) == (kind, status)  # 状态 left blank: the decision decides it
    assert p.decision.reason == GROUNDS["调整理由"] and p.decision.document == GROUNDS["调整文号"]
    if kind == "下放":
        assert p.decision.level == 4
    if kind == "合并":
        assert p.decision.target == "另一许可"


@pytest.mark.parametrize("kind,status", [("暂停", "暂停"), ("调整", "在用")])
def test_suspend_and_adjust_without_a_reason_are_a_warning(kind, status, book, tmp_path):
    book.powers[0].update(清理结果=kind)
    r = run(book, tmp_path)
    assert [(f.rule, f.severity, f.column) for f in r.findings if f.rule.startswith("F13")] == \
        [("F132", "warning", "调整理由")]
    assert the_power(r).status == status
    book.powers[0].update(调整理由="法律修改")
    assert not [f for f in run(book, tmp_path).findings if f.rule.startswith("F13")]


@pytest.mark.parametrize("typed,kind", [("继续保留", "保留"), ("予以取消", "取消"), ("下放至县级", "下放"),
                                        ("并入另一许可", "合并"), ("暂缓实施", "暂停"), ("新增", "新增")])
def test_decisions_as_offices_write_them(typed, kind, book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers[0].update(清理结果=typed, **GROUNDS)
    r = run(book, tmp_path)
    p = the_power(r)
    assert p.decision.kind == kind and p.decision.raw == typed
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]
    if kind == "下放":
        assert p.decision.level == 4  # the level named in the decision itself
    if kind == "合并":
        assert p.decision.target == "另一许可"


def test_a_status_against_the_decision_is_an_error_at_the_status_cell(book, tmp_path):
    book.powers[0].update(清理结果="取消", 状态="在用", **GROUNDS)
    f = [f for f in run(book, tmp_path).findings if f.rule == "F133"]
    assert len(f) == 1 and f[0].column == "状态" and "取消" in f[0].message_zh
    book.powers[0].update(状态="取消")
    assert not [f for f in run(book, tmp_path).findings if f.rule == "F133"]


def test_devolving_names_a_lower_level(book, tmp_path):
    book.powers[0].update(清理结果="下放", 下放层级="市级", **GROUNDS)  # a city department: 市 is not lower
    f = [f for f in run(book, tmp_path).findings if f.rule == "F135"]
    assert len(f) == 1 and f[0].column == "下放层级"
    book.powers[0].update(下放层级="乡镇（街道）")
    r = run(book, tmp_path)
    assert not r.errors and the_power(r).decision.level == 5


def test_a_merge_names_an_item_that_exists_and_stays(book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="另一许可", 清理结果="取消", **GROUNDS))
    book.powers[0].update(清理结果="合并", 合并至="《另一许可》", **GROUNDS)
    f = [f for f in run(book, tmp_path).findings if f.rule == "X511"]
    assert len(f) == 1 and f[0].column == "合并至" and "已取消" in f[0].message_zh
    book.powers[1].update(清理结果="合并", 合并至="另一许可", **GROUNDS)  # the penalty into the cancelled one too
    book.powers[2].update(清理结果="保留")
    r = run(book, tmp_path)
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]


def test_the_merged_items_code_is_retired_and_points_to_its_target(book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers[0].update(清理结果="合并", 合并至="另一许可", 生效日期="2026年3月1日", **GROUNDS)
    r = run(book, tmp_path)
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, findings = cat.build_catalog(r, reg)
        assert not findings
        d = catalog.departments[0]
        merged = next(p for p in d.powers if p.name == "测试许可")
        target = next(p for p in d.powers if p.name == "另一许可")
        assert merged.status == "取消" and merged.decision.target_code == target.basic_code
        assert merged.decision.effective.isoformat() == "2026-03-01"
        assert reg.successor(merged.basic_code) == target.basic_code
        assert merged.basic_code in reg.retired() and target.basic_code not in reg.retired()
    # the catalog keeps the decision, and reads it back
    path = cat.write_catalog(catalog, tmp_path / "build")
    back = cat.load_catalog(path)
    p = next(p for p in back.departments[0].powers if p.name == "测试许可")
    assert p.decision.target_code == target.basic_code and p.decision.document == GROUNDS["调整文号"]


def test_a_rename_keeps_the_code_the_workbook_carries(book, tmp_path):
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        code = next(p.basic_code for p in catalog.departments[0].powers if p.name == "测试许可")
        book.powers[0].update(职权名称="测试许可（更名）", 基本编码=code, 清理结果="调整", 调整理由="名称规范")
        r = run(book, tmp_path)
        shown = cat.code_findings(r, reg)  # what validate --registry shows, the registry untouched
        assert [f.rule for f in shown] == ["X512"] and f"编码 {code}" in shown[0].message_zh
        assert reg.holder(code).split("|")[3] == "测试许可"
        catalog, findings = cat.build_catalog(r, reg)
        assert [f.model_dump() for f in findings] == [f.model_dump() for f in shown]
        p = next(p for p in catalog.departments[0].powers if p.name == "测试许可（更名）")
        assert p.basic_code == code and reg.holder(code).split("|")[3] == "测试许可（更名）"


def test_a_carried_code_of_another_item_still_in_the_list_is_taken(book, tmp_path):
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        code = next(p.basic_code for p in catalog.departments[0].powers if p.name == "测试许可")
        book.powers.append(licence(序号="3", 职权名称="另一许可", 基本编码=code))
        r = run(book, tmp_path)
        assert [f.rule for f in cat.code_findings(r, reg)] == ["X506"]  # not a rename: 测试许可 is still listed


def test_a_reclassified_item_gets_a_new_code_and_the_old_one_points_to_it(book, tmp_path):
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        old = next(p.basic_code for p in catalog.departments[0].powers if p.name == "测试许可")
        book.powers[0].update(职权类别="行政确认", 基本编码=old, 清理结果="调整", 调整理由="按行政确认实施",
                              流程="行政许可标准流程")
        r = run(book, tmp_path)
        assert [f.rule for f in r.findings if f.rule.startswith("F1")] == ["F138"]
        catalog, findings = cat.build_catalog(r, reg)
        p = next(p for p in catalog.departments[0].powers if p.name == "测试许可")
        assert p.category == "行政确认" and p.basic_code[2:4] == "07" and p.decision.former_code == old
        assert old in reg.retired() and reg.successor(old) == p.basic_code


def test_a_merge_into_a_code_the_registry_does_not_hold(book, tmp_path):
    book.powers[0].update(清理结果="合并", 合并至="370107999000", **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors  # a code is for the registry to answer: validate without one cannot tell
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        shown = cat.code_findings(r, reg)
        assert [(f.rule, f.column) for f in shown] == [("X510", "合并至")]
        _, findings = cat.build_catalog(r, reg)
        assert [f.model_dump() for f in findings] == [f.model_dump() for f in shown]


def test_validate_with_the_registry_shows_what_catalog_will(book, tmp_path):
    runner = CliRunner()
    wb = book.save(tmp_path / "in" / "dept.xlsx")
    assert runner.invoke(app, ["catalog", str(wb), "-o", str(tmp_path / "build")]).exit_code == 0
    data = json.loads((tmp_path / "build" / "catalog.json").read_text("utf-8"))
    code = next(p["basic_code"] for p in data["departments"][0]["powers"] if p["name"] == "测试许可")
    book.powers[0].update(职权名称="测试许可（更名）", 基本编码=code)
    wb = book.save(tmp_path / "in" / "dept.xlsx")
    before = (tmp_path / "build" / "codes.sqlite").read_bytes()
    r = runner.invoke(app, ["validate", str(wb), "--registry", str(tmp_path / "build"), "-f", "json"])
    shown = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "X512"]
    assert len(shown) == 1 and (tmp_path / "build" / "codes.sqlite").read_bytes() == before
    r = runner.invoke(app, ["validate", str(wb), "--registry", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "编码库不存在" in r.output


def test_an_older_registry_gains_the_successor_column(tmp_path):
    db = sqlite3.connect(tmp_path / "codes.sqlite")
    db.execute("CREATE TABLE codes (basic_code TEXT PRIMARY KEY, identity TEXT NOT NULL, status TEXT NOT NULL "
               "DEFAULT 'active', assigned TEXT NOT NULL, retired TEXT)")
    db.execute("INSERT INTO codes VALUES ('370107001000', 'x', 'active', '2025-01-01', NULL)")
    db.commit()
    db.close()
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        assert reg.successor("370107001000") is None and reg.holder("370107001000") == "x"


def test_a_cancelled_items_code_is_not_taken_by_a_new_name(book, tmp_path):
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        book.powers[0].update(状态="取消")
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        code = next(p.basic_code for p in catalog.departments[0].powers if p.name == "测试许可")
        book.powers[0].update(职权名称="新的许可", 基本编码=code, 状态="在用")
        assert [f.rule for f in cat.code_findings(run(book, tmp_path), reg)] == ["X506"]  # retired, never reused


def test_the_template_offers_the_decisions_as_a_drop_down(tmp_path):
    import openpyxl

    from powers.models import DECISIONS
    from powers.template import write_template

    ws = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))["职权目录"]
    header = [c.value.rstrip("*") for c in ws[1]]
    for col in ("清理结果", "调整理由", "调整文号", "生效日期", "下放层级", "合并至"):
        assert col in header
    letter = openpyxl.utils.get_column_letter(header.index("清理结果") + 1)
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{letter}2"] == '"' + ",".join(DECISIONS) + '"'


def test_the_comparison_table_takes_reason_and_document_from_the_decisions(book, tmp_path):
    from powers.tables import comparison_rows

    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers.append(licence(序号="4", 职权名称="将下放的许可"))
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        old, _ = cat.build_catalog(run(book, tmp_path), reg)
        book.powers[0].update(清理结果="合并", 合并至="另一许可", **GROUNDS)
        book.powers[3].update(清理结果="下放", 下放层级="县级", 调整理由="方便群众就近办理", 调整文号="测政发〔2026〕5号")
        book.powers.append(licence(序号="5", 职权名称="新设许可", 清理结果="新增", 调整理由="新法施行",
                                   调整文号="测政发〔2026〕6号"))
        new, findings = cat.build_catalog(run(book, tmp_path), reg)
    assert not findings
    rows = {r[1]: r for r in comparison_rows(cat.diff(old, new))}
    assert rows["测试许可"][4:] == ["合并至另一许可", "在用", "取消", GROUNDS["调整理由"], GROUNDS["调整文号"]]
    assert rows["将下放的许可"][4] == "下放至县级" and rows["将下放的许可"][7:] == ["方便群众就近办理", "测政发〔2026〕5号"]
    assert rows["新设许可"][4] == "新增" and rows["新设许可"][7:] == ["新法施行", "测政发〔2026〕6号"]
    text = cat.diff_text(cat.diff(old, new))
    assert "清理结果：（空） → 下放至县级" in text


def test_the_site_says_what_was_decided(book, tmp_path):
    from powers.pipeline import build

    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers.append(licence(序号="4", 职权名称="将下放的许可", 清理结果="下放至乡镇", 调整理由="方便群众就近办理",
                               调整文号="测政发〔2026〕5号", 生效日期="2026-04-01"))
    book.powers[0].update(清理结果="合并", 合并至="另一许可", **GROUNDS)
    r = build([book.save(tmp_path / "in" / "d.xlsx")], tmp_path / "site", work=tmp_path / "w", search=False)
    assert not r.validation.errors
    codes = {p.name: p.basic_code for _, p in r.catalog.all_powers()}
    merged = (tmp_path / "site" / "powers" / f"{codes['测试许可']}.html").read_text("utf-8")
    assert f'本事项已合并至<a href="../powers/{codes["另一许可"]}.html">另一许可</a>' in merged
    assert GROUNDS["调整文号"] in merged and "清理调整情况" in merged
    devolved = (tmp_path / "site" / "powers" / f"{codes['将下放的许可']}.html").read_text("utf-8")
    assert "本事项已下放至乡镇级实施" in devolved and "2026-04-01" in devolved


def test_a_cancelled_status_asks_for_its_decision(book, tmp_path):
    book.powers[0].update(状态="取消")
    f = [f for f in run(book, tmp_path).findings if f.rule == "F139"]
    assert len(f) == 1 and f[0].severity == "warning" and f[0].column == "状态"
    book.powers[0].update(清理结果="取消", **GROUNDS)
    assert not [f for f in run(book, tmp_path).findings if f.rule.startswith("F13")]


def test_a_sub_items_decision_stays_with_the_sub_item(book, tmp_path):
    book.tiers = []
    book.powers = [licence(序号="1", 职权名称="主项许可", 子项名称="甲子项", 清理结果="取消", 状态="取消", **GROUNDS),
                   licence(序号="2", 职权名称="主项许可", 子项名称="乙子项")]  # no row of the main item itself
    r = run(book, tmp_path)
    main = next(p for d in r.departments for p in d.powers if p.name == "主项许可")
    assert main.decision is None and main.status == "在用"
    assert {s.sub_item: (s.decision and s.decision.kind) for s in main.sub_items} == {"甲子项": "取消", "乙子项": None}


# ---------------------------------------------------------------- from a review of the above
@pytest.mark.parametrize("typed", ["另一许可(甲子项)", "“另一许可”（甲子项）", "《另一许可（甲子项）》实施"])
def test_merge_targets_as_people_write_them(typed, book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="另一许可", 子项名称="甲子项"))
    book.powers[0].update(清理结果="合并", 合并至=typed, **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]


@pytest.mark.parametrize("raw", ["合并（并入另一许可）", "合并至另一许可实施", "并入另一许可事项"])
def test_merge_targets_in_the_decision_text(raw, book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="另一许可"))
    book.powers[0].update(清理结果=raw, **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(r, reg)
    p = next(p for p in catalog.departments[0].powers if p.name == "测试许可")
    assert p.decision.target_name == "另一许可" and p.decision.target_code


def test_a_sub_item_merged_into_its_sibling_named_alone(book, tmp_path):
    book.tiers = []
    book.powers = [licence(序号="1", 职权名称="主项许可"),
                   licence(序号="1.1", 职权名称="主项许可", 子项名称="甲子项", 清理结果="合并", 合并至="乙子项", **GROUNDS),
                   licence(序号="1.2", 职权名称="主项许可", 子项名称="乙子项")]
    assert not run(book, tmp_path).errors


def test_a_merge_into_an_item_another_department_alone_lists(book, tmp_path):
    other = Book()
    other.info.update(部门名称="测试市另一局", 部门编号="08")
    other.powers, other.tiers = [licence(序号="1", 职权名称="另一局的许可")], []
    book.powers[0].update(清理结果="合并", 合并至="另一局的许可", **GROUNDS)
    r = validate([book.save(tmp_path / "a.xlsx"), other.save(tmp_path / "b.xlsx")])
    assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(r, reg)
    merged = next(p for _, p in catalog.all_powers() if p.name == "测试许可")
    target = next(p for _, p in catalog.all_powers() if p.name == "另一局的许可")
    assert merged.decision.target_code == target.basic_code


def test_a_merge_kept_from_an_earlier_round_follows_a_later_one(book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="乙许可", 清理结果="合并", 合并至="丙许可", **GROUNDS))
    book.powers.append(licence(序号="4", 职权名称="丙许可"))
    book.powers[0].update(清理结果="合并", 合并至="乙许可", **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors and [f.rule for f in r.findings if f.rule.startswith("X51")] == ["X513"]
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(r, reg)
        codes = {p.name: p.basic_code for p in catalog.departments[0].powers}
        assert reg.successor(codes["测试许可"]) == codes["丙许可"]  # along the chain


@pytest.mark.parametrize("level,levels", [("区（市）级", [4]), ("各区（市）", [4]), ("县级、乡镇级", [4, 5])])
def test_devolved_levels_as_cities_write_them(level, levels, book, tmp_path):
    book.powers[0].update(清理结果="下放", 下放层级=level, **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors and the_power(r).decision.levels == levels


def test_devolved_and_cancelled_here_is_a_warning(book, tmp_path):
    book.powers[0].update(清理结果="下放至县级", 状态="取消", **GROUNDS)
    r = run(book, tmp_path)
    assert not r.errors and [f.rule for f in r.findings if f.rule.startswith("F1")] == ["F140"]
    assert the_power(r).status == "取消"


def test_devolved_without_a_level_points_at_the_level_cell(book, tmp_path):
    book.powers[0].update(清理结果="下放实施", **GROUNDS)
    f = [f for f in run(book, tmp_path).findings if f.rule == "F134"]
    assert len(f) == 1 and f[0].column == "下放层级"


@pytest.mark.parametrize("typed,kind", [("不予保留", "取消"), ("无", None), ("/", None)])
def test_more_decision_words(typed, kind, book, tmp_path):
    book.powers[0].update(清理结果=typed, **(GROUNDS if kind else {}))
    r = run(book, tmp_path)
    assert not [f for f in r.findings if f.rule == "F130"]
    p = the_power(r) if kind != "取消" else None
    if kind is None:
        assert p.decision is None or p.decision.kind is None


def test_a_reclassification_cannot_retire_a_code_another_item_holds(book, tmp_path):
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        code = next(p.basic_code for p in catalog.departments[0].powers if p.name == "测试许可")
        book.powers.append(licence(序号="3", 职权名称="某确认", 职权类别="行政确认", 基本编码=code, 清理结果="调整",
                                   调整理由="x", 流程="行政许可标准流程"))
        r = run(book, tmp_path)
        assert not r.errors  # 测试许可 does not carry its code here: the registry knows it is its
        assert [f.rule for f in cat.code_findings(r, reg)] == ["X506"]
        _, findings = cat.build_catalog(r, reg)
        assert [f.rule for f in findings] == ["X506"] and code not in reg.retired()
        book.powers[0].update(基本编码=code)  # when it does, the workbook itself shows one code twice
        assert [f.rule for f in run(book, tmp_path).errors] == ["X505"]


def test_a_reclassified_items_sub_items_follow_it(book, tmp_path):
    book.tiers = []
    book.powers = [licence(序号="1", 职权名称="主项许可"), licence(序号="1.1", 职权名称="主项许可", 子项名称="甲"),
                   licence(序号="1.2", 职权名称="主项许可", 子项名称="乙")]
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = cat.build_catalog(run(book, tmp_path), reg)
        old = {p.full_name: p.basic_code for _, p in catalog.all_powers()}
        for row, name in zip(book.powers, ["主项许可", "主项许可（甲）", "主项许可（乙）"]):
            row.update(职权类别="行政确认", 基本编码=old[name], 流程="行政许可标准流程")
        book.powers[0].update(清理结果="调整", 调整理由="按行政确认实施")
        r = run(book, tmp_path)
        assert not r.errors, [(x.rule, x.message_zh) for x in r.errors]
        catalog, findings = cat.build_catalog(r, reg)
        new = {p.full_name: p.basic_code for _, p in catalog.all_powers()}
        assert set(new) == set(old) and all(reg.successor(old[n]) == new[n] for n in old)


def test_a_merge_target_left_out_for_its_errors_is_said(book, tmp_path):
    book.powers.append(licence(序号="3", 职权名称="乙许可", 承办机构=None))  # F101: left out
    book.powers[0].update(清理结果="合并", 合并至="乙许可", **GROUNDS)
    r = run(book, tmp_path)
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        _, findings = cat.build_catalog(r, reg)
    assert [(f.rule, f.severity, f.column) for f in findings] == [("X514", "warning", "合并至")]


def test_an_earlier_decision_does_not_label_a_later_change(book, tmp_path):
    from powers.tables import comparison_rows

    book.powers[0].update(清理结果="下放", 下放层级="县级", **GROUNDS)
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        old, _ = cat.build_catalog(run(book, tmp_path), reg)
        book.powers[0].update(承办机构="新的科室")  # the decision cells kept from the earlier round
        new, _ = cat.build_catalog(run(book, tmp_path), reg)
    (row,) = comparison_rows(cat.diff(old, new))
    assert row[4] == "调整（承办机构）" and row[7:] == ["", ""]


def test_validate_with_an_older_registry_leaves_it_as_it_was(book, tmp_path):
    wb = book.save(tmp_path / "in" / "dept.xlsx")
    db = sqlite3.connect(tmp_path / "codes.sqlite")
    db.execute("CREATE TABLE codes (basic_code TEXT PRIMARY KEY, identity TEXT NOT NULL, status TEXT NOT NULL "
               "DEFAULT 'active', assigned TEXT NOT NULL, retired TEXT)")
    db.commit()
    db.close()
    before = (tmp_path / "codes.sqlite").read_bytes()
    r = CliRunner().invoke(app, ["validate", str(wb), "--registry", str(tmp_path / "codes.sqlite")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "codes.sqlite").read_bytes() == before


def test_a_public_sub_item_under_a_made_main_item_stays_public(book, tmp_path):
    book.tiers = []
    book.powers = [licence(序号="1", 职权名称="主项许可", 子项名称="内部子项", 公开范围="内部"),
                   licence(序号="2", 职权名称="主项许可", 子项名称="公开子项")]  # no row of the main item
    r = run(book, tmp_path)
    main = next(p for d in r.departments for p in d.powers if p.name == "主项许可")
    assert main.scope == "社会" and {s.sub_item: s.scope for s in main.sub_items} == {"内部子项": "内部", "公开子项": "社会"}
