"""Legal bases: parse citations out of 实施依据 cells (the law registry is in `powers.laws`).

A cell reads like a legal officer writes it: an optional level tag, a title, optional notes in
brackets (edition, document number), the articles cited, then the quoted text of those articles.
Quoted text is text: 违反本条例第二十三条 or 依照《中华人民共和国XX法》第X条 inside it never makes a
new basis. A new basis starts only where a new citation can start: at the start of the cell or of
a line, after a separator following the articles of the previous citation (、 和 及 ； …), after a
level tag, or after list numbering (1、 2.). A line that starts with an article (第二十三条 …) after
a citation continues that citation's law.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .laws import Law, LawRegistry  # noqa: F401  (re-exported)
from .models import LegalBasis
from .normalize import CN_NUM, cn_int

LEVELS = ("法律", "行政法规", "地方性法规", "规章", "规范性文件", "部门规章", "政府规章", "地方政府规章",
          "司法解释", "自治条例", "单行条例")
_N = rf"[{CN_NUM}\d]+"
_WS = r"[ \t\u3000\xa0]*"
_TAG = re.compile(r"[【\[〔［]\s*(" + "|".join(sorted(LEVELS, key=len, reverse=True)) + r")\s*[】\]〕］]")
_NUMBERING = re.compile(
    rf"{_WS}(?:\d{{1,3}}{_WS}[、.．]|[（(]{_WS}\d{{1,3}}{_WS}[)）]|[一二三四五六七八九十]{{1,3}}{_WS}、|\d{{1,3}}{_WS}[)）])"
    rf"{_WS}")
_COLON = re.compile(rf"{_WS}[：:]{_WS}")
_LEVEL_COLON = re.compile(rf"{_WS}(" + "|".join(sorted(LEVELS, key=len, reverse=True)) + rf")(?={_WS}[：:]{_WS}(?:\d|《))")
_PREFIX = re.compile(rf"{_WS}(?:(?:法律|设定|实施|执法|处罚)?依据{_WS}[：:]|依据(?=《)|根据(?=《)){_WS}")
_ISSUER = re.compile(
    r"([\u4e00-\u9fff]{2,24}?(?:国务院|委员会|常委会|办公厅|办公室|总局|总署|部|委|局|厅|署|院|政府|行|会|办))"
    r"(?=《)")
_NOT_ISSUER = re.compile(r"依照|按照|违反|根据|依据|本|有关|规定|适用|参照|执行|和|及|或")
_BARE_TITLE = re.compile(
    r"((?:中华人民共和国)?[\u4e00-\u9fff〈〉<>]{2,40}?"
    r"(?:法|条例|规定|办法|细则|决定|规则|实施意见|意见|通知))"
    rf"(?={_WS}(?:[（(]|第{_N}条|附件))")
_NOT_TITLE = re.compile(r"^(?:符合|不符合|以|由|在|向|因|按|凡|将|从)|本法|本条例|本办法|本规定|本细则|本决定|违反|依照|按照|根据|依据|有关|下列|前款|规定的|"
                        r"罚款|应当|不得|可以|未经|责令")
_MISSING_OPEN = re.compile(r"([^《》\n，。；;：:、,（）()]{2,50}?)》")
_PAREN = re.compile(rf"{_WS}[（(]([^（）()\n]{{1,60}})[)）]")
_EDITION_WORDS = re.compile(r"修正|修订|修改|公布|施行|版|发布|颁布|通过|年")
_DOC_WORDS = re.compile(r"令|号|公告|〔|\[|发|函|字")

# one reference token, tried in this order at a position
_R_ART_LIST = re.compile(rf"第{_WS}({_N}(?:{_WS}[、，,]{_WS}{_N})+){_WS}条")  # 第六、七条
_R_ART_RANGE = re.compile(rf"第{_WS}({_N}){_WS}(?:条{_WS})?[至到~～—–\-]+{_WS}第?{_WS}({_N}){_WS}条")
_R_ART = re.compile(rf"第{_WS}({_N}){_WS}条(?:{_WS}之{_WS}([一二三四五六七八九十]+))?")
_R_PARA = re.compile(rf"第{_WS}({_N}){_WS}款")
_R_PARA_LIST = re.compile(rf"第{_WS}({_N}(?:{_WS}[、，,]{_WS}{_N})+){_WS}款")  # 第二、三款
_I = rf"[（(]?{_WS}{_N}{_WS}[)）]?"
_R_ITEM_LIST = re.compile(rf"第{_WS}{_I}(?:{_WS}[、，,]{_WS}{_I})+{_WS}项")  # 第（一）、（二）项
_R_ITEM_RANGE = re.compile(rf"第{_WS}{_I}{_WS}(?:项{_WS})?[至到~～—–\-]+{_WS}第?{_WS}{_I}{_WS}项")  # 第（一）项至第（三）项
_R_ITEM = re.compile(rf"第{_WS}[（(]?{_WS}({_N}){_WS}[)）]?{_WS}项|[（(]{_WS}({_N}){_WS}[)）](?:{_WS}项)?")
# 《国务院对确需保留的行政审批项目设定行政许可的决定》第101项: decisions and catalogues are numbered
# by item, not by article; an item right after the title is such a reference (kept like an annex item)
_R_DOC_ITEM = re.compile(rf"第{_WS}[（(]?{_WS}({_N}){_WS}[)）]?{_WS}项")
_R_ANNEX = re.compile(rf"附件{_WS}(?:{_N}{_WS})?(?:第{_WS}{_N}{_WS}[项条个部分]+)?")
_R_SEP = re.compile(rf"{_WS}(?:[、，,和及与；;]|以及){_WS}")
_AFTER_REFS = re.compile(rf"{_WS}(?:的规定|之规定|规定)?{_WS}[：:]|{_WS}(?:的规定|之规定)")


@dataclass
class _Ref:
    article: int | None = None
    sub: int | None = None
    paragraph: int | None = None
    item: int | None = None
    annex: str | None = None


@dataclass
class _Head:
    start: int
    end: int  # just after the references and the colon introducing the quote, if any
    refs_end: int = 0  # just after the references
    level: str | None = None
    title: str | None = None
    issuer: str | None = None
    edition: str | None = None
    doc_number: str | None = None
    refs: list[_Ref] = field(default_factory=list)
    strong: bool = False  # introduced by a level tag or list numbering
    bare: bool = False  # a title written without 《》
    continued: bool = False  # an article on its own line, of the law cited above


def _refs(s: str, i: int) -> tuple[list[_Ref], int]:
    """References at s[i:]: 第三十一条第一款、第二款 → (31, 1), (31, 2); returns them and the end."""
    out: list[_Ref] = []
    j = i
    while True:
        k = j
        sep = False
        if out:
            sep_text = ""
            if m := _R_SEP.match(s, j):
                k, sep, sep_text = m.end(), True, m.group(0).strip()
            else:
                k = j + len(re.match(_WS, s[j:]).group(0))
        if m := _R_ART_LIST.match(s, k):
            out += [_Ref(article=cn_int(n)) for n in re.split(rf"{_WS}[、，,]{_WS}", m.group(1))]
        elif m := _R_ART_RANGE.match(s, k):
            a, b = cn_int(m.group(1)), cn_int(m.group(2))
            if a is None or b is None or not 0 <= b - a <= 30:
                break
            out += [_Ref(article=n) for n in range(a, b + 1)]
        elif m := _R_ART.match(s, k):
            out.append(_Ref(article=cn_int(m.group(1)), sub=cn_int(m.group(2))))
        elif (m := _R_PARA_LIST.match(s, k)) and out and out[-1].article:
            last = out[-1]
            nums = [cn_int(n) for n in re.findall(_N, m.group(1))]
            if not sep and last.paragraph is None and last.item is None:
                last.paragraph = nums.pop(0)
            out += [_Ref(article=last.article, sub=last.sub, paragraph=n) for n in nums]
        elif (m := _R_PARA.match(s, k)) and out and out[-1].article:
            last = out[-1]
            if sep or last.paragraph or last.item:
                out.append(_Ref(article=last.article, sub=last.sub, paragraph=cn_int(m.group(1))))
            else:
                last.paragraph = cn_int(m.group(1))
        elif (m := _R_ITEM_LIST.match(s, k) or _R_ITEM_RANGE.match(s, k)) and out and out[-1].article:
            last = out[-1]
            nums = [cn_int(n) for n in re.findall(_N, m.group(0))]
            if m.re is _R_ITEM_RANGE:
                if None in nums or not 0 <= nums[1] - nums[0] <= 30:
                    break
                nums = list(range(nums[0], nums[1] + 1))
            base = dict(article=last.article, sub=last.sub, paragraph=last.paragraph)
            if not sep and last.item is None:
                last.item = nums.pop(0)
            out += [_Ref(**base, item=n) for n in nums]
        elif (m := _R_ITEM.match(s, k)) and out and out[-1].article and (
                m.group(1) and sep_text not in ("；", ";")  # 第（二）项
                or not sep and k == j  # （二） right after its article
                or sep_text in ("、", "，", ",") and out[-1].item is not None):  # 第（一）项、（二）项
            last = out[-1]
            n = cn_int(m.group(1) or m.group(2))
            if sep or last.item:
                out.append(_Ref(article=last.article, sub=last.sub, paragraph=last.paragraph, item=n))
            else:
                last.item = n
        elif m := _R_ANNEX.match(s, k):
            out.append(_Ref(annex=re.sub(r"\s+", "", m.group(0))))
        elif not out and (m := _R_DOC_ITEM.match(s, k)):
            out.append(_Ref(annex=re.sub(r"\s+", "", m.group(0))))
        else:
            break
        j = m.end()
    return out, j


def _title_at(s: str, i: int) -> tuple[str, int] | None:
    """A law title starting at s[i]: 《…》 (nested 《》 or 〈〉 allowed), …》 without its 《, or a bare
    title followed by its articles."""
    if s.startswith("《", i):
        depth, j = 0, i
        while j < len(s) and s[j] != "\n":
            if s[j] == "《":
                depth += 1
            elif s[j] == "》":
                depth -= 1
                if depth == 0:
                    t = s[i + 1:j].strip()
                    return (t, j + 1) if t else None
            j += 1
        # no closing 》: the title runs up to its first article or bracket
        m = re.compile(r"([^\n《》（(：:，,；;]{2,50}?)(?=第\s*[" + CN_NUM + r"\d]+\s*条|[（(：:\n]|$)").match(s, i + 1)
        return (m.group(1).strip(), m.end()) if m else None
    if (m := _MISSING_OPEN.match(s, i)) and not _NOT_TITLE.search(m.group(1)):
        return m.group(1).strip(), m.end()
    if (m := _BARE_TITLE.match(s, i)) and not _NOT_TITLE.search(m.group(1)) and m.group(1)[0] != "第":
        return m.group(1), m.end()
    return None


def _head_at(s: str, i: int, *, first: bool) -> _Head | None:
    """A citation starting at s[i] (prefixes, title, notes, references), or None."""
    h = _Head(start=i, end=i)
    j = i
    if m := _NUMBERING.match(s, j):
        j, h.strong = m.end(), True
    if m := _TAG.match(s, j + len(re.match(r"\s*", s[j:]).group(0))) or _LEVEL_COLON.match(s, j):
        h.level, j, h.strong = m.group(1), m.end(), True
        j = (_COLON.match(s, j) or _NUMBERING.match(s, j) or re.compile(_WS).match(s, j)).end()
        if m := _NUMBERING.match(s, j):
            j = m.end()
    if (m := _PREFIX.match(s, j)) and (first or h.strong or "依据" in m.group(0)):
        j = m.end()
    if (m := _ISSUER.match(s, j)) and not _NOT_ISSUER.search(m.group(1)):
        h.issuer, j = m.group(1), m.end()
    found = _title_at(s, j)
    if not found:
        if h.level:  # 【法律】 with no recognisable title: still a basis of its own
            h.end = h.refs_end = j
            return h
        return None
    h.title, j = found
    h.bare = s[found[1] - 1] != "》"
    while m := _PAREN.match(s, j):
        note = m.group(1).strip()
        if _DOC_WORDS.search(note) and re.search(r"号|令|公告", note):
            # （国务院令第406号，2004年4月30日公布）: the number, then its edition in the same brackets
            number, _, rest = re.split(r"([，,；;])", note, maxsplit=1) if re.search(r"[，,；;]", note) \
                else (note, "", "")
            if rest and _EDITION_WORDS.search(rest) and re.search(r"号|令|公告", number):
                h.doc_number, h.edition = h.doc_number or number.strip(), h.edition or rest.strip()
            else:
                h.doc_number = h.doc_number or note
        elif _EDITION_WORDS.search(note):
            h.edition = h.edition or note
        elif len(note) <= 6:  # （试行） written after the title
            h.title += f"（{note}）"
        else:
            break
        j = m.end()
    h.refs, j = _refs(s, j + len(re.match(_WS, s[j:]).group(0)))
    h.end = h.refs_end = j
    if m := _AFTER_REFS.match(s, j):
        h.end = m.end()
    return h


def _acceptable(s: str, h: _Head, *, first: bool) -> bool:
    """Inside quoted text only a citation that reads like one starts a new basis: introduced by a
    tag or numbering, or a title with its articles, followed by the quote or the end."""
    if first or h.strong and not h.bare:
        return True
    j = h.refs_end
    if j < len(s) and s[j] not in "\n：:；;。，,、 \t\u3000【《" and not re.match(r"\s*(?:的|之)?规定\s*[：:]", s[j:]):
        # 《XX法》第十条规定的… / 《XX法》另有规定的 / 专利法第二十三条的规定为: the law's own text;
        # but 《XX法》第五条违反本法规定… on a line of its own is a citation whose quote has no colon
        if h.bare or not h.refs or _LAW_TEXT_GOES_ON.match(s, j):
            return False
    return bool(h.refs) or j >= len(s) or s[j] in "\n：:；;。"


_LAW_TEXT_GOES_ON = re.compile(r"(?:的|之)?规定|的|所|中|和|或|等|及其|以外|另有|有关|确定|适用|执行|处罚|予以|给予|办理|进行")


_BOUNDARY = re.compile(rf"\n|[；;。](?={_WS})|(?<=[ \t\u3000])(?={_NUMBERING.pattern}[【《])|(?=[【\[〔［](?:"
                       + "|".join(LEVELS) + r")[】\]〕］])")
_LINE_ARTICLE = re.compile(rf"{_WS}(?:{_NUMBERING.pattern})?(?=第{_WS}{_N}{_WS}条)")


def _normalize(cell: str) -> str:
    s = cell.replace("\r\n", "\n").replace("\r", "\n").replace("<<", "《").replace(">>", "》")
    s = re.sub(r"[ \t\u3000\xa0]{2,}", "\n", s)  # runs of spaces stand for line breaks in many cells
    return s.strip()


def _chain(s: str, h: _Head) -> list[_Head]:
    """Citations joined to h by 、 和 及 ； right after its references: 国务院《…》第三十二条、公安部《…》第二十六条."""
    out = [h]
    while True:
        last = out[-1]
        m = _R_SEP.match(s, last.refs_end) if last.end == last.refs_end else None
        if not m:
            return out
        nxt = _head_at(s, m.end(), first=False)
        if not nxt or not nxt.title:
            return out
        nxt.level = nxt.level or last.level
        out.append(nxt)


def _line_article(s: str, b: int, groups: list[tuple[list[_Head], int]]) -> _Head | None:
    """A line starting with an article (第二十三条 …) continues the law of the citation above it,
    unless it repeats an article already cited (then it is the heading of the quoted article)."""
    m = _LINE_ARTICLE.match(s, b)
    if not m or not groups:
        return None
    refs, end = _refs(s, m.end())
    prev = groups[-1][0][-1]
    cited = {r.article for g in groups for x in g[0] if x.title == prev.title for r in x.refs}
    if not refs or refs[0].article in cited or end < len(s) and s[end] not in "\n：: \t\u3000":
        return None
    h = _Head(start=b, end=end, refs_end=end, level=prev.level, title=prev.title, issuer=prev.issuer,
              edition=prev.edition, doc_number=prev.doc_number, refs=refs, continued=True)
    if m := _AFTER_REFS.match(s, end):
        h.end = m.end()
    return h


def _heads(s: str) -> list[tuple[list[_Head], int]]:
    """Groups of citations (joined ones share one quote) with where their quoted text starts."""
    groups: list[tuple[list[_Head], int]] = []
    pos = 0
    cands = [0] + [m.end() if m.group(0) else m.start() for m in _BOUNDARY.finditer(s)]
    for b in sorted(set(cands)):
        if b < pos:
            continue
        first = not groups and b == 0
        h = _head_at(s, b, first=first)
        if h is None and s[b - 1:b] == "\n":
            h = _line_article(s, b, groups)
        if h is None or not (h.title or h.level) or not _acceptable(s, h, first=first):
            continue
        chain = _chain(s, h)
        groups.append((chain, chain[-1].end))
        pos = chain[-1].end
    return groups


def _clean(text: str) -> str:
    text = re.sub(r"^[\s：:，,；;。]+", "", text)
    text = re.sub(r"[\s；;]*(?:\d{1,2}\s*[、.．])?\s*$", "", text)  # trailing numbering debris
    return text.strip().strip("“”\"").strip()


def _segments(s: str) -> list[tuple[_Head | None, str, str]]:
    """(citation, its raw text, its quoted text) in order; a leading text with no citation of its
    own comes first with None (it continues a basis above, or names no law)."""
    groups = _heads(s)
    out: list[tuple[_Head | None, str, str]] = []
    lead = s[:groups[0][0][0].start] if groups else s
    if _clean(lead):
        out.append((None, lead.strip(), _clean(lead)))
    for n, (chain, body_start) in enumerate(groups):
        body_end = groups[n + 1][0][0].start if n + 1 < len(groups) else len(s)
        text = _clean(s[body_start:body_end])
        for h, nxt in zip(chain, chain[1:] + [None]):
            raw = s[h.start:nxt.start if nxt else body_end].strip()
            # the quote after 《A》第一条、《B》第二条：… is B's text; giving it to A too would
            # compare A's article with B's words
            out.append((h, re.sub(r"(?:[、，,和及与；;]|以及)$", "", raw).strip(), "" if nxt else text))
    return out


def _bases(s: str) -> list[LegalBasis]:
    return [LegalBasis(**kw) for kw in _basis_fields(s)]


def _basis_fields(s: str) -> list[dict]:
    """The fields of each basis of a normalized cell, as given to LegalBasis."""
    out: list[dict] = []
    segments = _segments(s)
    for n, (h, raw, text) in enumerate(segments):
        if h is None:
            out.append(dict(raw=raw, text=text))
            continue
        nxt = segments[n + 1][0] if n + 1 < len(segments) else None
        if not h.refs and not text and nxt and nxt.continued:
            continue  # 【法律】《…》 with its articles on the lines below: those are the bases
        common = dict(raw=raw, level=h.level, title=h.title, edition=h.edition, issuer=h.issuer,
                      doc_number=h.doc_number, text=text)
        if not h.refs:
            out.append(common)
        for r in h.refs:
            out.append(dict(common, article=r.article, article_sub=r.sub, paragraph=r.paragraph,
                            item=r.item, annex=r.annex))
    return out


def split_citations(cell: str) -> list[str]:
    """The citations of a cell, each with its quoted text; joined citations (《A》第一条、《B》第二条)
    are separate citations."""
    s = _normalize(cell or "")
    return [raw for _, raw, _ in _segments(s)] if s else []


def parse_citation(raw: str) -> list[LegalBasis]:
    """One citation → one basis per article it names (第十条、第十二条 → two bases)."""
    return _bases(_normalize(raw))


def parse_bases(cell: str | None) -> list[LegalBasis]:
    if not cell:
        return []
    if type(cell) is not str:
        s = _normalize(cell)
        return _bases(s) if s else []
    # fresh models on every call (validation sets their law text), from a parse made once per text:
    # a city cites the same few hundred 实施依据 texts in ten thousand rows
    return [LegalBasis(**kw) for kw in _parsed(cell)]


@lru_cache(maxsize=4096)
def _parsed(cell: str) -> tuple[dict, ...]:
    """The fields of each basis of a cell (never changed: each call of parse_bases builds its own models)."""
    s = _normalize(cell)
    return tuple(_basis_fields(s)) if s else ()


def continues_previous(cell: str | None) -> bool:
    """True when a basis cell has no title of its own and reads as the continuation of the basis
    above it (a basis split over two merged ranges): it starts with quoted text, with an article
    of the same law (第二十三条 …) or with punctuation, not with a tag or a title."""
    s = _normalize(cell or "")
    if not s:
        return False
    h = _head_at(s, 0, first=True)
    if h is not None and (h.title or h.level):
        return False
    if re.match(rf"[，,；;。：:、）)…—\-]|第{_WS}{_N}{_WS}[条款项]|[（(]{_WS}[{CN_NUM}]+{_WS}[)）]", s):
        return True
    # quoted text: a sentence of the law (a clause ending in 的， or a sanction), not a short label
    return len(s) >= 8 and bool(re.search(r"[，,；;。]", s)) and not re.match(r"(?:无|暂无|见|详见)", s)
