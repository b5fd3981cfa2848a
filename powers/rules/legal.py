"""L: legal bases, checked against their parse and the law registry (and the text of the law)."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ..laws import Article, Law, LawRegistry, Version
from ..models import Department, Finding, LegalBasis, Power
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
    "《{title}》已于 {repealed} 废止{by_zh}", "'{title}' was repealed on {repealed}{by_en}",
    "改引现行有效的法律法规；无有效依据的事项应取消。")
OLD_EDITION = rule(
    "L207", "old-edition-cited", "warning",
    "引用的《{title}》版本“{edition}”早于其最新修订（{amended}）",
    "The edition '{edition}' of '{title}' cited predates its latest amendment ({amended})",
    "核对最新修订版本中的条款序号，并更新版本说明。")

ARTICLE_MISSING = rule(
    "L208", "article-not-found", "warning",
    "《{title}》（{version}）中没有{part}", "'{title}' ({version}) has no {part_en}",
    "核对条款序号（法律修订后条款序号可能变化），按现行文本改正。")
ARTICLE_MOVED = rule(
    "L209", "article-moved", "warning",
    "《{title}》所引{cited}应为第{now}条（{version}）：{why}",
    "'{title}' article {cited_n} cited should be article {now_n} ({version}): {why_en}",
    "按现行文本改正条款序号（第{now}条），并核对引用的条文内容。")
QUOTE_STALE = rule(
    "L210", "quote-outdated", "warning",
    "《{title}》第{art}条引文是旧版本（{old}）的文字，现行（{version}）为：“{law}”；表中为：“{quote}”",
    "The quoted text of '{title}' article {art_n} is from an older version ({old}); in force ({version}): "
    "'{law}'; cell: '{quote}'",
    "按现行文本更新引用的条文内容，并核对处罚种类和幅度。")
QUOTE_MISMATCH = rule(
    "L211", "quote-mismatch", "warning",
    "《{title}》第{art}条（{version}）的文字与表中引文不符：条文为“{law}”；表中为“{quote}”",
    "The quoted text does not match '{title}' article {art_n} ({version}): the law says '{law}'; "
    "the cell says '{quote}'",
    "核对条款序号和引文，照录法律条文原文（可节录，用……表示省略）。")
BASIS_NOT_FITTING = rule(
    "L212", "basis-not-fitting", "warning",
    "{category}事项引用的条款（{cited}）中没有{what}的规定",
    "None of the articles cited for this {category_en} ({cited}) says anything about {what_en}",
    "核对依据：{category}应引用设定{what}的条款（{example}），而非一般义务条款。")

_CAT_EN = {"行政许可": "licence", "行政处罚": "penalty"}

# --- the text of the law ---------------------------------------------------------------------------

_NOT_TEXT = re.compile(r"[^\u3400-\u9fff0-9A-Za-z]")
_ELLIPSIS = re.compile(r"…+|\.{3,}|。{3,}|等等")
PENALTY_WORDS = re.compile(
    r"罚款|罚金|警告|没收|吊销|暂扣|撤销|责令停产|责令停业|停产停业|责令关闭|拘留|处罚|处以|并处|处[一二三四五六七八九十百千万\d]"
    r"|通报批评|降低资质|限制从业|限制开展|取缔|追究法律责任|法律责任|情节严重")
LICENCE_WORDS = re.compile(r"许可|批准|审批|核准|登记|证|备案|准予|同意|审查|审核|资格|资质|申请|注册|认定|核发|许可")


_DIGITS = re.compile(r"(?<![\d.])\d{1,8}(?![\d.])")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3})")

# _norm, _grams and _amounts are pure functions of their text and are memoized: a city quotes the
# same articles in thousands of rows, and each quote is compared sentence by sentence. _grams and
# _amounts give frozensets, so a cached result cannot be changed by a caller.


@lru_cache(maxsize=1 << 12)
def _norm(text: str) -> str:
    """Only the characters that carry the words, numbers written as laws write them (2万元 = 二万元)."""
    t = text.translate(_FULLWIDTH_DIGITS)
    t = _THOUSANDS.sub("", t)  # 10,000元
    t = _DIGITS.sub(lambda m: _cn(int(m.group())) if int(m.group()) else "零", t)
    return _NOT_TEXT.sub("", t)


@lru_cache(maxsize=1 << 12)  # (a law's article gives hundreds of trigrams: few entries are kept)
def _grams(text: str, n: int = 3) -> frozenset[str]:
    out: set[str] = set()
    for frag in _ELLIPSIS.split(text):
        f = _norm(frag)
        out.update(f[i:i + n] for i in range(len(f) - n + 1))
    return frozenset(out)


def _quote(b: LegalBasis) -> str:
    """The quoted text of a basis, without a leading article number the parser may have left."""
    q = re.sub(r"^第[零〇一二三四五六七八九十百千\d]+条(第[一二三四五六七八九十\d]+款)?", "", b.text.strip())
    return q.strip("：:，, 　“”\"")


_AMOUNT = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+元")


@lru_cache(maxsize=1 << 14)
def _amounts(text: str, quoted: bool = False) -> frozenset[str]:
    """The sums of money a text states (二万元, 一千元), numbers written as laws write them. In a quote,
    a sum right at the start of a fragment may be cut (…00元以下) and is left out."""
    out = set()
    for frag in _ELLIPSIS.split(text) if quoted else [text]:
        for m in _AMOUNT.finditer(_norm(frag)):
            if not (quoted and m.start() == 0):
                out.add(m.group().replace("两", "二").replace("〇", "零"))
    return frozenset(out)


def _sentences(text: str) -> list[str]:
    return [x for x in re.split(r"(?<=[；。;\n])", text) if x.strip()]


def _sentence_with(text: str, amounts: set[str]) -> str:
    """The sentence of `text` that states one of `amounts`."""
    for sent in _sentences(text):
        if _amounts(sent) & amounts:
            return sent
    return text


def _closest_sentence(text: str, sentence: str) -> str:
    """The sentence of `text` most like `sentence` (where the law states the sum the cell misquotes)."""
    g = _grams(sentence)
    return max(_sentences(text), key=lambda x: _coverage(g, _grams(x)) + (0.5 if _amounts(x) else 0), default=text)


def _coverage(quote_grams: set[str], text_grams: set[str]) -> float:
    return len(quote_grams & text_grams) / len(quote_grams) if quote_grams else 1.0


def _excerpt(text: str, n: int = 40) -> str:
    t = re.sub(r"\s+", "", text)
    return t if len(t) <= n else t[:n] + "……"


class _Texts:
    """Trigram sets of article texts, cached for the whole validation run."""

    def __init__(self, laws: LawRegistry):
        self.laws = laws
        self.cache: dict[tuple[str, int], set[str]] = {}
        self.best: dict[tuple, tuple[int, float]] = {}  # best_other's answers (quotes repeat row after row)
        self.powers: dict[tuple, tuple] = {}  # check_power's answers, see there

    def grams(self, v: Version, art: Article) -> set[str]:
        k = (v.ref, art.number)
        if k not in self.cache:
            self.cache[k] = _grams(art.text)
        return self.cache[k]

    def best_other(self, v: Version, q: set[str], but: int) -> tuple[int, float]:
        """The article of version `v` (other than `but`) that the quote matches best."""
        key = (v.ref, frozenset(q), but)
        if key not in self.best:
            self.best[key] = self._best_other(v, q, but)
        return self.best[key]

    def _best_other(self, v: Version, q: set[str], but: int) -> tuple[int, float]:
        best = (0, 0.0)
        for n, art in (self.laws.articles(v) or {}).items():
            if n != but:
                c = _coverage(q, self.grams(v, art))
                if c > best[1]:
                    best = (n, c)
        return best


_TEXTS: dict[int, _Texts] = {}


def _texts(laws: LawRegistry) -> _Texts:
    t = _TEXTS.get(id(laws))
    if t is None or t.laws is not laws:
        _TEXTS.clear()
        t = _TEXTS[id(laws)] = _Texts(laws)
    return t


def _vname(v: Version) -> str:
    return f"{v.date.isoformat()} {'公布' if v.kind == '制定' else v.kind}版" if v.date else "现行版"


def _cn(n: int) -> str:
    from ..normalize import cn_numeral

    return cn_numeral(n)


def _in_force(v: Version | None, day: date) -> bool:
    start = v and (v.effective or v.date)
    return v is not None and (start is None or start <= day)


MATCH, STRONG, CLEARLY_OFF, STALE = 0.5, 0.8, 0.25, 0.9


def _diff_window(text: str, other: str, n: int = 40) -> str:
    """The part of `text` from a little before where it first departs from `other` (for short excerpts)."""
    a, b = _norm(text), _norm(other)
    og = {b[i:i + 3] for i in range(len(b) - 2)}
    for i in range(len(a) - 2):
        if a[i:i + 3] not in og:
            # map back to the original text roughly: start a few characters earlier
            start = max(0, i - 8)
            k = 0
            for j, ch in enumerate(text):
                if _NOT_TEXT.sub("", ch):
                    if k == start:
                        return ("……" if j else "") + text[j:]
                    k += 1
            break
    return text


def _sum_excerpts(law_sent: str, q_sent: str) -> dict:
    """The two sentences from a little before where they differ: a sum far into a long sentence
    would otherwise be cut off, and the two excerpts would read the same."""
    return dict(law=_excerpt(_diff_window(law_sent, q_sent), 60), quote=_excerpt(_diff_window(q_sent, law_sent), 60))


def check_text(b: LegalBasis, law: Law, laws: LawRegistry, day: date, where,
               siblings: tuple[int, ...] = ()) -> tuple[list[Finding], Article | None]:
    """Check one basis against the text of the law in force on `day`; sets ``b._law_text``.
    `siblings`: the other articles of the same law cited with the same quote (第二十八条、第四十八条：…).
    Returns the findings and the cited article (None when the registry cannot tell)."""
    v = law.version_on(day)
    if not b.article or not _in_force(v, day):
        return [], None
    arts = laws.articles(v)
    if not arts:
        return [], None
    T = _texts(laws)
    title = law.title
    fmt = dict(title=title, version=_vname(v))
    if b.article_sub:
        # 第一百三十三条之一 is an article of its own, not 第一百三十三条: its text is the law's text for
        # the discretion checks; its quote is not compared (the registry does not number such articles)
        sub = laws.inserted_article(v, b.article, b.article_sub)
        if sub is not None:
            b._law_text = sub.text
        return [], sub
    q_text = _quote(b)
    q = _grams(q_text) if len(_norm(q_text)) >= 8 else set()
    cited_v = law.version_cited(b.edition)
    cited_v = cited_v if cited_v and cited_v.ref != v.ref else None
    cited_art = (laws.articles(cited_v) or {}).get(b.article) if cited_v else None
    art = arts.get(b.article)
    out: list[Finding] = []

    def moved(now: int, why: str, why_en: str) -> Finding:
        return ARTICLE_MOVED(where, b.raw, cited=f"第{_cn(b.article)}条", cited_n=b.article, now=_cn(now),
                             now_n=now, why=why, why_en=why_en, **fmt)

    if art is None:
        # the article does not exist (any more): is the quoted text, or the cited edition's article, elsewhere?
        if q:
            n, c = T.best_other(v, q, 0)
            if c >= STRONG:
                return [moved(n, "引文与该条文字相符", "the quoted text is that article's")], None
        if cited_art is not None:
            n, c = T.best_other(v, T.grams(cited_v, cited_art), 0)
            if c >= STRONG:
                return [moved(n, f"所引版本（{_vname(cited_v)}）的该条即现行该条",
                              f"that article of the edition cited ({_vname(cited_v)}) is now this one")], None
        last = max(arts)
        return [ARTICLE_MISSING(where, b.raw, part=f"第{_cn(b.article)}条（共{_cn(last)}条）",
                                part_en=f"article {b.article} (it has {last})", **fmt)], None

    if q and siblings and _coverage(q, T.grams(v, art)) < 0.97:
        # 第二十八条、第四十八条：<the text of one or both>: one quote for the articles cited together;
        # when it is theirs, it is checked against them together (its sums only on an article stating sums)
        group = set(T.grams(v, art)).union(*(T.grams(v, arts[n]) for n in siblings if n in arts))
        if _coverage(q, group) >= STRONG:
            together = "\n".join(arts[n].text for n in (b.article, *siblings) if n in arts)
            wrong = _amounts(q_text, quoted=True) - _amounts(together) if _amounts(art.text) else set()
            if wrong:
                q_sent = _sentence_with(q_text, wrong)
                out.append(QUOTE_MISMATCH(where, b.raw, art=_cn(b.article), art_n=b.article,
                                          **_sum_excerpts(_closest_sentence(art.text, q_sent), q_sent), **fmt))
            q = set()

    # the quoted text against the article: a wrong number (moved), an old version's text, or another text
    if q:
        here = _coverage(q, T.grams(v, art))
        if here < MATCH:
            n, c = T.best_other(v, q, b.article)
            if c >= STRONG and c > here + 0.3:
                b._law_text = arts[n].text
                return [moved(n, f"引文是现行第{_cn(n)}条的文字", f"the quoted text is article {n}'s")], None
        if here < 0.97:
            # an older version's text, even when only the amounts changed: the quote matches it
            # (nearly) exactly and clearly better than the text in force
            older = [x for x in law.versions if x.ref and x.ref != v.ref]
            if cited_v is not None:
                older = [cited_v] + [x for x in older if x.ref != cited_v.ref]
            stale = None
            for ov in older:
                oa = (laws.articles(ov) or {}).get(b.article)
                if oa is not None:
                    c_old = _coverage(q, T.grams(ov, oa))
                    if c_old >= STALE and c_old - here >= 0.1 or (here < MATCH and c_old >= STRONG):
                        stale = ov
                        break
            if stale:
                out.append(QUOTE_STALE(where, b.raw, art=_cn(b.article), art_n=b.article, old=_vname(stale),
                                       law=_excerpt(_diff_window(art.text, q_text)),
                                       quote=_excerpt(_diff_window(q_text, art.text)), **fmt))
            elif here < CLEARLY_OFF:
                # the article at that number is not the one meant: its text (and fines) must not be used
                return [QUOTE_MISMATCH(where, b.raw, art=_cn(b.article), art_n=b.article,
                                       law=_excerpt(art.text), quote=_excerpt(q_text), **fmt)], None
        if here >= MATCH and not out:
            # the words match but a sum of money does not: a fine the law does not (or no longer) state
            wrong = _amounts(q_text, quoted=True) - _amounts(art.text)
            if wrong:
                q_sent = _sentence_with(q_text, wrong)
                out.append(QUOTE_MISMATCH(where, b.raw, art=_cn(b.article), art_n=b.article,
                                          **_sum_excerpts(_closest_sentence(art.text, q_sent), q_sent), **fmt))
    elif cited_art is not None:
        # no quote: the edition cited numbers its articles differently from the version in force
        cg = T.grams(cited_v, cited_art)
        if _coverage(cg, T.grams(v, art)) < MATCH:
            n, c = T.best_other(v, cg, b.article)
            if c >= STRONG:
                b._law_text = arts[n].text
                return [moved(n, f"所引版本（{_vname(cited_v)}）的该条即现行第{_cn(n)}条",
                              f"that article of the edition cited ({_vname(cited_v)}) is now article {n}")], None
    if any(f.rule == "L210" for f in out):
        b._law_text = art.text  # the old text is cited: its 款 and 项 numbers need not fit the new one
        return out, art

    # 款 and 项 (an item found in another paragraph of the article is fine: 第二款第（一）项 for the
    # items of the first paragraph the second one punishes is how many lists write it)
    para = art.paragraph(b.paragraph) if b.paragraph else None
    if b.paragraph and para is None:
        has = _cn(len(art.paragraphs))
        out.append(ARTICLE_MISSING(where, b.raw, part=f"第{_cn(b.article)}条第{_cn(b.paragraph)}款（该条共{has}款）",
                                   part_en=f"article {b.article} paragraph {b.paragraph} "
                                           f"(it has {len(art.paragraphs)})", **fmt))
    elif b.item and art.item(b.item, b.paragraph) is None and art.item(b.item) is None \
            and not any(len(x.items) >= b.item for x in art.paragraphs):
        where_p = f"第{_cn(b.paragraph)}款" if b.paragraph else ""
        out.append(ARTICLE_MISSING(where, b.raw, part=f"第{_cn(b.article)}条{where_p}第（{_cn(b.item)}）项",
                                   part_en=f"article {b.article} {'paragraph %d ' % b.paragraph if b.paragraph else ''}"
                                           f"item {b.item}", **fmt))
    b._law_text = para.full() if para is not None else art.text
    return out, art


def _edition_year(edition: str | None) -> int | None:
    import re

    m = re.search(r"(\d{4})\s*年", edition or "")
    return int(m.group(1)) if m else None


def _amended_after(law: Law, filled: date) -> str | None:
    """The first amendment of `law` that takes effect after the list was filled, as '2020-04-29' or
    '2020-04-29（2020-09-01 施行）'; an amendment adopted before but in force after still needs review."""
    later = sorted((v.date, v.effective) for v in law.versions
                   if v.kind != "制定" and v.date and (v.effective or v.date) > filled)
    if later:
        adopted, effective = later[0]
        return f"{adopted}（{effective} 施行）" if effective and effective != adopted else str(adopted)
    if law.amended and law.amended > filled:
        return str(law.amended)
    return None


def _last_amendment(law: Law, day: date) -> date | None:
    """The latest amendment in force on `day` (the filling date): an edition that was current when the
    list was filled is not an old edition; a later amendment is L205's to report, not L207's."""
    # an amendment adopted but not yet in force on that day does not count (固体废物法 revised 2020-04-29,
    # in force 2020-09-01)
    pending = {x.date for x in law.versions if x.date and x.effective and x.effective > day}
    v = law.version_on(day)
    if v is not None and v.date and _in_force(v, day):
        day = v.date
    changes = [d for d, kind in law.history if kind in ("修正", "修订") and d <= day]
    changes += [x.date for x in law.versions if x.date and x.kind != "制定" and x.date <= day]
    if law.amended and law.amended <= day:
        changes.append(law.amended)
    return max((d for d in changes if d not in pending), default=None)


def check_power(p: Power, dept: Department, laws: LawRegistry, today: date) -> list[Finding]:
    """The L findings of a power, all at its 实施依据 cell; sets each basis's law text.

    What they are depends only on the power's bases (and the law text each already has), its
    category and basis text, the filing date and today, with this registry (which never changes):
    a city files the same 实施依据 in thousands of rows, so the answer is remembered per registry
    and given again at another power's cell, with the same law texts set."""
    where = p.at("实施依据")
    key = (p.category, p.legal_basis_text, dept.filled_date, today,
           tuple((tuple(b.__dict__.items()), b._law_text) for b in p.legal_bases))
    T = _texts(laws)
    known = T.powers.get(key)
    if known is None:
        out = _check_power(p, dept, laws, today, where)
        if len(T.powers) > 50_000:
            T.powers.clear()
        T.powers[key] = (tuple(out), [b._law_text for b in p.legal_bases])
        return out
    found, law_texts = known
    for b, text in zip(p.legal_bases, law_texts):
        b._law_text = text
    # where a rule puts a finding (rules.Rule.__call__)
    at = dict(file=where.file, sheet=where.sheet or None, row=where.row or None, column=where.column,
              cell=where.cell)
    return [f.model_copy(update=at) for f in found]


def _check_power(p: Power, dept: Department, laws: LawRegistry, today: date, where) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def once(rule_code: str, title: str, finding_fn):
        if (rule_code, title) not in seen:
            seen.add((rule_code, title))
            out.append(finding_fn())

    levels = []
    articles: list = []  # (basis, article in force) for each basis with a title; None when not known
    for b in p.legal_bases:
        if not b.title:
            out.append(NO_TITLE(where, b.raw))
            continue
        law = laws.find(b.title)
        level = b.level or (law.level if law else None)
        levels.append(level)
        if b.article is None and not b.annex:  # 《…决定》附件第12项 / 第101项 is a precise reference too
            once("L202", b.title, lambda: NO_ARTICLE(where, b.raw, title=b.title))
        if law is None:
            once("L204", b.title, lambda: UNKNOWN_LAW(where, b.title, title=b.title))
            articles.append(None)
            continue
        day = dept.filled_date or today
        if law.repealed and law.repealed <= today:
            by = law.repealed_by
            once("L206", b.title, lambda: REPEALED(where, b.title, title=b.title, repealed=law.repealed,
                                                   by_zh=f"，由《{by}》取代" if by else "",
                                                   by_en=f", replaced by '{by}'" if by else ""))
            if law.repealed > day:  # in force when the list was filled: its text is still the one cited
                check_text(b, law, laws, day, where)
            articles.append(None)
            continue
        siblings = tuple(x.article for x in p.legal_bases if x is not b and x.text and x.text == b.text
                         and x.article and x.article != b.article and laws.find(x.title) is law)
        found, art = check_text(b, law, laws, day, where, siblings)
        out += found
        articles.append((b, art))
        if dept.filled_date and (change := _amended_after(law, dept.filled_date)):
            once("L205", b.title, lambda: AMENDED(where, b.title, title=b.title, amended=change,
                                                  filled=dept.filled_date))
        year = _edition_year(b.edition)
        last = _last_amendment(law, day)
        if year and last and year < last.year:
            once("L207", b.title, lambda: OLD_EDITION(where, b.edition, title=b.title, edition=b.edition,
                                                      amended=last))
    fit = _fit(p, articles)
    if fit:
        out.append(fit)
    if p.category in _CAT_EN and levels and all(lv == "规范性文件" for lv in levels):
        out.append(NORMATIVE_ONLY(where, p.legal_basis_text[:60], category=p.category,
                                  category_en=_CAT_EN[p.category]))
    return out


def _fit(p: Power, articles: list) -> Finding | None:
    """A penalty (licence) every cited article of which, in force, says nothing of penalties (licences)."""
    if p.category == "行政处罚":
        words, what, what_en = PENALTY_WORDS, "处罚", "penalties"
    elif p.category == "行政许可":
        words, what, what_en = LICENCE_WORDS, "许可（批准、登记、证照等）", "licences, approvals or registrations"
    else:
        return None
    if not articles or any(a is None or a[1] is None for a in articles):
        return None  # some article is unknown to the registry: cannot tell
    if any(words.search(art.text) for _, art in articles):
        return None
    cited = "、".join(b.citation() for b, _ in articles)
    return BASIS_NOT_FITTING(p.at("实施依据"), p.legal_basis_text[:60], category=p.category,
                             category_en=_CAT_EN[p.category], cited=cited, what=what, what_en=what_en,
                             example="如“法律责任”一章的罚则条款" if p.category == "行政处罚"
                             else "如规定须经批准、取得许可证的条款")
