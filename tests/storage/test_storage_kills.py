"""Writers killed with SIGKILL at random while a reader watches the file."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from procreg_tui.registry import Conflict, Registry, RegistryStorage

_FORK = multiprocessing.get_context("fork")

WRITERS = 4
OPERATIONS = 250
"""Acknowledged operations each writer must reach, however often it is killed."""


def _log(log: int, entry: dict[str, Any]) -> None:
    """Record one acknowledged operation in a single append."""
    os.write(log, (json.dumps(entry) + "\n").encode())


def _entries(path: Path) -> list[dict[str, Any]]:
    """Return the complete lines of a log; a kill may leave half a line last."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().split("\n")[:-1]]


def _writer(path: Path, log_path: Path, number: int, seed: int) -> None:
    """Create, update, delete and try stale updates until OPERATIONS are logged.

    A restarted writer learns its own live records from the registry, not from
    its log: an operation done but not yet logged when it was killed counts as
    not acknowledged.
    """
    rng = random.Random(seed)
    registry = Registry.open(path, lock_timeout=60)
    done = len(_entries(log_path))
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    mine = {
        record.id: record.revision
        for record in registry.records()
        if record.definition.get("exec") == f"writer-{number}"
    }

    while done < OPERATIONS:
        roll = rng.random()
        definition = {"exec": f"writer-{number}", "argv": [str(done), str(seed)]}
        if not mine or roll < 0.35:
            record = registry.create(definition)
            mine[record.id] = record.revision
            entry = {"op": "create", "id": record.id, "definition": definition}
        elif roll < 0.75:
            record_id = rng.choice(sorted(mine))
            record = registry.update(
                record_id, definition, base_revision=mine[record_id]
            )
            mine[record_id] = record.revision
            entry = {"op": "update", "id": record_id, "definition": definition}
        elif roll < 0.9:
            record_id = rng.choice(sorted(mine))
            try:
                registry.update(
                    record_id, {"exec": "stale"}, base_revision=mine[record_id] - 1
                )
            except Conflict as conflict:
                record = conflict.current
                entry = {"op": "refused", "id": record_id}
            else:
                raise AssertionError("an update on a stale revision was stored")
        else:
            record_id = rng.choice(sorted(mine))
            record = registry.delete(record_id, base_revision=mine.pop(record_id))
            entry = {"op": "delete", "id": record_id}
        entry["revision"] = record.revision
        _log(log, entry)
        done += 1


def _reader(path: Path, report: Path, stop: Any) -> None:
    """Parse the file as fast as possible until told to stop; report the count."""
    reads = 0
    while not stop.is_set():
        data = path.read_bytes()
        try:
            json.loads(data)
        except ValueError as error:
            report.write_text(
                json.dumps({"torn": repr(data[:200]), "error": str(error)})
            )
            return
        reads += 1
        if reads % 50 == 0:
            Registry.open(path, read_only=True).records(include_deleted=True)
    report.write_text(json.dumps({"reads": reads}))


@pytest.mark.slow
def test_killed_writers_lose_no_acknowledged_write(tmp_path: Path) -> None:
    """4 writers x 250 operations, SIGKILLed at random: the file always parses
    and holds every acknowledged write; ids are never handed out twice."""
    path = tmp_path / "registry.json"
    with Registry.open(path) as registry:
        registry.create({"exec": "seed"})
    logs = [tmp_path / f"writer-{number}.log" for number in range(WRITERS)]
    stop = _FORK.Event()
    report = tmp_path / "reader.json"
    reader = _FORK.Process(target=_reader, args=(path, report, stop))
    reader.start()
    rng = random.Random(2024)
    starts = 0

    def start(number: int) -> Any:
        nonlocal starts
        starts += 1
        process = _FORK.Process(
            target=_writer, args=(path, logs[number], number, starts * 100 + number)
        )
        process.start()
        return process

    writers = {number: start(number) for number in range(WRITERS)}
    kills = 0
    while writers:
        time.sleep(rng.uniform(0.01, 0.25))
        for number, process in list(writers.items()):
            if not process.is_alive():
                process.join()
                assert process.exitcode == 0, f"writer {number} failed"
                del writers[number]
        if not writers:
            break
        number = rng.choice(sorted(writers))
        os.kill(writers[number].pid, signal.SIGKILL)
        writers[number].join()
        kills += 1
        if len(_entries(logs[number])) < OPERATIONS:
            writers[number] = start(number)
        else:
            del writers[number]
    stop.set()
    reader.join(timeout=60)

    outcome = json.loads(report.read_text())
    assert "torn" not in outcome, outcome
    assert outcome["reads"] > 0
    assert kills >= 10
    acknowledged = [entry for log in logs for entry in _entries(log)]
    assert len(acknowledged) == WRITERS * OPERATIONS
    created = [entry["id"] for entry in acknowledged if entry["op"] == "create"]
    assert len(created) == len(set(created))
    with Registry.open(path) as registry:
        stored = {r.id: r for r in registry.records(include_deleted=True)}
    for entry in acknowledged:
        record = stored[entry["id"]]
        assert record.revision >= entry["revision"]
        if entry["op"] == "delete":
            assert record.deleted is not None
        elif record.revision == entry["revision"] and entry["op"] != "refused":
            assert record.definition == entry["definition"]
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp")
    assert leftovers == []
    (tmp_path / "figures.json").write_text(
        json.dumps({"operations": len(acknowledged), "kills": kills, **outcome})
    )
    print(f"storage torture: {len(acknowledged)} operations, {kills} kills, "
          f"{outcome['reads']} reads")  # fmt: skip


def _hold_lock(path: Path, ready: Path) -> None:
    """Take the registry's lock, say so, and keep it until killed."""
    with RegistryStorage(path).transaction():
        ready.write_text(str(os.getpid()))
        time.sleep(300)


def _procreg(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the installed ``procreg`` command as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "procreg_tui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PROCREG_DEBUG": ""},
    )


def _locked_by_child(path: Path, tmp_path: Path) -> Any:
    """Start a process holding the registry's lock; return it once it holds it."""
    ready = tmp_path / "ready"
    holder = _FORK.Process(target=_hold_lock, args=(path, ready))
    holder.start()
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert time.monotonic() < deadline, "the lock holder never took the lock"
        time.sleep(0.01)
    return holder


def test_a_lock_left_by_a_killed_holder_does_not_block(tmp_path: Path) -> None:
    """SIGKILL the lock holder: the next command takes the lock and stores."""
    path = tmp_path / "registry.json"
    with Registry.open(path) as registry:
        registry.create({"exec": "before"})
    holder = _locked_by_child(path, tmp_path)

    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    imported = _procreg("--db", str(path), "import", "-", stdin='{"exec": "after"}')
    listed = _procreg("--db", str(path), "list")

    assert (imported.returncode, imported.stderr) == (
        0,
        "procreg: <stdin>: 1 definition, no problems\nprocreg: imported 1 definition\n",
    )
    assert [line.split()[:2] for line in listed.stdout.splitlines()] == [
        ["1", "before"],
        ["2", "after"],
    ]


def test_a_frozen_holder_gets_a_message_naming_it(tmp_path: Path) -> None:
    """A holder stopped (SIGSTOP) while writing: the command waits, then names it."""
    path = tmp_path / "registry.json"
    with Registry.open(path) as registry:
        registry.create({"exec": "before"})
    before = path.read_bytes()
    holder = _locked_by_child(path, tmp_path)
    os.kill(holder.pid, signal.SIGSTOP)
    try:
        imported = _procreg("--db", str(path), "import", "-", stdin='{"exec": "x"}')
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join()

    assert imported.returncode == 1
    assert f"pid {holder.pid}" in imported.stderr
    assert imported.stderr.count("\n") == 2
    assert "Traceback" not in imported.stderr
    assert path.read_bytes() == before
