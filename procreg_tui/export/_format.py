"""The names of the export formats, light enough for the command line parser."""

from __future__ import annotations

import enum


class ExportFormat(enum.StrEnum):
    """The shapes an export can take."""

    REGISTRY = "registry"
    """The registry's list document, as the original HTTP API served it."""
    DEFINITIONS = "definitions"
    """A JSON array of the definitions alone."""
    NDJSON = "ndjson"
    """One definition per line, as compact JSON."""
    SH = "sh"
    """A POSIX shell script with one function per definition."""

    @property
    def summary(self) -> str:
        """Return the one-line description of this format shown in ``--help``."""
        return _SUMMARIES[self]


_SUMMARIES = {
    ExportFormat.REGISTRY: "the list document of the original HTTP API (default)",
    ExportFormat.DEFINITIONS: "a JSON array of the definitions alone",
    ExportFormat.NDJSON: "one definition per line, compact JSON",
    ExportFormat.SH: "a shell script, one function per definition",
}
