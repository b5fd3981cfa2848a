"""Publish a built site into the portal directory atomically, keep the previous release, preview.

The new release is copied beside DEST, checked against its manifest, then exchanged with DEST in
one rename (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames). The old release stays as
DEST.previous for rollback. A failure before the exchange leaves DEST exactly as it was.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MANIFEST = "manifest.json"


class PublishError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


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


def publish(site: str | Path, dest: str | Path, *, copy=shutil.copy2) -> dict:
    """Copy `site` into `dest` as one atomic swap; returns the manifest written."""
    site, dest = Path(site).resolve(), Path(dest).absolute()
    if not (site / "index.html").is_file():
        raise PublishError(f"不是构建好的网站目录（缺少 index.html）：{site} / not a built site: {site}")
    staging = dest.with_name(f".{dest.name}.incoming")
    previous = dest.with_name(f"{dest.name}.previous")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        shutil.copytree(site, staging, copy_function=copy)
        files = manifest(staging)
        if files != manifest(site):
            raise PublishError("复制后的文件与源文件不一致 / copied files differ from the source")
        (staging / MANIFEST).write_text(json.dumps({"files": files}, ensure_ascii=False, indent=1, sort_keys=True)
                                        + "\n", "utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if dest.exists():
        if _exchange(staging, dest):  # staging now holds the old release
            if previous.exists():
                shutil.rmtree(previous)
            staging.rename(previous)
        else:
            if previous.exists():
                shutil.rmtree(previous)
            dest.rename(previous)
            staging.rename(dest)
    else:
        staging.rename(dest)
    return files


def rollback(dest: str | Path) -> None:
    """Swap DEST.previous back into DEST (the release being replaced becomes DEST.previous)."""
    dest = Path(dest).absolute()
    previous = dest.with_name(f"{dest.name}.previous")
    if not previous.is_dir():
        raise PublishError(f"没有可回滚的上一版本：{previous} / nothing to roll back to")
    if not _exchange(previous, dest):
        tmp = dest.with_name(f".{dest.name}.rollback")
        dest.rename(tmp)
        previous.rename(dest)
        tmp.rename(previous)


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
