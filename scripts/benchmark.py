"""Benchmarks (not tests): figures are ratios measured in one run, since the machine is shared.

    python scripts/benchmark.py flowcharts [N]   one `dot` per chart vs batched (1 and 2 processes)
    python scripts/benchmark.py read [COPIES]    validate a workbook COPIES times the demo size
    python scripts/benchmark.py city [--scale 1|2] [--repo PATH] [--inputs DIR] [--json FILE]
                                                 the city-scale benchmark of issue 9 (see bench_city)
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


SEARCH_SCRIPT = """
import subprocess, sys, tempfile
from powers import search
if hasattr(search, "hand_over"):
    # as the build does it: records made where the catalog is, indexed by a fresh interpreter
    folder = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from powers import catalog, site, search; "
                    "search.hand_over(search.plan(site.public_view(catalog.load_catalog(sys.argv[1]))), Path(sys.argv[2]))",
                    sys.argv[1], folder], check=True)
    subprocess.run([sys.executable, "-m", "powers.search", sys.argv[2], folder, tempfile.mkdtemp(), "2"], check=True)
else:
    from powers import catalog, site
    search.index_search(sys.argv[2], site.public_view(catalog.load_catalog(sys.argv[1])))
"""


def sample_flow(i: int):
    from powers.models import Flow, FlowEdge, FlowStep, Provenance

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
    from powers import flowcharts as fc

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

# ---------------------------------------------------------------- city (issue 9)
FLOOR_SCRIPT = """
import sys, time
from pathlib import Path
from python_calamine import CalamineWorkbook
cells = 0
for f in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            cells += len(row)
print(cells)
"""

# issue 9's Targets; one-department-changed is relative to cold, peak applies to every step
TARGETS = {"validate": 3.0, "build cold": 25.0, "build unchanged": 2.0}
CHANGED_SHARE = 0.10
PEAK_MIB = 500
SITE_MB = 150


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants now (Linux /proc; 0 elsewhere): the sum of their
    PSS, which counts a page shared by forked workers once in all (their RSS would count it in
    each), or of their RSS where PSS is not available."""
    total = 0
    for p in _descendants(pid):
        for name, key in ((f"/proc/{p}/smaps_rollup", "Pss:"), (f"/proc/{p}/status", "VmRSS:")):
            try:
                line = next(x for x in Path(name).read_text().splitlines() if x.startswith(key))
            except (OSError, StopIteration):
                continue
            total += int(line.split()[1]) * 1024
            break
    return total


def measure(name: str, cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run one step as a child process: wall time, user+sys CPU of the child and everything it
    waited for (os.wait4), peak RSS of its largest process (ru_maxrss) and, sampled every 50 ms,
    the peak of the whole process tree's RSS together (what several worker processes add up to)."""
    import threading

    with open(log, "ab") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n".encode())
        fh.flush()
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)
        peak_tree = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.05):
                peak_tree[0] = max(peak_tree[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    peak = max(ru.ru_maxrss * 1024, peak_tree[0]) / 2**20  # ru_maxrss is in KiB on Linux
    row = dict(step=name, wall=wall, cpu=cpu, cpu_per_wall=cpu / wall if wall else 0.0, peak_mib=peak,
               peak_process_mib=ru.ru_maxrss / 1024, exit=proc.returncode, command=cmd)
    flag = "" if proc.returncode == 0 else f"  (exit {proc.returncode}, see {log})"
    print(f"  {name:<24} {wall:8.2f} s  cpu {cpu:7.2f} s  peak {peak:7.0f} MiB{flag}", flush=True)
    return row


def change_one_cell(folder: Path) -> str:
    """Change one 承办机构 cell of one department (the middle one) with openpyxl; returns what changed."""
    import openpyxl

    books = sorted(folder.glob("*.xlsx"))
    book = books[len(books) // 2]
    wb = openpyxl.load_workbook(book)
    ws = wb["职权目录"]
    header = [c.value for c in ws[1]]
    col = header.index("承办机构") + 1
    units = sorted({r[0] for r in ws.iter_rows(min_row=2, min_col=col, max_col=col, values_only=True) if r[0]})
    old = ws.cell(row=2, column=col).value
    new = next((u for u in units if u != old), f"{old}（调整）")
    ws.cell(row=2, column=col).value = new
    wb.save(book)
    return f"{book.name} 职权目录!{openpyxl.utils.get_column_letter(col)}2: {old} → {new}"


def site_size(site: Path) -> tuple[int, int]:
    files = [f for f in site.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files), len(files)


def _target(step: str, rows: dict) -> tuple[str, bool | None]:
    if step in TARGETS:
        return f"≤ {TARGETS[step]:g} s", rows[step]["wall"] <= TARGETS[step]
    if step == "build one dept changed" and "build cold" in rows:
        limit = CHANGED_SHARE * rows["build cold"]["wall"]
        return f"≤ 10% cold ({limit:.1f} s)", rows[step]["wall"] <= limit
    return "", None


def table(result: dict) -> str:
    rows = {r["step"]: r for r in result["steps"]}
    floor = rows.get("floor (calamine read)", {}).get("wall")
    lines = [f"city benchmark: {result['inventory']}",
             f"code: {result['repo']} @ {result['commit']}{' (+ uncommitted changes)' if result['dirty'] else ''}; "
             f"{result['cores']} cores; {result['python']}",
             "",
             "| step | wall s | CPU/wall | peak MiB | × floor | target | met |",
             "|---|---:|---:|---:|---:|---|---|"]
    for r in result["steps"]:
        target, ok = _target(r["step"], rows)
        peak_ok = r["peak_mib"] <= PEAK_MIB
        target = f"{target}; ≤ {PEAK_MIB} MiB" if target else f"≤ {PEAK_MIB} MiB"
        met = "yes" if (ok is not False and peak_ok) else "NO"
        if r["exit"]:
            met += f" (exit {r['exit']})"
        ratio = f"{r['wall'] / floor:.1f}" if floor else "–"
        lines.append(f"| {r['step']} | {r['wall']:.2f} | {r['cpu_per_wall']:.2f} | {r['peak_mib']:.0f} | {ratio} | "
                     f"{target} | {met} |")
    if "site_bytes" in result:
        mb = result["site_bytes"] / 1e6
        lines += ["", f"site: {mb:.1f} MB in {result['site_files']} files (target ≤ {SITE_MB} MB: "
                      f"{'yes' if mb <= SITE_MB else 'NO'})"]
    if result.get("changed_cell"):
        lines.append(f"changed: {result['changed_cell']}")
    lines.append("peak MiB: the larger of the largest process's ru_maxrss and the sampled PSS of the whole "
                 "process tree; CPU = user+sys of the step and its children")
    return "\n".join(lines)


def bench_city(argv: list[str]) -> int:
    """issue 9's benchmark: generate (or reuse) a city inventory, then time every step as a child
    `python cli.py …` in --repo (default: this checkout; an older commit as a git worktree gives a
    before/after table)."""
    import argparse
    import json
    import os
    import platform
    import shutil

    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(prog="benchmark.py city", description=bench_city.__doc__)
    ap.add_argument("--scale", type=int, default=1, choices=(1, 2))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repo", type=Path, default=here, help="project checkout whose cli.py is measured")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the steps (default: this one)")
    ap.add_argument("--inputs", type=Path, help="reuse these workbooks (copied; the original is not changed)")
    ap.add_argument("--keep", type=Path, help="keep the work folder (inputs, builds, logs) here")
    ap.add_argument("--steps", help="comma-separated subset: floor,validate,catalog,cold,unchanged,changed,pagefind")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    a = ap.parse_args(argv)
    repo = a.repo.resolve()
    if not (repo / "cli.py").is_file():
        ap.error(f"{repo} has no cli.py")
    wanted = set((a.steps or "floor,validate,catalog,cold,unchanged,changed,pagefind").split(","))
    if wanted & {"unchanged", "changed"}:
        wanted.add("cold")
    py = a.python

    tmp = Path(tempfile.mkdtemp(prefix="powers-city-")) if a.keep is None else a.keep.resolve()
    tmp.mkdir(parents=True, exist_ok=True)
    inputs, log = tmp / "inputs", tmp / "steps.log"
    try:
        if inputs.exists():
            shutil.rmtree(inputs)
        if a.inputs:
            inputs.mkdir()
            for f in sorted(a.inputs.glob("*.xlsx")):
                shutil.copy2(f, inputs / f.name)
            desc = f"{a.inputs} (copied)"
        else:
            sys.path.insert(0, str(here / "scripts"))
            import make_city

            t = time.perf_counter()
            s = make_city.make_city(inputs, scale=a.scale, seed=a.seed)
            tot = s["total"]
            desc = (f"generated (scale {a.scale}, seed {a.seed}) in {time.perf_counter() - t:.1f} s: "
                    f"{tot['departments']} departments, {tot['powers']} powers, {tot['penalties']} penalties, "
                    f"{tot['tiers']} tiers, {tot['bytes'] / 1e6:.1f} MB of xlsx")
        books = sorted(inputs.glob("*.xlsx"))
        if a.inputs:
            desc += f": {len(books)} workbooks, {sum(f.stat().st_size for f in books) / 1e6:.1f} MB"
        print(desc, flush=True)
        which = subprocess.run([py, "-c", "import powers; print(powers.__file__)"], cwd=repo,
                               capture_output=True, text=True).stdout.strip()
        if not which.startswith(str(repo)):
            print(f"warning: `import powers` in {repo} loads {which}", file=sys.stderr)
        git = lambda *args: subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True).stdout.strip()  # noqa: E731
        result = dict(inventory=desc, repo=str(repo), commit=git("rev-parse", "--short", "HEAD") or "?",
                      dirty=bool(git("status", "--porcelain", "--untracked-files=no")), cores=os.cpu_count(),
                      python=f"{platform.python_implementation()} {platform.python_version()}", scale=a.scale,
                      workbooks=len(books), steps=[])
        cli = [py, str(repo / "cli.py")]
        work, site = tmp / "work", tmp / "site"
        for old in (work, site, tmp / "catalog"):
            shutil.rmtree(old, ignore_errors=True)
        steps = result["steps"]
        if "floor" in wanted:
            steps.append(measure("floor (calamine read)", [py, "-c", FLOOR_SCRIPT, str(inputs)], repo, log))
        if "validate" in wanted:
            steps.append(measure("validate", [*cli, "validate", str(inputs)], repo, log))
        if "catalog" in wanted:
            steps.append(measure("catalog (fresh registry)", [*cli, "catalog", str(inputs), "-o", str(tmp / "catalog")],
                                 repo, log))
        build = [*cli, "build", str(inputs), "--work", str(work), "-o", str(site)]
        if "cold" in wanted:
            steps.append(measure("build cold", build, repo, log))
            if site.is_dir():
                result["site_bytes"], result["site_files"] = site_size(site)
        if "unchanged" in wanted:
            steps.append(measure("build unchanged", build, repo, log))
        if "changed" in wanted:
            result["changed_cell"] = change_one_cell(inputs)
            steps.append(measure("build one dept changed", build, repo, log))
        if "pagefind" in wanted and site.is_dir():
            if (repo / "powers" / "search.py").is_file():  # the index made from compact records
                target = tmp / "search-alone"
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                steps.append(measure("search index alone", [py, "-c", SEARCH_SCRIPT, str(work / "catalog.json"),
                                                            str(target)], repo, log))
            else:  # older checkouts index the built HTML
                steps.append(measure("pagefind alone", [py, "-m", "pagefind", "--site", str(site), "--silent"],
                                     repo, log))
        text = table(result)
        print("\n" + text)
        if a.json:
            a.json.write_text(json.dumps(dict(result, table=text), ensure_ascii=False, indent=1), "utf-8")
        return 0 if all(r["exit"] == 0 for r in steps) else 1
    finally:
        if a.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "city":
        sys.exit(bench_city(sys.argv[2:]))
    what = sys.argv[1] if len(sys.argv) > 1 else "flowcharts"
    runs = {"flowcharts": bench_flowcharts, "read": bench_read}
    if what not in runs or len(sys.argv) > 2 and not sys.argv[2].isdigit():
        print(__doc__)
        sys.exit(0 if what in ("-h", "--help") else 2)
    runs[what](int(sys.argv[2]) if len(sys.argv) > 2 else (200 if what == "flowcharts" else 20))
