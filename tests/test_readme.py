"""The README's tour covers every command, and the README gives exactly the two set-up commands."""
import re

from typer.main import get_command

from cli import app
from conftest import ROOT


def test_every_command_is_in_the_tour():
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in get_command(app).commands:
        assert f"### `powers {name}" in readme or f"`powers {name}`" in readme, name
        assert f"$ powers {name}" in readme, f"no real example of powers {name}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    setup = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [ln.split("#")[0].strip() for ln in setup.strip().splitlines()] == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _tour_block(readme: str, command: str) -> list[str]:
    """The output lines the README shows under `$ command` (up to the next command or block end)."""
    body = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    lines = body.split("\n$ ", 1)[0].splitlines()
    return [ln for ln in lines if ln.strip() and ln.strip() != "…"]


def test_tour_validate_outputs_are_what_the_commands_print(tmp_path, monkeypatch):
    """The validate examples of the tour, re-run on the workbooks scripts/readme_examples.py writes."""
    import importlib.util
    import shutil

    from typer.testing import CliRunner

    spec = importlib.util.spec_from_file_location("readme_examples", ROOT / "scripts" / "readme_examples.py")
    examples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(examples)
    examples.police_with_mistakes(tmp_path)
    examples.ecology_outside_range(tmp_path)
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    monkeypatch.chdir(tmp_path)
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in ("powers validate inventories/06-统计局.xlsx", "powers validate 公安局-有错误.xlsx",
                    "powers validate 生态环境局-超出法定幅度.xlsx"):
        out = CliRunner().invoke(app, command.split()[1:]).output
        missing = [ln for ln in _tour_block(readme, command) if ln.startswith(("  ", "合计", "==")) and ln not in out]
        assert not missing, (command, missing)
