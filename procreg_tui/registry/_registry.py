"""The registry: definitions with ids that are never reused, revisions, a trash."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

import procreg_tui
from procreg_tui.registry._checked import stored_check
from procreg_tui.registry._errors import (
    Conflict,
    RecordNotFound,
    RegistryCorrupt,
    RegistryError,
)
from procreg_tui.registry._lock import current_user, utc_now
from procreg_tui.registry._record import Record
from procreg_tui.registry._storage import DEFAULT_LOCK_TIMEOUT, RegistryStorage

DEFINITIONS_TABLE = "definitions"
META_TABLE = "meta"
META_ID = 1
FORMAT_VERSION = 1

_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1

T = TypeVar("T")


def _json_copy(value: object, where: str) -> Any:
    """Return a deep copy of ``value`` made only of JSON values.

    Raises:
        RegistryError: something in ``value`` cannot be stored as JSON; the
            message names where.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise RegistryError(f"{where}: the integer {value} is too large to store")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RegistryError(f"{where}: {value} is not a JSON number")
        return value
    if isinstance(value, Mapping):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise RegistryError(f"{where}: the key {key!r} is not a string")
            copied[key] = _json_copy(item, f"{where}.{key}")
        return copied
    if isinstance(value, (list, tuple)):
        return [
            _json_copy(item, f"{where}[{index}]") for index, item in enumerate(value)
        ]

    raise RegistryError(f"{where}: a {type(value).__name__} is not a JSON value")


def _stored_definition(definition: object) -> dict[str, Any]:
    """Return the copy of ``definition`` the registry stores.

    Raises:
        RegistryError: it is not a JSON object of JSON values.
    """
    if not isinstance(definition, Mapping):
        raise RegistryError(
            f"a definition must be a JSON object, not {type(definition).__name__}"
        )

    copied: dict[str, Any] = _json_copy(definition, "definition")
    return copied


class Registry:
    """The definitions of one registry file.

    Reads use a parsed copy of the file that is re-read whenever the file
    changed on disk. Every change goes through ``_write``: under the registry
    lock, on the current content, stored before the method returns.
    """

    def __init__(self, storage: RegistryStorage) -> None:
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)
        self._definitions: Table = self._db.table(DEFINITIONS_TABLE, cache_size=0)
        self._meta: Table = self._db.table(META_TABLE, cache_size=0)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> Registry:
        """Open the registry at ``path``; a missing file is an empty registry.

        The file is created by the first change. ``read_only`` refuses every
        change; a registry the user cannot write is opened read-only anyway.
        ``lock_timeout`` is how long a change waits for another writer.

        Raises:
            RegistryCorrupt: the file exists and does not parse; it is left as is.
            RegistryError: the file cannot be read.
        """
        registry = cls(
            RegistryStorage(
                path,
                read_only=read_only,
                lock_timeout=lock_timeout,
                check=_check_records,
            )
        )
        registry._storage.read()

        return registry

    @property
    def path(self) -> Path:
        """The registry file, as an absolute path."""
        return self._storage.path

    @property
    def read_only(self) -> bool:
        """Whether changes are refused; ``read_only_reason`` says why."""
        return self._storage.read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why the registry is read-only, in words for the user, or ``None``."""
        return self._storage.read_only_reason

    def records(self, *, include_deleted: bool = False) -> list[Record]:
        """Return the stored definitions by id; those in the trash only if asked."""
        with self._storage.guard:
            tables = self._storage.read() or {}
            records = [
                Record.from_document(int(key), document)
                for key, document in tables.get(DEFINITIONS_TABLE, {}).items()
                if include_deleted or document.get("deleted") is None
            ]
        records.sort(key=lambda record: record.id)

        return records

    def trash(self) -> list[Record]:
        """Return the definitions in the trash, by id."""
        return [
            record
            for record in self.records(include_deleted=True)
            if record.deleted is not None
        ]

    def get(self, record_id: int) -> Record:
        """Return definition ``record_id``, whether live or in the trash.

        Raises:
            RecordNotFound: no such id is stored (never given, or purged).
        """
        with self._storage.guard:
            document = self._definitions.get(doc_id=record_id)
        if document is None:
            raise RecordNotFound(record_id)

        return Record.from_document(record_id, document)

    def create(
        self, definition: Mapping[str, Any], *, owner: str | None = None
    ) -> Record:
        """Store ``definition`` under a new id and return its record.

        ``owner`` is who the record belongs to; by default the user running
        procreg.

        Raises:
            RegistryError: it is not a JSON object, or the write failed (see
                the subclasses); nothing was stored then.
        """
        return self.create_many([definition], owner=owner)[0]

    def create_many(
        self, definitions: Iterable[Mapping[str, Any]], *, owner: str | None = None
    ) -> list[Record]:
        """Store every definition under a new id, all of them or none.

        Returns the records in the order given, with increasing ids. ``owner``
        is as for ``create``.

        Raises:
            RegistryError: one is not a JSON object, or the write failed;
                nothing was stored then.
        """
        stored = [_stored_definition(definition) for definition in definitions]

        def change() -> list[Record]:
            first = self._next_id()
            now = utc_now()
            creator = owner if owner is not None else current_user()
            records = [
                Record(
                    first + offset,
                    definition,
                    1,
                    creator,
                    now,
                    now,
                    None,
                    creator,
                    stored_check(definition),
                )
                for offset, definition in enumerate(stored)
            ]
            if records:
                self._definitions.insert_multiple(
                    Document(record.to_document(), doc_id=record.id)
                    for record in records
                )
                self._set_meta(next_id=first + len(records))

            return records

        return self._write(change)

    def update(
        self,
        record_id: int,
        definition: Mapping[str, Any],
        *,
        base_revision: int,
        user: str | None = None,
    ) -> Record:
        """Replace definition ``record_id``'s content, if it is still at
        ``base_revision``; return the new record.

        ``user`` is who made the change (``updated_by``); by default the user
        running procreg.

        Raises:
            RecordNotFound: no such live definition (it may be in the trash).
            Conflict: the stored revision moved on from ``base_revision``; it
                carries the stored record and ``definition``.
            RegistryError: ``definition`` is not a JSON object, or the write
                failed.
        """
        stored = _stored_definition(definition)

        def change() -> Record:
            current = self._live(record_id)
            if current.revision != base_revision:
                raise Conflict(current, stored, base_revision)

            return self._replace(current, user, definition=stored, deleted=None)

        return self._write(change)

    def delete(
        self,
        record_id: int,
        *,
        base_revision: int | None = None,
        user: str | None = None,
    ) -> Record:
        """Move definition ``record_id`` to the trash; it keeps its id.

        ``user`` is as for ``update``.

        Raises:
            RecordNotFound: no such live definition.
            Conflict: ``base_revision`` is given and the stored one moved on.
            RegistryError: the write failed.
        """

        def change() -> Record:
            current = self._live(record_id)
            _check_base(current, base_revision)

            return self._replace(current, user, deleted=utc_now())

        return self._write(change)

    def restore(
        self,
        record_id: int,
        *,
        base_revision: int | None = None,
        user: str | None = None,
    ) -> Record:
        """Bring definition ``record_id`` back from the trash under its id.

        ``user`` is as for ``update``.

        Raises:
            RecordNotFound: no such definition in the trash.
            Conflict: ``base_revision`` is given and the stored one moved on.
            RegistryError: the write failed.
        """

        def change() -> Record:
            current = self.get(record_id)
            if current.deleted is None:
                raise RecordNotFound(record_id, " in the trash")
            _check_base(current, base_revision)

            return self._replace(current, user, deleted=None)

        return self._write(change)

    def purge(self, ids: Iterable[int] | None = None) -> int:
        """Remove definitions in the trash for good (all, or those of ``ids``).

        Their ids are never given again. Returns how many were removed.

        Raises:
            RecordNotFound: one of ``ids`` is not in the trash; nothing was
                removed then.
            RegistryError: the write failed.
        """
        wanted = None if ids is None else list(ids)

        def change() -> int:
            in_trash = {record.id for record in self.trash()}
            if wanted is None:
                doomed = sorted(in_trash)
            else:
                for record_id in wanted:
                    if record_id not in in_trash:
                        raise RecordNotFound(record_id, " in the trash")
                doomed = sorted(set(wanted))
            if doomed:
                self._set_meta(next_id=self._next_id())
                self._definitions.remove(doc_ids=doomed)

            return len(doomed)

        return self._write(change)

    def changed_on_disk(self) -> bool:
        """Whether another process changed the file since it was last read.

        It costs one ``stat``, cheap enough to poll.
        """
        return self._storage.changed_on_disk()

    def reload(self) -> None:
        """Read the file again.

        Raises:
            RegistryCorrupt: the file no longer parses.
        """
        self._storage.reload()

    def close(self) -> None:
        """Let go of the parsed copy; the registry reads again on next use."""
        self._storage.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = " read-only" if self.read_only else ""
        return f"<Registry {str(self.path)!r}{mode}>"

    def seed_if_new(self, definitions: Callable[[], list[dict[str, Any]]]) -> bool:
        """Store ``definitions()`` if the registry file does not exist yet.

        A marker in the file records that the registry was seeded; the check
        and the write happen under the lock, so of two processes starting at
        once only one seeds. Returns whether this call seeded it.

        Raises:
            RegistryError: the examples cannot be read or the write failed.
        """
        if self.read_only or self._storage.read() is not None:
            return False

        def change() -> bool:
            if self._storage.read() is not None:
                return False
            stored = [_stored_definition(definition) for definition in definitions()]
            self.create_many(stored)
            self._set_meta(examples_seeded=utc_now())

            return True

        return self._write(change)

    def _write(self, change: Callable[[], T]) -> T:
        """Apply ``change`` to the current content under the lock and store it.

        This is the one way a registry changes: TinyDB's writes inside
        ``change`` are gathered and committed as one atomic replacement of
        the file before this returns. Nested calls join the outer change;
        threads sharing the registry wait for each other.
        """
        with self._storage.guard:
            if self._storage.in_transaction:
                return change()

            with self._storage.transaction():
                result = change()
                self._count_definitions()
                return result

    def _count_definitions(self) -> None:
        """Note how many definitions are stored, which tells a key written
        twice by hand when the file is next read (see ``_check_records``)."""
        tables = self._storage.read() or {}
        count = len(tables.get(DEFINITIONS_TABLE, {}))
        if self._meta_document().get("count") != count:
            self._set_meta(count=count)

    def _live(self, record_id: int) -> Record:
        current = self.get(record_id)
        if current.deleted is not None:
            raise RecordNotFound(record_id, " (it is in the trash; restore it first)")

        return current

    def _replace(
        self,
        current: Record,
        user: str | None,
        *,
        definition: dict[str, Any] | None = None,
        deleted: str | None,
    ) -> Record:
        content = current.definition if definition is None else definition
        record = Record(
            id=current.id,
            definition=content,
            revision=current.revision + 1,
            owner=current.owner,
            created=current.created,
            updated=utc_now(),
            deleted=deleted,
            updated_by=user if user is not None else current_user(),
            checked=stored_check(content),
        )
        self._put(record)

        return record

    def _put(self, record: Record) -> None:
        """Store ``record`` over its current version.

        TinyDB's ``Table.update`` rebuilds the whole table twice to convert
        its keys; replacing one document through the storage costs nothing
        of the sort on a large registry.
        """
        tables = self._storage.read() or {}
        tables.setdefault(DEFINITIONS_TABLE, {})[str(record.id)] = record.to_document()
        self._storage.write(tables)

    def _meta_document(self) -> dict[str, Any]:
        document = self._meta.get(doc_id=META_ID)

        return dict(document) if document is not None else {}

    def _set_meta(self, **fields: Any) -> None:
        if self._meta.get(doc_id=META_ID) is None:
            self._meta.insert(
                Document(
                    {"format": FORMAT_VERSION, "created": utc_now(), **fields},
                    doc_id=META_ID,
                )
            )
        else:
            self._meta.update(fields, doc_ids=[META_ID])

    def _next_id(self) -> int:
        """Return the next id to give: above every id given before, even purged."""
        counter = self._meta_document().get("next_id", 1)
        tables = self._storage.read() or {}
        highest = max(map(int, tables.get(DEFINITIONS_TABLE, {})), default=0)

        return max(counter if isinstance(counter, int) else 1, highest + 1)


def _check_base(current: Record, base_revision: int | None) -> None:
    if base_revision is not None and current.revision != base_revision:
        raise Conflict(current, None, base_revision)


def _check_records(tables: dict[str, dict[str, Any]], path: Path, data: bytes) -> None:
    """Make sure every stored definition has the fields a ``Record`` needs.

    An id or key written twice never gets here: the storage refuses it.

    Raises:
        RegistryCorrupt: one does not; the message names its id.
    """
    del data  # the storage has checked the text
    definitions = tables.get(DEFINITIONS_TABLE, {})
    for key, document in definitions.items():
        problem = _record_problem(key, document)
        if problem:
            raise RegistryCorrupt(path, f"definition {key}: {problem}")
    meta = tables.get(META_TABLE, {}).get(str(META_ID), {})
    version = meta.get("format", FORMAT_VERSION)
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise RegistryCorrupt(
            path,
            f"it was written by a newer procreg (registry format {version}; this "
            f"procreg {procreg_tui.__version__} knows format {FORMAT_VERSION}); "
            "upgrade procreg to use it",
        )
    if not isinstance(meta.get("next_id", 1), int):
        raise RegistryCorrupt(path, "the id counter is not an integer")


def _record_problem(key: str, document: dict[str, Any]) -> str | None:
    if not (key.isascii() and key.isdigit() and key[0] != "0"):
        return "the id is not a positive integer"
    if not isinstance(document.get("definition"), dict):
        return "the definition is not a JSON object"
    if not isinstance(document.get("revision"), int):
        return "the revision is not an integer"
    for name in ("owner", "created", "updated"):
        if not isinstance(document.get(name), str):
            return f"{name!r} is not a string"
    if not isinstance(document.get("deleted"), (str, type(None))):
        return "'deleted' is neither a time nor null"

    return None
