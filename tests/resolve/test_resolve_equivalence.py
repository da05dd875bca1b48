"""The command line, run by sh and bash, gives the process what the definition says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from procreg_tui.resolve import command_line, resolve

SHELLS = [shell for shell in ("sh", "bash") if shutil.which(shell)]

DUMPER = """\
import json, os, sys
data = {
    "argv": sys.argv,
    "cwd": os.getcwd(),
    "environ": dict(os.environ),
    "stdin": sys.stdin.buffer.read().decode("utf-8"),
}
sys.stdout.write(json.dumps(data))
"""

SHELL_OWNED = {"PWD", "OLDPWD", "SHLVL", "_"}
"""Variables the shells themselves set or change; not the definition's."""

HOSTILE = "$`\"'\\;&|!*?[]{}()<>#~ =-\n\t\u00e9\u4e2d\U0001f600"
"""Characters the shell would act on, and some it must pass untouched."""

EXECUTABLE_NAMES = [
    "dump",
    "-",
    "-dump",
    "du=mp",
    "-d=ump",
    "eval",
    "if",
    "du mp",
    "dümp",
]
"""Names the dumper is installed under: options, assignments, builtins, keywords."""

VARIABLES = ["input_file", "output_file", "a", "b_2"]


def _characters(excluded: str) -> st.SearchStrategy[str]:
    """Return hostile characters and any others, except ``excluded``."""
    hostile = [character for character in HOSTILE if character not in excluded]
    return st.sampled_from(hostile) | st.characters(
        exclude_characters=excluded, exclude_categories=("Cs",)
    )


words = st.text(alphabet=_characters("\0"), max_size=12)
literals = st.text(alphabet=_characters("\0{"), max_size=8)
file_names = st.text(
    alphabet=_characters("\0/"),
    min_size=1,
    max_size=16,
).filter(lambda name: name not in (".", ".."))


@dataclass(frozen=True)
class Piece:
    """One part of an argument: literal text, a variable, or the ``$${`` escape."""

    raw: str
    variable: str | None = None


pieces = st.one_of(
    literals.map(Piece),
    st.sampled_from(VARIABLES).map(lambda name: Piece("${" + name + "}", name)),
    st.just(Piece("$${")),
)


def expected_argument(parts: list[Piece], bindings: dict[str, str]) -> tuple[str, str]:
    """Return an argument as written and its value, worked out piece by piece."""
    raw, value = "", ""
    for index, piece in enumerate(parts):
        following = parts[index + 1] if index + 1 < len(parts) else None
        text = piece.raw
        if piece.variable is None and text.endswith("$") and following is not None:
            # A trailing "$" would join the next piece into "$${".
            text += "x"
        raw += text
        if piece.variable is not None:
            value += bindings.get(piece.variable, piece.raw)
        elif text == "$${":
            value += "${"
        else:
            value += text
    return raw, value


@dataclass
class Case:
    """One generated definition with what the process must receive."""

    arguments: list[list[Piece]]
    bindings: dict[str, str]
    environment: dict[str, str]
    folder: str
    relative_cwd: bool
    timeout: int | float | None
    executable_name: str
    by_path: bool
    stdin_text: str | None
    output_name: str | None


cases = st.builds(
    Case,
    arguments=st.lists(st.lists(pieces, max_size=4), max_size=6),
    bindings=st.dictionaries(st.sampled_from(VARIABLES), words, max_size=3),
    environment=st.dictionaries(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).map(
            lambda name: "PROCREG_TEST_" + name
        ),
        words,
        max_size=3,
    ),
    folder=file_names,
    relative_cwd=st.booleans(),
    timeout=st.sampled_from([None, 30, 7.5]),
    executable_name=st.sampled_from(EXECUTABLE_NAMES),
    by_path=st.booleans(),
    stdin_text=st.none() | words,
    output_name=st.none() | file_names,
)


@pytest.fixture(scope="module")
def programs() -> Any:
    """A folder holding the dumper under every name of ``EXECUTABLE_NAMES``."""
    with tempfile.TemporaryDirectory(prefix="procreg bin ") as folder:
        for name in EXECUTABLE_NAMES:
            path = Path(folder, name)
            path.write_text(f"#!{sys.executable} -I\n{DUMPER}", encoding="utf-8")
            path.chmod(0o755)
        yield Path(folder)


@pytest.mark.skipif(not SHELLS, reason="no POSIX shell installed")
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases)
# GNU env reads a lone "-" as -i, even after "--": the run must not go through it.
@example(
    case=Case(
        arguments=[[]],
        bindings={},
        environment={},
        folder="w",
        relative_cwd=False,
        timeout=None,
        executable_name="-",
        by_path=False,
        stdin_text=None,
        output_name=None,
    )
)
def test_the_command_line_hands_the_process_the_definition(
    programs: Path, case: Case
) -> None:
    """sh and bash give the process the definition's argv, cwd, environment, files."""
    with tempfile.TemporaryDirectory(prefix="procreg run ") as scratch:
        base = Path(scratch)
        folder = base / case.folder
        folder.mkdir()

        bindings = dict(case.bindings)
        definition: dict[str, Any] = {
            "exec": str(programs / case.executable_name)
            if case.by_path
            else case.executable_name,
            "environment": case.environment,
            "cwd": case.folder if case.relative_cwd else str(folder),
        }
        if case.timeout is not None:
            definition["timeout"] = case.timeout

        definition["argv"] = [
            expected_argument(parts, {})[0] for parts in case.arguments
        ]

        if case.stdin_text is not None:
            stdin_path = base / "in $(x) `y` 'z'"
            stdin_path.write_bytes(case.stdin_text.encode("utf-8"))
            bindings["input_file"] = str(stdin_path)
            definition["input_adapter"] = {
                "input_type": "file",
                "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
            }
        output_path = None
        if case.output_name is not None:
            output_path = base / ("out " + case.output_name)
            bindings["output_file"] = str(output_path)
            definition["output_adapter"] = {
                "output_type": "file",
                "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
            }
        expected_arguments = [
            expected_argument(parts, bindings)[1] for parts in case.arguments
        ]

        line = command_line(resolve(definition, bindings))
        base_environment = {
            "PATH": f"{programs}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LC_ALL": "C.UTF-8",
        }

        for shell in SHELLS:
            if output_path is not None and output_path.exists():
                output_path.unlink()
            completed = subprocess.run(
                [shell, "-c", line],
                cwd=base,
                env=base_environment,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
            assert completed.returncode == 0, (shell, line, completed.stderr)
            report = (
                output_path.read_bytes()
                if output_path is not None
                else completed.stdout
            )
            seen = json.loads(report)

            expected_program = programs / case.executable_name
            assert seen["argv"] == [str(expected_program), *expected_arguments], line
            assert seen["cwd"] == os.path.realpath(folder), line
            environ = {
                name: value
                for name, value in seen["environ"].items()
                if name not in SHELL_OWNED
            }
            assert environ == base_environment | case.environment, line
            assert seen["stdin"] == (case.stdin_text or ""), line
