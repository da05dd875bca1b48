"""The definition format: reading files, the schema, every problem of a definition."""

from procreg_tui.definition.document import (
    Document,
    is_list_document,
    load_bytes,
    load_file,
    load_text,
)
from procreg_tui.definition.errors import DefinitionError
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

__all__ = [
    "DefinitionError",
    "Document",
    "JsonPath",
    "Problem",
    "Severity",
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
