"""powers: the command line, a thin layer over the `powers` library."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

import powers
import powers.progress
from powers import catalog as cat
from powers import flowcharts as flowcharts_mod
from powers import report

app = typer.Typer(help="Administrative power inventories: validate, code, draw and publish (行政权力清单工具).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class ChartFormat(str, Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"


def fail(zh: str, en: str, code: int = 2) -> None:
    typer.echo(f"错误：{zh}\nError: {en}", err=True)
    raise typer.Exit(code)


def existing(paths: list[Path]) -> list[Path]:
    for p in paths:
        if not p.exists():
            fail(f"找不到文件或目录：{p}", f"no such file or directory: {p}")
    return paths


Paths = Annotated[list[Path], typer.Argument(help="Workbooks (.xlsx) or folders of workbooks.")]
LawsOpt = Annotated[Optional[Path], typer.Option(
    "--laws", help="Extra or replacement law registry: an export folder or .tar.xz, a JSON of local "
                   "regulations (\"extends\": true), or a registry JSON (default: the shipped national one).")]
InclusiveOpt = Annotated[bool, typer.Option("--inclusive-ends", help="Tier end points both inclusive "
                                            "(default: 以上含本数、以下不含本数).")]


class TerminalProgress(powers.progress.Progress):
    """Stage-by-stage progress drawn with rich on standard error, only when it is a terminal: piped
    or JSON output stays exactly as it was."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[what]}"),
                            console=Console(stderr=True), transient=False)

    @contextmanager
    def stage(self, title: str, total: int | None = None):
        task = self.bar.add_task(title, total=total, what="")
        bar = self.bar

        class _Stage(powers.progress.Stage):
            def advance(self, what: str = "", n: int = 1) -> None:
                bar.update(task, advance=n, what=what)

        try:
            yield _Stage()
        finally:
            bar.update(task, total=total or 1, completed=total or 1, what="")

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()


@contextmanager
def progress_for(quiet: bool = False):
    """A TerminalProgress when standard error is a terminal (and output is not JSON), else the
    library's quiet default."""
    if quiet or not sys.stderr.isatty():
        yield powers.progress.QUIET
        return
    with TerminalProgress() as p:
        yield p


def _laws(path: Path | None):
    if path is not None and not path.exists():
        fail(f"找不到法律法规库：{path}", f"law registry not found: {path}")
    try:
        return powers.LawRegistry.load(path)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        fail(f"法律法规库格式错误：{path}（{e}）", f"invalid law registry {path}: {e}")


def _validate(paths, laws, inclusive_ends, reference=None, progress=None):
    files = powers.find_workbooks(existing(paths))
    if not files:
        catalogs = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.json")))
                    if f.suffix.lower() == ".json"]
        if catalogs:  # a JSON catalog is a foreign layout: say which import reads it
            fail(f"没有找到 .xlsx 工作簿；{catalogs[0].name} 等 JSON 目录须先转换：powers import {catalogs[0]} -o 输出目录",
                 f"no .xlsx workbooks; JSON catalogs such as {catalogs[0].name} must be imported first: "
                 f"powers import {catalogs[0]} -o OUTDIR")
        fail("没有找到 .xlsx 工作簿", "no .xlsx workbooks found in the given paths")
    ref = None
    if reference is not None:
        existing([reference])
        try:
            ref = powers.load_reference(reference)
        except Exception as e:  # noqa: BLE001 - any broken reference file is an argument problem
            fail(f"参照目录无法读取：{reference}（{e}）", f"cannot read reference list {reference}: {e}")
    registry = _laws(laws)
    with progress_for(quiet=progress is False) as p:
        return powers.validate(files, laws=registry, inclusive_ends=inclusive_ends, reference=ref, progress=p)


def _tally(result) -> str:
    s = report.summary(result)
    return (f"读取 {s['rows_read']} 行，接受 {s['rows_accepted']} 行，退回 {s['rows_rejected']} 行；错误 {s['errors']} 个，"
            f"警告 {s['warnings']} 个 / rows read {s['rows_read']}, accepted {s['rows_accepted']}, rejected "
            f"{s['rows_rejected']}; {s['errors']} errors, {s['warnings']} warnings")


@app.command()
def validate(
    paths: Paths,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for the report (required for xlsx).")] = None,
    laws: LawsOpt = None,
    reference: Annotated[Optional[Path], typer.Option("--reference", help="Reference list (xlsx or json) to find "
                                                      "missing and extra powers.")] = None,
    inclusive_ends: InclusiveOpt = False,
    registry: Annotated[Optional[Path], typer.Option("--registry", help="Code registry (codes.sqlite, or a --work "
                                                     "folder holding one) to check codes against, as catalog and "
                                                     "build will; it is not changed.")] = None,
) -> None:
    """Check workbooks and report every finding. Exit 0 without errors, 1 with errors, 2 on bad arguments."""
    if format == ReportFormat.xlsx and out is None:
        fail("xlsx 格式需要用 --out 指定输出目录", "--format xlsx needs --out DIR")
    if registry is not None:
        if registry.is_dir():
            registry = registry / cat.REGISTRY_FILE
        if not registry.is_file():
            fail(f"编码库不存在：{registry}", f"no code registry at {registry}")
    result = _validate(paths, laws, inclusive_ends, reference, progress=None if format != ReportFormat.json else False)
    if registry is not None:  # on a copy: the registry itself is not changed, not even its schema
        import sqlite3
        import tempfile

        with _locked([registry.parent]), tempfile.TemporaryDirectory() as tmp:
            src, copy = sqlite3.connect(registry), sqlite3.connect(Path(tmp) / "codes.sqlite")
            with src, copy:
                src.backup(copy)
            src.close()
            copy.close()
            with powers.CodeRegistry(Path(tmp) / "codes.sqlite") as reg:
                result.findings += cat.code_findings(result, reg)
    if format == ReportFormat.xlsx:
        for p in report.write_annotated(result, out):
            typer.echo(f"已写入 / wrote {p}", err=True)
    else:
        text = {"text": report.to_text, "json": report.to_json, "html": report.to_html}[format.value](result)
        if out is None:
            sys.stdout.write(text)
        else:
            out.mkdir(parents=True, exist_ok=True)
            target = out / f"report.{ 'txt' if format == ReportFormat.text else format.value}"
            target.write_text(text, encoding="utf-8")
            typer.echo(f"已写入 / wrote {target}", err=True)
    if format != ReportFormat.text or out is not None:  # the text report already ends with the tally
        typer.echo(_tally(result), err=True)
    raise typer.Exit(1 if result.errors else 0)


@app.command("catalog")
def catalog_cmd(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for catalog.json, its schema and codes.sqlite.")]
    = Path("build"),
    registry: Annotated[Optional[Path], typer.Option("--registry", help="Code registry (default: OUT/codes.sqlite).")]
    = None,
    release_date: Annotated[Optional[str], typer.Option("--release-date", help="YYYY-MM-DD (default: latest 填报日期).")]
    = None,
    laws: LawsOpt = None,
    inclusive_ends: InclusiveOpt = False,
) -> None:
    """Validate, assign unified codes and write catalog.json with its JSON Schema."""
    rd = _date(release_date)
    result = _validate(paths, laws, inclusive_ends)
    with _locked([out]):
        with powers.CodeRegistry(registry or out / cat.REGISTRY_FILE) as reg:
            catalog, findings = cat.build_catalog(result, reg, rd)
        result.findings += findings
        path = cat.write_catalog(catalog, out)
    s = cat.stats(catalog)
    typer.echo(f"已写入 / wrote {path}: {len(catalog.departments)} 个部门，{s['total']} 项职权（另有子项 {s['sub_items']} 项）")
    typer.echo(_tally(result), err=True)
    if result.errors:
        typer.echo("有错误的行未收入目录，运行 powers validate 查看 / rows with errors were left out; run powers validate",
                   err=True)
    raise typer.Exit(1 if result.errors else 0)


def _locked(folders: list[Path]):
    """Take turns with other powers runs on the same folders (a clear error if one holds them too long)."""
    import contextlib

    from powers import paths as paths_mod

    @contextlib.contextmanager
    def hold():
        try:
            cm = paths_mod.locked(folders, say=lambda msg: typer.echo(msg, err=True))
            cm.__enter__()
        except paths_mod.FolderBusy as e:
            fail(e.zh, e.en)
        except OSError as e:
            fail(f"无法锁定目录：{e}", f"cannot lock the folder: {e}")
        try:
            yield
        finally:
            cm.__exit__(None, None, None)

    return hold()


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"日期格式应为 YYYY-MM-DD：{value}", f"date must be YYYY-MM-DD: {value}")


def _catalog_for(paths: list[Path], registry: Path | None = None, *, codes: bool = True):
    """A catalog.json (or a folder holding one) as given, or workbooks validated on the fly;
    with `codes`, powers are coded against the registry (default build/codes.sqlite)."""
    existing(paths)
    if len(paths) == 1 and (paths[0].suffix == ".json" or (paths[0] / cat.CATALOG_FILE).exists()):
        try:
            return cat.load_catalog(paths[0])
        except ValueError as e:
            fail(f"不是有效的目录文件：{paths[0]}", f"not a valid catalog: {paths[0]} ({str(e)[:200]})")
    result = _validate(paths, None, False, progress=False)
    if not codes:
        return powers.Catalog(departments=result.departments)
    with powers.CodeRegistry(registry or Path("build") / cat.REGISTRY_FILE) as reg:
        catalog, _ = cat.build_catalog(result, reg)
    return catalog


@app.command()
def stats(
    paths: Annotated[list[Path], typer.Argument(help="catalog.json, its folder, or workbooks.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    all_items: Annotated[bool, typer.Option("--all", help="Count internal (内部) items too; by default the "
                                            "public items, as the site counts them.")] = False,
) -> None:
    """Counts per department and category (共N项，其中行政许可X项…), discretion figures and risk points:
    of the public items, the figures the site shows (with --all, internal items too)."""
    from powers.site import public_catalog

    catalog = _catalog_for(paths, codes=False)
    s = cat.stats(catalog if all_items else public_catalog(catalog))
    typer.echo(json.dumps(s, ensure_ascii=False, indent=1) if format == TextOrJson.json else cat.stats_text(s))


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="Older catalog.json (or another city's); with --published, a build's "
                                        "work folder.")],
    new: Annotated[Path, typer.Argument(help="Newer catalog.json.")],
    published: Annotated[bool, typer.Option("--published", help="OLD is a work folder (build --work): compare with "
                                            "the release last published from it (recorded by powers publish).")]
    = False,
    by: Annotated[str, typer.Option("--by", help="Match powers by 'code' (releases) or 'name' (two cities).")] = "code",
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="Also write the 对照表 (comparison table) as a "
                                                 "formatted .xlsx for printing.")] = None,
    pdf: Annotated[Optional[Path], typer.Option("--pdf", help="Also write the 对照表 as a PDF.")] = None,
) -> None:
    """Added, removed, changed and status-changed powers between two catalogs."""
    from powers import tables

    if by not in ("code", "name"):
        fail("--by 只能是 code 或 name", "--by must be code or name")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        fail("对照表文件应以 .xlsx 结尾", "the --xlsx file must end in .xlsx")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        fail("对照表 PDF 应以 .pdf 结尾", "the --pdf file must end in .pdf")
    if published:
        old = _last_published(old)
    older, newer = _catalog_for([old], codes=by == "code"), _catalog_for([new], codes=by == "code")
    d = cat.diff(older, newer, by=by)
    typer.echo(json.dumps(d, ensure_ascii=False, indent=1, default=str) if format == TextOrJson.json
               else cat.diff_text(d))
    if xlsx is not None or pdf is not None:  # documents for filing and posting: public items alone
        from powers.site import public_catalog

        d = cat.diff(public_catalog(older), public_catalog(newer), by=by)
    for path, write in ((xlsx, tables.comparison_xlsx), (pdf, tables.comparison_pdf)):
        if path is not None:
            n = write(d, path, when=newer.release_date)
            typer.echo(f"已写入对照表 / wrote the comparison table: {path}（{n} 行 / rows）", err=True)


def _last_published(work: Path) -> Path:
    """The file of the release last published from work folder `work` (diff --published)."""
    from powers import releases

    existing([work])
    folder = work / "releases"
    last = releases.last_published(folder, releases.published_record(folder))
    if last is None:
        fail(f"{folder / releases.PUBLISHED} 中没有记录已发布且仍保存在此的版本（用 powers publish 发布由 --work {work} "
             "生成的网站后才有）",
             f"{folder / releases.PUBLISHED} records no published release still kept there (powers publish records "
             f"one when it publishes a site built with --work {work})")
    typer.echo(f"与 {last.name.removesuffix('.json')} 发布版比较 / comparing with the release last published: "
               f"{folder / last.name}", err=True)
    return folder / last.name


@app.command("print-list")
def print_list(
    catalog_path: Annotated[Path, typer.Argument(help="catalog.json (or the folder holding it), e.g. a kept release.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the files.")] = Path("清单"),
    department: Annotated[Optional[list[str]], typer.Option("--department", "-d", help="One department's 清单 "
                                                            "(repeatable); default: the whole list and each department's.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write each as PDF.")] = True,
    responsibility: Annotated[bool, typer.Option("--responsibility", "-r", help="Also write each 责任清单 "
                                                 "(责任事项 and 追责情形 of every item in use) beside its 清单.")] = False,
) -> None:
    """The printable 清单 in the standard columns: .xlsx formatted for A4 landscape, and PDF;
    with --responsibility, each 责任清单 too."""
    import itertools

    from powers import tables

    lists = tables.printed_lists(_catalog_for([catalog_path]), department or None, responsibility=responsibility)
    try:
        first = next(lists)
    except ValueError as e:
        unknown = e.args[0]
        fail(f"目录中没有这些部门（或其全部事项不公开）：{'、'.join(unknown)}",
             f"no such department in the catalog (or nothing of it is public): {', '.join(unknown)}")
    out.mkdir(parents=True, exist_ok=True)
    for lst in itertools.chain([first], lists):
        stem = out / tables.safe_file_name(lst.title)
        tables.list_xlsx(lst, stem.with_suffix(".xlsx"))
        if pdf:
            tables.list_pdf(lst, stem.with_suffix(".pdf"))
        typer.echo(f"已写入 / wrote {stem.with_suffix('.xlsx')}{' 和 .pdf' if pdf else ''}：{lst.subtitle}")


@app.command()
def risks(
    catalog_path: Annotated[Path, typer.Argument(help="catalog.json (or the folder holding it), e.g. a kept release.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the files.")] = Path("风险点"),
    department: Annotated[Optional[list[str]], typer.Option("--department", "-d", help="One department's register "
                                                            "(repeatable); default: the whole city's and each "
                                                            "department's.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write each as PDF.")] = True,
) -> None:
    """The 廉政风险点 register: every risk point (flow, step, post, risk, level, 防控措施, the items that
    follow the flow), .xlsx formatted for A4 landscape, and PDF."""
    from powers import risks as risks_mod
    from powers import tables

    catalog = _catalog_for([catalog_path])
    names = department or [None, *(d.name for d in catalog.departments)]
    try:
        registers = [risks_mod.register(catalog, n) for n in names]
    except KeyError as e:
        fail(f"目录中没有这个部门（或其全部事项不公开）：{e.args[0]}",
             f"no such department in the catalog (or nothing of it is public): {e.args[0]}")
    out.mkdir(parents=True, exist_ok=True)
    for reg in registers:
        stem = str(out / tables.safe_file_name(reg.title))
        risks_mod.register_xlsx(reg, stem + ".xlsx")
        if pdf:
            risks_mod.register_pdf(reg, stem + ".pdf")
        typer.echo(f"已写入 / wrote {stem}.xlsx{' 和 .pdf' if pdf else ''}：{reg.subtitle}")


@app.command()
def template(out: Annotated[Path, typer.Argument(help="Where to write the blank workbook (.xlsx).")]) -> None:
    """Write a blank department workbook: four sheets, instructions, drop-downs, example rows."""
    if out.suffix.lower() != ".xlsx":
        fail("输出文件应以 .xlsx 结尾", "the output file must end in .xlsx")
    powers.write_template(out)
    typer.echo(f"已写入 / wrote {out}")


@app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Published files: a discretion standard (.xls/.xlsx, one "
                                                "sheet per law), a flat 权责清单 (.xls/.xlsx) or a JSON catalog.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the standard workbooks (one per department).")],
    department: Annotated[Optional[str], typer.Option("--department", help="部门名称 (default: from the title row "
                                                      "or the file name).")] = None,
    number: Annotated[Optional[str], typer.Option("--number", help="部门编号, 2 digits.")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="行政区划代码, 6 digits.")] = None,
    credit_code: Annotated[Optional[str], typer.Option("--credit-code", help="统一社会信用代码.")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="行使层级 1–5 (or 市级 …).")] = None,
    filled_date: Annotated[Optional[str], typer.Option("--date", help="填报日期 YYYY-MM-DD.")] = None,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Mapping report format.")] = TextOrJson.text,
) -> None:
    """Turn published layouts into the standard workbook, with a mapping report (导入说明)."""
    from powers import importers

    existing(files)
    _date(filled_date)
    lv = importers.level_number(level) if level else None
    if level and lv is None:
        fail(f"行使层级应为 1–5 或 国家级/省级/市级/县级/乡镇级：{level}", f"--level must be 1-5 or a level name: {level}")
    opts = importers.Options(department=department, number=number, region=region, credit_code=credit_code,
                             level=lv, date=filled_date)
    sources, skipped = importers.source_files(files, out)
    if skipped:
        typer.echo(f"跳过 {len(skipped)} 个不是 .xls/.xlsx/.json 的文件 / skipped {len(skipped)} other files: "
                   + "、".join(p.name for p in skipped[:10]) + ("…" if len(skipped) > 10 else ""), err=True)
    if not sources:
        fail("没有找到可导入的文件（.xls、.xlsx、.json）", "no files to import (.xls, .xlsx, .json) in the given folders")
    reports, failed, taken = [], 0, set()
    for f in sources:
        try:
            result = importers.import_file(f, opts)
            written = importers.write_workbooks(result, out, taken)
        except importers.ImportError_ as e:
            zh, en = str(e).removeprefix(f"{f.name}："), (e.en or "").removeprefix(f"{f.name}: ")
            typer.echo(f"错误：{f}：{zh}\nError: cannot import {f}" + (f": {en}" if en else ""), err=True)
            failed += 1
            continue
        reports.append({**result.to_json(), "written": [str(p) for p in written], "outcomes": result.outcomes})
        if format == TextOrJson.text:
            typer.echo(result.report(), nl=False)
            for p in written:
                done = "已更新 / replaced" if result.outcomes.get(str(p)) == "replaced" else "已写入 / wrote"
                typer.echo(f"{done} {p}（导入说明见工作表“导入说明”和 {p.stem}.导入说明.json）")
        for w in result.warnings:
            zh, _, en = w.partition("\n")
            typer.echo(f"警告：{zh}\nWarning: {en}", err=True)
    if format == TextOrJson.json:
        typer.echo(json.dumps(reports, ensure_ascii=False, indent=1))
    if reports and format == TextOrJson.text:
        typer.echo(f"下一步 / next: powers validate {out}")
    raise typer.Exit(2 if failed and not reports else (1 if failed else 0))


def _check_font(font: str = flowcharts_mod.FONT) -> None:
    if flowcharts_mod.resolve_font(font) is None:
        typer.echo(f"警告：字体“{font}”未找到，中文可能显示为方块；请安装：{flowcharts_mod.INSTALL_HINT}\n"
                   f"Warning: font '{font}' does not resolve; Chinese may not render. Install: "
                   f"{flowcharts_mod.INSTALL_HINT}", err=True)


@app.command()
def flowcharts(
    paths: Annotated[list[Path], typer.Argument(help="Workbooks, folders, or a catalog.json.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the charts.")] = Path("build/flowcharts"),
    format: Annotated[list[ChartFormat], typer.Option("--format", "-f", help="svg (web), png or pdf (print); "
                                                      "repeat for several.")] = [ChartFormat.svg],  # noqa: B006
    power: Annotated[Optional[str], typer.Option("--power", help="Only this power (基本编码 or 实施编码), titled "
                                                 "with its name, code and time limit.")] = None,
    registry: Annotated[Optional[Path], typer.Option("--registry", help="Code registry (default build/codes.sqlite).")]
    = None,
    font: Annotated[str, typer.Option("--font", help="Font family for Chinese text.")] = flowcharts_mod.FONT,
    per_power: Annotated[bool, typer.Option("--per-power", help="One file per power and sub-item, named "
                                            "{code}-{name}, titled with department, name, code, time limits, flow "
                                            "and 监督电话; and each department's 流程图汇编 PDF.")] = False,
    department: Annotated[Optional[list[str]], typer.Option("--department", "-d", help="With --per-power: only "
                                                            "this department (repeatable).")] = None,
    book: Annotated[bool, typer.Option("--book/--no-book", help="With --per-power: also write the 流程图汇编 PDF "
                                       "(cover, contents, one chart per page).")] = True,
) -> None:
    """Render every power's operation flowchart with Graphviz (one chart per distinct flow); with
    --per-power, a department's charts one file per power, and its 流程图汇编."""
    try:
        flowcharts_mod.graphviz_version()
    except flowcharts_mod.FlowchartError as e:
        fail(*str(e).split("\n", 1))
    _check_font(font)
    catalog = _catalog_for(paths, registry)
    if per_power:
        _per_power_charts(catalog, out, department, tuple(dict.fromkeys(f.value for f in format)), book, font)
        return
    settings = flowcharts_mod.ChartSettings(font=font, formats=tuple(dict.fromkeys(f.value for f in format)))
    with _locked([out]):  # runs sharing the folder take turns (charts and index.json), as catalog and build do
        report_, index = flowcharts_mod.render_catalog(catalog, out, settings, power_code=power)
        if not power:
            (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                            "utf-8")
    if power and not index:
        fail(f"目录中没有编码为 {power} 的事项", f"no power with code {power} in the catalog")
    for stem, labels in report_.overflowing.items():
        typer.echo(f"警告：{stem}.svg 中有文字超出方框：{'、'.join(labels[:3])} / Warning: labels overflow their boxes in "
                   f"{stem}.svg (check the font)", err=True)
    charts = len(set(report_.charts.values()))
    typer.echo(f"{len(index)} 个事项，{charts} 张流程图：新绘制 {report_.rendered} 张，复用 {report_.reused} 张 / "
               f"{len(index)} powers, {charts} charts: {report_.rendered} rendered, {report_.reused} reused "
               f"→ {out}")


def _per_power_charts(catalog, out: Path, departments: list[str] | None, formats: tuple[str, ...], book: bool,
                      font: str) -> None:
    from powers import chartbook
    from powers.tables import safe_file_name

    names = [d.name for d in catalog.departments]
    unknown = [n for n in departments or [] if n not in names]
    if unknown:
        fail(f"目录中没有这些部门：{'、'.join(unknown)}", f"no such department in the catalog: {', '.join(unknown)}")
    with _locked([out]):
        for name in departments or names:
            folder = out / safe_file_name(name) if not departments or len(departments) > 1 else out
            r = chartbook.department_charts(catalog, name, folder, out / ".cache", formats, book=book, font=font)
            typer.echo(f"{name}：{len(r.files)} 个文件，{r.flows} 张流程图（新绘制 {r.drawn} 张、复用 {r.reused} 张）→ "
                       f"{folder} / {len(r.files)} files, {r.flows} distinct flows ({r.drawn} drawn, {r.reused} reused)")
            if r.without_flow:
                typer.echo(f"注意：{len(r.without_flow)} 个事项没有流程，未出图：{'、'.join(r.without_flow[:5])} / "
                           f"note: {len(r.without_flow)} powers have no flow and get no chart", err=True)


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(help="Workbooks or folders (e.g. inventories/).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Site folder.")] = Path("site"),
    work: Annotated[Path, typer.Option("--work", help="Folder for catalog.json, codes.sqlite, chart cache and "
                                       "kept releases.")] = Path("build"),
    previous: Annotated[Optional[Path], typer.Option("--previous", help="Previous release's catalog.json for the "
                                                     "change log (default: the last release published from --work, "
                                                     "else the last release kept there).")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Public URL of the site, for sitemap.xml.")]
    = None,
    draft: Annotated[bool, typer.Option("--draft", help="Build even with errors; every page says DRAFT.")] = False,
    demo: Annotated[bool, typer.Option("--demo", help="The data is invented (the shipped inventories/): every page "
                                       "says 演示数据 and asks not to be indexed.")] = False,
    release_date: Annotated[Optional[str], typer.Option("--release-date", help="YYYY-MM-DD (default: latest "
                                                        "填报日期).")] = None,
    laws: LawsOpt = None,
) -> None:
    """Run the whole pipeline (validate → catalog → flowcharts → site) into a static site."""
    from powers import paths as paths_mod
    from powers import pipeline, site

    existing(paths)
    try:
        paths_mod.guard_output(out, paths, work=work)
    except paths_mod.OutputRefused as e:
        fail(e.zh, e.en)
    prev = None
    if previous is not None:
        existing([previous])
        prev = cat.load_catalog(previous)
    try:
        flowcharts_mod.graphviz_version()
    except flowcharts_mod.FlowchartError as e:
        fail(*str(e).split("\n", 1))
    _check_font()
    registry_laws, rd = _laws(laws), _date(release_date)
    try:
        with _locked([work, out]), progress_for() as progress:
            r = pipeline.build(paths, out, work=work, previous=prev, laws=registry_laws, release_date=rd,
                               options=site.SiteOptions(base_url=base_url, draft=draft, demo=demo), progress=progress)
    except paths_mod.OutputRefused as e:  # the output changed while waiting for the lock
        fail(e.zh, e.en)
    except pipeline.BuildRefused as e:
        typer.echo(report.to_text(e.result), err=True)
        fail(f"清单有 {len(e.result.errors)} 个错误，拒绝发布；改正后重试，或用 --draft 生成草稿",
             f"{len(e.result.errors)} errors: refusing to build a publishable site; fix them or use --draft", 1)
    s = r.public_stats
    compared = f"{r.previous_published} 发布版" if r.previous_published else r.previous or "首次发布"
    typer.echo(f"{'草稿' if draft else '网站'}已生成 / site built: {out} — {len(r.pages)} 个页面，公开 {s['total']} 项；"
               f"流程图新绘制 {r.charts_rendered} 张、复用 {r.charts_reused} 张；变更记录对比：{compared}"
               + (f"；版本 / release {r.release}" if r.release else ""))
    if base_url is None:
        typer.echo("提示：未指定 --base-url，未生成 sitemap.xml / note: no --base-url, so no sitemap.xml", err=True)
    typer.echo(_tally(r.validation), err=True)


@app.command()
def publish(
    site_dir: Annotated[Path, typer.Argument(help="The built site folder.")],
    dest: Annotated[Path, typer.Argument(help="Portal folder to publish into.")],
    rollback: Annotated[bool, typer.Option("--rollback", help="Swap the previous release back into DEST.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Publish even a draft (built from workbooks with errors); "
                                        "recorded in the manifest and the publish log.")] = False,
) -> None:
    """Swap a built site into DEST atomically, keep DEST.previous, write manifest.json (SHA-256).
    A draft is refused unless --force; every publish is logged in DEST.publish-log.jsonl, and in the
    build's work folder (releases/published.jsonl: the next change log compares with it)."""
    from powers import paths as paths_mod
    from powers import publish as pub

    try:
        note = lambda message: typer.echo(f"注意 / note: {message}", err=True)  # noqa: E731
        if rollback:
            pub.rollback(dest, say=note)
            typer.echo(f"已回滚 / rolled back: {dest}")
            return
        files = pub.publish(site_dir, dest, force=force, say=note)
    except pub.PublishError as e:
        fail(*str(e).split(" / ", 1))
    except paths_mod.FolderBusy as e:
        fail(e.zh, e.en)
    except OSError as e:
        fail(f"发布失败，目标目录未改变：{e}", f"publish failed, {dest} is unchanged: {e}", 1)
    kept = dest.with_name(f"{dest.name}.previous")
    note = f"（上一版本保留在 {kept}，可用 --rollback 回滚）" if kept.exists() else ""
    typer.echo(f"已发布 / published {len(files)} 个文件 → {dest}{note}")


@app.command()
def serve(
    site_dir: Annotated[Path, typer.Argument(help="The built site folder.")] = Path("site"),
    port: Annotated[int, typer.Option("--port", "-p")] = 8000,
) -> None:
    """Preview the site on http://127.0.0.1:PORT/ (search needs http, not file://)."""
    from powers import publish as pub

    existing([site_dir])
    server = pub.make_server(site_dir, port)
    typer.echo(f"预览 / serving {site_dir} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C 停止)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    """Console entry point: an unexpected failure is reported in two languages, not as a traceback
    (set POWERS_DEBUG=1 to see it)."""
    import os

    try:
        app()
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        if os.environ.get("POWERS_DEBUG"):
            raise
        typer.echo(f"内部错误：{type(e).__name__}: {e}\n"
                   f"Internal error: {type(e).__name__}: {e}\n"
                   "请把命令和输入文件报告给维护者；设置 POWERS_DEBUG=1 可查看详细信息 / "
                   "please report the command and input; set POWERS_DEBUG=1 for the traceback", err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":  # pragma: no cover
    main()
