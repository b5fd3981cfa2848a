"""Validation rules, one module per family.

A rule is data (code, slug, severity, zh/en message templates, hint) plus the check that emits it.
Families: S structure, F fields, L legal basis, D discretion, P process, X cross-checks.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Finding, Provenance, Severity

RULES: dict[str, "Rule"] = {}


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    zh: str
    en: str
    hint: str

    def __call__(self, where: Provenance | str, value: object = None, **fmt) -> Finding:
        """A finding of this rule at a cell (Provenance) or for a whole file (path)."""
        if isinstance(where, str):
            where = Provenance(file=where, sheet="", row=0)
        v = None if value is None else str(value)
        fmt.setdefault("value", v if v is None or len(v) <= 60 else v[:60] + "…")
        return Finding(
            rule=self.code, slug=self.slug, severity=self.severity,
            file=where.file, sheet=where.sheet or None, row=where.row or None,
            column=where.column, cell=where.cell, value=v,
            message_zh=self.zh.format(**fmt), message_en=self.en.format(**fmt),
            hint=self.hint.format(**fmt),
        )


def rule(code: str, slug: str, severity: Severity, zh: str, en: str, hint: str) -> Rule:
    assert code not in RULES, code
    r = Rule(code, slug, severity, zh, en, hint)
    RULES[code] = r
    return r


def all_rules() -> list[Rule]:
    from . import cross, discretion, fields, legal, process, review, structure  # noqa: F401  (registers)

    return sorted(RULES.values(), key=lambda r: ("SFLDPX".index(r.code[0]), r.code))
