from powers import validate


def test_baseline_workbook_is_clean(book, tmp_path):
    r = validate([book.save(tmp_path / "a.xlsx")])
    assert r.findings == []
    c = r.counts[str(tmp_path / "a.xlsx")]
    assert (c.read, c.accepted, c.rejected) == (12, 12, 0)
    [d] = r.departments
    assert [p.name for p in d.powers] == ["测试许可", "对测试违法行为的行政处罚"]
    assert [t.fine.upper for t in d.powers[1].tiers] == [50, 100, 200]
