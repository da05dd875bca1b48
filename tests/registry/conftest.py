"""Fixtures shared by the registry tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from procreg_tui.registry import Registry


@pytest.fixture
def registry(registry_path: Path) -> Iterator[Registry]:
    """An open, empty, writable registry."""
    with Registry.open(registry_path) as opened:
        yield opened
