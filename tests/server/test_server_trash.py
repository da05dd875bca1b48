"""The trash over HTTP: listing it, restoring from it, emptying it, per user."""

from __future__ import annotations

from server_harness import API, LiveServer

from procreg_tui.registry import Registry

TRASH = API + "trash/"


def _trashed(server: LiveServer, owners: list[str], trashed: list[int]) -> None:
    """Store one definition per owner (ids from 1) and move ``trashed`` to the trash."""
    with Registry.open(server.registry_path) as registry:
        for number, owner in enumerate(owners, start=1):
            registry.create({"exec": f"/bin/tool{number}"}, owner=owner)
        for record_id in trashed:
            registry.delete(record_id, user=registry.get(record_id).owner)


def test_trash_lists_only_the_users_deleted_definitions(
    deleting_server: LiveServer,
) -> None:
    """alice's trash holds her deleted definitions, with when and where; not her
    live one, not bob's."""
    server = deleting_server
    _trashed(server, ["alice", "alice", "alice", "bob"], [])
    for record_id in (1, 3):
        assert server.request("DELETE", f"{API}{record_id}/").status == 200
    assert server.request("DELETE", f"{API}4/", user="bob").status == 200

    listed = server.request("GET", TRASH)

    assert listed.status == 200
    assert listed.body["meta"] == {
        "limit": 20,
        "next": None,
        "offset": 0,
        "previous": None,
        "total_count": 2,
    }
    stored = Registry.open(server.registry_path)
    assert [
        (item["id"], item["resource_uri"], item["deleted"], item["definition"])
        for item in listed.body["objects"]
    ] == [
        (1, TRASH + "1/", stored.get(1).deleted, {"exec": "/bin/tool1"}),
        (3, TRASH + "3/", stored.get(3).deleted, {"exec": "/bin/tool3"}),
    ]
    assert all(isinstance(item["deleted"], str) for item in listed.body["objects"])


def test_trash_pages_link_to_the_trash(server: LiveServer) -> None:
    """Three in the trash with limit=2: next and previous stay in the trash."""
    _trashed(server, ["alice"] * 3, [1, 2, 3])

    first = server.request("GET", TRASH + "?limit=2")
    second = server.request("GET", first.body["meta"]["next"])

    assert first.body["meta"]["next"] == TRASH + "?limit=2&offset=2"
    assert [item["id"] for item in second.body["objects"]] == [3]
    assert second.body["meta"]["previous"] == TRASH + "?limit=2&offset=0"


def test_one_trashed_definition_is_read_by_its_owner_only(server: LiveServer) -> None:
    """trash/ID/ answers alice's trashed definition; a live one and bob's are 404."""
    _trashed(server, ["alice", "alice", "bob"], [1, 3])

    mine = server.request("GET", TRASH + "1/")
    assert (mine.status, mine.headers["etag"], mine.body["id"]) == (200, '"2"', 1)
    assert mine.body["deleted"] == Registry.open(server.registry_path).get(1).deleted

    assert server.request("GET", TRASH + "2/").body == {"error": "no definition 2"}
    assert server.request("GET", TRASH + "2/").status == 404
    assert server.request("GET", TRASH + "3/").status == 404
    assert server.request("GET", TRASH + "3/", user="bob").status == 200


def test_restore_brings_back_under_the_same_id_even_without_deletes(
    server: LiveServer,
) -> None:
    """POST ID/restore/ works on a server that refuses deletes: it destroys nothing;
    the definition is live again with the next revision."""
    _trashed(server, ["alice"], [1])

    restored = server.request("POST", API + "1/restore/")

    assert (restored.status, restored.headers["etag"]) == (200, '"3"')
    assert (restored.body["id"], restored.body["revision"]) == (1, 3)
    assert "deleted" not in restored.body
    assert server.request("GET", API + "1/").status == 200
    record = Registry.open(server.registry_path).get(1)
    assert (record.deleted, record.updated_by) == (None, "alice")
    again = server.request("POST", API + "1/restore/")
    assert (again.status, again.body) == (404, {"error": "no definition 1"})


def test_restore_is_per_user_and_checks_the_revision(server: LiveServer) -> None:
    """bob cannot restore alice's definition; a stale If-Match gets 412 and
    changes nothing."""
    _trashed(server, ["alice"], [1])

    assert server.request("POST", API + "1/restore/", user="bob").status == 404
    stale = server.request("POST", API + "1/restore/", headers={"If-Match": '"1"'})
    assert (stale.status, stale.headers["etag"]) == (412, '"2"')
    assert Registry.open(server.registry_path).get(1).deleted is not None

    fresh = server.request("POST", API + "1/restore/", headers={"If-Match": '"2"'})
    assert fresh.status == 200


def test_emptying_the_trash_needs_allow_delete(server: LiveServer) -> None:
    """Without --allow-delete, DELETE on the trash and on one of it get 405 and
    remove nothing."""
    _trashed(server, ["alice"], [1])

    for path in (TRASH, TRASH + "1/"):
        refused = server.request("DELETE", path)
        assert (refused.status, refused.headers["allow"]) == (405, "GET")
    assert [record.id for record in Registry.open(server.registry_path).trash()] == [1]


def test_emptying_the_trash_removes_only_the_users(
    deleting_server: LiveServer,
) -> None:
    """alice purges one, then asks for a live id with a trashed one (404, nothing
    removed), then empties the rest of her trash; bob's stays."""
    server = deleting_server
    _trashed(server, ["alice", "alice", "alice", "alice", "bob"], [1, 2, 3, 5])

    one = server.request("DELETE", TRASH + "2/")
    assert (one.status, one.body) == (200, {"purged": [2]})

    mixed = server.request("DELETE", TRASH + "?id=3&id=4")
    assert (mixed.status, mixed.body) == (
        404,
        {"error": "no definition 4 in the trash", "id": 4},
    )
    assert server.request("DELETE", TRASH + "?id=5").status == 404

    rest = server.request("DELETE", TRASH)
    assert (rest.status, rest.body) == (200, {"purged": [1, 3]})
    stored = Registry.open(server.registry_path)
    assert [record.id for record in stored.records(include_deleted=True)] == [4, 5]
    assert [record.id for record in stored.trash()] == [5]

    empty = server.request("DELETE", TRASH)
    assert (empty.status, empty.body) == (200, {"purged": []})


def test_trash_ids_must_be_whole_numbers(deleting_server: LiveServer) -> None:
    """?id=x is a 400 naming the parameter."""
    refused = deleting_server.request("DELETE", TRASH + "?id=x")

    assert (refused.status, refused.body) == (
        400,
        {"error": "id must be a whole number of 0 or more, not 'x'"},
    )
