"""The server's error type."""

from __future__ import annotations


class ServerError(Exception):
    """Something stops ``procreg serve`` or ``procreg users`` from doing its work.

    The message is written for the user and says what to do where there is
    something to do.
    """


EXTRA_HINT = "install the server extra: pip install 'procreg-tui[server]'"
"""What to run when the web framework or the password hasher is missing."""
