"""Who talks to a served registry: the user name and password, and where from."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from procreg_tui.remote._errors import RemoteError

USER_VARIABLE = "PROCREG_USER"
PASSWORD_VARIABLE = "PROCREG_PASSWORD"

Ask = Callable[[str], str]
"""Asks the person at the terminal for a password, given the prompt."""


def netrc_path(environ: Mapping[str, str]) -> Path:
    """Return the netrc file: ``$NETRC``, else ``~/.netrc`` (``$HOME`` first)."""
    if environ.get("NETRC"):
        return Path(environ["NETRC"]).expanduser()
    home = environ.get("HOME")

    return (Path(home) if home else Path.home()) / ".netrc"


def _netrc_entry(host: str, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """Return the login and password that the netrc file gives ``host``.

    Raises:
        RemoteError: the file cannot be read or parsed.
    """
    path = netrc_path(environ)
    if not path.exists():
        return None
    import netrc  # noqa: PLC0415 (only when a netrc file exists)

    try:
        entry = netrc.netrc(os.fspath(path)).authenticators(host)
    except netrc.NetrcParseError as error:
        raise RemoteError(f"{path}:{error.lineno}: {error.msg}") from error
    except OSError as error:
        raise RemoteError(f"cannot read {path}: {error.strerror}") from error
    if entry is None:
        return None

    login, _, password = entry
    return (login, password or "") if login else None


def _check_private(path: Path) -> None:
    """Refuse to take a password from ``path`` when others may read it.

    Raises:
        RemoteError: its group or others may read or change it.
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise RemoteError(f"cannot read {path}: {error.strerror}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise RemoteError(
            f"{path} may be read by other users, so procreg does not take "
            f"passwords from it; run 'chmod 600 {path}'"
        )


def credentials(
    host: str,
    *,
    user: str | None,
    environ: Mapping[str, str],
    ask: Ask | None,
) -> tuple[str, str]:
    """Return the user name and password for the registry on ``host``.

    The name is ``user`` (``--user``), else ``PROCREG_USER``, else the netrc
    login for ``host``. The password is ``PROCREG_PASSWORD``, else the netrc
    password when the netrc login is that user, else what ``ask`` gets from
    the person at the terminal (``None`` when there is no terminal).

    The netrc file is read only when the name or the password is still
    missing, and a password is taken from it only when others cannot read it.

    Raises:
        RemoteError: no user name or no password can be found, or the netrc
            file that would give the password is not private.
    """
    name = user or environ.get(USER_VARIABLE) or None
    password = environ.get(PASSWORD_VARIABLE)
    if name is not None and password is not None:
        return name, password

    entry = _netrc_entry(host, environ)
    if name is None and entry is not None:
        name = entry[0]
    if name is None:
        raise RemoteError(
            f"who is asking? give --user NAME, set {USER_VARIABLE}, or add a "
            f"'machine {host} login NAME password ...' line to ~/.netrc"
        )

    if password is None and entry is not None and entry[0] == name and entry[1]:
        _check_private(netrc_path(environ))
        password = entry[1]
    if password is None and ask is not None:
        password = ask(f"Password for {name} at {host}: ")
    if password is None:
        raise RemoteError(
            f"no password for {name} at {host}: set {PASSWORD_VARIABLE}, add it to "
            "~/.netrc, or run procreg in a terminal to be asked"
        )

    return name, password
