"""Progress of long runs, stage by stage. The library reports to a `Progress`; the default shows
nothing, and the CLI passes one that draws on a terminal (rich), so library callers, JSON output
and pipes stay quiet and parseable."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class Stage:
    """One stage under way: `advance(what)` after each unit of work (a workbook, a department)."""

    def advance(self, what: str = "", n: int = 1) -> None:  # noqa: ARG002 - the quiet default
        return None


class Progress:
    """Reports nothing. Subclasses draw (see cli.py)."""

    @contextmanager
    def stage(self, title: str, total: int | None = None) -> Iterator[Stage]:  # noqa: ARG002
        yield Stage()


QUIET = Progress()
