"""The headless command line: ``procreg list|show|validate|render|import|...``.

``run`` is a plain function of its streams and returns the exit status;
``main`` is the console script. ``procreg`` without a command starts the app,
which is the only place Textual is imported.
"""

from __future__ import annotations

from procreg_tui.cli._exit import ExitCode
from procreg_tui.cli._main import DEBUG_VARIABLE, main, run

__all__ = ["DEBUG_VARIABLE", "ExitCode", "main", "run"]
