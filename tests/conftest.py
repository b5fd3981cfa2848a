"""Small workbooks built in code: a clean baseline that each test bends to trigger one rule."""
from __future__ import annotations

import copy
import gzip
from pathlib import Path

import openpyxl
import pytest

from powers.rules.fields import credit_check_char

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = ROOT / "inventories"

CREDIT = "11370200MB0000001" + credit_check_char("11370200MB0000001")
INFO = {"部门名称": "测试市测试局", "部门编号": "07", "行政区划代码": "370200", "统一社会信用代码": CREDIT, "行使层级": "3",
        "监督电话": "0532-12345", "填报日期": "2026-03-01"}
LICENCE_BASIS = "【法律】《中华人民共和国行政许可法》第十二条第（一）项：直接涉及公共安全的特定活动，可以设定行政许可。"
PENALTY_BASIS = ("【法律】《中华人民共和国道路交通安全法》第九十条：机动车驾驶人违反道路通行规定的，处警告或者二十元以上二百元以下罚款。")
POWER_COLS = ["序号", "基本编码", "职权名称", "子项名称", "职权类别", "实施依据", "承办机构", "法定时限", "承诺时限", "收费依据及标准",
              "办理条件", "申请材料", "数量限制", "责任事项", "追责情形", "公开范围", "状态", "流程", "无裁量空间"]
TIER_COLS = ["职权序号", "职权名称", "阶次", "违法情节", "处罚种类", "裁量标准", "罚款下限", "罚款上限"]
FLOW_COLS = ["流程名称", "步骤", "环节", "承办岗位", "时限", "下一步", "风险点", "风险等级", "防控措施"]


def licence(**kw):
    row = {"序号": "1", "职权名称": "测试许可", "职权类别": "行政许可", "实施依据": LICENCE_BASIS, "承办机构": "审批科",
           "法定时限": "20", "承诺时限": "10", "收费依据及标准": "不收费", "办理条件": "符合条件", "申请材料": "申请书",
           "数量限制": "无数量限制", "责任事项": "受理、审查、决定、送达责任", "追责情形": "不履行或不正确履行职责的，依法追责"}
    row.update(kw)
    return row


def penalty(**kw):
    row = {"序号": "2", "职权名称": "对测试违法行为的行政处罚", "职权类别": "行政处罚", "实施依据": PENALTY_BASIS,
           "承办机构": "执法科", "法定时限": "90", "承诺时限": "60", "无裁量空间": "否",
           "责任事项": "立案、调查、决定、执行责任", "追责情形": "不履行或不正确履行职责的，依法追责"}
    row.update(kw)
    return row


def tier(n, circ, lo, hi, **kw):
    row = {"职权序号": "2", "阶次": n, "违法情节": circ, "处罚种类": "罚款", "裁量标准": f"处{lo}元以上{hi}元以下罚款",
           "罚款下限": lo, "罚款上限": hi}
    row.update(kw)
    return row


def step(flow, sid, name, days, nxt, **kw):
    row = {"流程名称": flow, "步骤": sid, "环节": name, "承办岗位": "岗位", "时限": days, "下一步": nxt}
    row.update(kw)
    return row


BASE_FLOWS = [
    step("行政许可标准流程", "1", "受理", 1, "材料齐全:2；材料不全:1a"),
    step("行政许可标准流程", "1a", "一次性告知补正", 0, "已补正:2"),
    step("行政许可标准流程", "2", "审查", 5, "3", 风险点="审查不严", 风险等级="高", 防控措施="双人审查"),
    step("行政许可标准流程", "3", "决定", 2, "结束"),
    step("行政处罚标准流程", "1", "立案", 5, "2"),
    step("行政处罚标准流程", "2", "调查取证", 30, "3"),
    step("行政处罚标准流程", "3", "决定", 7, ""),
]


class Book:
    """A department workbook as plain data; `save()` writes it with openpyxl."""

    def __init__(self):
        self.info = dict(INFO)
        self.powers = [licence(), penalty()]
        self.tiers = [tier(1, "首次违法且在3日内改正的", 20, 50), tier(2, "1年内第2次违法的", 50, 100),
                      tier(3, "1年内违法3次以上的", 100, 200)]
        self.flows = copy.deepcopy(BASE_FLOWS)
        self.sheets = {"部门信息": "部门信息", "职权目录": "职权目录", "裁量基准": "裁量基准", "流程": "流程"}
        self.title_rows = 0
        self.drop_cols: set[str] = set()

    def save(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = self.sheets["部门信息"]
        for k, v in self.info.items():
            ws.append([k, v])
        for key, cols, rows in (("职权目录", POWER_COLS, self.powers), ("裁量基准", TIER_COLS, self.tiers),
                                ("流程", FLOW_COLS, self.flows)):
            if self.sheets.get(key) is None:
                continue
            ws = wb.create_sheet(self.sheets[key])
            for _ in range(self.title_rows):
                ws.append(["标题"])
            extra = sorted({k for r in rows for k in r} - set(cols))
            cols = [c for c in cols if c not in self.drop_cols]
            ws.append(cols + extra)
            for r in rows:
                ws.append([r.get(c) for c in cols + extra])
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path


@pytest.fixture
def book():
    return Book()


def site_bytes(root: Path):
    """Every file of a built site with its bytes, Pagefind's gzip index files decompressed."""
    for f in sorted(root.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            yield f, data
