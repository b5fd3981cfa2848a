"""Progress: the library reports each stage and each department to a Progress; the CLI draws it
only on a terminal, so piped and JSON output stay as they were."""
from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager

from conftest import INVENTORIES, ROOT
from powers import pipeline
from powers.progress import Progress, Stage


class Recorder(Progress):
    def __init__(self):
        self.events = []

    @contextmanager
    def stage(self, title, total=None):
        self.events.append(("start", title, total))
        events = self.events

        class S(Stage):
            def advance(self, what="", n=1):
                events.append(("advance", title, what))

        yield S()
        self.events.append(("end", title, None))


def test_build_reports_every_stage_and_department(tmp_path):
    rec = Recorder()
    r = pipeline.build([INVENTORIES], tmp_path / "site", work=tmp_path / "work", progress=rec)
    starts = [(t, n) for e, t, n in rec.events if e == "start"]
    assert [t for t, _ in starts] == ["校验 validate", "赋码 codes", "流程图 flowcharts", "网页 pages",
                                      "开放数据 open data", "搜索索引 search index"]
    assert dict(starts)["校验 validate"] == 7 and dict(starts)["网页 pages"] == len(r.catalog.departments)
    validated = [w for e, t, w in rec.events if e == "advance" and t == "校验 validate"]
    assert sorted(validated) == sorted(p.name for p in INVENTORIES.glob("*.xlsx"))
    pages = [w for e, t, w in rec.events if e == "advance" and t == "网页 pages"]
    assert pages == [d.name for d in r.catalog.departments]
    assert rec.events.count(("end", "网页 pages", None)) == 1


def test_piped_json_output_has_no_progress(tmp_path):
    """Not a terminal: stdout is the JSON report alone and stderr only the tally line."""
    out = subprocess.run([sys.executable, "cli.py", "validate", str(INVENTORIES), "-f", "json"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0
    json.loads(out.stdout)
    assert out.stderr.count("\n") == 1 and "rows read" in out.stderr
