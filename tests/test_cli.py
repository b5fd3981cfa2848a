"""The command line: exit codes, formats, and the documented JSON report shape."""
from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from conftest import INVENTORIES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_inventories_clean_text():
    r = invoke("validate", INVENTORIES)
    assert r.exit_code == 0, r.output
    assert "错误 0 个" in r.output


def test_validate_json_shape_and_counts(book, tmp_path):
    book.powers[0]["承办机构"] = None
    r = invoke("validate", book.save(tmp_path / "a.xlsx"), "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["version"] == 1
    f = data["findings"][0]
    assert set(f) == {"rule", "slug", "severity", "file", "sheet", "row", "column", "cell", "value", "message_zh",
                      "message_en", "hint"}
    assert (f["rule"], f["sheet"], f["column"], f["cell"]) == ("F101", "职权目录", "承办机构", "G2")
    s = data["summary"]["files"][0]
    assert s["rows_read"] == s["rows_accepted"] + s["rows_rejected"] == 12
    assert s["rows_rejected"] == 1


def test_validate_html_is_self_contained(book, tmp_path):
    book.powers[0]["职权名称"] = "<script>alert(1)</script>"
    book.powers[0]["公开范围"] = "半公开"
    r = invoke("validate", book.save(tmp_path / "a.xlsx"), "--format", "html", "--out", tmp_path / "rep")
    assert r.exit_code == 1
    html = (tmp_path / "rep" / "report.html").read_text("utf-8")
    assert "<script>" not in html and "http" not in html and "F102" in html


def test_validate_xlsx_annotates_cells(book, tmp_path):
    book.powers[0]["承诺时限"] = "30"
    src = book.save(tmp_path / "in" / "dept.xlsx")
    r = invoke("validate", src, "--format", "xlsx", "--out", tmp_path / "out")
    assert r.exit_code == 1
    wb = openpyxl.load_workbook(tmp_path / "out" / "dept.校验结果.xlsx")
    assert wb.sheetnames[0] == "校验结果"
    cell = wb["职权目录"]["I2"]
    assert cell.comment is not None and "F104" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["校验结果"]["B2"].value == "F104"


def test_bad_arguments_exit_2(tmp_path):
    assert invoke("validate", tmp_path / "missing.xlsx").exit_code == 2
    assert invoke("validate", INVENTORIES, "--format", "xlsx").exit_code == 2
    assert invoke("validate", INVENTORIES, "--format", "yaml").exit_code == 2
    assert invoke("validate", INVENTORIES, "--laws", tmp_path / "nolaws.json").exit_code == 2
    assert invoke("template", tmp_path / "t.txt").exit_code == 2
    r = invoke("validate", tmp_path / "missing.xlsx")
    assert "找不到" in r.output and "no such file" in r.output


def test_catalog_stats_diff(tmp_path):
    out = tmp_path / "build"
    r = invoke("catalog", INVENTORIES, "-o", out)
    assert r.exit_code == 0, r.output
    data = json.loads((out / "catalog.json").read_text("utf-8"))
    schema = json.loads((out / "catalog.schema.json").read_text("utf-8"))
    assert schema["title"] == "Catalog" and data["departments"]
    assert (out / "codes.sqlite").exists()
    s = invoke("stats", out / "catalog.json", "--format", "json")
    stats = json.loads(s.stdout)
    assert stats["total"] >= 300 and all(stats["by_category"].values())
    assert "共" in invoke("stats", out).stdout
    same = invoke("diff", out / "catalog.json", out / "catalog.json", "--format", "json")
    assert json.loads(same.stdout) == {"added": [], "removed": [], "changed": [], "status_changed": []}


def test_diff_reports_changes(book, tmp_path):
    invoke("catalog", book.save(tmp_path / "a" / "d.xlsx"), "-o", tmp_path / "old")
    book.powers[0]["状态"] = "暂停"
    book.powers[1]["承办机构"] = "新执法科"
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="新许可", 状态="在用"))
    invoke("catalog", book.save(tmp_path / "b" / "d.xlsx"), "-o", tmp_path / "new", "--registry",
           tmp_path / "old" / "codes.sqlite")
    d = json.loads(invoke("diff", tmp_path / "old", tmp_path / "new", "--format", "json").stdout)
    assert [e["name"] for e in d["added"]] == ["新许可"]
    assert [(e["from"], e["to"]) for e in d["status_changed"]] == [("在用", "暂停")]
    assert [list(e["fields"]) for e in d["changed"]] == [["unit"]]
    text = invoke("diff", tmp_path / "old", tmp_path / "new").stdout
    assert "新增 1 项" in text


def test_template_validates_clean(tmp_path):
    assert invoke("template", tmp_path / "t.xlsx").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["填报说明", "部门信息", "职权目录", "裁量基准", "流程"]
    assert len(wb["职权目录"].data_validations.dataValidation) >= 5
    # the example 部门编号 is a placeholder, not a number a department could keep and pass with (issue 8,
    # item 4): it is the one finding until replaced, and with a number of its own the template is clean
    r = invoke("validate", tmp_path / "t.xlsx", "--format", "json")
    assert r.exit_code == 1, r.output
    [f] = json.loads(r.stdout)["findings"]
    assert (f["rule"], f["sheet"], f["column"], f["value"]) == ("F108", "部门信息", "部门编号", "XX")
    ws = wb["部门信息"]
    [cell] = [row[1] for row in ws.iter_rows(min_row=2) if str(row[0].value).startswith("部门编号")]
    cell.value = "07"
    wb.save(tmp_path / "t.xlsx")
    r = invoke("validate", tmp_path / "t.xlsx")
    assert r.exit_code == 0, r.output


def test_diff_two_cities_by_name(book, tmp_path):
    invoke("catalog", book.save(tmp_path / "a" / "d.xlsx"), "-o", tmp_path / "qd")
    other = type(book)()
    other.info.update(部门名称="济南市测试局", 行政区划代码="370100", 部门编号="11")
    other.powers.append(dict(other.powers[0], 序号="3", 职权名称="只有济南有的许可"))
    invoke("catalog", other.save(tmp_path / "b" / "d.xlsx"), "-o", tmp_path / "jn")
    d = json.loads(invoke("diff", tmp_path / "qd", tmp_path / "jn", "--by", "name", "--format", "json").stdout)
    assert [e["name"] for e in d["added"]] == ["只有济南有的许可"]
    assert d["removed"] == [] and d["changed"] == []


def test_unexpected_failure_is_reported_not_traced(monkeypatch, capsys):
    import cli

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(cli.powers, "write_template", boom)
    monkeypatch.setattr("sys.argv", ["powers", "template", "x.xlsx"])
    monkeypatch.delenv("POWERS_DEBUG", raising=False)
    try:
        cli.main()
    except SystemExit as e:
        assert e.code == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "Internal error" in err and "Traceback" not in err


@pytest.mark.parametrize("content", ['[1, 2]', '{"laws": ["x"]}', '{"laws": [{"level": "法律"}]}', "not json"])
def test_bad_law_registry_is_a_clear_error_not_a_traceback(content, book, tmp_path):
    laws = tmp_path / "laws.json"
    laws.write_text(content, "utf-8")
    r = invoke("validate", book.save(tmp_path / "a.xlsx"), "--laws", laws)
    assert r.exit_code == 2 and "法律法规库格式错误" in r.output


def test_validate_a_folder_of_json_catalogs_names_the_import(tmp_path):
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "catalog.json").write_text(json.dumps([{"事项名称": "x", "事项类型": "01"}], ensure_ascii=False), "utf-8")
    r = invoke("validate", folder)
    assert r.exit_code == 2 and "powers import" in r.output and "catalog.json" in r.output


def test_publish_refuses_a_draft_unless_forced(book, tmp_path):
    book.powers[0]["承办机构"] = None
    src = book.save(tmp_path / "in" / "d.xlsx")
    site, dest = tmp_path / "site", tmp_path / "portal"
    r = invoke("build", src, "-o", site, "--work", tmp_path / "w", "--draft")
    assert r.exit_code == 0, r.output
    r = invoke("publish", site, dest)
    assert r.exit_code == 2 and "草稿" in r.output and "--force" in r.output and not dest.exists()
    r = invoke("publish", site, dest, "--force")
    assert r.exit_code == 0, r.output
    assert json.loads((dest / "manifest.json").read_text("utf-8"))["forced"] is True


def test_diff_sees_every_field_and_shows_old_and_new(book, tmp_path):
    """责任事项, 追责情形, 行使层级, the discretion tiers and the steps of a power's flow are changes
    too, and the text says what each field was and is now."""
    from powers import build_catalog, validate
    from powers.catalog import diff, diff_text
    from powers.codes import CodeRegistry

    book.powers[0].update(责任事项=None, 追责情形=None)
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        old, _ = build_catalog(validate([book.save(tmp_path / "d.xlsx")], jobs=1), reg)
    new = old.model_copy(deep=True)
    d = new.departments[0]
    licence, penalty = d.powers
    licence.responsibilities, licence.accountability, licence.levels = "受理责任", "依法追责", [3, 4]
    penalty.tiers[1].circumstances = ["1年内第2次违法且拒不改正的"]
    flow = next(f for f in d.flows if f.name == "行政处罚标准流程")
    flow.steps[1].name, flow.description = "调查", flow.description.replace("调查取证", "调查")
    changed = {e["name"]: e["fields"] for e in diff(old, new)["changed"]}
    assert set(changed["测试许可"]) == {"responsibilities", "accountability", "levels"}
    assert set(changed["对测试违法行为的行政处罚"]) == {"tiers", "flow_steps"}
    text = diff_text(diff(old, new))
    assert "责任事项：（空） → 受理责任" in text and "行使层级：市级 → 市级、县级" in text
    assert "裁量基准  − 第2阶；1年内第2次违法的" in text and "裁量基准  + 第2阶；1年内第2次违法且拒不改正的" in text
    assert "流程环节  + " in text and "调查（" in text
    assert diff(old, old.model_copy(deep=True))["changed"] == []


def test_diff_writes_the_comparison_table_for_printing(book, tmp_path):
    invoke("catalog", book.save(tmp_path / "a" / "d.xlsx"), "-o", tmp_path / "old")
    book.powers[0]["状态"] = "暂停"
    book.powers[1]["承办机构"] = "新执法科"
    book.powers.append(dict(book.powers[0], 序号="3", 职权名称="新许可", 状态="在用"))
    book.powers.append(dict(book.powers[0], 序号="4", 职权名称="内部新许可", 状态="在用", 公开范围="内部"))
    invoke("catalog", book.save(tmp_path / "b" / "d.xlsx"), "-o", tmp_path / "new", "--registry",
           tmp_path / "old" / "codes.sqlite")
    assert "内部新许可" in invoke("diff", tmp_path / "old", tmp_path / "new").stdout  # the office's own view
    r = invoke("diff", tmp_path / "old", tmp_path / "new", "--xlsx", tmp_path / "对照表.xlsx")
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(tmp_path / "对照表.xlsx").active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["序号", "事项名称", "编码", "部门", "调整类型", "调整前", "调整后", "调整理由", "文号"]
    by_kind = {r[4]: r for r in rows[1:]}
    assert by_kind["新增"][1] == "新许可" and by_kind["暂停实施"][5:7] == ["在用", "暂停"]
    changed = by_kind["调整（承办机构）"]
    assert changed[5] == "承办机构：执法科" and changed[6] == "承办机构：新执法科"
    assert [r[0] for r in rows[1:]] == [1, 2, 3]  # the internal item is not in a table for filing and posting
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape"
    assert invoke("diff", tmp_path / "old", tmp_path / "new", "--xlsx", tmp_path / "x.csv").exit_code == 2
    r = invoke("diff", tmp_path / "old", tmp_path / "new", "--pdf", tmp_path / "对照表.pdf")
    assert r.exit_code == 0 and (tmp_path / "对照表.pdf").read_bytes().startswith(b"%PDF-")


def test_print_list_writes_each_departments_list_and_the_whole(tmp_path):
    invoke("catalog", INVENTORIES, "-o", tmp_path / "cat")
    r = invoke("print-list", tmp_path / "cat", "-o", tmp_path / "out", "--no-pdf")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 1 + len(list(INVENTORIES.glob("*.xlsx"))) and all(n.endswith("行政权力清单.xlsx") for n in names)
    r = invoke("print-list", tmp_path / "cat", "-o", tmp_path / "one", "-d", "示例市统计局")
    assert r.exit_code == 0 and sorted(p.suffix for p in (tmp_path / "one").iterdir()) == [".pdf", ".xlsx"]
    assert invoke("print-list", tmp_path / "cat", "-d", "没有这个局").exit_code == 2


def test_publish_records_in_the_work_folder_and_diff_compares_with_it(book, tmp_path):
    """publish records the release in the work folder the site was built in; diff --published
    compares with it; a work folder gone since does not stop a publish, which says so."""
    import shutil

    src, work, dest = book.save(tmp_path / "in" / "d.xlsx"), tmp_path / "w", tmp_path / "portal"
    r = invoke("build", src, "-o", tmp_path / "s1", "--work", work, "--release-date", "2026-01-01")
    assert r.exit_code == 0, r.output
    r = invoke("diff", "--published", work, work / "releases" / "2026-01-01.json")
    assert r.exit_code == 2 and "published.jsonl" in r.output
    r = invoke("publish", tmp_path / "s1", dest)
    assert r.exit_code == 0 and "注意" not in r.output, r.output
    [entry] = [json.loads(x) for x in (work / "releases" / "published.jsonl").read_text("utf-8").splitlines()]
    assert entry["release"] == "2026-01-01" and entry["dest"] == str(dest.absolute()) and not entry["rollback"]
    book.powers[1]["承办机构"] = "新执法科"
    r = invoke("build", book.save(src), "-o", tmp_path / "s2", "--work", work, "--release-date", "2026-02-01")
    assert r.exit_code == 0 and "变更记录对比：2026-01-01 发布版" in r.output, r.output
    r = invoke("diff", "--published", work, work / "releases" / "2026-02-01.json")
    assert r.exit_code == 0 and "与 2026-01-01 发布版比较" in r.output and "承办机构：执法科 → 新执法科" in r.output, r.output
    shutil.rmtree(work)
    r = invoke("publish", tmp_path / "s2", dest)
    assert r.exit_code == 0, r.output
    assert "已不存在，未能记录本次发布" in r.output and "could not be recorded" in r.output
    assert (dest / "index.html").is_file() and not work.exists()
