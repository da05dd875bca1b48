"""A TinyDB storage that writes atomically under a lock and reads only on change.

Every byte procreg writes to a registry passes through ``_commit``: serialise
with orjson, write a new file next to the registry, fsync it, rename it over the
old one and fsync the directory, all while holding the registry lock. A crash,
``kill -9`` or a full disk at any moment leaves the old file or the new one.

The parsed file is kept in memory together with the identity of the file it
came from (device, inode, size, mtime in ns) and an open descriptor of that
file. The descriptor keeps the inode alive, so its number cannot be handed to a
newer file while it is cached, and a ``stat`` of the path tells whether the
copy is still current.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from procreg_tui.registry._errors import (
    RegistryCorrupt,
    RegistryError,
    RegistryGone,
    RegistryReadOnly,
)
from procreg_tui.registry._lock import RegistryLock, current_user

Tables = dict[str, dict[str, Any]]
Identity = tuple[int, int, int, int]
Check = Callable[[Tables, Path, bytes], None]
"""Refuses tables parsed from a file (its path and bytes) by raising
``RegistryCorrupt``."""

DEFAULT_LOCK_TIMEOUT = 5.0

_MISSING: Identity = (-1, -1, -1, -1)
_READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_NO_DIRECTORY_SYNC_ERRNOS = {errno.EINVAL, errno.ENOTSUP, errno.EBADF}
_DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def _identity(status: os.stat_result) -> Identity:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def serialise(tables: Tables) -> bytes:
    """Return the registry file's bytes for ``tables``."""
    try:
        return orjson.dumps(tables, option=_DUMP_OPTIONS)
    except TypeError:
        # orjson refuses integers beyond 64 bits that a file written by another
        # tool may hold; the standard library keeps them exact.
        text = json.dumps(tables, indent=2, ensure_ascii=False)
        return text.encode("utf-8") + b"\n"


def _accept(tables: Tables, path: Path, data: bytes) -> None:
    """Accept any tables: the check of a storage used without a registry."""


def parse(data: bytes, path: Path, check: Check = _accept) -> Tables | None:
    """Parse registry bytes with the garbage collector paused.

    Returns ``None`` for an empty file. The parsed objects are frozen out of
    the collector's reach afterwards: they live as long as the copy does, and
    scanning them on every full collection would pause the process. Freezing
    moves every object the collector tracks, so garbage waiting to be
    collected is collected first; otherwise each re-read of a long-running
    process (the app, the server) would keep its pending garbage for good.

    Raises:
        RegistryCorrupt: the bytes are not JSON, not TinyDB's shape, or
            ``check`` refuses them.
    """
    if not data or data.isspace():  # isspace stops at the first other byte
        return None

    collecting = gc.isenabled()
    if collecting:
        # Frozen objects are not scanned, so this costs what is not frozen yet.
        gc.collect()
    gc.disable()
    try:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            value = _parse_slowly(data, path)
        else:
            if not _as_procreg_writes(value, data):
                value = _parse_slowly(data, path)
        tables = _checked_tables(value, path)
        check(tables, path, data)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()

    return tables


def _as_procreg_writes(value: Any, data: bytes) -> bool:
    """Return whether ``data`` is exactly what procreg writes for ``value``.

    orjson is fast but lenient: of a key given twice it keeps the last, and it
    reads an integer beyond 64 bits as a float. Either would change the file at
    the next write. A file procreg wrote cannot hold them, and writing its
    value again gives its bytes back; any other file (edited by hand, or
    written by another tool) is read again, strictly, until procreg rewrites
    it. Writing costs a tenth of reading.
    """
    try:
        return orjson.dumps(value, option=_DUMP_OPTIONS) == data
    except (orjson.JSONEncodeError, TypeError):
        return False


def _parse_slowly(data: bytes, path: Path) -> Any:
    """Parse with the standard library, whose errors carry the line and column,
    which reads what orjson refuses, and keeps integers beyond 64 bits exact.

    What it reads but procreg cannot store as it is written (NaN, Infinity, a
    number out of range, an unpaired surrogate escape, a key given twice) is
    refused at its place, as a definition file would be: taken in, it would
    turn into something else at the next write.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RegistryCorrupt(
            path, "the file is not UTF-8 text", line, column
        ) from None

    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise RegistryCorrupt(path, exc.msg, exc.lineno, exc.colno) from None
    except (_NotStorableError, RecursionError):
        raise _located_refusal(data, path) from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(data, path)
    return value


class _NotStorableError(ValueError):
    """JSON the standard library reads that procreg would not store as written."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _NotStorableError
    return members


def _finite_float(token: str) -> float:
    number = float(token)
    if number in (float("inf"), float("-inf")):
        raise _NotStorableError
    return number


def _refuse_constant(token: str) -> Any:
    raise _NotStorableError


# An escape of half a surrogate pair; the standard library decodes a lone one
# into a string that cannot be written as UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(data: bytes, path: Path) -> None:
    """Raise ``RegistryCorrupt`` at the first unpaired surrogate escape, if any."""
    refusal = _located_refusal(data, path, codes={"unpaired-surrogate"})
    if refusal.line is not None:
        raise refusal


def _located_refusal(
    data: bytes, path: Path, codes: set[str] | None = None
) -> RegistryCorrupt:
    """Return the refusal of the first error in ``data`` (of one of ``codes``,
    if given), placed by the definition reader, which knows every error's line
    and column. It is slow, and so used only once something is known wrong."""
    from procreg_tui.definition import Severity, load_bytes  # noqa: PLC0415

    for problem in load_bytes(data, str(path)).problems:
        if problem.severity is Severity.ERROR and (
            codes is None or problem.code in codes
        ):
            return RegistryCorrupt(path, problem.message, problem.line, problem.column)
    return RegistryCorrupt(path, "it holds JSON procreg cannot store as written")


def _checked_tables(value: Any, path: Path) -> Tables:
    if not isinstance(value, dict):
        raise RegistryCorrupt(
            path, f"expected a JSON object of tables, found {_json_kind(value)}"
        )
    for name, table in value.items():
        if not isinstance(table, dict) or not all(
            isinstance(document, dict) for document in table.values()
        ):
            raise RegistryCorrupt(
                path, f"table {name!r} is not an object of documents keyed by id"
            )

    return value


def _json_kind(value: Any) -> str:
    """Return what ``value`` is called in JSON: ``an array``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "an array"


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _unlink_quietly(path: Path) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


def _writable_reason(file: Path, lock_file: Path) -> str | None:
    """Return why ``file`` cannot be written by this user, or ``None`` if it can."""
    user = current_user()
    directory = file.parent
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent

    if existing != directory:
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"{user} cannot create the directory {directory}"
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"the directory {directory} is not writable by {user}"
    if file.exists() and not os.access(file, os.W_OK):
        return f"the file is not writable by {user}"
    if lock_file.exists() and not os.access(lock_file, os.W_OK):
        return f"the lock file {lock_file} is not writable by {user}"

    return None


class RegistryStorage(Storage):
    """TinyDB storage of one registry file: locked, atomic, cached by identity.

    Inside ``transaction()`` the lock is held, the copy is current and TinyDB's
    writes are gathered into one commit at the end of the block. A ``write``
    outside a transaction commits at once, and is refused when the file changed
    since it was read (the data TinyDB passes was computed from the old copy).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        check: Check = _accept,
    ) -> None:
        super().__init__()
        self._check = check
        self.path = Path(os.path.abspath(path))
        self._file = Path(os.path.realpath(self.path))
        if self._file.is_dir():
            raise RegistryError(
                f"the registry {self.path} is a folder; give the registry's file, "
                f"such as {self.path / 'registry.json'}"
            )
        self.lock = RegistryLock(self._file, lock_timeout)
        self.read_only_reason = (
            "opened read-only"
            if read_only
            else _writable_reason(self._file, self.lock.path)
        )

        self._tables: Tables | None = None
        self._identity: Identity | None = None
        # Once a registry file has been read or written, its disappearance is
        # an error: starting afresh would hand out its ids a second time.
        self._seen_file = False
        self._held: int | None = None
        self._in_transaction = False
        self._dirty = False
        self._swept = False
        self._guard: threading.RLock = threading.RLock()

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (see ``read_only_reason``)."""
        return self.read_only_reason is not None

    @property
    def guard(self) -> threading.RLock:
        """The lock that keeps threads sharing this storage apart."""
        return self._guard

    @property
    def in_transaction(self) -> bool:
        """Whether a ``transaction()`` block is running."""
        return self._in_transaction

    def read(self) -> Tables | None:
        """Return the registry's tables, re-read first if the file changed.

        Raises:
            RegistryCorrupt: the file does not parse; it is left untouched.
            RegistryGone: the file this storage read has disappeared.
            RegistryError: the file cannot be read.
        """
        with self._guard:
            if not self._in_transaction:
                self._refresh(locked=False)

            return self._tables

    def write(self, data: Tables) -> None:
        """Store ``data`` as the registry's new content.

        Raises:
            RegistryReadOnly: the registry is read-only, or has become so.
            RegistryGone: the file this storage read has disappeared.
            RegistryError: the file changed since it was read, or the write
                failed; the file on disk is unchanged in both cases.
        """
        with self._guard:
            if self._in_transaction:
                self._tables = data
                self._dirty = True
                return

            self._check_writable()
            base = self._identity
            with self.lock.held():
                self._sweep_temporaries()
                if self._current_identity(fresh=True) != base:
                    self._forget()
                    raise RegistryError(
                        f"the registry {self.path} was changed by another process "
                        "since it was read; nothing was written"
                    )
                try:
                    self._commit(data)
                except BaseException:
                    self._forget()
                    raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock, bring the copy up to date, and commit once at the end.

        An exception inside the block discards the block's writes.

        Raises:
            RegistryReadOnly: the registry is read-only, or has become so.
            RegistryGone: the file this storage read has disappeared.
            LockTimeout: the lock was not free in time.
            RegistryCorrupt: the file does not parse; nothing is written.
        """
        self._check_writable()
        with self._guard, self.lock.held():
            self._sweep_temporaries()
            self._refresh(locked=True)
            self._in_transaction = True
            self._dirty = False
            try:
                yield
                if self._dirty and self._tables is not None:
                    self._commit(self._tables)
            except BaseException:
                if self._dirty:
                    self._forget()
                raise
            finally:
                self._in_transaction = False
                self._dirty = False

    def changed_on_disk(self) -> bool:
        """Whether the file differs from the parsed copy (one ``stat``)."""
        # TODO: on NFS this stat may come from the client's attribute cache
        # (acregmin, 3 s by default), so another host's change shows late;
        # opening the file would revalidate but costs a round trip per poll.
        with self._guard:
            return self._identity is None or self._current_identity() != self._identity

    def reload(self) -> None:
        """Read the file again, whatever its identity says."""
        with self._guard:
            self._forget()
            self._refresh(locked=False)

    def close(self) -> None:
        """Drop the parsed copy and the descriptor that pins its file."""
        with self._guard:
            self._forget()

    def _check_writable(self) -> None:
        """Refuse a write to a registry that vanished or may not be written.

        Writability is looked at again before every write, so a file or
        directory that turned read-only while procreg had it open is reported
        as such (and stays read-only for this storage) instead of failing late
        or, for a file protected by its mode alone, being replaced.
        """
        if self._seen_file and self._current_identity() == _MISSING:
            raise RegistryGone(self.path)
        if self.read_only_reason is None:
            self.read_only_reason = _writable_reason(self._file, self.lock.path)
        if self.read_only_reason is not None:
            raise RegistryReadOnly(self.path, self.read_only_reason)

    def _current_identity(self, *, fresh: bool = False) -> Identity:
        """Return the identity of the file now at the registry's path.

        ``fresh`` opens the file instead of only looking it up: on NFS opening
        revalidates the attributes a plain ``stat`` may serve from a cache.
        """
        try:
            if not fresh:
                return _identity(os.stat(self._file))
            fd = os.open(self._file, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return _MISSING
        except OSError as exc:
            raise RegistryError(
                f"cannot read the registry {self.path}: {exc.strerror}"
            ) from exc
        try:
            return _identity(os.fstat(fd))
        finally:
            os.close(fd)

    def _refresh(self, *, locked: bool) -> None:
        if (
            self._identity is not None
            and not locked
            and self._current_identity() == self._identity
        ):
            return

        try:
            fd = os.open(self._file, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            if self._seen_file:
                raise RegistryGone(self.path) from None
            self._adopt(None, _MISSING, None)
            return
        except OSError as exc:
            raise RegistryError(
                f"cannot read the registry {self.path}: {exc.strerror}"
            ) from exc

        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise RegistryError(f"the registry {self.path} is not a regular file")
            if _identity(status) == self._identity:
                os.close(fd)
                return
            data = self._read_all(fd, status.st_size)
            tables = parse(data, self.path, self._check)
        except BaseException:
            os.close(fd)
            raise

        self._adopt(tables, _identity(status), fd)

    def _read_all(self, fd: int, size: int) -> bytes:
        chunks = []
        try:
            while chunk := os.read(fd, max(size, 1 << 16)):
                chunks.append(chunk)
        except OSError as exc:
            raise RegistryError(
                f"cannot read the registry {self.path}: {exc.strerror}"
            ) from exc

        return b"".join(chunks)

    def _adopt(self, tables: Tables | None, identity: Identity, fd: int | None) -> None:
        if self._held is not None:
            os.close(self._held)
        self._tables = tables
        self._identity = identity
        self._held = fd
        if fd is not None:
            self._seen_file = True

    def _forget(self) -> None:
        self._adopt(None, _MISSING, None)
        self._identity = None

    def _sweep_temporaries(self) -> None:
        """Remove new files a killed writer left behind; only under the lock."""
        if self._swept:
            return

        # Exactly the names _commit and the lock's holder note give, so that
        # the new file of another file whose name starts alike ("team" and
        # "team.users.json") is kept.
        ours = re.compile(
            re.escape(f".{self._file.name}.") + r"(?:lock\.holder\.)?[0-9a-f]{12}\.tmp"
        )
        try:
            with os.scandir(self._file.parent) as entries:
                leftovers = [
                    Path(entry.path) for entry in entries if ours.fullmatch(entry.name)
                ]
        except FileNotFoundError:
            leftovers = []
        for leftover in leftovers:
            _unlink_quietly(leftover)
        self._swept = True

    def _commit(self, tables: Tables) -> None:
        """Replace the registry file by one holding ``tables``; the one write path.

        Raises:
            RegistryReadOnly: the file system refused the write for permissions.
            RegistryError: any other failure; the old file is left in place.
        """
        payload = serialise(tables)
        directory = self._file.parent
        temporary = directory / f".{self._file.name}.{os.urandom(6).hex()}.tmp"

        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666
            )
        except OSError as exc:
            raise self._write_error(exc) from exc

        try:
            self._keep_permissions(fd)
            _write_all(fd, payload)
            os.fsync(fd)
            status = os.fstat(fd)
            os.replace(temporary, self._file)
        except BaseException as exc:
            os.close(fd)
            _unlink_quietly(temporary)
            if isinstance(exc, OSError):
                raise self._write_error(exc) from exc
            raise

        self._adopt(tables, _identity(status), fd)
        self._sync_directory(directory)

    def _keep_permissions(self, fd: int) -> None:
        """Give the new file the old one's mode and, where allowed, its group."""
        try:
            old = os.stat(self._file)
        except FileNotFoundError:
            return

        os.fchmod(fd, stat.S_IMODE(old.st_mode))
        # Only groups the user belongs to can be given; the directory's setgid
        # bit is the way to keep a shared registry in its group.
        with suppress(PermissionError):
            os.fchown(fd, -1, old.st_gid)

    def _sync_directory(self, directory: Path) -> None:
        try:
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise self._write_error(exc) from exc
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in _NO_DIRECTORY_SYNC_ERRNOS:
                raise RegistryError(
                    f"the registry {self.path} was replaced but its directory could "
                    f"not be synced to disk ({exc.strerror}); the change may not "
                    "survive a crash of the machine"
                ) from exc
        finally:
            os.close(fd)

    def _write_error(self, exc: OSError) -> RegistryError:
        reason = exc.strerror or str(exc)
        if exc.errno in _READ_ONLY_ERRNOS:
            return RegistryReadOnly(self.path, reason)

        return RegistryError(
            f"cannot write the registry {self.path}: {reason}; "
            "the registry on disk is unchanged"
        )
