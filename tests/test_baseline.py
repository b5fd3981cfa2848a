from powers import validate


def test_baseline_workbook_is_clean(book, tmp_path):
    r = validate([book.save(tmp_path / "a.xlsx")])
    assert r.findings == []
    c = r.counts[str(tmp_path / "a.xlsx")]
    assert (c.read, c.accepted, c.rejected) == (12, 12, 0)
    [d] = r.departments
    assert [p.name for p in d.powers] == ["测试许可", "对测试违法行为的行政处罚"]
    assert [t.fine.upper for t in d.powers[1].tiers] == [50, 100, 200]


def test_department_info_as_a_table(book, tmp_path):
    import openpyxl

    path = book.save(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["部门信息"]
    keys = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    values = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    ws.delete_rows(1, ws.max_row)
    ws.append(["某某局基本情况"])
    ws.append(keys)
    ws.append(values)
    wb.save(path)
    r = validate([path])
    assert r.findings == []
    assert r.departments[0].name == "测试市测试局" and r.departments[0].number == "07"


def test_department_info_two_pairs_per_row(book, tmp_path):
    import openpyxl

    path = book.save(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["部门信息"]
    pairs = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
    ws.delete_rows(1, ws.max_row)
    for a, b in zip(pairs[::2], pairs[1::2] + [(None, None)]):
        ws.append([a[0], a[1], b[0], b[1]])
    wb.save(path)
    r = validate([path])
    assert r.findings == [] and r.departments[0].credit_code.startswith("11370200")
