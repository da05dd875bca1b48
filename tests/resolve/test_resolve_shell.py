"""The shell command line: its words, its quoting, and how it starts the executable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest

from procreg_tui.resolve import Redirection, Resolution, command_line, quote, resolve

SHELLS = [shell for shell in ("sh", "bash") if shutil.which(shell)]


def resolution(
    argv: tuple[str, ...],
    *,
    cwd: str | None = None,
    environment: dict[str, str] | None = None,
    timeout: float | None = None,
    redirections: tuple[Redirection, ...] = (),
) -> Resolution:
    """Return a resolution with only the given parts set."""
    return Resolution(
        argv=argv,
        cwd=cwd,
        environment=MappingProxyType(environment or {}),
        timeout=timeout,
        redirections=redirections,
        unbound=frozenset(),
    )


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("plain", "plain"),
        ("", "''"),
        ("$HOME", "'$HOME'"),
        ("two words", "'two words'"),
        ("it's", "'it'\"'\"'s'"),
        ("-rf", "-rf"),
        ("a\nb", "'a\nb'"),
        ("a\tb", "'a'\"$(printf '\\011')\"'b'"),
        ("\\t", "'\\t'"),
        ("café", "'café'"),
        ("*", "'*'"),
        ("~", "'~'"),
    ],
)
def test_quote_writes_one_word_the_shell_leaves_alone(word: str, quoted: str) -> None:
    """quote() leaves safe words bare and single-quotes everything else."""
    assert quote(word) == quoted


@pytest.mark.skipif(not SHELLS, reason="no POSIX shell installed")
@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    "word",
    [
        "",
        "$HOME",
        "a'b\"c",
        "`id`",
        "$(id)",
        "x\ny",
        "x\ty\t",
        "; exit 3",
        "!!",
        "*",
        "é",
    ],
)
def test_a_quoted_word_reads_back_unchanged(shell: str, word: str) -> None:
    """The shell prints exactly the word quote() wrote."""
    completed = subprocess.run(
        [shell, "-c", f"printf %s {quote(word)}"],
        capture_output=True,
        check=True,
        env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"},
    )
    assert completed.stdout.decode("utf-8") == word


def test_the_spec_example_renders_as_the_spec_shows() -> None:
    """cwd, environment, timeout and both redirections render in the SPEC's order."""
    definition = {
        "exec": "/usr/bin/tr",
        "argv": ["-d", "x"],
        "cwd": "/srv/work",
        "environment": {"LANG": "C"},
        "timeout": 60,
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
    }
    bindings = {"input_file": "/path/to/input", "output_file": "/path/to/output"}

    line = command_line(resolve(definition, bindings))

    assert line == (
        "cd /srv/work && env LANG=C timeout 60 /usr/bin/tr -d x"
        " < /path/to/input > /path/to/output"
    )


@pytest.mark.parametrize(
    ("given", "line"),
    [
        (resolution(("/bin/true",)), "/bin/true"),
        (resolution(("true",)), "env true"),
        (resolution(("-x",)), "env -- -x"),
        (resolution(("-",)), "sh -c '\"$@\"' sh -"),
        (resolution(("-",), environment={"A": "1"}), "env A=1 -"),
        (resolution(("-",), timeout=5), "timeout 5 -"),
        (resolution(("eval", "rm -rf ~")), "env eval 'rm -rf ~'"),
        (resolution(("a=b",)), "'a=b'"),
        (resolution(("/opt/a=b/run",)), "'/opt/a=b/run'"),
        (resolution(("true",), environment={"A": "1"}), "env A=1 true"),
        (
            resolution(("a=b", "x"), environment={"A": "1"}),
            "env A=1 sh -c '\"$@\"' sh a=b x",
        ),
        (resolution(("a=b",), timeout=5), "timeout 5 a=b"),
        (resolution(("t",), timeout=2.5), "timeout 2.5 t"),
        (resolution(("t",), timeout=3.0), "timeout 3 t"),
        (resolution(("t",), environment={"-A": "1"}), "env -- -A=1 t"),
        (
            resolution(("t",), environment={"V": "$HOME x"}),
            "env 'V=$HOME x' t",
        ),
        (resolution(("/bin/t",), cwd="/srv/my dir"), "cd '/srv/my dir' && /bin/t"),
        (resolution(("/bin/t",), cwd="-work"), "cd ./-work && /bin/t"),
        (resolution(("/bin/t",), cwd="/a/../b"), "cd -P /a/../b && /bin/t"),
        (resolution(("a=b",), cwd="/w"), "cd /w && 'a=b'"),
        (
            resolution(
                ("/bin/t",),
                redirections=(
                    Redirection(0, "in file"),
                    Redirection(2, "-err", append=True),
                ),
            ),
            "/bin/t < 'in file' 2>> -err",
        ),
        (resolution(("/bin/t",), redirections=(Redirection(1, "o"),)), "/bin/t > o"),
        (
            resolution(("/bin/t",), redirections=(Redirection(1, "o", append=True),)),
            "/bin/t >> o",
        ),
        (resolution(("/bin/t",), redirections=(Redirection(2, "e"),)), "/bin/t 2> e"),
        (resolution(("/bin/t", "")), "/bin/t ''"),
    ],
)
def test_command_line_words(given: Resolution, line: str) -> None:
    """Each part of a resolution renders as the exact words expected."""
    assert command_line(given) == line


@pytest.fixture(scope="module")
def reporter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a program printing its argv as JSON, under hostile names."""
    folder = tmp_path_factory.mktemp("bin")
    for name in ("eval", "exit", "-x", "a=b", "-a=b", "if", "cd"):
        path = folder / name
        path.write_text(
            f"#!{sys.executable} -I\n"
            "import json, sys\nprint(json.dumps(sys.argv[1:]))\n",
            encoding="utf-8",
        )
        path.chmod(0o755)
    return folder


@pytest.mark.skipif(not SHELLS, reason="no POSIX shell installed")
@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name", ["eval", "exit", "-x", "a=b", "-a=b", "if", "cd"])
@pytest.mark.parametrize(
    ("environment", "timeout"),
    [({}, None), ({"A": "1"}, None), ({}, 30), ({"A": "1"}, 30)],
)
def test_the_executable_is_the_program_never_a_builtin(
    reporter: Path,
    shell: str,
    name: str,
    environment: dict[str, str],
    timeout: int | None,
) -> None:
    """A bare exec named like a builtin, an option or an assignment runs the program."""
    line = command_line(
        resolution(
            (name, "echo hacked; exit 7"), environment=environment, timeout=timeout
        )
    )

    completed = subprocess.run(
        [shell, "-c", line],
        capture_output=True,
        check=False,
        env={"PATH": f"{reporter}{os.pathsep}{os.environ['PATH']}"},
    )

    assert (completed.returncode, json.loads(completed.stdout)) == (
        0,
        ["echo hacked; exit 7"],
    )
