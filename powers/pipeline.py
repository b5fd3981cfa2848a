"""The whole pipeline for `powers build`: validate → catalog → flowcharts → site (→ search index)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import catalog as cat
from . import cache, flowcharts, paths as paths_mod, releases as releases_mod, site
from .codes import CodeRegistry
from .laws import LawRegistry
from .models import Catalog
from .progress import QUIET, Progress
from .parallel import give_back_memory, jobs_default
from .validate import ValidationResult, find_workbooks, load_on_first_use, paused_gc, validate


class PowerCharts(Mapping):
    """Each public power's chart by 基本编码, titled for that power only when asked: a city has
    10,000 powers but 1,500 distinct charts, and holding every titled copy took 230 MB.
    `fingerprint(code)` names the drawn chart (its file name is a hash of its source) and
    `file(code)` is that shared, untitled chart: the site publishes each once (charts/<stem>.svg)
    and every page of a power using it puts the power's own title in its HTML."""

    def __init__(self, folder: Path, index: dict[str, dict], catalog: Catalog):
        self.folder = folder
        self._svg: dict[str, str] = {}
        self._powers = {}
        for d in catalog.departments:
            flows = {f.name: f for f in d.flows}
            for p in d.all_powers():
                if p.basic_code in index:
                    self._powers[p.basic_code] = (index[p.basic_code]["chart"], p, flowcharts.flow_for(p, flows))

    def fingerprint(self, code: str) -> str:
        return self._powers[code][0]

    def file(self, code: str) -> Path:
        return self.folder / f"{self._powers[code][0]}.svg"

    def __getitem__(self, code: str) -> str:
        stem, p, flow = self._powers[code]
        if stem not in self._svg:
            self._svg[stem] = (self.folder / f"{stem}.svg").read_text("utf-8")
        return flowcharts.titled_for_power(self._svg[stem], p, flow)

    def __contains__(self, code) -> bool:  # Mapping's own would draw the titled chart to answer
        return code in self._powers

    def __iter__(self):
        return iter(self._powers)

    def __len__(self) -> int:
        return len(self._powers)


class BuildRefused(Exception):
    """The inventories have errors and no draft was asked for."""

    def __init__(self, result: ValidationResult):
        super().__init__(f"{len(result.errors)} errors")
        self.result = result


@dataclass
class BuildResult:
    validation: ValidationResult
    catalog: Catalog
    pages: list[str] = field(default_factory=list)
    charts_rendered: int = 0
    charts_reused: int = 0
    previous: date | None = None
    site: Path | None = None
    public_stats: dict = field(default_factory=dict)  # cat.stats of the public view
    release: str | None = None  # the release kept for it in --work/releases ("2026-03-28", "2026-03-28.2")
    previous_published: str | None = None  # the change log's previous, when it is the release last published

    def __getattr__(self, name: str):
        return load_on_first_use(self, name)


class _Remembered:
    """A build result's catalog, read from the work folder's catalog.json (which the build wrote)
    when first asked for. The build lets the whole catalog go once the public view is made (at city
    scale a third of what it holds while rendering), and pickling a city's catalog with the result
    took 1.3 s of every build and unpickling it most of an unchanged one; most callers only want
    the counts."""

    def __init__(self, path: Path, files: list[str]):
        self.path, self.files, self._catalog = path.resolve(), files, None
        self.stamp = cache.stamp(self.path)  # the file as this build wrote it

    def catalog(self) -> Catalog:
        if self._catalog is None:
            if cache.stamp(self.path) != self.stamp:  # another build into the same work folder since
                raise RuntimeError(f"{self.path} 已被之后的生成覆盖，此结果的目录不再可读 / was rewritten by a later "
                                   "build: this result's catalog is no longer available; use the later result")
            self._catalog = cat.load_catalog(self.path)
        return self._catalog

    def departments(self) -> list:
        """The catalog's departments (the same objects) in the order validation gave them."""
        by_file = {d.file: d for d in self.catalog().departments}
        return [by_file[f] for f in self.files]

    def __getstate__(self):
        return {"path": self.path, "files": self.files, "stamp": self.stamp, "_catalog": None}


def _leave(obj, name: str, loader) -> None:
    """Let `obj.name` go; `loader()` gives it back when first asked for (see validate.load_on_first_use)."""
    obj.__dict__.pop(name, None)
    obj.__dict__[f"_load_{name}"] = loader


def build(paths: list[str | Path], out: str | Path = "site", *, work: str | Path = "build",
          previous: Catalog | None = None, options: site.SiteOptions = site.SiteOptions(),
          laws: LawRegistry | None = None, release_date: date | None = None, search: bool = True,
          progress: Progress = QUIET) -> BuildResult:
    """Build the site into `out` from workbooks; the finished site replaces `out` only at the end.
    Cyclic garbage collection is paused meanwhile (see validate.paused_gc): a city's build makes
    millions of objects that all live until it ends."""
    with paused_gc():
        return _build(paths, out, work=work, previous=previous, options=options, laws=laws,
                      release_date=release_date, search=search, progress=progress)


def _build(paths: list[str | Path], out: str | Path = "site", *, work: str | Path = "build",
          previous: Catalog | None = None, options: site.SiteOptions = site.SiteOptions(),
          laws: LawRegistry | None = None, release_date: date | None = None, search: bool = True,
          progress: Progress = QUIET) -> BuildResult:
    """See build()."""
    out, work = Path(out), Path(work)
    paths_mod.guard_output(out, paths, work=work)  # refuse to replace inputs or a folder the tool did not make
    laws = laws or LawRegistry.load()
    made_from = _inputs_key(paths, previous, options, laws, release_date, search)
    releases = work / "releases"
    # what `powers publish` recorded, read once: the change log and the key are made of the same
    # bytes (a publish recorded meanwhile makes the next build a real one)
    published = releases_mod.published_record(releases)
    if (done := _unchanged(_build_key(made_from, work, published), out, work)) is not None:
        with progress.stage("未变化 unchanged"):
            return done
    result = validate(paths, laws=laws, cache_dir=work / "cache" / "validate", progress=progress)
    if result.errors and not options.draft:
        raise BuildRefused(result)
    with progress.stage("赋码 codes"), CodeRegistry(work / cat.REGISTRY_FILE) as reg:
        if previous is not None:  # its codes stand (a fresh --work would count them anew)
            reg.remember(previous)
        catalog, findings = cat.build_catalog(result, reg, release_date)
        result.findings += findings
        cat.write_catalog(catalog, work)
    # past this point the whole catalog (internal items too) is only the result's: it is let go here
    # and read back from work/catalog.json if the caller asks for it (see _Remembered), and the
    # public view is made of the catalog itself
    release = catalog.release_date
    remembered = _Remembered(work / cat.CATALOG_FILE, [d.file for d in result.departments])
    _leave(result, "departments", remembered.departments)
    view = site.public_view(catalog, in_place=True)  # the one filter: every public output below is made from it
    public = view.catalog
    del catalog
    stage = out.with_name(f".{out.name}.building")
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    indexing = data = None
    reuse = site.SiteCache(out, work / "cache")
    try:
        # open data first: after a one-department change its Excel file is the longest part, and is
        # written by another process while the charts, index and pages are made here
        data = site.OpenData(view, stage, reuse, options.base_url)
        # which release this is (a kept one with the same bytes, or a new one: never written over),
        # and the change log's previous: the last release published before it, else the release
        # kept just before it
        kept_as = releases_mod.identify(releases, release, data.digest) if release else None
        compare, release_index, shown = None, data.index, None
        if previous is None and kept_as is not None and \
                (shown := releases_mod.last_published(releases, published, earlier_than=kept_as)) is not None:
            before = releases / shown.name
        elif previous is None and kept_as is not None:
            before = releases_mod.before(releases, kept_as)
        else:
            before = None
        if before is not None:
            now = {d.name: h for d, h in zip(public.departments, data.digests)}
            changed = releases_mod.changed_since(before, now) if len(now) == len(public.departments) else None
            previous, compare = changed if changed is not None else (cat.load_catalog(before), None)
        previous_date = previous.release_date if previous else None
        with progress.stage("流程图 flowcharts"):
            report, index = flowcharts.render_catalog(public, work / "flowcharts")
        charts = PowerCharts(work / "flowcharts", index, public)
        indexing = _start_search(stage, view, work / "cache" / "search", data.digests) if search else None
        kept_name = kept_as.name.removesuffix(".json") if kept_as is not None and not options.draft else None
        pages = site.build_site(view, stage, charts, previous, options, jobs=jobs_default(), reuse=reuse,
                                progress=progress, open_data=data, compare_only=compare,
                                previous_published=shown.name.removesuffix(".json") if shown else None,
                                info={"release": kept_name, "work": str(work.resolve())})
        data = None  # build_site closed it
        public_stats = cat.stats(public)
        # nothing below needs the catalog: let it go before waiting for the index (a city's public
        # catalog is most of this process's memory, and Pagefind's is largest at the end)
        del view, public, charts, previous
        give_back_memory()
        if indexing is not None:
            with progress.stage("搜索索引 search index"):
                indexing.result()
        paths_mod.mark(stage)
    except BaseException:
        if indexing is not None:  # stopped and gone before its folder is removed
            indexing.cancel()
            indexing.close()
        if data is not None:
            data.close()
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        if indexing is not None:
            indexing.close()
    site.replace_dir(stage, out)
    if kept_as is not None and not options.draft:
        # the open-data catalog.json is the public catalog's JSON: the release is a copy of it
        releases_mod.keep(releases, kept_as, out / "data" / "catalog.json", release_index)
    done = BuildResult(result, None, pages, report.rendered, report.reused, previous_date, out, public_stats,
                       kept_name, shown.name.removesuffix(".json") if shown else None)
    _leave(done, "catalog", remembered.catalog)
    # the key as the next run will see it: with the release this build has just kept
    _remember(_build_key(made_from, work, published), done, work)
    return done


# ---------------------------------------------------------------- the search index, beside the pages
class _Indexing:
    """The search index made in another process while this one renders pages and open data: the
    indexer is mostly the Pagefind binary's work, and the pages and open data are Python's, so the
    two overlap on two cores. The process is a fresh interpreter (`python -m powers.search`, see
    parallel.Apart) given only the records, by files it removes: a forked one shared this
    process's memory, and every page this process wrote afterwards (rendering, open data) left the
    indexer the sole owner of the old copy, 160 MiB at city scale. Where no interpreter can be
    started, the index is made here when it is waited for."""

    def __init__(self, stage: Path, parts: list, cache_dir: Path):
        import tempfile

        from .parallel import Apart, module_argv
        from .search import hand_over

        self.stage, self.parts, self.cache_dir = stage, parts, cache_dir
        self.count = sum(p.count for p in parts)
        cache_dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=cache_dir.parent, prefix=".search-records."))
        hand_over(parts, folder)
        self.folder = folder
        self.apart = Apart.start(module_argv("powers.search", [str(stage), str(folder), str(cache_dir),
                                                               str(jobs_default()), "--widen-later"]), [folder])
        if self.apart is not None:
            self.parts = []  # the indexer has them

    def result(self) -> int:
        """Wait for the index. Called once the pages are written and the catalog let go: the indexer
        may now run its Pagefind services side by side (see search._write_all)."""
        from .search import OUTPUT, WIDEN, _entry_complete, write_index

        if self.apart is None:
            write_index(self.stage, self.parts, self.cache_dir, jobs=jobs_default())
            return self.count
        try:
            with open(self.folder / WIDEN, "x"):
                pass
        except OSError:  # done already: the indexer removed its folder
            pass
        try:
            self.apart.wait()
        except RuntimeError as e:
            raise RuntimeError(f"搜索索引失败 / search index failed: {e}") from None
        if not _entry_complete(self.stage / OUTPUT):  # it said it was done: the index must be there
            raise RuntimeError(f"搜索索引未写出 / the search index was not written: {self.stage / OUTPUT}")
        return self.count

    def cancel(self) -> None:
        """Stop the indexer (its Pagefind services end with it: their input closes)."""
        if self.apart is not None:
            self.apart.stop()

    def close(self) -> None:
        if self.apart is not None:
            self.apart.close()


def _start_search(stage: Path, view, cache_dir: Path, digests: list[str]) -> _Indexing:
    """The index being made (`.result()` waits for it), in a process of its own (see _Indexing).
    Its records (compact records of the public view, not the HTML) are made here, where the
    catalog is, and only for the shards whose index is not in the cache (`digests`: of each
    department's public JSON, which key the shards)."""
    from .search import plan

    return _Indexing(stage, plan(view, cache_dir, digests), cache_dir)


# ---------------------------------------------------------------- a build with nothing to do
def _inputs_key(paths, previous: Catalog | None, options: site.SiteOptions, laws: LawRegistry,
                release_date: date | None, search: bool) -> str:
    """What a build is made from, but for the kept releases: the workbooks' paths and bytes, the
    previous release given, the options, the law registry, the code and templates (cache.key),
    and today's date (some findings depend on it). Computed once per build."""
    files = [(str(f), cache.file_hash(f)) for f in find_workbooks(paths) if f.is_file()]
    given = cache.key("previous", previous.model_dump_json()) if previous is not None else None
    return cache.key("build", json.dumps(files), given, repr(options), laws.fingerprint(), release_date, search,
                     date.today(), os.environ.get("POWERS_SEARCH_SHARDS", ""))


def _build_key(made_from: str, work: Path, published: bytes) -> str:
    """The inputs' key with the kept releases and what publish recorded of them (`published`: the
    bytes of releases/published.jsonl; the change log compares with one of them) and where the
    work folder is (the site names it for publish): before a build, and again after it, when the
    release it kept is among them."""
    releases = sorted((p.name, p.stat().st_size) for p in (work / "releases").glob("*.json")) \
        if (work / "releases").is_dir() else []
    return cache.key(made_from, json.dumps(releases), hashlib.sha256(published).hexdigest(), str(work.resolve()))


def _unchanged(key: str, out: Path, work: Path) -> BuildResult | None:
    """The last build's result, when it was made from the same (`key`) and its output folder is
    exactly as it left it (same files, sizes and modification times); else None."""
    try:
        stamp = json.loads((work / "cache" / "build.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("key") != key or stamp.get("files") != _stamps(out) or stamp.get("catalog") != _catalog_stamp(work):
        return None
    done = cache.PickleCache(work / "cache").get("build")
    if not isinstance(done, BuildResult):
        return None
    done.charts_reused, done.charts_rendered = done.charts_reused + done.charts_rendered, 0
    done.site = out
    return done


def _remember(key: str, done: BuildResult, work: Path) -> None:
    cache.PickleCache(work / "cache").put("build", done)  # its catalog and departments stay in catalog.json
    cache.write_atomic(work / "cache" / "build.json", json.dumps({"key": key, "files": _stamps(done.site),
                                                                  "catalog": _catalog_stamp(work)}))


def _catalog_stamp(work: Path) -> list[int] | None:
    """The work folder's catalog.json as the build left it (a remembered result reads it)."""
    return cache.stamp(work / cat.CATALOG_FILE)


def _stamps(folder: Path) -> dict[str, list[int]] | None:
    """Every file under `folder` by its path relative to it, with its size and modification time
    (os.scandir with plain strings: half the time of os.walk and relpath, 0.16 s for a city site)."""
    if not folder.is_dir():
        return None
    out: dict[str, list[int]] = {}

    def walk(path: str, rel: str) -> None:
        with os.scandir(path) as entries:
            for e in entries:
                name = rel + e.name
                if e.is_dir(follow_symlinks=False):
                    walk(e.path, name + "/")
                elif not e.is_dir():  # a file, or a link to one (a link to a folder is not entered)
                    out[name] = cache.stamp(e.path)

    walk(str(folder), "")
    return out
