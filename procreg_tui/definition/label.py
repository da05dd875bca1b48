"""The short name a definition is listed under."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def definition_label(definition: Mapping[str, Any]) -> str:
    """Return a definition's ``name``, else the base name of its ``exec``.

    Returns the empty string when it has neither as a string.
    """
    name = definition.get("name")
    if isinstance(name, str) and name:
        return name
    executable = definition.get("exec")
    if isinstance(executable, str):
        return executable.rsplit("/", 1)[-1]
    return ""
