"""Benchmarks (not tests): figures are ratios measured in one run, since the machine is shared.

    python scripts/benchmark.py flowcharts [N]   one `dot` per chart vs batched (1 and 2 processes)
    python scripts/benchmark.py read [COPIES]    validate a workbook COPIES times the demo size
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from powers import flowcharts as fc  # noqa: E402
from powers.models import Flow, FlowEdge, FlowStep, Provenance  # noqa: E402


def sample_flow(i: int) -> Flow:
    prov = Provenance(file="bench", sheet="流程", row=i)
    names = ["受理", "审查", "现场核查", "决定", "送达", "公开"]
    steps = []
    for k, name in enumerate(names):
        nxt = [FlowEdge(target=str(k + 1))] if k + 1 < len(names) else []
        if k == 0:
            nxt = [FlowEdge(target="1", condition="材料齐全"), FlowEdge(target="x", condition="材料不全")]
        steps.append(FlowStep(id=str(k), name=f"{name}{i}", post="岗位", days=2, next=nxt,
                              risk="风险" if k == 1 else None, risk_level="高" if k == 1 else None, provenance=prov))
    steps.append(FlowStep(id="x", name="一次性告知补正", days=0, next=[FlowEdge(target="1")], provenance=prov))
    return Flow(name=f"流程{i}", steps=steps)


def bench_flowcharts(n: int) -> None:
    flows = [sample_flow(i) for i in range(n)]
    sources = {f"c{i}": fc.to_dot(f, fc.chart_title(f)).source for i, f in enumerate(flows)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = []
        for name, src in sources.items():
            (work / f"{name}.gv").write_text(src, "utf-8")
            paths.append(work / f"{name}.gv")
        t = time.perf_counter()
        for p in paths:
            subprocess.run(["dot", "-Tsvg", "-o", str(p) + ".one.svg", str(p)], check=True)
        one_each = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(["dot", "-Tsvg", "-O", *map(str, paths)], check=True)
        batched = time.perf_counter() - t
        for f in work.glob("*.gv.svg"):
            f.unlink()
        t = time.perf_counter()
        fc._run_batches(sources, work, ("svg",))
        two = time.perf_counter() - t
    print(f"{n} charts (Graphviz {fc.graphviz_version()}):")
    print(f"  one dot process per chart : {one_each * 1000:8.1f} ms  ({one_each / n * 1000:.2f} ms/chart)  1.00x")
    print(f"  one batched dot process   : {batched * 1000:8.1f} ms  ({batched / n * 1000:.2f} ms/chart)  "
          f"{one_each / batched:.1f}x faster")
    print(f"  two batched dot processes : {two * 1000:8.1f} ms  ({two / n * 1000:.2f} ms/chart)  "
          f"{one_each / two:.1f}x faster (powers' renderer)")


def bench_read(copies: int) -> None:
    import openpyxl

    from powers import validate

    src = Path(__file__).resolve().parents[1] / "inventories" / "02-市场监督管理局.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.xlsx"
        wb = openpyxl.load_workbook(src)
        for ws in wb.worksheets[1:]:
            rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
            for c in range(1, copies):
                for r in rows:
                    r = list(r)
                    if ws.title == "职权目录":
                        r[3] = f"{r[3]}（第{c}批）"
                    elif ws.title == "裁量基准":
                        r[0] = None
                        r[1] = f"{r[1]}（第{c}批）"
                    else:
                        continue
                    ws.append(r)
        wb.save(big)
        t = time.perf_counter()
        small = validate([src])
        t_small = time.perf_counter() - t
        t = time.perf_counter()
        result = validate([big])
        t_big = time.perf_counter() - t
        rows_small = sum(c.read for c in small.counts.values())
        rows_big = sum(c.read for c in result.counts.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"validate: {rows_small} rows in {t_small * 1000:.0f} ms; {rows_big} rows in {t_big * 1000:.0f} ms "
          f"({rows_big / rows_small:.1f}x the rows took {t_big / t_small:.1f}x the time; "
          f"{rows_big / t_big:.0f} rows/s); peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "flowcharts"
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else (200 if what == "flowcharts" else 20)
    {"flowcharts": bench_flowcharts, "read": bench_read}[what](arg)
