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
