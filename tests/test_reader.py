"""The reader: every row of a sheet is read whatever the file claims about itself, and values
that are no values (NaN, impossible dates, an empty list, an unreadable scope header) are findings."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from conftest import Book, licence
from powers import validate
from powers.read import read_workbook


def rewrite_sheet_xml(path: Path, sheet_name: str, edit) -> None:
    """Apply `edit` (bytes → bytes) to the XML of one sheet inside the saved workbook."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{sheet_name}"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"|'
                       rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    name = (target.group(1) or target.group(2)).lstrip("/")
    name = name if name.startswith("xl/") else "xl/" + name
    parts[name] = edit(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_stale_dimension_does_not_hide_rows(book, tmp_path):
    """A sheet whose stored <dimension> is smaller than its data (other tools write such files)
    is read to its last row: all 7 powers, not the 3 rows the dimension claims."""
    book.powers = [licence(序号=str(i), 职权名称=f"测试许可{i}") for i in range(1, 8)]
    path = book.save(tmp_path / "stale.xlsx")
    rewrite_sheet_xml(path, "职权目录",
                      lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', xml))
    with zipfile.ZipFile(path) as z:  # the test really wrote a stale dimension
        assert any(b'<dimension ref="A1:C3"' in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    raw = read_workbook(path)
    assert [r.get("职权名称") for r in raw.tables["职权目录"]] == [f"测试许可{i}" for i in range(1, 8)]
    assert all(r.get("承办机构") == "审批科" for r in raw.tables["职权目录"])  # columns past C are read too
    r = validate([path])
    assert r.counts[str(path)].read == 7 + len(book.tiers) + len(book.flows)
    assert len(r.departments[0].powers) == 7
