"""Generate a city-scale inventory for the scale benchmark (issue 9), deterministically.

The shape of one real city's published programme: 44 department workbooks, about 10,000 powers of
which about 6,274 are penalties (about 996 of them 无裁量空间), and about 28,000 discretion tiers
(5.3 per penalty with discretion on average, up to 26). `--scale 2` doubles the number of
departments with the same shape per department.

Texts are varied but real: every legal basis is one of the demo inventories' citations of a real
law and article (scripts/make_inventories.py), names combine those behaviours with places and
parties, circumstances climb ladders of days, amounts, areas and counts, and each department's
flows are its own variants (one per base flow and responsible unit) of the standard flows.
The workbooks use the standard layout and validate without errors (warnings are expected).

Run: python scripts/make_city.py OUT_DIR [--scale 1|2] [--seed N] [--departments N]
                                         [--powers-per-department N] [--jobs N]
"""
from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_inventories as mi  # noqa: E402  (also puts the project root on sys.path)

# The real programme this mimics: 44 departments, 6,274 penalties, 28,165 tiers.
CITY_DEPARTMENTS = 44
CITY_POWERS = 10_000
PENALTY_SHARE = 6274 / 10_000
NO_DISCRETION_SHARE = 996 / 6274
MAX_TIERS = 26
TIERS_PER_PENALTY = 28165 / 5278

# Tiers per penalty with discretion: weights for 1..26, mean ≈ 5.33 (28,165 / 5,278).
TIER_WEIGHTS = [3, 9.5, 17.5, 19.5, 15.5, 10.5, 7, 4.7, 3.2, 2.3, 1.6, 1.2, 0.9,
                0.7, 0.55, 0.45, 0.35, 0.28, 0.22, 0.17, 0.13, 0.1, 0.08, 0.06, 0.05, 0.04]

BUREAUS = [
    ("发展和改革委员会", "发展改革委"), ("教育局", "教育局"), ("科学技术局", "科技局"), ("工业和信息化局", "工业和信息化局"),
    ("民族宗教事务局", "民族宗教局"), ("公安局", "公安局"), ("民政局", "民政局"), ("司法局", "司法局"), ("财政局", "财政局"),
    ("人力资源和社会保障局", "人力资源社会保障局"), ("自然资源和规划局", "自然资源规划局"), ("生态环境局", "生态环境局"),
    ("住房和城乡建设局", "住房城乡建设局"), ("城市管理局", "城市管理局"), ("交通运输局", "交通运输局"), ("水务管理局", "水务局"),
    ("农业农村局", "农业农村局"), ("海洋发展局", "海洋发展局"), ("商务局", "商务局"), ("文化和旅游局", "文化和旅游局"),
    ("卫生健康委员会", "卫生健康委"), ("退役军人事务局", "退役军人事务局"), ("应急管理局", "应急局"), ("审计局", "审计局"),
    ("国有资产监督管理委员会", "国资委"), ("市场监督管理局", "市场监管局"), ("体育局", "体育局"), ("统计局", "统计局"),
    ("医疗保障局", "医保局"), ("行政审批服务局", "行政审批局"), ("地方金融监督管理局", "金融局"), ("园林和林业局", "园林林业局"),
    ("人民防空办公室", "人防办"), ("大数据发展管理局", "大数据局"), ("机关事务管理局", "机关事务局"), ("档案局", "档案局"),
    ("粮食和物资储备局", "粮食和储备局"), ("气象局", "气象局"), ("消防救援支队", "消防救援支队"), ("烟草专卖局", "烟草专卖局"),
    ("住房公积金管理中心", "公积金中心"), ("地震局", "地震局"), ("港航发展中心", "港航中心"), ("知识产权局", "知识产权局"),
]
DISTRICTS = ["中心区", "北城区", "南港区", "西山区", "东湖区", "新港区", "临川区", "甲县", "乙县", "丙县"]
UNITS = ["法规科", "行政审批科", "综合执法支队", "执法一大队", "执法二大队", "监督检查科", "许可服务科", "市场管理科", "安全监管科",
         "计划财务科", "政策法规处", "行业管理处", "质量监管科", "专项整治办公室", "稽查支队", "应急指挥中心", "服务指导科",
         "规划建设科", "资源保护科", "信息中心"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["敏", "建国", "海燕", "志强", "丽娟", "晓东", "文静", "国华", "红梅", "立新", "春雷", "秀兰", "振宇", "雪梅", "德明"]
STREETS = ["中山路", "人民路", "和平路", "建设路", "文化路", "海滨路", "解放路", "新华路", "胜利路", "光明路"]

PLACES = ["城市建成区内", "饮用水水源保护区内", "学校周边200米范围内", "医院周边", "居民住宅区内", "风景名胜区内", "海岸带范围内",
          "重点生态功能区内", "历史文化街区内", "交通干道两侧", "农贸市场内", "商业综合体内", "工业园区内", "港口作业区内",
          "旅游景区内", "自然保护区实验区内", "地下空间内", "公共绿地内", "河道管理范围内", "高速公路服务区内", "城乡结合部",
          "大型活动场所内", "轨道交通保护区内", "机场净空保护区内", "危险化学品集中区内", "老旧小区内", "夜间施工时段",
          "重大节假日期间", "重污染天气预警期间", "汛期", "森林防火期内", "疫情防控期间", "重大活动保障期间", "冬季供暖期间",
          "禁渔期内", "中高考期间", "台风预警期间", "农忙季节", "旅游旺季", "春运期间"]
PARTIES = ["", "（单位）", "（个人）"]
QUALIFIERS = ["新办", "变更", "延续", "注销", "补办", "市级权限", "委托区（市）实施", "重大项目", "一般项目", "跨区域", "涉外",
              "首次申请", "年度", "专项", "日常", "双随机", "告知承诺制", "容缺受理", "网上办理", "现场办理", "特殊情形",
              "小型项目", "国有单位", "民营企业", "个体工商户", "社会组织", "农村地区", "海域", "陆域", "临时"]

# ladders for circumstances: (what, unit, start, growth)
LADDERS = [
    ("违法行为持续", "日", 3, 1.8), ("违法所得", "元", 1000, 2.0), ("涉案货值", "元", 5000, 1.9), ("违法建设面积", "平方米", 10, 1.9),
    ("占用面积", "平方米", 5, 1.8), ("涉及人数", "人", 3, 1.7), ("违法排放量", "吨", 1, 2.0), ("违法经营数量", "件", 10, 1.8),
    ("超过核定标准", "%", 5, 1.5), ("造成直接经济损失", "元", 10000, 1.9), ("未按规定整改的隐患", "处", 1, 1.5),
    ("1年内同类违法行为被查处", "次", 1, 1.3),
]
FIRST_TAIL = ["，且在责令改正期限内主动改正", "，且未造成危害后果", "，系初次违法", "，且主动消除或者减轻违法行为危害后果", ""]
LAST_TAIL = ["，或者造成恶劣社会影响", "，或者经责令改正拒不改正", "，或者阻碍执法人员依法调查", "，或者被新闻媒体曝光并查证属实", ""]
MID_TAIL = ["", "", "，在责令改正期限内改正", "，逾期改正", "，涉及重点区域", "，配合调查"]


def pools():
    """The demo inventories' powers: penalties and the other categories, each with its home department."""
    pens, others = [], []
    for k, fn in enumerate(mi.DEPARTMENTS):
        d = fn()
        for p in d["powers"]:
            (pens if p["category"] == mi.P else others).append((k, p))
    return pens, others


def _share(total: int, parts: int, i: int) -> int:
    return total // parts + (1 if i < total % parts else 0)


def plan(departments: int, powers_per_department: int | None = None) -> list[dict]:
    """Counts per department: powers, penalties, penalties without discretion (city totals
    shared out evenly, so 44 departments hold exactly 10,000 powers, 6,274 penalties and 996
    penalties without discretion)."""
    if powers_per_department is None:
        total = round(departments * CITY_POWERS / CITY_DEPARTMENTS)
    else:
        total = departments * powers_per_department
    pens = round(total * PENALTY_SHARE)
    no_disc = round(pens * NO_DISCRETION_SHARE)
    # the remainders go to different departments, so no department gets all three extras
    return [dict(powers=_share(total, departments, i), penalties=_share(pens, departments, (i + 7) % departments),
                 no_discretion=_share(no_disc, departments, (i + 13) % departments)) for i in range(departments)]


def department_identity(i: int) -> dict:
    bureau, short = BUREAUS[i % len(BUREAUS)]
    if i < len(BUREAUS):
        name, short = f"示例市{bureau}", f"市{short}"
    else:
        district = DISTRICTS[(i // len(BUREAUS) - 1) % len(DISTRICTS)]
        name, short = f"示例市{district}{bureau}", f"{district[:-1]}{short}"
    return dict(name=name, short=short, number=f"{i + 1:02d}", org9=f"{4100000 + i * 1379:08d}{i % 10}")


def ladder_texts(rng: random.Random, n: int) -> list[str]:
    """n distinct circumstances of rising severity."""
    if n <= len(mi.SEVERITY) and rng.random() < 0.25:
        start = rng.randrange(0, len(mi.SEVERITY) - n + 1)
        return [s.removesuffix("的") + "的" for s in mi.SEVERITY[start:start + n]]
    what, unit, start, growth = rng.choice(LADDERS)
    cuts = []
    v = start * rng.choice((1, 2, 3, 5))
    for _ in range(n - 1):
        c = mi.nice(v) if unit not in ("次", "处", "人") else max(round(v), (cuts[-1] + 1) if cuts else 1)
        if cuts and c <= cuts[-1]:
            c = cuts[-1] + (1 if unit in ("次", "处", "人", "日", "%") else mi.nice(cuts[-1] / 10))
        cuts.append(int(c) if float(c).is_integer() else c)
        v = c * growth
    if n == 1:
        return [rng.choice(["违法事实清楚，证据确凿的", "实施本项违法行为的", "经查证属实的"])]
    out = []
    for t in range(n):
        if t == 0:
            text = f"{what}不满{cuts[0]:g}{unit}{rng.choice(FIRST_TAIL)}"
        elif t == n - 1:
            text = f"{what}{cuts[-1]:g}{unit}以上{rng.choice(LAST_TAIL)}"
        else:
            text = f"{what}{cuts[t - 1]:g}{unit}以上不满{cuts[t]:g}{unit}{rng.choice(MID_TAIL)}"
        out.append(text + "的")
    return out


def flow_variants(unit: str, base: str, steps: list[tuple]) -> tuple[str, list[tuple]]:
    """A department's own version of a standard flow: its unit's posts, the same time limits."""
    name = f"{base}（{unit}）"
    out = []
    for sid, step, post, days, nxt, risk, level, measure in steps:
        if post not in ("申请人", "局务会", "评审委员会"):
            post = f"{unit}{post}"
        if measure:
            measure = f"{measure}；由{unit}每季度抽查"
        out.append((sid, step, post, days, nxt, risk, level, measure))
    return name, out


class Names:
    """City-wide unique power names."""

    def __init__(self):
        self.used: set[str] = set()
        self.next: dict[str, int] = {}

    def penalty(self, base: str, rng: random.Random) -> str:
        behaviour = base.removeprefix("对").removesuffix("的行政处罚")
        k = self.next.get(base, 0)
        while True:
            place = ([""] + PLACES)[k % (len(PLACES) + 1)] if k < (len(PLACES) + 1) * len(PARTIES) else f"第{k}类"
            party = PARTIES[(k // (len(PLACES) + 1)) % len(PARTIES)]
            k += 1
            name = f"对{'在' + place if place and not place.endswith('期间') and not place.endswith('期内') and not place.endswith('时段') else place}{behaviour}的行政处罚{party}"
            if name not in self.used:
                self.next[base] = k
                self.used.add(name)
                return name

    def other(self, base: str) -> str:
        k = self.next.get(base, 0)
        combos = [""] + [f"（{q}）" for q in QUALIFIERS] + [f"（{p}，{q}）" for p, q in itertools.product(PLACES, QUALIFIERS)]
        while True:
            name = base + (combos[k] if k < len(combos) else f"（第{k}批）")
            k += 1
            if name not in self.used:
                self.next[base] = k
                self.used.add(name)
                return name


def tiers_wanted(rng: random.Random, n: int, force_max: bool) -> list[int]:
    """Tiers for n penalties: drawn from TIER_WEIGHTS, then nudged one tier at a time so that
    they add up to the city's average (28,165 tiers over 5,278 penalties)."""
    wants = rng.choices(range(1, MAX_TIERS + 1), weights=TIER_WEIGHTS, k=n)
    if force_max and n:
        wants[0] = MAX_TIERS
    target = round(n * TIERS_PER_PENALTY)
    while n and sum(wants) != target:
        k = rng.randrange(1 if force_max and n > 1 else 0, n)
        step = 1 if sum(wants) < target else -1
        if 1 <= wants[k] + step <= MAX_TIERS - 1:
            wants[k] += step
    return wants


def wide(spec) -> bool:
    fine = spec.get("fine")
    return bool(fine) and fine[2] == "元" and fine[1] >= 1000 and (fine[0] == 0 or fine[1] / fine[0] >= 10)


def department_spec(i: int, counts: dict, pens, others, names: Names, seed: int, force_max: bool) -> dict:
    """One department's powers as make_inventories specs, plus its flows and tier texts."""
    rng = random.Random(f"{seed}-{i}")
    ident = department_identity(i)
    home = i % len(mi.DEPARTMENTS)
    units = rng.sample(UNITS, rng.randint(4, 6))
    home_pens = [p for k, p in pens if k == home]
    all_pens = [p for _, p in pens]
    disc_pens = [p for p in all_pens if p.get("fine") and not p.get("no_disc")]
    wide_pens = [p for p in disc_pens if wide(p)]
    powers = []
    no_disc = set(rng.sample(range(counts["penalties"]), counts["no_discretion"]))
    wants = iter(tiers_wanted(rng, counts["penalties"] - counts["no_discretion"], force_max))
    for j in range(counts["penalties"]):
        if j in no_disc:
            src = rng.choice(home_pens if rng.random() < 0.7 else all_pens)
            spec = dict(copy.deepcopy(src), no_disc=True)
        else:
            want = next(wants)
            choice = wide_pens if want > 8 else [p for p in (home_pens if rng.random() < 0.7 else all_pens)
                                                   if p.get("fine") and not p.get("no_disc")] or disc_pens
            spec = copy.deepcopy(rng.choice(choice))
            wf = spec.get("warning_first", False) and want >= 2
            spec["warning_first"] = wf
            fine_tiers = want - (1 if wf else 0)
            # make_inventories.power_rows adds a tier to n ≤ 4 (real standards average about 5)
            spec["n"] = fine_tiers - 1 if fine_tiers <= 5 else fine_tiers
            spec["want"] = want
            spec.pop("top_kind", None) if fine_tiers == 1 else None
        spec["name"] = names.penalty(spec["name"], rng)
        powers.append(spec)
    for _ in range(counts["powers"] - counts["penalties"]):
        src = rng.choice([p for k, p in others if k == home] if rng.random() < 0.6 else [p for _, p in others])
        spec = copy.deepcopy(src)
        spec["name"] = names.other(spec["name"])
        if spec.get("subs") and rng.random() < 0.7:
            spec.pop("subs")
        powers.append(spec)
    rng.shuffle(powers)
    filled = date(2026, 1 + i % 3, 1 + (i * 7) % 28)
    person = lambda: rng.choice(SURNAMES) + rng.choice(GIVEN)  # noqa: E731
    return dict(ident, addr=f"示例市中心区{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                phone=f"0000-8{rng.randint(1000000, 9999999)}", sup=f"0000-8{rng.randint(1000000, 9999999)}",
                filler=person(), reviewer=person(), filled=filled, powers=powers, units=units, seed=f"{seed}-{i}")


def write_department(d: dict, out: Path) -> dict:
    """Rows through make_inventories.power_rows, then department flows and varied circumstances."""
    rng = random.Random(d["seed"] + "-texts")
    rows, tiers = mi.power_rows(d)
    standard = mi.standard_flows()
    flows: dict[str, list[tuple]] = {}
    unit_index = {u: k for k, u in enumerate(d["units"])}
    for r in rows:
        base = r["流程"] or f"{r['职权类别']}标准流程"
        unit = r["承办机构"]
        if unit_index[unit] % 2 == 1:  # some units use the department's standard flow as it is
            r["流程"] = base
            flows.setdefault(base, standard[base])
        else:
            name, steps = flow_variants(unit, base, standard[base])
            r["流程"] = name
            flows.setdefault(name, steps)
    by_power: dict[str, list[dict]] = {}
    for t in tiers:
        by_power.setdefault(t["职权序号"], []).append(t)
    for group in by_power.values():
        fine = [t for t in group if t["处罚种类"] != "警告"]
        for t, text in zip(fine, ladder_texts(rng, len(fine))):
            t["违法情节"] = text

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("部门信息")
    info = dict(部门名称=d["name"], 部门编号=d["number"], 部门简称=d["short"], 行政区划代码=mi.REGION,
                统一社会信用代码=mi.credit(d["org9"]), 行使层级="3", 办公地址=d["addr"], 联系电话=d["phone"],
                监督电话=d["sup"], 填报人=d["filler"], 审核人=d["reviewer"], 填报日期=d["filled"])
    for k in mi.INFO_KEYS:
        ws.append([k, info[k]])
    ws = wb.create_sheet("职权目录")
    ws.append(mi.POWER_COLS)
    for r in rows:
        ws.append([r.get(c) for c in mi.POWER_COLS])
    ws = wb.create_sheet("裁量基准")
    ws.append(mi.TIER_COLS)
    for t in tiers:
        ws.append([t.get(c) for c in mi.TIER_COLS])
    ws = wb.create_sheet("流程")
    ws.append(mi.FLOW_COLS)
    for name, steps in flows.items():
        for s in steps:
            ws.append([name, *[v if v != "" else None for v in s[:5]], *[v or None for v in s[5:]]])
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    mains = {r["序号"] for r in rows if "." not in r["序号"]}
    pen_rows = [r for r in rows if r["职权类别"] == mi.P and "." not in r["序号"]]
    return dict(file=out.name, department=d["name"], powers=len(mains), rows=len(rows), penalties=len(pen_rows),
                no_discretion=sum(1 for r in pen_rows if r["无裁量空间"] == "是"), tiers=len(tiers),
                max_tiers=max((len(g) for g in by_power.values()), default=0), flows=len(flows))


def _write(args):
    d, out = args
    return write_department(d, Path(out))


def make_city(out_dir: str | Path, *, scale: int = 1, seed: int = 2026, departments: int | None = None,
              powers_per_department: int | None = None, jobs: int | None = None) -> dict:
    """Write the workbooks into out_dir; returns the counts (also written to out_dir/city.json)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = departments or CITY_DEPARTMENTS * scale
    counts = plan(n, powers_per_department)
    pens, others = pools()
    names = Names()
    specs = [department_spec(i, c, pens, others, names, seed, force_max=(i == 0)) for i, c in enumerate(counts)]
    tasks = [(d, str(out / f"{i + 1:02d}-{d['name'].removeprefix('示例市')}.xlsx")) for i, d in enumerate(specs)]
    jobs = jobs or min(len(tasks), os.cpu_count() or 1)
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            per = list(pool.map(_write, tasks, chunksize=max(1, len(tasks) // (jobs * 4))))
    else:
        per = [_write(t) for t in tasks]
    total = {k: sum(p[k] for p in per) for k in ("powers", "rows", "penalties", "no_discretion", "tiers", "flows")}
    total.update(departments=len(per), max_tiers=max(p["max_tiers"] for p in per),
                 bytes=sum((out / p["file"]).stat().st_size for p in per))
    summary = dict(seed=seed, scale=scale, total=total, departments=per)
    (out / "city.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--scale", type=int, default=1, choices=(1, 2))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--departments", type=int, help="number of departments (default 44 × scale)")
    ap.add_argument("--powers-per-department", type=int, help="default: 10,000 powers over 44 departments")
    ap.add_argument("--jobs", type=int, help="processes writing workbooks (default: all cores)")
    a = ap.parse_args(argv)
    if a.departments is not None and not 1 <= a.departments <= 99:
        ap.error("--departments must be 1–99 (department numbers have 2 digits)")
    t = time.perf_counter()
    s = make_city(a.out_dir, scale=a.scale, seed=a.seed, departments=a.departments,
                  powers_per_department=a.powers_per_department, jobs=a.jobs)
    tot = s["total"]
    print(f"{tot['departments']} departments, {tot['powers']} powers ({tot['rows']} rows), {tot['penalties']} penalties "
          f"({tot['no_discretion']} 无裁量空间), {tot['tiers']} tiers (max {tot['max_tiers']} per penalty), "
          f"{tot['flows']} flows, {tot['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s → {a.out_dir}")


if __name__ == "__main__":
    main()
