"""Output folders the tool may replace, and locks so that runs sharing a folder take turns.

`powers build` replaces its output folder whole. Before it does, `guard_output` checks that the
folder is not (and does not contain, and is not inside) one of the inputs or the work folder, and
that an existing, non-empty folder is an earlier output of the tool: it holds the marker file
`MARKER` that every build writes (or, for sites built before the marker existed, the files every
built site has). Anything else is refused with a two-language error naming the folder.

`locked(folders)` holds an exclusive `fcntl.flock` on a lock file beside each folder (beside, not
inside: a build replaces its output folder, and a lock on a file inside it would be left behind on
the old inode). A second run waits, saying so once, for up to `POWERS_LOCK_TIMEOUT` seconds
(default 600), then fails with `FolderBusy`.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

MARKER = ".powers-output"
MARKER_TEXT = ("This folder is an output of `powers build`: it is replaced whole on every build.\n"
               "本目录由 powers build 生成，每次构建会整体替换。\n")
LEGACY_SITE_FILES = ("index.html", "assets/style.css", "assets/search.js")
LOCK_TIMEOUT = 600.0


class OutputRefused(ValueError):
    """The output folder would destroy inputs or a folder the tool did not create."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class FolderBusy(RuntimeError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def _real(p: str | Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(p)))


def _within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def is_tool_output(folder: str | Path) -> bool:
    folder = Path(folder)
    return (folder / MARKER).is_file() or all((folder / f).is_file() for f in LEGACY_SITE_FILES)


def mark(folder: str | Path) -> None:
    """Write the marker that says `folder` is an output of the tool (so it may be replaced)."""
    (Path(folder) / MARKER).write_text(MARKER_TEXT, "utf-8")


def guard_output(out: str | Path, inputs: list[str | Path], *, work: str | Path | None = None) -> None:
    """Refuse an output folder whose replacement would delete inputs, the work folder or foreign files."""
    target = _real(out)
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"输出位置不是目录：{out}", f"the output is not a folder: {out}")
    for given in inputs:
        src = _real(given)
        if _within(src, target):
            raise OutputRefused(
                f"输出目录 {out} 包含输入 {given}：构建会整体替换输出目录，输入的工作簿将被删除；请换一个输出目录（如 site/）",
                f"the output folder {out} holds the input {given}: a build replaces the output folder whole and "
                f"would delete the workbooks; choose another output folder (e.g. site/)")
        if _within(target, src):
            raise OutputRefused(
                f"输出目录 {out} 位于输入目录 {given} 之内；请把输出目录放在输入目录之外",
                f"the output folder {out} is inside the input folder {given}; put the output outside the inputs")
    if work is not None:
        w = _real(work)
        if _within(w, target) or _within(target, w):
            raise OutputRefused(
                f"输出目录 {out} 与工作目录 {work} 重叠：构建会替换输出目录，编码库和已发布版本将被删除；请分开存放",
                f"the output folder {out} overlaps the work folder {work}: a build replaces the output folder and "
                f"would delete the code registry and kept releases; keep them apart")
    if target.is_dir() and any(target.iterdir()) and not is_tool_output(target):
        raise OutputRefused(
            f"输出目录 {out} 已存在且不是 powers build 的输出（缺少标记文件 {MARKER}）：构建会整体替换该目录，"
            f"其中的文件将被删除；请指定新的或空的目录，或先自行移走该目录",
            f"the output folder {out} exists and is not an earlier output of powers build (no {MARKER} marker): "
            f"a build replaces it whole and would delete its files; give a new or empty folder, or move it away first")


def lock_path(folder: str | Path) -> Path:
    folder = _real(folder)
    return folder.with_name(f".{folder.name}.lock")


@contextlib.contextmanager
def locked(folders: list[str | Path], *, timeout: float | None = None, say=None):
    """Hold exclusive locks on `folders` (in a fixed order, so two runs cannot deadlock)."""
    import fcntl

    if timeout is None:
        timeout = float(os.environ.get("POWERS_LOCK_TIMEOUT", LOCK_TIMEOUT))
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    with contextlib.ExitStack() as stack:
        for lp in sorted({lock_path(f) for f in folders}):
            lp.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
            stack.callback(os.close, fd)
            folder = lp.with_name(lp.name[1:].removesuffix(".lock"))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(f"另一个 powers 进程正在使用 {folder}，等待其结束… / another powers run is using {folder}; waiting…")
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise FolderBusy(
                                f"{folder} 被另一个 powers 进程占用超过 {timeout:g} 秒；请等它结束后重试"
                                f"（锁文件 {lp}）",
                                f"{folder} has been in use by another powers run for over {timeout:g} s; retry when "
                                f"it has finished (lock file {lp})") from None
                        time.sleep(0.05)
            stack.callback(fcntl.flock, fd, fcntl.LOCK_UN)
        yield
