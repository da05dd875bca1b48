"""Unsaved edits kept on disk and taken over after a session ended without saving."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import settle, until_loaded

from procreg_tui.app import create_app
from procreg_tui.app._app import POLL_INTERVAL
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.app._recovery import Draft, DraftKeeper
from procreg_tui.registry import Registry, paths


def _ended_pid() -> int:
    """Return the pid of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def _session_file(
    folder: Path, registry: str, pid: int, drafts: dict[int, Draft]
) -> Path:
    """Write the file a session of ``pid`` on this host would have left."""
    keeper = DraftKeeper(folder, registry)
    keeper._pid = pid  # as that session would have named it
    keeper.keep(drafts)
    return keeper.path


def test_keep_writes_only_changes_and_removes_the_file_when_none_are_left(
    tmp_path: Path,
) -> None:
    """The file holds the drafts, readable by the user alone; no drafts, no file."""
    keeper = DraftKeeper(tmp_path / "drafts", "/srv/team.json")

    keeper.keep({3: Draft('{"exec": "x"}', 2)})

    document = json.loads(keeper.path.read_text(encoding="utf-8"))
    assert document == {
        "registry": "/srv/team.json",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "drafts": {"3": {"text": '{"exec": "x"}', "base": 2}},
    }
    assert stat.S_IMODE(keeper.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700

    keeper.keep({})
    assert not keeper.path.exists()


def test_recover_takes_over_only_ended_sessions_of_this_registry(
    tmp_path: Path,
) -> None:
    """Edits of an ended session are taken (and its file removed); a running
    session's, another registry's and an unreadable file are left alone."""
    folder = tmp_path / "drafts"
    ended = _session_file(folder, "/srv/team.json", _ended_pid(), {1: Draft("a", 1)})
    running = _session_file(folder, "/srv/team.json", os.getppid(), {2: Draft("b", 1)})
    other = _session_file(folder, "/srv/other.json", _ended_pid(), {3: Draft("c", 1)})
    broken = folder / (ended.name.split("-")[0] + "-junk.json")
    broken.write_text("{not json", encoding="utf-8")

    recovered = DraftKeeper(folder, "/srv/team.json").recover()

    assert recovered.drafts == {1: Draft("a", 1)}
    assert recovered.running == {f"{socket.gethostname()} pid {os.getppid()}": [2]}
    assert len(recovered.sessions) == 1
    assert recovered.sessions[0].startswith(f"{socket.gethostname()} pid ")
    assert not ended.exists()
    assert [path.exists() for path in (running, other, broken)] == [True] * 3


@pytest.mark.asyncio
async def test_the_app_keeps_edits_and_takes_over_those_of_an_ended_session(
    registry: Registry,
) -> None:
    """Typed text reaches this session's file within a poll; a later app on the
    same registry shows the edits of a session that ended, marked unsaved."""
    folder = paths().drafts
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 5')
        await pilot.pause(POLL_INTERVAL + 0.5)

        (kept,) = folder.glob("*.json")
        document = json.loads(kept.read_text(encoding="utf-8"))
        assert list(document["drafts"]) == ["1"]
        assert '"timeout": 5' in document["drafts"]["1"]["text"]

    # Renamed as a session of a process that has ended would have left it.
    ended = kept.with_name(kept.name.replace(f"-{os.getpid()}.", f"-{_ended_pid()}."))
    document["pid"] = int(ended.stem.rsplit("-", 1)[1])
    ended.write_text(json.dumps(document), encoding="utf-8")
    kept.unlink()

    later = create_app(registry)
    async with later.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)

        assert later.drafts.keys() == {1}
        assert '"timeout": 5' in later.query_one(DefinitionEditor).text
        (note,) = list(later._notifications)
        assert note.title == "Recovered"
        assert note.message.startswith(
            "Recovered unsaved edits of 1 definition (1) from a session that ended "
            "without saving them ("
        )
        assert not ended.exists()


@pytest.mark.asyncio
async def test_the_edits_of_a_session_still_running_are_told(
    registry: Registry,
) -> None:
    """A session still running on the same registry (one hanging on a dropped
    connection, or open in another window) keeps its edits, and the new one
    says which definitions they are and where."""
    running = os.getppid()
    _session_file(
        paths().drafts,
        str(registry.path),
        running,
        {4: Draft('{"exec": "sort"}', 1), 2: Draft('{"exec": "x"}', 1)},
    )
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)

        assert app.drafts == {}
        (note,) = list(app._notifications)
        assert note.title == "Unsaved elsewhere"
        assert note.message == (
            f"Another procreg session on this registry ({socket.gethostname()} pid "
            f"{running}) is still running with unsaved edits of 2 definitions "
            "(2, 4): save them there. If it hangs on a dropped connection, the "
            "procreg started after it ends takes them over."
        )
