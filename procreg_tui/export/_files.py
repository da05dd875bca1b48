"""Writing an export to a file so that readers see the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from procreg_tui.export._errors import ExportError

NAME_MAX = 255
"""The most bytes a file name may have in UTF-8, as common file systems allow."""
_RANDOM_AND_SUFFIX = len("12345678.tmp")
"""What :func:`tempfile.mkstemp` adds to a temporary file's prefix."""


def fitted_name(head: str, middle: str, tail: str, limit: int = NAME_MAX) -> str:
    """Return ``head + middle + tail``, ``middle`` cut to fit ``limit`` bytes.

    ``middle`` is cut on a character boundary of its UTF-8 encoding, and the
    hyphens the cut leaves at its end are dropped.
    """
    room = limit - _size(head) - _size(tail)
    if _size(middle) <= room:
        return f"{head}{middle}{tail}"
    used = 0
    for index, character in enumerate(middle):
        used += _size(character)
        if used > room:
            middle = middle[:index].rstrip("-")
            break
    return f"{head}{middle}{tail}"


def _size(text: str) -> int:
    """Return how many bytes ``text`` takes in UTF-8, as a file name's bytes."""
    # A byte that is no UTF-8 comes from the file system as a lone surrogate,
    # one byte on disk: counted as three, the name is shorter than counted.
    return len(text.encode("utf-8", "surrogatepass"))


def write_atomically(path: Path, text: str) -> None:
    """Replace the file at ``path`` with ``text`` in one step.

    The text goes to a new file in the same folder, is flushed to disk, and is
    renamed over ``path``; a reader or a crash sees either the old content or
    the new one, never a part. A file already at ``path`` keeps its
    permissions; a new one gets those the umask allows. A symbolic link is
    followed, so the file it points to is replaced and the link kept.
    Something at ``path`` that is not a file, such as ``/dev/stdout``,
    ``/dev/null`` or a named pipe, is written to as it is, never replaced.

    Raises:
        ExportError: the folder cannot be written, the disk is full, or
            ``path`` is a folder; ``path`` is then left as it was.
    """
    if _not_a_file(path):
        _write_through(path, text)
        return

    target = Path(os.path.realpath(path))
    temporary = _prepare(path, target, text)
    try:
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ExportError(f"cannot write {path}: {error.strerror}") from error


def write_all_atomically(files: Sequence[tuple[Path, str]]) -> None:
    """Write each text to its path, as :func:`write_atomically` does, all or none.

    Every text first goes to a new file beside its path, flushed to disk; only
    when all are there is each renamed over its path. If any cannot be
    written, or a rename fails, no new file stays and every file that was
    there before is put back with its content and permissions (the very same
    file, where the file system has hard links). A device or a named pipe at
    a path is written to last, as it is; what it has read is not taken back.

    Raises:
        ExportError: a file cannot be written, a path is a folder, or two
            paths are the same; the message names the path. Everything is
            then left as it was.
    """
    paths = [path for path, _ in files]
    for index, path in enumerate(paths):
        if path in paths[:index]:
            raise ExportError(f"cannot write {path} twice in one export")

    through: list[tuple[Path, str]] = []
    prepared: list[tuple[Path, Path, Path]] = []
    try:
        for path, text in files:
            if _not_a_file(path):
                through.append((path, text))
                continue
            target = Path(os.path.realpath(path))
            with _uninterrupted():  # a new file is always in the list
                prepared.append((path, target, _prepare(path, target, text)))
    except BaseException:
        with _uninterrupted():
            for _, _, temporary in prepared:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        raise

    done: list[tuple[Path, Path | None]] = []
    """Each file renamed into place and the file it replaced, kept aside."""
    try:
        for path, target, temporary in prepared:
            with _uninterrupted():  # a file renamed is always in the list
                _replace(path, target, temporary, done)
        for path, text in through:
            _write_through(path, text)
    except BaseException:
        with _uninterrupted():
            _undo(done)
            for _, _, temporary in prepared:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        raise
    with _uninterrupted():
        for _, backup in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()


def _not_a_file(path: Path) -> bool:
    """Whether something other than a file is at ``path`` (a device, a pipe),
    to be written to as it is rather than replaced.

    Raises:
        ExportError: ``path`` is a folder.
    """
    try:
        status = path.stat()
    except OSError:
        return False
    if stat.S_ISDIR(status.st_mode):
        raise ExportError(f"cannot write {path}: it is a folder")
    return not stat.S_ISREG(status.st_mode)


def _replace(
    path: Path, target: Path, temporary: Path, done: list[tuple[Path, Path | None]]
) -> None:
    """Rename ``temporary`` over ``target``, keeping the file it replaces aside;
    record both in ``done``.

    Raises:
        ExportError: the old file cannot be kept or the new one renamed.
    """
    try:
        backup = _backup(target) if target.exists() else None
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from error
    try:
        os.replace(temporary, target)
    except OSError as error:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
        raise ExportError(f"cannot write {path}: {error.strerror}") from error
    done.append((target, backup))


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is over.

    A step whose file must be recorded to be undone (made, then listed) is
    not cut between the two; the signal takes effect right after it. Only
    the main thread, where Python runs signal handlers, holds them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _prepare(path: Path, target: Path, text: str) -> Path:
    """Write ``text`` to a new file beside ``target``, flushed; return its path.

    It gets the permissions of the file at ``target``, else those the umask
    allows.

    Raises:
        ExportError: the file cannot be written; the message names ``path``.
    """
    mode = _mode_for(target)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=_temporary_prefix(target.name), suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from error

    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise ExportError(f"cannot write {path}: {error.strerror}") from error
        raise
    return temporary


def _backup(target: Path) -> Path:
    """Keep the file at ``target`` under a new name beside it; return that name.

    The new name is a second link to the same file, or where the file system
    has no links, a copy with the same permissions.

    Raises:
        OSError: the file cannot be kept.
    """
    prefix = _temporary_prefix(target.name)
    for _ in range(100):
        backup = target.with_name(f"{prefix}{secrets.token_hex(4)}.old")
        try:
            os.link(target, backup)
        except FileExistsError:
            continue
        except OSError:
            break
        return backup
    descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=".old", dir=target.parent)
    os.close(descriptor)
    try:
        shutil.copy2(target, name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _undo(done: Sequence[tuple[Path, Path | None]]) -> None:
    """Put back each file a new one replaced; remove the new ones that replaced none."""
    for target, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is None:
                target.unlink()
            else:
                os.replace(backup, target)


def _temporary_prefix(name: str) -> str:
    """Return ``.NAME.``, ``NAME`` cut so that the temporary file's name fits."""
    return fitted_name(".", name, ".", NAME_MAX - _RANDOM_AND_SUFFIX)


def _write_through(path: Path, text: str) -> None:
    """Write ``text`` into the device or pipe at ``path``, which stays in place."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from error


def _mode_for(path: Path) -> int:
    """Return the permission bits a file written at ``path`` should get."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, as ``mkdir -p`` does.

    Returns the folders made, outermost first; none when ``folder`` exists.
    Give them to :func:`remove_folders` to undo the call.

    Raises:
        ExportError: a folder cannot be made, or something that is not a
            folder is in the way; the message names it. The folders made
            before are removed again.
    """
    made: list[Path] = []
    for path in [*reversed(folder.parents), folder]:
        if not made and path.is_dir():
            continue
        if not made and os.path.lexists(path):
            raise ExportError(
                f"cannot create the folder {folder}/: {path} is not a folder"
            )
        try:
            path.mkdir()
        except OSError as error:
            remove_folders(made)
            raise ExportError(
                f"cannot create the folder {folder}/: {error.strerror}"
            ) from error
        made.append(path)
    return made


def remove_folders(made: list[Path]) -> None:
    """Remove the folders :func:`make_folders` made, innermost first.

    A folder that is no longer empty is kept, with what it holds.
    """
    for path in reversed(made):
        with contextlib.suppress(OSError):
            path.rmdir()
