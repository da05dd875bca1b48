"""Fixtures of the remote tests: a live server to point ``--remote`` at."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The live server and the in-memory runner are shared with the server tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "server"))

from server_harness import (
    PASSWORDS,
    LiveServer,
    make_users,
    running_server,
)

from procreg_tui.server import UserStore


@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> UserStore:
    """A users file with alice and bob (hashing is slow: made once per module)."""
    return make_users(tmp_path_factory.mktemp("users") / "registry.users.json")


@pytest.fixture
def server(registry_path: Path, users: UserStore) -> Iterator[LiveServer]:
    """A server on an empty registry that refuses deletes."""
    with running_server(registry_path, users) as live:
        yield live


@pytest.fixture
def deleting_server(registry_path: Path, users: UserStore) -> Iterator[LiveServer]:
    """A server on an empty registry started with --allow-delete."""
    with running_server(registry_path, users, allow_delete=True) as live:
        yield live


@pytest.fixture
def alice_env(tmp_path: Path) -> dict[str, str]:
    """An environment giving alice's password, with a HOME that has no netrc."""
    return {"PROCREG_PASSWORD": PASSWORDS["alice"], "HOME": str(tmp_path / "home")}
