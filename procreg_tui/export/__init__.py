"""Export formats: the registry list document, definitions, NDJSON, shell, schedulers.

The export area turns registry records into text and writes it to files; it
never prints and never imports the app or the CLI.
"""

from __future__ import annotations

from procreg_tui.export._engine import EngineDocument, EngineExport
from procreg_tui.export._errors import ExportError
from procreg_tui.export._files import write_atomically
from procreg_tui.export._format import ExportFormat
from procreg_tui.export._formats import export_text
from procreg_tui.export._json import dumps_line, dumps_pretty, json_safe
from procreg_tui.export._schedulers import ENGINE_FORMATS, engine_export
from procreg_tui.export._shell import definition_label

__all__ = [
    "ENGINE_FORMATS",
    "EngineDocument",
    "EngineExport",
    "ExportError",
    "ExportFormat",
    "definition_label",
    "dumps_line",
    "dumps_pretty",
    "engine_export",
    "export_text",
    "json_safe",
    "write_atomically",
]
