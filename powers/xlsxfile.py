"""Write an .xlsx of plain rows with XlsxWriter. Imports nothing of powers, so that
`python powers/xlsxfile.py LISTING OUT` starts in a moment: a build writes a large open-data
workbook this way, in a process of its own, while it goes on (see opendata.XlsxApart)."""
from __future__ import annotations

import datetime as dt
import pickle
import sys
from collections.abc import Iterable
from typing import BinaryIO


def write_sheets(out: BinaryIO | str, created: dt.date | None, sheets: Iterable[tuple[str, list, Iterable[list]]]) -> None:
    """One sheet per (title, header, rows), in XlsxWriter's constant-memory mode (each sheet's rows
    streamed to a temporary file; half the time of openpyxl's write-only mode). Same rows, same
    bytes: the document dates are `created` and XlsxWriter stamps every zip member 1980-01-31.
    Text is written as text (no formulas, numbers or links made of it)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time(),
                                                      tzinfo=dt.timezone.utc)})
    for title, header, rows in sheets:
        ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)  # the header stays in view
        ws.write_row(0, 0, header)
        last = 0
        for last, r in enumerate(rows, 1):
            ws.write_row(last, 0, r)
        ws.autofilter(0, 0, last, len(header) - 1)  # a filter on every column
    wb.close()


def write_sheets_from(out: BinaryIO | str, created: dt.date | None, sheets: Iterable[tuple[str, list, list[str]]]) -> None:
    """write_sheets of sheets given as (title, header, files): each file a pickle of rows, read in turn."""
    def rows(files: list[str]):
        for name in files:
            with open(name, "rb") as f:
                yield from pickle.load(f)

    write_sheets(out, created, ((title, header, rows(files)) for title, header, files in sheets))


def write_atomic_from(out: str, created: dt.date | None, sheets: Iterable[tuple[str, list, list[str]]]) -> None:
    """write_sheets_from into a file beside `out`, renamed to it once whole (a process stopped
    half-way leaves no half a file by that name)."""
    import os

    tmp = f"{out}.{os.getpid()}.tmp"
    try:
        write_sheets_from(tmp, created, sheets)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str]) -> int:
    """LISTING (a pickle of (created, [(title, header, files of rows)], [(file, sheets)]), removed
    once read) → OUT, then each further (file, sheets) into its file."""
    listing, out = argv
    with open(listing, "rb") as f:
        created, sheets, *more = pickle.load(f)
    import os

    os.unlink(listing)
    write_sheets_from(out, created, sheets)
    for name, its_sheets in (more[0] if more else []):
        write_atomic_from(name, created, its_sheets)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
