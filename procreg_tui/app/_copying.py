"""What the app says when ``c`` copies the resolved command line.

Where the text goes is :mod:`procreg_tui.app.clipboard`'s business; this is
why a definition's command line is not copied, and the dialog that shows it
for copying by hand when no route is certain to have taken it.
"""

from __future__ import annotations

from procreg_tui.app._analysis import Analysis
from procreg_tui.app._dialogs import TextScreen
from procreg_tui.app._messages import count
from procreg_tui.app.clipboard import CopyOutcome
from procreg_tui.definition import Severity

COPY_DIALOG_CHARS = 100_000
"""The longest text the copy dialog shows whole: longer, it would take seconds
to open and to scroll. Longer text is shown cut, and the dialog says so."""


def copy_refusal(analysis: Analysis) -> str | None:
    """Say why the command line of ``analysis`` is not copied, or return ``None``.

    A definition with errors has a command line that would not run as shown.
    """
    if not analysis.has_errors:
        return None
    errors = analysis.count(Severity.ERROR)
    them = "them" if errors != 1 else "it"
    return (
        f"The definition has {count(errors, 'error')}: its command line "
        f"would not run as shown. Fix {them} first (the Problems list "
        f"has {them})."
    )


def copy_dialog(outcome: CopyOutcome, text: str) -> TextScreen:
    """Return the dialog telling where ``text`` went, with the text to copy by
    hand, cut after :data:`COPY_DIALOG_CHARS` characters."""
    message = outcome.describe("command line")
    if len(text) > COPY_DIALOG_CHARS:
        message += (
            f" Below are the first {COPY_DIALOG_CHARS:,} of its {len(text):,} "
            "characters, the rest cut; procreg render prints it whole."
        )
        text = text[:COPY_DIALOG_CHARS]
    return TextScreen("Command line", message, text)
