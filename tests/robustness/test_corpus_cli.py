"""The hostile corpus through every headless command: exact reports, literal text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from corpus import (
    FILES,
    TEXTS,
    HostileFile,
    HostileText,
    hostile_definition,
)
from corpus import raw_controls as raw
from procreg_runner import Procreg, run_procreg

from procreg_tui.export import ExportFormat
from procreg_tui.registry import Registry

_TERMINAL_COMMANDS = [
    ("list",),
    ("list", "--json"),
    ("show", "1"),
    ("show", "1", "--json"),
    ("render", "1"),
    ("render", "1", "--wiring"),
    ("render", "1", "--json"),
    ("validate", "1"),
    ("validate", "1", "--json"),
    *[("export", "--format", export_format.value) for export_format in ExportFormat],
]


def _terminal_cases() -> list[object]:
    """Every case with every command."""
    return [
        pytest.param(case, command, id=f"{case.name}-{' '.join(command)}")
        for case in TEXTS
        for command in _TERMINAL_COMMANDS
    ]


@pytest.fixture
def hostile(registry_path: Path, request: pytest.FixtureRequest) -> HostileText:
    """The registry holding one definition that carries the case's text everywhere."""
    case: HostileText = request.param
    with Registry.open(registry_path) as registry:
        registry.create(hostile_definition(case.text))
    return case


@pytest.mark.parametrize("case", [case.param for case in FILES])
def test_validate_reports_exactly_what_is_wrong(
    case: HostileFile, procreg: Procreg, tmp_path: Path
) -> None:
    """validate FILE prints the exact located problems and the right exit status."""
    path = tmp_path / f"{case.name}.json"
    path.write_bytes(case.data)

    outcome = procreg("validate", str(path))

    assert (outcome.status, outcome.stdout) == (
        case.status,
        case.report.format(file=path),
    )


@pytest.mark.parametrize("case", [case.param for case in FILES])
def test_import_stores_exactly_or_refuses_everything(
    case: HostileFile, procreg: Procreg, tmp_path: Path
) -> None:
    """import stores the definition as read, or refuses it and stores nothing."""
    path = tmp_path / f"{case.name}.json"
    path.write_bytes(case.data)

    imported = procreg("import", str(path))
    listed = procreg("export", "--format", "definitions")

    expected = [] if case.stored is None else [case.stored]
    assert (imported.status, json.loads(listed.stdout)) == (
        0 if case.stored is not None else 1,
        expected,
    )
    assert raw(imported.stdout + imported.stderr) == []


@pytest.mark.parametrize(
    ("hostile", "command"), _terminal_cases(), indirect=["hostile"]
)
def test_a_terminal_never_gets_a_raw_control_character(
    hostile: HostileText, command: tuple[str, ...], procreg: Procreg
) -> None:
    """Every command writing to a terminal escapes what would act on it."""
    outcome = procreg(*command, tty=True)

    assert raw(outcome.stdout) == []
    assert raw(outcome.stderr) == []


@pytest.mark.parametrize("hostile", [case.param for case in TEXTS], indirect=True)
def test_list_and_render_show_the_text_literally(
    hostile: HostileText, procreg: Procreg
) -> None:
    """list shows the label with controls escaped; render writes each control as
    a printf that a shell reads back as the exact text.

    Text no process can be given is an error that render names instead.
    """
    listed = procreg("list", tty=True)
    rendered = procreg("render", "1", "--wiring", tty=True)

    assert listed.stdout.startswith(f"1  {hostile.cli}  single  {hostile.cli}  ")
    if not hostile.reaches_process:
        assert rendered.status == 1
        assert "#1: error: $.exec: `exec` holds a NUL character" in rendered.stderr
        assert rendered.stderr.endswith(
            "procreg: #1 has errors; its command line cannot be rendered\n"
        )
        return
    assert f" {hostile.shell} " in rendered.stdout
    read_back = subprocess.run(
        ["sh", "-c", f"printf %s {hostile.shell}"], capture_output=True, check=True
    )
    assert read_back.stdout.decode() == f"--label={hostile.text}"
    drawn = hostile.wiring or hostile.cli
    assert f"process         /opt/{drawn}/run  (2 arguments)" in rendered.stdout


@pytest.mark.parametrize("hostile", [case.param for case in TEXTS], indirect=True)
def test_json_of_hostile_text_reads_back_exactly(
    hostile: HostileText, procreg: Procreg, tmp_path: Path
) -> None:
    """show, list --json and every JSON export hold the exact text, as JSON."""
    expected = hostile_definition(hostile.text)

    shown = json.loads(procreg("show", "1").stdout)
    listed = json.loads(procreg("list", "--json").stdout)
    exported = procreg("export").stdout
    allow = [] if hostile.reaches_process else ["--allow-invalid"]
    again = run_procreg(tmp_path / "again.json", "import", *allow, "-", stdin=exported)
    re_exported = run_procreg(tmp_path / "again.json", "export").stdout

    assert shown == expected
    assert listed["objects"][0]["definition"] == expected
    assert again.status == 0
    assert re_exported == exported


@pytest.mark.parametrize("case", [case.param for case in TEXTS])
def test_problems_quoting_hostile_keys_are_escaped(
    case: HostileText, procreg: Procreg, tmp_path: Path
) -> None:
    """A key made of hostile text is named in its warning, escaped, on one line."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"exec": "/bin/true", case.text: 1}), "utf-8")

    outcome = procreg("validate", str(path), tty=True)

    assert outcome.status == 0
    assert raw(outcome.stdout + outcome.stderr) == []
    assert len(outcome.stdout.splitlines()) == 1
    assert case.cli in outcome.stdout
