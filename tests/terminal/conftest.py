"""Fixtures of the terminal tests: a registry file of the shipped examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from procreg_tui.registry import Registry


@pytest.fixture
def registry_file(tmp_path: Path, example_definitions: list[dict[str, Any]]) -> Path:
    """A registry file holding the shipped examples under ids 1, 2, ..."""
    path = tmp_path / "registry.json"
    with Registry.open(path) as registry:
        registry.create_many(example_definitions)
    return path
