"""The ``procreg serve`` and ``procreg users`` commands.

The command line registers them with :func:`add_commands` and runs them
through :data:`COMMANDS`. Importing this module loads neither the web
framework nor the password hasher: they are loaded when a command needs them.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from procreg_tui._helptext import HelpFormatter
from procreg_tui.registry import open_registry, resolve_path
from procreg_tui.remote import REMOTE_VARIABLE
from procreg_tui.server._defaults import (
    DEFAULT_BODY_SECONDS,
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
)
from procreg_tui.server._errors import ServerError

if TYPE_CHECKING:
    from procreg_tui.server._users import UserStore

# The statuses of the command line's ExitCode.
_OK = 0
_FAILURE = 1
_USAGE = 2

_SERVE_DESCRIPTION = """\
Serve the registry (--db, else $PROCREG_DB, else your own) over HTTP with the
API of the original registry: /api/process_definition/ for lists and new
definitions, /api/process_definition/ID/ for one. Every request needs a user
name and password (HTTP basic auth) of a user added with 'procreg users add';
each user sees and changes only their own definitions. Definitions are checked
on the way in. The registry file stays safe to share with the app and the
commands. Needs the server extra: pip install 'procreg-tui[server]'.
"""

_SERVE_EXAMPLES = """\
examples:
  procreg users add alice && procreg serve
  procreg --db /srv/team.json serve --host 0.0.0.0 --certfile c.pem --keyfile k.pem
  curl -u alice http://127.0.0.1:8000/api/process_definition/
  procreg --remote http://127.0.0.1:8000 --user alice list
"""

_USERS_DESCRIPTION = """\
Manage who may use the registry served by 'procreg serve'. Users are kept in
a file beside the registry (registry.json -> registry.users.json), readable
only by you, with each password stored as a slow salted hash (Argon2id).
"""

_USERS_EXAMPLES = """\
examples:
  procreg users add alice                  asks for the password twice
  printf '%s\\n' "$PW" | procreg users add ci --password-stdin
  procreg users list
  procreg users remove alice
"""


class CommandContext(Protocol):
    """What the command line hands a command (its ``Context``)."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str]
    options: argparse.Namespace

    def tell(self, message: str) -> None:
        """Write ``procreg: message`` to standard error."""

    def write(self, line: str) -> None:
        """Write one line of data to standard output."""


Configure = Callable[[argparse.ArgumentParser], None]


def add_commands(commands: Any, configure: Configure) -> None:
    """Add ``serve`` and ``users`` to the subcommands ``commands``.

    ``configure`` gives each new parser the options every command has
    (``--help``, ``--db``, ...).
    """
    serve_parser = commands.add_parser(
        "serve",
        help="serve the registry over HTTP (the original registry's API)",
        description=_SERVE_DESCRIPTION,
        epilog=_SERVE_EXAMPLES,
        formatter_class=HelpFormatter,
        add_help=False,
    )
    configure(serve_parser)
    _serve_options(serve_parser)

    users_parser = commands.add_parser(
        "users",
        help="add, list and remove the users of 'procreg serve'",
        description=_USERS_DESCRIPTION,
        epilog=_USERS_EXAMPLES,
        formatter_class=HelpFormatter,
        add_help=False,
    )
    configure(users_parser)
    _users_file_option(users_parser)
    actions = users_parser.add_subparsers(
        dest="users_action", metavar="ACTION", required=True
    )
    for name, summary in (
        ("add", "add a user, or give one a new password"),
        ("list", "print the user names"),
        ("remove", "remove a user"),
    ):
        action = actions.add_parser(
            name, help=summary, description=summary + ".", add_help=False
        )
        configure(action)
        _users_file_option(action, inner=True)
        if name != "list":
            action.add_argument("name", metavar="NAME", help="the user name")
        if name == "add":
            action.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from the first line of standard input",
            )


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the address to listen on (default: {DEFAULT_HOST}, this machine only)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"the port (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--allow-delete",
        action="store_true",
        help="let DELETE move definitions to the trash (refused by default, "
        "as in the original registry)",
    )
    parser.add_argument(
        "--max-body",
        type=_size,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="refuse request bodies larger than this (default: 1 MiB)",
    )
    parser.add_argument(
        "--body-timeout",
        type=_seconds,
        default=DEFAULT_BODY_SECONDS,
        metavar="SECONDS",
        help="refuse (408) a request body that takes longer to arrive "
        f"(default: {DEFAULT_BODY_SECONDS:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=_count,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help="answer 503 to requests while this many connections are open "
        f"(default: {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        type=_proxies,
        metavar="ADDRESSES",
        help="believe X-Forwarded-For and X-Forwarded-Proto from these proxies "
        "(comma-separated addresses or networks; '*' for any); by default "
        "nobody's, so the address a request comes from is the client's",
    )
    parser.add_argument("--certfile", type=Path, help="TLS certificate (PEM)")
    parser.add_argument("--keyfile", type=Path, help="TLS private key (PEM)")
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        help="do not write the access log (a line per request, on standard output)",
    )
    _users_file_option(parser)


def _users_file_option(parser: argparse.ArgumentParser, *, inner: bool = False) -> None:
    parser.add_argument(
        "--users",
        metavar="FILE",
        type=Path,
        default=argparse.SUPPRESS if inner else None,
        help="the users file (default: beside the registry, NAME.users.json)",
    )


def _port(text: str) -> int:
    if text.isascii() and text.isdigit() and int(text) <= 65535:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")


def _size(text: str) -> int:
    if text.isascii() and text.isdigit() and len(text) < 19 and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a number of bytes")


def _count(text: str) -> int:
    if text.isascii() and text.isdigit() and len(text) < 10 and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a number of 1 or more")


def _proxies(text: str) -> str:
    """Return ``text`` if it is ``*`` or comma-separated IP addresses and networks.

    uvicorn takes anything else for a name it never meets, so a host name or
    a mistyped network would quietly trust no proxy at all.
    """
    items = [item.strip() for item in text.split(",")]
    if items == ["*"]:
        return "*"
    for item in items:
        if item == "*":
            raise argparse.ArgumentTypeError(
                f"{text!r}: '*' believes any proxy, so it stands alone"
            )
        try:
            if "/" in item:
                ipaddress.ip_network(item)
            else:
                ipaddress.ip_address(item)
        except ValueError as error:
            # "10.0.0.1/8 has host bits set" says more; "... does not appear
            # to be an IPv4 or IPv6 address" repeats what is said anyway.
            reason = "" if str(error).startswith(repr(item)) else f" ({error})"
            raise argparse.ArgumentTypeError(
                f"{item!r} is not an IP address or network{reason}; give the "
                "proxies' addresses, such as 127.0.0.1 or 10.0.0.0/8"
            ) from None
    return ",".join(items)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if 0 < seconds < 10**6:
        return seconds
    raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")


def _user_store(context: CommandContext) -> UserStore:
    from procreg_tui.server._users import UserStore, users_path  # noqa: PLC0415

    chosen: Path | None = context.options.users
    if chosen is None:
        chosen = users_path(resolve_path(context.options.db, context.environ))

    return UserStore(chosen.expanduser())


def _users_refusal(context: CommandContext) -> str | None:
    """Return why the users command cannot run as asked, or ``None``.

    Users live in a file beside the served registry, so a served registry's
    users are kept on the machine that serves it; and ``--read-only`` means
    no file is written, the users file included.
    """
    options = context.options
    explicit_file = getattr(options, "users", None) is not None
    by_flag = bool(getattr(options, "remote", None))
    by_variable = bool(
        not explicit_file and not options.db and context.environ.get(REMOTE_VARIABLE)
    )
    if by_flag or by_variable:
        leave_out = "without --remote" if by_flag else f"with {REMOTE_VARIABLE} unset"
        return (
            "the users of a served registry are kept beside it: run procreg "
            f"users on the machine that serves it, {leave_out}"
        )
    if options.read_only and options.users_action != "list":
        return f"--read-only: users {options.users_action} would change the users file"
    return None


def serve_command(context: CommandContext) -> int:
    """Serve the local registry until interrupted."""
    from procreg_tui.server._serve import ServeOptions, serve  # noqa: PLC0415

    options = context.options
    if getattr(options, "remote", None):
        context.tell("serve serves a registry file; leave out --remote")
        return _USAGE
    if (options.certfile is None) != (options.keyfile is None):
        context.tell("TLS needs both --certfile and --keyfile")
        return _USAGE

    try:
        users = _user_store(context)
        registry = open_registry(
            options.db, context.environ, read_only=bool(options.read_only)
        )
        serve(
            registry,
            users,
            ServeOptions(
                host=options.host,
                port=options.port,
                allow_delete=options.allow_delete,
                max_body=options.max_body,
                certfile=options.certfile,
                keyfile=options.keyfile,
                access_log=not options.no_access_log,
                body_seconds=options.body_timeout,
                max_connections=options.max_connections,
                forwarded_allow_ips=options.forwarded_allow_ips,
            ),
            tell=context.tell,
        )
    except ServerError as error:
        context.tell(str(error))
        return _FAILURE

    return _OK


def users_command(context: CommandContext) -> int:
    """Add, list or remove users of the served registry."""
    from procreg_tui.server._users import check_name  # noqa: PLC0415

    options = context.options
    refusal = _users_refusal(context)
    if refusal is not None:
        context.tell(refusal)
        return _USAGE
    try:
        store = _user_store(context)
        if options.users_action == "list":
            names = store.names()
            for name in names:
                context.write(name)
            if not names:
                context.tell(
                    f"no users in {store.path} yet; add one with "
                    "'procreg users add NAME'"
                )
            return _OK
        if options.users_action == "remove":
            # Not checked: a name added to the file by hand that could not
            # be added here must still be removable.
            store.remove(options.name)
            context.tell(f"removed the user {options.name} from {store.path}")
            return _OK

        name = check_name(options.name)
        password = _new_password(context, name)
        if password is None:
            return _USAGE
        new = store.add(name, password)
    except ServerError as error:
        context.tell(str(error))
        return _FAILURE

    verb = "added the user" if new else "changed the password of"
    context.tell(f"{verb} {name} in {store.path}")
    return _OK


def _new_password(context: CommandContext, name: str) -> str | None:
    """Return the new password of ``name``, from standard input or the terminal.

    Returns ``None`` (after saying why) when there is no way to ask.

    Raises:
        ServerError: the two passwords typed differ.
    """
    if context.options.password_stdin:
        return context.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not _is_terminal(context.stdin):
        context.tell(
            "no terminal to ask the password on; give it on standard input with "
            "--password-stdin"
        )
        return None

    password = getpass.getpass(f"Password for {name}: ", stream=context.stderr)
    again = getpass.getpass("The same again: ", stream=context.stderr)
    if password != again:
        raise ServerError("the two passwords differ; nothing was stored")

    return password


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


COMMANDS: dict[str, Callable[[Any], int]] = {
    "serve": serve_command,
    "users": users_command,
}
"""Each of these subcommands' function; it takes the command line's context."""
