"""The law registry (法律法规库): laws and regulations, their versions, dates, repeal and article texts.

The shipped registry (``powers/data/``) is built by ``scripts/build_laws.py`` from a Markdown export of
the national law database (one file per law version, see ``/work/shared/laws/README.md``):

- ``laws-index.json``: every law with its level, aliases, versions (date, 施行 date, kind) and repeal;
  loaded eagerly (small).
- ``laws-text.zip``: the article texts, grouped in LZMA-compressed buckets, read lazily per law.

``LawRegistry.load(path)`` accepts the old JSON shape (a list of laws with dates, no texts), a JSON of
local regulations that extends the shipped registry (``"extends": true``), or a newer export (a folder
or ``.tar.xz`` of the Markdown format), which is merged over the shipped registry.
"""
from __future__ import annotations

import io
import json
import re
import os
import tarfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

# ---------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Version:
    """One text of a law: the version promulgated or amended on `date`, in force from `effective`."""

    date: date | None
    effective: date | None = None
    kind: str = "制定"  # 制定 / 修正 / 修订
    ref: str | None = None  # key of its article texts in the registry's text store (None: no text)


@dataclass(frozen=True)
class Law:
    """An entry of the law registry (法律法规库)."""

    title: str
    level: str
    effective: date | None
    amended: date | None = None
    repealed: date | None = None
    aliases: tuple[str, ...] = ()
    versions: tuple[Version, ...] = ()  # oldest first; empty when the registry has no text for it
    repealed_by: str | None = None  # title of the law that repealed (replaced) it
    history: tuple[tuple[date, str], ...] = ()  # (date, 通过/公布/修正/修订/施行) from the text headers

    def version_on(self, day: date | None) -> Version | None:
        """The version with text in force on `day` (the latest one when `day` is None; the oldest
        when `day` is before every version)."""
        texts = [v for v in self.versions if v.ref]
        if not texts:
            return None
        if day is None:
            return texts[-1]
        best = None
        for v in texts:
            start = v.effective or v.date
            if start is None or start <= day:
                best = v
        return best or texts[0]

    def version_cited(self, edition: str | None) -> Version | None:
        """The version an edition note such as '2018年10月26日第二次修正' or '2003年版' names."""
        if not edition:
            return None
        texts = [v for v in self.versions if v.ref and v.date]
        m = re.search(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?", edition)
        if not m:
            return None
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        for v in texts:
            if v.date.year == y and (mo is None or v.date.month == int(mo)) and (d is None or v.date.day == int(d)):
                return v
        return None


def _key(title: str) -> str:
    t = re.sub(r"[\s《》〈〉<>]", "", title)
    t = t.replace("（", "(").replace("）", ")")
    return t.removeprefix("中华人民共和国")


# --------------------------------------------------------------------------------------- article text

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_int(s: str) -> int | None:
    """一百零一 → 101, 十五 → 15, 12 → 12; None when not a number (or an absurdly long one)."""
    s = s.strip()
    if len(s) > 12:  # no article, paragraph, item, month or day is written with more characters
        return None
    if s.isdigit():
        return int(s) if s.isdecimal() else None
    total, num = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            num = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (num or 1) * CN_UNITS[ch]
            num = 0
        else:
            return None
    return total + num if s else None


@dataclass(frozen=True)
class Paragraph:
    """A 款: its own text and its items (项)."""

    text: str
    items: tuple[str, ...] = ()

    def full(self) -> str:
        return "\n".join((self.text, *self.items))


@dataclass(frozen=True)
class Article:
    number: int
    paragraphs: tuple[Paragraph, ...]

    @classmethod
    def from_lines(cls, number: int, lines: list[str]) -> "Article":
        paras: list[Paragraph] = []
        for line in lines:
            if ITEM_RE.match(line) and paras:
                last = paras[-1]
                paras[-1] = Paragraph(last.text, (*last.items, line))
            else:
                paras.append(Paragraph(line))
        return cls(number, tuple(paras))

    @property
    def text(self) -> str:
        return "\n".join(p.full() for p in self.paragraphs)

    def paragraph(self, n: int) -> Paragraph | None:
        return self.paragraphs[n - 1] if 0 < n <= len(self.paragraphs) else None

    def item(self, n: int, paragraph: int | None = None) -> str | None:
        """Item (项) n of the given paragraph, or of the only paragraph that has items."""
        if paragraph:
            p = self.paragraph(paragraph)
            cands = [p] if p else []
        else:
            cands = [p for p in self.paragraphs if p.items]
            if len(cands) > 1:  # ambiguous without a 款: any paragraph with that many items will do
                cands = [p for p in cands if len(p.items) >= n][:1]
        for p in cands:
            if 0 < n <= len(p.items):
                return p.items[n - 1]
        return None


ITEM_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")
ARTICLE_RE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?(?:[ \u3000\t]+|$)(.*)$")


# ------------------------------------------------------------------------------- Markdown export reader

LEVEL_BY_FOLDER = {"行政法规": "行政法规", "部门规章": "规章", "司法解释": "司法解释", "地方性法规": "地方性法规"}
LAW_FOLDERS = {"宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法"}
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE_RE = re.compile(r"([一二三四五六七八九〇零]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_CN_YEAR = {**{k: str(v) for k, v in CN_DIGITS.items()}}


def _date(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _dates(text: str) -> list[date]:
    out = [_date(*m.groups()) for m in DATE_RE.finditer(text)]
    for m in CN_DATE_RE.finditer(text):
        y = "".join(_CN_YEAR.get(c, "") for c in m.group(1))
        out.append(_date(y, cn_int(m.group(2)), cn_int(m.group(3))) if len(y) == 4 else None)
    return [d for d in out if d]


def _first_date(text: str) -> date | None:
    ds = _dates(text)
    return ds[0] if ds else None


@dataclass
class ParsedText:
    """One Markdown file of the export."""

    title: str
    level: str
    short: str  # the file's 简称
    date: date | None  # version date (file name, else the latest history date)
    history: list[tuple[date, str]]
    articles: dict[str, list[str]]  # "12" / "12-1" → lines (first line: text after 第X条)
    effective: date | None = None  # 施行 date of this text
    stated: date | None = None  # the date its 施行 article states (an amendment keeps the original's)
    kind: str = "制定"
    repeals: list[tuple[str, date | None]] = field(default_factory=list)  # (title, as of)


def _history_kind(line: str) -> str | None:
    if re.search(r"修正|修改", line):
        return "修正"
    if "修订" in line:
        return "修订"
    if re.search(r"施行|实施", line) and not re.search(r"通过|公布|发布|批准", line):
        return "施行"
    if re.search(r"通过|公布|发布|批准|颁布", line):
        return "通过"
    return None


REPEAL_RE = re.compile(r"((?:《[^《》]{2,80}》(?:（[^（）]{0,40}）)?[、和及，,]?\s*)+)"
                       r"(?:同时|即行|亦|也|同日)?(?:予以)?废止")
REPEAL_FROM_RE = re.compile(r"((?:《[^《》]{2,80}》[、和及]?)+)自本(?:法|条例|规定|办法|细则|决定)施行之日起(?:予以)?废止")


def parse_markdown(text: str, folder: str, filename: str) -> ParsedText | None:
    """Parse one file of the export; None for files that are not a law (index pages, guides)."""
    if filename.startswith("_") or "<!-- INFO END -->" not in text:
        return None
    head, _, body = text.partition("<!-- INFO END -->")
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    title_lines = [ln for ln in lines if ln.startswith("# ")]
    if not title_lines:
        return None
    title = re.sub(r"\s+", "", title_lines[0][2:])
    history: list[tuple[date, str]] = []
    for ln in lines:
        if ln.startswith("#"):
            continue
        d = _first_date(ln)
        kind = _history_kind(ln)
        if d and kind:
            history.append((d, kind))
    stem = filename.removesuffix(".md")
    m = re.match(r"^(.*?)\((\d{4}-\d{2}-\d{2})\)$", stem)
    if not history and not m:
        return None  # no dates at all: not a law (a guide, an index page)
    short = m.group(1) if m else stem
    vdate = date.fromisoformat(m.group(2)) if m else None
    changes = [d for d, k in history if k in ("通过", "修正", "修订")]
    if vdate is None and changes:
        vdate = max(changes)
    kinds = {d: k for d, k in history}
    made = [d for d, k in history if k == "通过"]
    kind = kinds.get(vdate) if vdate else None
    if kind is None:  # a date the header does not give: a later amendment if after the law was made
        kind = "修正" if vdate and made and vdate > max(made) else "制定"
    if kind in ("通过", "施行"):
        kind = "制定"
    level = LEVEL_BY_FOLDER.get(folder) or ("法律" if folder in LAW_FOLDERS else "其他")

    articles: dict[str, list[str]] = {}
    cur: list[str] | None = None
    for raw in body.splitlines():
        ln = raw.strip().replace("\u3000", " ").strip()
        if not ln or ln.startswith("<!--"):
            continue
        if ln.startswith("#"):
            if re.match(r"#+\s*附", ln):
                cur = None  # annexes are not articles
            continue
        am = ARTICLE_RE.match(ln)
        if am:
            n = cn_int(am.group(1))
            if n is None:
                continue
            k = f"{n}-{cn_int(am.group(2))}" if am.group(2) else str(n)
            if k in articles:  # a second numbering (annexed rules): keep the first
                cur = None
                continue
            cur = articles[k] = []
            if am.group(3).strip():
                cur.append(am.group(3).strip())
            continue
        if cur is not None:
            cur.append(ln)
    p = ParsedText(title, level, short, vdate, history, articles, kind=kind)
    _read_commencement(p)
    return p


def _read_commencement(p: ParsedText) -> None:
    """The text's own 施行 line and the older laws it repeals (《…》同时废止)."""
    effective = None
    for k in reversed(list(p.articles)):
        body = "".join(p.articles[k])
        if not re.search(r"施行|实施|生效", body):
            continue
        m = re.search(r"自(.{0,30}?)起(?:施行|实施|生效)", body)
        if m:
            ds = _dates(m.group(1))
            if ds:
                effective = ds[0]
            elif re.search(r"公布|发布|颁布|通过", m.group(1)):
                # 自公布之日起施行: the date of the text that wrote it (an amendment keeps the original's)
                made = [d for d, k in p.history if k in ("通过", "修订") and (p.date is None or d <= p.date)]
                effective = max(made) if made else p.date
        as_of = effective
        for rm in list(REPEAL_RE.finditer(body)) + list(REPEAL_FROM_RE.finditer(body)):
            before = body[max(0, rm.start() - 2):rm.start()]
            tail = body[rm.end(1):rm.end()]
            if "中" in tail or "有关" in tail:  # only some provisions of it are repealed
                continue
            if before.endswith("依照") or before.endswith("根据"):
                continue
            for t in re.findall(r"《([^《》]+)》", rm.group(1)):
                p.repeals.append((re.sub(r"\s+", "", t), as_of))
        break
    p.stated = effective
    hist_eff = [d for d, k in p.history if k == "施行"]
    if effective is None and hist_eff:
        effective = hist_eff[-1]
    if effective is None or (p.date and effective < p.date):
        # an amendment (修正) keeps the original 施行 article; it takes effect on its own date
        effective = p.date if (p.date and (effective is None or p.kind == "修正" or effective < p.date)) else effective
    p.effective = effective
    p.repeals = [(t, d or p.effective) for t, d in p.repeals]


def _folder(parts: tuple[str, ...]) -> str:
    """The branch-of-law folder of a file (部门规章/公安部/x.md → 部门规章), wherever the export is rooted."""
    for part in parts[:-1]:
        if part in LEVEL_BY_FOLDER or part in LAW_FOLDERS:
            return part
    return parts[-2] if len(parts) > 1 else ""


def read_export(path: str | Path) -> list[ParsedText]:
    """Every law text of an export: a folder of folders of Markdown files, or a .tar.xz of one."""
    path = Path(path)
    out: list[ParsedText] = []
    if path.is_dir():
        for f in sorted(path.rglob("*.md")):
            p = parse_markdown(f.read_text("utf-8"), _folder(f.relative_to(path).parts), f.name)
            if p:
                out.append(p)
        return out
    found = []
    with tarfile.open(path, "r:*") as tar:
        for m in tar:  # in archive order: a compressed stream cannot seek back cheaply
            if not (m.isfile() and m.name.endswith(".md")):
                continue
            parts = Path(m.name).parts
            text = tar.extractfile(m).read().decode("utf-8")
            found.append((m.name, text, _folder(parts), parts[-1]))
    for _, text, folder, name in sorted(found):
        p = parse_markdown(text, folder, name)
        if p:
            out.append(p)
    return out


def _level_from_title(title: str, by_level: str) -> str:
    """The level of a repealed law known only by its title and the level of the law that repealed it."""
    if re.search(r"(?<!办)法(（试行）)?$", title) or title.startswith("全国人民代表大会"):
        return "法律"
    if by_level == "法律" and title.startswith("中华人民共和国") and not re.search(r"(办法|规定|细则)$", title):
        return "法律"  # 民法通则, 学位条例
    return "规章" if by_level == "规章" else "行政法规"


def laws_from_texts(texts: list[ParsedText]) -> tuple[list[dict], dict[str, dict[str, list[str]]]]:
    """Index entries (the JSON shape of laws-index.json) and article texts by ref."""
    by_title: dict[str, list[ParsedText]] = {}
    for p in texts:
        by_title.setdefault(_key(p.title), []).append(p)
    entries: dict[str, dict] = {}
    store: dict[str, dict[str, list[str]]] = {}
    for k, parts in sorted(by_title.items()):
        # one law in several files of the same date (民法典 by 编): one version, its articles united
        by_date: dict[date | None, ParsedText] = {}
        for p in sorted(parts, key=lambda p: len(p.articles), reverse=True):
            if p.date in by_date:
                whole = by_date[p.date]
                whole.articles.update({n: a for n, a in p.articles.items() if n not in whole.articles})
                whole.history = sorted(set(whole.history) | set(p.history))
                whole.repeals += p.repeals
            else:
                by_date[p.date] = p
        ps = sorted(by_date.values(), key=lambda p: (p.date or date.min))
        for p in ps:
            p.articles = dict(sorted(p.articles.items(), key=lambda kv: [int(x) for x in kv[0].split("-")]))
        latest = ps[-1]
        history = sorted({h for p in ps for h in p.history})
        changes = [d for d, kind in history if kind in ("修正", "修订")]
        firsts = [d for d, kind in history if kind == "通过"]
        versions = []
        for i, p in enumerate(ps):
            ref = f"{k}@{p.date.isoformat() if p.date else i}"
            store[ref] = p.articles
            versions.append({"date": p.date.isoformat() if p.date else None,
                             "effective": p.effective.isoformat() if p.effective else None,
                             "kind": p.kind, "ref": ref})
        first = min(firsts) if firsts else None
        hist_eff = [d for d, kind in history if kind == "施行"]
        stated = [p.stated for p in ps if p.kind != "修订" and p.stated and (first is None or p.stated >= first)]
        original = min(hist_eff) if hist_eff else (min(stated) if stated else first)
        if first:  # a text dated after the law was made, on no date of its making, is a revision
            made = set(firsts)
            changes += [p.date for p in ps if p.date and p.date > first and p.date not in made]
        aliases = sorted({p.short for p in ps} - {latest.title})
        entries[k] = {"title": latest.title, "level": latest.level, "aliases": aliases,
                      "effective": original.isoformat() if original else None,
                      "amended": max(changes).isoformat() if changes else None,
                      "repealed": None, "repealed_by": None,
                      "history": [[d.isoformat(), kind] for d, kind in history],
                      "versions": versions, "_repeals": [(t, d) for p in ps for t, d in p.repeals]}
    # repeal: the older law named in a newer law's 施行 article
    for k, e in list(entries.items()):
        for t, as_of in e.pop("_repeals"):
            tk = _key(re.sub(r"（[^（）]*）$", "", t)) if _key(t) not in entries else _key(t)
            target = entries.get(tk)
            if target is None:
                target = entries[tk] = {"title": t, "level": _level_from_title(t, e["level"]), "aliases": [],
                                        "effective": None, "amended": None, "repealed": None,
                                        "repealed_by": None, "history": [], "versions": [], "_repeals": []}
                target.pop("_repeals")
            if target is e:
                continue
            # a title re-enacted later (国家安全法 1993 → 2015) is not repealed
            if as_of and any(v["date"] and v["date"] >= as_of.isoformat() for v in target["versions"]):
                continue
            if target["repealed"] is None or (as_of and as_of.isoformat() < target["repealed"]):
                target["repealed"] = as_of.isoformat() if as_of else None
                target["repealed_by"] = e["title"]
    return list(entries.values()), store


# ------------------------------------------------------------------------------------------- registry

def _d(v) -> date | None:
    return date.fromisoformat(v) if v else None


def law_from_json(e: dict) -> Law:
    versions = tuple(Version(_d(v.get("date")), _d(v.get("effective")), v.get("kind", "制定"), v.get("ref"))
                     for v in e.get("versions", ()))
    return Law(e["title"], e.get("level", "法律"), _d(e.get("effective")), _d(e.get("amended")),
               _d(e.get("repealed")), tuple(e.get("aliases", ())), versions, e.get("repealed_by"),
               tuple((date.fromisoformat(d), k) for d, k in e.get("history", ())))


def merge_law(old: Law, new: Law) -> Law:
    """`new` (a newer export or the user's entry) over `old`: versions united, later facts win."""
    vs = {v.date: v for v in old.versions}
    vs.update({v.date: v for v in new.versions if v.ref or v.date not in vs})
    versions = tuple(sorted(vs.values(), key=lambda v: v.date or date.min))
    amended = max([d for d in (old.amended, new.amended) if d], default=None)
    aliases = tuple(dict.fromkeys((*old.aliases, *new.aliases, *( (old.title,) if old.title != new.title else ()))))
    hist = tuple(sorted(set(old.history) | set(new.history)))
    repealed, by = (new.repealed, new.repealed_by) if new.repealed else (old.repealed, old.repealed_by)
    if repealed and any(v.date and v.date >= repealed for v in versions):
        repealed, by = None, None  # a newer text of it exists: it was re-enacted, not repealed
    return Law(new.title, new.level or old.level, old.effective or new.effective, amended, repealed,
               aliases, versions, by, hist)


class TextStore:
    """Article texts by version ref: the shipped zip (lazy, per bucket) plus texts held in memory."""

    def __init__(self, zip_source=None, buckets: dict[str, str] | None = None):
        self._zip_source = zip_source
        self._buckets = buckets or {}
        self._zip: zipfile.ZipFile | None = None
        self._zip_pid = 0
        self._memory: dict[str, dict[str, list[str]]] = {}
        self._loaded: dict[str, dict] = {}

    def add(self, texts: dict[str, dict[str, list[str]]]) -> None:
        self._memory.update(texts)

    def copy(self) -> "TextStore":
        """A store sharing this one's container, to which texts can be added without changing this one."""
        new = TextStore(self._zip_source, self._buckets)
        new._zip, new._zip_pid, new._loaded, new._memory = self._zip, self._zip_pid, self._loaded, dict(self._memory)
        return new

    def lines(self, ref: str) -> dict[str, list[str]] | None:
        if ref in self._memory:
            return self._memory[ref]
        bucket = self._buckets.get(ref)
        if bucket is None or self._zip_source is None:
            return None
        if bucket not in self._loaded:
            if self._zip is None or self._zip_pid != os.getpid():
                # a forked worker opens its own: an inherited file descriptor shares its offset with
                # the parent and the other workers, and interleaved reads corrupt each other
                self._zip, self._zip_pid = zipfile.ZipFile(self._zip_source), os.getpid()
            self._loaded[bucket] = json.loads(self._zip.read(bucket).decode("utf-8"))
        return self._loaded[bucket].get(ref)


class LawRegistry:
    """Laws by title (with and without 中华人民共和国, and aliases), with their article texts."""

    def __init__(self, laws: list[Law], texts: TextStore | None = None):
        self.laws = laws
        self.texts = texts or TextStore()
        self._by_key: dict[str, Law] = {}
        for law in laws:
            for t in (law.title, *law.aliases):
                self._by_key.setdefault(_key(t), law)
            self._by_key[_key(law.title)] = law
        self._articles: dict[str, dict[int, Article]] = {}
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """A hash of everything the registry knows (laws, versions, texts): cached validation results
        are reused only with the same registry."""
        if self._fingerprint is None:
            import hashlib

            h = hashlib.sha256(repr(self.laws).encode("utf-8"))
            h.update(json.dumps(self.texts._memory, sort_keys=True, ensure_ascii=False).encode("utf-8"))
            src = self.texts._zip_source
            if isinstance(src, (str, Path)):
                h.update(Path(src).read_bytes())
            elif isinstance(src, io.BytesIO):
                h.update(src.getbuffer())
            self._fingerprint = h.hexdigest()
        return self._fingerprint

    def find(self, title: str | None) -> Law | None:
        if not title:
            return None
        k = _key(title)
        law = self._by_key.get(k)
        if law is None and k.endswith(")"):  # 《…条例》（2017年修订） typed inside the brackets
            law = self._by_key.get(re.sub(r"\([^()]*\)$", "", k))
        if law is None and re.search(r"(法|条例|办法|规定)[一二三四五六七八九十\d]$", k):
            law = self._by_key.get(k[:-1])  # a stray numeral typed after the title (…防治法五)
        return law

    def __len__(self) -> int:
        return len(self.laws)

    def __iter__(self):
        return iter(self.laws)

    # -- texts

    def articles(self, version: Version | None) -> dict[int, Article] | None:
        """The articles of a version (None when the registry has no text for it)."""
        if version is None or not version.ref:
            return None
        if version.ref not in self._articles:
            raw = self.texts.lines(version.ref)
            if raw is None:
                return None
            arts = {}
            for k, lines in raw.items():
                if "-" not in k:
                    arts[int(k)] = Article.from_lines(int(k), lines)
            self._articles[version.ref] = arts
        return self._articles[version.ref]

    def inserted_article(self, version: Version | None, number: int, sub: int) -> Article | None:
        """第一百三十三条之一: an article inserted by an amendment, with a text of its own."""
        raw = self.texts.lines(version.ref) if version is not None and version.ref else None
        lines = (raw or {}).get(f"{number}-{sub}")
        return Article.from_lines(number, lines) if lines is not None else None

    def article(self, law: Law, number: int, day: date | None = None) -> Article | None:
        arts = self.articles(law.version_on(day))
        return arts.get(number) if arts else None

    # -- building and loading

    def extend(self, laws: list[Law], texts: dict[str, dict[str, list[str]]] | None = None) -> "LawRegistry":
        """A registry with `laws` merged over this one's (same title: merged; new title: added)."""
        merged = {_key(law.title): law for law in self.laws}
        alias_of = {_key(a): _key(law.title) for law in self.laws for a in law.aliases}
        for law in laws:
            k = _key(law.title)
            k = k if k in merged else alias_of.get(k, k)
            merged[k] = merge_law(merged[k], law) if k in merged else law
        store = self.texts.copy()
        if texts:
            store.add(texts)
        return LawRegistry(list(merged.values()), store)

    @classmethod
    def shipped(cls) -> "LawRegistry":
        return _shipped()

    @classmethod
    def from_export(cls, path: str | Path) -> "LawRegistry":
        entries, texts = laws_from_texts(read_export(path))
        store = TextStore()
        store.add(texts)
        return cls([law_from_json(e) for e in entries], store)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "LawRegistry":
        """The shipped registry; or with `path`: a registry JSON of the old shape (replaces the shipped
        one), a JSON with ``"extends": true`` (local regulations added to the shipped one), or a newer
        export (folder or .tar.xz of Markdown files) merged over the shipped one."""
        if path is None:
            return _shipped()
        path = Path(path)
        if path.is_dir() or path.name.endswith((".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar")):
            new = cls.from_export(path)
            if not len(new):
                raise ValueError("no law texts found in the export")
            return _shipped().extend(new.laws, new.texts._memory)
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("laws"), list):
            raise ValueError('expected a JSON object {"laws": [...]} (see scripts/laws-local.json), '
                             "or an export folder / .tar.xz")
        if data.get("extends"):
            base = _shipped()
            for e in data["laws"]:  # an entry that only adds dates or aliases keeps the shipped level
                known = base.find(e["title"])
                if known and not e.get("level"):
                    e["level"] = known.level
            return base.extend([law_from_json(e) for e in data["laws"]])
        return cls([law_from_json(e) for e in data["laws"]])


@lru_cache(maxsize=1)
def _shipped() -> LawRegistry:
    pkg = resources.files("powers.data")
    index = pkg.joinpath("laws-index.json")
    if not index.is_file():  # registry not built yet: the curated list only
        data = json.loads(pkg.joinpath("laws.json").read_text("utf-8"))
        return LawRegistry([law_from_json(e) for e in data["laws"]])
    data = json.loads(index.read_text("utf-8"))
    text_zip = pkg.joinpath("laws-text.zip")
    source = io.BytesIO(text_zip.read_bytes()) if not isinstance(text_zip, Path) else text_zip
    store = TextStore(source, data.get("buckets", {}))
    return LawRegistry([law_from_json(e) for e in data["laws"]], store)
