"""Talking HTTP to a served registry: one kept-alive connection, plain errors.

Each request has a deadline for the whole of it (connecting, sending, the
answer to its last byte), kept by a timer that shuts the socket down; the
same stops a request when the registry is closed from another thread.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import orjson

from procreg_tui.remote._errors import RemoteError

if TYPE_CHECKING:
    import http.client
    import ssl

DEFAULT_TIMEOUT = 10.0
"""Seconds a request may take from start to end, answer included."""
API_PATH = "/api/process_definition/"
_DEADLINE = "deadline"
_CLOSED = "closed"


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
        refusal = RemoteError(
            f"{url!r} is not the address of a registry; give one such as "
            "http://127.0.0.1:8000"
        )
        try:
            # An unclosed or odd [...] host is refused by urlsplit itself.
            parts = urlsplit(url.strip())
        except ValueError:
            raise refusal from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise refusal
        if "@" in parts.netloc:
            # Not repeated: the address may hold a password.
            given = "user name" if parts.password is None else "user name and password"
            raise RemoteError(
                f"the address gives a {given} before the host, which procreg "
                "does not take from there (a "
                "command line is seen by other users): give --user "
                f"{parts.username or 'NAME'}, and the password in PROCREG_PASSWORD, "
                "~/.netrc or at the prompt"
            )
        port_text = parts.netloc.rpartition("]")[2].partition(":")[2]
        try:
            port = parts.port
        except ValueError:
            port = None
        if port_text and not port:
            if port_text.isascii() and port_text.isdigit():
                raise RemoteError(f"{url!r} has port {port_text}; a port is 1 to 65535")
            raise RemoteError(f"{url!r} has a port that is not a number")
        port = port or (443 if parts.scheme == "https" else 80)

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


class _Flight:
    """One request on its way: its deadline, and the socket to shut to stop it.

    :meth:`stop` may come from any thread: the deadline's timer, or
    :meth:`Transport.close`. It shuts the socket down, so that a read or a
    write blocked on it returns at once; the request then reports why.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.stopped: str | None = None
        """Why it was stopped: ``_DEADLINE``, ``_CLOSED``, or ``None`` (not)."""
        self._socket: socket.socket | None = None
        self._done = False
        self._guard = threading.Lock()
        self._timer = threading.Timer(seconds, self.stop, args=(_DEADLINE,))
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Return the seconds left, at least a little (a socket needs some)."""
        return max(self.deadline - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Stop the request by shutting ``sock``; at once if already stopped."""
        with self._guard:
            self._socket = sock
            if self.stopped is not None:
                _shut(sock)

    def stop(self, why: str) -> None:
        """Stop the request, for ``why``, unless it is done."""
        with self._guard:
            if self._done or self.stopped is not None:
                return
            self.stopped = why
            if self._socket is not None:
                _shut(self._socket)

    def finish(self) -> None:
        """Mark the request done: nothing stops it any more."""
        with self._guard:
            self._done = True
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    """Shut ``sock`` down both ways, so that whoever waits on it wakes up.

    The plain socket's method is used for a TLS socket too: the TLS one's
    would also take its state away from the thread reading it.
    """
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _connection_classes() -> tuple[type[http.client.HTTPConnection], ...]:
    """Return the plain and the TLS connection whose sockets a flight watches.

    They are made on first use, as http.client is loaded only then.
    """
    import http.client  # noqa: PLC0415

    class PlainConnection(http.client.HTTPConnection):
        flight: _Flight | None = None

        def connect(self) -> None:
            super().connect()
            if self.flight is not None:
                self.flight.watch(self.sock)

    class TlsConnection(PlainConnection):
        tls: ssl.SSLContext

        def connect(self) -> None:
            # The handshake is done here, after the flight watches the TLS
            # socket, so that the deadline bounds it too.
            super().connect()
            wrapped = self.tls.wrap_socket(
                self.sock, server_hostname=self.host, do_handshake_on_connect=False
            )
            self.sock = wrapped
            if self.flight is not None:
                self.flight.watch(wrapped)
            wrapped.do_handshake()

    return PlainConnection, TlsConnection


class Transport:
    """A kept-alive connection to a served registry, safe to share by threads.

    An idle connection the server has closed is opened again once, silently.
    Each request must be over within ``timeout`` seconds, whatever the server
    sends meanwhile; :meth:`close` stops one on its way, from any thread.
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
        self._password = password
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        """Held by the request on its way: one at a time on the connection."""
        self._flight: _Flight | None = None
        self._flight_guard = threading.Lock()

    def twin(self) -> Transport:
        """Return a transport to the same server with its own connection.

        Requests on one never wait for requests on the other.
        """
        return Transport(self.address, self.user, self._password, timeout=self.timeout)

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
            RemoteError: no answer (refused, timed out, unknown host, TLS,
                stopped by :meth:`close`), a 401, a redirect, or an answer
                that is not JSON where JSON was due.
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
            flight = _Flight(timeout or self.timeout)
            with self._flight_guard:
                self._flight = flight
            try:
                status, reason, received, data = self._exchange(
                    method, path, payload, sent_headers, flight
                )
            finally:
                with self._flight_guard:
                    self._flight = None
                flight.finish()

        if status == 401:
            raise RemoteError(
                f"the registry at {self.address.url} refused the user "
                f"{self.user!r}: wrong user name or password",
                status,
            )
        if 300 <= status < 400 and status != 304:
            raise self._redirect(status, path, received.get("location"))
        return Answer(status, received, self._parse(status, reason, data))

    def close(self) -> None:
        """Close the connection; the next request opens a new one.

        A request on its way in another thread is stopped at once (it raises
        :class:`RemoteError`), so that closing never waits for the network.
        """
        while True:
            with self._flight_guard:
                flight = self._flight
            if flight is not None:
                # Its thread drops the connection as it fails.
                flight.stop(_CLOSED)
                return
            if self._lock.acquire(timeout=0.05):
                try:
                    self._drop()
                finally:
                    self._lock.release()
                return

    def _exchange(
        self,
        method: str,
        path: str,
        payload: bytes | None,
        headers: dict[str, str],
        flight: _Flight,
    ) -> tuple[int, str, dict[str, str], bytes]:
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
            connection = self._connect(flight)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException, ValueError) as error:
                self._drop()
                if flight.stopped is not None:
                    raise self._stopped(flight) from error
                if isinstance(error, retryable) and reused and attempt == 1:
                    continue
                if not isinstance(error, OSError | http.client.HTTPException):
                    raise  # a ValueError that no stop explains: procreg's own
                raise self._unreachable(error, flight) from error
            if flight.stopped is not None:
                # Stopped as the answer ended: it may be cut short.
                self._drop()
                raise self._stopped(flight)
            if response.will_close:
                self._drop()
            return (
                response.status,
                response.reason,
                {name.lower(): value for name, value in response.getheaders()},
                data,
            )

        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self, flight: _Flight) -> http.client.HTTPConnection:
        import ssl  # noqa: PLC0415

        timeout = flight.remaining()
        if self._connection is None:
            plain, tls = _connection_classes()
            if self.address.scheme == "https":
                connection = tls(self.address.host, self.address.port, timeout=timeout)
                connection.tls = ssl.create_default_context()  # type: ignore[attr-defined]
            else:
                connection = plain(
                    self.address.host, self.address.port, timeout=timeout
                )
            self._connection = connection
        connection = self._connection
        connection.flight = flight  # type: ignore[attr-defined]
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
            flight.watch(connection.sock)

        return connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _stopped(self, flight: _Flight) -> RemoteError:
        """Return the error of a request stopped by its deadline or by close."""
        where = f"the registry at {self.address.url}"
        if flight.stopped == _CLOSED:
            reason = "the request was stopped, as the registry was closed"
        else:
            reason = f"no answer within {flight.seconds:g} s"

        return RemoteError(f"cannot reach {where}: {reason}", unreachable=True)

    def _unreachable(self, error: BaseException, flight: _Flight) -> RemoteError:
        """Return the plain words for a request that got no answer."""
        import http.client  # noqa: PLC0415
        import ssl  # noqa: PLC0415

        where = f"the registry at {self.address.url}"
        if isinstance(error, ConnectionRefusedError):
            reason = "the connection was refused (is 'procreg serve' running there?)"
        elif isinstance(error, TimeoutError):
            reason = f"no answer within {flight.seconds:g} s"
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

    def _redirect(self, status: int, path: str, location: str | None) -> RemoteError:
        """Return the error of a redirect: procreg does not follow one."""
        where = f"the registry at {self.address.url}"
        if not location:
            return RemoteError(
                f"{where} answered {status}, a redirect that does not say where to; "
                "is that address a procreg registry?",
                status,
            )
        target = urljoin(f"{self.address.url}{path}", location)

        return RemoteError(
            f"{where} answered {status}, a redirect to {target}; procreg does not "
            "follow redirects: if the registry is there, give that address "
            "with --remote",
            status,
        )

    def _parse(self, status: int, reason: str, data: bytes) -> Any:
        if not data:
            return None
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise RemoteError(self._not_json(status, reason), status) from error

    def _not_json(self, status: int, reason: str) -> str:
        """Return what an answer that is not JSON says, by its status.

        procreg's server answers JSON only, so such an answer comes from
        something else: a proxy in front of it, or another program.
        """
        where = f"the registry at {self.address.url}"
        said = f"{status} {reason}".strip()
        if status in (502, 504):
            return (
                f"{where} answered {said} from something in between (a proxy or "
                "gateway), not from procreg: the registry behind it is down or "
                "does not answer; try again later"
            )
        if status == 503:
            return (
                f"{where} answered {said} without procreg's JSON: it, or a proxy "
                "in front of it, is overloaded or down; try again later"
            )
        if status == 413:
            return (
                f"{where} answered {said} from something in between (a proxy): "
                "the request is larger than it lets through; send less at once"
            )
        return (
            f"{where} answered {status} with something that is not JSON; is that "
            "address a procreg registry?"
        )
