"""Where ``procreg serve`` listens and what it accepts unless told otherwise."""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY = 1024 * 1024
"""Request bodies over this many bytes are refused (413)."""
DEFAULT_BODY_SECONDS = 30.0
"""A request body that takes longer than this to arrive is refused (408)."""
DEFAULT_MAX_CONNECTIONS = 500
"""Requests that arrive while this many connections are open get 503 from uvicorn."""
KEEP_ALIVE_SECONDS = 5
"""An idle kept-alive connection is closed after this many seconds."""
HEADER_BYTES = 16 * 1024
"""The longest request line and headers h11 accepts (longer ones get 400)."""
