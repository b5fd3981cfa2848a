"""The scale benchmark's inventory generator (scripts/make_city.py) at a tiny size: the workbooks
validate without errors and have the shape asked for."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_city  # noqa: E402


def sheet(path: Path, name: str) -> list[dict]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_tiny_city_validates_and_has_the_requested_shape(tmp_path):
    out = tmp_path / "city"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_city.py"), str(out),
                          "--departments", "3", "--powers-per-department", "40", "--seed", "7"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == 3

    want = make_city.plan(3, 40)
    assert sum(p["powers"] for p in want) == 120
    summary = json.loads((out / "city.json").read_text("utf-8"))
    departments, numbers = set(), set()
    penalties = no_disc = tiers = 0
    per_penalty: Counter = Counter()
    for book, plan, reported in zip(books, want, summary["departments"]):
        info = {r[0]: r[1] for r in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("部门信息").to_python()}
        departments.add(info["部门名称"])
        numbers.add(info["部门编号"])
        powers = [r for r in sheet(book, "职权目录") if "." not in str(r["序号"])]
        pens = [r for r in powers if r["职权类别"] == "行政处罚"]
        assert len(powers) == plan["powers"] == reported["powers"]
        assert len(pens) == plan["penalties"] == reported["penalties"]
        assert sum(r["无裁量空间"] == "是" for r in pens) == plan["no_discretion"]
        assert len({r["职权名称"] for r in powers}) == len(powers)
        book_tiers = sheet(book, "裁量基准")
        assert len(book_tiers) == reported["tiers"]
        counts = Counter(r["职权序号"] for r in book_tiers)
        assert {str(r["序号"]) for r in pens if r["无裁量空间"] == "否"} == set(counts)
        per_penalty.update({(book.name, k): v for k, v in counts.items()})
        flows = {r["流程名称"] for r in sheet(book, "流程")}
        assert {r["流程"] for r in powers} <= flows
        penalties += len(pens)
        no_disc += sum(r["无裁量空间"] == "是" for r in pens)
        tiers += len(book_tiers)
    assert len(departments) == len(numbers) == 3
    assert penalties == round(120 * make_city.PENALTY_SHARE)
    assert no_disc == round(penalties * make_city.NO_DISCRETION_SHARE)
    with_discretion = penalties - no_disc
    assert abs(tiers / with_discretion - make_city.TIERS_PER_PENALTY) < 0.2
    assert max(per_penalty.values()) == make_city.MAX_TIERS
    assert summary["total"] == {**summary["total"], "powers": 120, "penalties": penalties, "tiers": tiers}

    check = subprocess.run([sys.executable, str(ROOT / "cli.py"), "validate", str(out), "--format", "json"],
                           capture_output=True, text=True, timeout=60, cwd=ROOT)
    report, _ = json.JSONDecoder().raw_decode(check.stdout)
    assert report["summary"]["errors"] == 0, [f for f in report["findings"] if f.get("severity") == "error"][:5]
    assert report["summary"]["rows_rejected"] == 0
    assert check.returncode == 0


def test_same_seed_same_contents(tmp_path):
    a = make_city.make_city(tmp_path / "a", departments=2, powers_per_department=15, jobs=1)
    b = make_city.make_city(tmp_path / "b", departments=2, powers_per_department=15, jobs=1)
    assert a["departments"] == b["departments"]
    for x, y in zip(sorted((tmp_path / "a").glob("*.xlsx")), sorted((tmp_path / "b").glob("*.xlsx"))):
        for name in ("部门信息", "职权目录", "裁量基准", "流程"):
            assert sheet(x, name) == sheet(y, name)
