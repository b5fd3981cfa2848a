"""Per-workbook work in a pool of processes gives exactly what one process gives."""
from __future__ import annotations

from conftest import ROOT, site_bytes
from powers import validate
from powers.parallel import forked_map
from powers.laws import LawRegistry


def test_pool_and_one_process_agree_on_the_inventories():
    """Same departments, findings (with their cells) and row counts, in the same order, whether the
    seven workbooks are validated in one process or in two forked workers that read the law texts
    from the shared registry at the same time."""
    laws = LawRegistry.load()
    one = validate([ROOT / "inventories"], laws=laws, jobs=1)
    two = validate([ROOT / "inventories"], laws=LawRegistry.load(), jobs=2)
    assert [d.model_dump() for d in one.departments] == [d.model_dump() for d in two.departments]
    assert [f.model_dump() for f in one.findings] == [f.model_dump() for f in two.findings]
    assert {k: (c.read, c.accepted, c.rejected) for k, c in one.counts.items()} == \
        {k: (c.read, c.accepted, c.rejected) for k, c in two.counts.items()}
    assert any(f.rule.startswith("L") for f in one.findings)  # the law texts were read


def test_cross_department_findings_still_name_their_cell(book, tmp_path):
    """After the pool, a department keeps only each row's address: X502 (the same power in two
    departments) still points at the 职权名称 cell."""
    a = book.save(tmp_path / "a.xlsx")
    book.info.update({"部门名称": "青岛市测试二局", "部门编号": "98"})
    b = book.save(tmp_path / "b.xlsx")
    r = validate([a, b], jobs=2)
    x = [f for f in r.findings if f.rule == "X502"]
    assert x and all(f.cell and f.cell.startswith("C") and f.column == "职权名称" for f in x)


def test_pages_are_listed_once_however_many_jobs(tmp_path):
    """One process or two, the site lists each page once, in the same order (the sitemap is made
    from that list)."""
    from powers import build_catalog, site
    from powers.codes import CodeRegistry

    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([ROOT / "inventories"], jobs=1), reg)
    view = site.public_view(catalog)
    one = site.build_site(view, tmp_path / "one", jobs=1, options=site.SiteOptions(base_url="https://x.gov.cn/"))
    two = site.build_site(view, tmp_path / "two", jobs=2, options=site.SiteOptions(base_url="https://x.gov.cn/"))
    assert one == two and len(one) == len(set(one))
    assert (tmp_path / "one" / "sitemap.xml").read_bytes() == (tmp_path / "two" / "sitemap.xml").read_bytes()
    # two workers render each department from its JSON record, one process from the catalog itself:
    # the same bytes either way
    assert [(f.relative_to(tmp_path / "one"), b) for f, b in site_bytes(tmp_path / "one")] == \
        [(f.relative_to(tmp_path / "two"), b) for f, b in site_bytes(tmp_path / "two")]


def test_forked_map_keeps_order_and_takes_items_as_workers_need_them():
    """Results come back in order, and a generator of items is not drained ahead of the workers:
    at most two items per worker are in flight (an item made on the fly lives only while used)."""
    made = []

    def items():
        for i in range(20):
            made.append(i)
            yield i

    got = []
    for r in forked_map(_square, items(), 2, count=20):
        got.append(r)
        assert len(made) <= len(got) + 4
    assert got == [i * i for i in range(20)]
    assert list(forked_map(_square, range(5), 1)) == [0, 1, 4, 9, 16]


def _square(i: int) -> int:
    return i * i


def test_forked_map_passes_a_workers_error_on_and_starts_nothing_more():
    import pytest

    with pytest.raises(ValueError, match="item 3"):
        for _ in forked_map(_fail_at_three, range(50), 2):
            pass


def _fail_at_three(i: int) -> int:
    if i == 3:
        raise ValueError("item 3")
    return i
