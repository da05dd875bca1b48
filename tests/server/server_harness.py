"""A real ``procreg serve`` on a free loopback port, and a small HTTP client for it."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procreg_tui.registry import Registry
from procreg_tui.server import ServeOptions, UserStore, bind, build_server

LOOPBACK = "127.0.0.1"
API = "/api/process_definition/"

PASSWORDS = {"alice": "alice-secret", "bob": "bob-secret ünïcode"}
"""The users every test server knows, with their passwords."""


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, headers (lower-case names), and the JSON body."""

    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class LiveServer:
    """A running server: where it listens, and the files it serves."""

    url: str
    port: int
    registry_path: Path
    users: UserStore

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = "alice",
        password: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Reply:
        """Send one request as ``user`` (``None``: anonymous) and return the answer."""
        sent = dict(headers or {})
        if user is not None:
            secret = PASSWORDS[user] if password is None else password
            token = base64.b64encode(f"{user}:{secret}".encode()).decode()
            sent["Authorization"] = f"Basic {token}"
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")

        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        received = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, received, json.loads(data) if data else None)


def make_users(path: Path) -> UserStore:
    """Return a users file holding alice and bob."""
    store = UserStore(path)
    for name, password in PASSWORDS.items():
        store.add(name, password)
    return store


@contextmanager
def running_server(
    registry_path: Path, users: UserStore, **options: Any
) -> Iterator[LiveServer]:
    """Serve ``registry_path`` on a free loopback port while the block runs."""
    registry = Registry.open(registry_path)
    server = build_server(
        registry, users, ServeOptions(port=0, access_log=False, **options)
    )
    listener = bind(LOOPBACK, 0)
    port = listener.getsockname()[1]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the server did not start"
    try:
        yield LiveServer(f"http://{LOOPBACK}:{port}", port, registry_path, users)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        registry.close()
