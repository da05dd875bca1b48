"""The HTTP API over a live server: the original registry's session, and its rules."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import procreg
from server_harness import API, LiveServer

from procreg_tui.registry import Registry

EXECUTABLE = {"exec": "/path/to/executable"}


def _create(
    server: LiveServer, definition: dict[str, object], user: str = "alice"
) -> int:
    reply = server.request("POST", API, {"definition": definition}, user=user)
    assert reply.status == 201, reply.body
    identifier: int = reply.body["id"]
    return identifier


def test_original_session_list_create_detail_update(server: LiveServer) -> None:
    """The curl session of the original README: list, create with Location, read,
    update, read again."""
    _create(server, EXECUTABLE)
    _create(server, EXECUTABLE)

    listed = server.request("GET", API)
    assert listed.status == 200
    assert listed.headers["content-type"] == "application/json"
    assert listed.body["meta"] == {
        "limit": 20,
        "next": None,
        "offset": 0,
        "previous": None,
        "total_count": 2,
    }
    assert [
        (item["definition"], item["id"], item["resource_uri"])
        for item in listed.body["objects"]
    ] == [
        (EXECUTABLE, 1, "/api/process_definition/1/"),
        (EXECUTABLE, 2, "/api/process_definition/2/"),
    ]

    created = server.request("POST", API, {"definition": EXECUTABLE})
    assert created.status == 201
    assert created.headers["location"] == f"{server.url}/api/process_definition/3/"
    assert created.body["owner"] == "alice"

    detail = server.request("GET", "/api/process_definition/3/")
    assert (detail.status, detail.headers["etag"]) == (200, '"1"')
    assert detail.body["definition"] == EXECUTABLE

    changed = {"exec": "/usr/bin/tr", "argv": ["-d", "x"]}
    updated = server.request(
        "PUT", "/api/process_definition/3/", {"definition": changed}
    )
    assert (updated.status, updated.headers["etag"]) == (200, '"2"')
    assert server.request("GET", "/api/process_definition/3/").body["definition"] == (
        changed
    )


def test_paging_follows_next_and_previous_and_limit_zero_lists_all(
    server: LiveServer,
) -> None:
    """25 definitions: a page of 20 links to the next 5 and back, keeping
    format=json when asked with it; limit=0 gives all."""
    for number in range(25):
        _create(server, {"exec": f"/bin/tool{number}"})

    first = server.request("GET", API)
    assert len(first.body["objects"]) == 20
    assert first.body["meta"]["next"] == "/api/process_definition/?limit=20&offset=20"
    assert first.body["meta"]["previous"] is None

    second = server.request("GET", first.body["meta"]["next"])
    assert [item["id"] for item in second.body["objects"]] == [21, 22, 23, 24, 25]
    assert second.body["meta"] == {
        "limit": 20,
        "next": None,
        "offset": 20,
        "previous": "/api/process_definition/?limit=20&offset=0",
        "total_count": 25,
    }

    as_json = server.request("GET", API + "?format=json&limit=10&offset=10")
    assert as_json.body["meta"]["next"] == (
        "/api/process_definition/?format=json&limit=10&offset=20"
    )
    assert as_json.body["meta"]["previous"] == (
        "/api/process_definition/?format=json&limit=10&offset=0"
    )

    everything = server.request("GET", API + "?limit=0&format=json")
    assert everything.body["meta"]["limit"] == 0
    assert [item["id"] for item in everything.body["objects"]] == list(range(1, 26))


def test_bad_paging_and_other_formats_are_refused(server: LiveServer) -> None:
    """A limit that is not a number, and any format but JSON, answer 400."""
    assert server.request("GET", API + "?limit=-1").body == {
        "error": "limit must be a whole number of 0 or more, not '-1'"
    }
    refused = server.request("GET", API + "?format=xml")
    assert (refused.status, refused.body) == (
        400,
        {"error": "only JSON is served; format=xml is not available"},
    )


def test_anonymous_and_wrong_passwords_get_401(server: LiveServer) -> None:
    """No credentials, a wrong password and an unknown user all get 401 with
    WWW-Authenticate; a wrong password and an unknown user get the same words."""
    needed = "this registry needs a user name and password (HTTP basic auth)"
    wrong = "wrong user name or password"
    answers = [
        (server.request("GET", API, user=None), needed),
        (server.request("GET", API, user="alice", password="wrong"), wrong),
        (server.request("GET", "/api/process_definition/1/", user=None), needed),
        (server.request("POST", API, {"definition": EXECUTABLE}, user=None), needed),
        (
            server.request(
                "GET", API, user=None, headers={"Authorization": "Basic bWFsbG9yeTp4"}
            ),
            wrong,
        ),
    ]
    for answer, said in answers:
        assert answer.status == 401
        assert answer.headers["www-authenticate"] == (
            'Basic realm="procreg", charset="UTF-8"'
        )
        assert answer.body == {"error": said}
    assert Registry.open(server.registry_path).records() == []


def test_each_user_sees_only_their_own_definitions(server: LiveServer) -> None:
    """bob's list leaves out alice's definition, and her id answers 404 to him."""
    mine = _create(server, EXECUTABLE, user="alice")
    theirs = _create(server, {"exec": "/bin/bob"}, user="bob")

    bob_list = server.request("GET", API, user="bob")
    assert [item["id"] for item in bob_list.body["objects"]] == [theirs]
    address = f"/api/process_definition/{mine}/"
    assert server.request("GET", address, user="bob").status == 404
    put = server.request("PUT", address, {"definition": {"exec": "/x"}}, user="bob")
    assert (put.status, put.body) == (404, {"error": f"no definition {mine}"})
    patch = server.request("PATCH", address, {"definition": {"argv": []}}, user="bob")
    assert patch.status == 404
    assert server.request("GET", address).body["definition"] == EXECUTABLE


def test_invalid_body_gets_400_with_every_problem(server: LiveServer) -> None:
    """A definition with errors is refused with each problem's path, message and
    place in the body; nothing is stored."""
    body = b'{"definition": {"argv": "-d x", "timeout": -1}}'
    reply = server.request(
        "POST", API, raw=body, headers={"Content-Type": "application/json"}
    )

    assert reply.status == 400
    assert reply.body["error"] == "the definition has 3 errors; nothing was stored"
    assert [
        (p["severity"], p["path"], p["message"], p["line"], p["column"])
        for p in reply.body["problems"]
    ] == [
        ("error", "$.definition", "`exec` is required", 1, 16),
        (
            "error",
            "$.definition.argv",
            '`argv` must be an array, not a string ("-d x")',
            1,
            25,
        ),
        (
            "error",
            "$.definition.timeout",
            "`timeout` must be greater than 0, not -1",
            1,
            44,
        ),
    ]
    assert Registry.open(server.registry_path).records() == []


def test_broken_json_and_wrong_shapes_get_400(server: LiveServer) -> None:
    """A syntax error is placed at its line and column; a body without
    ``definition`` says what shape to send."""
    broken = server.request("POST", API, raw=b'{"definition": {"exec": }}')
    assert broken.status == 400
    assert [
        (p["severity"], p["line"], p["column"]) for p in broken.body["problems"]
    ] == [("error", 1, 25)]

    bare = server.request("POST", API, EXECUTABLE)
    assert bare.status == 400
    assert [(p["path"], p["code"]) for p in bare.body["problems"]] == [
        ("$", "not-a-definition")
    ]


def test_warnings_are_accepted_and_returned(server: LiveServer) -> None:
    """A definition with only warnings is stored, and its warnings come back."""
    body = b'{"definition": {"exec": "/bin/true", "exce": 1,}}'
    reply = server.request("POST", API, raw=body)

    assert reply.status == 201
    assert [(p["severity"], p["path"], p["code"]) for p in reply.body["problems"]] == [
        ("warning", "$.definition", "trailing-comma"),
        ("warning", "$.definition.exce", "unknown-key"),
    ]
    stored = Registry.open(server.registry_path).get(reply.body["id"])
    assert (stored.definition, stored.owner) == (
        {"exec": "/bin/true", "exce": 1},
        "alice",
    )


def test_patch_merges_into_the_definition(server: LiveServer) -> None:
    """PATCH merges keys (null removes one) and keeps the rest of the definition."""
    identifier = _create(server, {"exec": "/bin/sort", "argv": ["-r"], "cwd": "/tmp"})
    address = f"/api/process_definition/{identifier}/"

    reply = server.request(
        "PATCH",
        address,
        {"definition": {"cwd": None, "timeout": 30, "environment": {"LANG": "C"}}},
        headers={"Content-Type": "application/merge-patch+json"},
    )

    assert reply.status == 200
    assert reply.body["definition"] == {
        "exec": "/bin/sort",
        "argv": ["-r"],
        "timeout": 30,
        "environment": {"LANG": "C"},
    }
    refused = server.request("PATCH", address, {"definition": {"exec": None}})
    assert (refused.status, [p["path"] for p in refused.body["problems"]]) == (
        400,
        ["$.definition"],
    )
    too_large = server.request(
        "PATCH", address, {"definition": {"timeout": 10**26, "cwd": "/srv"}}
    )
    assert (too_large.status, [p["path"] for p in too_large.body["problems"]]) == (
        400,
        ["$.definition.timeout"],
    )
    assert too_large.body["problems"][0]["code"] == "integer-too-large"
    assert server.request("GET", address).body["definition"]["timeout"] == 30


def test_stale_if_match_gets_412_and_a_fresh_one_succeeds(server: LiveServer) -> None:
    """A change whose If-Match names an old revision, or only weak tags, is
    refused with 412 and the current record; the current ETag lets it through."""
    identifier = _create(server, EXECUTABLE)
    address = f"/api/process_definition/{identifier}/"
    with Registry.open(server.registry_path) as registry:
        registry.update(identifier, {"exec": "/elsewhere"}, base_revision=1)

    stale = server.request(
        "PUT", address, {"definition": {"exec": "/mine"}}, headers={"If-Match": '"1"'}
    )
    assert stale.status == 412
    assert stale.headers["etag"] == '"2"'
    assert stale.body["current"]["definition"] == {"exec": "/elsewhere"}
    assert stale.body["error"] == (
        f"definition {identifier} is at revision 2, not 1 that this change started "
        "from; nothing was changed"
    )

    weak = server.request(
        "PUT", address, {"definition": {"exec": "/mine"}}, headers={"If-Match": 'W/"2"'}
    )
    assert (weak.status, weak.body["error"]) == (
        412,
        'If-Match named only weak ETags (W/...), which never match; send "2" as '
        "the ETag came; nothing was changed",
    )

    fresh = server.request(
        "PUT",
        address,
        {"definition": {"exec": "/mine"}},
        headers={"If-Match": 'W/"1", "2"'},
    )
    assert (fresh.status, fresh.headers["etag"]) == (200, '"3"')
    bad = server.request(
        "PUT", address, {"definition": EXECUTABLE}, headers={"If-Match": "yesterday"}
    )
    assert bad.status == 400


def test_if_none_match_answers_304(server: LiveServer) -> None:
    """A list or detail read with the ETag last seen answers 304 until it changes."""
    identifier = _create(server, EXECUTABLE)
    listed = server.request("GET", API)
    again = server.request(
        "GET", API, headers={"If-None-Match": listed.headers["etag"]}
    )
    assert (again.status, again.body) == (304, None)

    detail = server.request(
        "GET",
        f"/api/process_definition/{identifier}/",
        headers={"If-None-Match": '"1"'},
    )
    assert detail.status == 304
    _create(server, EXECUTABLE)
    changed = server.request(
        "GET", API, headers={"If-None-Match": listed.headers["etag"]}
    )
    assert changed.status == 200


def test_oversized_body_gets_413(server: LiveServer) -> None:
    """A body over the limit (4 KiB here) is refused with 413 before it is read."""
    padding = "x" * 5000
    reply = server.request("POST", API, {"definition": {"exec": padding}})

    assert (reply.status, reply.body) == (
        413,
        {
            "error": "the body is larger than this server's limit of 4096 bytes; "
            "send less at once",
            "limit": 4096,
        },
    )
    assert Registry.open(server.registry_path).records() == []


def test_bodies_that_are_not_json_get_415(server: LiveServer) -> None:
    """A form post (curl -d without a JSON Content-Type) is refused, saying why."""
    reply = server.request(
        "POST",
        API,
        raw=b"definition=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (reply.status, reply.body) == (
        415,
        {
            "error": "the body must be JSON (Content-Type: application/json), not "
            "application/x-www-form-urlencoded"
        },
    )


def test_encoded_bodies_get_415(server: LiveServer) -> None:
    """A gzip body (or one merely labelled so) is refused, not stored as it is."""
    reply = server.request(
        "POST",
        API,
        {"definition": EXECUTABLE},
        headers={"Content-Encoding": "gzip"},
    )

    assert (reply.status, reply.headers["accept-encoding"]) == (415, "identity")
    assert reply.body == {
        "error": "the body must be sent as it is, not encoded (gzip); leave out "
        "Content-Encoding"
    }
    assert Registry.open(server.registry_path).records() == []


def test_delete_is_refused_by_default(server: LiveServer) -> None:
    """Without --allow-delete, DELETE answers 405 and the definition stays."""
    identifier = _create(server, EXECUTABLE)
    reply = server.request("DELETE", f"/api/process_definition/{identifier}/")

    assert reply.status == 405
    assert reply.headers["allow"] == "GET, HEAD, PUT, PATCH"
    assert "--allow-delete" in reply.body["error"]
    assert [r.id for r in Registry.open(server.registry_path).records()] == [identifier]


def test_delete_when_allowed_moves_to_the_trash(deleting_server: LiveServer) -> None:
    """With --allow-delete, DELETE moves the definition to the trash, where the
    registry can restore it; afterwards its id answers 404."""
    identifier = _create(deleting_server, EXECUTABLE)
    address = f"/api/process_definition/{identifier}/"

    assert deleting_server.request("DELETE", address, user="bob").status == 404
    reply = deleting_server.request("DELETE", address)
    assert reply.status == 200
    assert reply.body["deleted"] is not None
    assert deleting_server.request("GET", address).status == 404
    registry = Registry.open(deleting_server.registry_path)
    assert [record.id for record in registry.trash()] == [identifier]
    assert registry.restore(identifier).definition == EXECUTABLE


def test_bulk_create_is_all_or_nothing(server: LiveServer) -> None:
    """PATCH on the list stores every definition given, or none when one has errors."""
    good = server.request(
        "PATCH",
        API,
        {"objects": [{"definition": EXECUTABLE}, {"definition": {"exec": "/bin/b"}}]},
    )
    assert (good.status, [item["id"] for item in good.body["objects"]]) == (201, [1, 2])

    bad = server.request(
        "PATCH",
        API,
        {"objects": [{"definition": EXECUTABLE}, {"definition": {"argv": []}}]},
    )
    assert bad.status == 400
    assert [p["path"] for p in bad.body["problems"]] == ["$.objects[1].definition"]
    assert len(Registry.open(server.registry_path).records()) == 2


def test_bulk_create_names_each_problem_once(server: LiveServer) -> None:
    """Entries that are not {"definition": {...}} are each reported once, and
    the count is of the problems listed."""
    reply = server.request(
        "PATCH",
        API,
        raw=b'{"objects": [{"definition": {"exec": "/ok"}}, '
        b'{"definition": {"argv": 1}}, "x", {"definitio": {}}, {"definition": 5}]}',
    )

    assert reply.status == 400
    assert reply.body["error"] == "the definitions have 5 errors; nothing was stored"
    assert [(p["path"], p["code"]) for p in reply.body["problems"]] == [
        ("$.objects[2]", "not-a-definition"),
        ("$.objects[3]", "not-a-definition"),
        ("$.objects[1].definition", "schema-required"),
        ("$.objects[1].definition.argv", "schema-type"),
        ("$.objects[4]", "not-a-definition"),
    ]
    assert Registry.open(server.registry_path).records() == []


def test_changes_that_change_nothing_keep_the_revision(server: LiveServer) -> None:
    """PUT of the stored definition and an empty merge patch answer 200 with the
    same revision and ETag, and store nothing; a real change still counts."""
    identifier = _create(server, {"exec": "/bin/sort", "argv": ["-r"]})
    address = f"/api/process_definition/{identifier}/"

    same = server.request(
        "PUT",
        address,
        {"definition": {"exec": "/bin/sort", "argv": ["-r"]}},
        headers={"If-Match": '"1"'},
    )
    empty = server.request("PATCH", address, {"definition": {}})
    restated = server.request("PATCH", address, {"definition": {"argv": ["-r"]}})
    reordered = server.request(
        "PUT", address, {"definition": {"argv": ["-r"], "exec": "/bin/sort"}}
    )

    assert [
        (a.status, a.headers["etag"], a.body["revision"])
        for a in (same, empty, restated)
    ] == [(200, '"1"', 1)] * 3
    assert (reordered.status, reordered.body["revision"]) == (200, 2)
    assert Registry.open(server.registry_path).get(identifier).revision == 2
    stale = server.request(
        "PUT",
        address,
        {"definition": {"argv": ["-r"], "exec": "/bin/sort"}},
        headers={"If-Match": '"1"'},
    )
    assert stale.status == 412


def test_shares_the_registry_file_with_local_processes(server: LiveServer) -> None:
    """A definition stored for alice by another process is served to her at once,
    even right after a list was served."""
    assert server.request("GET", API).body["objects"] == []
    with Registry.open(server.registry_path) as registry:
        record = registry.create({"exec": "/from/the/app"}, owner="alice")

    reply = server.request("GET", API)
    assert [item["definition"] for item in reply.body["objects"]] == [
        {"exec": "/from/the/app"}
    ]
    assert reply.body["objects"][0]["id"] == record.id


def test_definitions_stored_with_errors_are_marked_invalid(server: LiveServer) -> None:
    """A definition stored with errors by another process (import
    --allow-invalid) is served with ``valid`` false, in the list and alone."""
    with Registry.open(server.registry_path) as registry:
        good = registry.create({"exec": "/bin/true"}, owner="alice")
        bad = registry.create({"exec": ""}, owner="alice")

    listed = server.request("GET", API).body["objects"]
    assert [(item["id"], item["valid"]) for item in listed] == [
        (good.id, True),
        (bad.id, False),
    ]
    assert server.request("GET", f"{API}{bad.id}/").body["valid"] is False
    assert server.request("GET", f"{API}{good.id}/").body["valid"] is True


def test_no_traceback_reaches_a_client(server: LiveServer) -> None:
    """A registry file that breaks while serving gives a plain 500 in JSON."""
    _create(server, EXECUTABLE)
    Path(server.registry_path).write_text("{ not json", encoding="utf-8")

    reply = server.request("GET", API)

    assert (reply.status, reply.body) == (
        500,
        {"error": "the server cannot read its registry file; see its log"},
    )


def test_unknown_addresses_and_methods_answer_in_json(server: LiveServer) -> None:
    """Unknown paths give 404 and unknown methods 405, both as JSON."""
    missing = server.request("GET", "/admin/")
    assert (missing.status, missing.body) == (
        404,
        {"error": "no such address; the definitions are at /api/process_definition/"},
    )
    assert server.request("PUT", API, {"definition": EXECUTABLE}).status == 405
    identifier = _create(server, EXECUTABLE)
    not_here = server.request("POST", f"/api/process_definition/{identifier}/")
    assert (not_here.status, not_here.headers["allow"]) == (
        405,
        "GET, HEAD, PUT, PATCH",
    )
    root = server.request("GET", "/api/")
    assert root.body == {
        "process_definition": {"list_endpoint": "/api/process_definition/"}
    }


def test_what_the_server_answers_for_one_definition_imports_as_it(
    server: LiveServer, tmp_path: Path
) -> None:
    """The answers of POST, GET /ID/ and PUT, saved as they are, import as the
    definition they carry, as the README says of the API's records."""
    definition = {"exec": "/usr/bin/tr", "argv": ["-d", "x"]}
    created = server.request("POST", API, {"definition": definition})
    shown = server.request("GET", f"{API}{created.body['id']}/")
    changed = server.request(
        "PUT", f"{API}{created.body['id']}/", {"definition": {"exec": "/bin/b"}}
    )
    other = tmp_path / "other.json"

    results = [
        procreg("--db", str(other), "import", "-", stdin=json.dumps(reply.body))
        for reply in (created, shown, changed)
    ]

    assert [(result.status, result.stdout) for result in results] == [
        (0, "1  tr  <stdin> $.definition\n"),
        (0, "2  tr  <stdin> $.definition\n"),
        (0, "3  b  <stdin> $.definition\n"),
    ]
    with Registry.open(other) as registry:
        assert [record.definition for record in registry.records()] == [
            definition,
            definition,
            {"exec": "/bin/b"},
        ]
