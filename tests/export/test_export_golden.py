"""Every export format of the shipped examples matches its golden file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from procreg_tui.export import ENGINE_FORMATS, ExportFormat, export_text
from procreg_tui.registry import Registry

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PROCREG_UPDATE_GOLDEN") == "1"
"""Set PROCREG_UPDATE_GOLDEN=1 to rewrite the golden files; review the diff."""

FILES = {
    ExportFormat.REGISTRY: "examples.registry.json",
    ExportFormat.DEFINITIONS: "examples.definitions.json",
    ExportFormat.NDJSON: "examples.ndjson",
    ExportFormat.SH: "examples.sh",
}


@pytest.mark.parametrize("export_format", list(FILES))
def test_examples_export_matches_golden_file(
    export_format: ExportFormat,
    registry_path: Path,
    example_definitions: list[dict[str, Any]],
) -> None:
    """The examples, stored as ids 1-6, export to exactly the golden text."""
    with Registry.open(registry_path) as registry:
        records = registry.create_many(example_definitions)

    text = export_text(records, export_format)

    golden = GOLDEN / FILES[export_format]
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_format_has_a_golden_file() -> None:
    """No export format goes without a golden file (schedulers: one per example)."""
    assert set(FILES) | ENGINE_FORMATS == set(ExportFormat)
    assert all((GOLDEN / name).is_file() for name in FILES.values())
