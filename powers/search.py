"""The site's search index: Pagefind, fed compact records instead of the built HTML.

Parsing every built page made Pagefind read the whole site (each power page inlines a 23 KB flowchart)
and took most of a city build's time and memory. Here each public power page (sub-items included) gives
one record holding the text a visitor searches for — name, codes, department, category, 承办机构, the
legal bases (citations and quoted text), time limits and fee, the Markdown fields a visitor reads
for what to do (conditions, materials, note) as plain text, and the discretion tiers (违法情节, 处罚种类,
裁量标准, 罚款幅度) — with meta (title, code, department, category) and filters (部门, 类别) for the
search page. Left out: the flowchart (its SVG, caption and text description: the same steps, roles
and risk points on every power that shares the flow), and 责任事项 and 追责情形, the officials' duties
and liabilities, in practice the same few paragraphs on every item of a category: indexed, every
penalty matched 听证 or 调查 through them, and they were a quarter of the index (23.6 → 17.9 MB for a
city, and 11.4 → 8.7 s to index). Records come only from the public view: a withheld (内部) power
cannot reach the index. The index is given its own words (index_text: a Chinese character a word),
which templates/search.js cuts a query into the same way; a record's text as written goes in its
meta, for the excerpt. pagefind/synonyms.json, beside the index, is the synonym table search.js
expands a query with (powers/data/synonyms.txt).
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import os
import re
import shutil
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from . import cache
from .models import LEVELS, Department, Power
from .normalize import fee_text, fine_text, limit_text

if TYPE_CHECKING:
    from .site import PublicView

LANGUAGE = "zh-cn"  # the pages' <html lang="zh-CN">: the index key pagefind.js looks up first, as before
OUTPUT = "pagefind"
BATCH = 256  # records in flight to the Pagefind service at once


# ---------------------------------------------------------------- synonyms and short names
SYNONYMS = Path(__file__).parent / "data" / "synonyms.txt"
SYNONYMS_FILE = "synonyms.json"  # beside the index: what search.js expands a query with


def synonyms(path: str | Path = SYNONYMS) -> dict[str, list[str]]:
    """The table of short and common names (城管 = 城市管理、综合行政执法), as {word: [expansions]}.
    An expansion must be one phrase (letters and digits, no punctuation or space: those would cut it
    in two); a line that is not `word = expansion、expansion` is an error naming it."""
    table: dict[str, list[str]] = {}
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, sep, rest = (x.strip() for x in line.partition("="))
        words = [w.strip() for w in rest.split("、") if w.strip()]
        bad = [w for w in [word, *words] if not re.fullmatch(r"[^\W_]+", w)]
        if not sep or not word or not words or bad:
            raise ValueError(f"{path}:{n}: 同义词表的行应为“词 = 扩展词、扩展词”，词中不含标点和空格：{line!r} / "
                             f"a synonym line is `word = expansion、expansion`, words without punctuation or spaces")
        table.setdefault(word, [])
        table[word] += [w for w in words if w != word and w not in table[word]]
    return table


@dataclass(frozen=True)
class Record:
    url: str
    content: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _plain(markdown: str) -> str:
    """A Markdown cell as the text a page shows (the same few texts recur on thousands of pages)."""
    from .site import render_markdown

    text = re.sub(r"<[^>]+>", " ", str(render_markdown(markdown)))
    return re.sub(r"[ \t]*\n[ \t\n]*", "\n", html.unescape(text)).strip()


def _power_record(d: Department, p: Power, parent: Power | None) -> Record:
    """The text a visitor searches for, most telling first: the search page ranks a page by where the
    query first occurs in it (the name, then the category, the legal bases, the conditions …; the
    codes, the department and its office, which many pages share, and the sub-items, last)."""
    level = "、".join(LEVELS[v] + "级" for v in p.levels) or LEVELS.get(p.level or d.level, "")
    lines = [p.full_name]
    if parent is not None:
        lines.append(f"所属主项 {parent.name}")
    lines.append(f"职权类别 {p.category}")
    if p.status in ("暂停", "取消") and p.note:
        lines.append(p.note)
    for b in p.legal_bases:
        cite = " ".join(x for x in (b.level, b.citation(), f"（{b.edition}）" if b.edition else "") if x)
        lines.append(f"{cite} {b.text}".strip())
    for label, value in (("办理条件", p.conditions), ("申请材料", p.materials), ("备注", p.note)):
        if value:
            lines.append(f"{label} {_plain(value)}")
    if p.category == "行政处罚":
        if p.no_discretion and not p.tiers:
            lines.append("无裁量空间，依法定标准处罚")
        for t in p.tiers:
            lines.append(" ".join(x for x in ("；".join(t.circumstances), "、".join(t.kinds), t.standard or "",
                                              fine_text(t.fine) or "") if x))
    statutory = limit_text(*p.statutory()) or p.statutory_limit
    promised = limit_text(*p.promised()) or p.promised_limit
    if statutory:
        lines.append(f"法定时限 {statutory}")
    if promised:
        lines.append(f"承诺时限 {promised}")
    lines.append(f"收费依据及标准 {fee_text(p.fee)}")
    if p.quantity_limit:
        lines.append(f"数量限制 {p.quantity_limit}")
    lines += [f"基本编码 {p.basic_code}", f"实施编码 {p.implementation_code or ''}", f"实施主体 {d.name}",
              f"承办机构 {p.unit}", f"行使层级 {level}", f"事项来源 {p.origin}", f"状态 {p.status}"]
    # after the item's own code: a sub-item's code finds the sub-item first, then its main item
    lines += [f"子项 {s.sub_item} {s.basic_code}" for s in p.sub_items]
    return Record(url=f"/powers/{p.basic_code}.html", content="\n".join(x for x in lines if x),
                  meta={"title": p.full_name, "code": p.basic_code or "", "department": d.name,
                        "category": p.category},
                  filters={"部门": [d.name], "类别": [p.category], KIND: ["子项" if parent is not None else "主项"]})


KIND = "事项"  # a filter telling sub-items (子项) from items (主项): the search page counts them apart, as the site does


# ---------------------------------------------------------------- words as the search page reads them
# Pagefind's extended build cuts Chinese into words with a dictionary, at index time in context, while
# pagefind.js 1.4 searches a query without spaces as one word: 行政强制 found every page with 行政
# (its first word), 年检 every page with 年, and no segmenter in the browser cuts a query as the
# index's cut it in context (第十三条 was 第十|三条, 第一百二十六条 第|一百|二十|六|条). So the index is
# given its words: every Chinese character a word of its own, a run of letters and digits one word
# (12-digit codes stay whole), and search.js cuts the query by the same rule and looks it up as a
# phrase (consecutive words): a page matches when its text holds the query's characters in a row.
# Punctuation that ends a clause or a field (the GAP marks, and a line break) keeps a place between
# words, so a phrase never runs across it; other marks (《》“”（）·-/.) and spaces only divide words,
# so 《中华人民共和国道路交通安全法》第九十条 is found as 中华人民共和国道路交通安全法第九十条.
# templates/search.js has the same rule (words()); tests/test_search_browser.py checks both agree.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
GAP = "\n,、;。!?:—"  # after NFKC (，；：！？ are , ; : ! ?)
_WORD = re.compile(rf"[{HAN}]|[^\W_{HAN}]+|[{GAP}]")


def index_text(text: str) -> str:
    """`text` as the words Pagefind indexes: one word per Chinese character, a run of letters and
    digits one word, lower case (NFKC: full-width letters and digits as half-width), a 。 standing
    for each break (GAP) between phrases."""
    out: list[str] = []
    for m in _WORD.finditer(unicodedata.normalize("NFKC", text).lower()):
        w = m.group()
        if w in GAP:
            if out and out[-1] != "。":
                out.append("。")
        else:
            out.append(w)
    return " ".join(out)


def records(view: PublicView) -> Iterator[Record]:
    """One record per public power page (sub-items included), in page order; only from the public view."""
    for d in view.catalog.departments:
        yield from _department_records(d)


def _department_records(d: Department) -> Iterator[Record]:
    for p in d.powers:
        yield _power_record(d, p, None)
        for s in p.sub_items:
            yield _power_record(d, s, p)


def _executable() -> Path:
    """The extended Pagefind binary: only it segments Chinese text into words."""
    from pagefind.service import get_executable

    exe = get_executable()
    if exe is None or "extended" not in exe.name:
        raise RuntimeError("需要 Pagefind 扩展版（中文分词）/ Pagefind's extended binary is required for Chinese "
                           f"word segmentation (pip install 'pagefind[extended]'); found: {exe}")
    return exe


def _service_class():
    from pagefind.service import PagefindService

    class _Service(PagefindService):
        """The Python API's service, reading replies as they come.

        pagefind 1.4.0's reader sleeps 0.1 s before each reply it reads, so 10,000 records took 1,000 s
        however many were in flight; this reader is the same loop without the sleep.
        """

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            while True:
                try:
                    output = await self._backend.stdout.readuntil(b",")
                except asyncio.IncompleteReadError:
                    for future in self._responses.values():
                        if not future.done():
                            future.set_exception(RuntimeError("Pagefind service exited"))
                    return
                try:
                    resp = json.loads(base64.b64decode(output[:-1]))
                except ValueError:  # not a reply (the service's stderr shares this pipe)
                    continue
                if not isinstance(resp, dict):
                    continue
                message_id = resp.get("message_id")
                payload = resp["payload"]
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.pop(message_id, None) if message_id is not None else None
                if future is None or future.done():
                    continue
                if payload["type"] == "Error":
                    future.set_exception(RuntimeError(payload.get("message")))
                else:
                    future.set_result(payload)

        async def close(self) -> None:
            """End the service by closing its input and waiting for it to exit. The library's close
            terminates it, and the service may still be writing: 1 build in 15 got an empty
            pagefind-entry.json, which breaks search on the whole site."""
            try:
                await asyncio.wait_for(asyncio.gather(*self._responses.values()), timeout=60)
            finally:
                self._poll_task.cancel()
                if self._backend.stdin is not None:
                    self._backend.stdin.close()
                try:
                    await asyncio.wait_for(self._backend.wait(), timeout=60)
                except asyncio.TimeoutError:
                    self._backend.terminate()
                    await self._backend.wait()

    return _Service


async def _write(out: Path, recs: Iterator[Record]) -> int:
    """Index `recs` into `out`, checked once the Pagefind service has exited (nothing can write
    after that): every file whole, or the index is made again. Pagefind 1.4.0 now and then leaves
    a file empty (pagefind-entry.json, which breaks the whole search, or a stylesheet) or cut after
    its first 64 KiB (pagefind-ui.js, 84,597 bytes, in 2 of 16 indexes of a city's build)."""
    recs = list(recs)
    seen = None
    for _ in range(INDEX_ATTEMPTS):
        shutil.rmtree(out, ignore_errors=True)
        count = await _write_once(out, iter(recs))
        for name in UNUSED_FILES:
            (out / name).unlink(missing_ok=True)
        cut = _cut_files(out)
        # a file Pagefind cut differs from one write to the next; a whole one that merely has a size
        # of a 64 KiB multiple comes out the same again (the index is deterministic)
        if cut == {} or (cut is not None and cut == seen):
            return count
        if cut is not None:  # an attempt Pagefind left with an empty file says nothing of the others
            seen = cut
    raise RuntimeError(f"Pagefind left empty or cut files in {out} after {INDEX_ATTEMPTS} attempts")


INDEX_ATTEMPTS = 3
# Pagefind's own search interfaces: the site's search page (search.js) uses pagefind.js alone, so
# they are not published (and pagefind-ui.js, the one file past 64 KiB, was the one found cut).
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-highlight.js")


def _output_complete(out: Path) -> bool:
    """The index's entry is whole and no file is empty or cut at a 64 KiB boundary (how Pagefind
    leaves one it did not finish writing)."""
    return _cut_files(out) == {}


def _cut_files(out: Path) -> dict[str, str] | None:
    """None when the entry is broken or a file is empty; else the files whose size is a multiple of
    64 KiB (cut, or now and then whole), by path, with their SHA-256."""
    if not _entry_complete(out):
        return None
    cut = {}
    for f in out.rglob("*"):
        if f.is_file() and f.stat().st_size % 65536 == 0:
            if f.stat().st_size == 0:
                return None
            cut[str(f.relative_to(out))] = cache.file_hash(f)
    return cut


async def _write_once(out: Path, recs: Iterator[Record]) -> int:
    from pagefind.index import PagefindIndex

    _executable()
    service = await _service_class()().launch()
    try:
        index: PagefindIndex = await service.create_index({"output_path": str(out)})
        count = 0
        batch: list[Record] = []

        async def flush() -> None:
            # the index holds the words (index_text); the text as written is kept in the meta, for the
            # excerpt search.js shows (meta is not searched)
            await asyncio.gather(*(index.add_custom_record(url=r.url, content=index_text(r.content), language=LANGUAGE,
                                                           meta={**r.meta, "text": r.content}, filters=r.filters)
                                   for r in batch))
            batch.clear()

        for r in recs:
            batch.append(r)
            count += 1
            if len(batch) >= BATCH:
                await flush()
        await flush()
        for _ in range(WRITE_ATTEMPTS):
            await index.write_files(str(out))
            if _entry_complete(out):
                break
        else:
            raise RuntimeError(f"pagefind-entry.json still incomplete after {WRITE_ATTEMPTS} writes")
    finally:
        await service.close()
    return count


# Pagefind 1.4.0 sometimes leaves pagefind-entry.json empty (1 write in 7 to 15 here, whatever the
# process does after): the whole site's search would fail. Writing the same index again fixes it.
WRITE_ATTEMPTS = 4


def _entry_complete(out: Path) -> bool:
    try:
        entry = json.loads((out / "pagefind-entry.json").read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(entry, dict) and "version" in entry  # no languages when nothing is public


# A large site's index is split by department into shards (pagefind/ and pagefind-1/ … beside it,
# listed in pagefind/shards.json; the search page merges them with Pagefind's mergeIndex). A change
# to one department then re-indexes one shard, and a cold build indexes two shards at a time.
SHARD_ABOVE = 3000   # records: below this one index is fast enough and the browser loads one
SHARDS = 8
SHARDS_FILE = "shards.json"
# What a merged index folder does not use (pagefind.js mergeIndex reads only its entry, meta,
# WebAssembly, index, fragments and filters): the first folder's script runs the search.
MERGED_UNUSED = ("pagefind.js",)


def shard_count(records_total: int) -> int:
    """Shards for a site of this many records (POWERS_SEARCH_SHARDS overrides, for tests and tuning)."""
    forced = os.environ.get("POWERS_SEARCH_SHARDS", "")
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    return SHARDS if records_total > SHARD_ABOVE else 1


def _shard_of(department: str, shards: int) -> int:
    """A department's shard, from its name alone: adding or changing another department never
    moves it, so its shard's cached index stays valid."""
    return zlib.crc32(department.encode("utf-8")) % shards if shards > 1 else 0


def shard_dirs(shards: int) -> list[str]:
    return [OUTPUT] + [f"{OUTPUT}-{i}" for i in range(1, shards)]


@dataclass
class Shard:
    """One part of the index: its records and, with a cache, the folder its index is kept in
    (named by a hash of its departments' public JSON or of its records, and this code)."""

    records: list[Record]
    cached: Path | None = None
    count: int = 0  # its records, also when they are not carried (its index is in the cache: see `plan`)

    def __post_init__(self):
        if isinstance(self.records, list) and not self.count:
            self.count = len(self.records)


def plan(view: PublicView, cache_dir: str | Path | None = None, digests: list[str] | None = None) -> list[Shard]:
    """The index's parts for `view`: records split by department into shards (one part for a small
    site), a part without records left out, each with its cache folder when `cache_dir` is given.
    Made where the catalog is, so a process that only writes the index never touches the catalog.
    `digests` (a hash of each department's public JSON, in order: what its records are made from)
    key each part by its departments, and a part whose index is in the cache is given without
    records, which are then not made (a one-department change makes one part's)."""
    departments = view.catalog.departments
    counts = [sum(1 + len(p.sub_items) for p in d.powers) for d in departments]
    shards = shard_count(sum(counts))
    groups: list[list[int]] = [[] for _ in range(shards)]
    for i, d in enumerate(departments):
        if counts[i]:
            groups[_shard_of(d.name, shards)].append(i)
    # no index for a shard without records (Pagefind wrote those empty more often); the parts are
    # numbered in order, and a part's cached index does not depend on where it is put
    parts = []
    for group in [g for g in groups if g] or [[]]:
        count, k = sum(counts[i] for i in group), None
        if cache_dir is not None and digests is not None:
            k = Path(cache_dir) / cache.key("search-part", LANGUAGE, *(digests[i] for i in group))
            if _output_complete(k / OUTPUT):
                parts.append(Shard([], k, count))
                continue
        recs = [r for i in group for r in _department_records(departments[i])]
        if cache_dir is not None and digests is None:  # keyed by the records themselves
            h = hashlib.sha256(cache.key("search", LANGUAGE).encode())
            for r in recs:
                h.update(json.dumps((r.url, r.content, r.meta, r.filters), ensure_ascii=False).encode("utf-8"))
            k = Path(cache_dir) / h.hexdigest()
        parts.append(Shard(recs, k, count))
    return parts


def index_search(site_dir: str | Path, view: PublicView, cache_dir: str | Path | None = None,
                 jobs: int = 2) -> int:
    """Write the Pagefind index of `view`'s power pages into SITE_DIR (pagefind/, and for a large site
    pagefind-1/ … with pagefind/shards.json); returns the number of records. With `cache_dir`, a
    shard made from the same records (and this code) is linked from there instead of made again:
    Pagefind is the slowest stage of a build. Up to `jobs` shards are indexed at once."""
    return write_index(site_dir, plan(view, cache_dir), cache_dir, jobs)


def write_index(site_dir: str | Path, parts: list[Shard], cache_dir: str | Path | None = None,
                jobs: int = 2, widen_when: Path | None = None) -> int:
    """Write the index of `parts` (see `plan`) into SITE_DIR; returns the number of records.
    Up to `jobs` parts are indexed at once; given `widen_when`, one at a time until that file exists
    (see _write_all)."""
    site_dir = Path(site_dir).resolve()
    dirs = shard_dirs(len(parts))
    for d in dirs:
        shutil.rmtree(site_dir / d, ignore_errors=True)
    todo = []
    for part, d in zip(parts, dirs):
        out = site_dir / d
        if part.cached is not None and _output_complete(part.cached / OUTPUT):
            _link_tree(part.cached / OUTPUT, out)
        elif part.count and isinstance(part.records, list) and not part.records:
            # sent without its records because its index was in the cache, and it is not any more
            # (removed since): indexing nothing would store an empty index under its key
            raise RuntimeError(f"搜索索引缓存已被移除，请重新生成 / the cached search shard {part.cached} "
                               "disappeared during the build; build again")
        else:
            todo.append((out, part))
    try:
        _run(_write_all([(out, part.records) for out, part in todo], jobs, widen_when))
    except Exception as e:
        raise RuntimeError(f"Pagefind 建立索引失败 / Pagefind failed: {e}") from e
    for out, part in todo:
        if (k := part.cached) is not None:
            tmp = k.with_name(f".{k.name}.{os.getpid()}.tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            _link_tree(out, tmp / OUTPUT)
            shutil.rmtree(k, ignore_errors=True)
            os.replace(tmp, k)
    if cache_dir is not None and Path(cache_dir).is_dir():  # only the shards of this index are kept
        kept = {part.cached for part in parts}
        for old in Path(cache_dir).iterdir():
            if old not in kept:
                shutil.rmtree(old, ignore_errors=True)
    for d in dirs[1:]:  # merged into the first: their index is read, their script never is
        for name in MERGED_UNUSED:
            (site_dir / d / name).unlink(missing_ok=True)
    # always written (an empty list for one index): the search page asks for it, and a 404 is an error
    (site_dir / OUTPUT / SHARDS_FILE).write_text(json.dumps([d + "/" for d in dirs[1:]]) + "\n", "utf-8")
    table = site_dir / OUTPUT / SYNONYMS_FILE
    table.unlink(missing_ok=True)  # a new file: the folder's others may be links into the cache
    table.write_text(json.dumps(synonyms(), ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    return sum(part.count for part in parts)


def _run(coro) -> None:
    """asyncio.run, also from a thread that already runs an event loop (a notebook, Playwright's
    sync API): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _write_all(work: list[tuple[Path, list[Record]]], jobs: int, widen_when: Path | None = None) -> None:
    """Index each (folder, records) with its own Pagefind service, `jobs` at a time; given
    `widen_when`, one at a time until that file exists. Each service holds 80–120 MiB (the
    Chinese dictionary and its part): a build indexes beside its page workers one part at a time,
    and once its pages are written and the catalog let go, `jobs` at a time (two services beside
    the page workers were a city build's peak, 545 MiB)."""
    limit = asyncio.Semaphore(max(1, jobs) if widen_when is None else 1)

    async def widen() -> None:
        while not widen_when.exists():
            await asyncio.sleep(0.1)
        for _ in range(jobs - 1):
            limit.release()  # an asyncio.Semaphore released past its start value lets more in

    async def one(out: Path, group: list[Record]) -> None:
        async with limit:
            await _write(out, iter(group))

    widening = asyncio.ensure_future(widen()) if widen_when is not None and jobs > 1 else None
    try:
        await asyncio.gather(*(one(out, group) for out, group in work))
    finally:
        if widening is not None:
            widening.cancel()


WIDEN = "widen"  # the file a build makes in the handed-over folder once its pages are written


def _link_tree(src: Path, dst: Path) -> None:
    """A copy of a folder made of hard links (the index files are never changed in place)."""
    shutil.copytree(src, dst, copy_function=cache.link_or_copy)


class Pickled:
    """A part's records kept in a file and read when the part is indexed: an indexer running two
    parts at a time holds those two, not the whole city's."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self):
        import pickle

        with open(self.path, "rb") as f:
            return iter(pickle.load(f))


def hand_over(parts: list[Shard], folder: Path) -> None:
    """Write `parts` into `folder` for the indexing process (`python -m powers.search`): each part's
    records in a file of its own."""
    import pickle

    listed = []
    for i, part in enumerate(parts):
        path = folder / f"part-{i}.pickle"
        with open(path, "wb") as f:
            pickle.dump(part.records, f, protocol=pickle.HIGHEST_PROTOCOL)
        listed.append(Shard(Pickled(path), part.cached, part.count))  # type: ignore[arg-type]
    with open(folder / "parts.pickle", "wb") as f:
        pickle.dump(listed, f, protocol=pickle.HIGHEST_PROTOCOL)


def _main(argv: list[str]) -> int:
    """`python -m powers.search SITE FOLDER CACHE JOBS [--widen-later]`: the index of the parts
    handed over in FOLDER (removed when done), JOBS parts at a time, as the build runs it in a
    process of its own (pipeline._Indexing); with --widen-later, one part at a time until the file
    FOLDER/widen appears."""
    import pickle
    import sys

    site_dir, folder, cache_dir, jobs, *later = argv
    try:
        with open(Path(folder) / "parts.pickle", "rb") as f:
            parts = pickle.load(f)
        write_index(site_dir, parts, cache_dir, int(jobs),
                    widen_when=Path(folder) / WIDEN if later == ["--widen-later"] else None)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
