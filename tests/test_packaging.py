"""The wheel carries everything: the CLI module, templates and the law registry."""
import subprocess
import sys
import zipfile

from conftest import INVENTORIES, ROOT


def test_wheel_works_outside_the_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = list(tmp_path.glob("powers-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "cli.py" in names and "powers/data/laws.json" in names and "powers/templates/power.html" in names
    unpacked = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from powers.templating import templates_dir; from powers.legal import LawRegistry; "
            "import powers, cli; assert str(templates_dir()).startswith(sys.argv[1]), templates_dir(); "
            "assert powers.__file__.startswith(sys.argv[1]); print(len(LawRegistry.load()))")
    out = subprocess.run([sys.executable, "-c", code, str(unpacked)], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 50
    cli_run = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import cli; "
                              "cli.app(['validate', sys.argv[2]])", str(unpacked), str(INVENTORIES)],
                             cwd=tmp_path, capture_output=True, text=True)
    assert cli_run.returncode == 0, cli_run.stderr
