"""Fixtures shared by the registry tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from procreg_tui.registry import Registry


@pytest.fixture
def registry_path(tmp_path: Path) -> Path:
    """A registry file that does not exist yet, in a directory of its own."""
    return tmp_path / "registry.json"


@pytest.fixture
def registry(registry_path: Path) -> Iterator[Registry]:
    """An open, empty, writable registry."""
    with Registry.open(registry_path) as opened:
        yield opened
