"""S: structure of the file and its sheets. Emitted by the reader (powers.read)."""
from . import rule

FILE_UNREADABLE = rule(
    "S001", "file-unreadable", "error",
    "文件无法读取：{reason}", "The file cannot be read: {reason}",
    "确认文件未损坏、未被其他程序占用，并重新从 Excel 另存为 .xlsx。")
FILE_ENCRYPTED = rule(
    "S002", "file-encrypted", "error",
    "文件已加密（设置了打开密码），无法读取", "The workbook is encrypted (password to open)",
    "在 Excel 中取消“用密码进行加密”后另存为 .xlsx 再提交。")
FILE_XLS = rule(
    "S003", "legacy-xls", "error",
    "旧版 Excel 97-2003 文件（.xls）无法读取：{reason}", "The legacy Excel 97-2003 (.xls) file cannot be read: {reason}",
    "确认文件未损坏；仍无法读取时，在 Excel 或 WPS 中打开并“另存为”→“Excel 工作簿(*.xlsx)”。")
FILE_NOT_XLSX = rule(
    "S004", "not-xlsx", "error",
    "文件不是 Excel 工作簿（.xlsx）", "The file is not an Excel workbook (.xlsx)",
    "请使用 powers template 生成的模板填报，并保存为 .xlsx。")
SHEET_MISSING = rule(
    "S005", "sheet-missing", "error",
    "缺少必需的工作表“{sheet}”", "Required sheet '{sheet}' is missing",
    "按模板添加名为“{sheet}”的工作表（可用 powers template 生成模板）。")
HEADER_NOT_FOUND = rule(
    "S006", "header-not-found", "error",
    "工作表“{sheet}”前 30 行中找不到表头行（应包含 {expected}）",
    "No header row found in the first 30 rows of sheet '{sheet}' (expected {expected})",
    "保留模板的表头行，列名须与模板一致（允许常见同义词）。")
UNKNOWN_COLUMN = rule(
    "S007", "unknown-column", "warning",
    "未识别的列“{value}”，该列内容将被忽略", "Unknown column '{value}'; its contents are ignored",
    "核对列名是否与模板一致；如为自定义备注列可忽略本提示。")
FORMULA_NO_VALUE = rule(
    "S008", "formula-without-value", "error",
    "单元格含公式 {value} 但没有计算结果，无法读取其值",
    "The cell holds formula {value} with no cached value",
    "在 Excel 中打开并保存一次（让公式计算出结果），或将公式替换为数值。")
REQUIRED_COLUMN_MISSING = rule(
    "S009", "required-column-missing", "error",
    "工作表“{sheet}”缺少必需的列“{column}”", "Sheet '{sheet}' has no required column '{column}'",
    "按模板补上“{column}”列。")
DROPPED_WITH_PARENT = rule(
    "S010", "row-dropped-with-parent", "error",
    "本行属于第 {parent_row} 行的“{value}”，该事项有错误未被接受，本行一并退回",
    "This row belongs to '{value}' (row {parent_row}), which was rejected, so it is rejected too",
    "先改正第 {parent_row} 行的错误。")
FOREIGN_LAYOUT = rule(
    "S011", "foreign-layout", "error",
    "没有“部门信息”表，文件是{layout_zh}，须先转换：powers import {file} -o 输出目录",
    "No 部门信息 sheet: the file is {layout_en}; convert it first: powers import {file} -o DIR",
    "运行 powers import {file} -o 输出目录，在生成的标准工作簿中补全部门信息后再校验。")
NO_DATA_ROWS = rule(
    "S012", "no-data-rows", "error",
    "工作表“{sheet}”只有表头，没有任何事项", "Sheet '{sheet}' has its header but no data rows",
    "在表头下逐行填写本部门的职权事项；如果事项填在了其他工作表，请移到“{sheet}”中。")
SCOPE_COLUMN_UNCLEAR = rule(
    "S013", "scope-column-unclear", "error",
    "列“{value}”涉及公开范围，但{why}；为防止内部事项被公开，本文件全部事项暂不接受",
    "Column '{value}' concerns disclosure but is {why_en}; to keep internal items off the site, "
    "no item of this file is accepted",
    "职权目录只保留一个“公开范围”列（填“社会”或“内部”），删除或改名其他含“公开”的列后重新提交。")
FILE_TOO_LARGE = rule(
    "S014", "file-too-large", "error",
    "文件过大：{size_mb} MB（{what}），超过上限 {limit_mb} MB，未读取",
    "The file is too large: {size_mb} MB ({what_en}), over the {limit_mb} MB limit; not read",
    "一个部门的工作簿通常只有几 MB；删除多余的工作表、图片和空白行后另存为 .xlsx 再提交。")
TOO_MANY_ROWS = rule(
    "S015", "too-many-rows", "error",
    "工作表“{sheet}”有 {rows} 行，超过上限 {limit} 行；为避免只读取一部分，本文件未读取",
    "Sheet '{sheet}' has {rows} rows, over the {limit}-row limit; the file is not read, so nothing is half-read",
    "一个部门通常只有一二百项职权、约一千条裁量阶次；删除表格下方的空白或无关行后重新提交。")
CELL_TOO_LONG = rule(
    "S016", "cell-too-long", "error",
    "单元格有 {length} 个字符，超过上限 {limit} 个（Excel 单元格的上限）；本行未被接受",
    "The cell holds {length} characters, over the {limit}-character limit (Excel's own); the row is rejected",
    "缩短该单元格内容（长文本请写在附件中并在此注明）后重新提交。")
SHEET_TOO_WIDE = rule(
    "S017", "sheet-too-wide", "error",
    "工作表“{sheet}”的数据区域有 {rows} 行 × {columns} 列（最远的单元格在 {cell}），超过 {limit} 个单元格的上限；本文件未读取",
    "Sheet '{sheet}' spans {rows} rows × {columns} columns (its farthest cell is {cell}), over the "
    "{limit}-cell limit; the file is not read",
    "删除 {cell} 等远离表格的单元格内容（或整列删除多余的列）后重新提交。")
