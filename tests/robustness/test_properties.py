"""Generated hostile input through the core, the command line and the app."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from corpus import raw_controls as raw
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from procreg_runner import run_procreg
from rendered import screen_text
from strategies import DEFINITIONS, JSON_VALUES

from procreg_tui.app import ProcregApp, create_app
from procreg_tui.definition import Severity, load_text, validate
from procreg_tui.registry import Registry, RegistryError, problems_of
from procreg_tui.resolve import command_line, resolve, sample_bindings, wiring

_PROBLEM_LINE = re.compile(
    r"^(?P<file>.+?):\d+:\d+: (?P<severity>error|warning|info): \$"
)


def _examples(count: int) -> settings:
    """Run ``count`` generated examples, however slow each one is."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@_examples(400)
@given(JSON_VALUES | DEFINITIONS)
def test_the_core_takes_any_json_value(value: Any) -> None:
    """validate, resolve, command_line and wiring never raise; problems are placed."""
    text = json.dumps(value, indent=2)
    document = load_text(text, "gen.json")

    problems = validate(value, document=document)
    resolution = resolve(
        value, sample_bindings(value) if isinstance(value, dict) else None
    )
    line = command_line(resolution)
    drawn = wiring(value)
    lines = drawn.to_text(60) + drawn.to_text(30, ascii_only=True)

    for problem in document.problems + problems:
        assert isinstance(problem.severity, Severity)
        assert problem.message.strip()
        assert (problem.line is None) == (problem.column is None)
        assert problem.line is not None
    assert isinstance(line, str)
    assert json.loads(json.dumps(drawn.to_json()))
    assert [raw(part) for part in lines] == [[] for _ in lines]
    assert all(len(part) <= 60 for part in lines[: len(drawn.to_text(60))])


@_examples(150)
@given(DEFINITIONS)
def test_the_commands_take_any_definition_file(definition: dict[str, Any]) -> None:
    """validate, render and import of any file end in 0 or 1 with placed problems."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "job.json"
        path.write_text(json.dumps(definition, indent=2, ensure_ascii=False), "utf-8")
        registry = Path(folder) / "registry.json"

        checked = run_procreg(registry, "validate", str(path), tty=True)
        rendered = run_procreg(registry, "render", str(path), "--wiring", tty=True)
        imported = run_procreg(registry, "import", "--dry-run", str(path), tty=True)
        stored = run_procreg(registry, "import", "--allow-invalid", str(path), tty=True)

    has_error = any(" error: " in line for line in checked.stdout.splitlines())
    for outcome in (checked, rendered, imported, stored):
        assert outcome.status in (0, 1), outcome.stderr
        assert "internal error" not in outcome.stderr
        assert raw(outcome.stdout + outcome.stderr) == []
    for line in checked.stdout.splitlines():
        assert _PROBLEM_LINE.match(line), line
    assert checked.status == (1 if has_error else 0)
    assert rendered.status == checked.status
    assert imported.status == checked.status


@_examples(60)
@given(st.lists(DEFINITIONS, min_size=1, max_size=4))
def test_export_import_export_is_identical(definitions: list[dict[str, Any]]) -> None:
    """Every storable definition survives export, import and export unchanged."""
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "first.json"
        with Registry.open(first) as registry:
            try:
                registry.create_many(definitions)
            except RegistryError as refusal:
                assume("too large to store" not in str(refusal))
                raise

        for export_format in ("registry", "definitions", "ndjson"):
            second = Path(folder) / f"second-{export_format}.json"
            exported = run_procreg(first, "export", "--format", export_format)
            imported = run_procreg(
                second, "import", "--allow-invalid", "-", stdin=exported.stdout
            )
            again = run_procreg(second, "export", "--format", export_format)

            assert (exported.status, imported.status) == (0, 0), imported.stderr
            assert again.stdout == exported.stdout
        shown = run_procreg(first, "export", "--format", "definitions")

    assert json.loads(shown.stdout) == definitions


@_examples(200)
@given(DEFINITIONS)
def test_the_stored_check_is_what_validate_finds(definition: dict[str, Any]) -> None:
    """The problems kept with a stored definition are those ``validate`` finds,
    read back from the file by a fresh registry."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.json"
        with Registry.open(path) as registry:
            try:
                registry.create(definition)
            except RegistryError as refusal:
                assume("too large to store" not in str(refusal))
                raise
        with Registry.open(path, read_only=True) as registry:
            (record,) = registry.records()

    assert problems_of(record) == validate(record.definition)


async def _show_in_app(definition: dict[str, Any], folder: Path) -> tuple[str, str]:
    """Open the app on a registry of ``definition``; return both screens' text."""
    with Registry.open(folder / "registry.json") as registry:
        try:
            registry.create(definition)
        except RegistryError as refusal:
            assume("too large to store" not in str(refusal))
            raise
        app = create_app(registry)
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app, ProcregApp)
            for _ in range(500):
                if app.loaded and app.analysis is not None:
                    break
                await pilot.pause(0.01)
            small = screen_text(app)
            await pilot.resize_terminal(200, 60)
            await pilot.pause(0.1)
            wide = screen_text(app)
            assert app.analysis is not None
            assert app.analysis.failure is None
    return small, wide


@_examples(15)
@given(DEFINITIONS)
def test_the_app_shows_any_definition(definition: dict[str, Any]) -> None:
    """The app opens any stored definition and draws no raw control character."""
    with tempfile.TemporaryDirectory() as folder:
        small, wide = asyncio.run(_show_in_app(definition, Path(folder)))

    assert "Definitions 1/1" in small
    assert (raw(small), raw(wide)) == ([], [])
