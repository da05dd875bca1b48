"""The users of a served registry: names and slow salted password hashes."""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
import secrets
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fasteners

from procreg_tui.server._errors import EXTRA_HINT, ServerError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

USERS_SUFFIX = ".users.json"
FORMAT_VERSION = 1

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}")


def users_path(registry_path: Path) -> Path:
    """Return the user file that belongs to ``registry_path``.

    ``registry.json`` keeps its users in ``registry.users.json`` beside it, so
    ``procreg users`` and ``procreg serve`` with the same ``--db`` agree.
    """
    return registry_path.with_name(registry_path.stem + USERS_SUFFIX)


def check_name(name: str) -> str:
    """Return ``name`` if it can be a user name.

    Raises:
        ServerError: it is empty, too long, or holds characters other than
            letters, digits and ``_ . @ -`` (a colon would break basic auth).
    """
    if not _NAME.fullmatch(name):
        raise ServerError(
            f"{name!r} cannot be a user name: use 1 to 64 letters, digits and "
            "_ . @ - (not starting with . @ -)"
        )
    return name


def _hasher() -> PasswordHasher:
    """Return the Argon2id hasher.

    Raises:
        ServerError: argon2-cffi is not installed.
    """
    try:
        from argon2 import PasswordHasher  # noqa: PLC0415 (an optional extra)
    except ImportError as error:
        raise ServerError(f"users need a password hasher; {EXTRA_HINT}") from error
    return PasswordHasher()


@dataclass(frozen=True, slots=True)
class _Identity:
    inode: int
    size: int
    mtime_ns: int


class UserStore:
    """The users file of a served registry.

    Passwords are kept only as Argon2id hashes (salted, deliberately slow). The
    file is re-read whenever it changes, so users added or removed while the
    server runs take effect on the next request. A password that verified once
    is remembered for the life of the process as a keyed digest, so that
    repeated requests of a client do not each pay for the slow hash; the
    digest is compared in constant time, and is forgotten when the user's
    stored hash changes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._identity: _Identity | None = None
        self._hashes: dict[str, str] = {}
        self._key = secrets.token_bytes(32)
        self._verified: dict[str, tuple[str, bytes]] = {}
        self._dummy_hash: str | None = None

    def names(self) -> list[str]:
        """Return the user names, sorted.

        Raises:
            ServerError: the file cannot be read or is not a users file.
        """
        with self._lock:
            return sorted(self._current())

    def add(self, name: str, password: str) -> bool:
        """Store ``name`` with the hash of ``password``; return whether it is new.

        An existing user gets the new password.

        Raises:
            ServerError: the name or password is not acceptable, the hasher is
                missing, or the file cannot be read or written.
        """
        check_name(name)
        if not password:
            raise ServerError("the password is empty; nothing was stored")
        hashed = _hasher().hash(password)

        with self._lock, self._file_lock():
            hashes = dict(self._current())
            new = name not in hashes
            hashes[name] = hashed
            self._store(hashes)

        return new

    def remove(self, name: str) -> None:
        """Remove user ``name``.

        Raises:
            ServerError: there is no such user, or the file cannot be written.
        """
        with self._lock, self._file_lock():
            hashes = dict(self._current())
            if name not in hashes:
                raise ServerError(f"there is no user {name!r} in {self.path}")
            del hashes[name]
            self._store(hashes)

    def verify(self, name: str, password: str) -> bool:
        """Return whether ``password`` is the password of user ``name``.

        An unknown user costs as much as a wrong password, so the answer's
        timing does not tell which names exist.

        Raises:
            ServerError: the file cannot be read, or the hasher is missing.
        """
        if self.remembered(name, password):
            return True

        with self._lock:
            stored = self._current().get(name)
        hasher = _hasher()
        from argon2.exceptions import (  # noqa: PLC0415 (an optional extra)
            InvalidHashError,
            VerificationError,
        )

        try:
            hasher.verify(stored or self._dummy(hasher), password)
        except (VerificationError, InvalidHashError):
            return False
        if stored is None:
            return False
        self._verified[name] = (stored, self._digest(password))

        return True

    def remembered(self, name: str, password: str) -> bool:
        """Return whether ``password`` of ``name`` verified before, at no cost.

        ``False`` says only that the slow check is needed: a wrong password
        always pays for the slow hash, so guessing stays slow.

        Raises:
            ServerError: the file cannot be read.
        """
        with self._lock:
            stored = self._current().get(name)
        known = self._verified.get(name)
        if stored is None or known is None or known[0] != stored:
            return False

        return hmac.compare_digest(known[1], self._digest(password))

    def _digest(self, password: str) -> bytes:
        return hmac.digest(
            self._key, password.encode("utf-8", "surrogatepass"), "sha256"
        )

    def _file_lock(self) -> Any:
        """Return the lock that keeps two processes from changing the file at once."""
        return fasteners.InterProcessLock(str(self.path) + ".lock")

    def _dummy(self, hasher: PasswordHasher) -> str:
        """Return a hash to verify against for names that are not users."""
        if self._dummy_hash is None:
            self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def _current(self) -> dict[str, str]:
        """Return the stored hashes by name, reading the file if it changed."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            self._identity = None
            self._hashes = {}
            return self._hashes
        except OSError as error:
            raise ServerError(f"cannot read {self.path}: {error.strerror}") from error
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            # A pipe would never end, /dev/zero would fill the memory.
            raise ServerError(f"the users file {self.path} is not a regular file")

        identity = _Identity(status.st_ino, status.st_size, status.st_mtime_ns)
        if identity != self._identity:
            self._hashes = self._read()
            self._identity = identity
            self._verified = {
                name: known
                for name, known in self._verified.items()
                if self._hashes.get(name) == known[0]
            }

        return self._hashes

    def _read(self) -> dict[str, str]:
        try:
            value: Any = json.loads(self.path.read_bytes())
        except OSError as error:
            raise ServerError(f"cannot read {self.path}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise ServerError(
                f"{self.path}:{error.lineno}:{error.colno}: not a users file: "
                f"{error.msg}"
            ) from error
        except ValueError as error:  # bytes that are not UTF-8
            raise ServerError(
                f"{self.path} is not a users file: it is not UTF-8 text"
            ) from error

        users = value.get("users") if isinstance(value, dict) else None
        if not isinstance(users, dict) or not all(
            isinstance(name, str)
            and isinstance(entry, dict)
            and isinstance(entry.get("hash"), str)
            for name, entry in users.items()
        ):
            raise ServerError(
                f"{self.path} is not a users file: it needs "
                '{"users": {"NAME": {"hash": "..."}}}'
            )

        return {name: entry["hash"] for name, entry in users.items()}

    def _store(self, hashes: dict[str, str]) -> None:
        """Replace the file with ``hashes``, readable by its owner only."""
        document = {
            "format": FORMAT_VERSION,
            "users": {name: {"hash": hashes[name]} for name in sorted(hashes)},
        }
        payload = json.dumps(document, indent=2).encode() + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as error:
            raise ServerError(f"cannot write {self.path}: {error.strerror}") from error

        temporary = Path(name)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise ServerError(f"cannot write {self.path}: {error.strerror}") from error
        self._identity = None
