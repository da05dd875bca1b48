"""A registry served by ``procreg serve``, used through the registry interface."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from procreg_tui.registry import Conflict, Record, RecordNotFound, Registry
from procreg_tui.remote._errors import RemoteError
from procreg_tui.remote._http import DEFAULT_TIMEOUT, Address, Answer, Transport

POLL_SECONDS = 2.0
"""How often a served registry is asked whether its list changed."""


class RemoteRegistry(Registry):
    """The definitions a user owns in a registry served over HTTP.

    It answers the same calls as :class:`Registry`, so the app and every
    headless command work on it unchanged; each read asks the server, so
    there is nothing to reload. The user's trash is reached through the
    server's trash endpoints; emptying it needs a server that allows deletes.
    Errors of the network kind are :class:`RemoteError`, a
    :class:`~procreg_tui.registry.RegistryError`.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        read_only: bool = False,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        # Deliberately not Registry.__init__: there is no local file.
        self._transport = transport
        self._poll_transport = transport.twin()
        """The poller's own connection: a poll waiting on a slow server never
        holds up the requests of the user, whose timeout is their own."""
        self._read_only = read_only
        self._poll_seconds = poll_seconds
        self._list_tag: str | None = None
        self._known: dict[int, int] = {}
        """The revision of each of the user's live definitions, as this client
        last read or changed them: what the list's tag stands for."""
        self._known_guard = threading.Lock()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._poller_guard = threading.Lock()

    @classmethod
    def connect(
        cls,
        url: str,
        user: str,
        password: str,
        *,
        read_only: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        poll_seconds: float = POLL_SECONDS,
    ) -> RemoteRegistry:
        """Return the registry served at ``url``, for ``user``.

        Nothing is sent until the first call. ``timeout`` bounds each request;
        ``poll_seconds`` is how often ``changed_on_disk`` learns from the server.

        Raises:
            RemoteError: ``url`` is not an http or https address.
        """
        transport = Transport(Address.parse(url), user, password, timeout=timeout)
        return cls(transport, read_only=read_only, poll_seconds=poll_seconds)

    @property
    def url(self) -> str:
        """The base URL of the server."""
        return self._transport.address.url

    @property
    def path(self) -> Path:
        """Where the registry is, for messages: host, port and API path."""
        address = self._transport.address
        return Path(f"{address.host}:{address.port}{address.path('')}")

    @property
    def read_only(self) -> bool:
        """Whether changes are refused here before reaching the server."""
        return self._read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why changes are refused, or ``None``."""
        return "opened with --read-only" if self._read_only else None

    def records(self, *, include_deleted: bool = False) -> list[Record]:
        """Return the user's definitions on the server, by id; the trash's if asked.

        Raises:
            RemoteError: the request failed.
        """
        if include_deleted:
            both = [*self.records(), *self.trash()]
            return sorted(both, key=lambda record: record.id)

        answer = self._expect(self._transport.request("GET", "?limit=0"), 200)
        objects = answer.body.get("objects") if isinstance(answer.body, dict) else None
        if not isinstance(objects, list):
            raise self._odd(answer)
        records = [self._record(item) for item in objects]
        records.sort(key=lambda record: record.id)
        with self._known_guard:
            self._list_tag = answer.headers.get("etag")
            self._known = {record.id: record.revision for record in records}
            self._changed.clear()

        return records

    def trash(self) -> list[Record]:
        """Return the user's definitions in the server's trash, by id.

        Raises:
            RemoteError: the request failed.
        """
        answer = self._expect(self._transport.request("GET", "trash/?limit=0"), 200)
        objects = answer.body.get("objects") if isinstance(answer.body, dict) else None
        if not isinstance(objects, list):
            raise self._odd(answer)
        records = [self._record(item) for item in objects]
        records.sort(key=lambda record: record.id)

        return records

    def get(self, record_id: int) -> Record:
        """Return the user's definition ``record_id``, whether live or in the trash.

        Raises:
            RecordNotFound: the server has no such definition of this user.
            RemoteError: the request failed.
        """
        answer = self._transport.request("GET", f"{record_id}/")
        if answer.status == 404:
            answer = self._transport.request("GET", f"trash/{record_id}/")
        self._check_found(answer, record_id)

        return self._record(self._expect(answer, 200).body)

    def create(
        self, definition: Mapping[str, Any], *, owner: str | None = None
    ) -> Record:
        """Store ``definition`` on the server; the server makes the user its owner.

        Raises:
            RemoteError: the server refused it (its problems are in the
                message) or the request failed.
        """
        del owner
        self._check_writable()
        answer = self._transport.request("POST", "", body={"definition": definition})

        return self._learn(self._record(self._expect(answer, 201).body))

    def create_many(
        self, definitions: Iterable[Mapping[str, Any]], *, owner: str | None = None
    ) -> list[Record]:
        """Store every definition on the server, all or none.

        Raises:
            RemoteError: the server refused them or the request failed;
                nothing was stored then.
        """
        del owner
        self._check_writable()
        objects = [{"definition": definition} for definition in definitions]
        if not objects:
            return []
        answer = self._transport.request("PATCH", "", body={"objects": objects})
        if answer.status == 413:
            raise self._too_many(answer, len(objects))
        body = self._expect(answer, 201).body
        stored = body.get("objects") if isinstance(body, dict) else None
        if not isinstance(stored, list):
            raise self._odd(answer)

        return [self._learn(self._record(item)) for item in stored]

    def update(
        self,
        record_id: int,
        definition: Mapping[str, Any],
        *,
        base_revision: int,
        user: str | None = None,
    ) -> Record:
        """Replace definition ``record_id`` if the server still has ``base_revision``.

        Raises:
            RecordNotFound: the server has no such definition of this user.
            Conflict: the server's revision moved on.
            RemoteError: the server refused it or the request failed.
        """
        del user
        self._check_writable()
        answer = self._transport.request(
            "PUT",
            f"{record_id}/",
            body={"definition": definition},
            headers={"If-Match": f'"{base_revision}"'},
        )
        self._check_found(answer, record_id)
        if answer.status in (409, 412):
            raise Conflict(self._current(answer), dict(definition), base_revision)

        return self._learn(self._record(self._expect(answer, 200).body))

    def delete(
        self,
        record_id: int,
        *,
        base_revision: int | None = None,
        user: str | None = None,
    ) -> Record:
        """Move definition ``record_id`` to the server's trash.

        Raises:
            RecordNotFound: the server has no such definition of this user.
            Conflict: ``base_revision`` is given and the server's moved on.
            RemoteError: the server does not allow deletes, or the request failed.
        """
        del user
        self._check_writable()
        headers = {} if base_revision is None else {"If-Match": f'"{base_revision}"'}
        answer = self._transport.request("DELETE", f"{record_id}/", headers=headers)
        self._check_found(answer, record_id)
        if answer.status in (409, 412) and base_revision is not None:
            raise Conflict(self._current(answer), None, base_revision)
        record = self._record(self._expect(answer, 200).body)
        with self._known_guard:
            self._known.pop(record.id, None)

        return record

    def restore(
        self,
        record_id: int,
        *,
        base_revision: int | None = None,
        user: str | None = None,
    ) -> Record:
        """Bring definition ``record_id`` back from the user's trash on the server.

        Raises:
            RecordNotFound: the user's trash on the server has no such definition.
            Conflict: ``base_revision`` is given and the server's moved on.
            RemoteError: the request failed.
        """
        del user
        self._check_writable()
        headers = {} if base_revision is None else {"If-Match": f'"{base_revision}"'}
        answer = self._transport.request(
            "POST", f"{record_id}/restore/", headers=headers
        )
        if answer.status == 404:
            raise RecordNotFound(
                record_id, f" in the trash of {self._transport.user} at {self.url}"
            )
        if answer.status in (409, 412) and base_revision is not None:
            raise Conflict(self._current(answer), None, base_revision)

        return self._learn(self._record(self._expect(answer, 200).body))

    def purge(self, ids: Iterable[int] | None = None) -> int:
        """Remove the user's trash on the server for good (all, or ``ids``).

        Returns how many were removed.

        Raises:
            RecordNotFound: one of ``ids`` is not in the user's trash; nothing
                was removed then.
            RemoteError: the server does not allow deletes, or the request failed.
        """
        self._check_writable()
        wanted = None if ids is None else sorted(set(ids))
        if wanted == []:
            return 0
        query = "" if wanted is None else "?" + "&".join(f"id={i}" for i in wanted)
        answer = self._transport.request("DELETE", f"trash/{query}")
        if answer.status == 404 and wanted is not None:
            said = answer.body.get("id") if isinstance(answer.body, dict) else None
            raise RecordNotFound(
                said if isinstance(said, int) else wanted[0],
                f" in the trash of {self._transport.user} at {self.url}",
            )
        body = self._expect(answer, 200).body
        purged = body.get("purged") if isinstance(body, dict) else None
        if not isinstance(purged, list):
            raise self._odd(answer)

        return len(purged)

    def changed_on_disk(self) -> bool:
        """Whether the user's list on the server changed since it was last read.

        It never waits for the network: a background thread asks the server
        every few seconds, and this returns what it last learnt.
        """
        self._start_polling()
        return self._changed.is_set()

    def reload(self) -> None:
        """Do nothing: every read asks the server."""

    def close(self) -> None:
        """Stop asking the server for changes and close the connection."""
        self._stop.set()
        self._poll_transport.close()
        self._transport.close()

    def seed_if_new(self, definitions: Any) -> bool:
        """Do nothing: the server's operator decides what it holds."""
        del definitions
        return False

    def __repr__(self) -> str:
        mode = " read-only" if self.read_only else ""
        return f"<RemoteRegistry {self.url!r} as {self._transport.user!r}{mode}>"

    def _start_polling(self) -> None:
        with self._poller_guard:
            if self._poller is None and not self._stop.is_set():
                self._poller = threading.Thread(
                    target=self._poll, name="procreg-remote-poll", daemon=True
                )
                self._poller.start()

    def _poll(self) -> None:
        """Ask the server whether the list changed, until closed.

        A failed request is not reported here: the next read reports it. A
        list that differs only by this client's own changes is no change.
        """
        while not self._stop.wait(self._poll_seconds):
            tag = self._list_tag
            if tag is None or self._changed.is_set():
                continue
            try:
                answer = self._poll_transport.request(
                    "GET", "?limit=0", headers={"If-None-Match": tag}
                )
            except RemoteError:
                continue
            new_tag = answer.headers.get("etag")
            if answer.status != 200 or new_tag == tag:
                continue
            objects = (
                answer.body.get("objects") if isinstance(answer.body, dict) else None
            )
            try:
                listed = {
                    record.id: record.revision
                    for record in map(self._record, objects or [])
                }
            except RemoteError:
                listed = None
            with self._known_guard:
                if self._list_tag != tag:
                    continue  # read meanwhile: that reading is newer
                if listed == self._known:
                    self._list_tag = new_tag
                else:
                    self._changed.set()

    def _learn(self, record: Record) -> Record:
        """Note ``record``, live after this client's change, and return it."""
        with self._known_guard:
            self._known[record.id] = record.revision
        return record

    def _check_writable(self) -> None:
        if self._read_only:
            raise RemoteError(
                f"the registry at {self.url} was opened with --read-only; "
                "nothing was changed"
            )

    def _check_found(self, answer: Answer, record_id: int) -> None:
        if answer.status == 404:
            raise RecordNotFound(record_id, f" of {self._transport.user} at {self.url}")

    def _current(self, answer: Answer) -> Record:
        """Return the server's record carried by a refused change."""
        current = answer.body.get("current") if isinstance(answer.body, dict) else None
        if not isinstance(current, dict):
            raise self._odd(answer)
        return self._record(current)

    def _expect(self, answer: Answer, status: int) -> Answer:
        """Return ``answer`` if it has ``status``.

        Raises:
            RemoteError: it has another; the message carries the server's words
                and every problem it listed.
        """
        if answer.status == status:
            return answer

        body = answer.body if isinstance(answer.body, dict) else {}
        said = body.get("error")
        message = f"the registry at {self.url} answered {answer.status}"
        if isinstance(said, str):
            message += f": {said}"
        elif answer.status < 500:
            message += " without saying why; is that address a procreg registry?"
        for problem in body.get("problems") or []:
            if isinstance(problem, dict) and problem.get("severity") == "error":
                message += f"\n  {problem.get('path')}: {problem.get('message')}"
        if answer.status >= 500 and not (isinstance(said, str) and "log" in said):
            message += " (a failure on the server; its log says more)"

        raise RemoteError(message, answer.status)

    def _too_many(self, answer: Answer, count: int) -> RemoteError:
        """Return the error of definitions stored at once that are too large.

        They go in one request, so that they are stored all or none; the
        server's limit on a request is what it allows at once.
        """
        limit = answer.body.get("limit") if isinstance(answer.body, dict) else None
        largest = (
            f"its limit of {limit} bytes" if isinstance(limit, int) else "its limit"
        )
        noun = "definition" if count == 1 else "definitions"

        return RemoteError(
            f"the registry at {self.url} refused {count} {noun} at once: together "
            f"they are larger than {largest} for one request (serve --max-body); "
            "store them in smaller parts, such as a few files per import; "
            "nothing was stored",
            answer.status,
        )

    def _odd(self, answer: Answer) -> RemoteError:
        return RemoteError(
            f"the registry at {self.url} answered {answer.status} with JSON that "
            "procreg does not understand; is it a procreg registry?",
            answer.status,
        )

    def _record(self, item: Any) -> Record:
        """Return the record an object of the API describes.

        Raises:
            RemoteError: the object lacks an id or a definition.
        """
        if not (
            isinstance(item, dict)
            and isinstance(item.get("id"), int)
            and isinstance(item.get("definition"), dict)
        ):
            raise RemoteError(
                f"the registry at {self.url} sent an object without an id or a "
                "definition; is it a procreg registry?"
            )

        def text(name: str) -> str:
            value = item.get(name)
            return value if isinstance(value, str) else ""

        revision = item.get("revision")
        deleted = item.get("deleted")
        return Record(
            id=item["id"],
            definition=item["definition"],
            revision=revision if isinstance(revision, int) else 0,
            owner=text("owner"),
            created=text("created"),
            updated=text("updated"),
            deleted=deleted if isinstance(deleted, str) else None,
            updated_by=text("updated_by") or text("owner"),
        )
