"""The headless commands never load Textual, and the console script works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = """\
import io, json, sys
from procreg_tui.cli import run

results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    status = run(argv, stdin=io.StringIO('{"exec": "x"}'), stdout=out, stderr=err,
                 environ={})
    results.append(status)
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "textual")
print(json.dumps({"statuses": results, "textual": loaded}))
"""


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    """Every command runs in a fresh interpreter without textual in sys.modules."""
    db = str(tmp_path / "registry.json")
    out = str(tmp_path / "out.sh")
    commands = [
        ["--db", db, "import", "-"],
        ["--db", db, "list"],
        ["--db", db, "list", "--json"],
        ["--db", db, "show", "1"],
        ["--db", db, "validate"],
        ["--db", db, "render", "1", "--wiring"],
        ["--db", db, "export", "--format", "sh", "-o", out],
        ["--db", db, "delete", "1"],
        ["--db", db, "restore", "1"],
        ["--db", db, "delete", "1"],
        ["--db", db, "purge"],
        ["--db", db, "paths"],
        ["--help"],
        ["list", "--help"],
    ]

    completed = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(commands)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )

    report = json.loads(completed.stdout)
    assert report == {"statuses": [0] * len(commands), "textual": []}


@pytest.mark.parametrize(
    "launcher",
    [
        [sys.executable, "-m", "procreg_tui"],
        [str(Path(sys.executable).with_name("procreg"))],
    ],
)
def test_console_script_and_module_run_the_cli(
    launcher: list[str], tmp_path: Path
) -> None:
    """`procreg` and `python -m procreg_tui` exit with run()'s status and output."""
    if not Path(launcher[0]).exists():
        pytest.skip("the console script is not installed next to this Python")

    completed = subprocess.run(
        [*launcher, "--db", str(tmp_path / "r.json"), "show", "1"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )

    assert (completed.returncode, completed.stdout, completed.stderr) == (
        1,
        "",
        "procreg: no definition 1\n"
        f"procreg: no registry at {tmp_path / 'r.json'} yet: the first import or "
        "change creates it\n",
    )


def test_app_without_terminal_exits_2_from_the_console(tmp_path: Path) -> None:
    """`procreg` with no command and no terminal prints the hint and exits 2."""
    completed = subprocess.run(
        [sys.executable, "-m", "procreg_tui", "--db", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )

    assert completed.returncode == 2
    assert completed.stderr.startswith("procreg: the app needs a terminal")


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """A reader that stops early (| head -1) gets no traceback on stderr."""
    db = tmp_path / "r.json"
    lines = "".join(f'{{"exec": "x{n}"}}\n' for n in range(3000))
    subprocess.run(
        [sys.executable, "-m", "procreg_tui", "--db", str(db), "import", "-"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    )

    completed = subprocess.run(
        f"'{sys.executable}' -m procreg_tui --db '{db}' export | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.stdout == '{\n  "meta"'
    assert completed.stderr == ""
