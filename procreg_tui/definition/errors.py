"""The error type of the definition area."""

from __future__ import annotations


class DefinitionError(Exception):
    """A definition or its file cannot be used; the message says why and where."""
