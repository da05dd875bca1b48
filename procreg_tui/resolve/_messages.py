"""The warnings of the variable checks, worded once for both of their paths."""

from __future__ import annotations

from procreg_tui.definition.problems import JsonPath, Problem, Severity


def unbound_argument(path: JsonPath, name: str) -> Problem:
    """Return the warning for ``${name}`` in an argument that nothing provides."""
    return Problem(
        Severity.WARNING,
        path,
        f"${{{name}}} has no value: no adapter provides it and no"
        " binding sets it, so it stays as written.",
        "unbound-variable",
    )


def unbound_path(path: JsonPath, name: str) -> Problem:
    """Return the warning for ``${name}`` in an adapter path that nothing provides."""
    return Problem(
        Severity.WARNING,
        path,
        f"${{{name}}} has no value: no adapter provides it and no binding sets"
        " it, so the path stays as written.",
        "unbound-variable",
    )


def unused_path(path: JsonPath, variable: str, direction: str) -> Problem:
    """Return the warning for an adapter path variable that argv never passes."""
    return Problem(
        Severity.WARNING,
        path,
        f"${{{variable}}} never appears in argv: the process is not told"
        f" where its {direction} is.",
        "unused-path-variable",
    )


def malformed_variable(path: JsonPath, written: str) -> Problem:
    """Return the warning for a ``${...}`` that is not a variable."""
    return Problem(
        Severity.WARNING,
        path,
        f"{written} is not a variable: a name is letters, digits and _, not"
        " starting with a digit, between ${ and }; it stays as written"
        " (write $${ for a literal ${).",
        "malformed-variable",
    )
