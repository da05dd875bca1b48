"""Where ``procreg serve`` listens and what it accepts unless told otherwise."""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY = 1024 * 1024
"""Request bodies over this many bytes are refused (413)."""
DEFAULT_BODY_SECONDS = 30.0
"""A request body that takes longer than this to arrive is refused (408)."""
