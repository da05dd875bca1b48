"""Running the HTTP API: binding the address, TLS, and the uvicorn server."""

from __future__ import annotations

import copy
import errno
import ipaddress
import os
import signal
import socket
import ssl
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procreg_tui.registry import Registry
from procreg_tui.server._defaults import (
    DEFAULT_BODY_SECONDS,
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
    HEADER_BYTES,
    KEEP_ALIVE_SECONDS,
)
from procreg_tui.server._errors import EXTRA_HINT, ServerError
from procreg_tui.server._throttle import LoginThrottle
from procreg_tui.server._users import UserStore

if TYPE_CHECKING:
    import uvicorn


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How ``procreg serve`` serves a registry."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allow_delete: bool = False
    max_body: int = DEFAULT_MAX_BODY
    certfile: Path | None = None
    keyfile: Path | None = None
    access_log: bool = True
    throttle: LoginThrottle | None = None
    """How wrong passwords are limited; ``None`` for a new default one."""
    body_seconds: float = DEFAULT_BODY_SECONDS
    """A request body must arrive within this many seconds (else 408)."""
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    """Requests that arrive while this many connections are open get 503."""
    forwarded_allow_ips: str | None = None
    """The proxies whose ``X-Forwarded-For`` and ``-Proto`` are believed
    (comma-separated addresses or networks, ``*`` for any); ``None`` believes
    nobody's: the address a request comes from is the client's."""


def is_loopback(host: str) -> bool:
    """Return whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, *, tls: bool) -> str | None:
    """Return the warning for serving on ``host``, or ``None`` when it is safe.

    Basic auth sends passwords readable by anyone on the path, so an address
    other machines can reach needs TLS.
    """
    if tls or is_loopback(host):
        return None
    return (
        f"warning: serving on {host} without TLS: passwords and definitions "
        "cross the network in the clear; give --certfile and --keyfile, or "
        "serve on 127.0.0.1 behind a TLS proxy"
    )


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket on ``host`` and ``port`` (0 picks a free port).

    Raises:
        ServerError: the address cannot be bound (in use, not of this machine,
            no permission).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ServerError(f"cannot listen on {host}: {error.strerror}") from error

    family, kind, protocol, _, address = infos[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise ServerError(
            f"cannot listen on {host} port {port}: {error.strerror}"
        ) from error

    return listener


def address_of(listener: socket.socket, *, tls: bool) -> str:
    """Return the base URL clients reach ``listener`` at."""
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    scheme = "https" if tls else "http"

    return f"{scheme}://{shown}:{port}"


def build_server(
    registry: Registry, users: UserStore, options: ServeOptions
) -> uvicorn.Server:
    """Return the uvicorn server of the HTTP API, not yet started.

    What uvicorn can bound is bounded: the size of the request line and
    headers, idle kept-alive connections, the open connections, and (in the
    app) the size of a body and the time it takes to arrive. uvicorn has no
    deadline for headers that stop coming (the README says so).

    Raises:
        ServerError: the server extra is not installed, only one of the
            certificate and key files is given, or they cannot be used.
    """
    try:
        import uvicorn  # noqa: PLC0415 (an optional extra)
        from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415

        from procreg_tui.server._api import create_app  # noqa: PLC0415
    except ImportError as error:
        raise ServerError(f"procreg serve needs a web server; {EXTRA_HINT}") from error
    if (options.certfile is None) != (options.keyfile is None):
        raise ServerError("TLS needs both --certfile and --keyfile")
    for role, path in (("certificate", options.certfile), ("key", options.keyfile)):
        if path is not None:
            _check_readable(path, f"the TLS {role}")

    app = create_app(
        registry,
        users,
        allow_delete=options.allow_delete,
        max_body=options.max_body,
        body_seconds=options.body_seconds,
        throttle=options.throttle,
    )
    trusted = options.forwarded_allow_ips
    config = uvicorn.Config(
        app,
        http="h11",
        log_level="info",
        log_config=_logging_config(LOGGING_CONFIG),
        access_log=options.access_log,
        server_header=False,
        proxy_headers=trusted is not None,
        forwarded_allow_ips=trusted,
        limit_concurrency=options.max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=HEADER_BYTES,
        ssl_certfile=options.certfile,
        ssl_keyfile=options.keyfile,
        lifespan="off",
    )
    # Loaded now, so that a certificate that cannot be used is told before
    # "serving"; uvicorn does not load it again.
    try:
        config.load()
    except ssl.SSLError as error:
        detail = f" ({error.reason})" if error.reason else ""
        raise ServerError(
            f"cannot use {options.certfile} and {options.keyfile} for TLS: they "
            f"must be a PEM certificate and its private key{detail}"
        ) from error

    return uvicorn.Server(config)


def _check_readable(path: Path, what: str) -> None:
    """Refuse a file that cannot be read, naming it.

    Raises:
        ServerError: it is missing, a directory, unreadable, or not a regular
            file (a FIFO would keep the server from starting, waiting for a
            writer).
    """
    try:
        # Without O_NONBLOCK, opening a FIFO waits until someone writes to it.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            mode = os.fstat(descriptor).st_mode
        finally:
            os.close(descriptor)
    except OSError as error:
        raise ServerError(
            f"cannot read {what} {path}: {error.strerror or error}"
        ) from error
    if stat.S_ISDIR(mode):
        raise ServerError(f"cannot read {what} {path}: {os.strerror(errno.EISDIR)}")
    if not stat.S_ISREG(mode):
        raise ServerError(f"{what} {path} is not a regular file")


def _logging_config(uvicorn_config: dict[str, Any]) -> dict[str, Any]:
    """Return uvicorn's logging set-up with procreg's server messages in it.

    They go where uvicorn's go, in the same form (``INFO:     ...``).
    """
    config = copy.deepcopy(uvicorn_config)
    config["loggers"]["procreg.server"] = {"handlers": ["default"], "level": "INFO"}

    return config


def serve(
    registry: Registry,
    users: UserStore,
    options: ServeOptions,
    *,
    tell: Callable[[str], None],
) -> None:
    """Serve ``registry`` until interrupted; ``tell`` receives what to show.

    A bind that other machines can reach without TLS is warned about, as basic
    auth then sends passwords in the clear.

    A registry that cannot be written is told, as the other commands tell it.
    A users file or registry file that other users may read is warned about;
    a registry file created while serving is readable by its owner only, as
    the users file is (it holds every user's definitions).

    Raises:
        ServerError: the extra is missing or the address cannot be bound.
    """
    server = build_server(registry, users, options)
    listener = bind(options.host, options.port)
    tls = options.certfile is not None

    for warning in (
        exposure_warning(options.host, tls=tls),
        readable_warning(users.path, "the password hashes", group=True),
        readable_warning(registry.path, "every user's definitions", group=False),
    ):
        if warning is not None:
            tell(warning)
    if not users.names():
        tell(
            f"warning: no users yet in {users.path}; every request will be refused "
            "until 'procreg users add NAME' adds one"
        )
    if registry.read_only:
        tell(
            f"the registry {registry.path} is read-only "
            f"({registry.read_only_reason}): every change is answered 403"
        )
    deletes = "deletes go to the trash" if options.allow_delete else "no deletes"
    try:
        with _private_new_files(), _terminated_as_stop():
            tell(
                f"serving {registry.path} at {address_of(listener, tls=tls)}/api/"
                f"process_definition/ ({deletes}; Ctrl-C stops)"
            )
            server.run(sockets=[listener])
    except (KeyboardInterrupt, StoppedError):
        # uvicorn shuts down on Ctrl-C or SIGTERM and then raises the signal
        # again for the caller; the shutdown is done, so that is the normal end.
        pass
    finally:
        listener.close()
    tell("stopped")


class StoppedError(Exception):
    """SIGTERM arrived: a service manager or ``kill`` stops the server."""


@contextmanager
def _terminated_as_stop() -> Iterator[None]:
    """Turn SIGTERM, which uvicorn raises again once it has shut down, into
    :class:`StoppedError`, so that a stop by a service manager ends as Ctrl-C does:
    said, with status 0."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return

    def stop(signum: int, frame: object) -> None:
        raise StoppedError

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def readable_warning(path: Path, holding: str, *, group: bool) -> str | None:
    """Return the warning for a file that others may read, or ``None``.

    ``holding`` says what it holds; ``group`` counts the file's group as
    others too (the users file; a registry is often shared with a group on
    purpose, so only a file anyone may read is warned about).
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    others = stat.S_IROTH | (stat.S_IRGRP if group else 0)
    if not mode & others:
        return None
    who = "other users" if group else "every user of this machine"
    mask = "go-rwx" if group else "o-rwx"

    return (
        f"warning: {path} may be read by {who}, and it holds {holding}; "
        f"run 'chmod {mask} {path}'"
    )


@contextmanager
def _private_new_files() -> Iterator[None]:
    """Create files readable by their owner only while the block runs.

    The registry file keeps the mode it has; one that serving creates gets
    mode 600, as the users file has. The umask is the process's, and serving
    is all this process does meanwhile.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
