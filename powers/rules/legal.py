"""L: legal bases, checked against their parse and the law registry."""
from __future__ import annotations

from datetime import date

from ..laws import LawRegistry
from ..models import Department, Finding, Power
from . import rule

NO_TITLE = rule(
    "L201", "basis-without-title", "error",
    "实施依据“{value}”中找不到法律法规名称", "No law title can be recognised in basis '{value}'",
    "按“《法规名称》第X条”的格式书写，名称用书名号《》括起。")
NO_ARTICLE = rule(
    "L202", "basis-without-article", "error",
    "实施依据《{title}》未写明条款", "Basis '{title}' cites no article",
    "写明具体条款，如“第二十六条第一款”或“第八十二条第（一）项”。")
NORMATIVE_ONLY = rule(
    "L203", "normative-document-only", "error",
    "{category}事项的依据只有规范性文件，规范性文件不得设定{category}",
    "The only bases of this {category_en} are normative documents, which cannot create one",
    "补充法律、法规或规章依据（行政许可法第十四至十七条、行政处罚法第十至十六条）；无上位依据的事项应取消。")
UNKNOWN_LAW = rule(
    "L204", "law-unknown", "warning",
    "法律法规库中没有《{title}》", "'{title}' is not in the law registry",
    "核对名称是否为全称且无错别字；如确为有效法规，请加入法律法规库（--laws）。")
AMENDED = rule(
    "L205", "law-amended-after-review", "warning",
    "《{title}》于 {amended} 修订，晚于填报日期 {filled}，该事项需复核",
    "'{title}' was amended on {amended}, after the filing date {filled}; the item needs review",
    "对照修订后的条文复核条款序号和内容，更新实施依据和填报日期。")
REPEALED = rule(
    "L206", "law-repealed", "error",
    "《{title}》已于 {repealed} 废止", "'{title}' was repealed on {repealed}",
    "改引现行有效的法律法规；无有效依据的事项应取消。")
OLD_EDITION = rule(
    "L207", "old-edition-cited", "warning",
    "引用的《{title}》版本“{edition}”早于其最新修订（{amended}）",
    "The edition '{edition}' of '{title}' cited predates its latest amendment ({amended})",
    "核对最新修订版本中的条款序号，并更新版本说明。")

_CAT_EN = {"行政许可": "licence", "行政处罚": "penalty"}


def _edition_year(edition: str | None) -> int | None:
    import re

    m = re.search(r"(\d{4})\s*年", edition or "")
    return int(m.group(1)) if m else None


def check_power(p: Power, dept: Department, laws: LawRegistry, today: date) -> list[Finding]:
    where = p.at("实施依据")
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def once(rule_code: str, title: str, finding_fn):
        if (rule_code, title) not in seen:
            seen.add((rule_code, title))
            out.append(finding_fn())

    levels = []
    for b in p.legal_bases:
        if not b.title:
            out.append(NO_TITLE(where, b.raw))
            continue
        law = laws.find(b.title)
        level = b.level or (law.level if law else None)
        levels.append(level)
        if b.article is None:
            once("L202", b.title, lambda: NO_ARTICLE(where, b.raw, title=b.title))
        if law is None:
            once("L204", b.title, lambda: UNKNOWN_LAW(where, b.title, title=b.title))
            continue
        if law.repealed and law.repealed <= today:
            once("L206", b.title, lambda: REPEALED(where, b.title, title=b.title, repealed=law.repealed))
        elif law.amended and dept.filled_date and law.amended > dept.filled_date:
            once("L205", b.title, lambda: AMENDED(where, b.title, title=b.title, amended=law.amended,
                                                  filled=dept.filled_date))
        year = _edition_year(b.edition)
        if year and law.amended and year < law.amended.year:
            once("L207", b.title, lambda: OLD_EDITION(where, b.edition, title=b.title, edition=b.edition,
                                                      amended=law.amended))
    if p.category in _CAT_EN and levels and all(lv == "规范性文件" for lv in levels):
        out.append(NORMATIVE_ONLY(where, p.legal_basis_text[:60], category=p.category,
                                  category_en=_CAT_EN[p.category]))
    return out
