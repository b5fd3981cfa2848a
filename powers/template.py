"""`powers template`: a blank department workbook with drop-downs and example rows."""
from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .models import CATEGORIES, DECISIONS, ORIGINS, PENALTY_KINDS, RISK_LEVELS, SCOPES, STATUSES
from .read import COLUMNS, REQUIRED_COLUMNS
from .rules.fields import credit_check_char

# The example 部门编号 is no number at all: a department that keeps it is stopped by F108 until it
# writes its own, instead of passing with a number another department may have kept too (whose
# powers would then get the same codes).
EXAMPLE_NUMBER = "XX"

LEVEL_CHOICES = ("1", "2", "3", "4", "5", "国家级", "省级", "市级", "县级", "乡镇级")

INSTRUCTIONS = [
    "填报说明",
    "1. 本工作簿包含“部门信息”“职权目录”“裁量基准”“流程”四张表，表名和列名请勿修改；带 * 的列为必填。",
    "2. 部门信息：部门编号为 2 位数字（基本编码中的授权部门编号），每个部门各不相同；示例中的“" + EXAMPLE_NUMBER + "”须改为本部门的编号，否则校验报错；行政区划代码 6 位；统一社会信用代码 18 位（系统校验校验位）；行使层级填本部门所在层级：1 或 国家级、2 或 省级、3 或 市级（市本级）、4 或 县级、5 或 乡镇级。",
    "3. 职权目录：一行一个职权或子项。子项与主项“职权名称”相同，并填写“子项名称”。职权类别从下拉列表选择。",
    "4. 实施依据：写明“【层级】《法规全称》（版本）第X条第X款第（X）项：条文内容”，多个依据分行填写。规范性文件不得作为行政许可、行政处罚的唯一依据。",
    "5. 法定时限、承诺时限写明数字和单位：工作日写“20个工作日”（只填数字 20 也按工作日计）；法律规定“X日”的按自然日计，照写“30日”；按月、年计的写“3个月”“1年”；当场办结的填“即办”，没有时限的填“无”。延长期限写在括号中，如“60日（特殊情况可延长30日）”。承诺时限不得超过法定时限，一般应压缩三分之一以上；两者单位相同时系统才比较长短（工作日、自然日、月之间不换算），建议承诺时限按法定时限的单位填写。流程表的“时限”同样填写。",
    "6. 行政许可须“八公开”：名称、依据、程序（流程）、办理条件、承诺时限、收费依据及标准、数量限制、申请材料（含示范文本）都要填写；没有的也要写明，如“无数量限制”“不收费”，不要留空或只填“/”。收费留空的，网站显示为“未填写”，不会显示为“不收费”。",
    "7. 状态为“在用”的每一项职权都须填写“责任事项”和“追责情形”，据此生成责任清单。",
    "8. 基本编码：已赋码的事项照填；新增事项留空，由系统统一赋码，编码一经发放不再改变。",
    "9. 裁量基准：行政处罚事项按情节从轻到重分阶次（1、2、3……），违法情节须写明可核查的具体标准（次数、时长、金额、后果），避免只写“情节轻微”“情节严重”。罚款下限、上限填数字（元）；不填时系统从裁量标准文字中读取。无裁量空间的处罚在职权目录“无裁量空间”列填“是”。",
    "10. 流程：一行一个步骤。“下一步”填步骤编号，多个用“；”分隔，分支写作“条件:步骤”，如“材料齐全:2；材料不全:1a”；最后一步留空或填“结束”。职权目录“流程”列留空时使用“{类别}标准流程”。",
    "11. 公开范围为“内部”的事项不会出现在对外公开的网站和数据中。",
    "12. 清理结果（开展清理或动态调整时填写）：从下拉列表选择保留、新增、调整、下放、暂停、合并、取消。取消、合并、下放的事项必须填写调整理由和调整文号（如 X政发〔2026〕3号），暂停、调整的事项应填写调整理由；下放的在“下放层级”填下放后的层级（低于本部门），合并的在“合并至”填并入事项的名称或基本编码。状态列可留空，由清理结果确定（取消、合并为“取消”，暂停为“暂停”，其余为“在用”）。合并、取消事项的编码停用，不再分配；类别调整的事项重新赋码，原编码停用并指向新编码；仅更名的事项照填原编码即可沿用。",
    "13. 填好后运行：powers validate 本文件.xlsx --format xlsx --out 校验结果/ ，按批注逐项修改。",
]


def _credit(first17: str) -> str:
    return first17 + credit_check_char(first17)


def _header(ws, cols, required) -> None:
    ws.append([c + ("*" if c in required else "") for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"


def _dropdown(ws, col_index: int, values, rows: int = 2000, *, other: str | None = None) -> None:
    """A drop-down list; with `other`, a value outside the list is allowed after a warning saying so."""
    letter = openpyxl.utils.get_column_letter(col_index)
    formula = '"' + ",".join(values) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorStyle="warning" if other else "stop",
                        errorTitle="取值不在列表中", error=other or "请从下拉列表中选择")
    dv.add(f"{letter}2:{letter}{rows}")
    ws.add_data_validation(dv)


def write_template(path: str | Path) -> Path:
    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报说明"
    for line in INSTRUCTIONS:
        ws.append([line])
    ws["A1"].font = Font(size=14, bold=True)
    ws.column_dimensions["A"].width = 140

    info = wb.create_sheet("部门信息")
    example = {"部门名称": "某市示例局", "部门编号": EXAMPLE_NUMBER, "部门简称": "市示例局", "行政区划代码": "370200",
               "统一社会信用代码": _credit("11370200MB000000" + "1"), "行使层级": "3", "办公地址": "某市某路1号",
               "联系电话": "0532-12345", "监督电话": "0532-12346", "填报人": "", "审核人": "", "填报日期": "2026-01-01"}
    required_info = {"部门名称", "部门编号", "行政区划代码", "统一社会信用代码", "行使层级"}
    info.append(["项目", "内容"])
    for key in COLUMNS["部门信息"]:
        info.append([key + ("*" if key in required_info else ""), example.get(key) or None])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 50
    lvl = DataValidation(type="list", formula1='"1,2,3,4,5"', allow_blank=False)
    lvl.add("B7")
    info.add_data_validation(lvl)

    powers = wb.create_sheet("职权目录")
    cols = list(COLUMNS["职权目录"])
    _header(powers, cols, REQUIRED_COLUMNS["职权目录"])
    basis = "【法律】《中华人民共和国行政许可法》第十二条第（一）项：直接涉及国家安全、公共安全……的特定活动，可以设定行政许可。"
    pen_basis = ("【法律】《中华人民共和国道路交通安全法》第九十条：机动车驾驶人违反道路交通安全法律、法规关于道路通行规定的，"
                 "处警告或者二十元以上二百元以下罚款。")
    powers.append(["1", None, "地方", "示例许可事项", None, "行政许可", basis, "审批科", "3", "20", "10", "不收费",
                   "1. 申请人具有相应资格；\n2. 符合法定条件。", "1. 申请书；\n2. 身份证明。", "无数量限制",
                   "受理、审查、决定、送达责任", "不履行或不正确履行职责的，依法追责", "社会", "在用", None, None, None,
                   "保留"])
    powers.append(["2", None, "地方", "对示例违法行为的行政处罚", None, "行政处罚", pen_basis, "执法科", "3", "90", "60",
                   "不收费", None, None, None, "立案、调查、审查、告知、决定、送达、执行责任", "依法追责", "社会", "在用",
                   None, "否", None])
    for name, values in (("事项来源", ORIGINS), ("职权类别", CATEGORIES), ("公开范围", SCOPES), ("状态", STATUSES),
                         ("无裁量空间", ("是", "否")), ("清理结果", DECISIONS)):
        _dropdown(powers, cols.index(name) + 1, values)
    _dropdown(powers, cols.index("下放层级") + 1, ("4", "5", "县级", "乡镇级"),
              other="填写下放后的层级（低于本部门），多个层级用“、”分隔，如：县级、乡镇级")
    # a power may be exercised at several levels (省级、市级、县级): the list suggests, it does not forbid
    _dropdown(powers, cols.index("行使层级") + 1, LEVEL_CHOICES, other="多个层级用“、”分隔，如：省级、市级、县级")
    for col, w in zip("ABCDEFGH", (6, 14, 12, 36, 14, 12, 60, 16)):
        powers.column_dimensions[col].width = w

    tiers = wb.create_sheet("裁量基准")
    tcols = list(COLUMNS["裁量基准"])
    _header(tiers, tcols, ("阶次", "违法情节", "处罚种类"))
    tiers.append(["2", "对示例违法行为的行政处罚", 1, "首次违法，违法行为轻微并在1日内改正，没有造成危害后果的", "警告", "给予警告",
                  None, None, 20, 200, None])
    tiers.append(["2", "对示例违法行为的行政处罚", 2, "违法行为持续3日以内，或者1年内第2次违法的", "罚款", "处二十元以上一百元以下罚款",
                  20, 100, 20, 200, None])
    tiers.append(["2", "对示例违法行为的行政处罚", 3, "1年内违法3次以上，或者经责令改正拒不改正的", "罚款", "处一百元以上二百元以下罚款",
                  100, 200, 20, 200, None])
    _dropdown(tiers, tcols.index("处罚种类") + 1, PENALTY_KINDS)

    flows = wb.create_sheet("流程")
    fcols = list(COLUMNS["流程"])
    _header(flows, fcols, REQUIRED_COLUMNS["流程"])
    for row in (
        ["行政许可标准流程", "1", "受理", "窗口受理岗", 1, "材料齐全:2；材料不全:1a；不属于受理范围:1b", "未一次性告知补正内容", "中", "一次性告知制度"],
        ["行政许可标准流程", "1a", "一次性告知补正", "窗口受理岗", 0, "已补正:2", None, None, None],
        ["行政许可标准流程", "1b", "不予受理", "窗口受理岗", 0, "结束", None, None, None],
        ["行政许可标准流程", "2", "审查", "业务审查岗", 8, "3", "审查标准不统一", "高", "审查要点清单化，双人签字"],
        ["行政许可标准流程", "3", "决定", "分管负责人", 2, "4", None, None, None],
        ["行政许可标准流程", "4", "送达", "窗口受理岗", 1, "结束", None, None, None],
        ["行政处罚标准流程", "1", "立案", "执法人员", 5, "2", None, None, None],
        ["行政处罚标准流程", "2", "调查取证", "执法人员", 30, "3", "选择性执法", "高", "执法记录仪全程记录"],
        ["行政处罚标准流程", "3", "告知", "执法人员", 5, "申请听证:3a；未申请听证:4", None, None, None],
        ["行政处罚标准流程", "3a", "听证", "听证主持人", 10, "4", None, None, None],
        ["行政处罚标准流程", "4", "决定", "部门负责人", 7, "5", "处罚畸轻畸重", "高", "对照裁量基准说明理由"],
        ["行政处罚标准流程", "5", "送达", "执法人员", 3, "结束", None, None, None],
    ):
        flows.append(row)
    _dropdown(flows, fcols.index("风险等级") + 1, RISK_LEVELS)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
