"""The HTTP API of the original registry, on Starlette, over a procreg registry.

``/api/process_definition/`` lists, creates (POST) and creates many (PATCH with
``{"objects": [...]}``); ``/api/process_definition/ID/`` reads, replaces (PUT),
merges (PATCH, as JSON merge patch) and deletes (only when allowed), moving it
to the trash. ``/api/process_definition/trash/`` lists the trash and empties it
(DELETE, only when deletes are allowed), ``trash/ID/`` reads or removes one,
and ``POST /api/process_definition/ID/restore/`` brings one back. Every
request needs HTTP basic auth, and each user sees only the definitions they
own. This module needs the server extra; nothing in the core imports it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from procreg_tui.definition import (
    Document,
    Problem,
    Severity,
    has_errors,
    load_bytes,
    validate,
)
from procreg_tui.registry import (
    Conflict,
    LockTimeout,
    Record,
    RecordNotFound,
    Registry,
    RegistryCorrupt,
    RegistryError,
    RegistryGone,
    RegistryReadOnly,
    list_document,
    problems_of,
)
from procreg_tui.server._defaults import DEFAULT_BODY_SECONDS, DEFAULT_MAX_BODY
from procreg_tui.server._errors import ServerError
from procreg_tui.server._throttle import LoginThrottle, client_key
from procreg_tui.server._users import UserStore

LIST_PATH = "/api/process_definition/"
TRASH_PATH = LIST_PATH + "trash/"
DEFAULT_LIMIT = 20
REALM = "procreg"

MAX_NUMBER = 2**63 - 1
"""The largest id, revision, limit or offset a request may name (64 bits, signed).

A larger one is the client's mistake: 400 for paging and ``If-Match``, 404 for
an id, as no definition can have it.
"""

HASHES_AT_ONCE = 4
"""Passwords checked at the same time; Argon2id takes 64 MiB for each."""

_JSON_TYPES = ("application/json", "application/merge-patch+json")
_BODY_ORIGIN = "request body"
_SHOWN = 40
"""Characters of a client's value repeated in a message; the rest is cut."""

log = logging.getLogger("procreg.server")

T = TypeVar("T")


class _Reply(Exception):  # noqa: N818 (a response, not an error of procreg)
    """Ends a request early with an error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.fields = fields


class JsonResponse(Response):
    """A JSON response serialised with orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """Return ``content`` as JSON bytes."""
        return orjson.dumps(content)


def _error_response(reply: _Reply) -> Response:
    body = {"error": reply.message, **reply.fields}
    return JsonResponse(body, status_code=reply.status, headers=reply.headers)


@dataclass(frozen=True, slots=True)
class _Settings:
    registry: Registry
    users: UserStore
    allow_delete: bool
    max_body: int
    body_seconds: float
    lock: threading.Lock


class _Authentication:
    """Lets a request through only with the basic auth of a known user.

    The user name is put in the request's state as ``user``. Wrong passwords
    are limited per client address and user name by ``throttle``, and at most
    :data:`HASHES_AT_ONCE` passwords are hashed at a time (each hash takes
    64 MiB); the others wait their turn.
    """

    def __init__(self, app: ASGIApp, users: UserStore, throttle: LoginThrottle) -> None:
        self.app = app
        self.users = users
        self.throttle = throttle
        self.hashing = anyio.Semaphore(HASHES_AT_ONCE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request = Request(scope)
        client = client_key(request.client.host if request.client else "unknown")
        try:
            user = await self._user(request.headers.get("authorization"), client)
        except ServerError as error:
            log.error("%s", error)
            reply = _Reply(500, "the server cannot read its users; see its log")
            await _error_response(reply)(scope, receive, send)
            return
        except _Reply as refusal:
            await _error_response(refusal)(scope, receive, send)
            return
        if user is None:
            sent = _basic_credentials(request.headers.get("authorization"))
            reply = _Reply(
                401,
                "this registry needs a user name and password (HTTP basic auth)"
                if sent is None
                # Which of the two is wrong is not said.
                else "wrong user name or password",
                headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
            )
            await _error_response(reply)(scope, receive, send)
            return

        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)

    async def _user(self, header: str | None, client: str) -> str | None:
        """Return the user the ``Authorization`` header proves, or ``None``.

        A password verified before is let through at once; any other costs a
        slow hash, so it is counted against ``client`` and the user name.

        Raises:
            _Reply: 429 with ``Retry-After`` when either tried too many.
            ServerError: the users file cannot be read.
        """
        credentials = _basic_credentials(header)
        if credentials is None:
            return None

        name, password = credentials
        if self.users.remembered(name, password):
            return name
        wait = self.throttle.attempt(client, name)
        if wait:
            raise _Reply(
                429,
                f"too many wrong passwords from this address or for this user; "
                f"try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )

        async with self.hashing:
            right = await run_in_threadpool(self.users.verify, name, password)
        if not right:
            return None
        self.throttle.succeeded(client, name)

        return name


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Return the name and password of a basic ``Authorization`` header."""
    if header is None:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, colon, password = decoded.partition(":")

    return (name, password) if colon else None


def create_app(
    registry: Registry,
    users: UserStore,
    *,
    allow_delete: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    body_seconds: float = DEFAULT_BODY_SECONDS,
    throttle: LoginThrottle | None = None,
) -> Starlette:
    """Return the ASGI app serving ``registry`` to the users of ``users``.

    ``allow_delete`` lets DELETE move definitions to the trash (refused with
    405 otherwise); request bodies over ``max_body`` bytes are refused with 413,
    and bodies that take longer than ``body_seconds`` to arrive with 408.
    ``throttle`` limits wrong passwords (by default per :class:`LoginThrottle`'s
    defaults).
    """
    settings = _Settings(
        registry, users, allow_delete, max_body, body_seconds, threading.Lock()
    )
    api = _Api(settings)
    routes = [
        Route("/api/", api.root, methods=["GET"]),
        Route(LIST_PATH, api.collection, methods=["GET", "POST", "PATCH"]),
        Route(
            LIST_PATH + "{record_id:procreg_digits}/",
            api.detail,
            methods=["GET", "PUT", "PATCH", "DELETE"],
        ),
        Route(
            LIST_PATH + "{record_id:procreg_digits}/restore/",
            api.restore,
            methods=["POST"],
        ),
        Route(TRASH_PATH, api.trash, methods=["GET", "DELETE"]),
        Route(
            TRASH_PATH + "{record_id:procreg_digits}/",
            api.trashed,
            methods=["GET", "DELETE"],
        ),
    ]
    refused = _http_error if allow_delete else _http_error_without_deletes
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: refused, Exception: _internal_error},
    )
    app.add_middleware(
        _Authentication, users=users, throttle=throttle or LoginThrottle()
    )

    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    """Answer the router's own refusals (404, 405) in JSON."""
    assert isinstance(exc, HTTPException)
    messages = {
        404: f"no such address; the definitions are at {LIST_PATH}",
        405: f"{request.method} is not allowed here",
    }
    message = messages.get(exc.status_code, exc.detail)

    return _error_response(_Reply(exc.status_code, message, headers=exc.headers))


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _method_place(method: str) -> tuple[int, str]:
    """Return where ``method`` goes in an ``Allow`` header: the usual order."""
    known = method in _METHOD_ORDER
    return (_METHOD_ORDER.index(method) if known else len(_METHOD_ORDER), method)


async def _http_error_without_deletes(request: Request, exc: Exception) -> Response:
    """Answer as :func:`_http_error`, with DELETE left out of a 405's ``Allow``:
    the routes take it only to say why this server refuses it."""
    assert isinstance(exc, HTTPException)
    allow = (exc.headers or {}).get("Allow")
    if exc.status_code == 405 and allow is not None:
        methods = {method.strip() for method in allow.split(",")} - {"DELETE"}
        kept = ", ".join(sorted(methods, key=_method_place))
        exc = HTTPException(
            405, exc.detail, headers={**(exc.headers or {}), "Allow": kept}
        )
    return await _http_error(request, exc)


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Answer a failure of procreg itself without showing where it happened.

    The traceback goes to the log (uvicorn writes it); the client gets one
    fixed sentence.
    """
    del exc
    log.error("internal error on %s %s", request.method, request.url.path)

    return _error_response(
        _Reply(500, "internal error of the procreg server; its log says more")
    )


class _Api:
    """The endpoints, sharing the registry behind one lock."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        self._records: list[Record] | None = None
        """The live records of every user, kept while the file does not change."""

    async def root(self, request: Request) -> Response:
        """List the resources, as the original API's ``/api/`` did."""
        del request
        return JsonResponse({"process_definition": {"list_endpoint": LIST_PATH}})

    async def collection(self, request: Request) -> Response:
        """``GET`` a page, ``POST`` one definition, ``PATCH`` many at once."""
        try:
            _check_format(request)
            if request.method == "POST":
                return await self._create(request)
            if request.method == "PATCH":
                return await self._create_many(request)
            return await self._list(request)
        except _Reply as reply:
            return _error_response(reply)

    async def detail(self, request: Request) -> Response:
        """``GET``, ``PUT``, ``PATCH`` or ``DELETE`` one definition."""
        try:
            record_id = _path_id(request)
            _check_format(request)
            if request.method == "PUT":
                return await self._replace(request, record_id, merge=False)
            if request.method == "PATCH":
                return await self._replace(request, record_id, merge=True)
            if request.method == "DELETE":
                return await self._delete(request, record_id)
            return await self._show(request, record_id)
        except _Reply as reply:
            return _error_response(reply)

    async def trash(self, request: Request) -> Response:
        """``GET`` a page of the user's trash, ``DELETE`` to empty it for good.

        ``DELETE`` takes ``?id=3&id=5`` to remove only those, all or none.
        """
        try:
            _check_format(request)
            if request.method == "DELETE":
                ids = [_trash_id(text) for text in request.query_params.getlist("id")]
                return await self._purge(request, ids or None)
            return await self._list_trash(request)
        except _Reply as reply:
            return _error_response(reply)

    async def trashed(self, request: Request) -> Response:
        """``GET`` one definition of the user's trash, ``DELETE`` it for good."""
        try:
            record_id = _path_id(request)
            _check_format(request)
            if request.method == "DELETE":
                return await self._purge(request, [record_id])
            record = await self._call(
                self._owned_trash, _user(request), record_id, reads_only=True
            )
            return JsonResponse(_trash_object(record), headers={"ETag": _tag(record)})
        except _Reply as reply:
            return _error_response(reply)

    async def restore(self, request: Request) -> Response:
        """``POST`` brings a definition of the user's trash back, with its id.

        Restoring is allowed without ``--allow-delete``: it destroys nothing.
        """
        try:
            record_id = _path_id(request)
            _check_format(request)
            user = _user(request)
            wanted = _wanted_revisions(request.headers.get("if-match"))

            def change() -> Record:
                current = self._owned_trash(user, record_id)
                _check_wanted(current, wanted)
                try:
                    return self.settings.registry.restore(
                        record_id, base_revision=current.revision, user=user
                    )
                except Conflict as conflict:
                    raise _stale(conflict.current, wanted) from conflict

            record = await self._call(change)
            return JsonResponse(_object(record), headers={"ETag": _tag(record)})
        except _Reply as reply:
            return _error_response(reply)

    async def _list_trash(self, request: Request) -> Response:
        user = _user(request)
        limit = _number(request, "limit", DEFAULT_LIMIT)
        offset = _number(request, "offset", 0)

        def owned() -> list[Record]:
            return [
                record
                for record in self.settings.registry.trash()
                if record.owner == user
            ]

        records = await self._call(owned, reads_only=True)
        document = list_document(records, limit=limit or None, offset=offset)
        _keep_query(document, request, path=TRASH_PATH)
        by_id = {record.id: record for record in records}
        document["objects"] = [
            _trash_object(by_id[item["id"]]) for item in document["objects"]
        ]

        return JsonResponse(document)

    async def _purge(self, request: Request, ids: list[int] | None) -> Response:
        """Remove the user's trash for good (all, or ``ids``), when deletes are allowed.

        Raises:
            _Reply: 405 when deletes are not allowed; 404 when one of ``ids``
                is not in the user's trash (nothing is removed then).
        """
        user = _user(request)
        self._check_deletes(allow="GET")

        def change() -> list[int]:
            owned = {
                record.id
                for record in self.settings.registry.trash()
                if record.owner == user
            }
            doomed = sorted(owned if ids is None else set(ids))
            for record_id in doomed:
                if record_id not in owned:
                    raise _Reply(
                        404, f"no definition {record_id} in the trash", id=record_id
                    )
            if doomed:
                self.settings.registry.purge(doomed)
            return doomed

        purged = await self._call(change)

        return JsonResponse({"purged": purged})

    def _check_deletes(self, *, allow: str) -> None:
        """Refuse with 405 unless the server was started with ``--allow-delete``."""
        if not self.settings.allow_delete:
            raise _Reply(
                405,
                "this server does not delete definitions; its operator can allow "
                "it with 'procreg serve --allow-delete' (deletes go to the trash)",
                headers={"Allow": allow},
            )

    async def _list(self, request: Request) -> Response:
        user = _user(request)
        limit = _number(request, "limit", DEFAULT_LIMIT)
        offset = _number(request, "offset", 0)

        records = await self._call(self._owned_records, user, reads_only=True)
        tag = _list_tag(user, records)
        if _matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers={"ETag": tag})

        document = list_document(records, limit=limit or None, offset=offset)
        _keep_query(document, request, path=LIST_PATH)
        by_id = {record.id: record for record in records}
        document["objects"] = [
            _object(by_id[item["id"]]) for item in document["objects"]
        ]

        return JsonResponse(document, headers={"ETag": tag})

    async def _show(self, request: Request, record_id: int) -> Response:
        record = await self._call(
            self._owned, _user(request), record_id, reads_only=True
        )
        tag = _tag(record)
        if _matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers={"ETag": tag})

        return JsonResponse(_object(record), headers={"ETag": tag})

    async def _create(self, request: Request) -> Response:
        user = _user(request)
        definition, problems = _definition_in(await self._body(request))

        record = await self._call(self.settings.registry.create, definition, owner=user)
        location = str(request.base_url).rstrip("/") + record.resource_uri

        return JsonResponse(
            {**_object(record), "problems": _problems_json(problems)},
            status_code=201,
            headers={"Location": location, "ETag": _tag(record)},
        )

    async def _create_many(self, request: Request) -> Response:
        user = _user(request)
        document = load_bytes(await self._body(request), _BODY_ORIGIN)
        value = document.value
        problems = list(document.problems)
        if not isinstance(value, dict) or not isinstance(value.get("objects"), list):
            raise _Reply(
                400,
                'PATCH on the list takes {"objects": [{"definition": {...}}, ...]} '
                "to create several definitions at once",
            )
        if "deleted_objects" in value:
            raise _Reply(400, "deleting through PATCH is not supported")

        # The document already names each entry without a `definition`.
        named = {problem.path for problem in document.problems}
        definitions = []
        for index, item in enumerate(value["objects"]):
            where = ("objects", index)
            definition = item.get("definition") if isinstance(item, dict) else None
            if not isinstance(definition, dict):
                if where not in named:
                    problems.append(_shape_problem(where, document))
                continue
            definitions.append(definition)
            problems.extend(
                validate(
                    definition, document=document, base_path=(*where, "definition")
                )
            )
        _refuse_errors(problems, definitions, many=True)

        records = await self._call(
            self.settings.registry.create_many, definitions, owner=user
        )

        return JsonResponse(
            {
                "objects": [_object(record) for record in records],
                "problems": _problems_json(problems),
            },
            status_code=201,
        )

    async def _replace(
        self, request: Request, record_id: int, *, merge: bool
    ) -> Response:
        user = _user(request)
        wanted = _wanted_revisions(request.headers.get("if-match"))
        body = await self._body(request)
        if merge:
            patch, problems = _definition_in(body, check=False)

            def change() -> Record:
                current = self._owned(user, record_id)
                merged = _merge_patch(current.definition, patch)
                found = validate(merged, base_path=("definition",))
                _refuse_errors([*problems, *found], merged)
                problems.extend(found)

                return self._update(current, merged, wanted, user)

        else:
            definition, problems = _definition_in(body)

            def change() -> Record:
                current = self._owned(user, record_id)
                return self._update(current, definition, wanted, user)

        record = await self._call(change)

        return JsonResponse(
            {**_object(record), "problems": _problems_json(problems)},
            headers={"ETag": _tag(record)},
        )

    async def _delete(self, request: Request, record_id: int) -> Response:
        user = _user(request)
        self._check_deletes(allow="GET, HEAD, PUT, PATCH")
        wanted = _wanted_revisions(request.headers.get("if-match"))

        def change() -> Record:
            current = self._owned(user, record_id)
            _check_wanted(current, wanted)
            try:
                return self.settings.registry.delete(
                    record_id, base_revision=current.revision, user=user
                )
            except Conflict as conflict:
                raise _stale(conflict.current, wanted) from conflict

        record = await self._call(change)

        return JsonResponse({**_object(record), "deleted": record.deleted})

    async def _body(self, request: Request) -> bytes:
        """Return the request body, refusing a body over the limit and non-JSON.

        Raises:
            _Reply: 413 for a body too large, 415 for a type that is not JSON
                or a body that is compressed or otherwise encoded,
                408 for a body that does not arrive in time, 400 for one the
                client stopped sending (the connection is closed after both).
        """
        limit = self.settings.max_body
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        if media_type and not (
            media_type.lower() in _JSON_TYPES or media_type.lower().endswith("+json")
        ):
            raise _Reply(
                415,
                f"the body must be JSON (Content-Type: application/json), not "
                f"{media_type}",
            )
        encoding = request.headers.get("content-encoding", "").strip().lower()
        if encoding not in {"", "identity"}:
            raise _Reply(
                415,
                f"the body must be sent as it is, not encoded ({encoding}); "
                "leave out Content-Encoding",
                headers={"Accept-Encoding": "identity"},
            )
        too_large = _Reply(
            413,
            f"the body is larger than this server's limit of {limit} bytes; "
            "send less at once",
            limit=limit,
        )
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit():
            announced = _bounded(declared)
            if announced is None or announced > limit:
                raise too_large

        seconds = self.settings.body_seconds
        chunks = []
        size = 0
        try:
            with anyio.fail_after(seconds):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise too_large
                    chunks.append(chunk)
        except TimeoutError:
            log.info(
                "%s %s: the body did not arrive within %g s (%d bytes came); "
                "the connection is closed",
                request.method,
                request.url.path,
                seconds,
                size,
            )
            raise _Reply(
                408,
                f"the body did not arrive within {seconds:g} s",
                headers={"Connection": "close"},
            ) from None
        except ClientDisconnect:
            log.info(
                "%s %s: the client went away before the end of the body",
                request.method,
                request.url.path,
            )
            raise _Reply(
                400, "the body ended early", headers={"Connection": "close"}
            ) from None

        return b"".join(chunks)

    async def _call(
        self,
        function: Callable[..., T],
        *args: Any,
        reads_only: bool = False,
        **kwargs: Any,
    ) -> T:
        """Run ``function`` on a worker thread, alone with the registry.

        Unless it ``reads_only``, the records kept for lists are dropped after it.

        Raises:
            _Reply: the registry's errors as HTTP answers.
        """

        def locked() -> T:
            with self.settings.lock:
                try:
                    return function(*args, **kwargs)
                finally:
                    if not reads_only:
                        self._records = None

        try:
            return await run_in_threadpool(locked)
        except RecordNotFound as error:
            raise _Reply(404, f"no definition {error.id}") from error
        except LockTimeout as error:
            log.warning("%s", error)
            raise _Reply(
                503,
                "the registry is busy; try again in a few seconds",
                headers={"Retry-After": "5"},
            ) from error
        except RegistryReadOnly as error:
            raise _Reply(403, "the registry is read-only on this server") from error
        except RegistryGone as error:
            log.error("%s", error)
            raise _Reply(
                503, "the server's registry file is missing; see its log"
            ) from error
        except RegistryCorrupt as error:
            log.error("%s", error)
            raise _Reply(
                500, "the server cannot read its registry file; see its log"
            ) from error
        except RegistryError as error:
            # Its message names the file and the system's reason: for the log,
            # never for the client.
            log.error("%s", error)
            raise _Reply(
                500, "the server cannot use its registry file; see its log"
            ) from error

    def _owned_records(self, user: str) -> list[Record]:
        """Return the live records of ``user``, by id.

        The registry's records are kept between requests until the file
        changes on disk or this server changes it: building them is most of
        the cost of a list.
        """
        registry = self.settings.registry
        if self._records is None or registry.changed_on_disk():
            self._records = registry.records()

        return [record for record in self._records if record.owner == user]

    def _owned(self, user: str, record_id: int) -> Record:
        """Return the live definition ``record_id`` of ``user``.

        Raises:
            RecordNotFound: there is none: unknown, in the trash, or another's.
        """
        record = self.settings.registry.get(record_id)
        if record.owner != user or record.deleted is not None:
            raise RecordNotFound(record_id)

        return record

    def _owned_trash(self, user: str, record_id: int) -> Record:
        """Return definition ``record_id`` of ``user``'s trash.

        Raises:
            RecordNotFound: there is none: unknown, live, or another's.
        """
        record = self.settings.registry.get(record_id)
        if record.owner != user or record.deleted is None:
            raise RecordNotFound(record_id)

        return record

    def _update(
        self,
        current: Record,
        definition: dict[str, Any],
        wanted: set[int] | None,
        user: str,
    ) -> Record:
        _check_wanted(current, wanted)
        if orjson.dumps(definition) == orjson.dumps(current.definition):
            # Nothing changes: no new revision, so that other clients holding
            # this one are not told of a change that is none (the app and the
            # commands skip such saves too).
            return current
        try:
            return self.settings.registry.update(
                current.id, definition, base_revision=current.revision, user=user
            )
        except Conflict as conflict:
            raise _stale(conflict.current, wanted) from conflict


def _user(request: Request) -> str:
    user: str = request.state.user
    return user


def _keep_query(document: dict[str, Any], request: Request, *, path: str) -> None:
    """Point the list document's ``next`` and ``previous`` at ``path`` with the
    request's other query parameters (``format=json``) kept, as the original did."""
    kept = [
        (name, value)
        for name, value in request.query_params.multi_items()
        if name not in {"limit", "offset"}
    ]
    for link in ("next", "previous"):
        address = document["meta"][link]
        if address is None:
            continue
        query = urllib.parse.urlsplit(address).query
        paging = urllib.parse.parse_qsl(query)
        document["meta"][link] = f"{path}?{urllib.parse.urlencode(kept + paging)}"


def _check_format(request: Request) -> None:
    wanted = request.query_params.get("format")
    if wanted is not None and wanted != "json":
        raise _Reply(
            400, f"only JSON is served; format={_shown(wanted)} is not available"
        )


def _shown(text: str) -> str:
    """Return a client's value as a message repeats it: cut after a few words."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


class _DigitsConvertor(Convertor[str]):
    """Matches an id in a path, and leaves it as text.

    Starlette's ``int`` converts it while routing, where an id of thousands of
    digits fails as a server error; the endpoints read it with :func:`_path_id`.
    """

    regex = "[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("procreg_digits", _DigitsConvertor())


def _bounded(digits: str) -> int | None:
    """Return the number that the ASCII ``digits`` write, or ``None`` beyond
    :data:`MAX_NUMBER` (without converting thousands of digits)."""
    significant = digits.lstrip("0")
    if len(significant) > len(str(MAX_NUMBER)):
        return None
    value = int(significant or "0")

    return value if value <= MAX_NUMBER else None


def _path_id(request: Request) -> int:
    """Return the id in the request's path.

    Raises:
        _Reply: 404 for an id beyond :data:`MAX_NUMBER`: no definition has it.
    """
    text: str = request.path_params["record_id"]
    record_id = _bounded(text)
    if record_id is None:
        raise _Reply(404, f"no definition {_shown(text)}")

    return record_id


def _trash_id(text: str) -> int:
    """Return one ``?id=`` of a purge.

    Raises:
        _Reply: 400 when it is not a whole number; 404 beyond :data:`MAX_NUMBER`.
    """
    record_id = _whole(text, "id")
    if record_id is None:
        raise _Reply(404, f"no definition {_shown(text)} in the trash")

    return record_id


def _number(request: Request, name: str, default: int) -> int:
    """Return the query parameter ``name`` (``limit``, ``offset``), or ``default``.

    Raises:
        _Reply: 400 when it is not a whole number up to :data:`MAX_NUMBER`.
    """
    text = request.query_params.get(name)
    if text is None or text == "":
        return default

    number = _whole(text, name)
    if number is None:
        raise _Reply(400, f"{name} must be at most {MAX_NUMBER}, not {_shown(text)!r}")

    return number


def _whole(text: str, name: str) -> int | None:
    """Return the whole number ``text`` of the query parameter ``name``;
    ``None`` when it is beyond :data:`MAX_NUMBER`.

    Raises:
        _Reply: 400 when it is not a whole number.
    """
    if not (text.isascii() and text.isdigit()):
        raise _Reply(
            400, f"{name} must be a whole number of 0 or more, not {_shown(text)!r}"
        )

    return _bounded(text)


def _object(record: Record) -> dict[str, Any]:
    """Return a record as the API shows it: the original fields, then ours.

    ``valid`` is false for a definition stored with errors (``import
    --allow-invalid``, or a file edited by hand), as ``procreg list`` marks it.
    """
    return {
        "definition": record.definition,
        "id": record.id,
        "resource_uri": record.resource_uri,
        "revision": record.revision,
        "owner": record.owner,
        "created": record.created,
        "updated": record.updated,
        "updated_by": record.updated_by,
        "valid": not has_errors(problems_of(record)),
    }


def _trash_object(record: Record) -> dict[str, Any]:
    """Return a record of the trash as the API shows it: where it is, and since when."""
    return {
        **_object(record),
        "resource_uri": f"{TRASH_PATH}{record.id}/",
        "deleted": record.deleted,
    }


def _tag(record: Record) -> str:
    """Return the ETag of a record: its revision."""
    return f'"{record.revision}"'


def _list_tag(user: str, records: list[Record]) -> str:
    """Return the ETag of ``user``'s list: it changes with any of their records."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(user.encode())
    for record in records:
        digest.update(f"/{record.id}:{record.revision}".encode())

    return f'"list-{digest.hexdigest()}"'


def _matches(header: str | None, tag: str) -> bool:
    """Return whether an ``If-None-Match`` header names ``tag``."""
    if header is None:
        return False
    tags = [item.strip().removeprefix("W/") for item in header.split(",")]

    return "*" in tags or tag in tags


def _wanted_revisions(header: str | None) -> set[int] | None:
    """Return the revisions an ``If-Match`` header accepts; ``None`` for any.

    A weak tag (``W/"3"``) accepts none: If-Match compares tags strongly.

    Raises:
        _Reply: 400 for a tag that is not a revision (one beyond
            :data:`MAX_NUMBER` is none either).
    """
    if header is None or header.strip() == "*":
        return None

    wanted = set()
    for item in header.split(","):
        weak = item.strip().startswith("W/")
        text = item.strip().removeprefix("W/").strip('"')
        revision = _bounded(text) if text.isascii() and text.isdigit() else None
        if revision is None:
            raise _Reply(
                400,
                f"If-Match takes the ETag of a definition (its revision, such as "
                f'"3"), not {_shown(item.strip())!r}',
            )
        if not weak:
            wanted.add(revision)

    return wanted


def _check_wanted(current: Record, wanted: set[int] | None) -> None:
    if wanted is not None and current.revision not in wanted:
        raise _stale(current, wanted)


def _stale(current: Record, wanted: set[int] | None) -> _Reply:
    """Return the answer to a change based on an old revision."""
    if wanted is None:
        return _Reply(
            409,
            f"definition {current.id} changed while this request ran; try again",
            current=_object(current),
        )
    if not wanted:
        told = (
            f"If-Match named only weak ETags (W/...), which never match; send "
            f'"{current.revision}" as the ETag came'
        )
    else:
        told = (
            f"definition {current.id} is at revision {current.revision}, not "
            f"{', '.join(str(r) for r in sorted(wanted))} that this change "
            "started from"
        )
    return _Reply(
        412,
        f"{told}; nothing was changed",
        current=_object(current),
        headers={"ETag": _tag(current)},
    )


def _definition_in(
    body: bytes, *, check: bool = True
) -> tuple[dict[str, Any], list[Problem]]:
    """Return the definition a ``{"definition": {...}}`` body holds, with its problems.

    With ``check``, the definition is validated; otherwise only the text is.

    Raises:
        _Reply: 400 listing every error.
    """
    document = load_bytes(body, _BODY_ORIGIN)
    problems = list(document.problems)
    _refuse_errors(problems, None)

    value = document.value
    definition = value.get("definition") if isinstance(value, dict) else None
    if not isinstance(definition, dict):
        _refuse_errors([_shape_problem((), document)], None)
    assert isinstance(definition, dict)
    if check:
        problems.extend(
            validate(definition, document=document, base_path=("definition",))
        )
    _refuse_errors(problems, definition, document=document)

    return definition, problems


def _shape_problem(path: tuple[str | int, ...], document: Any) -> Problem:
    place = document.locate(path) or (None, None)
    return Problem(
        Severity.ERROR,
        path,
        'a definition is sent as {"definition": {...}}, the object holding '
        "its exec, argv and the other fields",
        "not-a-definition",
        *place,
    )


_UNSTORABLE = frozenset({"integer-too-large", "too-deep"})
"""The problems of a definition the registry's JSON writer cannot write."""


def _refuse_errors(
    problems: list[Problem],
    definition: object,
    *,
    many: bool = False,
    document: Document | None = None,
) -> None:
    """Answer 400 with every problem when any is an error.

    A definition that orjson cannot write (an integer beyond 64 bits, nesting
    too deep) is refused too, as the registry could not store it, with the
    problems that place it when the checks find them (``document`` gives
    their lines). ``many`` says the body held several definitions (PATCH on
    the list).
    """
    subject = "the definitions have" if many else "the definition has"
    if not has_errors(problems):
        try:
            orjson.dumps(definition)
        except orjson.JSONEncodeError as error:
            found = (
                []
                if many
                else [
                    problem
                    for problem in validate(
                        definition, document=document, base_path=("definition",)
                    )
                    if problem.code in _UNSTORABLE
                ]
            )
            if found:
                problems = found
            else:
                raise _Reply(
                    400,
                    f"{subject} a number beyond 64 bits or nesting too deep to be "
                    "stored; nothing was stored",
                ) from error
        else:
            return

    count = sum(problem.severity is Severity.ERROR for problem in problems)
    noun = "error" if count == 1 else "errors"
    raise _Reply(
        400,
        f"{subject} {count} {noun}; nothing was stored",
        problems=_problems_json(problems),
    )


def _problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem.to_json() for problem in problems]


def _merge_patch(target: Any, patch: Any) -> Any:
    """Return ``target`` with ``patch`` applied as a JSON merge patch (RFC 7386).

    ``null`` in the patch removes a key; objects merge; anything else replaces.
    ``target`` is not changed.
    """
    if not isinstance(patch, dict):
        return patch

    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge_patch(merged.get(key), value)

    return merged
