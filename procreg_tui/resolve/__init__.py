"""Resolution: what a definition runs, as a shell command line and as wiring.

Variables ``${name}`` take their values from bindings inside each argv element
and in adapter paths; ``$${`` is a literal ``${``.

Each name is imported from its module on first use, so that validating
definitions loads only the variable checks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procreg_tui.resolve._problems import (
        SAMPLE_FOLDER,
        adapter_samples,
        sample_bindings,
        variable_problems,
    )
    from procreg_tui.resolve._quick import builtin_variable_problems
    from procreg_tui.resolve._resolution import Redirection, Resolution, resolve
    from procreg_tui.resolve._shell import RUN_ARGUMENTS, command_line, quote
    from procreg_tui.resolve._variables import Bindings, references, substitute
    from procreg_tui.resolve._wiring import (
        Wiring,
        WiringAdapter,
        WiringProcess,
        wiring,
    )

_MODULES = {
    "RUN_ARGUMENTS": "_shell",
    "SAMPLE_FOLDER": "_problems",
    "adapter_samples": "_problems",
    "sample_bindings": "_problems",
    "variable_problems": "_problems",
    "builtin_variable_problems": "_quick",
    "Redirection": "_resolution",
    "Resolution": "_resolution",
    "resolve": "_resolution",
    "command_line": "_shell",
    "quote": "_shell",
    "Bindings": "_variables",
    "references": "_variables",
    "substitute": "_variables",
    "Wiring": "_wiring",
    "WiringAdapter": "_wiring",
    "WiringProcess": "_wiring",
    "wiring": "_wiring",
}

__all__ = [
    "RUN_ARGUMENTS",
    "SAMPLE_FOLDER",
    "Bindings",
    "Redirection",
    "Resolution",
    "Wiring",
    "WiringAdapter",
    "WiringProcess",
    "adapter_samples",
    "builtin_variable_problems",
    "command_line",
    "quote",
    "references",
    "resolve",
    "sample_bindings",
    "substitute",
    "variable_problems",
    "wiring",
]


def __getattr__(name: str) -> Any:
    """Return ``name`` from the module that defines it, importing it on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
