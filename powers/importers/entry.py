"""The entry points: which files to import (`source_files`), what a misnamed file really is
(`sniff`), and `import_file`, which reads a file and hands it to the layout it is."""
from __future__ import annotations

import re
from pathlib import Path

from ..read import LimitExceeded, load_grids
from .catalog_json import _import_json
from .common import CATALOG_JSON, DISCRETION, ImportError_, ImportResult, Options
from .detect import detect_layout
from .discretion import _import_discretion
from .flat import _import_flat


SOURCE_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".json")


def source_files(paths: list[str | Path], out: str | Path | None = None) -> tuple[list[Path], list[Path]]:
    """The files to import: files given directly, and the .xls / .xlsx / .json files under given
    folders, in order — not Excel lock files (~$…), hidden files, our own reports (*.导入说明.json)
    nor anything inside the output folder `out`. Returns (files, other files skipped in folders)."""
    outdir = Path(out).resolve() if out is not None else None
    files, skipped = [], []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append(p)
            continue
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            rel = f.relative_to(p).parts
            if any(part.startswith(".") for part in rel) or (outdir is not None and outdir in f.resolve().parents):
                continue
            if f.suffix.lower() in SOURCE_SUFFIXES and not f.name.startswith("~$") and \
                    not f.name.endswith(".导入说明.json"):
                files.append(f)
            elif not f.name.startswith("~$") and not f.name.endswith(".导入说明.json"):
                skipped.append(f)
    return files, skipped


def sniff(path: Path) -> tuple[str, str] | None:
    """What a file named .xls / .xlsx / .json really is when it is not one (government portals
    serve HTML pages and CSV text under an .xls name): (zh, en) of it, or None when it may be the
    spreadsheet or JSON its name says. Only the first bytes are read."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):  # an OLE2 (.xls) or zip (.xlsx) file
        return None
    if not head.strip():
        return "空文件", "an empty file"
    if head.startswith(b"%PDF"):
        return "PDF 文档", "a PDF document"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        text = head[:len(head) // 2 * 2].decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return None  # some other binary: the reader says what it can
    else:
        text = None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = head.decode(enc)
                break
            except UnicodeDecodeError as e:
                if enc == "utf-8-sig" and len(head) == 4096 and e.start >= len(head) - 3:  # a character cut off
                    text = head[:e.start].decode(enc)
                    break
    if text is None:
        return None
    t = text.lstrip().lower()
    if path.suffix.lower() == ".json" and t[:1] in ("[", "{"):
        return None
    if t.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in t:
        return "XML 表格（Excel 2003 XML）", "an Excel 2003 XML spreadsheet"
    if re.match(r"<(?:!doctype\s+html|html|head|body|meta|table|title|!--)", t) or \
            t.startswith("<?xml") and "<html" in t:
        return "HTML 网页", "an HTML page"
    if t.startswith("<?xml"):
        return "XML 文件", "an XML file"
    first = t.splitlines()[0] if t.splitlines() else ""
    if "\t" in first:
        return "制表符分隔的文本（TSV）", "tab-separated text"
    if "," in first or "，" not in first and ";" in first:
        return "CSV 文本", "CSV text"
    return "纯文本", "plain text"


def _not_what_it_says(path: Path) -> None:
    if (what := sniff(path)) is None:
        return
    zh, en = what
    kind = "JSON" if path.suffix.lower() == ".json" else "Excel 工作簿"
    save = "请另存为 UTF-8 编码的 .json 后再导入" if kind == "JSON" else "请在 Excel 中打开并另存为 .xlsx 后再导入"
    raise ImportError_(f"{path.name}：文件实际是{' ' if zh[0].isascii() else ''}{zh}，不是 {kind}（扩展名为 {path.suffix}），{save}",
                       f"{path.name}: really {en}, not {'JSON' if kind == 'JSON' else 'an Excel workbook'} "
                       f"(despite its {path.suffix} name): " +
                       ("save it as UTF-8 .json, then import it" if kind == "JSON" else
                        "open it in Excel, save it as .xlsx, then import that"))


def import_file(path: str | Path, options: Options | None = None, **kw) -> ImportResult:
    """Read one published file (.xls, .xlsx or .json) into department drafts.

    Keyword arguments are `Options` fields (department, number, region, credit_code, level, date).
    Raises ImportError_ when the file is none of the known layouts or cannot be read.
    """
    path = Path(path)
    opts = options or Options(**kw)
    if path.is_dir():
        raise ImportError_(f"{path.name} 是文件夹，不是文件：请逐个导入其中的文件（powers import 文件夹 即如此）",
                           f"{path} is a folder: import the files in it (powers import FOLDER does)")
    try:
        _not_what_it_says(path)
    except OSError as e:
        raise ImportError_(f"无法读取 {path.name}：{e}", f"cannot read {path}: {e}") from e
    if path.suffix.lower() == ".json":
        result = ImportResult(str(path), CATALOG_JSON)
        _import_json(path, opts, result)
        return result
    try:
        grids = load_grids(path)
    except LimitExceeded as e:
        raise ImportError_(f"{path.name}：{e.finding.message_zh}", f"{path.name}: {e.finding.message_en}") from e
    except Exception as e:  # noqa: BLE001 - calamine's errors are many; the message says which
        raise ImportError_(f"无法读取 {path.name}：文件已损坏或不是 Excel 工作簿（{type(e).__name__}: {e}）",
                           f"cannot read {path.name}: damaged or not an Excel workbook ({type(e).__name__}: {e})") from e
    layout = detect_layout(grids)
    if layout is None:
        raise ImportError_(f"{path.name} 既不是按法律分表的裁量标准，也不是权责清单（找不到可识别的表头）")
    result = ImportResult(str(path), layout)
    (_import_discretion if layout is DISCRETION else _import_flat)(grids, path, opts, result)
    return result
