"""Writing an export to a file so that readers see the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from procreg_tui.export._errors import ExportError


def write_atomically(path: Path, text: str) -> None:
    """Replace the file at ``path`` with ``text`` in one step.

    The text goes to a new file in the same folder, is flushed to disk, and is
    renamed over ``path``; a reader or a crash sees either the old content or
    the new one, never a part. A file already at ``path`` keeps its
    permissions; a new one gets those the umask allows.

    Raises:
        ExportError: the folder cannot be written or the disk is full; ``path``
            is then left as it was.
    """
    folder = path.parent
    mode = _mode_for(path)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=folder
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
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ExportError(f"cannot write {path}: {error.strerror}") from error


def _mode_for(path: Path) -> int:
    """Return the permission bits a file written at ``path`` should get."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
