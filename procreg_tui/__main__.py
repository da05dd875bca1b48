"""Run procreg with ``python -m procreg_tui``."""

from procreg_tui.cli import main

raise SystemExit(main())
