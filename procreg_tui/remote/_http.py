"""Talking HTTP to a served registry: one kept-alive connection, plain errors."""

from __future__ import annotations

import base64
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from procreg_tui.remote._errors import RemoteError

if TYPE_CHECKING:
    import http.client

DEFAULT_TIMEOUT = 10.0
API_PATH = "/api/process_definition/"


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer: status, headers (lower-case names) and parsed JSON body."""

    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True, slots=True)
class Address:
    """Where a served registry is: scheme, host, port and path prefix."""

    scheme: str
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, url: str) -> Address:
        """Return the address of ``url``.

        ``http://host:8000``, ``http://host:8000/api/process_definition/`` and
        a prefix such as ``https://host/registry/`` (behind a proxy) all work.

        Raises:
            RemoteError: ``url`` is not an http or https URL with a host.
        """
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteError(
                f"{url!r} is not the address of a registry; give one such as "
                "http://127.0.0.1:8000"
            )
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise RemoteError(f"{url!r} has a port that is not a number") from error

        prefix = parts.path.rstrip("/")
        for ending in (API_PATH.rstrip("/"), "/api"):
            prefix = prefix.removesuffix(ending)

        return cls(parts.scheme, parts.hostname, port, prefix)

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.prefix}"

    def path(self, below_api: str) -> str:
        """Return the request path of ``below_api``, such as ``"3/"``."""
        return f"{self.prefix}{API_PATH}{below_api}"


class Transport:
    """A kept-alive connection to a served registry, safe to share by threads.

    An idle connection the server has closed is opened again once, silently.
    """

    def __init__(
        self,
        address: Address,
        user: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.address = address
        self.user = user
        self.timeout = timeout
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        below_api: str,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """Send one request and return its answer, whatever its status.

        Raises:
            RemoteError: no answer (refused, timed out, unknown host, TLS), a
                401, or an answer that is not JSON where JSON was due.
        """
        sent_headers = {
            "Authorization": self._authorization,
            "Accept": "application/json",
            **(headers or {}),
        }
        payload = None
        if body is not None:
            payload = orjson.dumps(body)
            sent_headers["Content-Type"] = "application/json"
        path = self.address.path(below_api)

        with self._lock:
            status, received, data = self._exchange(
                method, path, payload, sent_headers, timeout or self.timeout
            )

        if status == 401:
            raise RemoteError(
                f"the registry at {self.address.url} refused the user "
                f"{self.user!r}: wrong user name or password",
                status,
            )
        return Answer(status, received, self._parse(status, data))

    def close(self) -> None:
        """Close the connection; the next request opens a new one."""
        with self._lock:
            self._drop()

    def _exchange(
        self,
        method: str,
        path: str,
        payload: bytes | None,
        headers: dict[str, str],
        timeout: float,
    ) -> tuple[int, dict[str, str], bytes]:
        # http.client is loaded on the first request: the commands that work
        # on a local file never pay for it.
        import http.client  # noqa: PLC0415

        retryable = (
            http.client.RemoteDisconnected,
            ConnectionResetError,
            BrokenPipeError,
        )
        for attempt in (1, 2):
            reused = self._connection is not None
            connection = self._connect(timeout)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except retryable as error:
                self._drop()
                if reused and attempt == 1:
                    continue
                raise self._unreachable(error) from error
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                raise self._unreachable(error) from error
            if response.will_close:
                self._drop()
            return (
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                data,
            )

        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        import http.client  # noqa: PLC0415
        import ssl  # noqa: PLC0415

        if self._connection is None:
            if self.address.scheme == "https":
                self._connection = http.client.HTTPSConnection(
                    self.address.host,
                    self.address.port,
                    timeout=timeout,
                    context=ssl.create_default_context(),
                )
            else:
                self._connection = http.client.HTTPConnection(
                    self.address.host, self.address.port, timeout=timeout
                )
        self._connection.timeout = timeout
        if self._connection.sock is not None:
            self._connection.sock.settimeout(timeout)

        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _unreachable(self, error: BaseException) -> RemoteError:
        """Return the plain words for a request that got no answer."""
        import http.client  # noqa: PLC0415
        import ssl  # noqa: PLC0415

        where = f"the registry at {self.address.url}"
        if isinstance(error, ConnectionRefusedError):
            reason = "the connection was refused (is 'procreg serve' running there?)"
        elif isinstance(error, TimeoutError):
            reason = f"no answer within {self.timeout:g} s"
        elif isinstance(error, socket.gaierror):
            reason = f"the host {self.address.host} is unknown ({error.strerror})"
        elif isinstance(error, ssl.SSLError):
            reason = f"TLS failed: {error.reason or error}"
        elif isinstance(error, http.client.HTTPException | ConnectionError):
            reason = "the connection broke off before an answer came"
        elif isinstance(error, OSError) and error.strerror:
            reason = error.strerror
        else:
            reason = str(error) or type(error).__name__

        return RemoteError(f"cannot reach {where}: {reason}", unreachable=True)

    def _parse(self, status: int, data: bytes) -> Any:
        if not data:
            return None
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise RemoteError(
                f"the registry at {self.address.url} answered {status} with "
                "something that is not JSON; is that address a procreg registry?",
                status,
            ) from error
