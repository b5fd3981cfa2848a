"""Unified codes: stable under shuffles and edits, retired not reused, safe across processes."""
from __future__ import annotations

import random
import subprocess
import sys

import openpyxl

from conftest import INVENTORIES, Book
from powers import CodeRegistry, build_catalog, validate
from powers.models import CATEGORIES


def codes_of(paths, registry_path):
    with CodeRegistry(registry_path) as reg:
        catalog, findings = build_catalog(validate(paths), reg)
    return {(d.name, p.full_name): (p.basic_code, p.implementation_code) for d, p in catalog.all_powers()}, findings


def shuffle_rows(src, dst, seed=7):
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets[1:]:
        header_row = next(i for i, r in enumerate(ws.iter_rows(values_only=True), 1)
                          if any(v in ("职权名称", "事项名称", "流程名称", "违法情节", "裁量情节") for v in r))
        if ws.merged_cells.ranges and ws.title == "裁量基准":
            continue  # merged tier blocks only make sense in order
        rows = [list(r) for r in ws.iter_rows(min_row=header_row + 1, values_only=True)]
        random.Random(seed).shuffle(rows)
        for i, r in enumerate(rows, header_row + 1):
            for j, v in enumerate(r, 1):
                ws.cell(i, j).value = v
    wb.save(dst)


def test_structure_of_codes(tmp_path):
    codes, findings = codes_of([INVENTORIES], tmp_path / "codes.sqlite")
    assert findings == []
    catalog_by_code = {}
    for (dept, name), (basic, impl) in codes.items():
        assert len(basic) == 12 and basic.isdigit()
        assert len(impl) == 31 and impl.endswith(basic)
        assert basic not in catalog_by_code, (name, catalog_by_code.get(basic))
        catalog_by_code[basic] = name
    police = {n: c for (d, n), (c, _) in codes.items() if d == "示例市公安局"}
    assert police["机动车登记"][2:6] == "0105" and police["机动车登记"].endswith("000")
    assert police["机动车登记（注册登记）"][:9] == police["机动车登记"][:9]
    assert not police["机动车登记（注册登记）"].endswith("000")
    assert {c[2:4] for c in police.values()} <= set(CATEGORIES.values())


def test_shuffled_rows_keep_codes_in_same_and_fresh_registry(tmp_path):
    src = INVENTORIES / "02-市场监督管理局.xlsx"
    first, _ = codes_of([src], tmp_path / "codes.sqlite")
    shuffled = tmp_path / "s" / src.name
    shuffled.parent.mkdir()
    shuffle_rows(src, shuffled)
    again, _ = codes_of([shuffled], tmp_path / "codes.sqlite")
    fresh, _ = codes_of([shuffled], tmp_path / "fresh.sqlite")
    assert first == again == fresh


def test_edits_keep_codes_and_new_powers_get_new_ones(book, tmp_path):
    first, _ = codes_of([book.save(tmp_path / "a.xlsx")], tmp_path / "r.sqlite")
    book.powers[0]["承办机构"] = "改名后的科室"
    book.powers.insert(0, dict(book.powers[0], 序号="0", 职权名称="新增许可"))
    second, _ = codes_of([book.save(tmp_path / "a.xlsx")], tmp_path / "r.sqlite")
    for key, code in first.items():
        assert second[key] == code
    assert second[("测试市测试局", "新增许可")][0] not in {c for c, _ in first.values()}


def test_cancelled_code_is_retired_and_never_reused(book, tmp_path):
    reg = tmp_path / "r.sqlite"
    first, _ = codes_of([book.save(tmp_path / "a.xlsx")], reg)
    old = first[("测试市测试局", "测试许可")][0]
    book.powers[0]["状态"] = "取消"
    codes_of([book.save(tmp_path / "a.xlsx")], reg)
    with CodeRegistry(reg) as r:
        assert old in r.retired()
    # the cancelled power leaves the workbook; a new licence must not inherit its code
    book.powers[0] = dict(book.powers[0], 职权名称="全新许可", 状态="在用")
    third, _ = codes_of([book.save(tmp_path / "a.xlsx")], reg)
    assert third[("测试市测试局", "全新许可")][0] != old


def test_carried_codes_are_kept_and_conflicts_reported(book, tmp_path):
    book.powers[0]["基本编码"] = "370107123000"
    codes, findings = codes_of([book.save(tmp_path / "a.xlsx")], tmp_path / "r.sqlite")
    assert codes[("测试市测试局", "测试许可")][0] == "370107123000"
    assert findings == []
    other = Book()  # 测试许可 still listed: another item carrying its code is not a rename of it
    other.powers.append(dict(other.powers[0], 序号="3", 职权名称="冒用编码的许可", 基本编码="370107123000"))
    codes, findings = codes_of([other.save(tmp_path / "b.xlsx")], tmp_path / "r.sqlite")
    assert [f.rule for f in findings] == ["X506"]
    assert codes[("测试市测试局", "冒用编码的许可")][0] != "370107123000"


WORKER = """
import sys
from powers import CodeRegistry, validate, build_catalog
from powers.codes import identity
r = validate([sys.argv[1]])
with CodeRegistry(sys.argv[2]) as reg:
    cat, _ = build_catalog(r, reg)
print("\\n".join(p.basic_code for d, p in cat.all_powers()))
"""


def test_two_processes_never_share_a_code(tmp_path):
    books = []
    for i in range(2):
        b = Book()
        b.powers = [dict(b.powers[0], 序号=str(k), 职权名称=f"进程{i}许可{k}") for k in range(120)]
        b.tiers = []
        books.append(b.save(tmp_path / f"p{i}.xlsx"))
    reg = tmp_path / "shared.sqlite"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(p), str(reg)], stdout=subprocess.PIPE, text=True)
             for p in books]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(outs[0]) == len(outs[1]) == 120
    assert not set(outs[0]) & set(outs[1])


def test_allocation_scans_the_registry_once_per_prefix(tmp_path):
    """Linear allocation: the highest number under a prefix is read from the table once per
    prefix and run, not once per new code; the codes are the ones a scan per code would give."""
    from powers.models import Department, Power, Provenance

    at = Provenance(file="x.xlsx", sheet="职权目录", row=1)
    dept = Department(name="青岛市测试局", number="42", region_code="370200", credit_code="11370200MB0000000X",
                      level=3, file="x.xlsx",
                      powers=[Power(name=f"测试处罚{i}", category="行政处罚", provenance=at,
                                    sub_items=[Power(name=f"测试处罚{i}", sub_item=f"子项{k}", category="行政处罚",
                                                     provenance=at) for k in range(2)] if i < 3 else [])
                              for i in range(300)])
    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        reg._insert("370242007000", "held|by|another", "2020-01-01T00:00:00+00:00")  # issued before: counted past
        scans = []
        reg.db.set_trace_callback(lambda sql: scans.append(sql) if "MAX(" in sql else None)
        assert reg.assign([dept]) == []
    prefixes = {p.basic_code[:6] for p in dept.powers} | {s.basic_code[:9] for p in dept.powers for s in p.sub_items}
    assert len(scans) == len(prefixes) == 4  # one main-item prefix, three sub-item prefixes
    mains = sorted(p.basic_code for p in dept.powers)
    assert mains[0] == "370242008000" and mains[-1] == "370242307000" and len(set(mains)) == 300
    assert all(sorted(s.basic_code[9:] for s in p.sub_items) == ["001", "002"] for p in dept.powers if p.sub_items)
