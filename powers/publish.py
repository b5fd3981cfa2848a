"""Publish a built site into the portal directory atomically, keep the previous release, preview.

Every release directory holds `manifest.json` (SHA-256 of every file, and a release number), and a
directory counts as a release only when its files match that manifest. The steps, each of which
leaves DEST a complete release if the process is killed right after it:

1. copy the site into `.DEST.incoming-XXXX` (unique), check it, write the manifest last;
2. rename it to `.DEST.next` (complete by construction: only a checked copy gets that name);
3. exchange `.DEST.next` with DEST in one rename (Linux renameat2 RENAME_EXCHANGE; elsewhere two
   renames); `.DEST.next` now holds the old release;
4. rename DEST.previous to `.DEST.trash-XXXX`, `.DEST.next` to DEST.previous, delete the trash.

Durability: the files of a copy, its manifest and its folders are flushed to disk (fsync) before the
copy is renamed to `.DEST.next`, and the parent folder is flushed after each rename that names a
release, so a power cut cannot leave a release name whose manifest lists files that never reached
the disk (the renames alone order nothing on disk).

Nothing is ever deleted in place: a directory is renamed to a trash name first, so a half-deleted
directory is never called a release. A run that finds leftovers of a killed one (under the same
lock) finishes its work: a complete `.DEST.next` older than DEST is the displaced old release and
becomes DEST.previous; one newer than DEST was never made live and is discarded. `--rollback`
swaps back only a DEST.previous that matches its manifest.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import tempfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MANIFEST = "manifest.json"
# not for the portal: the build marker ("replaceable build output") and what the build says of the site
SKIP = {MANIFEST, ".powers-output", ".powers-site.json"}


class PublishError(RuntimeError):
    pass


def _step(name: str) -> None:
    """A point between two steps of publishing (tests stop the process here)."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).as_posix() not in SKIP}


def read_manifest(root: Path) -> dict | None:
    try:
        data = json.loads((Path(root) / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def is_complete(root: str | Path) -> bool:
    """True when `root` holds a manifest and exactly the files it lists, with their checksums."""
    root = Path(root)
    if not root.is_dir():
        return False
    data = read_manifest(root)
    return data is not None and manifest(root) == data["files"]


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (the names created or renamed in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        if not path.is_dir():  # a file not flushed must fail the publish; a few file systems refuse
            raise              # fsync on folders, and there is nothing more to do for them
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every file and folder under `root`, then `root`: a copy is on disk before it is named a release."""
    for p in sorted(root.rglob("*"), reverse=True):  # children before their folder
        if p.is_file() or p.is_dir():
            _fsync(p)
    _fsync(root)


def _number(root: Path) -> int:
    data = read_manifest(root) or {}
    n = data.get("release", 0)
    return n if isinstance(n, int) else 0


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 with RENAME_EXCHANGE); False when unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    rc = libc.renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return rc == 0


def _names(dest: Path) -> tuple[Path, Path]:
    return dest.with_name(f".{dest.name}.next"), dest.with_name(f"{dest.name}.previous")


def _trash(dest: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.trash-"))


def _discard(path: Path, dest: Path) -> None:
    """Rename out of the way first, then delete: a half-deleted directory never keeps a release's name."""
    if not path.exists() and not path.is_symlink():
        return
    trash = _trash(dest)
    path.rename(trash / "x")
    shutil.rmtree(trash, ignore_errors=True)


def _set_previous(dest: Path, release: Path) -> None:
    _, previous = _names(dest)
    _discard(previous, dest)
    _step("previous-discarded")
    release.rename(previous)


def recover(dest: str | Path) -> None:
    """Finish or undo what a killed publish left beside DEST (call with DEST locked)."""
    dest = Path(dest).absolute()
    nxt, previous = _names(dest)
    parent = dest.parent
    if not parent.is_dir():
        return
    for p in parent.glob(f".{dest.name}.trash-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(f".{dest.name}.incoming-*"):  # copies not yet checked: never a release
        shutil.rmtree(p, ignore_errors=True)
    legacy = dest.with_name(f".{dest.name}.incoming")  # left by earlier versions after their swap
    if legacy.is_dir():
        if is_complete(legacy) and not is_complete(previous) and read_manifest(legacy) != read_manifest(dest):
            _set_previous(dest, legacy)
        else:
            _discard(legacy, dest)
    if nxt.exists():
        if dest.is_dir() and is_complete(nxt) and _number(nxt) < _number(dest):
            _set_previous(dest, nxt)  # the swap happened: nxt is the displaced old release
        elif not dest.exists() and is_complete(nxt):
            nxt.rename(dest)  # first publish killed between its two renames (non-Linux path)
        else:
            _discard(nxt, dest)  # never made live


def _lock(dest: Path):
    from .paths import locked

    return locked([dest])


def _what_is_published(site: Path, force: bool) -> dict:
    """What the build said of `site` (see site.SITE_INFO), refusing a draft unless `force`: a draft
    is built from workbooks with errors. A site built before the build said so is a draft when its
    pages carry the draft banner."""
    from .site import site_info

    info = site_info(site)
    if info is None:
        info = {"draft": "草稿：本版本含有未改正的校验错误" in (site / "index.html").read_text("utf-8", "replace")}
    if info.get("draft") and not force:
        raise PublishError(f"{site} 是草稿（由有错误的清单生成，每页标有“草稿”），拒绝发布；改正错误后重新生成，"
                           "或确需发布时加 --force（将记入发布记录） / "
                           f"{site} is a draft (built from workbooks with errors, marked 草稿 on every page): refusing "
                           "to publish it; fix the errors and build again, or give --force (recorded in the publish log)")
    return info


def publish_log(dest: str | Path) -> Path:
    """The publish log beside DEST: one JSON line a publish (when, which release, draft, forced)."""
    dest = Path(dest).absolute()
    return dest.with_name(f"{dest.name}.publish-log.jsonl")


def publish(site: str | Path, dest: str | Path, *, force: bool = False, copy=shutil.copy2,
            say=lambda message: None) -> dict:
    """Copy `site` into `dest` as one atomic swap; returns the manifest written. A draft site is
    refused unless `force`; every publish is recorded in publish_log(dest), and in the work folder
    the site was built from (releases/published.jsonl: its change logs compare with it). What could
    not be recorded there is said through `say` (zh / en): the publish has happened all the same."""
    site, dest = Path(site).resolve(), Path(dest).absolute()
    if not (site / "index.html").is_file():
        raise PublishError(f"不是构建好的网站目录（缺少 index.html）：{site} / not a built site: {site}")
    info = _what_is_published(site, force)
    if dest.exists() and not dest.is_dir():
        raise PublishError(f"发布目标不是目录：{dest} / the destination is not a folder: {dest}")
    if dest.is_dir() and any(dest.iterdir()) and read_manifest(dest) is None:
        raise PublishError(f"发布目标 {dest} 已有文件但不是 powers publish 发布的版本（缺少 {MANIFEST}），发布会替换并最终删除它；"
                           f"请指定新的或空的目录 / {dest} holds files but is not a release published by powers publish "
                           f"(no {MANIFEST}); publishing would replace and later delete it: give a new or empty folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _lock(dest):
        recover(dest)
        nxt, _ = _names(dest)
        staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.incoming-"))
        try:
            shutil.copytree(site, staging, copy_function=copy, dirs_exist_ok=True,
                            ignore=lambda d, names: [n for n in names if Path(d) == site and n in SKIP])
            files = manifest(staging)
            if files != manifest(site):
                raise PublishError("复制后的文件与源文件不一致 / copied files differ from the source")
            number = _number(dest) + 1 if dest.is_dir() else 1
            _step("copied")
            shown = {"release_date": info.get("release_date"), "catalog_sha256": info.get("catalog_sha256"),
                     "draft": bool(info.get("draft")), "forced": bool(force and info.get("draft"))}
            (staging / MANIFEST).write_text(json.dumps({"files": files, "release": number, **shown},
                                                       ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
            os.chmod(staging, 0o755)
            _step("manifest-written")
            _fsync_tree(staging)  # files and manifest on disk before the copy gets a release name
            staging.rename(nxt)
            _fsync(dest.parent)  # the new name on disk before DEST is swapped for it
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _step("ready")
        if dest.is_dir() and not any(dest.iterdir()):
            dest.rmdir()
        if dest.exists():
            if _exchange(nxt, dest):  # nxt now holds the old release
                _step("exchanged")
            else:
                old = _trash(dest) / "x"
                dest.rename(old)  # killed here: DEST missing until the next run; see recover()
                nxt.rename(dest)
                old.rename(nxt)
            _fsync(dest.parent)  # the swap on disk before the old release is moved on
            _set_previous(dest, nxt)
            _step("previous-set")
        else:
            nxt.rename(dest)
        _fsync(dest.parent)  # the published state survives a power cut once publish returns
        built = {"kept_release": info.get("release"), "work": info.get("work")}
        _log(dest, {"release": number, "site": str(site), **shown, **built})
        _record_in_work(built, dest, shown, rollback=False, say=say)
    return files


def _record_in_work(built: dict, dest: Path, shown: dict, *, rollback: bool, say) -> None:
    """Append to the work folder's releases/published.jsonl that its release `built["kept_release"]`
    is live in `dest` (see releases.py), when the work folder is still there and keeps that release
    with the bytes that went out; else say why it was not recorded."""
    from . import releases

    work, name = built.get("work"), built.get("kept_release")
    what = "回滚" if rollback else "发布"
    if not work:
        say(f"网站未注明生成它的工作目录（由旧版本生成），本次{what}未记入工作目录，之后的变更记录不会与它比较 / the site does not "
            f"say which work folder it was built in (built by an older version): this {'rollback' if rollback else 'publication'} "
            "is not recorded there, and later change logs will not compare with it")
        return
    folder = Path(work) / "releases"
    if not Path(work).is_dir():
        say(f"生成网站的工作目录 {work} 已不存在，未能记录本次{what} / the work folder {work} the site was built in no longer "
            f"exists: this {'rollback' if rollback else 'publication'} could not be recorded there")
        return
    kept = releases.parse(name)
    if name is not None and (kept is None or not (folder / kept.name).is_file()
                             or sha256(folder / kept.name) != shown.get("catalog_sha256")):
        say(f"工作目录 {work} 中没有与所发布内容相同的版本 {name}，未能记录本次{what} / the work folder {work} does not keep "
            f"release {name} as it went out: this {'rollback' if rollback else 'publication'} could not be recorded there")
        return
    try:
        releases.record_published(folder, {"release": name, "dest": str(dest), "rollback": rollback, **shown})
    except OSError as e:
        say(f"未能在工作目录 {work} 中记录本次{what}：{e} / could not record this "
            f"{'rollback' if rollback else 'publication'} in the work folder {work}: {e}")
        return
    if name is None:
        say("网站不是保存的版本（草稿，或目录无发布日期），之后的变更记录不会与它比较 / the site is not a kept release (a "
            "draft, or a catalog with no release date): later change logs do not compare with it")


def _log(dest: Path, entry: dict) -> None:
    """One line of the publish log: when, and what went live."""
    from datetime import datetime, timezone

    with open(publish_log(dest), "a", encoding="utf-8") as log:
        log.write(json.dumps({"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), **entry},
                             ensure_ascii=False, sort_keys=True) + "\n")


def rollback(dest: str | Path, *, say=lambda message: None) -> None:
    """Swap DEST.previous back into DEST (the release being replaced becomes DEST.previous). The
    release live again is recorded as published in its work folder, found in the publish log."""
    dest = Path(dest).absolute()
    _, previous = _names(dest)
    with _lock(dest):
        recover(dest)
        if not previous.is_dir():
            raise PublishError(f"没有可回滚的上一版本：{previous} / nothing to roll back to: {previous}")
        if not is_complete(previous):
            raise PublishError(f"上一版本不完整（文件与其 {MANIFEST} 不符），不能回滚：{previous} / the previous release "
                               f"{previous} does not match its {MANIFEST}: refusing to put it live")
        if not dest.exists():
            previous.rename(dest)
        elif not _exchange(previous, dest):
            tmp = dest.with_name(f".{dest.name}.rollback")
            dest.rename(tmp)
            previous.rename(dest)
            tmp.rename(previous)
        _fsync(dest.parent)  # the rollback survives a power cut once it returns
        live = read_manifest(dest) or {}
        shown = {k: live.get(k) for k in ("release_date", "catalog_sha256", "draft", "forced")}
        built = _published_from(dest, live)
        _log(dest, {"rollback": True, "release": live.get("release"), **shown, **built})
        _record_in_work(built, dest, shown, rollback=True, say=say)


def _published_from(dest: Path, live: dict) -> dict:
    """The kept release and work folder of the release live in `dest` (its manifest `live`), from
    the publish log: the last publish of that number and catalog (numbers repeat after a rollback,
    but of two folders that can be live again, the one logged last with a number is the one)."""
    try:
        lines = publish_log(dest).read_text("utf-8").splitlines()
    except OSError:
        lines = []
    for line in reversed(lines):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and not e.get("rollback") and e.get("release") == live.get("release") \
                and e.get("catalog_sha256") == live.get("catalog_sha256"):
            return {"kept_release": e.get("kept_release"), "work": e.get("work")}
    return {"kept_release": None, "work": None}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream",
                      ".pf_meta": "application/octet-stream", ".pf_fragment": "application/octet-stream",
                      ".pf_index": "application/octet-stream", ".pf_filter": "application/octet-stream"}

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # quiet: the preview is for people, not logs
        pass


def make_server(site: str | Path, port: int = 8000, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), partial(_Handler, directory=str(Path(site).resolve())))
