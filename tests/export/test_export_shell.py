"""The sh export: functions that run each definition's exact argument vector."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from procreg_tui.export import ExportFormat, export_text
from procreg_tui.registry import Registry
from procreg_tui.resolve import resolve

DUMPER = "import json, sys; print(json.dumps(sys.argv[1:]))"
"""A program that prints the arguments it was given as a JSON array."""

TRICKY_VALUES = [
    "plain",
    "with space",
    "it's",
    'double "quoted"',
    "$HOME and `date` and $(id)",
    "back\\slash",
    "new\nline",
    "",
    "-leading-dash",
    "${other}",
    "ünïcødé",
]


def _records(registry_path: Path, definitions: list[dict[str, Any]]) -> list[Any]:
    with Registry.open(registry_path) as registry:
        return registry.create_many(definitions)


def _run_function(script: str, function: str, variables: dict[str, str]) -> Any:
    """Source ``script`` in ``sh`` and run ``function`` with shell variables set."""
    environment = {"PATH": "/usr/bin:/bin", **variables}
    completed = subprocess.run(
        ["sh", "-c", f'. "$1" && {function}', "sh", script],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_function_passes_variables_as_exactly_one_argument(
    value: str, registry_path: Path, tmp_path: Path
) -> None:
    """A ${name} read from the shell reaches the process unchanged, wherever it sits."""
    definition = {
        "name": "dump",
        "exec": sys.executable,
        "argv": [
            "-c",
            DUMPER,
            "${input_file}",
            "--in=${input_file}",
            "quoted ${input_file} word's",
            "$${literal}",
            "${input_file}${input_file}",
        ],
    }
    script = tmp_path / "jobs.sh"
    script.write_text(
        export_text(_records(registry_path, [definition]), ExportFormat.SH)
    )

    argv = _run_function(str(script), "procreg_dump", {"input_file": value})

    expected = resolve(definition, {"input_file": value}).argv[3:]
    assert argv == list(expected)
    assert argv[0] == value
    assert argv[3] == "${literal}"


def test_function_stops_when_a_variable_is_unset(
    registry_path: Path, tmp_path: Path
) -> None:
    """Calling a function without its variable fails with a message naming it."""
    definition = {"name": "dump", "exec": sys.executable, "argv": ["${input_file}"]}
    script = tmp_path / "jobs.sh"
    script.write_text(
        export_text(_records(registry_path, [definition]), ExportFormat.SH)
    )

    completed = subprocess.run(
        ["sh", "-c", '. "$1" && procreg_dump', "sh", str(script)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )

    assert completed.returncode != 0
    assert "procreg_dump needs input_file to be set" in completed.stderr


def test_function_names_are_unique_and_never_shadow_commands(
    registry_path: Path,
) -> None:
    """Functions are prefixed with procreg_; a repeated label gets its id."""
    definitions = [
        {"name": "sort", "exec": "sort"},
        {"name": "Sort!", "exec": "sort"},
        {"exec": "/usr/bin/tr"},
        {"name": "\x1b[31mred", "exec": "true"},
    ]

    script = export_text(_records(registry_path, definitions), ExportFormat.SH)

    functions = [line for line in script.splitlines() if line.endswith("() (")]
    assert functions == [
        "procreg_sort() (",
        "procreg_sort_2() (",
        "procreg_tr() (",
        "procreg_31mred() (",
    ]
    assert "# /api/process_definition/4/: \\x1b[31mred" in script
    assert "\x1b" not in script


def test_a_name_with_its_id_already_taken_is_never_given_twice(
    registry_path: Path,
) -> None:
    """x_y_2 first, x y second, then x-y as definition 3 ... : a label and its
    id appended can name one already taken; every function still has a name of
    its own, so none replaces another."""
    definitions = [
        {"name": "x_y_3", "exec": "true"},
        {"name": "x y", "exec": "true"},
        {"name": "x-y", "exec": "true"},
    ]

    script = export_text(_records(registry_path, definitions), ExportFormat.SH)

    functions = [line for line in script.splitlines() if line.endswith("() (")]
    assert functions == [
        "procreg_x_y_3() (",
        "procreg_x_y() (",
        "procreg_x_y_3_3() (",
    ]


def test_function_runs_in_a_subshell_so_cd_stays_inside(
    registry_path: Path, tmp_path: Path
) -> None:
    """A definition's cwd does not change the directory of the calling shell."""
    work = tmp_path / "work dir"
    work.mkdir()
    definition = {"name": "here", "exec": "/bin/pwd", "cwd": str(work)}
    script = tmp_path / "jobs.sh"
    script.write_text(
        export_text(_records(registry_path, [definition]), ExportFormat.SH)
    )

    completed = subprocess.run(
        ["sh", "-c", '. "$1" && procreg_here && pwd', "sh", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )

    assert completed.stdout.splitlines() == [str(work), str(tmp_path)]
