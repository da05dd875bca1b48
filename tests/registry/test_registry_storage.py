"""The registry file: atomic writes, corrupt files, full disks, read-only files."""

from __future__ import annotations

import errno
import gc
import getpass
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from tinydb import TinyDB

from procreg_tui.registry import (
    Registry,
    RegistryCorrupt,
    RegistryError,
    RegistryReadOnly,
    RegistryStorage,
)


def test_the_file_is_a_tinydb_database(registry: Registry, registry_path: Path) -> None:
    """Plain TinyDB reads the definitions table procreg writes."""
    registry.create({"exec": "ls"})

    with TinyDB(registry_path) as database:
        documents = database.table("definitions").all()

    assert [(document.doc_id, document["definition"]) for document in documents] == [
        (1, {"exec": "ls"})
    ]


def test_plain_tinydb_on_the_storage_writes_atomically(registry_path: Path) -> None:
    """TinyDB used directly on RegistryStorage stores what it inserts."""
    with TinyDB(registry_path, storage=RegistryStorage) as database:
        database.insert({"name": "one"})

    assert json.loads(registry_path.read_text())["_default"] == {"1": {"name": "one"}}


def test_plain_tinydb_write_on_a_stale_copy_is_refused(registry_path: Path) -> None:
    """A TinyDB write computed from a copy another process replaced is refused."""
    with TinyDB(registry_path, storage=RegistryStorage) as database:
        database.insert({"name": "one"})
        storage = database.storage
        tables = storage.read()
        Registry.open(registry_path).create({"exec": "elsewhere"})

        with pytest.raises(RegistryError, match="was changed by another process"):
            storage.write(tables)

    assert json.loads(registry_path.read_text())["definitions"]["1"]["definition"] == {
        "exec": "elsewhere"
    }


def test_a_missing_file_is_an_empty_registry(registry_path: Path) -> None:
    """Opening a path that does not exist gives no records and creates nothing."""
    with Registry.open(registry_path) as registry:
        assert registry.records() == []

    assert not registry_path.exists()


def test_a_file_that_does_not_parse_is_reported_and_kept(registry_path: Path) -> None:
    """A syntax error is reported with line and column and the bytes stay."""
    broken = b'{"definitions": {\n  "1": {"definition": {"exec": "ls"},,}\n}}\n'
    registry_path.write_bytes(broken)

    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(registry_path)

    assert (caught.value.path, caught.value.line, caught.value.column) == (
        registry_path,
        2,
        38,
    )
    assert str(caught.value).startswith(f"{registry_path}:2:38: ")
    assert registry_path.read_bytes() == broken


def test_a_file_that_breaks_later_is_never_overwritten(
    registry: Registry, registry_path: Path
) -> None:
    """A write to a registry whose file went bad refuses and leaves the bytes."""
    registry.create({"exec": "ls"})
    broken = b'{"definitions": '
    registry_path.write_bytes(broken)

    with pytest.raises(RegistryCorrupt) as caught:
        registry.create({"exec": "cat"})

    assert (caught.value.line, caught.value.column) == (1, 17)
    assert registry_path.read_bytes() == broken


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"[1, 2]", "expected a JSON object of tables, found an array"),
        (b"null", "expected a JSON object of tables, found null"),
        (b'"registry"', "expected a JSON object of tables, found a string"),
        (b"1.5", "expected a JSON object of tables, found a number"),
        (b'{"definitions": []}', "table 'definitions' is not an object of documents"),
        (
            b'{"definitions": {"1": {"definition": "ls"}}}',
            "definition 1: the definition is not a JSON object",
        ),
        (
            b'{"definitions": {"x": {"definition": {}}}}',
            "definition x: the id is not a positive integer",
        ),
        (
            '{"definitions": {"\u00b2": {"definition": {}}}}'.encode(),
            "definition \u00b2: the id is not a positive integer",
        ),
        (
            b'{"definitions": {"0": {"definition": {}}}}',
            "definition 0: the id is not a positive integer",
        ),
        (
            b'{"definitions": {"07": {"definition": {}}}}',
            "definition 07: the id is not a positive integer",
        ),
    ],
)
def test_json_that_is_not_a_registry_is_refused(
    registry_path: Path, content: bytes, detail: str
) -> None:
    """Valid JSON of the wrong shape is refused with what is wrong."""
    registry_path.write_bytes(content)

    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(registry_path)

    assert caught.value.detail.startswith(detail)
    assert registry_path.read_bytes() == content


@pytest.mark.parametrize(
    ("value", "place", "detail"),
    [
        ("NaN", (6, 17), "NaN is not JSON; write null or a string instead"),
        ("-Infinity", (6, 17), "-Infinity is not JSON"),
        ("1e400", (6, 17), "the number 1e400 is out of range"),
        ('["ok", "x\\ud800"]', (6, 24), "this string holds an unpaired surrogate"),
        ('"/bin/rm", "exec": "/bin/ls"', (6, 28), 'duplicate key "exec"'),
    ],
    ids=["nan", "infinity", "out-of-range", "lone-surrogate", "duplicate-key"],
)
def test_json_procreg_would_change_when_writing_is_refused_at_its_place(
    registry_path: Path, value: str, place: tuple[int, int], detail: str
) -> None:
    """A hand-edited value that the next write would turn into another (NaN and
    out-of-range numbers to null, a lone surrogate to an error, a repeated key
    to its last value) stops every command at its line and column, and the
    file is kept as it is."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/echo", "argv": []})
    text = registry_path.read_text(encoding="utf-8")
    assert text.splitlines()[5] == '        "argv": []'
    edited = text.replace('"argv": []', f'"argv": {value}', 1)
    registry_path.write_text(edited, encoding="utf-8")

    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(registry_path)

    assert (caught.value.line, caught.value.column) == place
    assert caught.value.detail.startswith(detail)
    assert registry_path.read_text(encoding="utf-8") == edited


def test_paired_surrogate_escapes_are_one_character(registry_path: Path) -> None:
    """An escaped pair (as other tools write characters beyond U+FFFF) reads
    as the character it stands for."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/echo", "argv": []})
    text = registry_path.read_text(encoding="utf-8")
    registry_path.write_text(
        text.replace('"argv": []', '"argv": ["\\ud83d\\ude00"]', 1),
        encoding="utf-8",
    )

    with Registry.open(registry_path) as registry:
        assert registry.get(1).definition["argv"] == ["\U0001f600"]


def test_bytes_that_are_not_utf8_are_located(registry_path: Path) -> None:
    """Bytes that are not UTF-8 are reported with their line and column."""
    registry_path.write_bytes(b'{\n  "a\xff": {}\n}')

    with pytest.raises(RegistryCorrupt) as caught:
        Registry.open(registry_path)

    assert (caught.value.line, caught.value.column) == (2, 5)


def test_an_empty_file_is_an_empty_registry(registry_path: Path) -> None:
    """A zero-byte file (from touch) opens as an empty registry and takes writes."""
    registry_path.touch()

    with Registry.open(registry_path) as registry:
        assert registry.records() == []
        assert registry.create({"exec": "ls"}).id == 1


def _refusing(errno_value: int) -> Callable[..., object]:
    """Return a replacement for an os call that always fails with ``errno_value``."""

    def refuse(*args: object) -> object:
        raise OSError(errno_value, os.strerror(errno_value))

    return refuse


def _filling_disk(room: int) -> Callable[[int, bytes], int]:
    """Return an ``os.write`` that takes ``room`` bytes in all, then fails with
    ENOSPC, as a disk that fills up mid-write does."""
    real_write = os.write
    left = {"room": room}

    def write(fd: int, data: bytes) -> int:
        if left["room"] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = real_write(fd, bytes(data)[: left["room"]])
        left["room"] -= written
        return written

    return write


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_a_full_disk_leaves_the_file_intact(
    registry: Registry, registry_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """ENOSPC at any step of a write raises a clear error; the old file stays."""
    registry.create({"exec": "ls"})
    before = registry_path.read_bytes()
    failure = _filling_disk(200) if call == "write" else _refusing(errno.ENOSPC)
    monkeypatch.setattr(os, call, failure)

    with pytest.raises(RegistryError) as caught:
        registry.create({"exec": "cat", "argv": ["x" * 1000]})
    monkeypatch.undo()

    assert str(caught.value) == (
        f"cannot write the registry {registry_path}: No space left on device; "
        "the registry on disk is unchanged"
    )
    assert not isinstance(caught.value, RegistryReadOnly)
    assert registry_path.read_bytes() == before
    assert sorted(path.name for path in registry_path.parent.iterdir()) == [
        "registry.json",
        "registry.json.lock",
        "registry.json.lock.holder",
    ]
    assert [record.definition for record in registry.records()] == [{"exec": "ls"}]
    assert registry.create({"exec": "cat"}).id == 2


def test_a_permission_error_while_writing_is_read_only(
    registry: Registry, registry_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system that refuses the new file reports the registry read-only."""
    monkeypatch.setattr(os, "fsync", _refusing(errno.EROFS))

    with pytest.raises(RegistryReadOnly, match="Read-only file system"):
        registry.create({"exec": "ls"})

    monkeypatch.undo()
    assert not registry_path.exists()


def test_forced_read_only_refuses_every_write(registry_path: Path) -> None:
    """A registry opened read-only says so and refuses each kind of change."""
    with Registry.open(registry_path) as writable:
        writable.create({"exec": "ls"})
    before = registry_path.read_bytes()

    with Registry.open(registry_path, read_only=True) as registry:
        assert registry.read_only
        assert registry.read_only_reason == "opened read-only"
        assert [record.id for record in registry.records()] == [1]
        changes: list[Callable[[], object]] = [
            lambda: registry.create({"exec": "x"}),
            lambda: registry.update(1, {"exec": "x"}, base_revision=1),
            lambda: registry.delete(1),
            lambda: registry.restore(1),
            registry.purge,
        ]
        for change in changes:
            with pytest.raises(RegistryReadOnly) as caught:
                change()
            assert str(caught.value) == (
                f"the registry {registry_path} is read-only (opened read-only); "
                "nothing was changed"
            )

    assert registry_path.read_bytes() == before


_UNPRIVILEGED_CHECK = textwrap.dedent(
    """
    import os, sys
    from procreg_tui.registry import Registry, RegistryReadOnly
    if os.getuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    registry = Registry.open(sys.argv[1])
    print(registry.read_only)
    print(registry.read_only_reason)
    print([record.id for record in registry.records()])
    try:
        registry.create({"exec": "x"})
    except RegistryReadOnly as exc:
        print(exc)
    """
)


def test_a_directory_the_user_cannot_write_opens_read_only(tmp_path: Path) -> None:
    """A registry in a directory the user may not write opens read-only.

    Root writes anywhere, so as root the check runs as the user ``nobody``.
    """
    shared = Path(os.environ.get("TMPDIR", "/tmp")) / f"procreg-ro-{os.getpid()}"
    shared.mkdir(mode=0o755)
    try:
        path = shared / "registry.json"
        with Registry.open(path) as registry:
            registry.create({"exec": "ls"})
        path.chmod(0o644)
        (shared / "registry.json.lock").chmod(0o644)
        shared.chmod(0o555)
        before = path.read_bytes()

        result = subprocess.run(
            [sys.executable, "-c", _UNPRIVILEGED_CHECK, str(path)],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            env={
                name: value
                for name, value in os.environ.items()
                if name not in {"LOGNAME", "USER", "LNAME", "USERNAME"}
            },
        )

        assert result.returncode == 0, result.stderr
        user = "nobody" if os.getuid() == 0 else getpass.getuser()
        assert result.stdout.splitlines()[:3] == [
            "True",
            f"the directory {shared} is not writable by {user}",
            "[1]",
        ]
        assert result.stdout.splitlines()[3].startswith(
            f"the registry {path} is read-only"
        )
        assert path.read_bytes() == before
    finally:
        shared.chmod(0o755)
        for child in shared.iterdir():
            child.unlink()
        shared.rmdir()


def test_changed_on_disk_notices_another_handle(
    registry: Registry, registry_path: Path
) -> None:
    """changed_on_disk is false after our own write, true after another's."""
    registry.create({"exec": "ls"})
    assert not registry.changed_on_disk()

    with Registry.open(registry_path) as other:
        other.create({"exec": "cat"})

    assert registry.changed_on_disk()
    assert [record.id for record in registry.records()] == [1, 2]
    assert not registry.changed_on_disk()


def test_reload_reads_a_file_edited_in_place(
    registry: Registry, registry_path: Path
) -> None:
    """reload re-reads the file even when its identity gives no sign of change."""
    registry.create({"exec": "ls"})
    status = registry_path.stat()
    text = registry_path.read_text().replace('"ls"', '"rm"')
    registry_path.write_text(text)
    os.utime(registry_path, ns=(status.st_atime_ns, status.st_mtime_ns))

    registry.reload()

    assert registry.get(1).definition == {"exec": "rm"}


def test_a_new_file_keeps_the_old_files_mode(
    registry: Registry, registry_path: Path
) -> None:
    """Replacing the file keeps its permission bits (a group-shared registry)."""
    registry.create({"exec": "ls"})
    registry_path.chmod(0o664)

    registry.create({"exec": "cat"})

    assert stat.S_IMODE(registry_path.stat().st_mode) == 0o664


def test_files_left_by_a_killed_writer_are_removed(registry_path: Path) -> None:
    """A half-written new file left behind is removed by the next writer."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "ls"})
    leftover = registry_path.parent / ".registry.json.0123456789ab.tmp"
    leftover.write_bytes(b'{"defin')

    with Registry.open(registry_path) as registry:
        registry.create({"exec": "cat"})

    assert not leftover.exists()


def test_a_lock_note_left_by_a_killed_writer_is_removed(registry_path: Path) -> None:
    """A writer killed while it records itself as the lock's holder leaves the
    note's new file behind; the next writer removes it as it removes its own."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "ls"})

    pid = os.fork()
    if pid == 0:  # the writer, killed as it renames its note into place
        try:
            os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)
            with Registry.open(registry_path) as registry:
                registry.create({"exec": "cat"})
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert os.WTERMSIG(status) == signal.SIGKILL
    left = [p.name for p in registry_path.parent.iterdir() if p.suffix == ".tmp"]
    assert [name.startswith(".registry.json.lock.holder.") for name in left] == [True]

    with Registry.open(registry_path) as registry:
        registry.create({"exec": "cat"})

    assert [p.name for p in registry_path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_new_files_of_other_files_named_alike_are_kept(tmp_path: Path) -> None:
    """A registry named ``team`` leaves the new files of ``team.users.json`` and
    of an export to ``team.sbatch`` alone: another process may be writing them."""
    registry_path = tmp_path / "team"
    others = [
        tmp_path / ".team.users.json.k3j2_x9a.tmp",
        tmp_path / ".team.sbatch.0123456789ab.tmp",
    ]
    for other in others:
        other.write_text("being written")

    with Registry.open(registry_path) as registry:
        registry.create({"exec": "ls"})

    assert [other.read_text() for other in others] == ["being written"] * 2


def test_an_id_written_twice_by_hand_is_refused_and_kept(registry_path: Path) -> None:
    """Two records under one id read as one; the file is refused at the second
    place instead of losing the first on the next write."""
    with Registry.open(registry_path) as registry:
        registry.create_many([{"exec": "first"}, {"exec": "second"}])
    text = registry_path.read_text(encoding="utf-8").replace('"2": {', '"1": {', 1)
    registry_path.write_text(text, encoding="utf-8")
    line = text[: text.index('"1": {', text.index('"1": {') + 1)].count("\n") + 1

    with pytest.raises(RegistryCorrupt) as refused:
        Registry.open(registry_path)

    assert refused.value.line == line
    assert refused.value.detail.startswith('duplicate key "1": first at line ')
    assert refused.value.detail.endswith(
        "; JSON readers disagree on which one counts, so remove one"
    )
    assert registry_path.read_text(encoding="utf-8") == text


def test_records_added_by_hand_with_new_ids_are_read(registry_path: Path) -> None:
    """A count that differs only because records were added is no error."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "first"})
    document = json.loads(registry_path.read_text(encoding="utf-8"))
    document["definitions"]["9"] = {
        **document["definitions"]["1"],
        "definition": {"exec": "added"},
    }
    registry_path.write_text(json.dumps(document), encoding="utf-8")

    with Registry.open(registry_path) as registry:
        assert [record.id for record in registry.records()] == [1, 9]
        registry.create({"exec": "third"})
    stored = json.loads(registry_path.read_text(encoding="utf-8"))
    assert stored["meta"]["1"]["count"] == 3


class _Node:
    """An object in a reference cycle: only the collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_reading_again_never_keeps_garbage_alive(registry_path: Path) -> None:
    """A long-running handle re-reads the file after each outside write; the
    objects it freezes out of the collector's reach are its own, never garbage
    that was waiting to be collected."""
    thresholds = gc.get_threshold()
    gc.set_threshold(1_000_000)  # no collection but the registry's own
    try:
        with (
            Registry.open(registry_path) as reader,
            Registry.open(registry_path) as writer,
        ):
            writer.create({"exec": "a"})
            reader.records()
            garbage = _Node()
            gone = weakref.ref(garbage)
            del garbage

            writer.create({"exec": "b"})
            assert [record.id for record in reader.records()] == [1, 2]
            gc.collect()

            assert gone() is None
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def test_integers_beyond_64_bits_from_another_tool_stay_exact(
    registry_path: Path,
) -> None:
    """A file written by another tool may hold integers orjson would round;
    they are read exactly and a later write keeps them so."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "first"})
    document = json.loads(registry_path.read_text(encoding="utf-8"))
    document["definitions"]["1"]["definition"]["timeout"] = 10**30
    document["definitions"]["1"]["definition"]["offsets"] = [-(2**70), 2**64]
    registry_path.write_text(json.dumps(document, indent=2), encoding="utf-8")

    with Registry.open(registry_path) as registry:
        [stored] = registry.records()
        assert stored.definition["timeout"] == 10**30
        assert stored.definition["offsets"] == [-(2**70), 2**64]
        registry.create({"exec": "second"})

    rewritten = json.loads(registry_path.read_text(encoding="utf-8"))
    assert rewritten["definitions"]["1"]["definition"]["timeout"] == 10**30
    assert rewritten["definitions"]["1"]["definition"]["offsets"] == [
        -(2**70),
        2**64,
    ]


def test_long_runs_of_digits_inside_strings_are_read_as_strings(
    registry_path: Path,
) -> None:
    """Digits in a string that look like a long number after a colon stay text."""
    argv = ["seed: 12345678901234567890123", "[-98765432109876543210"]
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "run", "argv": argv, "timeout": 2**63 - 1})

    with Registry.open(registry_path) as registry:
        [stored] = registry.records()
    assert stored.definition == {"exec": "run", "argv": argv, "timeout": 2**63 - 1}


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink"])
def test_a_lock_file_that_is_not_a_regular_file_is_refused(
    tmp_path: Path, kind: str
) -> None:
    """A FIFO, directory or symbolic link where the lock file goes stops a
    write with a message naming it, without waiting (a FIFO opened for writing
    waits for a reader for ever) and without touching where a link points."""
    path = tmp_path / "registry.json"
    with Registry.open(path) as registry:
        registry.create({"exec": "ls"})
    before = path.read_bytes()
    lock = tmp_path / "registry.json.lock"
    lock.unlink()
    target = tmp_path / "elsewhere" / "planted"
    if kind == "fifo":
        os.mkfifo(lock)
    elif kind == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(target)

    # In a child process, so that a lock that hangs fails the test, not the run.
    result = subprocess.run(
        [sys.executable, "-m", "procreg_tui", "--db", str(path), "import", "-"],
        input='{"exec": "true"}',
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"procreg: cannot lock the registry {path}: its lock file {lock} is not a "
        "regular file; remove it, and procreg creates it again"
    )
    assert path.read_bytes() == before
    assert not target.parent.exists()
