"""Build the shipped law registry (powers/data/laws-index.json + laws-text.zip).

    .venv/bin/python scripts/build_laws.py [EXPORT ...] [--local FILE ...] [--out DIR] [--update]

EXPORT: a folder or .tar.xz of the Markdown export of the national law database (format in
/work/shared/laws/README.md); several may be given, later ones (newer exports) win. With --update
the registry already built in --out is the starting point, so a newer export (or only a few new
Markdown files in the same layout) can be added without the original export. The curated
powers/data/laws.json (laws with dates from public sources) and scripts/laws-local.json (local
regulations that are not in the national export) are merged in; --local adds more such files.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from powers.laws import LawRegistry, law_from_json, laws_from_texts, read_export  # noqa: E402

DEFAULT_EXPORT = Path("/work/shared/laws/national-laws-2025-04.tar.xz")
BUCKET_CHARS = 100_000  # raw characters per compressed bucket: one read decompresses ~250 KB, ~3 ms


def _iso(d):
    return d.isoformat() if d else None


def law_to_json(law) -> dict:
    e = {"title": law.title, "level": law.level, "effective": _iso(law.effective)}
    if law.amended:
        e["amended"] = _iso(law.amended)
    if law.repealed:
        e["repealed"] = _iso(law.repealed)
    if law.repealed_by:
        e["repealed_by"] = law.repealed_by
    if law.aliases:
        e["aliases"] = list(law.aliases)
    if law.history:
        e["history"] = [[_iso(d), k] for d, k in law.history]
    if law.versions:
        e["versions"] = [{k: v for k, v in (("date", _iso(x.date)), ("effective", _iso(x.effective)),
                                             ("kind", x.kind), ("ref", x.ref)) if v} for x in law.versions]
    return e


def shipped_texts(data: Path) -> tuple[list, dict[str, dict[str, list[str]]]]:
    """The laws and every article text of an already built registry (to update it in place)."""
    index = json.loads((data / "laws-index.json").read_text("utf-8"))
    texts: dict[str, dict[str, list[str]]] = {}
    with zipfile.ZipFile(data / "laws-text.zip") as z:
        for name in z.namelist():
            texts.update(json.loads(z.read(name).decode("utf-8")))
    return [law_from_json(e) for e in index["laws"]], texts


def build(exports: list[Path], local: list[Path], out: Path, update: bool = False) -> dict:
    """Curated laws.json, then (with `update`) the registry already in `out`, then each export and
    each local file, later ones winning; writes laws-index.json and laws-text.zip to `out`."""
    t0 = time.time()
    curated = json.loads((ROOT / "powers/data/laws.json").read_text("utf-8"))
    reg = LawRegistry([law_from_json(e) for e in curated["laws"]])
    texts: dict[str, dict[str, list[str]]] = {}
    if update:
        laws, texts = shipped_texts(out)
        reg = reg.extend(laws)
    for export in exports:
        entries, store = laws_from_texts(read_export(export))
        reg = reg.extend([law_from_json(e) for e in entries])
        texts.update(store)
    for f in local:
        data = json.loads(Path(f).read_text("utf-8"))
        reg = reg.extend([law_from_json(e) for e in data["laws"]])
    laws = sorted(reg.laws, key=lambda law: law.title)
    used = {v.ref for law in laws for v in law.versions if v.ref}
    texts = {r: t for r, t in texts.items() if r in used}

    # texts in buckets of similar size, the versions of a law always in the same bucket
    buckets: dict[str, str] = {}
    groups: list[list[str]] = [[]]
    size = 0
    for law in laws:
        refs = [v.ref for v in law.versions if v.ref in texts]
        n = sum(len(json.dumps(texts[r], ensure_ascii=False)) for r in refs)
        if groups[-1] and size + n > BUCKET_CHARS:
            groups.append([])
            size = 0
        groups[-1] += refs
        size += n
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "laws-text.zip.tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_LZMA) as z:
        for i, refs in enumerate(groups):
            name = f"{i:03d}.json"
            for r in refs:
                buckets[r] = name
            info = zipfile.ZipInfo(name, date_time=(2025, 4, 19, 0, 0, 0))  # deterministic bytes
            info.compress_type = zipfile.ZIP_LZMA
            z.writestr(info, json.dumps({r: texts[r] for r in refs}, ensure_ascii=False, separators=(",", ":")))
    tmp.replace(out / "laws-text.zip")
    index = {"note": "法律法规库（由 scripts/build_laws.py 生成，勿手工修改）：名称、简称、效力层级、各版本及其施行日期、废止；"
                     "条文在 laws-text.zip。",
             "sources": [p.name for p in exports] + ["laws.json"] + [Path(f).name for f in local],
             "laws": [law_to_json(law) for law in laws], "buckets": buckets}
    (out / "laws-index.json").write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
    stats = {"laws": len(laws), "with_text": sum(1 for law in laws if law.versions),
             "versions": sum(1 for law in laws for v in law.versions if v.ref),
             "repealed": sum(1 for law in laws if law.repealed), "buckets": len(groups),
             "index_bytes": (out / "laws-index.json").stat().st_size,
             "text_bytes": (out / "laws-text.zip").stat().st_size, "seconds": round(time.time() - t0, 1)}
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exports", nargs="*", type=Path, help="export folder(s) or .tar.xz (default: the 2025-04 export)")
    ap.add_argument("--local", action="append", type=Path, default=[], help="JSON of local regulations to merge")
    ap.add_argument("--out", type=Path, default=ROOT / "powers/data")
    ap.add_argument("--update", action="store_true",
                    help="start from the registry already in --out (e.g. add a newer export without the old one)")
    a = ap.parse_args(argv)
    exports = a.exports or ([] if a.update else [DEFAULT_EXPORT])
    local = [ROOT / "scripts/laws-local.json", *a.local]
    print(json.dumps(build(exports, local, a.out, update=a.update), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
