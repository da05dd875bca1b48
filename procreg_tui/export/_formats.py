"""The export formats and the function that produces each."""

from __future__ import annotations

from collections.abc import Sequence

from procreg_tui.export._format import ExportFormat
from procreg_tui.export._json import dumps_line, dumps_pretty
from procreg_tui.export._schedulers import ENGINE_FORMATS, engine_export
from procreg_tui.export._shell import shell_script
from procreg_tui.registry import Record, list_document


def export_text(records: Sequence[Record], export_format: ExportFormat) -> str:
    """Return ``records`` written in ``export_format``, ending with a new line.

    Every JSON format keeps each definition exactly: its keys in their order,
    keys procreg does not know, and all text. Importing the text into an empty
    registry and exporting again gives the same text. The ``sh`` format renders
    each definition's command line (see :mod:`procreg_tui.export._shell`); the
    scheduler formats give the stream of :func:`engine_export`.
    """
    if export_format in ENGINE_FORMATS:
        return engine_export(records, export_format).text
    if export_format is ExportFormat.REGISTRY:
        return dumps_pretty(list_document(records)) + "\n"
    if export_format is ExportFormat.DEFINITIONS:
        return dumps_pretty([record.definition for record in records]) + "\n"
    if export_format is ExportFormat.NDJSON:
        return "".join(dumps_line(record.definition) + "\n" for record in records)
    return shell_script(
        [(record.id, record.resource_uri, record.definition) for record in records]
    )
