"""Export formats: the registry list document, definitions, NDJSON, shell, schedulers.

The export area turns registry records into text and writes it to files; it
never prints and never imports the app or the CLI.

Each name is imported from its module on first use, so that a command printing
JSON does not load the scheduler formats and resolution.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procreg_tui.export._engine import EngineDocument, EngineExport
    from procreg_tui.export._errors import ExportError
    from procreg_tui.export._files import (
        make_folders,
        remove_folders,
        write_all_atomically,
        write_atomically,
    )
    from procreg_tui.export._format import ExportFormat
    from procreg_tui.export._formats import export_text
    from procreg_tui.export._json import dumps_line, dumps_pretty, json_safe
    from procreg_tui.export._schedulers import ENGINE_FORMATS, engine_export

_MODULES = {
    "ENGINE_FORMATS": "_schedulers",
    "EngineDocument": "_engine",
    "EngineExport": "_engine",
    "ExportError": "_errors",
    "ExportFormat": "_format",
    "dumps_line": "_json",
    "dumps_pretty": "_json",
    "engine_export": "_schedulers",
    "export_text": "_formats",
    "json_safe": "_json",
    "make_folders": "_files",
    "remove_folders": "_files",
    "write_all_atomically": "_files",
    "write_atomically": "_files",
}

__all__ = [
    "ENGINE_FORMATS",
    "EngineDocument",
    "EngineExport",
    "ExportError",
    "ExportFormat",
    "dumps_line",
    "dumps_pretty",
    "engine_export",
    "export_text",
    "json_safe",
    "make_folders",
    "remove_folders",
    "write_all_atomically",
    "write_atomically",
]


def __getattr__(name: str) -> Any:
    """Return ``name`` from the module that defines it, importing it on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
