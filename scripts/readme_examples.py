"""Write the example workbooks the README tour runs on, so its outputs can be reproduced.

    python scripts/readme_examples.py OUTDIR

公安局-有错误.xlsx: the demo police workbook with five cells changed (one per kind of mistake).
生态环境局-超出法定幅度.xlsx: a tier above the range the cited article of the law states.
统计局-2026下半年.xlsx: the statistics workbook with a power added, one suspended and one reassigned.
"""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent


def police_with_mistakes(out: Path) -> Path:
    wb = openpyxl.load_workbook(ROOT / "inventories" / "01-公安局.xlsx")
    powers, tiers = wb["职权目录"], wb["裁量基准"]
    powers["K3"] = 120  # 承诺时限 longer than the statutory 90
    powers["F5"] = "待定"  # 职权类别 nobody can read
    powers["G6"] = "依据有关文件执行"  # 实施依据 without a law
    tiers["G3"] = 150  # 罚款下限 above 罚款上限
    tiers["D4"] = "情节严重的"  # a vague circumstance
    path = out / "公安局-有错误.xlsx"
    wb.save(path)
    return path


def statistics_next_half(out: Path) -> Path:
    """The statistics workbook half a year on: one power added, one suspended, one handled elsewhere."""
    wb = openpyxl.load_workbook(ROOT / "inventories" / "06-统计局.xlsx")
    ws = wb["职权目录"]
    new = [c.value for c in ws[18]]  # 统计违法行为举报受理 (其他行政权力) as the model row
    new[0], new[3] = "21", "对统计调查对象的约谈"
    ws.append(new)
    ws["S12"] = "暂停"  # 对统计调查对象执行统计法律法规情况的检查
    ws["H13"] = "法规科"  # 对统计数据质量的检查: another 承办机构
    path = out / "统计局-2026下半年.xlsx"
    wb.save(path)
    return path


def ecology_outside_range(out: Path) -> Path:
    """The ecology workbook with the statutory columns of its first penalty cleared, so the range
    is read from the text of the law, and its last tier raised past it."""
    wb = openpyxl.load_workbook(ROOT / "inventories" / "04-生态环境局.xlsx")
    tiers = wb["裁量基准"]
    for r in range(2, 7):
        tiers[f"I{r}"] = tiers[f"J{r}"] = None
    tiers["F6"] = "责令改正，处十三万元以上二十五万元以下罚款"
    tiers["H6"] = 250000
    path = out / "生态环境局-超出法定幅度.xlsx"
    wb.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    print(police_with_mistakes(out))
    print(ecology_outside_range(out))
    print(statistics_next_half(out))
