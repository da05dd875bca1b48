"""The error type of the export area."""

from __future__ import annotations


class ExportError(Exception):
    """An export could not be produced or written; the message says why."""
