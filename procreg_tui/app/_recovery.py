"""Unsaved edits kept on disk, so that a dropped connection loses none of them.

On a login node the terminal goes away with the SSH connection or the tmux
pane, and the app with it, without a chance to ask about unsaved edits. So
each app session keeps its unsaved texts in a file of its own (one per
registry, host and process) in the per-user state folder, rewritten within a
second of a change and removed when the session ends normally. The next
session on the same registry and host finds the files of sessions whose
process is gone and takes their edits over.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Draft:
    """The unsaved text of one definition and the revision it was based on."""

    text: str
    base: int | None


@dataclass(frozen=True, slots=True)
class Recovered:
    """Edits taken over from a session that ended without saving them."""

    drafts: dict[int, Draft]
    sessions: list[str]
    """Where they come from, ``host pid N``, one per session."""
    running: dict[str, list[int]]
    """Sessions still running with unsaved edits, ``host pid N``, and the ids
    of those edits: they are taken over only once that session ends."""


class DraftKeeper:
    """Keeps one app session's unsaved edits of one registry in a file."""

    def __init__(self, folder: Path, registry: str) -> None:
        self._folder = folder
        self._registry = registry
        digest = hashlib.sha256(registry.encode("utf-8", "surrogatepass")).hexdigest()
        self._prefix = f"{digest[:16]}-"
        self._host = socket.gethostname()
        self._pid = os.getpid()
        self._kept: dict[int, Draft] = {}
        self.failure: str | None = None
        """Why the edits could not be kept, the last time that failed."""

    @property
    def path(self) -> Path:
        """This session's file."""
        return self._folder / f"{self._prefix}{self._host}-{self._pid}.json"

    def keep(self, drafts: Mapping[int, Draft]) -> None:
        """Write ``drafts`` to this session's file if they changed; none: remove it.

        A failure is remembered in :attr:`failure`, never raised: keeping a
        copy must not stop the editing it protects.
        """
        if drafts == self._kept:
            return
        try:
            if drafts:
                self._write(drafts)
            else:
                self.path.unlink(missing_ok=True)
        except OSError as error:
            self.failure = f"cannot keep unsaved edits in {self.path}: {error}"
            return
        self.failure = None
        self._kept = dict(drafts)

    def discard(self) -> None:
        """Remove this session's file: it ends and its edits were given up."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._kept = {}

    def recover(self) -> Recovered:
        """Take over the edits of ended sessions on this registry and host.

        Their files are removed; what they held is returned, the latest
        session's text winning for a definition edited in several.
        """
        drafts: dict[int, Draft] = {}
        sessions: list[str] = []
        running: dict[str, list[int]] = {}
        try:
            candidates = sorted(
                self._folder.glob(f"{self._prefix}*.json"),
                key=lambda path: path.stat().st_mtime_ns,
            )
        except OSError:
            return Recovered({}, [], {})
        for path in candidates:
            found = self._session(path)
            if found is None:
                continue
            who, kept, ended = found
            if not ended:
                running[who] = sorted(kept)
                continue
            drafts.update(kept)
            sessions.append(who)
            with contextlib.suppress(OSError):
                path.unlink()
        return Recovered(drafts, sessions, running)

    def _session(self, path: Path) -> tuple[str, dict[int, Draft], bool] | None:
        """Return who wrote ``path``, its drafts and whether that session has
        ended; ``None`` for this session's file and another registry's or host's."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            host, pid = document["host"], document["pid"]
            if document["registry"] != self._registry or host != self._host:
                return None
            if pid == self._pid:
                return None
            drafts = {
                int(key): Draft(str(value["text"]), value.get("base"))
                for key, value in document["drafts"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return f"{host} pid {pid}", drafts, not _running(pid)

    def _write(self, drafts: Mapping[int, Draft]) -> None:
        """Replace this session's file with ``drafts``, readable by the user only."""
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        document = {
            "registry": self._registry,
            "host": self._host,
            "pid": self._pid,
            "drafts": {
                str(record_id): {"text": draft.text, "base": draft.base}
                for record_id, draft in drafts.items()
            },
        }
        fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self._folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
            os.replace(name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise


def _running(pid: object) -> bool:
    """Return whether a process ``pid`` runs on this host (or cannot be told)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        # It exists but belongs to someone else: not a session of this user.
        return True
    return True
