"""The Textual app of procreg: ``procreg`` with no subcommand starts it."""

from procreg_tui.app._app import ProcregApp, create_app

__all__ = ["ProcregApp", "create_app"]
