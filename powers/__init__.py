"""powers: administrative power inventories (行政权力清单) — read, validate, code, draw, publish.

The pipeline, one module per stage:
    read_workbook → validate → build_catalog → render_flowcharts → build_site → publish
(and import_file → write_workbooks for the layouts departments publish, into our workbook)
"""
from .catalog import build_catalog, diff, load_catalog, stats, write_catalog
from .codes import CodeRegistry
from .importers import import_file, write_workbooks
from .laws import LawRegistry
from .legal import parse_bases
from .models import (Catalog, Department, DiscretionTier, Finding, Flow, FlowStep, LegalBasis, Power,
                     Provenance)
from .read import read_workbook
from .rules.cross import load_reference
from .template import write_template
from .validate import ValidationResult, find_workbooks, validate

__all__ = [
    "Catalog", "CodeRegistry", "Department", "DiscretionTier", "Finding", "Flow", "FlowStep", "LawRegistry",
    "LegalBasis", "Power", "Provenance", "ValidationResult", "build_catalog", "diff", "find_workbooks",
    "import_file", "load_catalog", "load_reference", "parse_bases", "read_workbook", "stats", "validate",
    "write_catalog", "write_template", "write_workbooks",
]
