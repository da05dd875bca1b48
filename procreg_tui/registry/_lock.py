"""The registry lock: a POSIX record lock on a sidecar file, and who holds it.

``fcntl`` record locks (taken through ``fasteners``) are honoured across hosts
on NFS (by ``lockd`` on NFSv3, by the protocol itself on NFSv4) and are dropped
by the kernel or the lock manager when their holder dies, so a killed process
never leaves a stale lock behind. They belong to a process, not to a file
handle: closing any descriptor of the lock file drops them, and a second handle
in the same process would be granted the lock at once. A per-path thread lock
in front of the file lock keeps handles within one process apart as well.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from procreg_tui.registry._errors import LockTimeout, RegistryError, RegistryReadOnly

_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()

_HOLDER_LIMIT = 200


def _forget_process_locks() -> None:
    _PROCESS_LOCKS.clear()


os.register_at_fork(after_in_child=_forget_process_locks)


def _process_lock(path: Path) -> threading.Lock:
    """Return the one thread lock this process uses for the lock file ``path``."""
    key = os.path.realpath(path)
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(key, threading.Lock())


def current_user() -> str:
    """Return the name of the user running procreg, or their uid if unnamed."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return str(os.getuid())


def utc_now() -> str:
    """Return the current time as ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RegistryLock:
    """The exclusive lock every write to one registry file takes.

    The lock lives in ``<registry>.lock``; after taking it the holder writes
    ``user@host pid N since TIME`` to ``<registry>.lock.holder`` so that anyone
    kept waiting can be told who to look for.
    """

    def __init__(self, registry_path: Path, timeout: float) -> None:
        self.path = registry_path.with_name(registry_path.name + ".lock")
        self.holder_path = registry_path.with_name(registry_path.name + ".lock.holder")
        self.timeout = timeout
        self._registry_path = registry_path

    def holder(self) -> str | None:
        """Return the last recorded holder of the lock, or ``None`` if unknown.

        Anyone who can write the registry's folder can put something else in
        the note's place, so only a regular file is read, a few hundred bytes
        of it, never through a symbolic link and never waiting on a pipe.
        """
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            fd = os.open(self.holder_path, flags)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            data = os.read(fd, 4 * _HOLDER_LIMIT)
        except OSError:
            return None
        finally:
            os.close(fd)

        note = data.decode("utf-8", errors="replace").strip()[:_HOLDER_LIMIT]
        return note if note and not _ended(note) else None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the duration of the block.

        Raises:
            LockTimeout: the lock was not free within ``timeout`` seconds.
            RegistryReadOnly: the lock file cannot be created or opened.
            RegistryError: the file system refused the lock for another reason.
        """
        deadline = time.monotonic() + self.timeout
        in_process = _process_lock(self.path)
        if not in_process.acquire(timeout=self.timeout):
            raise LockTimeout(self._registry_path, self.holder(), self.timeout)

        try:
            with self._file_lock(deadline):
                self._record_holder()
                yield
        finally:
            in_process.release()

    @contextmanager
    def _file_lock(self, deadline: float) -> Iterator[None]:
        # Loaded here: reading a registry takes no lock, and fasteners brings
        # the logging module with it.
        import fasteners  # noqa: PLC0415

        self._refuse_odd_lock_file()
        lock = fasteners.InterProcessLock(self.path)
        try:
            # Short polls: a waiter only gets the lock if it asks while it is
            # free, and a busy writer frees it for a moment between changes.
            # TODO: polling is not fair; a process writing in a tight loop can
            # outlast a waiter's timeout. A blocking F_SETLKW taken in a helper
            # thread would queue in the kernel instead.
            gotten = lock.acquire(
                timeout=max(0.0, deadline - time.monotonic()),
                delay=0.001,
                max_delay=0.005,
            )
        except PermissionError as exc:
            raise RegistryReadOnly(
                self._registry_path,
                f"cannot open the lock file {self.path}: {_reason(exc)}",
            ) from exc
        except (OSError, threading.ThreadError) as exc:
            raise RegistryError(
                f"cannot lock the registry {self._registry_path} "
                f"through {self.path}: {_reason(exc)}"
            ) from exc
        if not gotten:
            lock._do_close()
            raise LockTimeout(self._registry_path, self.holder(), self.timeout)

        try:
            yield
        finally:
            lock.release()

    def _refuse_odd_lock_file(self) -> None:
        """Stop at a lock file that is not a regular file.

        Opening a FIFO for writing waits for a reader for ever, and opening a
        symbolic link would create or lock whatever it points to; neither is
        what procreg made, so the user is told to remove it.
        """
        try:
            mode = os.lstat(self.path).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise RegistryError(
                f"cannot lock the registry {self._registry_path} "
                f"through {self.path}: {_reason(exc)}"
            ) from exc
        if not stat.S_ISREG(mode):
            raise RegistryError(
                f"cannot lock the registry {self._registry_path}: its lock file "
                f"{self.path} is not a regular file; remove it, and procreg "
                "creates it again"
            )

    def _record_holder(self) -> None:
        import socket  # noqa: PLC0415

        note = (
            f"{current_user()}@{socket.gethostname()} pid {os.getpid()} "
            f"since {utc_now()}\n"
        )
        # The note only improves the message of a lock timeout; failing to write
        # it must not stop the write the lock protects. It is written to a new
        # file renamed into place: opening the old one for writing would follow
        # a symbolic link (or a hard link) planted there by anyone who can
        # write the folder, and overwrite whatever it points to.
        # Named as the registry's own new files are, so that the next writer
        # removes one left by a writer killed before the rename.
        name = self.holder_path.with_name(
            f".{self.holder_path.name}.{os.urandom(6).hex()}.tmp"
        )
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            fd = os.open(name, flags, 0o600)
        except OSError:
            return
        try:
            try:
                os.write(fd, note.encode("utf-8", errors="replace"))
                os.fchmod(fd, 0o644)
            finally:
                os.close(fd)
            os.replace(name, self.holder_path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name)


def _reason(exc: BaseException) -> str:
    """Return what went wrong, without the path the caller names already."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


_NOTE = re.compile(r"\S+@(?P<host>\S+) pid (?P<pid>\d{1,10}) ")
"""The start of a holder note: ``user@host pid N since TIME``."""


def _ended(note: str) -> bool:
    """Whether the note names a process of this host that is no longer running.

    The lock outlives no process, so such a note is stale: another program
    (not procreg, which would have written its own) holds the lock now.
    """
    import socket  # noqa: PLC0415

    found = _NOTE.match(note)
    if found is None or found["host"] != socket.gethostname():
        return False
    try:
        os.kill(int(found["pid"]), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process, or no such number
        return False
    return False
