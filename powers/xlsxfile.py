"""Write an .xlsx of plain rows with XlsxWriter. Imports nothing of powers, so that
`python powers/xlsxfile.py ROWS OUT` starts in a moment: a build writes a large open-data
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
        ws.write_row(0, 0, header)
        for i, r in enumerate(rows, 1):
            ws.write_row(i, 0, r)
    wb.close()


def main(argv: list[str]) -> int:
    """ROWS (a pickle of (created, sheets), removed once read) → OUT."""
    rows_file, out = argv
    with open(rows_file, "rb") as f:
        created, sheets = pickle.load(f)
    import os

    os.unlink(rows_file)
    write_sheets(out, created, sheets)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
