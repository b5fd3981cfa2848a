"""Incremental builds: a rebuild reuses what did not change (validated workbooks, department pages,
open data) and gives exactly the bytes a cold build gives."""
from __future__ import annotations

import importlib
import shutil

import openpyxl
import pytest

from conftest import INVENTORIES
from powers import pipeline
from powers.catalog import load_catalog

validate_mod = importlib.import_module("powers.validate")  # the module, not the function


def tree(root):
    """The site's files but what the build says of it for publish (.powers-site.json: it names the
    work folder and the release kept there, which differ between two work folders)."""
    return {str(f.relative_to(root)): f.read_bytes() for f in sorted(root.rglob("*"))
            if f.is_file() and f.relative_to(root).as_posix() != ".powers-site.json"}


def change_unit(path, value):
    wb = openpyxl.load_workbook(path)
    ws = wb["职权目录"]
    header = next(r for r in ws.iter_rows(max_row=5) if any(c.value == "承办机构" for c in r))
    col = next(c.column for c in header if c.value == "承办机构")
    ws.cell(header[0].row + 1, col).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Cold build, unchanged rebuild, rebuild after one department's change, and a cold build of
    the changed inputs into a fresh work folder."""
    tmp = tmp_path_factory.mktemp("inc")
    inputs = tmp / "inventories"
    shutil.copytree(INVENTORIES, inputs)
    site, work = tmp / "site", tmp / "work"
    out = {"cold": pipeline.build([inputs], site, work=work)}
    out["cold_tree"] = tree(site)
    kept = site / "departments" / f"{out['cold'].catalog.departments[0].number}.html"
    out["inode"] = kept.stat().st_ino
    out["unchanged"] = pipeline.build([inputs], site, work=work)
    out["unchanged_tree"] = tree(site)
    out["unchanged_inode"] = kept.stat().st_ino
    changed = sorted(inputs.glob("*.xlsx"))[-1]
    change_unit(changed, "改过的执法科")
    out["changed"] = pipeline.build([inputs], site, work=work)
    out["changed_tree"] = tree(site)
    out["changed_inode"] = kept.stat().st_ino
    # the cold build of the changed inputs is given the release the incremental one compares with
    # (kept by the first build: the change is a second release of the same date, never an overwrite)
    first = load_catalog(work / "releases" / f"{out['cold'].release}.json")
    assert out["changed"].release == f"{out['cold'].release}.2"
    out["fresh"] = pipeline.build([inputs], tmp / "site2", work=tmp / "work2", previous=first)
    out["fresh_tree"] = tree(tmp / "site2")
    out["work"] = work
    return out


def test_unchanged_rebuild_is_identical_and_reuses_pages(builds):
    assert builds["unchanged_tree"] == builds["cold_tree"]
    assert builds["unchanged_inode"] == builds["inode"]  # the page was linked, not written again
    assert (builds["work"] / "cache" / "site-pages.json").is_file()


def test_rebuild_after_one_change_equals_a_cold_build(builds):
    changed, fresh = builds["changed_tree"], builds["fresh_tree"]
    assert sorted(changed) == sorted(fresh)
    differing = [k for k in changed if changed[k] != fresh[k]]
    assert differing == []
    assert any("改过的执法科".encode() in v for v in changed.values())
    assert changed != builds["cold_tree"]
    assert builds["changed_inode"] == builds["inode"]  # another department's page was still reused


def test_only_the_changed_workbook_is_read_again(tmp_path, monkeypatch):
    """The validation cache: a workbook is validated again only when its bytes change."""
    monkeypatch.setenv("POWERS_JOBS", "1")  # count calls in this process
    inputs = tmp_path / "in"
    shutil.copytree(INVENTORIES, inputs)
    seen = []
    real = validate_mod.validate_workbook
    monkeypatch.setattr(validate_mod, "validate_workbook", lambda p, *a, **k: seen.append(p.name) or real(p, *a, **k))
    cache = tmp_path / "cache"
    first = validate_mod.validate([inputs], cache_dir=cache)
    assert len(seen) == 7
    seen.clear()
    again = validate_mod.validate([inputs], cache_dir=cache)
    assert seen == []
    assert [f.model_dump() for f in again.findings] == [f.model_dump() for f in first.findings]
    assert [d.model_dump() for d in again.departments] == [d.model_dump() for d in first.departments]
    target = sorted(inputs.glob("*.xlsx"))[2]
    change_unit(target, "另一个科室")
    third = validate_mod.validate([inputs], cache_dir=cache)
    assert seen == [target.name]
    assert any(p.unit == "另一个科室" for d in third.departments for p in d.all_powers())


def test_nothing_changed_means_nothing_done(tmp_path):
    """Same workbooks, work folder, options and code: the last result is returned and no file of
    the site is written again. A page edited or deleted in the output since makes a real build,
    which puts it back."""
    site, work = tmp_path / "site", tmp_path / "work"
    first = pipeline.build([INVENTORIES], site, work=work)
    before = {f: f.stat().st_mtime_ns for f in site.rglob("*") if f.is_file()}
    again = pipeline.build([INVENTORIES], site, work=work)
    assert {f: f.stat().st_mtime_ns for f in site.rglob("*") if f.is_file()} == before
    assert [f.model_dump() for f in again.validation.findings] == [f.model_dump() for f in first.validation.findings]
    assert again.pages == first.pages and again.public_stats == first.public_stats
    assert again.charts_rendered == 0 and again.charts_reused == first.charts_rendered + first.charts_reused
    # the catalog and the validated departments are read back from the work folder when asked for:
    # the same content, the departments in validation's order and the same objects as the catalog's
    assert again.catalog.model_dump() == first.catalog.model_dump()
    assert [d.model_dump() for d in again.validation.departments] == \
        [d.model_dump() for d in first.validation.departments]
    assert {id(d) for d in again.validation.departments} == {id(d) for d in again.catalog.departments}
    page = site / first.pages[-1]
    original = page.read_bytes()
    page.write_text("edited by hand", "utf-8")
    pipeline.build([INVENTORIES], site, work=work)
    assert page.read_bytes() == original


def test_a_changed_work_catalog_makes_a_real_build(tmp_path):
    """A remembered result reads its catalog from the work folder: when catalog.json there was
    rewritten since (say by `powers catalog` into the same folder), the build is made again."""
    site, work = tmp_path / "site", tmp_path / "work"
    pipeline.build([INVENTORIES], site, work=work)
    catalog = work / "catalog.json"
    catalog.write_text(catalog.read_text("utf-8").replace("执法", "改写"), "utf-8")
    assert "改写" in catalog.read_text("utf-8")
    again = pipeline.build([INVENTORIES], site, work=work)
    assert "改写" not in catalog.read_text("utf-8")
    assert not any("改写" in p.unit for _, p in again.catalog.all_powers())


def test_a_result_whose_catalog_was_rewritten_says_so(tmp_path, monkeypatch):
    """A build's result reads its catalog from the work folder when asked: after another build into
    the same folder it refuses (it would be the later build's catalog), whatever the current folder."""
    inputs = tmp_path / "in"
    shutil.copytree(INVENTORIES, inputs)
    site, work = tmp_path / "site", tmp_path / "work"
    first = pipeline.build([inputs], site, work=work)
    change_unit(sorted(inputs.glob("*.xlsx"))[0], "后来的科室")
    second = pipeline.build([inputs], site, work=work)
    monkeypatch.chdir(tmp_path / "in")  # the result does not depend on the current folder
    with pytest.raises(RuntimeError, match="later build"):
        first.catalog
    assert any(p.unit == "后来的科室" for _, p in second.catalog.all_powers())
