"""Fixtures shared by every area's tests: the shipped examples and a registry path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from procreg_tui import resources


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
