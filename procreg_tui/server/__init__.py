"""``procreg serve``: the registry over the original registry's HTTP API.

The web framework (Starlette, served by uvicorn) and the password hasher
(argon2-cffi) come with the server extra, ``pip install 'procreg-tui[server]'``;
this package loads them only when serving or managing users, so the app and the
other commands never need them. The names below other than the commands are
imported from their modules on first use, so that the command line can offer
``serve`` and ``users`` without loading the server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from procreg_tui.server._commands import COMMANDS, add_commands
from procreg_tui.server._defaults import DEFAULT_HOST, DEFAULT_PORT
from procreg_tui.server._errors import ServerError

if TYPE_CHECKING:
    from procreg_tui.server._serve import (
        ServeOptions,
        bind,
        build_server,
        exposure_warning,
        is_loopback,
        serve,
    )
    from procreg_tui.server._users import UserStore, check_name, users_path

_MODULES = {
    "ServeOptions": "_serve",
    "bind": "_serve",
    "build_server": "_serve",
    "exposure_warning": "_serve",
    "is_loopback": "_serve",
    "serve": "_serve",
    "UserStore": "_users",
    "check_name": "_users",
    "users_path": "_users",
}

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


def __getattr__(name: str) -> Any:
    """Return ``name`` from the module that defines it, importing it on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
