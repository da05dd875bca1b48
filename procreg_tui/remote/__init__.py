"""A registry served by ``procreg serve``, reached over HTTP.

:class:`RemoteRegistry` answers the calls of
:class:`~procreg_tui.registry.Registry`, so the app and the headless commands
work on a served registry as on a file. It needs only the standard library.
"""

from procreg_tui.remote._credentials import (
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    credentials,
    netrc_path,
)
from procreg_tui.remote._errors import RemoteError
from procreg_tui.remote._http import Address, Transport
from procreg_tui.remote._options import (
    REMOTE_VARIABLE,
    add_remote_options,
    remote_registry,
    remote_url,
)
from procreg_tui.remote._registry import RemoteRegistry

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
