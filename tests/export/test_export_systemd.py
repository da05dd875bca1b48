"""The systemd export: units systemd-analyze accepts, their words read back exactly."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    HOSTILE,
    check_golden,
    export_examples,
    hostile_definition,
    store,
)

from procreg_tui.export import ExportFormat, engine_export
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
    assert (first["Type"], first["TimeoutStartSec"]) == ("oneshot", "2")
    assert (second["Type"], second["RuntimeMaxSec"]) == ("simple", "30")


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


def test_relative_paths_are_warnings(registry_path: Path) -> None:
    """systemd needs absolute folders: a relative cwd is said so."""
    definition = {"exec": sys.executable, "cwd": "work"}

    export = engine_export(store(registry_path, [definition]), ExportFormat.SYSTEMD)

    assert export.warnings == [
        f"definition 1 ({Path(sys.executable).name}): cwd work is relative: systemd"
        " needs an absolute path."
    ]
