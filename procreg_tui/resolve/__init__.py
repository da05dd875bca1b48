"""Resolution: what a definition runs, as a shell command line and as wiring.

Variables ``${name}`` take their values from bindings inside each argv element
and in adapter paths; ``$${`` is a literal ``${``.
"""

from procreg_tui.resolve._problems import (
    SAMPLE_FOLDER,
    builtin_variable_problems,
    sample_bindings,
    variable_problems,
)
from procreg_tui.resolve._resolution import Redirection, Resolution, resolve
from procreg_tui.resolve._shell import command_line, quote
from procreg_tui.resolve._variables import Bindings, references, substitute
from procreg_tui.resolve._wiring import Wiring, WiringAdapter, WiringProcess, wiring

__all__ = [
    "SAMPLE_FOLDER",
    "Bindings",
    "Redirection",
    "Resolution",
    "Wiring",
    "WiringAdapter",
    "WiringProcess",
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
