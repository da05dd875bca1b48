"""Several processes on one registry file: nothing lost, nothing torn, no stale lock."""

from __future__ import annotations

import fcntl
import getpass
import json
import multiprocessing
import os
import random
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from procreg_tui.registry import (
    LockTimeout,
    Registry,
    RegistryStorage,
)

# Forked children start at once and inherit the imported package; every worker
# below opens its own registry handle after the fork.
_FORK = multiprocessing.get_context("fork")

ROUNDS = 10


def _acknowledge(log: int, entry: dict[str, Any]) -> None:
    """Append one acknowledged operation to a worker's log in a single write."""
    os.write(log, (json.dumps(entry) + "\n").encode())


def _read_log(path: Path) -> list[dict[str, Any]]:
    """Return the complete lines of a worker's log (a killed worker may leave
    half a line at the end)."""
    if not path.exists():
        return []
    lines = path.read_text().split("\n")
    return [json.loads(line) for line in lines[:-1]]


def _mixed_worker(path: Path, log_path: Path, seed: int, operations: int) -> None:
    """Run ``operations`` random creates, updates and deletes on own records."""
    rng = random.Random(seed)
    registry = Registry.open(path, lock_timeout=60)
    revisions: dict[int, int] = {}
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    for step in range(operations):
        roll = rng.random()
        definition = {"exec": f"worker-{seed}", "argv": [str(step)]}
        if not revisions or roll < 0.4:
            record = registry.create(definition)
            revisions[record.id] = record.revision
            entry = {"op": "create", "id": record.id, "definition": definition}
        elif roll < 0.85:
            record_id = rng.choice(sorted(revisions))
            record = registry.update(
                record_id, definition, base_revision=revisions[record_id]
            )
            revisions[record_id] = record.revision
            entry = {"op": "update", "id": record_id, "definition": definition}
        else:
            record_id = rng.choice(sorted(revisions))
            record = registry.delete(record_id, base_revision=revisions[record_id])
            del revisions[record_id]
            entry = {"op": "delete", "id": record_id}
        entry["revision"] = record.revision
        _acknowledge(log, entry)

    os.close(log)


def test_four_processes_lose_nothing(registry_path: Path, tmp_path: Path) -> None:
    """4 processes x 250 mixed changes: the file holds exactly what was acknowledged."""
    logs = [tmp_path / f"worker-{number}.log" for number in range(4)]
    workers = [
        _FORK.Process(target=_mixed_worker, args=(registry_path, log, number, 250))
        for number, log in enumerate(logs)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    expected: dict[int, tuple[dict[str, Any], int, bool]] = {}
    created: list[int] = []
    for log in logs:
        entries = _read_log(log)
        assert len(entries) == 250
        for entry in entries:
            if entry["op"] == "create":
                created.append(entry["id"])
            if entry["op"] == "delete":
                definition = expected[entry["id"]][0]
                expected[entry["id"]] = (definition, entry["revision"], True)
            else:
                expected[entry["id"]] = (entry["definition"], entry["revision"], False)
    assert len(created) == len(set(created))
    with Registry.open(registry_path) as registry:
        stored = {
            record.id: (record.definition, record.revision, record.deleted is not None)
            for record in registry.records(include_deleted=True)
        }
    assert stored == expected


def _endless_writer(path: Path, log_path: Path, seed: int) -> None:
    """Create, update and delete until killed, logging what was acknowledged."""
    registry = Registry.open(path, lock_timeout=60)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    step = 0
    while True:
        definition = {"exec": f"writer-{seed}", "argv": [str(step)]}
        record = registry.create(definition)
        _acknowledge(log, {"op": "create", "id": record.id, "definition": definition})
        if step % 2:
            changed = {"exec": f"writer-{seed}", "argv": [str(step), "changed"]}
            record = registry.update(record.id, changed, base_revision=1)
            _acknowledge(log, {"op": "update", "id": record.id, "definition": changed})
        if step % 5 == 4:
            registry.delete(record.id)
            _acknowledge(log, {"op": "delete", "id": record.id})
        step += 1


def _wait_for_acknowledgements(logs: list[Path]) -> None:
    """Wait until every writer has acknowledged at least one operation."""
    deadline = time.monotonic() + 60
    while not all(_read_log(log) for log in logs):
        assert time.monotonic() < deadline, "a writer acknowledged nothing in 60 s"
        time.sleep(0.005)


def _check_acknowledged(path: Path, logs: list[Path]) -> int:
    """Assert the file parses and holds every acknowledged write; return how
    many acknowledged operations were checked."""
    tables = json.loads(path.read_bytes())
    stored = tables["definitions"]
    checked = 0
    for log in logs:
        for entry in _read_log(log):
            document = stored[str(entry["id"])]
            if entry["op"] == "delete":
                assert document["deleted"] is not None
            elif entry["op"] == "update":
                assert document["definition"] == entry["definition"]
            else:
                assert (
                    document["definition"]["argv"][0] == entry["definition"]["argv"][0]
                )
            checked += 1
    return checked


@pytest.mark.slow
def test_killed_writers_never_tear_the_file(
    registry_path: Path, tmp_path: Path
) -> None:
    """kill -9 at random moments: the file always parses and keeps every
    acknowledged write, and later writers are never blocked by the dead."""
    with Registry.open(registry_path) as registry:
        registry.create_many(
            {"exec": "filler", "argv": [str(number)] * 20} for number in range(500)
        )
    rng = random.Random(7)
    logs: list[Path] = []
    reads = 0

    for round_number in range(ROUNDS):
        round_logs = [tmp_path / f"round-{round_number}-{n}.log" for n in range(3)]
        logs.extend(round_logs)
        writers = [
            _FORK.Process(target=_endless_writer, args=(registry_path, log, n))
            for n, log in enumerate(round_logs)
        ]
        for writer in writers:
            writer.start()
        _wait_for_acknowledgements(round_logs)
        deadline = time.monotonic() + rng.uniform(0.02, 0.4)
        while True:
            json.loads(registry_path.read_bytes())
            reads += 1
            if time.monotonic() >= deadline:
                break
            time.sleep(0.002)
        for writer in writers:
            assert writer.pid is not None
            os.kill(writer.pid, signal.SIGKILL)
            time.sleep(rng.uniform(0, 0.02))
        for writer in writers:
            writer.join()
        _check_acknowledged(registry_path, logs)

    checked = _check_acknowledged(registry_path, logs)
    with Registry.open(registry_path, lock_timeout=2) as registry:
        after = registry.create({"exec": "after"})
        records = registry.records(include_deleted=True)
    assert checked >= ROUNDS * 3
    assert reads >= ROUNDS
    assert sum(1 for record in records if record.definition["exec"] == "filler") == 500
    assert after.id == max(record.id for record in records)
    leftovers = [p.name for p in registry_path.parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


def _lock_holder(path: Path, ready: Path) -> None:
    """Take the registry lock, say so, and keep it until killed."""
    storage = RegistryStorage(path)
    with storage.transaction():
        ready.write_text("locked")
        time.sleep(120)


def test_a_held_lock_times_out_naming_its_holder(
    registry_path: Path, tmp_path: Path
) -> None:
    """A writer kept waiting is told who holds the lock; once the holder is
    killed the lock is free again."""
    ready = tmp_path / "ready"
    holder = _FORK.Process(target=_lock_holder, args=(registry_path, ready))
    holder.start()
    while not ready.exists():
        time.sleep(0.01)

    with Registry.open(registry_path, lock_timeout=0.3) as registry:
        with pytest.raises(LockTimeout) as caught:
            registry.create({"exec": "waiting"})
        assert caught.value.holder is not None
        assert caught.value.holder.startswith(
            f"{getpass.getuser()}@{socket.gethostname()} pid {holder.pid} since "
        )
        assert str(caught.value).startswith(
            f"the registry {registry_path} is locked by {caught.value.holder}; "
            "gave up after 0.3 s."
        )

        assert holder.pid is not None
        os.kill(holder.pid, signal.SIGKILL)
        holder.join()

        assert registry.create({"exec": "after the holder died"}).id == 1


def _foreign_lock_holder(lock_path: Path, ready: Path) -> None:
    """Hold the lock file's record lock as a program other than procreg would,
    leaving no note of itself."""
    with open(lock_path, "a+b") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        ready.write_text("locked")
        time.sleep(120)


def test_a_note_of_a_holder_that_ended_is_not_named(
    registry_path: Path, tmp_path: Path
) -> None:
    """The last note names a procreg that has ended; the lock is now held by
    another program: the message does not blame the dead one."""
    ended = _FORK.Process(target=time.sleep, args=(0,))
    ended.start()
    ended.join()
    note = registry_path.with_name(registry_path.name + ".lock.holder")
    note.write_text(
        f"{getpass.getuser()}@{socket.gethostname()} pid {ended.pid} since "
        "2026-01-01T00:00:00Z\n"
    )
    ready = tmp_path / "ready"
    lock_path = registry_path.with_name(registry_path.name + ".lock")
    holder = _FORK.Process(target=_foreign_lock_holder, args=(lock_path, ready))
    holder.start()
    try:
        while not ready.exists():
            time.sleep(0.01)
        with (
            Registry.open(registry_path, lock_timeout=0.3) as registry,
            pytest.raises(LockTimeout) as caught,
        ):
            registry.create({"exec": "waiting"})
    finally:
        assert holder.pid is not None
        os.kill(holder.pid, signal.SIGKILL)
        holder.join()

    assert caught.value.holder is None
    assert str(caught.value).startswith(
        f"the registry {registry_path} is locked by another process; "
    )


def test_handles_in_threads_of_one_process_exclude_each_other(
    registry_path: Path,
) -> None:
    """Two handles in two threads of one process never lose each other's writes."""
    errors: list[BaseException] = []

    def create_many(name: str) -> None:
        try:
            with Registry.open(registry_path, lock_timeout=30) as registry:
                for number in range(40):
                    registry.create({"exec": name, "argv": [str(number)]})
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=create_many, args=(name,)) for name in ("a", "b")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Registry.open(registry_path) as registry:
        records = registry.records()
    assert [record.id for record in records] == list(range(1, 81))
    assert sorted(
        (r.definition["exec"], r.definition["argv"][0]) for r in records
    ) == sorted((name, str(number)) for name in ("a", "b") for number in range(40))


def test_threads_sharing_one_handle_lose_nothing(registry: Registry) -> None:
    """Threads creating and updating through one shared handle lose no change."""
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for number in range(30):
                record = registry.create({"exec": name, "argv": [str(number)]})
                registry.update(
                    record.id,
                    {"exec": name, "argv": [str(number), "changed"]},
                    base_revision=record.revision,
                )
                registry.records()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    records = registry.records()
    assert [record.id for record in records] == list(range(1, 91))
    assert {record.revision for record in records} == {2}
    assert sorted(
        (r.definition["exec"], r.definition["argv"][0]) for r in records
    ) == sorted((name, str(number)) for name in "abc" for number in range(30))
