"""Import what departments publish into the standard workbook (`powers import`).

Three layouts are understood besides our own, one module each:

- `discretion`: a discretion standard laid out one sheet per law (序号 | 违法行为 | 法律依据 | 类别 |
  裁量情节 | 裁量标准 | 备注), read from .xls or .xlsx with its merged ranges;
- `flat`: a flat 权责清单 table with no 部门信息 sheet (事项名称, 子项, 事项类型, 设定依据, 实施主体 …);
- `catalog_json`: a JSON catalog in the national shape (授权部门, 职权编码, 事项名称, 事项类型, 依据,
  实施层级), many departments in one file.

`detect` tells them apart, `common` holds what they share, `entry` has the entry points and
`write` the writing.

`import_file` returns an `ImportResult`: one `DepartmentDraft` per department (rows keyed by the
template's column names), how every source column was mapped, what was guessed, and what became
of every source row (imported, or why not: nothing is dropped silently). `write_workbooks` writes
each department as the template workbook (`powers template`, drop-downs included) with an
导入说明 sheet and a JSON report beside it.
"""
from __future__ import annotations

from .common import (CATALOG_JSON, DISCRETION, FLAT, ColumnMap, DepartmentDraft, ImportError_, ImportResult, Layout,
                     NothingToImport, Options, SourceRow, level_number, penalty_kinds, report_lines, tally)
from .detect import detect_layout, looks_like_catalog
from .discretion import _typed_kinds  # noqa: F401  (tests import it from here)
from .entry import SOURCE_SUFFIXES, import_file, sniff, source_files
from .write import STANDARD_FLOWS, write_workbooks

__all__ = ["CATALOG_JSON", "DISCRETION", "FLAT", "SOURCE_SUFFIXES", "STANDARD_FLOWS", "ColumnMap", "DepartmentDraft",
           "ImportError_", "ImportResult", "Layout", "NothingToImport", "Options", "SourceRow", "detect_layout",
           "import_file", "level_number", "looks_like_catalog", "penalty_kinds", "report_lines", "sniff",
           "source_files", "tally", "write_workbooks"]
