"""Open data made the fast ways is the same as made the plain ways."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from powers import build_catalog, opendata, site, validate
from powers.catalog import catalog_json, department_json
from powers.codes import CodeRegistry
from powers.models import Catalog, Department


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    with CodeRegistry(tmp_path_factory.mktemp("codes") / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([ROOT / "inventories"], jobs=1), reg)
    return site.public_view(catalog).catalog


def test_catalog_json_from_department_records_is_the_catalogs_json(public, tmp_path):
    records = [department_json(d) for d in public.departments]
    digest = opendata.write_catalog_json(public, records, tmp_path / "catalog.json")
    data = (tmp_path / "catalog.json").read_bytes()
    assert data == catalog_json(public, compact=True).encode("utf-8")
    import hashlib

    assert digest == hashlib.sha256(data).hexdigest()
    none = public.model_copy(update={"release_date": None})
    opendata.write_catalog_json(none, records, tmp_path / "none.json")
    assert (tmp_path / "none.json").read_bytes() == catalog_json(none, compact=True).encode("utf-8")


def test_compact_catalog_leaves_out_nulls_and_reads_back_the_same(public):
    """Open data leaves out the fields with no value: lossless only because every field that can
    be null has null for its default (a field defaulting to something else would read back as that)."""
    import json

    import pydantic

    models = {Catalog}
    seen = set()
    while models:
        m = models.pop()
        seen.add(m)
        for name, f in m.model_fields.items():
            if type(None) in getattr(f.annotation, "__args__", ()):
                assert not f.is_required() and f.default is None, f"{m.__name__}.{name}"
            for t in getattr(f.annotation, "__args__", (f.annotation,)):
                for u in (*getattr(t, "__args__", ()), t):
                    if isinstance(u, type) and issubclass(u, pydantic.BaseModel) and u not in seen:
                        models.add(u)
    assert Department in seen and len(seen) > 6
    text = catalog_json(public, compact=True)
    assert ":null" not in text.replace('"release_date":null', "")
    assert json.loads(text)["schema_version"] == public.schema_version
    assert Catalog.model_validate_json(text).model_dump() == public.model_dump()
    assert len(text) < len(public.model_dump_json()) * 0.9


def test_xlsx_written_apart_is_the_same_file(public):
    """The Excel file a separate process writes has the bytes of the one written here, and its
    cells are the rows of the CSV."""
    here = opendata.catalog_xlsx(public, public.release_date)
    rows = opendata.DepartmentRows.of(public)
    apart = opendata.XlsxApart(rows, public.release_date)
    assert apart.result() == here
    assert not apart.listing.exists() and not apart.out.exists()  # its files are gone
    assert rows.xlsx(public.release_date) == here and rows.csv() == opendata.catalog_csv(public)
    rows.close()
    assert not rows.folder.exists()
    import csv
    import io

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(here)).get_sheet_by_name("权力清单").to_python()
    rows = list(csv.reader(io.StringIO(opendata.catalog_csv(public).decode("utf-8-sig"))))
    assert len(sheet) == len(rows) > 300
    assert [[str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in r] for r in sheet] == rows


def test_xlsx_apart_failure_is_a_clear_error(public, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", "/bin/false")  # a writer process that fails
    apart = opendata.XlsxApart(opendata.DepartmentRows.of(public), public.release_date)
    with pytest.raises(RuntimeError, match="catalog.xlsx"):
        apart.result()
    assert not apart.listing.exists()


def test_a_large_site_writes_its_excel_file_apart(book, tmp_path, monkeypatch):
    """Above XLSX_APART_ABOVE powers the build writes catalog.xlsx in another process: same site."""
    src = book.save(tmp_path / "in" / "d.xlsx")
    plain = site.build_site(_view(src, tmp_path / "a"), tmp_path / "plain")
    monkeypatch.setattr(site, "XLSX_APART_ABOVE", 0)
    started = []
    real = opendata.XlsxApart.__init__
    monkeypatch.setattr(opendata.XlsxApart, "__init__", lambda self, *a: started.append(1) or real(self, *a))
    apart = site.build_site(_view(src, tmp_path / "b"), tmp_path / "apart")
    assert started and plain == apart
    for name in ("catalog.xlsx", "catalog.json", "catalog.csv"):
        assert (tmp_path / "plain" / "data" / name).read_bytes() == (tmp_path / "apart" / "data" / name).read_bytes()


def _view(src, tmp):
    with CodeRegistry(tmp / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([src], jobs=1), reg)
    return site.public_view(catalog)


def test_closing_a_running_writer_stops_it_and_removes_its_files(public):
    rows = opendata.DepartmentRows.of(public)
    apart = opendata.XlsxApart(rows, public.release_date)
    apart.close()
    assert apart.apart.proc.returncode is not None
    assert not apart.listing.exists() and not apart.out.exists()
    assert all(Path(f).is_file() for _, _, files in rows.sheets() for f in files)  # the rows are the caller's
    rows.close()


def test_kept_department_rows_are_made_once_and_pruned(public, tmp_path):
    """A department's rows are made again only when its public record changes; the files of a
    department no longer in the catalog are removed; the joined files equal the plain ones."""
    folder = tmp_path / "rows"
    first = opendata.DepartmentRows.of(public, folder)
    first.close()
    stamps = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
    assert len(stamps) == 3 * len(public.departments)
    changed = public.model_copy(deep=True)
    changed.departments[0].powers[0].unit = "改过的承办机构"
    del changed.departments[-1]
    second = opendata.DepartmentRows.of(changed, folder)
    assert second.csv() == opendata.catalog_csv(changed) and "改过的承办机构".encode() in second.csv()
    assert second.xlsx(changed.release_date) == opendata.catalog_xlsx(changed, changed.release_date)
    second.close()
    now = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
    assert len(now) == 3 * len(changed.departments)
    kept = [k for k in now if k in stamps]
    assert len(kept) == 3 * (len(changed.departments) - 1) and all(now[k] == stamps[k] for k in kept)
    opendata.DepartmentRows(folder).close()  # nothing added: nothing removed
    assert len(list(folder.iterdir())) == len(now)


def test_text_longer_than_an_excel_cell_is_cut_with_a_note():
    long = "条" * 40000
    cut = opendata._fit_cell(long)
    assert len(cut) == opendata.XLSX_CELL_CHARS and cut.endswith("全文见 catalog.csv / catalog.json）")
    assert opendata._fit_cell("短") == "短" and opendata._fit_cell(3) == 3
