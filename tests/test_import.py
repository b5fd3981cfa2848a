"""`powers import`: published layouts into the standard workbook, every source row accounted for."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import ROOT
from powers import read_workbook, validate
from powers.importers import (DISCRETION, FLAT, ImportError_, NothingToImport, detect_layout, import_file,
                              level_number, penalty_kinds, write_workbooks)
from powers.read import load_grids
from powers.rules.fields import credit_check_char

DATA = ROOT / "tests" / "data"
XLS = DATA / "jiangmen-eco-env-discretion-2020.xls"
XLSX = DATA / "jiangmen-eco-env-discretion-2020.xlsx"
CREDIT = "11440700MB2C12345" + credit_check_char("11440700MB2C12345")
OPTS = dict(department="江门市生态环境局", number="07", region="440700", credit_code=CREDIT, level="3",
            date="2020-03-01")


def source_tiers(path: Path) -> tuple[int, set[tuple[str, int]]]:
    """Counted with openpyxl, independently of the importer: a tier starts at every 类别 cell
    (column D, below the header) that shows a value of its own, i.e. is not hidden inside a
    merged range below its first row; also every non-empty row of every sheet."""
    wb = openpyxl.load_workbook(path)
    tiers, rows = 0, set()
    for ws in wb.worksheets:
        hidden = set()
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row + 1, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    hidden.add((r, c))
        for r in range(3, ws.max_row + 1):
            if (r, 4) not in hidden and ws.cell(r, 4).value not in (None, ""):
                tiers += 1
        for r in range(1, ws.max_row + 1):
            if any(ws.cell(r, c).value not in (None, "") for c in range(1, ws.max_column + 1)):
                rows.add((ws.title, r))
    return tiers, rows


@pytest.fixture(scope="module")
def real():
    return import_file(XLSX, **OPTS)


@pytest.fixture(scope="module")
def written(real, tmp_path_factory):
    return write_workbooks(real, tmp_path_factory.mktemp("jm"))


def test_layouts_detected():
    assert detect_layout(load_grids(XLS)) is DISCRETION
    assert detect_layout(load_grids(ROOT / "inventories" / "06-统计局.xlsx")) is None


@pytest.mark.parametrize("path", [XLS, XLSX], ids=["xls", "xlsx"])
def test_every_tier_of_the_real_standard_is_read_with_its_basis(path):
    result = import_file(path, **OPTS)
    [d] = result.departments
    expected, rows = source_tiers(XLSX)
    assert expected == 671
    assert sum(1 for t in d.tiers if t.get("阶次")) == expected
    bases = {p["序号"]: p["实施依据"] for p in d.powers}
    assert all(bases[t["职权序号"]] for t in d.tiers)  # every tier under a power with its basis
    assert all(p["职权类别"] == "行政处罚" and p["承办机构"] == "江门市生态环境局" for p in d.powers)
    # every non-empty source row is accounted for, once
    seen = Counter((r.sheet, r.row) for r in d.rows)
    assert set(seen) == rows and max(seen.values()) == 1
    assert {r.note for r in d.rows if r.status == "未导入"} <= {"表头行"} | {
        r.note for r in d.rows if r.note.startswith("标题行：")}
    assert any("Sheet4" in n for n in result.notes) and any("Sheet5" in n for n in result.notes)


def test_xls_and_xlsx_give_the_same_import():
    a, b = import_file(XLS, **OPTS).departments[0], import_file(XLSX, **OPTS).departments[0]
    assert a.powers == b.powers and a.tiers == b.tiers
    assert [(r.sheet, r.row, r.status, r.target) for r in a.rows] == [(r.sheet, r.row, r.status, r.target)
                                                                     for r in b.rows]
    assert [g.filled() for g in load_grids(XLS)] == [g.filled() for g in load_grids(XLSX)]


def power(d, name):
    return next(p for p in d.powers if p["职权名称"] == name)


def tiers_of(d, p):
    return [t for t in d.tiers if t["职权序号"] == p["序号"]]


def test_basis_continued_in_a_second_merged_range(real):
    """水污染防治法 2-9: one 违法行为, basis 第八十四条第一款 over rows 57–61, then 逾期不拆除的…
    over rows 62–67 with tiers from 1 again: joined to the basis above, its own power."""
    [d] = real.departments
    first = power(d, "在饮用水水源保护区内设置排污口的")
    second = power(d, "在饮用水水源保护区内设置排污口的（逾期不拆除的）")
    assert first["实施依据"].startswith("《中华人民共和国水污染防治法》（2017年修订）第八十四条第一款")
    assert second["实施依据"].startswith(first["实施依据"] + "\n逾期不拆除的，强制拆除")
    assert [t["阶次"] for t in tiers_of(d, first)] == [1, 2, 3, 4, 5]
    assert [t["阶次"] for t in tiers_of(d, second)] == [1, 2, 3, 4, 5, None]
    # noise 5-1: three basis ranges under one 违法行为 → three powers
    assert len([p for p in d.powers if p["职权名称"].startswith("需配套的环境噪声污染防治设施未建成")]) == 3


def test_same_offence_under_two_bases_is_two_powers(real):
    """拒绝现场检查或者在接受检查时弄虚作假 is punished under the water law and the air law."""
    [d] = real.departments
    water = power(d, "拒绝现场检查或者在接受检查时弄虚作假")
    air = power(d, "拒绝现场检查或者在接受检查时弄虚作假（依据中华人民共和国大气污染防治法第九十八条）")
    assert "水污染防治法" in water["实施依据"] and "大气污染防治法" in air["实施依据"]
    assert any("另列为职权" in g for g in d.guesses)


def test_tier_rows_and_continuations(real):
    [d] = real.departments
    p = power(d, "拒绝现场检查或者在接受检查时弄虚作假")
    ts = tiers_of(d, p)
    assert [t["阶次"] for t in ts] == [1, 2, None, 3, 4, None, None, 5, None]
    assert ts[2]["违法情节"].startswith("经提醒不改正") and ts[2].get("裁量标准") is None
    assert ts[0]["处罚种类"] == "罚款" and ts[0]["裁量标准"] == "责令改正，处二万元以上五万元以下罚款"
    # a repeated 类别 (土壤 6-13: 4, 4, 5) is numbered on, and the report says so
    soil = next(x for x in d.powers if x["职权名称"].startswith("转运污染土壤"))
    assert [t["阶次"] for t in tiers_of(d, soil) if t["阶次"]] == [1, 2, 3, 4, 5, 6]
    assert any("第124行：类别 4 与上一阶次重复" in g for g in d.guesses)
    # 备注 → 说明 on the tier where it is written
    first = power(d, "未按照规定对所排放的水污染物自行监测，或者未保存原始监测记录的")
    assert tiers_of(d, first)[0]["说明"] == "逾期不改正的，责令停产整治"


@pytest.mark.parametrize("words,kinds", [
    ("责令改正，处二万元以上五万元以下罚款", ["罚款"]),
    ("给予警告", ["警告"]),
    ("责令改正，没收违法所得，并处八万元以上十五万元以下的罚款", ["罚款", "没收违法所得"]),
    ("报经有批准权的人民政府批准，责令停业", ["责令停产停业"]),
    ("处所收费用五倍的罚款，禁止从事环境影响报告书、环境影响报告表编制工作", ["罚款", "限制从业"]),
    ("责令限期拆除", ["其他"]),
    (None, []),
])
def test_penalty_kinds_from_words(words, kinds):
    assert penalty_kinds(words) == kinds


@pytest.mark.parametrize("value,number", [("市级", "3"), ("3", "3"), ("乡镇级", "5"), ("省级、市级、县级", None),
                                          (None, None)])
def test_level_numbers(value, number):
    assert level_number(value) == number


def test_written_workbook_is_the_template_and_validates(real, written):
    [path] = written
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报说明", "部门信息", "职权目录", "裁量基准", "流程", "导入说明"]
    assert len(wb["职权目录"].data_validations.dataValidation) >= 5  # the drop-downs are kept
    report = json.loads(path.with_name(f"{path.stem}.导入说明.json").read_text("utf-8"))
    assert report["departments"][0]["tiers"] == 671 and report["layout"] == "discretion-per-law"
    [d] = real.departments
    r = validate([path])
    [count] = r.counts.values()
    flows = wb["流程"].max_row - 1
    assert count.read == len(d.powers) + len(d.tiers) + flows  # every written row is read
    assert count.read == count.accepted + count.rejected
    by_rule = Counter(f.rule for f in r.findings)
    # nothing the import wrote is malformed: what remains is about the standard's content
    # (fine ranges against the statute, overlapping tiers, the law registry), never structure,
    # fields, orphan tiers or flows; a discretion standard has no 责任事项 nor 追责情形, which the
    # department adds (F141 says so once for the file)
    assert not {k for k in by_rule if k[0] in "SFPX" and k not in ("S010", "F141")}, by_rule
    assert by_rule["F141"] == 2 and "F119" not in by_rule
    assert not {"D301", "D302", "D309", "D310", "F101"} & set(by_rule)
    # rows rejected with their tier or power point at their own cell
    assert all(f.cell.endswith(str(f.row)) for f in r.findings if f.cell and f.row)


def test_read_workbook_reads_xls_like_xlsx(monkeypatch, tmp_path):
    """The .xls path (calamine grids, merged cells filled) gives the rows the .xlsx path gives."""
    src = ROOT / "inventories" / "06-统计局.xlsx"
    xls = tmp_path / "06-统计局.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    monkeypatch.setattr("powers.read.load_grids", lambda path: load_grids(src))
    a, b = read_workbook(src), read_workbook(xls)
    assert [f.rule for f in b.findings] == [f.rule for f in a.findings]
    assert {k: c.text for k, c in b.info.items()} == {k: c.text for k, c in a.info.items()}
    for sheet, rows in a.tables.items():
        assert [(r.number, {k: c.text for k, c in r.cells.items()}) for r in b.tables[sheet]] == \
               [(r.number, {k: c.text for k, c in r.cells.items()}) for r in rows]


def test_broken_xls_is_s003(tmp_path):
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    assert [f.rule for f in read_workbook(bad).findings] == ["S003"]


def test_one_sheet_standard_with_section_titles(tmp_path):
    """All laws on one sheet: a section title row between the parts and a repeated header are
    skipped (and said so), and do not become powers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    head = ["序号", "违法行为", "法律依据", "类别", "裁量情节", "裁量标准", "备注"]
    ws.append(["某市某局行政处罚裁量标准"])
    ws.merge_cells("A1:G1")
    ws.append(head)
    ws.append(["一、《中华人民共和国大气污染防治法》"])
    ws.merge_cells("A3:G3")
    basis = "《中华人民共和国大气污染防治法》第一百一十七条：处一万元以上十万元以下的罚款"
    ws.append(["1-1", "未密闭易产生扬尘的物料的", basis, 1, "两年内第1次", "责令改正，处一万元以上二万元以下罚款", None])
    ws.append([None, None, None, 2, "两年内第2次", "责令改正，处二万元以上四万元以下罚款", None])
    ws.append([None, None, None, None, "造成严重后果的", None, None])
    ws.merge_cells("B4:B6")
    ws.merge_cells("C4:C6")
    ws.append(head)
    ws.append(["二、《中华人民共和国水污染防治法》"])
    ws.append(["2-1", "拒绝现场检查的", "《中华人民共和国水污染防治法》第八十一条：处二万元以上二十万元以下的罚款", 1,
               "拖延30分钟以内的", "责令改正，处二万元以上五万元以下罚款", None])
    path = tmp_path / "某市某局裁量标准.xlsx"
    wb.save(path)
    [d] = import_file(path).departments
    assert d.name == "某市某局"  # from the file name
    assert [p["职权名称"] for p in d.powers] == ["未密闭易产生扬尘的物料的", "拒绝现场检查的"]
    assert [t["阶次"] for t in d.tiers] == [1, 2, None, 1]
    notes = {r.row: (r.status, r.note) for r in d.rows}
    assert notes[3] == ("未导入", "标题行：一、《中华人民共和国大气污染防治法》")
    assert notes[7] == ("未导入", "表头行（重复）") and notes[8][1].startswith("标题行：二、")
    assert len(notes) == 9


def test_tiers_written_as_words_or_repeated_on_every_row(tmp_path):
    """类别 as 从轻/一般/从重, and a number repeated on each row of a tier instead of merged."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "违法行为", "法律依据", "类别", "裁量情节", "裁量标准", "备注"])
    basis = "《中华人民共和国大气污染防治法》第一百一十七条：处一万元以上十万元以下的罚款"
    ws.append([1, "甲违法行为", basis, "从轻", "首次", "处一万元以上二万元以下罚款", None])
    ws.append([None, None, None, "一般", "第2次", "处二万元以上五万元以下罚款", None])
    ws.append([None, None, None, "一般", "持续3日以上", "处二万元以上五万元以下罚款", None])
    ws.append([None, None, None, "从重", "第3次以上", "处五万元以上十万元以下罚款", None])
    ws.merge_cells("B2:B5")
    ws.merge_cells("C2:C5")
    ws.append([2, "乙违法行为", basis, 1, "首次", "处一万元罚款", None])
    ws.append([None, "乙违法行为", basis, 1, "初犯且已改正", None, None])
    ws.append([None, "乙违法行为", basis, 2, "再犯", "处二万元以上十万元以下罚款", None])
    path = tmp_path / "standard.xlsx"
    wb.save(path)
    [d] = import_file(path, department="某局").departments
    assert [p["职权名称"] for p in d.powers] == ["甲违法行为", "乙违法行为"]
    assert [(t["阶次"], t["违法情节"]) for t in d.tiers] == [
        (1, "首次"), (2, "第2次"), (None, "持续3日以上"), (3, "第3次以上"), (1, "首次"), (None, "初犯且已改正"),
        (2, "再犯")]
    assert d.tiers[0]["说明"] == "原类别：从轻"


def test_discretion_written_out_on_every_row_with_other_headers(tmp_path):
    """违法行为, 法律依据 and 序号 written again on every tier row (nothing merged); the tier column
    called 违法程度 (第一档, 较轻 …) and the standard 裁量幅度; a sheet of notes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "固体废物污染环境防治法"
    ws.append(["序号", "违法行为", "法律依据", "违法程度", "违法情节", "裁量幅度"])
    a, b = "未按照规定设置危险废物识别标志的", "《中华人民共和国固体废物污染环境防治法》第一百一十二条第一款第（一）项"
    c = "《中华人民共和国固体废物污染环境防治法》第一百零二条第一款第（六）项"
    for tier, circ, fine in (("第一档", "设置不规范", "十万元以上二十万元以下"), ("第二档", "未设置", "二十万元以上五十万元以下"),
                             ("第三档", "造成污染", "五十万元以上一百万元以下")):
        ws.append(["1", a, b, tier, circ, f"处{fine}的罚款"])
    for tier, circ in (("较轻", "1吨以下"), ("一般", "1吨以上")):
        ws.append(["２", "擅自倾倒工业固体废物的 ", c, tier, circ, "处十万元以上一百万元以下罚款"])
    notes = wb.create_sheet("说明")
    notes.append(["罚款数额以上包括本数，以下不包括本数。"])
    wb.save(tmp_path / "标准.xlsx")
    result = import_file(tmp_path / "标准.xlsx", department="某局")
    [d] = result.departments
    assert [p["职权名称"] for p in d.powers] == [a, "擅自倾倒工业固体废物的"]
    assert [(t["职权序号"], t["阶次"], t["裁量标准"][:6]) for t in d.tiers] == [
        ("1", 1, "处十万元以上"), ("1", 2, "处二十万元以"), ("1", 3, "处五十万元以"), ("2", 1, "处十万元以上"),
        ("2", 2, "处十万元以上")]
    assert {c.source: c.target for c in result.columns}["违法程度"] == "裁量基准.阶次"
    assert [(r.sheet, r.status) for r in d.rows if r.sheet == "说明"] == [("说明", "未导入")]


def test_two_files_of_one_department_do_not_overwrite(tmp_path):
    taken: set[str] = set()
    a = write_workbooks(import_file(XLSX, department="江门市生态环境局"), tmp_path, taken)
    b = write_workbooks(import_file(XLS, department="江门市生态环境局"), tmp_path, taken)
    assert [p.name for p in a + b] == ["江门市生态环境局.xlsx", "江门市生态环境局-2.xlsx"]
    # both in the folder: validate would read the department twice, and the report says so
    [warning] = json.loads((tmp_path / "江门市生态环境局-2.导入说明.json").read_text("utf-8"))["warnings"]
    assert "江门市生态环境局.xlsx 已存在，由本次导入的另一文件写入" in warning and "read the department twice" in warning


def test_department_names_that_are_not_file_names(tmp_path):
    items = [{"授权部门": n, "事项名称": "统计检查", "事项类型": "06", "依据": "《中华人民共和国统计法》第三十五条"}
             for n in ("../../某局/法规科", "局" * 120, ".某局")]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    paths = write_workbooks(import_file(tmp_path / "c.json"), tmp_path / "out")
    assert [p.name for p in paths] == ["某局_法规科.xlsx", "局" * 60 + ".xlsx", "某局.xlsx"]
    assert all(p.parent == tmp_path / "out" and p.with_name(p.stem + ".导入说明.json").exists() for p in paths)


def test_a_workbook_already_in_the_folder_is_not_overwritten(tmp_path):
    """The department may have gone on in the workbook of an earlier import: a new run writes beside it."""
    [first] = write_workbooks(import_file(flat_list(tmp_path / "江门市生态环境局权责清单.xlsx")), tmp_path / "out")
    wb = openpyxl.load_workbook(first)
    wb["部门信息"]["B3"] = "07"  # an edit made since
    wb.save(first)
    again = import_file(tmp_path / "江门市生态环境局权责清单.xlsx")
    [second] = write_workbooks(again, tmp_path / "out")
    assert second.name == "江门市生态环境局-2.xlsx" and openpyxl.load_workbook(first)["部门信息"]["B3"].value == "07"
    assert any("已存在" in g and "未覆盖" in g for g in again.departments[0].guesses)


def test_importing_again_replaces_the_workbook_nobody_edited(tmp_path):
    """The report records the sha256 of the workbook written; a second import of the same file
    replaces the workbook when it still has that hash, so the folder holds the department once."""
    src = flat_list(tmp_path / "江门市生态环境局权责清单.xlsx")
    out = tmp_path / "out"
    args = ["import", str(src), "-o", str(out), "--number", "07", "--region", "440700", "--credit-code", CREDIT,
            "--date", "2020-03-01"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0 and "已写入 / wrote" in first.output
    book, report = out / "江门市生态环境局.xlsx", out / "江门市生态环境局.导入说明.json"
    recorded = json.loads(report.read_text("utf-8"))
    assert recorded["sha256"] == hashlib.sha256(book.read_bytes()).hexdigest() and recorded["outcome"] == "wrote"
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    assert f"已更新 / replaced {book}" in second.output and "警告" not in second.output
    assert sorted(p.name for p in out.iterdir()) == ["江门市生态环境局.xlsx", "江门市生态环境局.导入说明.json"]  # no temp file
    again = json.loads(report.read_text("utf-8"))
    assert again["sha256"] == hashlib.sha256(book.read_bytes()).hexdigest() and again["outcome"] == "replaced"
    r = validate([out])
    assert len(r.departments) == 1 and not [f for f in r.findings if "重复" in f.message_zh]


def test_importing_again_keeps_an_edited_workbook_and_warns(tmp_path):
    src = flat_list(tmp_path / "江门市生态环境局权责清单.xlsx")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["import", str(src), "-o", str(out)]).exit_code == 0
    book = out / "江门市生态环境局.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["部门信息"]["B3"] = "07"  # the department went on in it
    wb.save(book)
    edited = book.read_bytes()
    res = CliRunner().invoke(app, ["import", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert book.read_bytes() == edited and (out / "江门市生态环境局-2.xlsx").exists()
    assert "警告：江门市生态环境局.xlsx 已存在，上次导入后已被修改，未覆盖；本次写入 江门市生态环境局-2.xlsx" in res.output
    assert "合并为一个" in res.output and "Warning:" in res.output and "validate only one" in res.output
    report = json.loads((out / "江门市生态环境局-2.导入说明.json").read_text("utf-8"))
    assert report["outcome"] == "wrote" and any("上次导入后已被修改" in w for w in report["warnings"])
    assert any("合并为一个" in g for g in report["departments"][0]["guesses"])
    # the next import replaces the copy nobody edited, and still warns
    res = CliRunner().invoke(app, ["import", str(src), "-o", str(out)])
    assert f"已更新 / replaced {out / '江门市生态环境局-2.xlsx'}" in res.output and "警告" in res.output
    assert len(list(out.glob("*.xlsx"))) == 2


def test_a_workbook_from_another_source_file_is_not_replaced(tmp_path):
    """Two lists of one department imported one after the other: the second must not replace the
    first (its items would be lost from the folder), though nobody edited it."""
    out = tmp_path / "out"
    write_workbooks(import_file(flat_list(tmp_path / "a" / "江门市生态环境局权责清单.xlsx")), out)
    result = import_file(flat_list(tmp_path / "江门市生态环境局行政许可.xlsx"))
    [path] = write_workbooks(result, out)
    assert path.name == "江门市生态环境局-2.xlsx" and result.outcomes == {str(path): "wrote"}
    assert "导入自另一文件 江门市生态环境局权责清单.xlsx" in result.warnings[0]


# ---------------------------------------------------------------- flat 权责清单

LICENCE = "【法律】《中华人民共和国行政许可法》第十二条第（一）项：直接涉及公共安全的特定活动，可以设定行政许可。"


def flat_list(path: Path, title: str | None = "江门市生态环境局权责清单（2020年版）") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    if title:
        ws.append([title])
    ws.append(["序号", "事项名称", "子项", "事项类型", "设定依据", "实施主体", "责任事项", "追责情形", "备注"])
    ws.append([1, "排污许可证核发", None, "行政许可", LICENCE, "江门市生态环境局", "受理、审查、决定责任", "依法追责", None])
    ws.append([2, "建设项目环境影响评价文件审批", "报告书审批", "01", LICENCE, "江门市生态环境局", "审查责任", "依法追责", None])
    ws.append([None, None, "报告表审批", "01", LICENCE, "江门市生态环境局", "审查责任", "依法追责", "子项"])
    ws.append([3, "对排污单位的监督检查", None, "检查", "【法律】《中华人民共和国环境保护法》第二十四条：……可以进行现场检查。",
               "江门市生态环境局", "检查责任", "依法追责", None])
    ws.merge_cells(start_row=ws.max_row - 2, start_column=2, end_row=ws.max_row - 1, end_column=2)  # 事项名称
    ws.merge_cells(start_row=ws.max_row - 2, start_column=1, end_row=ws.max_row - 1, end_column=1)  # 序号
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_flat_list_department_from_the_title_row(tmp_path):
    result = import_file(flat_list(tmp_path / "list.xlsx"))
    assert result.layout is FLAT
    [d] = result.departments
    assert d.name == "江门市生态环境局" and "标题行" in d.guesses[0]
    names = [(p["职权名称"], p.get("子项名称"), p["职权类别"]) for p in d.powers]
    assert names == [("排污许可证核发", None, "行政许可"), ("建设项目环境影响评价文件审批", "报告书审批", "行政许可"),
                     ("建设项目环境影响评价文件审批", "报告表审批", "行政许可"), ("对排污单位的监督检查", None, "行政检查")]
    assert [r.status for r in d.rows] == ["未导入", "未导入", "导入", "导入", "导入", "导入"]
    assert {c.source: c.target for c in result.columns}["实施主体"].startswith("职权目录.承办机构")


def test_flat_list_department_from_file_name_or_option(tmp_path):
    path = flat_list(tmp_path / "江门市生态环境局权责清单.xlsx", title=None)
    assert import_file(path).departments[0].name == "江门市生态环境局"
    assert import_file(path, department="某某局").departments[0].name == "某某局"


def test_flat_list_validates_after_import(tmp_path):
    result = import_file(flat_list(tmp_path / "list.xlsx"), **{k: v for k, v in OPTS.items() if k != "department"})
    [path] = write_workbooks(result, tmp_path / "out")
    r = validate([path])
    [count] = r.counts.values()
    assert not r.errors, [(f.rule, f.message_zh) for f in r.errors]
    assert count.accepted == count.read
    assert {p.full_name for d in r.departments for p in d.all_powers()} >= {"建设项目环境影响评价文件审批（报告书审批）"}


def test_flat_list_without_department_sheet_gets_the_import_hint(tmp_path):
    path = flat_list(tmp_path / "list.xlsx")
    [f] = validate([path]).findings
    assert f.rule == "S011" and "powers import list.xlsx" in f.message_zh


def province_list(path: Path) -> Path:
    """A flat 权责清单 as provinces publish it: a title row, a two-row header (权力事项 merged over
    事项名称 | 子项, the other headers merged down), columns in another order, categories and levels
    as written, 事项名称 merged over its sub-item rows, a blank separator row, a column the
    template does not have, trailing spaces, full-width digits and a note under the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    ws.append(["佛山市市场监督管理局权责清单（2023年版）"])
    ws.merge_cells("A1:K1")
    ws.append(["序号", "权力类型", "权力事项", None, "实施主体", "设定依据", "行使层级", "责任事项", "公开属性",
               "办理时限说明", "备注"])
    ws.append([None, None, "事项名称", "子项", None, None, None, None, None, None, None])
    for c in "ABEFGHIJK":
        ws.merge_cells(f"{c}2:{c}3")
    ws.merge_cells("C2:D2")
    law = "《中华人民共和国特种设备安全法》第三十三条"
    ws.append(["１", "行政许可类", "食品经营许可", None, "佛山市市场监督管理局 ",
               "1.《中华人民共和国食品安全法》第三十五条第一款\n2.《食品经营许可管理办法》第四条", "市级", "审查",
               "公开", "20个工作日", None])
    ws.append(["2", "许可", "特种设备使用登记", "锅炉使用登记", "佛山市市场监督管理局", law, "市本级", "审查", "公开",
               None, None])
    ws.append([None, None, None, "电梯使用登记", "佛山市市场监督管理局", law, "市本级", "审查", "公开", None, None])
    ws.merge_cells("A5:A6")
    ws.merge_cells("B5:B6")
    ws.merge_cells("C5:C6")
    ws.append([None] * 11)
    ws.append(["3", "02", "对生产经营不符合食品安全标准的食品的处罚", None, "佛山市市场监督管理局",
               "《中华人民共和国食品安全法》第一百二十四条第一款", "省、市、县", "处罚", "公开", None, None])
    ws.append(["4", "其他权力", "食品安全信息公布", None, "佛山市市场监督管理局",
               "《中华人民共和国食品安全法》第一百一十八条", "市级", "公布", "公开", None, None])
    ws.append(["5", "20", "消费者投诉举报处理", None, "佛山市市场监督管理局",
               "《中华人民共和国消费者权益保护法》第三十二条", "市级", "处理", "公开", None, None])
    ws.append(["6", "行政检查", "对食品生产经营者的监督检查", None, "佛山市市场监督管理局",
               "《中华人民共和国食品安全法》第一百一十条", "市级", "检查", "不公开", None, None])
    ws.append(["7", "行政强制", "查封扣押涉案食品", None, "佛山市市场监督管理局",
               "《中华人民共和国食品安全法》第一百一十条", "市级", "强制", "内部", None, None])
    ws.append(["注：公开属性为“不公开”的事项不对外公布。"])
    ws.merge_cells(f"A{ws.max_row}:K{ws.max_row}")
    wb.save(path)
    return path


def test_flat_list_with_a_two_row_header_as_provinces_publish_it(tmp_path):
    path = province_list(tmp_path / "list.xlsx")
    [f] = validate([path]).findings
    assert f.rule == "S011"
    result = import_file(path, number="07", region="440600", credit_code=CREDIT, level="市级", date="2023-03-01")
    assert result.layout is FLAT
    [d] = result.departments
    assert d.name == "佛山市市场监督管理局"
    cols = {c.source: (c.cell, c.target) for c in result.columns}
    assert cols["权力事项/事项名称"] == ("C3", "职权目录.职权名称") and cols["权力事项/子项"][1] == "职权目录.子项名称"
    assert cols["权力类型"] == ("B2", "职权目录.职权类别") and cols["办理时限说明"][1].startswith("职权目录.备注")
    got = [(p["序号"], p["职权名称"], p.get("子项名称"), p["职权类别"], p.get("行使层级"), p["公开范围"]) for p in d.powers]
    assert got == [
        ("1", "食品经营许可", None, "行政许可", "3", "社会"),
        ("2", "特种设备使用登记", "锅炉使用登记", "行政许可", "3", "社会"),
        ("2", "特种设备使用登记", "电梯使用登记", "行政许可", "3", "社会"),
        ("3", "对生产经营不符合食品安全标准的食品的处罚", None, "行政处罚", "省、市、县", "社会"),
        ("4", "食品安全信息公布", None, "其他行政权力", "3", "社会"),
        ("5", "消费者投诉举报处理", None, "20", "3", "社会"),  # kept: validation says it is 公共服务
        ("6", "对食品生产经营者的监督检查", None, "行政检查", "3", "内部"),
        ("7", "查封扣押涉案食品", None, "行政强制", "3", "内部")]
    assert d.powers[0]["备注"] == "办理时限说明：20个工作日" and d.powers[0]["承办机构"] == "佛山市市场监督管理局"
    assert "\n2.《食品经营许可管理办法》" in d.powers[0]["实施依据"]
    # every non-empty source row accounted for
    assert [(r.row, r.status, r.note.split("：")[0]) for r in d.rows if r.status == "未导入"] == [
        (1, "未导入", "标题行"), (2, "未导入", "表头行"), (3, "未导入", "表头行"), (13, "未导入", "表注")]
    assert sorted(r.row for r in d.rows) == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]
    assert any(g.startswith("公开范围“公开”写作“社会”") and "等 6 处" in g for g in d.guesses)
    [out] = write_workbooks(result, tmp_path / "out")
    ws = openpyxl.load_workbook(out)["职权目录"]
    head = [str(c.value).rstrip("*") for c in ws[1]]
    scope = {r[head.index("职权名称")]: r[head.index("公开范围")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert scope["查封扣押涉案食品"] == scope["对食品生产经营者的监督检查"] == "内部"
    r = validate([out])
    assert [f.rule for f in r.errors] == ["D301"]  # the penalty has no discretion tiers: true, and said
    assert [f.value for f in r.findings if f.rule == "F116"] == ["20"]
    public = {p.full_name for dep in r.departments for p in dep.all_powers() if p.scope == "社会"}
    assert "查封扣押涉案食品" not in public and "特种设备使用登记（电梯使用登记）" in public


def test_flat_list_sections_and_sub_items_without_a_name(tmp_path):
    """Lists grouped under section rows (一、行政许可) with sub-item rows that leave 事项名称 empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "子项名称", "事项类型", "设定依据", "公开范围"])
    ws.append(["一、行政许可（共2项）"])
    ws.append([1, "特种设备使用登记", None, None, LICENCE, "内部"])
    ws.append([None, None, "锅炉使用登记", None, None, None])
    ws.append([2, "食品经营许可", None, None, LICENCE, None])
    ws.append(["二、行政检查"])
    ws.append([3, "食品安全监督检查", None, None, "《中华人民共和国食品安全法》第一百一十条", None])
    ws.append(["说明：本表由法制科汇总。"])
    wb.save(tmp_path / "某某市市场监督管理局权责清单.xlsx")
    [d] = import_file(tmp_path / "某某市市场监督管理局权责清单.xlsx").departments
    got = [(p["职权名称"], p.get("子项名称"), p["职权类别"], p.get("公开范围")) for p in d.powers]
    assert got == [("特种设备使用登记", None, "行政许可", "内部"), ("特种设备使用登记", "锅炉使用登记", "行政许可", "内部"),
                   ("食品经营许可", None, "行政许可", None), ("食品安全监督检查", None, "行政检查", None)]
    assert [(r.row, r.note.split("：")[0]) for r in d.rows if r.status == "未导入"] == [
        (1, "表头行"), (2, "标题行"), (6, "标题行"), (8, "表注")]


def test_flat_list_one_sheet_per_category_with_sign_off_and_repeated_header(tmp_path):
    """Sheets named after the category (no 职权类别 column), 是否公开 否, the name merged over a
    second basis row, a header repeated at a page break, a sign-off row and a 注 row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "行政许可"
    head = ["序号", "权力名称", "设定依据", "承办机构", "是否公开", "备注"]
    ws.append(["韶关市公安局交通警察支队行政许可事项清单"])
    ws.merge_cells("A1:F1")
    ws.append(head)
    ws.append([1, "机动车登记", "《中华人民共和国道路交通安全法》第八条", "车管所", "是", None])
    ws.append([2, "机动车驾驶证核发", "《中华人民共和国道路交通安全法》第十九条", "车管所", "否", None])
    ws.append([None, None, "《机动车驾驶证申领和使用规定》第五条", None, None, "另一依据"])
    for c in "ABDE":
        ws.merge_cells(f"{c}4:{c}5")
    ws.append(head)
    ws.append([3, "校车驾驶资格许可", "《校车安全管理条例》第二十三条", "车管所", "是", None])
    ws.append(["填报单位（盖章）：韶关市公安局交通警察支队", "填报人：张三", None, "联系电话：0751-1234567", None,
               "填报日期：2023年3月1日"])
    ws2 = wb.create_sheet("行政处罚")
    ws2.append(head)
    ws2.append([1, "对饮酒后驾驶机动车的处罚", "《中华人民共和国道路交通安全法》第九十一条", "秩序科", "公开", None])
    ws2.append(["注", "本表处罚事项的裁量基准另行公布。", None, None, None, None])
    wb.save(tmp_path / "list.xlsx")
    result = import_file(tmp_path / "list.xlsx", number="07", region="440200", credit_code=CREDIT, level="3")
    [d] = result.departments
    assert d.name == "韶关市公安局交通警察支队"
    assert d.info["填报人"] == "张三" and d.info["联系电话"] == "0751-1234567" and d.info["填报日期"] == "2023-03-01"
    got = [(p["序号"], p["职权名称"], p["职权类别"], p["公开范围"]) for p in d.powers]
    assert got == [("1", "机动车登记", "行政许可", "社会"), ("2", "机动车驾驶证核发", "行政许可", "内部"),
                   ("3", "校车驾驶资格许可", "行政许可", "社会"), ("4", "对饮酒后驾驶机动车的处罚", "行政处罚", "社会")]
    assert d.powers[1]["实施依据"].endswith("第十九条\n《机动车驾驶证申领和使用规定》第五条")
    assert d.powers[1]["备注"] == "另一依据" and "原序号：1" in d.powers[3]["备注"]
    notes = {(r.sheet, r.row): (r.status, r.note.split("：")[0]) for r in d.rows}
    assert notes[("行政许可", 5)] == ("并入", "事项名称为合并单元格或空白，本行内容并入上一事项")
    assert notes[("行政许可", 6)] == ("未导入", "表头行（重复）")
    assert notes[("行政许可", 8)] == ("未导入", "表尾签署行")
    assert notes[("行政处罚", 3)] == ("未导入", "表注")
    assert len(d.rows) == 11
    [out] = write_workbooks(result, tmp_path / "out")
    r = validate([out])
    assert [f.rule for f in r.errors] == ["D301"]
    assert {p.name: p.scope for dep in r.departments for p in dep.all_powers()}["机动车驾驶证核发"] == "内部"


def test_discretion_with_a_violated_rule_column_and_kinds(tmp_path):
    """违法依据 | 处罚依据 | 处罚种类 and a column the template has not, no 阶次 column, the
    department only in the title row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "道路运输条例"
    ws.append(["清远市交通运输局行政处罚裁量基准"])
    ws.merge_cells("A1:G1")
    ws.append(["违法行为", "违法依据", "处罚依据", "处罚种类", "违法情节", "处罚标准", "适用条件"])
    ws.append(["未取得道路运输经营许可，擅自从事道路运输经营的", "《中华人民共和国道路运输条例》第十条",
               "《中华人民共和国道路运输条例》第六十三条", "罚款、没收违法所得、责令停止",
               "违法所得不足2万元的", "没收违法所得，处3万元以上5万元以下罚款", "初次"])
    ws.append([None, None, None, None, "违法所得2万元以上的", "没收违法所得，处违法所得2倍以上10倍以下罚款", None])
    for c in "ABCD":
        ws.merge_cells(f"{c}3:{c}4")
    wb.save(tmp_path / "标准.xlsx")
    result = import_file(tmp_path / "标准.xlsx")
    [d] = result.departments
    assert d.name == "清远市交通运输局" and "标题行" in d.guesses[0]
    [p] = d.powers
    assert p["实施依据"] == "《中华人民共和国道路运输条例》第六十三条"
    assert "违法依据：《中华人民共和国道路运输条例》第十条" in p["备注"]
    assert [(t["阶次"], t["说明"]) for t in d.tiers] == [(1, "适用条件：初次"), (2, None)]
    assert d.tiers[0]["处罚种类"] == "罚款、没收违法所得"  # 责令停止 is an order, not a penalty
    from powers.importers import _typed_kinds
    assert _typed_kinds("警告、罚款、责令改正") == ["警告", "罚款"] and _typed_kinds("吊销执照") == ["吊销许可证件"]
    assert _typed_kinds("罚款、随便什么") is None  # then the words of 裁量标准 decide and the cell goes to 说明
    cols = {c.source: c.target for c in result.columns}
    assert cols["处罚种类"] == "裁量基准.处罚种类" and cols["适用条件"].startswith("裁量基准.说明")


def test_flat_list_of_several_departments_and_rows_left_blank_under_an_item(tmp_path):
    """A city's list with one 实施主体 per row and no department in the title or file name: one
    workbook per 实施主体. A row with no 序号, name or 子项 (cells left blank, not merged) is more of
    the item above, not a lost row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某市行政权力清单"])
    ws.append(["序号", "事项名称", "事项类型", "设定依据", "实施主体", "公开范围"])
    ws.append([1, "排污许可", "行政许可", LICENCE, "某市生态环境局", "社会"])
    ws.append([None, None, None, "《排污许可管理条例》第三条", None, None])
    ws.append([2, "统计检查", "行政检查", "《中华人民共和国统计法》第三十五条", "某市统计局", "内部"])
    ws.append([3, "统计登记", "其他", "《中华人民共和国统计法》第十条", "某市统计局", "社会"])
    wb.save(tmp_path / "list.xlsx")
    result = import_file(tmp_path / "list.xlsx")
    assert [d.name for d in result.departments] == ["某市生态环境局", "某市统计局"]
    env, stats = result.departments
    assert env.powers[0]["实施依据"] == LICENCE + "\n《排污许可管理条例》第三条"
    assert [(p["职权名称"], p["公开范围"]) for p in stats.powers] == [("统计检查", "内部"), ("统计登记", "社会")]
    assert sorted((r.row, r.status) for r in result.all_rows()) == [
        (1, "未导入"), (2, "未导入"), (3, "导入"), (4, "并入"), (5, "导入"), (6, "导入")]
    assert [p.name for p in write_workbooks(result, tmp_path / "out")] == ["某市生态环境局.xlsx", "某市统计局.xlsx"]


def test_flat_list_headers_with_line_breaks_and_explanations(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "事项\n名称", "子项名称（无子项的不填）", "类型", "设定依据（法律法规名称及条款）", "责任处（科）室",
                      "实施层级", "公开\n属性"])
    wb.active.append([1, "排污许可", None, "许可", LICENCE, "法规科", "市级", "不公开"])
    wb.save(tmp_path / "江门市生态环境局清单.xlsx")
    result = import_file(tmp_path / "江门市生态环境局清单.xlsx")
    assert [c.target.split("（")[0] for c in result.columns] == [
        "职权目录.序号", "职权目录.职权名称", "职权目录.子项名称", "职权目录.职权类别", "职权目录.实施依据", "职权目录.承办机构",
        "职权目录.行使层级", "职权目录.公开范围"]
    [p] = result.departments[0].powers
    assert (p["职权类别"], p["承办机构"], p["行使层级"], p["公开范围"]) == ("行政许可", "法规科", "3", "内部")


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "事项类型", "设定依据", "备注"])
    ws.append([1, "排污许可", "许可", LICENCE, None])
    ws["E2"].value = "=见附件"
    ws["E2"].data_type = "s"
    wb.save(tmp_path / "江门市生态环境局清单.xlsx")
    result = import_file(tmp_path / "江门市生态环境局清单.xlsx", **{k: v for k, v in OPTS.items() if k != "department"})
    [out] = write_workbooks(result, tmp_path / "out")
    r = validate([out])
    assert not r.errors, [(f.rule, f.message_zh) for f in r.errors]
    assert r.departments[0].powers[0].note == "=见附件"


def test_internal_said_outside_a_scope_column_stays_internal(tmp_path):
    """No 公开范围 column, but the sheet is 不公开事项, a section row says 不予公开, or 备注 says 涉密:
    those items are imported as 内部 (and the report says why); the others stay public."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公开事项"
    head = ["序号", "事项名称", "事项类型", "设定依据", "备注"]
    ws.append(head)
    ws.append([1, "排污许可", "行政许可", LICENCE, None])
    ws.append([2, "排污检查", "行政检查", "《中华人民共和国环境保护法》第二十四条", "涉密，不对外"])
    ws.append(["二、不予公开事项"])
    ws.append([3, "环境应急处置", "其他行政权力", "《中华人民共和国突发事件应对法》第四十九条", None])
    hidden = wb.create_sheet("不公开事项")
    hidden.append(head)
    hidden.append([4, "环境执法专项检查", "行政检查", "《中华人民共和国环境保护法》第二十四条", None])
    wb.save(tmp_path / "江门市生态环境局权责清单.xlsx")
    items = [{"授权部门": "江门市生态环境局", "事项名称": "涉密检查", "事项类型": "06", "依据": "《中华人民共和国环境保护法》第二十四条",
              "备注": "不公开"}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    [d] = import_file(tmp_path / "江门市生态环境局权责清单.xlsx").departments
    assert [(p["职权名称"], p.get("公开范围")) for p in d.powers] == [
        ("排污许可", None), ("排污检查", "内部"), ("环境应急处置", "内部"), ("环境执法专项检查", "内部")]
    assert import_file(tmp_path / "c.json").departments[0].powers[0]["公开范围"] == "内部"


def test_a_row_numbering_the_columns_is_not_an_item(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "事项名称", "事项类型", "设定依据"])
    wb.active.append([1, 2, 3, 4])  # official forms number their columns under the header
    wb.active.append([1, "排污许可", "许可", LICENCE])
    wb.save(tmp_path / "江门市生态环境局清单.xlsx")
    [d] = import_file(tmp_path / "江门市生态环境局清单.xlsx").departments
    assert [p["职权名称"] for p in d.powers] == ["排污许可"]
    assert [(r.row, r.note) for r in d.rows if r.status == "未导入"][:2] == [(1, "表头行"), (2, "列序号行（1、2、3……）")]
    wb = openpyxl.Workbook()
    disc = wb.active
    disc.append(["违法行为", "处罚依据", "违法情节", "裁量阶次", "处罚标准"])
    disc.append(["（一）", "（二）", "（三）", "（四）", "（五）"])
    wb.save(tmp_path / "标准.xlsx")
    [d] = import_file(tmp_path / "标准.xlsx").departments
    assert d.powers == [] and d.rows[-1].note == "列序号行（1、2、3……）"


def test_a_list_sheet_beside_a_standard_is_reported_with_what_to_do(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "权责清单"
    wb.active.append(["序号", "事项名称", "事项类型", "设定依据"])
    wb.active.append([1, "排污许可", "许可", LICENCE])
    disc = wb.create_sheet("大气污染防治法")
    disc.append(["违法行为", "处罚依据", "违法情节", "裁量阶次", "处罚标准"])
    disc.append(["拒绝检查的", "《中华人民共和国大气污染防治法》第九十八条", "首次", "1", "处二万元以上五万元以下罚款"])
    wb.save(tmp_path / "江门市生态环境局.xlsx")
    result = import_file(tmp_path / "江门市生态环境局.xlsx")
    [d] = result.departments
    assert [p["职权名称"] for p in d.powers] == ["拒绝检查的"]
    assert {r.note.split("：")[0] for r in d.rows if r.sheet == "权责清单"} == {
        "工作表是权责清单（事项名称、设定依据……），不是裁量标准"}
    assert any("权责清单" in n and "另存为单独的文件" in n for n in result.notes)


def test_internal_in_a_joined_row_or_a_standards_title(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "事项类型", "设定依据", "公开范围"])
    ws.append([1, "排污检查", "行政检查", "《中华人民共和国环境保护法》第二十四条", "社会"])
    ws.append([None, None, None, "《排污许可管理条例》第二十八条", "不公开"])  # name merged over a second basis
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    wb.save(tmp_path / "江门市生态环境局清单.xlsx")
    [d] = import_file(tmp_path / "江门市生态环境局清单.xlsx").departments
    assert [p["公开范围"] for p in d.powers] == ["内部"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "大气污染防治法"
    ws.append(["江门市生态环境局行政处罚裁量基准（内部使用）"])
    ws.append(["违法行为", "处罚依据", "违法情节", "裁量阶次", "处罚标准"])
    ws.append(["拒绝检查的", "《中华人民共和国大气污染防治法》第九十八条", "首次", "1", "处二万元以上五万元以下罚款"])
    wb.save(tmp_path / "标准.xlsx")
    result = import_file(tmp_path / "标准.xlsx")
    assert [p["公开范围"] for p in result.departments[0].powers] == ["内部"] and "内部使用" in result.notes[-1]


# ---------------------------------------------------------------- JSON catalog

def catalog_json(path: Path, wrap: bool) -> Path:
    items = [
        {"授权部门": "江门市生态环境局", "职权编码": "440207001000", "事项名称": "对超标排放的行政处罚", "事项类型": "02",
         "依据": "【法律】《中华人民共和国大气污染防治法》第九十九条", "实施层级": "市级"},
        {"授权部门": "江门市生态环境局", "职权编码": "440107002000", "事项名称": "排污许可证核发", "事项类型": "行政许可",
         "依据": LICENCE, "实施层级": "市级"},
        {"授权部门": "江门市统计局", "职权编码": "440630001000", "事项名称": "对统计调查对象的检查", "事项类型": 6,
         "依据": "【法律】《中华人民共和国统计法》第三十五条", "实施层级": "市级", "子项名称": "专项检查"},
        {"授权部门": "江门市统计局", "事项类型": "06"},
        "not an item",
    ]
    path.write_text(json.dumps({"data": items} if wrap else items, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize("wrap", [True, False])
def test_json_catalog_one_workbook_per_department(tmp_path, wrap):
    result = import_file(catalog_json(tmp_path / "catalog.json", wrap))
    assert [d.name for d in result.departments] == ["江门市生态环境局", "江门市统计局"]
    env, stats = result.departments
    assert [(p["基本编码"], p["职权类别"], p["行使层级"]) for p in env.powers] == [
        ("440207001000", "行政处罚", "3"), ("440107002000", "行政许可", "3")]
    assert env.info["部门编号"] == "07" and stats.info["部门编号"] == "30" and env.info["行使层级"] == "3"
    assert stats.powers[0]["职权类别"] == "行政检查" and stats.powers[0]["子项名称"] == "专项检查"
    # every item accounted for: 4 imported or named, the one without a name and the non-object
    statuses = sorted((r.row, r.status) for r in result.all_rows())
    assert statuses == [(1, "导入"), (2, "导入"), (3, "导入"), (4, "未导入"), (5, "未导入")]
    paths = write_workbooks(result, tmp_path / "out")
    assert [p.name for p in paths] == ["江门市生态环境局.xlsx", "江门市统计局.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    assert wb["职权目录"]["B2"].value == "440207001000"


def test_json_catalog_validates_with_its_codes(tmp_path):
    result = import_file(catalog_json(tmp_path / "c.json", True), region="440700", credit_code=CREDIT)
    paths = write_workbooks(result, tmp_path / "out")
    r = validate(paths)
    codes = {p.basic_code for d in r.departments for p in d.all_powers()}
    assert {"440107002000", "440630001000"} <= codes  # codes already assigned are kept
    # the penalty has no discretion tiers in a catalog: the department adds them (D301)
    assert [f.rule for f in r.errors] == ["D301"]


def test_validate_on_a_json_catalog_names_the_import(tmp_path):
    [f] = validate([catalog_json(tmp_path / "c.json", False)]).findings
    assert f.rule == "S011" and "powers import c.json" in f.message_zh and "JSON" in f.message_zh
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', "utf-8")
    assert [f.rule for f in validate([other]).findings] == ["S004"]


def test_json_catalog_penalties_are_said_to_need_tiers(tmp_path):
    env = import_file(catalog_json(tmp_path / "c.json", True)).departments[0]
    assert any("1 项行政处罚没有裁量基准" in g for g in env.guesses)


def test_json_catalog_keeps_internal_scope_and_every_key(tmp_path):
    """内部 in any of the keys catalogs use (公开范围, 公开属性, 是否公开: false) stays 内部 in the
    workbook; a key the template has no column for is kept in 备注; a 公共服务 item coded 20
    validates (F116 note, no F112)."""
    law = "【法律】《中华人民共和国统计法》第三十五条"
    items = [{"授权部门": "江门市统计局/法规科", "职权编码": "440630001000", "事项名称": "统计检查", "事项类型": 6,
              "依据": law, "实施层级": "市级", "公开范围": "内部"},
             {"授权部门": "江门市统计局/法规科", "职权编码": "440630002000", "事项名称": "统计执法检查", "事项类型": "06",
              "依据": law, "实施层级": "市级", "公开属性": "不公开", "办件类型": "承诺件"},
             {"授权部门": "江门市统计局/法规科", "职权编码": "440630003000", "事项名称": "统计专项检查",
              "事项类型": "行政检查", "依据": law, "实施层级": "市级", "是否公开": False},
             {"授权部门": "江门市统计局/法规科", "职权编码": "442030004000", "事项名称": "统计咨询", "事项类型": "20",
              "依据": law, "实施层级": "市级"}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    result = import_file(tmp_path / "c.json", region="440700", credit_code=CREDIT, date="2023-03-01")
    [d] = result.departments
    assert [p.get("公开范围") for p in d.powers] == ["内部", "内部", "内部", None]
    assert d.powers[1]["备注"] == "办件类型：承诺件" and d.powers[3]["职权类别"] == "20"
    assert "未使用" not in " ".join(c.target for c in result.columns)
    [path] = write_workbooks(result, tmp_path / "out")
    assert path.name == "江门市统计局_法规科.xlsx"
    r = validate([path])
    assert not [f for f in r.errors if f.rule != "L205"], [(f.rule, f.message_zh) for f in r.errors]
    assert [f.value for f in r.findings if f.rule == "F116"] == ["20"]
    assert {p.name: p.scope for dep in r.departments for p in dep.all_powers()} == {
        "统计检查": "内部", "统计执法检查": "内部", "统计专项检查": "内部", "统计咨询": "社会"}


def test_json_catalog_in_gbk_nested_with_implementation_codes(tmp_path):
    """Exported by a government system: GB18030, items under data.list or under each department,
    the 31-character 实施编码 instead of the 基本编码, bases as objects."""
    item = {"实施编码": "11440700MB2C12345N3440103001000", "事项名称": "社会团体成立登记", "事项类型": "行政许可(01)",
            "依据": [{"法规名称": "《社会团体登记管理条例》", "条款": "第九条"}], "实施层级": "市级"}
    nested = {"code": 0, "data": {"total": 1, "list": [{"授权部门": "江门市民政局", **item}]}}
    by_dept = {"departments": [{"name": "江门市民政局", "事项": [item]}]}
    for n, data in enumerate((nested, by_dept)):
        path = tmp_path / f"c{n}.json"
        path.write_bytes(json.dumps(data, ensure_ascii=False).encode("gb18030"))
        assert [f.rule for f in validate([path]).findings] == ["S011"]
        [d] = import_file(path).departments
        assert d.name == "江门市民政局"
        [p] = d.powers
        assert p["基本编码"] == "440103001000" and p["实施依据"] == "《社会团体登记管理条例》第九条"
        assert d.info["统一社会信用代码"] == "11440700MB2C12345N" and d.info["行使层级"] == "3"
        assert d.info["部门编号"] == "03"


def test_json_catalog_with_the_eight_disclosures(tmp_path):
    items = [{"实施主体": "江门市人力资源和社会保障局", "基本编码": "440108001000", "事项名称": "民办职业培训学校设立",
              "事项类型": "行政许可", "行使层级": "市级", "法定办结时限": "20个工作日", "承诺办结时限": "5", "是否收费": "否",
              "办理条件": ["有固定场所", "有师资"], "申请材料": [{"材料名称": "申请书", "份数": 1}],
              "设定依据": "《中华人民共和国民办教育促进法》第十二条", "数量限制": "无", "公开方式": "主动公开"}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    result = import_file(tmp_path / "c.json", region="440700", credit_code=CREDIT, date="2023-03-01")
    [p] = result.departments[0].powers
    assert (p["法定时限"], p["承诺时限"], p["收费依据及标准"], p["数量限制"], p["公开范围"]) == (
        "20个工作日", "5", "否", "无", "社会")
    assert p["办理条件"] == "有固定场所\n有师资" and p["申请材料"] == "申请书，1"
    # complete but for 责任事项 and 追责情形, which such a catalog does not carry (F119 asks for them)
    findings = validate(write_workbooks(result, tmp_path / "out")).findings
    assert sorted((f.rule, f.column) for f in findings) == [("F119", "责任事项"), ("F119", "追责情形")]


def test_codes_typed_as_numbers_keep_their_leading_zeros(tmp_path):
    items = [{"授权部门": "江门市统计局", "职权编码": 630001000, "事项名称": "统计检查", "事项类型": 6,
              "依据": "《中华人民共和国统计法》第三十五条"}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    [d] = import_file(tmp_path / "c.json").departments
    assert d.powers[0]["基本编码"] == "000630001000" and d.info["部门编号"] == "30"


def test_json_item_without_category_or_code_is_imported_not_a_crash(tmp_path):
    """No 事项类型 and no code: the item is imported with 职权类别 empty, the report says so and
    validation reports F101 on that cell (it used to be an internal error, exit 3)."""
    (tmp_path / "c.json").write_text(json.dumps([{"事项名称": "x"}], ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["import", str(tmp_path / "c.json"), "-o", str(out), "--department", "江门市统计局",
                                   "--number", "30", "--region", "440700", "--credit-code", CREDIT, "--level", "3",
                                   "--date", "2023-03-01"])
    assert res.exit_code == 0, res.output
    assert "职权类别“（空）”：没有事项类型也没有编码" in res.output
    [d] = import_file(tmp_path / "c.json").departments
    assert [(p["职权名称"], p["职权类别"]) for p in d.powers] == [("x", "")]
    r = validate([out / "江门市统计局.xlsx"])
    assert ("F101", "职权目录", "F2") in {(f.rule, f.sheet, f.cell) for f in r.findings}, [
        (f.rule, f.sheet, f.cell) for f in r.findings]


def test_json_bases_given_as_objects_with_a_name_are_not_items(tmp_path):
    """`name` is one of the keys of an item's name, but objects inside an item's 依据 are bases."""
    items = [{"授权部门": "江门市统计局", "事项名称": "统计检查", "事项类型": "06",
              "依据": [{"name": "《统计法》", "tk": "第三十五条"}, {"name": "中华人民共和国统计法实施条例", "tk": "第四十条"}],
              "申请材料": [{"name": "检查通知书", "份数": 1}], "附件": [{"name": "检查表", "类型": "docx"}]}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    [d] = import_file(tmp_path / "c.json").departments
    [p] = d.powers
    assert d.name == "江门市统计局" and p["职权名称"] == "统计检查" and p["职权类别"] == "行政检查"
    assert p["实施依据"] == "《统计法》第三十五条\n中华人民共和国统计法实施条例第四十条"
    assert p["申请材料"] == "检查通知书，1" and "检查表" in p["备注"]  # a key the template lacks, kept
    assert [r.status for r in d.rows] == ["导入"]


def level_items(path: Path, *levels) -> Path:
    items = [{"授权部门": "江门市统计局", "事项名称": f"统计检查{n}", "事项类型": "06", "依据": "《中华人民共和国统计法》第三十五条",
              **({"实施层级": lv} if lv is not None else {})} for n, lv in enumerate(levels)]
    path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize("region,level", [("440000", "2"), ("440700", "3"), ("440703", "4")])
def test_department_level_guessed_from_the_region(tmp_path, region, level):
    [d] = import_file(level_items(tmp_path / "c.json", None, None), region=region).departments
    assert d.info["行使层级"] == level
    assert any(g.startswith(f"行使层级 {level}") and region in g for g in d.guesses)
    assert not any("待填写" in g and "行使层级" in g for g in d.guesses)
    # a discretion standard says nothing of levels either
    result = import_file(XLSX, department="江门市生态环境局", region=region)
    assert result.departments[0].info["行使层级"] == level
    assert f"    - 行使层级 {level}（" in result.report()


def test_department_level_guessed_from_items_that_agree(tmp_path):
    result = import_file(level_items(tmp_path / "c.json", "市级", "市本级", 3, None))
    [d] = result.departments
    assert d.info["行使层级"] == "3"
    assert any(g.startswith("行使层级 3（市级）取自各事项的实施层级") for g in d.guesses)
    assert "行使层级 3（市级）取自各事项的实施层级" in result.report()
    # --level wins, and is not reported as guessed
    [d] = import_file(tmp_path / "c.json", level="2").departments
    assert d.info["行使层级"] == "2" and not any(g.startswith("行使层级") for g in d.guesses)


def test_department_level_not_guessed_from_items_that_disagree(tmp_path):
    [d] = import_file(level_items(tmp_path / "c.json", "市级", "县级")).departments
    assert "行使层级" not in d.info
    assert any("实施层级不一致" in g and "--level" in g and "--region" in g for g in d.guesses)
    assert any(g.startswith("部门信息待填写") and "行使层级" in g for g in d.guesses)
    # with --region the region decides, and the report says the items differ
    [d] = import_file(tmp_path / "c.json", region="440700").departments
    assert d.info["行使层级"] == "3" and any("440700" in g and "不尽相同" in g for g in d.guesses)


def test_import_hint_quotes_a_file_name_with_spaces(tmp_path):
    path = flat_list(tmp_path / "my list (2023).xlsx")
    [f] = validate([path]).findings
    assert "powers import 'my list (2023).xlsx' -o" in f.message_zh


def test_unknown_file_is_refused(tmp_path):
    with pytest.raises(ImportError_):
        import_file(ROOT / "inventories" / "06-统计局.xlsx")
    odd = {"x.json": "{}", "broken.json": "[1,", "broken.xls": "garbage", "empty.xlsx": None}
    for name, text in odd.items():
        path = tmp_path / name
        if text is None:
            openpyxl.Workbook().save(path)
        else:
            path.write_text(text, "utf-8")
        with pytest.raises(ImportError_):
            import_file(path)


def test_cli_import_of_a_folder_imports_each_file_and_names_what_is_not_excel(tmp_path):
    """A folder argument imports each .xls/.xlsx/.json in it (Excel lock files and other files
    skipped), reporting per file; an HTML page or CSV text saved as .xls is named as what it is."""
    src = tmp_path / "mixed"
    flat_list(src / "江门市生态环境局权责清单.xlsx")
    (src / "sub").mkdir()
    level_items(src / "sub" / "catalog.json", "市级")
    (src / "page.xls").write_text("\ufeff <!DOCTYPE html><html><body><table><tr><td>序号</td><td>事项名称</td></tr>"
                                  "</table></body></html>", "utf-8")
    (src / "text.xls").write_bytes("序号,事项名称,事项类型\n1,统计检查,行政检查\n".encode("gb18030"))
    (src / "~$江门市生态环境局权责清单.xlsx").write_bytes(b"\x00lock")
    (src / "readme.txt").write_text("notes", "utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["import", str(src), "-o", str(out)])
    assert res.exit_code == 1, res.output  # some files imported, some not
    assert "CalamineError" not in res.output and "Traceback" not in res.output
    assert "page.xls：文件实际是 HTML 网页，不是 Excel 工作簿" in res.output and "另存为 .xlsx 后再导入" in res.output
    assert "text.xls：文件实际是 CSV 文本" in res.output and "text.xls: really CSV text" in res.output
    assert "page.xls: really an HTML page" in res.output
    assert "~$" not in res.output and "skipped 1 other files: readme.txt" in res.output
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["江门市生态环境局.xlsx", "江门市统计局.xlsx"]
    # the output folder inside the source folder is not imported on the next run, nor are our reports
    CliRunner().invoke(app, ["import", str(src), "-o", str(src / "out")])
    again = CliRunner().invoke(app, ["import", str(src), "-o", str(src / "out")])
    assert again.output.count("== ") == 2 and again.output.count("错误：") == 2  # page.xls, text.xls
    # a folder with nothing to import
    (tmp_path / "none").mkdir()
    res = CliRunner().invoke(app, ["import", str(tmp_path / "none"), "-o", str(out)])
    assert res.exit_code == 2 and "没有找到可导入的文件" in res.output


@pytest.mark.parametrize("head,what", [
    (b"<html><head><meta charset='gbk'></head>", "HTML 网页"), (b"\r\n\t<TABLE border=1>", "HTML 网页"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "XML 表格"),
    ("\ufeff序号\t事项名称\n".encode("utf-16"), "制表符分隔"), ("序号,事项名称\n".encode("utf-8") * 2000, "CSV 文本"),
    (b"", "空文件"), (b"%PDF-1.4", "PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None), (b"PK\x03\x04", None)])
def test_what_a_file_named_xls_really_is(tmp_path, head, what):
    from powers.importers import sniff

    (tmp_path / "x.xls").write_bytes(head)
    found = sniff(tmp_path / "x.xls")
    assert (found and found[0]) == what or what in found[0]
    if what:
        with pytest.raises(ImportError_, match=f"x.xls：文件实际是 ?{what}"):
            import_file(tmp_path / "x.xls")


def test_header_only_and_nameless_rows(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "事项名称", "事项类型", "设定依据"])
    wb.active.append([1, None, "许可", LICENCE])
    wb.save(tmp_path / "flat.xlsx")
    [d] = import_file(tmp_path / "flat.xlsx").departments
    assert d.powers == [] and [(r.status, r.note.split("：")[0]) for r in d.rows] == [("未导入", "表头行"),
                                                                                     ("未导入", "没有事项名称")]
    assert "许可；【法律】" in d.rows[1].note  # what the row held is in the report
    assert d.name == "未命名部门" and "部门名称未知" in d.guesses[0]
    with pytest.raises(NothingToImport, match="没有可导入的事项（表头行 1 行；没有事项名称 1 行）"):
        write_workbooks(import_file(tmp_path / "flat.xlsx"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name,content,why", [
    ("header.xlsx", [["序号", "事项名称", "事项类型", "设定依据"]], "表头行 1 行"),
    ("standard.xlsx", [["违法行为", "法律依据", "类别", "裁量情节", "裁量标准"]], "表头行 1 行"),
    ("objects.json", [1, "a", None], "不是对象 3 项"), ("empty.json", [], "JSON 列表为空"),
    ("nested.json", {"code": 0, "data": {"total": 0, "list": []}}, "JSON 中的“list”为空"),
    ("unnamed.json", [{"授权部门": "江门市统计局", "事项类型": "06"}], "没有事项名称 1 项")])
def test_nothing_to_import_writes_nothing_and_fails(tmp_path, name, content, why):
    """A file with no item writes no workbook (it used to write one with 0 powers, exit 0)."""
    path = tmp_path / name
    if name.endswith(".xlsx"):
        wb = openpyxl.Workbook()
        for row in content:
            wb.active.append(row)
        wb.save(path)
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["import", str(path), "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert f"{name}：没有可导入的事项" in res.output and why in res.output, res.output
    assert "Error: cannot import" in res.output and "nothing to import" in res.output
    assert not out.exists() or not list(out.iterdir())
    # beside a file that has items, the run imports that one and still fails
    res = CliRunner().invoke(app, ["import", str(path), str(catalog_json(tmp_path / "c.json", False)), "-o", str(out)])
    assert res.exit_code == 1 and sorted(p.name for p in out.glob("*.xlsx")) == ["江门市生态环境局.xlsx", "江门市统计局.xlsx"]


def test_a_department_with_no_item_gets_no_workbook(tmp_path):
    items = [{"授权部门": "江门市统计局", "事项名称": "统计检查", "事项类型": "06"}, {"授权部门": "江门市民政局", "事项类型": "01"}]
    (tmp_path / "c.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    result = import_file(tmp_path / "c.json")
    assert [p.name for p in write_workbooks(result, tmp_path / "out")] == ["江门市统计局.xlsx"]
    assert "部门“江门市民政局”没有可导入的事项（没有事项名称 1 项），未写入工作簿" in result.notes


# ---------------------------------------------------------------- validate hint and CLI

def test_validate_names_the_import_in_one_finding():
    r = validate([XLS])
    assert [(f.rule, f.severity) for f in r.findings] == [("S011", "error")]
    assert "powers import jiangmen-eco-env-discretion-2020.xls -o" in r.findings[0].message_zh
    assert r.departments == []


def test_cli_import_then_validate(tmp_path):
    runner = CliRunner()
    out = tmp_path / "jm"
    res = runner.invoke(app, ["import", str(XLS), "-o", str(out), "--department", "江门市生态环境局", "--number", "07",
                              "--region", "440700", "--credit-code", CREDIT, "--level", "市级", "--date", "2020-03-01"])
    assert res.exit_code == 0, res.output
    assert "裁量阶次 671 个" in res.output and "列对应" in res.output and "推断" in res.output
    assert (out / "江门市生态环境局.xlsx").exists() and (out / "江门市生态环境局.导入说明.json").exists()
    v = runner.invoke(app, ["validate", str(out)])
    assert "S011" not in v.output and "读取 1050 行" in v.output
    j = runner.invoke(app, ["import", str(XLSX), "-o", str(tmp_path / "j"), "--format", "json"])
    assert j.exit_code == 0
    assert json.loads(j.stdout)[0]["departments"][0]["tiers"] == 671
    assert runner.invoke(app, ["import", str(ROOT / "inventories" / "06-统计局.xlsx"), "-o", str(tmp_path / "n")]
                         ).exit_code == 2
    assert runner.invoke(app, ["import", str(XLS), "-o", str(tmp_path / "n"), "--level", "七级"]).exit_code == 2
