"""Fixtures of the app tests: a registry of the examples, a quiet environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from procreg_tui.registry import Registry


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop every cursor from blinking, so screens are the same at any moment."""
    for widget_class in (Input, TextArea):
        original = widget_class.__init__

        def steady(self: Any, *args: Any, _init: Any = original, **kw: Any) -> None:
            _init(self, *args, **kw)
            self.cursor_blink = False

        monkeypatch.setattr(widget_class, "__init__", steady)


@pytest.fixture(autouse=True)
def _no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a login node: no display, not inside tmux, no editor chosen."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def registry(
    tmp_path: Path, example_definitions: list[dict[str, Any]]
) -> Iterator[Registry]:
    """A registry holding the shipped examples under ids 1, 2, ..."""
    with Registry.open(tmp_path / "registry.json") as opened:
        opened.create_many(example_definitions)
        yield opened
