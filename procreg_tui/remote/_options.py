"""The command line's ``--remote`` and ``--user``, and opening what they name."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from procreg_tui.remote._credentials import credentials
from procreg_tui.remote._errors import RemoteError

if TYPE_CHECKING:
    from procreg_tui.remote._registry import RemoteRegistry

REMOTE_VARIABLE = "PROCREG_REMOTE"


def add_remote_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add ``--remote URL`` and ``--user NAME`` to ``parser``.

    On a command's parser (``top`` false) they are left out of the namespace
    when not given, so they keep what the options before the command said.
    """
    parser.add_argument(
        "--remote",
        metavar="URL",
        default=None if top else argparse.SUPPRESS,
        help=f"use the registry served at URL (default: ${REMOTE_VARIABLE})",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help="the user name at --remote (asks for the password; or "
        "PROCREG_USER/PROCREG_PASSWORD, or ~/.netrc)",
    )


def remote_url(options: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """Return the served registry the command line asks for, or ``None``.

    ``--remote`` counts first; ``PROCREG_REMOTE`` only when ``--db`` is not given.

    Raises:
        RemoteError: both ``--remote`` and ``--db`` are given.
    """
    remote = getattr(options, "remote", None)
    db = getattr(options, "db", None)
    if remote and db:
        raise RemoteError("give either --db or --remote, not both")
    if remote:
        return str(remote)
    if not db and environ.get(REMOTE_VARIABLE):
        return environ[REMOTE_VARIABLE]

    return None


def remote_registry(
    options: argparse.Namespace,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> RemoteRegistry | None:
    """Return the served registry ``--remote`` or ``PROCREG_REMOTE`` names, or
    ``None`` when the command works on a local file.

    The password is asked on the terminal only when standard input is one.

    Raises:
        RemoteError: the address is wrong, or no credentials can be found.
    """
    url = remote_url(options, environ)
    if url is None:
        return None

    # The client is loaded only for a served registry.
    from procreg_tui.remote._http import Address  # noqa: PLC0415
    from procreg_tui.remote._registry import RemoteRegistry  # noqa: PLC0415

    address = Address.parse(url)

    def ask(prompt: str) -> str:
        return getpass.getpass(prompt, stream=stderr)

    user, password = credentials(
        address.host,
        user=getattr(options, "user", None),
        environ=environ,
        ask=ask if _is_terminal(stdin) else None,
    )

    return RemoteRegistry.connect(
        url, user, password, read_only=bool(getattr(options, "read_only", False))
    )


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
