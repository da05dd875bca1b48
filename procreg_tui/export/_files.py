"""Writing an export to a file so that readers see the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
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
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise ExportError(f"cannot write {path}: it is a folder")
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_through(path, text)
        return

    target = Path(os.path.realpath(path))
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
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ExportError(f"cannot write {path}: {error.strerror}") from error


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
