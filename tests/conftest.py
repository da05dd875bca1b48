"""Fixtures shared by every area's tests: the shipped examples and a registry path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from procreg_tui import resources


@pytest.fixture(autouse=True)
def _private_state_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep what the app keeps of unsaved edits inside the test's own folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def example_paths() -> list[Path]:
    """The shipped example definition files, sorted by file name."""
    return sorted(resources.examples_dir().glob("*.json"))


@pytest.fixture
def example_definitions(example_paths: list[Path]) -> list[dict[str, Any]]:
    """The shipped example definitions, in the order of their file names."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in example_paths]


@pytest.fixture
def registry_path(tmp_path: Path) -> Path:
    """A registry file that does not exist yet, in a folder of its own."""
    return tmp_path / "registry.json"
