"""Export formats: the registry list document, definitions, NDJSON, a shell script.

The export area turns registry records into text and writes it to files; it
never prints and never imports the app or the CLI.
"""

from __future__ import annotations

from procreg_tui.export._errors import ExportError
from procreg_tui.export._files import write_atomically
from procreg_tui.export._format import ExportFormat
from procreg_tui.export._formats import export_text
from procreg_tui.export._json import dumps_line, dumps_pretty, json_safe
from procreg_tui.export._shell import definition_label

__all__ = [
    "ExportError",
    "ExportFormat",
    "definition_label",
    "dumps_line",
    "dumps_pretty",
    "export_text",
    "json_safe",
    "write_atomically",
]
