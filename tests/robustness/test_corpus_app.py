"""The hostile corpus through the app: drawn literally, reported exactly."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import FILES, TEXTS, HostileFile, HostileText, hostile_definition
from corpus import raw_controls as raw
from rendered import screen_text, styles_over
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from procreg_tui.app import ProcregApp, create_app
from procreg_tui.app._live_panel import LivePanel
from procreg_tui.registry import Registry

pytestmark = pytest.mark.asyncio

_STORED_TEXT = '{\n  "exec": "/bin/true"\n}\n'
_REPORT_LINE = re.compile(
    r"^\{file\}:(?P<line>\d+):(?P<column>\d+): (?P<severity>\w+): (?P<path>\S+): "
    r"(?P<message>.*)$"
)


@pytest.fixture(autouse=True)
def _steady_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursors, no display, no tmux: the screen is the same each time."""
    for widget_class in (Input, TextArea):
        original = widget_class.__init__

        def steady(
            self: object, *args: object, _init: object = original, **kw: object
        ) -> None:
            _init(self, *args, **kw)  # type: ignore[operator]
            self.cursor_blink = False  # type: ignore[attr-defined]

        monkeypatch.setattr(widget_class, "__init__", steady)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)


async def _loaded(pilot: Pilot[int]) -> ProcregApp:
    app = pilot.app
    assert isinstance(app, ProcregApp)
    for _ in range(1000):
        if app.loaded and app.analysis is not None:
            break
        await pilot.pause(0.01)
    assert app.loaded, "the registry was never loaded"
    await pilot.pause()
    return app


@pytest.fixture
def hostile_registry(
    registry_path: Path, request: pytest.FixtureRequest
) -> Iterator[Registry]:
    """A registry of one definition carrying the case's text in every field."""
    case: HostileText = request.param
    with Registry.open(registry_path) as registry:
        registry.create(hostile_definition(case.text))
        yield registry


@pytest.mark.parametrize(
    ("hostile_registry", "case"),
    [pytest.param(case, case, id=case.name) for case in TEXTS],
    indirect=["hostile_registry"],
)
async def test_the_app_draws_hostile_text_literally(
    hostile_registry: Registry, case: HostileText
) -> None:
    """List, title, command line and wiring show the text as text, in one style."""
    app = create_app(hostile_registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot)
        small = screen_text(app)
        await pilot.resize_terminal(200, 60)
        await pilot.pause(0.2)
        wide = screen_text(app)

        assert (raw(small), raw(wide)) == ([], [])
        drawn = case.wiring or case.cli
        mark = " " if case.reaches_process else "✗"
        assert f"{mark}  1  {case.app}"[:20] in wide
        assert f"#1 {case.app}" in wide
        assert f"process         /opt/{drawn}/run  (2 arguments)"[:60] in wide
        # A word written with printf may wrap at the space inside it.
        assert case.shell in app.query_one(LivePanel).command_line_text
        assert all(piece in wide for piece in case.shell.split(" "))
        for literal in (f"#1 {case.app}", case.shell.split(" ")[0]):
            assert [len(styles) for styles in styles_over(app, literal)] == [1]


@pytest.mark.parametrize(
    ("hostile_registry", "case"),
    [pytest.param(case, case, id=case.name) for case in TEXTS],
    indirect=["hostile_registry"],
)
async def test_copying_a_hostile_command_line_shows_it_literally(
    hostile_registry: Registry, case: HostileText
) -> None:
    """Without a sure clipboard, the copy dialog shows the command line as text."""
    app = create_app(hostile_registry)
    async with app.run_test(size=(200, 60)) as pilot:
        await _loaded(pilot)
        await pilot.press("c")
        for _ in range(300):
            if app.last_copy is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        shown = screen_text(app)

        assert raw(shown) == []
        assert all(piece in shown for piece in case.shell.split(" "))
        if case.reaches_process:
            assert case.shell in app.screen.query_one(TextArea).text
        else:  # Not runnable: no copy, the panel shows why.
            assert case.shell in app.query_one(LivePanel).command_line_text


def _expected_problems(case: HostileFile) -> list[tuple[str, str, int, int, str]]:
    """Return (severity, path, line, column, message) of each line of the report."""
    expected = []
    for line in case.report.splitlines():
        match = _REPORT_LINE.match(line)
        assert match is not None, line
        expected.append(
            (
                match["severity"],
                match["path"],
                int(match["line"]),
                int(match["column"]),
                match["message"],
            )
        )
    return expected


@pytest.mark.parametrize("case", [case.param for case in FILES])
async def test_a_hostile_file_from_the_editor_is_reported_exactly(
    case: HostileFile,
    registry_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bytes saved by $EDITOR are read as validate reads them: the same problems."""
    source = tmp_path / "saved.json"
    source.write_bytes(case.data)
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\ncp {source} "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", str(editor))
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/true"})
        app = create_app(registry)
        async with app.run_test(size=(200, 60)) as pilot:
            await _loaded(pilot)
            await pilot.press("e")
            for _ in range(500):
                if app.analysis and app.analysis.document.text != _STORED_TEXT:
                    break
                await pilot.pause(0.01)
            await pilot.pause(0.2)
            analysis = app.analysis
            assert analysis is not None
            got = [
                (str(p.severity), p.json_path, p.line, p.column, p.message)
                for p in analysis.problems
            ]
            shown = screen_text(app)

    assert got == _expected_problems(case)
    assert raw(shown) == []
