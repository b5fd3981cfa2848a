"""Nothing lost: output folders that hold inputs are refused, runs sharing a folder take turns, and
publishing survives kill -9 at any point (issue 8, items 3, 9 and 10)."""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import ROOT, Book
from powers import paths as paths_mod
from powers import publish as pub
from powers.pipeline import build

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- (3) output folders
def test_build_into_the_input_folder_is_refused_and_inputs_survive(tmp_path):
    inv = tmp_path / "inv"
    Book().save(inv / "d.xlsx")
    (inv / "notes.txt").write_text("keep me", "utf-8")
    before = snapshot(inv)
    for out in (inv, tmp_path, inv / "site"):  # the input folder, a folder holding it, a folder inside it
        r = invoke("build", inv, "-o", out, "--work", tmp_path / "w")
        assert r.exit_code == 2, r.output
        assert "错误：" in r.output and "Error:" in r.output and str(out) in r.output
        assert snapshot(inv) == before
    r = invoke("build", inv / "d.xlsx", "-o", inv, "--work", tmp_path / "w")  # a workbook given by name
    assert r.exit_code == 2 and snapshot(inv) == before
    with pytest.raises(paths_mod.OutputRefused):  # the library refuses too
        build([inv], inv, work=tmp_path / "w", search=False)
    assert snapshot(inv) == before


def test_build_refuses_a_foreign_folder_and_its_work_folder(tmp_path):
    src = Book().save(tmp_path / "in" / "d.xlsx")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.docx").write_bytes(b"years of work")
    r = invoke("build", src, "-o", docs, "--work", tmp_path / "w")
    assert r.exit_code == 2 and paths_mod.MARKER in r.output and str(docs) in r.output
    assert (docs / "thesis.docx").read_bytes() == b"years of work"
    r = invoke("build", src, "-o", tmp_path / "w", "--work", tmp_path / "w")  # would delete the code registry
    assert r.exit_code == 2 and "work" in r.output


def test_rebuild_into_an_earlier_output_and_an_empty_folder(tmp_path):
    src = Book().save(tmp_path / "in" / "d.xlsx")
    site = tmp_path / "site"
    site.mkdir()  # empty: fine
    build([src], site, work=tmp_path / "w", search=False)
    assert (site / paths_mod.MARKER).is_file()
    build([src], site, work=tmp_path / "w", search=False)  # an earlier output: replaced
    (site / paths_mod.MARKER).unlink()  # a site built before the marker existed is still recognised
    build([src], site, work=tmp_path / "w", search=False)
    dest = tmp_path / "portal"
    pub.publish(site, dest)
    assert not (dest / paths_mod.MARKER).exists()  # the marker stays out of the portal


def test_publish_refuses_a_folder_it_did_not_publish(tmp_path):
    src = Book().save(tmp_path / "in" / "d.xlsx")
    build([src], tmp_path / "site", work=tmp_path / "w", search=False)
    dest = tmp_path / "portal"
    dest.mkdir()
    (dest / "other.html").write_text("someone else's", "utf-8")
    r = invoke("publish", tmp_path / "site", dest)
    assert r.exit_code == 2 and "manifest.json" in r.output
    assert (dest / "other.html").read_text("utf-8") == "someone else's"


# ---------------------------------------------------------------- (9) concurrent runs
def _run_all(cmds: list[list[str]], cwd: Path) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", "from cli import main; main()", *c], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
    out = []
    for p in procs:
        so, se = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, so, se))
    return out


def test_concurrent_catalog_and_build_on_one_folder(tmp_path):
    src = str(Book().save(tmp_path / "in" / "d.xlsx"))
    runs = _run_all([["catalog", src, "-o", "same"] for _ in range(5)]
                    + [["build", src, "-o", "site", "--work", "work"] for _ in range(3)], tmp_path)
    for r in runs:
        assert "Traceback" not in r.stderr and "Internal error" not in r.stderr, r.stderr
        assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "same" / "catalog.json").read_text("utf-8"))["departments"]
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "work" / "catalog.json").is_file()
    assert not list((tmp_path / "same").glob("*.tmp")) and not list(tmp_path.glob(".site.*ing"))
    waited = [r for r in runs if "waiting" in r.stderr]
    assert waited  # at least one run had to wait, and said so


def test_a_run_that_cannot_get_the_lock_fails_clearly(tmp_path, monkeypatch):
    src = Book().save(tmp_path / "in" / "d.xlsx")
    monkeypatch.setenv("POWERS_LOCK_TIMEOUT", "0.3")
    with paths_mod.locked([tmp_path / "same"]):
        r = invoke("catalog", src, "-o", tmp_path / "same")
    assert r.exit_code == 2, r.output
    assert "另一个 powers 进程" in r.output and "in use by another powers run" in r.output
    assert invoke("catalog", src, "-o", tmp_path / "same").exit_code == 0


# ---------------------------------------------------------------- (10) publish and kill -9
# The child runs publish or rollback and kills itself with SIGKILL at a chosen point: "step:NAME" at one
# of publish's named steps, or "publish:op:K" / "rollback:op:K" just before its K-th change to the file
# system (counted with an audit hook, so the points do not depend on how publish is written: every file
# copied, every file removed, every rename, the manifest written). Unkilled runs report "ops N".
CHILD = r"""
import os, signal, sys
from powers import publish as pub
site, dest, mode = sys.argv[1:4]
CHANGES = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "shutil.copyfile", "os.chmod", "os.utime",
           "ctypes.call_function"}
WRITE = os.O_WRONLY | os.O_RDWR
ops = [0]
def die(what):
    sys.stderr.write(f"killed at {what}\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)
if mode.startswith("step:"):
    def _step(name, _at=mode[5:]):
        if name == _at:
            die(name)
    pub._step = _step
elif ":op:" in mode:
    at = int(mode.rsplit(":", 1)[1])
    def hook(event, args):
        if event in CHANGES or (event == "open" and isinstance(args[2], int) and args[2] & WRITE):
            if ops[0] == at:
                die(event)
            ops[0] += 1
    sys.addaudithook(hook)
print("go", flush=True)
try:
    pub.rollback(dest) if mode.startswith("rollback") else pub.publish(site, dest)
except pub.PublishError as e:
    sys.exit(f"refused: {e}")
sys.stderr.write(f"ops {ops[0]}\n")
"""


def _site(root: Path, tag: str, n: int = 400) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(f"<p>{tag}</p>", "utf-8")
    for i in range(n):
        d = root / f"d{i % 20}"
        d.mkdir(exist_ok=True)
        (d / f"p{i}.html").write_text(f"{tag} page {i} " + "x" * (i * 7 % 3000), "utf-8")
    return root


def _whole(folder: Path, sites: dict[str, dict]) -> str | None:
    """Which published site `folder` holds, whole and matching its manifest (checked here, independently
    of the code under test); None when it is missing, partial or not one of them."""
    try:
        data = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    if not isinstance(data, dict) or files != data.get("files"):
        return None
    found = [k for k, v in sites.items() if v == files]
    return found[0] if len(found) == 1 else None


def _live_release(dest: Path, sites: dict[str, dict]) -> str:
    """DEST matches its manifest and is one of the published sites, whole; returns which."""
    found = _whole(dest, sites)
    assert found, f"the live folder {dest} is not a whole release matching its manifest"
    return found


def _child(site: Path, dest: Path, mode: str) -> tuple[int, str]:
    """Run publish (or rollback) in a process that kills itself as `mode` says; its exit status and stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(site), str(dest), mode], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "go"
    _, err = p.communicate(timeout=60)
    assert "Traceback" not in err, err
    return p.returncode, err


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("sites")
    made = {t: _site(root / t, t) for t in "ABC"}
    return made, {t: pub.manifest(s) for t, s in made.items()}


STEPS = ["copied", "manifest-written", "ready", "exchanged", "previous-discarded", "previous-set"]


@pytest.mark.parametrize("step", STEPS)
def test_publish_killed_at_each_step(sites, tmp_path, step):
    made, sums = sites
    dest = tmp_path / "portal"
    pub.publish(made["A"], dest)
    pub.publish(made["B"], dest)  # live B, previous A
    assert _child(made["C"], dest, f"step:{step}")[0] == -signal.SIGKILL
    live = _live_release(dest, sums)
    assert live == ("C" if STEPS.index(step) >= STEPS.index("exchanged") else "B")
    pub.rollback(dest)
    back = _live_release(dest, sums)
    # the release that was live before the killed publish is never lost: rollback reaches it
    assert back == ("B" if live == "C" else "A")
    pub.publish(made["A"], dest)
    assert _live_release(dest, sums) == "A"
    assert pub.is_complete(dest.with_name("portal.previous"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".portal.") and p.name != ".portal.lock"]


def test_publish_killed_at_random_points(sites, tmp_path):
    """Seeded kill -9s of publish and rollback at random file-system operations, the removal of the
    displaced release after the swap included. After each: the live folder is a whole release matching
    its manifest; `powers publish --rollback` succeeds and puts a whole release live; and the release
    that was live before a killed publish is still live or the previous release (never deleted)."""
    made, sums = sites
    rng = random.Random(8)
    dest, previous = tmp_path / "portal", tmp_path / "portal.previous"
    pub.publish(made["C"], dest)
    pub.publish(made["A"], dest)
    rc, err = _child(made["B"], dest, "publish:op:-1")  # live B, previous A; how many operations a publish takes
    assert rc == 0, err
    full = int(re.search(r"ops (\d+)", err)[1])
    kills = removal_kills = rollback_kills = runs = 0
    while (kills < 24 or removal_kills < 4 or rollback_kills < 2) and runs < 100:
        runs += 1
        live = _live_release(dest, sums)
        kept = _whole(previous, sums)
        assert kept and kept != live, "the previous release is not whole"
        if rng.random() < 0.15:  # a killed rollback: the two releases stay, one live, the other previous
            rc, err = _child(made[live], dest, f"rollback:op:{rng.randrange(4)}")
            assert rc in (0, -signal.SIGKILL), err
            rollback_kills += rc == -signal.SIGKILL
            assert {_live_release(dest, sums), _whole(previous, sums)} | {_whole(p, sums) for p in
                                                                        tmp_path.glob(".portal.*")} >= {live, kept}
        else:
            tag = rng.choice([t for t in "ABC" if t != live])
            # a third of the kills in the last part of the run, where the displaced release is removed
            k = rng.randrange(full * 2 // 3, full) if rng.random() < 1 / 3 else rng.randrange(full + full // 20)
            rc, err = _child(made[tag], dest, f"publish:op:{k}")
            if rc != -signal.SIGKILL:
                assert rc == 0, err
                full = max(full, int(re.search(r"ops (\d+)", err)[1]))
                assert _live_release(dest, sums) == tag and _whole(previous, sums) == live
                continue
            kills += 1
            now = _live_release(dest, sums)
            assert now in (live, tag)
            if now == tag and re.search(r"killed at os\.(remove|rmdir)", err):
                removal_kills += 1  # killed while deleting files after the swap
        # a complete old release is never deleted, and rollback only ever puts a whole release live
        r = invoke("publish", made[live], dest, "--rollback")
        assert r.exit_code == 0, r.output
        back = _live_release(dest, sums)
        assert live in (back, _whole(previous, sums)), f"the release {live} live before the kill was lost"
    assert kills >= 24 and removal_kills >= 4 and rollback_kills >= 2, (kills, removal_kills, rollback_kills)
    for tag in "CA":  # leftovers of the killed runs are cleared; publish and rollback work as usual
        pub.publish(made[tag], dest)
    assert (_live_release(dest, sums), _whole(previous, sums)) == ("A", "C")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".portal.") and p.name != ".portal.lock"]
    assert invoke("publish", made["A"], dest, "--rollback").exit_code == 0
    assert (_live_release(dest, sums), _whole(previous, sums)) == ("C", "A")


def test_publish_flushes_a_release_to_disk_before_naming_it(sites, tmp_path, monkeypatch):
    """A power cut must not leave a release name whose manifest lists files not on disk: every file, the
    manifest and every folder of the copy are fsynced before it is renamed to .portal.next, and the
    parent folder after the renames that make it live and after a rollback."""
    made, _ = sites
    dest = tmp_path / "portal"
    log: list[tuple] = []
    fsync, rename, exchange = os.fsync, os.rename, pub._exchange

    def logged_fsync(fd):
        log.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return fsync(fd)

    def logged_rename(a, b, **kw):
        log.append(("rename", str(a), str(b)))
        return rename(a, b, **kw)

    def logged_exchange(a, b):
        log.append(("exchange", str(a), str(b)))
        return exchange(a, b)

    monkeypatch.setattr(os, "fsync", logged_fsync)
    monkeypatch.setattr(os, "rename", logged_rename)
    monkeypatch.setattr(pub, "_exchange", logged_exchange)
    for tag in "AB":  # the first publish (no DEST yet), then one that swaps
        log.clear()
        files = pub.publish(made[tag], dest)
        [named] = [i for i, e in enumerate(log) if e[0] == "rename" and e[2] == str(tmp_path / ".portal.next")]
        staging = Path(log[named][1])
        synced = {Path(e[1]) for e in log[:named] if e[0] == "fsync"}
        wanted = {staging / f for f in [*files, "manifest.json"]}
        wanted |= {p.parent for p in wanted}
        assert wanted <= synced, sorted(wanted - synced)[:5]
        moves = [i for i, e in enumerate(log) if e[0] in ("rename", "exchange")]
        live = next(i for i in moves if log[i][2] == str(dest))  # the rename or exchange that puts it live
        for i in (named, live, moves[-1]):  # each followed by a flush of the parent before the next move
            after = next((j for j in moves if j > i), len(log))
            assert ("fsync", str(tmp_path)) in log[i + 1:after], (tag, log[i])
    log.clear()
    pub.rollback(dest)
    assert log[-1] == ("fsync", str(tmp_path))


def test_rollback_refuses_a_partly_removed_release(sites, tmp_path):
    made, sums = sites
    dest = tmp_path / "portal"
    pub.publish(made["A"], dest)
    pub.publish(made["B"], dest)
    previous = tmp_path / "portal.previous"
    for p in sorted(previous.rglob("*.html"))[:50]:  # what a killed rm -r leaves
        p.unlink()
    r = invoke("publish", made["A"], dest, "--rollback")
    assert r.exit_code == 2 and "manifest.json" in r.output
    assert _live_release(dest, sums) == "B"
    (previous / "manifest.json").unlink()
    assert invoke("publish", made["A"], dest, "--rollback").exit_code == 2
    assert _live_release(dest, sums) == "B"


def test_legacy_interrupted_publish_keeps_the_complete_old_release(sites, tmp_path):
    """Earlier versions left the displaced old release in .DEST.incoming when killed while removing
    DEST.previous: the next run keeps it as the previous release instead of deleting it."""
    made, sums = sites
    dest = tmp_path / "portal"
    pub.publish(made["A"], dest)
    pub.publish(made["B"], dest)  # live B, previous A
    legacy = tmp_path / ".portal.incoming"
    (tmp_path / "portal.previous").rename(legacy)  # the complete old release, where the old code left it
    half = tmp_path / "portal.previous"
    half.mkdir()
    (half / "index.html").write_text("half", "utf-8")  # a half-deleted older one
    pub.rollback(dest)
    assert _live_release(dest, sums) == "A"
