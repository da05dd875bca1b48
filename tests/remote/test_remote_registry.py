"""RemoteRegistry: the registry interface over HTTP, and its errors in plain words."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from server_harness import LOOPBACK, PASSWORDS, LiveServer, running_server

from procreg_tui.registry import Conflict, RecordNotFound, Registry, RegistryError
from procreg_tui.remote import Address, RemoteError, RemoteRegistry
from procreg_tui.server import UserStore
from procreg_tui.server._throttle import LoginThrottle

TR = {"exec": "/usr/bin/tr", "argv": ["-d", "x"]}


def _alice(server: LiveServer, *, read_only: bool = False) -> RemoteRegistry:
    return RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], read_only=read_only
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", ("http", "127.0.0.1", 8000, "")),
        (
            "http://127.0.0.1:8000/api/process_definition/",
            ("http", "127.0.0.1", 8000, ""),
        ),
        ("http://localhost/api/", ("http", "localhost", 80, "")),
        ("https://host.example/registry/", ("https", "host.example", 443, "/registry")),
        ("http://[::1]:9000/", ("http", "::1", 9000, "")),
    ],
)
def test_addresses_are_read_with_or_without_the_api_path(
    url: str, expected: tuple[str, str, int, str]
) -> None:
    """A base URL, the list URL, or a URL behind a proxy prefix all name the server."""
    address = Address.parse(url)
    assert (address.scheme, address.host, address.port, address.prefix) == expected


def test_addresses_that_are_not_http_are_refused() -> None:
    """A path or another scheme is not a registry address."""
    with pytest.raises(RemoteError, match="is not the address of a registry"):
        Address.parse("ftp://host/")
    with pytest.raises(RemoteError, match="is not the address of a registry"):
        Address.parse("/srv/registry.json")


def test_it_is_a_registry_for_the_app_and_the_commands(server: LiveServer) -> None:
    """RemoteRegistry passes wherever a Registry is taken."""
    remote = _alice(server)
    assert isinstance(remote, Registry)
    assert str(remote.path) == f"127.0.0.1:{server.port}/api/process_definition"


def test_create_update_get_and_records(server: LiveServer) -> None:
    """Changes made through the interface land in the served file as alice's."""
    remote = _alice(server)

    created = remote.create(TR)
    many = remote.create_many([{"exec": "/bin/a"}, {"exec": "/bin/b"}])
    updated = remote.update(created.id, {"exec": "/bin/c"}, base_revision=1)

    assert (created.id, [r.id for r in many], updated.revision) == (1, [2, 3], 2)
    assert remote.get(1).definition == {"exec": "/bin/c"}
    assert [(r.id, r.owner) for r in remote.records()] == [
        (1, "alice"),
        (2, "alice"),
        (3, "alice"),
    ]
    local = Registry.open(server.registry_path)
    assert [r.definition for r in local.records()] == [
        {"exec": "/bin/c"},
        {"exec": "/bin/a"},
        {"exec": "/bin/b"},
    ]


def test_a_stale_update_is_a_conflict_with_the_current_version(
    server: LiveServer,
) -> None:
    """An update from an old revision raises Conflict carrying the server's record."""
    remote = _alice(server)
    record = remote.create(TR)
    remote.update(record.id, {"exec": "/bin/newer"}, base_revision=1)

    with pytest.raises(Conflict) as caught:
        remote.update(record.id, {"exec": "/bin/older"}, base_revision=1)

    assert caught.value.current.revision == 2
    assert caught.value.current.definition == {"exec": "/bin/newer"}
    assert caught.value.attempted == {"exec": "/bin/older"}


def test_unknown_ids_are_not_found(server: LiveServer) -> None:
    """get and update of an id the user does not own raise RecordNotFound."""
    remote = _alice(server)
    with pytest.raises(RecordNotFound):
        remote.get(41)
    with pytest.raises(RecordNotFound):
        remote.update(41, TR, base_revision=1)


def test_invalid_definitions_are_refused_with_their_problems(
    server: LiveServer,
) -> None:
    """The server's 400 becomes a RemoteError listing each error's path."""
    remote = _alice(server)

    with pytest.raises(RemoteError) as caught:
        remote.create({"argv": "x"})

    assert str(caught.value) == (
        f"the registry at {server.url} answered 400: the definition has 2 errors; "
        "nothing was stored\n"
        "  $.definition: `exec` is required\n"
        '  $.definition.argv: `argv` must be an array, not a string ("x")'
    )
    assert (caught.value.status, caught.value.retryable) == (400, False)


def test_read_only_refuses_changes_without_asking(server: LiveServer) -> None:
    """--read-only refuses changes before anything is sent."""
    remote = _alice(server, read_only=True)

    with pytest.raises(RemoteError, match="was opened with --read-only") as caught:
        remote.create(TR)
    assert (caught.value.unreachable, caught.value.retryable) == (False, False)
    assert Registry.open(server.registry_path).records() == []


def test_a_refused_connection_is_said_plainly() -> None:
    """Nothing listening: the message names the address and suggests the server."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    remote = RemoteRegistry.connect(f"http://{LOOPBACK}:{port}", "alice", "x")

    with pytest.raises(RemoteError) as caught:
        remote.records()

    assert str(caught.value) == (
        f"cannot reach the registry at http://{LOOPBACK}:{port}: the connection was "
        "refused (is 'procreg serve' running there?)"
    )
    assert caught.value.status is None
    assert (caught.value.unreachable, caught.value.retryable) == (True, True)


def test_a_silent_server_times_out_plainly() -> None:
    """A server that accepts but never answers gives a timeout message."""
    with socket.socket() as silent:
        silent.bind((LOOPBACK, 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        remote = RemoteRegistry.connect(
            f"http://{LOOPBACK}:{port}", "alice", "x", timeout=0.3
        )

        with pytest.raises(RemoteError) as caught:
            remote.records()

    assert str(caught.value) == (
        f"cannot reach the registry at http://{LOOPBACK}:{port}: no answer within 0.3 s"
    )
    assert (caught.value.unreachable, caught.value.retryable) == (True, True)


def test_a_failing_server_is_reported_as_its_failure(server: LiveServer) -> None:
    """A 500 carries the server's words and says the failure is on the server."""
    remote = _alice(server)
    remote.create(TR)
    Path(server.registry_path).write_text("{ broken", encoding="utf-8")

    with pytest.raises(RegistryError) as caught:
        remote.records()

    assert str(caught.value) == (
        f"the registry at {server.url} answered 500: the server cannot read its "
        "registry file; see its log (a failure on the server; its log says more)"
    )
    assert isinstance(caught.value, RemoteError)
    assert (caught.value.status, caught.value.retryable) == (500, False)


def test_wrong_passwords_are_401_then_429_to_try_later(
    registry_path: Path, users: UserStore
) -> None:
    """Ten wrong passwords are RemoteErrors of 401, not worth retrying; the
    eleventh is a 429 that is, with the server's wait in its message."""
    throttle = LoginThrottle(clock=lambda: 0.0)
    with running_server(registry_path, users, throttle=throttle) as server:
        remote = RemoteRegistry.connect(server.url, "alice", "wrong")
        refusals = []
        for _ in range(11):
            with pytest.raises(RemoteError) as caught:
                remote.records()
            refusals.append((caught.value.status, caught.value.retryable))

    assert refusals == [(401, False)] * 10 + [(429, True)]
    assert str(caught.value) == (
        f"the registry at {server.url} answered 429: too many wrong passwords from "
        "this address or for this user; try again in 6 s"
    )


def test_changes_by_others_are_noticed_without_waiting(server: LiveServer) -> None:
    """changed_on_disk turns true after another client changes the user's list."""
    remote = RemoteRegistry.connect(
        server.url, "alice", PASSWORDS["alice"], poll_seconds=0.05
    )
    remote.records()
    assert remote.changed_on_disk() is False

    _alice(server).create(TR)
    deadline = time.monotonic() + 20
    while not remote.changed_on_disk() and time.monotonic() < deadline:
        time.sleep(0.02)

    assert remote.changed_on_disk() is True
    remote.records()
    assert remote.changed_on_disk() is False
    remote.close()


def test_trash_get_restore_and_purge_over_http(deleting_server: LiveServer) -> None:
    """delete, then trash, get, records(include_deleted=True), restore and purge
    answer as on a file, for alice's definitions only."""
    server = deleting_server
    remote = _alice(server)
    for number in range(3):
        remote.create({"exec": f"/bin/tool{number}"})
    RemoteRegistry.connect(server.url, "bob", PASSWORDS["bob"]).create(TR)
    with Registry.open(server.registry_path) as registry:
        registry.delete(4, user="bob")
    remote.delete(1)
    remote.delete(2)

    assert [(r.id, r.deleted is not None) for r in remote.trash()] == [
        (1, True),
        (2, True),
    ]
    assert remote.get(2).deleted == Registry.open(server.registry_path).get(2).deleted
    assert [r.id for r in remote.records(include_deleted=True)] == [1, 2, 3]
    with pytest.raises(RecordNotFound):
        remote.get(4)

    restored = remote.restore(1)
    assert (restored.id, restored.deleted, restored.revision) == (1, None, 3)
    assert [r.id for r in remote.records()] == [1, 3]

    assert remote.purge() == 1
    assert remote.trash() == []
    assert [r.id for r in Registry.open(server.registry_path).trash()] == [4]


def test_restore_and_purge_refusals(
    server: LiveServer, deleting_server: LiveServer
) -> None:
    """Restoring a live id is RecordNotFound, a stale base is a Conflict, a purge
    of an id not in the trash removes nothing, and a server without
    --allow-delete refuses purges (both servers serve one file)."""
    with Registry.open(server.registry_path) as registry:
        registry.create(TR, owner="alice")
        registry.create(TR, owner="alice")
        registry.delete(2, user="alice")
    remote = _alice(deleting_server)

    with pytest.raises(RecordNotFound) as missing:
        remote.restore(1)
    assert str(missing.value) == (
        f"no definition 1 in the trash of alice at {deleting_server.url}"
    )
    with pytest.raises(Conflict) as stale:
        remote.restore(2, base_revision=1)
    assert stale.value.current.revision == 2
    with pytest.raises(RecordNotFound) as not_trashed:
        remote.purge([2, 1])
    assert not_trashed.value.id == 1
    assert [r.id for r in remote.trash()] == [2]

    with pytest.raises(RemoteError) as refused:
        _alice(server).purge()
    assert (refused.value.status, refused.value.retryable) == (405, False)
    assert [r.id for r in Registry.open(server.registry_path).trash()] == [2]
