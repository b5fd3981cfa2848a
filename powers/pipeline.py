"""The whole pipeline for `powers build`: validate → catalog → flowcharts → site (→ search index)."""
from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import catalog as cat
from . import flowcharts, paths as paths_mod, site
from .codes import CodeRegistry
from .laws import LawRegistry
from .models import Catalog
from .progress import QUIET, Progress
from .validate import ValidationResult, jobs_default, validate


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


def _previous_release(releases: Path, current: date | None) -> Catalog | None:
    """The latest kept release strictly before this one (so rebuilding a release is repeatable)."""
    if current is None or not releases.is_dir():
        return None
    dates = sorted(p.stem for p in releases.glob("*.json") if p.stem < current.isoformat())
    return cat.load_catalog(releases / f"{dates[-1]}.json") if dates else None


def build(paths: list[str | Path], out: str | Path = "site", *, work: str | Path = "build",
          previous: Catalog | None = None, options: site.SiteOptions = site.SiteOptions(),
          laws: LawRegistry | None = None, release_date: date | None = None, search: bool = True,
          progress: Progress = QUIET) -> BuildResult:
    """Build the site into `out` from workbooks; the finished site replaces `out` only at the end."""
    out, work = Path(out), Path(work)
    paths_mod.guard_output(out, paths, work=work)  # refuse to replace inputs or a folder the tool did not make
    result = validate(paths, laws=laws, cache_dir=work / "cache" / "validate", progress=progress)
    if result.errors and not options.draft:
        raise BuildRefused(result)
    with progress.stage("赋码 codes"), CodeRegistry(work / cat.REGISTRY_FILE) as reg:
        catalog, findings = cat.build_catalog(result, reg, release_date)
        result.findings += findings
        cat.write_catalog(catalog, work)
    view = site.public_view(catalog)  # the one filter: every public output below is made from this view
    public = view.catalog
    with progress.stage("流程图 flowcharts"):
        report, index = flowcharts.render_catalog(public, work / "flowcharts")
    charts = PowerCharts(work / "flowcharts", index, public)
    releases = work / "releases"
    if previous is None:
        previous = _previous_release(releases, catalog.release_date)
    stage = out.with_name(f".{out.name}.building")
    if stage.exists():
        shutil.rmtree(stage)
    try:
        pages = site.build_site(view, stage, charts, previous, options, jobs=jobs_default(),
                                reuse=site.SiteCache(out, work / "cache"), progress=progress)
        if search:
            from .search import index_search  # compact records of the public view, not the HTML
            with progress.stage("搜索索引 search index"):
                index_search(stage, view, work / "cache" / "search")
        paths_mod.mark(stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    site.replace_dir(stage, out)
    if catalog.release_date and not options.draft:
        releases.mkdir(parents=True, exist_ok=True)
        # the open-data catalog.json is the public catalog's JSON: the release is a copy of it
        shutil.copyfile(out / "data" / "catalog.json", releases / f"{catalog.release_date.isoformat()}.json")
    return BuildResult(result, catalog, pages, report.rendered, report.reused,
                       previous.release_date if previous else None, out)
