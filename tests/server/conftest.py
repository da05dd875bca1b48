"""Fixtures of the server tests: a users file and a live server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_harness import LiveServer, make_users, running_server

from procreg_tui.server import UserStore


@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> UserStore:
    """A users file with alice and bob (hashing is slow: made once per module)."""
    return make_users(tmp_path_factory.mktemp("users") / "registry.users.json")


@pytest.fixture
def server(registry_path: Path, users: UserStore) -> Iterator[LiveServer]:
    """A server on an empty registry that refuses deletes, with a 4 KiB body limit."""
    with running_server(registry_path, users, max_body=4096) as live:
        yield live


@pytest.fixture
def deleting_server(registry_path: Path, users: UserStore) -> Iterator[LiveServer]:
    """A server on an empty registry started with --allow-delete."""
    with running_server(registry_path, users, allow_delete=True) as live:
        yield live
