"""A registry served by ``procreg serve``, reached over HTTP.

:class:`RemoteRegistry` answers the calls of
:class:`~procreg_tui.registry.Registry`, so the app and the headless commands
work on a served registry as on a file. It needs only the standard library,
and the client itself is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from procreg_tui.remote._credentials import (
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    credentials,
    netrc_path,
)
from procreg_tui.remote._errors import RemoteError
from procreg_tui.remote._options import (
    REMOTE_VARIABLE,
    add_remote_options,
    remote_registry,
    remote_url,
)

if TYPE_CHECKING:
    from procreg_tui.remote._http import Address, Transport
    from procreg_tui.remote._registry import RemoteRegistry

_MODULES = {"Address": "_http", "Transport": "_http", "RemoteRegistry": "_registry"}

__all__ = [
    "PASSWORD_VARIABLE",
    "REMOTE_VARIABLE",
    "USER_VARIABLE",
    "Address",
    "RemoteError",
    "RemoteRegistry",
    "Transport",
    "add_remote_options",
    "credentials",
    "netrc_path",
    "remote_registry",
    "remote_url",
]


def __getattr__(name: str) -> Any:
    """Return ``name`` from the module that defines it, importing it on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
