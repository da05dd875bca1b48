"""``procreg serve``: the registry over the original registry's HTTP API.

The web framework (Starlette, served by uvicorn) and the password hasher
(argon2-cffi) come with the server extra, ``pip install 'procreg-tui[server]'``;
this package loads them only when serving or managing users, so the app and the
other commands never need them.
"""

from procreg_tui.server._commands import COMMANDS, add_commands
from procreg_tui.server._errors import ServerError
from procreg_tui.server._serve import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    ServeOptions,
    bind,
    build_server,
    exposure_warning,
    is_loopback,
    serve,
)
from procreg_tui.server._users import UserStore, check_name, users_path

__all__ = [
    "COMMANDS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ServeOptions",
    "ServerError",
    "UserStore",
    "add_commands",
    "bind",
    "build_server",
    "check_name",
    "exposure_warning",
    "is_loopback",
    "serve",
    "users_path",
]
