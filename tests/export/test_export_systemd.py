"""The systemd export: units systemd-analyze accepts, their words read back exactly."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    HOSTILE,
    check_golden,
    export_examples,
    hostile_definition,
    run_procreg,
    store,
)

from procreg_tui.export import ExportError, ExportFormat, engine_export
from procreg_tui.export._engine import one_line
from procreg_tui.resolve import resolve

_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}


def verify(*units: Path) -> list[str]:
    """Return what ``systemd-analyze verify`` says about ``units``, line by line."""
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze is needed (apt-get install systemd)"
    result = subprocess.run(
        [analyze, "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
    )
    return (result.stdout + result.stderr).splitlines()


def words(value: str, *, variables: bool = True) -> list[str]:
    """Return the words of a setting written as double-quoted words.

    systemd.syntax(7): C escapes are undone, ``%%`` is ``%``, and in command
    lines ``$$`` is ``$`` in the arguments (the executable's path is taken as
    written). The words must cover the whole value.
    """
    found = _WORD.findall(value)
    assert " ".join(f'"{word}"' for word in found) == value
    out = []
    for index, word in enumerate(found):
        text = _ESCAPE.sub(
            lambda m: (
                chr(int(m.group(1)[1:], 16))
                if m.group(1).startswith("x")
                else _ESCAPES[m.group(1)]
            ),
            word.replace("%%", "%"),
        )
        out.append(text.replace("$$", "$") if variables and index else text)
    return out


def settings(text: str) -> dict[str, str]:
    """Return the ``Key=value`` lines of a unit (the last of each key)."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key: value for key, value in pairs if not key.startswith("#")}


def test_examples_match_golden_files(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Each example's unit is exactly its golden file."""
    export = export_examples(registry_path, example_definitions, ExportFormat.SYSTEMD)

    check_golden(export, "systemd")


def test_systemd_analyze_verify_accepts_every_example(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """systemd-analyze verify reports only executables that this machine lacks."""
    export = export_examples(registry_path, example_definitions, ExportFormat.SYSTEMD)
    paths = export.write(tmp_path)

    messages = [line for path in paths for line in verify(path)]

    missing = [
        d["exec"]
        for d in example_definitions
        if d["exec"].startswith("/") and not Path(d["exec"]).exists()
    ]
    assert messages == [
        f"{path.name}: Command {executable} is not executable: No such file or"
        " directory"
        for path, d in zip(paths, example_definitions, strict=True)
        for executable in [d["exec"]]
        if executable in missing
    ]


def test_hostile_unit_verifies_and_reads_back_exactly(
    registry_path: Path, tmp_path: Path
) -> None:
    """Arguments and environment with $, %, quotes and controls survive systemd."""
    arguments = [*HOSTILE, "line\nbreak", "bell\x07", "$$"]
    definition = {**hostile_definition(arguments), "cwd": "/tmp/100% it's"}
    export = engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)
    (path,) = export.write(tmp_path)

    found = settings(export.text)

    assert verify(path) == []
    assert words(found["ExecStart"]) == list(resolve(definition).argv)
    assert words(found["Environment"], variables=False) == [
        f"HOSTILE={definition['environment']['HOSTILE']}"
    ]
    assert found["WorkingDirectory"] == "/tmp/100%% it's"
    assert export.warnings == []


@pytest.mark.parametrize("name", ["with space", "100%", "$HOME", "ünï", "a;b"])
def test_systemd_finds_an_executable_named_with_awkward_characters(
    registry_path: Path, tmp_path: Path, name: str
) -> None:
    """systemd itself unquotes the exported executable to the file that exists.

    It also shows that the executable's path is not expanded: ``$`` is kept.
    """
    executable = tmp_path / name
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    definition = {"exec": str(executable), "argv": ["$HOME"]}
    export = engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)

    (unit,) = export.write(tmp_path)

    assert verify(unit) == []
    assert words(settings(export.text)["ExecStart"]) == [str(executable), "$HOME"]


def test_single_is_oneshot_with_a_start_timeout(registry_path: Path) -> None:
    """single: Type=oneshot and TimeoutStartSec; service: simple and RuntimeMaxSec."""
    single = {"exec": "/bin/true", "process_type": "single", "timeout": 1.5}
    service = {"exec": "/bin/true", "process_type": "service", "timeout": 30}

    export = engine_export(
        store(registry_path, [single, service]), ExportFormat.SYSTEMD
    )

    first, second = (settings(document.text) for document in export.documents)
    assert (first["Type"], first["TimeoutStartSec"]) == ("oneshot", "1.5")
    assert (second["Type"], second["RuntimeMaxSec"]) == ("simple", "30")


@pytest.mark.parametrize(
    ("timeout", "written"),
    [
        (1.5, "1.5"),
        (0.25, "0.25"),
        (3601.000001, "3601.000001"),
        (1.1, "1.1"),
        (1e-9, "0.000001"),
        (2.0, "2"),
    ],
)
def test_a_fractional_timeout_is_kept_to_the_microsecond(
    registry_path: Path, tmp_path: Path, timeout: float, written: str
) -> None:
    """systemd counts microseconds: the value is written as it is, never 0."""
    service = {"exec": "/bin/true", "process_type": "service", "timeout": timeout}
    export = engine_export(store(registry_path, [service]), ExportFormat.SYSTEMD)

    (unit,) = export.write(tmp_path)

    assert settings(export.text)["RuntimeMaxSec"] == written
    assert export.warnings == []
    assert verify(unit) == []


def test_streams_become_standard_settings(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Stream adapters become StandardInput=file: and StandardOutput=file:."""
    tr = next(d for d in example_definitions if d["name"] == "tr-strip-x")
    bindings = {"input_file": "/data/in 1", "output_file": "/data/out%1"}

    export = engine_export(store(registry_path, [tr]), ExportFormat.SYSTEMD, bindings)

    found = settings(export.text)
    assert found["StandardInput"] == "file:/data/in 1"
    assert found["StandardOutput"] == "file:/data/out%%1"


REFUSED_PATHS = [
    ("relative dir", "is relative: systemd needs an absolute path"),
    (" /tmp/lead", "is relative: systemd needs an absolute path"),
    (
        "/tmp/trail ",
        "ends with white space, which systemd strips from a setting; it has no"
        " quoting for paths",
    ),
    (
        "/tmp/tab\t",
        "ends with white space, which systemd strips from a setting; it has no"
        " quoting for paths",
    ),
    ("/tmp/../etc", "holds a .. component, which systemd refuses in a path"),
]
"""Folders and files systemd cannot be given, and why."""


@pytest.mark.parametrize(("path", "reason"), REFUSED_PATHS)
def test_a_working_directory_systemd_cannot_hold_is_an_error(
    registry_path: Path, path: str, reason: str
) -> None:
    """A relative, space-ended or .. folder stops the export, naming the field."""
    definition = {"name": "job", "exec": "/bin/true", "cwd": path}

    with pytest.raises(ExportError) as raised:
        engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)

    assert str(raised.value) == f"definition 1 (job): cwd {one_line(path)} {reason}"


@pytest.mark.parametrize(("path", "reason"), REFUSED_PATHS)
def test_a_stream_file_systemd_cannot_hold_is_an_error(
    registry_path: Path,
    example_definitions: list[dict[str, Any]],
    path: str,
    reason: str,
) -> None:
    """StandardOutput= ignores a relative file: the export stops instead."""
    tr = next(d for d in example_definitions if d["name"] == "tr-strip-x")
    records = store(registry_path, [tr])

    with pytest.raises(ExportError) as raised:
        engine_export(records, ExportFormat.SYSTEMD, {"output_file": path})

    assert str(raised.value) == (
        f"definition 1 (tr-strip-x): StandardOutput {one_line(path)} {reason}"
    )


def test_systemd_takes_no_quotes_in_a_working_directory(tmp_path: Path) -> None:
    """Why white space at the end of a folder is refused, not quoted.

    systemd strips it from the value and reads quotes as part of the path.
    """
    unit = tmp_path / "quoted.service"
    unit.write_text(
        '[Service]\nType=oneshot\nExecStart=/bin/true\nWorkingDirectory="/tmp/x "\n'
    )
    relative = tmp_path / "relative.service"
    relative.write_text(
        "[Service]\nType=oneshot\nExecStart=/bin/true\nWorkingDirectory=x y\n"
    )

    assert verify(unit) == [
        f'{unit}:4: WorkingDirectory= path is not absolute: "/tmp/x "',
        "quoted.service: Unit configuration has fatal error, unit will not be started.",
        "Unit quoted.service has a bad unit file setting.",
    ]
    assert verify(relative)[0] == (
        f"{relative}:4: WorkingDirectory= path is not absolute: x y"
    )


@pytest.mark.parametrize(
    "executable", ["bin/tool", "/opt/it's", '/opt/say"', "/opt/back\\slash", ".."]
)
def test_an_executable_systemd_refuses_is_an_error(
    registry_path: Path, executable: str
) -> None:
    """ExecStart= with such an executable is a fatal error: the export stops."""
    definition = {"name": "job", "exec": executable}

    with pytest.raises(ExportError) as raised:
        engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)

    assert str(raised.value) == (
        f"definition 1 (job): exec {executable} is refused by systemd: an executable"
        " must be an absolute path or a plain name, without quotes, backslashes or"
        " control characters"
    )


@pytest.mark.parametrize("output", ["stdout", "file", "dir"])
def test_procreg_export_writes_nothing_for_a_relative_folder(
    registry_path: Path, tmp_path: Path, output: str
) -> None:
    """procreg export --format systemd: exit 1, the message, and no file at all."""
    store(registry_path, [{"name": "job", "exec": "/bin/true", "cwd": "relative dir"}])
    target = {"stdout": [], "file": ["-o", str(tmp_path / "job.service")]}.get(
        output, ["-o", f"{tmp_path / 'units'}/"]
    )
    before = sorted(tmp_path.iterdir())

    result = run_procreg(registry_path, "export", "1", "--format", "systemd", *target)

    assert result == (
        1,
        "",
        "procreg: definition 1 (job): cwd relative dir is relative: systemd needs an"
        " absolute path; nothing was written\n",
    )
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.parametrize("name", ["-x", "@x", ":x", "+x", "!x", "|x"])
def test_an_executable_named_like_a_prefix_runs_under_its_own_name(
    registry_path: Path, tmp_path: Path, name: str
) -> None:
    """systemd reads "-", "@", ":", "+", "!" and "|" before the executable as
    how to run it, even quoted; such a name is handed to a shell instead, and
    the words systemd reads run the program by that name."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / name
    program.write_text('#!/bin/sh\nprintf "%s|" "$0" "$@"\n', encoding="utf-8")
    program.chmod(0o755)
    definition = {"exec": name, "argv": ["a b", "$HOME"]}
    export = engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)
    (unit,) = export.write(tmp_path)
    command = words(settings(export.text)["ExecStart"])

    ran = subprocess.run(
        command,
        env={"PATH": f"{folder}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert verify(unit) == []
    assert command[0] == "sh"
    assert (ran.returncode, ran.stdout) == (0, f"{program}|a b|$HOME|")
