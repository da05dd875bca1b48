"""The definition format: reading files, the schema, every problem of a definition.

Reading text (``Document``, ``load_text``, ...) is imported on first use: the
commands that only check stored definitions never read text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procreg_tui.definition.errors import DefinitionError
from procreg_tui.definition.label import definition_label
from procreg_tui.definition.lint import fix_aliases, lint, validate
from procreg_tui.definition.problems import (
    JsonPath,
    Problem,
    Severity,
    format_path,
    has_errors,
    sort_problems,
    worst,
)
from procreg_tui.definition.schema import schema_problems, shipped_schema

if TYPE_CHECKING:
    from procreg_tui.definition.document import (
        Document,
        is_list_document,
        load_bytes,
        load_file,
        load_text,
    )

_READING = frozenset(
    {"Document", "is_list_document", "load_bytes", "load_file", "load_text"}
)

__all__ = [
    "DefinitionError",
    "Document",
    "JsonPath",
    "Problem",
    "Severity",
    "definition_label",
    "fix_aliases",
    "format_path",
    "has_errors",
    "is_list_document",
    "lint",
    "load_bytes",
    "load_file",
    "load_text",
    "schema_problems",
    "shipped_schema",
    "sort_problems",
    "validate",
    "worst",
]


def __getattr__(name: str) -> Any:
    """Return the reading names from ``document`` on first use."""
    if name in _READING:
        from procreg_tui.definition import document  # noqa: PLC0415

        value = getattr(document, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
