"""``procreg users``: adding, listing and removing users, and checking passwords."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_helpers import procreg
from server_harness import running_server

from procreg_tui.server import UserStore, users_path


def test_users_file_lives_beside_the_registry(tmp_path: Path) -> None:
    """registry.json keeps its users in registry.users.json."""
    assert users_path(tmp_path / "team.json") == tmp_path / "team.users.json"


def test_add_list_remove_through_the_command_line(tmp_path: Path) -> None:
    """users add (password on stdin), list and remove change the users file;
    list with no users yet says how to add one."""
    db = str(tmp_path / "registry.json")
    empty = procreg("--db", db, "users", "list")
    assert (empty.status, empty.stdout, empty.stderr) == (
        0,
        "",
        f"procreg: no users in {tmp_path / 'registry.users.json'} yet; add one "
        "with 'procreg users add NAME'\n",
    )

    added = procreg(
        "--db", db, "users", "add", "carol", "--password-stdin", stdin="s3cret\n"
    )
    assert (added.status, added.stderr) == (
        0,
        f"procreg: added the user carol in {tmp_path / 'registry.users.json'}\n",
    )
    procreg("--db", db, "users", "add", "dave", "--password-stdin", stdin="other\n")
    listed = procreg("--db", db, "users", "list")
    assert (listed.status, listed.stdout) == (0, "carol\ndave\n")

    store = UserStore(tmp_path / "registry.users.json")
    assert store.verify("carol", "s3cret") is True
    assert store.verify("carol", "s3cret\n") is False

    removed = procreg("--db", db, "users", "remove", "carol")
    assert removed.status == 0
    assert procreg("--db", db, "users", "list").stdout == "dave\n"


def test_passwords_are_stored_only_as_argon2id_hashes(tmp_path: Path) -> None:
    """The file holds an Argon2id hash, not the password, and only its owner may
    read it."""
    path = tmp_path / "registry.users.json"
    UserStore(path).add("erin", "correct horse")

    text = path.read_text(encoding="utf-8")
    stored = json.loads(text)["users"]["erin"]["hash"]
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_adding_again_changes_the_password(tmp_path: Path) -> None:
    """A second add of the same name replaces the password, and says so."""
    db = str(tmp_path / "registry.json")
    procreg("--db", db, "users", "add", "frank", "--password-stdin", stdin="one\n")

    again = procreg(
        "--db", db, "users", "add", "frank", "--password-stdin", stdin="two\n"
    )

    assert again.stderr.startswith("procreg: changed the password of frank in ")
    store = UserStore(tmp_path / "registry.users.json")
    assert (store.verify("frank", "one"), store.verify("frank", "two")) == (False, True)


def test_refusals_of_users(tmp_path: Path) -> None:
    """No terminal and no --password-stdin, an unknown user, a bad name and an
    empty password are refused with their reasons."""
    db = str(tmp_path / "registry.users.json").replace(".users", "")

    no_terminal = procreg("--db", db, "users", "add", "gina")
    assert (no_terminal.status, no_terminal.stderr) == (
        2,
        "procreg: no terminal to ask the password on; give it on standard input "
        "with --password-stdin\n",
    )
    unknown = procreg("--db", db, "users", "remove", "nobody")
    assert (unknown.status, unknown.stderr) == (
        1,
        f"procreg: there is no user 'nobody' in {tmp_path / 'registry.users.json'}\n",
    )
    bad_name = procreg(
        "--db", db, "users", "add", "a:b", "--password-stdin", stdin="x\n"
    )
    assert bad_name.status == 1
    assert "'a:b' cannot be a user name" in bad_name.stderr
    empty = procreg("--db", db, "users", "add", "hal", "--password-stdin", stdin="\n")
    assert (empty.status, empty.stderr) == (
        1,
        "procreg: the password is empty; nothing was stored\n",
    )


def test_unknown_users_never_verify(tmp_path: Path) -> None:
    """A name that is not a user fails like a wrong password; a missing file has
    no users."""
    store = UserStore(tmp_path / "none.users.json")
    assert store.names() == []
    assert store.verify("ghost", "anything") is False


def test_a_broken_users_file_is_reported(tmp_path: Path) -> None:
    """A users file that is not one is named in the message."""
    path = tmp_path / "registry.users.json"
    path.write_text('{"users": ["alice"]}', encoding="utf-8")

    listed = procreg("--db", str(tmp_path / "registry.json"), "users", "list")

    assert listed.status == 1
    assert listed.stderr == (
        f"procreg: {path} is not a users file: it needs "
        '{"users": {"NAME": {"hash": "..."}}}\n'
    )


@pytest.mark.parametrize(
    ("content", "told"),
    [
        (
            b'{"users": {\n',
            "{path}:2:1: not a users file: Expecting property name "
            "enclosed in double quotes",
        ),
        (b"\xff{}", "{path} is not a users file: it is not UTF-8 text"),
    ],
    ids=["broken-json", "not-utf-8"],
)
def test_a_users_file_that_is_no_json_is_placed(
    tmp_path: Path, content: bytes, told: str
) -> None:
    """Broken JSON is named by line and column, as registry files are."""
    path = tmp_path / "registry.users.json"
    path.write_bytes(content)

    listed = procreg("--db", str(tmp_path / "registry.json"), "users", "list")

    assert (listed.status, listed.stderr) == (1, f"procreg: {told.format(path=path)}\n")


def test_a_users_file_that_is_a_pipe_or_device_is_refused_at_once(
    tmp_path: Path,
) -> None:
    """--users naming a FIFO (no writer: it would wait forever) or /dev/zero
    (it would never end) is refused before it is read."""
    fifo = tmp_path / "users.fifo"
    os.mkfifo(fifo)
    db = str(tmp_path / "registry.json")

    results = [
        procreg("--db", db, "users", "list", "--users", str(path))
        for path in (fifo, Path("/dev/zero"))
    ]
    added = procreg(
        "--db",
        db,
        "users",
        "add",
        "ann",
        "--users",
        str(fifo),
        "--password-stdin",
        stdin="pw\n",
    )

    assert [(result.status, result.stderr) for result in results] == [
        (1, f"procreg: the users file {fifo} is not a regular file\n"),
        (1, "procreg: the users file /dev/zero is not a regular file\n"),
    ]
    assert (added.status, added.stderr) == (
        1,
        f"procreg: the users file {fifo} is not a regular file\n",
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_users_added_while_serving_are_let_in(tmp_path: Path) -> None:
    """A running server reads the users file again when it changes."""
    store = UserStore(tmp_path / "registry.users.json")
    store.add("alice", "alice-secret")
    with running_server(tmp_path / "registry.json", store) as live:
        assert live.request("GET", "/api/process_definition/", user="bob").status == 401

        UserStore(store.path).add("bob", "bob-secret ünïcode")
        assert live.request("GET", "/api/process_definition/", user="bob").status == 200

        UserStore(store.path).remove("bob")
        assert live.request("GET", "/api/process_definition/", user="bob").status == 401


def test_a_remembered_password_never_lets_another_in(tmp_path: Path) -> None:
    """After alice's password verified once, a wrong one still fails, and a new
    password replaces what was remembered."""
    store = UserStore(tmp_path / "registry.users.json")
    store.add("alice", "first")
    assert store.verify("alice", "first") is True

    assert store.remembered("alice", "first") is True
    assert store.remembered("alice", "First") is False
    assert store.verify("alice", "First") is False

    UserStore(store.path).add("alice", "second")
    assert store.remembered("alice", "first") is False
    assert (store.verify("alice", "first"), store.verify("alice", "second")) == (
        False,
        True,
    )


def test_a_name_added_by_hand_that_add_refuses_can_be_removed(tmp_path: Path) -> None:
    """A user written into the file by hand under a name 'users add' refuses is
    listed, and 'users remove' takes it out."""
    db = str(tmp_path / "registry.json")
    path = tmp_path / "registry.users.json"
    UserStore(path).add("ivan", "pw")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["users"]["we:ird"] = document["users"]["ivan"]
    path.write_text(json.dumps(document), encoding="utf-8")

    assert procreg("--db", db, "users", "list").stdout == "ivan\nwe:ird\n"
    removed = procreg("--db", db, "users", "remove", "we:ird")

    assert (removed.status, removed.stderr) == (
        0,
        f"procreg: removed the user we:ird from {path}\n",
    )
    assert procreg("--db", db, "users", "list").stdout == "ivan\n"


def test_users_refuse_a_served_registry_and_read_only(tmp_path: Path) -> None:
    """users works on the users file beside a local registry: asked about a
    served registry or under --read-only, it says so and writes nothing."""
    db = str(tmp_path / "registry.json")
    served = "http://127.0.0.1:9/"

    by_flag = procreg("--remote", served, "users", "list")
    by_variable = procreg("users", "list", environ={"PROCREG_REMOTE": served})
    read_only = procreg(
        "--db",
        db,
        "--read-only",
        "users",
        "add",
        "kim",
        "--password-stdin",
        stdin="pw\n",
    )
    beside_file = procreg(
        "users",
        "list",
        "--users",
        str(tmp_path / "u.json"),
        environ={"PROCREG_REMOTE": served},
    )

    assert (by_flag.status, by_flag.stderr) == (
        2,
        "procreg: the users of a served registry are kept beside it: run procreg "
        "users on the machine that serves it, without --remote\n",
    )
    assert (by_variable.status, by_variable.stderr) == (
        2,
        "procreg: the users of a served registry are kept beside it: run procreg "
        "users on the machine that serves it, with PROCREG_REMOTE unset\n",
    )
    assert (read_only.status, read_only.stderr) == (
        2,
        "procreg: --read-only: users add would change the users file\n",
    )
    assert (beside_file.status, beside_file.stdout) == (0, "")
    assert sorted(path.name for path in tmp_path.iterdir()) == []
