"""Legal bases: parse citations out of 实施依据 cells (the law registry is in `powers.laws`)."""
from __future__ import annotations

import re

from .laws import Law, LawRegistry  # noqa: F401  (re-exported)
from .models import LegalBasis
from .normalize import CN_NUM, cn_int

LEVELS = ("法律", "行政法规", "地方性法规", "规章", "规范性文件", "部门规章", "政府规章", "司法解释")
_N = rf"[{CN_NUM}\d]+"
_TAG = re.compile(r"[【\[]\s*(" + "|".join(LEVELS) + r")\s*[】\]]")
_DEBRIS = re.compile(r"(?:^|(?<=[；;。\n]))\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[、.．)）]\s*(?=\D)")
_ARTICLE = re.compile(
    rf"第\s*({_N})\s*条(?:\s*第\s*({_N})\s*款)?(?:\s*第\s*[（(]?\s*({_N})\s*[)）]?\s*项)?")
_EDITION = re.compile(r"^\s*[（(]([^（）()]*?(?:修正|修订|修改|公布|施行|版|发布|颁布)[^（）()]*)[)）]")
_BARE_TITLE = re.compile(
    r"^\s*((?:中华人民共和国)?[\u4e00-\u9fff（）()]{2,40}?(?:法|条例|规定|办法|细则|决定|规则|实施意见))"
    r"(?=\s*(?:[（(]|第|$|：|:))")
_SPLIT = re.compile(r"\n+|[；;](?=\s*(?:\d{1,2}\s*[、.．]|[【\[《]))|(?<=[。])\s*(?=\d{1,2}\s*[、.．]\s*[【\[《])")


def split_citations(cell: str) -> list[str]:
    """Several bases per cell: split on line breaks and on '；' before a new citation."""
    parts = []
    for chunk in _SPLIT.split(cell):
        chunk = _DEBRIS.sub("", chunk).strip(" ；;。")
        if not chunk:
            continue
        # a line that continues the previous citation's quoted text (no tag, title or article)
        if parts and not (_TAG.search(chunk[:12]) or chunk.lstrip().startswith("《")
                          or _BARE_TITLE.match(chunk)):
            parts[-1] += "\n" + chunk
        else:
            parts.append(chunk)
    return parts


def parse_citation(raw: str) -> list[LegalBasis]:
    """One citation → one basis per article it names (第十条、第十二条 → two bases)."""
    s = raw.strip()
    level = None
    if m := _TAG.search(s[:12]):
        level = m.group(1)
        s = s[m.end():].strip()
    title = None
    if s.startswith("《") and "》" in s:
        title, s = s[1:s.index("》")].strip(), s[s.index("》") + 1:]
    elif m := _BARE_TITLE.match(s):
        title, s = m.group(1), s[m.end():]
    edition = None
    if m := _EDITION.match(s):
        edition, s = m.group(1).strip(), s[m.end():]
    # article references directly after the title, joined by 、 和 及 ，
    head = re.match(rf"^\s*((?:{_ARTICLE.pattern}\s*[、，,和及与]?\s*)+)", s)
    refs = list(_ARTICLE.finditer(head.group(1))) if head else []
    body = s[head.end():] if head else s
    body = re.sub(r"^\s*[：:，,]\s*", "", body).strip()
    if not refs:
        return [LegalBasis(raw=raw, level=level, title=title, edition=edition, text=body)]
    return [LegalBasis(raw=raw, level=level, title=title, edition=edition, article=cn_int(r.group(1)),
                       paragraph=cn_int(r.group(2)), item=cn_int(r.group(3)), text=body)
            for r in refs]


def parse_bases(cell: str | None) -> list[LegalBasis]:
    if not cell:
        return []
    return [b for part in split_citations(cell) for b in parse_citation(part)]
