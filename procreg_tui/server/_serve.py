"""Running the HTTP API: binding the address, TLS, and the uvicorn server."""

from __future__ import annotations

import copy
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procreg_tui.registry import Registry
from procreg_tui.server._defaults import (
    DEFAULT_BODY_SECONDS,
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_PORT,
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

    Raises:
        ServerError: the server extra is not installed, or only one of the
            certificate and key files is given.
    """
    try:
        import uvicorn  # noqa: PLC0415 (an optional extra)
        from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415

        from procreg_tui.server._api import create_app  # noqa: PLC0415
    except ImportError as error:
        raise ServerError(f"procreg serve needs a web server; {EXTRA_HINT}") from error
    if (options.certfile is None) != (options.keyfile is None):
        raise ServerError("TLS needs both --certfile and --keyfile")

    app = create_app(
        registry,
        users,
        allow_delete=options.allow_delete,
        max_body=options.max_body,
        body_seconds=options.body_seconds,
        throttle=options.throttle,
    )
    config = uvicorn.Config(
        app,
        log_level="info",
        log_config=_logging_config(LOGGING_CONFIG),
        access_log=options.access_log,
        server_header=False,
        ssl_certfile=options.certfile,
        ssl_keyfile=options.keyfile,
        lifespan="off",
    )

    return uvicorn.Server(config)


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

    Raises:
        ServerError: the extra is missing or the address cannot be bound.
    """
    server = build_server(registry, users, options)
    listener = bind(options.host, options.port)
    tls = options.certfile is not None

    warning = exposure_warning(options.host, tls=tls)
    if warning is not None:
        tell(warning)
    if not users.names():
        tell(
            f"warning: no users yet in {users.path}; every request will be refused "
            "until 'procreg users add NAME' adds one"
        )
    deletes = "deletes go to the trash" if options.allow_delete else "no deletes"
    tell(
        f"serving {registry.path} at {address_of(listener, tls=tls)}/api/"
        f"process_definition/ ({deletes}; Ctrl-C stops)"
    )
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        # uvicorn shuts down on Ctrl-C and then raises the signal again for
        # the caller; the shutdown is done, so that is the normal end.
        pass
    finally:
        listener.close()
    tell("stopped")
