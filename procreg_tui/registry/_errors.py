"""The registry's error types: one base class, a subclass per way it fails."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procreg_tui.registry._record import Record


class RegistryError(Exception):
    """Anything that stops the registry from reading or writing.

    The message is written for the user: it names the registry file and says
    what to do where there is something to do.
    """


class RegistryCorrupt(RegistryError):  # noqa: N818 (the public name)
    """The registry file is not a registry procreg can read; it is left as is."""

    def __init__(
        self,
        path: Path,
        detail: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = path
        self.detail = detail
        self.line = line
        self.column = column
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(
            f"{where}: the registry file cannot be read: {detail}. procreg will not "
            "write to it; repair the file or choose another with --db."
        )


class RegistryReadOnly(RegistryError):  # noqa: N818 (the public name)
    """A write was asked of a registry that is open read-only."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"the registry {path} is read-only ({reason}); nothing was changed"
        )


class RegistryGone(RegistryError):  # noqa: N818 (the public name)
    """The registry file that was read has disappeared from its path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"the registry {path} has disappeared since procreg read it (the file "
            "was deleted, or its directory removed or renamed). procreg will not "
            "write a new registry in its place, which would hand out its ids "
            "again: put the file back, or start procreg again to begin a new "
            "registry there."
        )


class LockTimeout(RegistryError):  # noqa: N818 (the public name)
    """The registry lock was not free within the time allowed."""

    def __init__(self, path: Path, holder: str | None, timeout: float) -> None:
        self.path = path
        self.holder = holder
        self.timeout = timeout
        who = holder if holder else "another process"
        super().__init__(
            f"the registry {path} is locked by {who}; gave up after {timeout:g} s. "
            "Try again when that process has finished."
        )


class Conflict(RegistryError):  # noqa: N818 (the public name)
    """A change was based on a revision that is no longer the stored one.

    ``current`` is the record as stored now; ``attempted`` is the definition the
    refused change would have stored (``None`` for a delete or a restore).
    """

    def __init__(
        self,
        current: Record,
        attempted: Mapping[str, Any] | None,
        base_revision: int,
    ) -> None:
        self.current = current
        self.attempted = attempted
        self.base_revision = base_revision
        super().__init__(
            f"definition {current.id} was changed by {current.updated_by or 'someone'}"
            f" at "
            f"{current.updated} (now revision {current.revision}) after revision "
            f"{base_revision} that this change started from; nothing was overwritten"
        )


class RecordNotFound(RegistryError):  # noqa: N818 (the public name)
    """No definition with that id is stored (or it is not where it was asked)."""

    def __init__(self, record_id: int, detail: str = "") -> None:
        self.id = record_id
        super().__init__(f"no definition {record_id}{detail}")
