"""The app on a served registry: it lists, saves and follows changes over HTTP."""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_harness import PASSWORDS, LiveServer

sys.path.insert(0, str(Path(__file__).parents[1] / "app"))

from app_helpers import list_labels
from textual.pilot import Pilot

from procreg_tui.app import create_app
from procreg_tui.app._dialogs import ConfirmScreen
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.registry import Registry
from procreg_tui.remote import RemoteRegistry

pytestmark = pytest.mark.asyncio


async def _wait_for(pilot: Pilot[int], condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition`` holds, for at most 60 seconds."""
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.02)


async def test_app_lists_saves_and_follows_a_served_registry(
    server: LiveServer,
) -> None:
    """The app shows alice's definitions only, saves an edit through PUT, and
    picks up a definition another client stores."""
    with Registry.open(server.registry_path) as registry:
        registry.create({"name": "mine", "exec": "/bin/true"}, owner="alice")
        registry.create({"name": "bobs", "exec": "/bin/false"}, owner="bob")
    remote = RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], poll_seconds=0.05
    )
    app = create_app(remote)

    async with app.run_test(size=(80, 24)) as pilot:
        await _wait_for(pilot, lambda: app.loaded)
        await pilot.pause()
        assert list_labels(app) == ["mine"]

        edited = {"name": "mine", "exec": "/bin/true", "argv": ["--version"]}
        app.query_one(DefinitionEditor).load_text(json.dumps(edited, indent=2))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _wait_for(
            pilot, lambda: Registry.open(server.registry_path).get(1).revision == 2
        )
        assert Registry.open(server.registry_path).get(1).definition == edited

        RemoteRegistry.connect(server.url, "alice", PASSWORDS["alice"]).create(
            {"name": "from-elsewhere", "exec": "/bin/echo"}
        )
        await _wait_for(pilot, lambda: list_labels(app) == ["mine", "from-elsewhere"])
        assert list_labels(app) == ["mine", "from-elsewhere"]
        told = [note.message for note in app._notifications]
        assert told[-1] == (
            "The registry changed on the server; the list shows it: 2 definitions."
        )
    remote.close()


async def test_app_deletes_and_undoes_on_a_served_registry(
    deleting_server: LiveServer,
) -> None:
    """d and y move alice's definition to the server's trash; u brings it back
    under its id through the trash endpoints."""
    with Registry.open(deleting_server.registry_path) as registry:
        registry.create({"name": "first", "exec": "/bin/true"}, owner="alice")
        registry.create({"name": "second", "exec": "/bin/false"}, owner="alice")
    remote = RemoteRegistry.connect(
        deleting_server.url, "alice", PASSWORDS["alice"], poll_seconds=0.05
    )
    app = create_app(remote)

    def trashed() -> list[int]:
        return [r.id for r in Registry.open(deleting_server.registry_path).trash()]

    async with app.run_test(size=(80, 24)) as pilot:
        await _wait_for(pilot, lambda: app.loaded)
        await pilot.pause()
        assert list_labels(app) == ["first", "second"]

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await _wait_for(pilot, lambda: list_labels(app) == ["second"])
        assert list_labels(app) == ["second"]
        assert trashed() == [1]

        await pilot.press("u")
        await _wait_for(pilot, lambda: list_labels(app) == ["first", "second"])
        assert list_labels(app) == ["first", "second"]
        assert trashed() == []
        assert app.current_id == 1
        restored = Registry.open(deleting_server.registry_path).get(1)
        assert (restored.deleted, restored.revision, restored.updated_by) == (
            None,
            3,
            "alice",
        )
    remote.close()


async def test_quitting_stops_a_reading_the_server_never_answers() -> None:
    """q while a silent server is read closes the connection, so the reading
    ends at once and the app with it, instead of when the request's time is up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    remote = RemoteRegistry.connect(url, "alice", "x", timeout=60)
    ended: list[float] = []
    reading = remote.records

    def records(**options: bool) -> list[Any]:
        try:
            return reading(**options)
        finally:
            ended.append(time.monotonic())

    remote.records = records  # type: ignore[method-assign]
    try:
        app = create_app(remote)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.5)
            assert not app.loaded
            quit_at = time.monotonic()
            await pilot.press("q")
            for _ in range(300):
                if ended:
                    break
                await pilot.pause(0.01)
    finally:
        listener.close()

    assert ended, "the reading never ended"
    assert ended[0] - quit_at < 3
