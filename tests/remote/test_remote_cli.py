"""The headless commands against a live served registry (``--remote``)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Outcome, procreg
from server_harness import PASSWORDS, LiveServer, running_server

from procreg_tui.registry import Registry
from procreg_tui.server import UserStore

TR = {"exec": "/usr/bin/tr", "argv": ["-d", "x"], "process_type": "single"}


def _remote(server: LiveServer, *argv: str, env: dict[str, str]) -> Outcome:
    """Run ``procreg --remote URL --user alice ARGV``."""
    return procreg("--remote", server.url, "--user", "alice", *argv, environ=env)


def test_import_list_show_render_export_through_the_api(
    server: LiveServer, alice_env: dict[str, str], tmp_path: Path
) -> None:
    """import stores on the server as alice; list, show, render and export read it
    back exactly as from a file."""
    job = tmp_path / "tr.json"
    job.write_text(json.dumps(TR), encoding="utf-8")

    imported = _remote(server, "import", str(job), env=alice_env)
    assert imported.status == 0, imported.stderr
    assert imported.stderr.endswith("procreg: imported 1 definition\n")
    stored = Registry.open(server.registry_path).get(1)
    assert (stored.definition, stored.owner) == (TR, "alice")

    listed = _remote(server, "list", env=alice_env)
    assert (listed.status, listed.stdout) == (0, "1  tr  single  -  ok\n")

    shown = _remote(server, "show", "1", env=alice_env)
    assert json.loads(shown.stdout) == TR

    rendered = _remote(server, "render", "/api/process_definition/1/", env=alice_env)
    assert rendered.stdout == "/usr/bin/tr -d x\n"

    exported = _remote(server, "export", env=alice_env)
    document = json.loads(exported.stdout)
    assert document["meta"]["total_count"] == 1
    assert document["objects"][0]["definition"] == TR


def test_remote_comes_from_the_environment_too(
    server: LiveServer, alice_env: dict[str, str]
) -> None:
    """PROCREG_REMOTE and PROCREG_USER do what --remote and --user do."""
    with Registry.open(server.registry_path) as registry:
        registry.create(TR, owner="alice")
        registry.create({"exec": "/bin/bob"}, owner="bob")
    env = {**alice_env, "PROCREG_REMOTE": server.url, "PROCREG_USER": "alice"}

    listed = procreg("list", "--json", environ=env)

    assert [item["id"] for item in json.loads(listed.stdout)["objects"]] == [1]


def test_credentials_from_netrc(server: LiveServer, tmp_path: Path) -> None:
    """A ~/.netrc entry for the server's host gives both user and password."""
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text("machine 127.0.0.1 login alice password alice-secret\n")
    netrc.chmod(0o600)
    with Registry.open(server.registry_path) as registry:
        registry.create({"exec": "/bin/alice"}, owner="alice")

    listed = procreg("--remote", server.url, "list", environ={"HOME": str(home)})
    assert (listed.status, listed.stdout) == (0, "1  alice  -  -  ok\n")

    netrc.chmod(0o644)
    exposed = procreg("--remote", server.url, "list", environ={"HOME": str(home)})
    assert (exposed.status, exposed.stderr) == (
        1,
        f"procreg: {netrc} may be read by other users, so procreg does not take "
        f"passwords from it; run 'chmod 600 {netrc}'\n",
    )


def test_netrc_passwords_with_spaces_in_quotes_or_escaped(
    server: LiveServer, tmp_path: Path
) -> None:
    """bob's password has a space: written in double quotes, or with the space
    escaped by a backslash, the netrc entry logs him in."""
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    with Registry.open(server.registry_path) as registry:
        registry.create({"exec": "/bin/bob"}, owner="bob")
    assert PASSWORDS["bob"] == "bob-secret ünïcode"

    for written in ('"bob-secret ünïcode"', "bob-secret\\ ünïcode"):
        netrc.write_text(
            f"machine 127.0.0.1 login bob password {written}\n", encoding="utf-8"
        )
        netrc.chmod(0o600)
        listed = procreg("--remote", server.url, "list", environ={"HOME": str(home)})
        assert (listed.status, listed.stdout) == (0, "1  bob  -  -  ok\n")


def test_missing_credentials_are_explained(server: LiveServer, tmp_path: Path) -> None:
    """Without a user, or without a password and a terminal, the command says
    where to give them."""
    env = {"HOME": str(tmp_path)}
    nobody = procreg("--remote", server.url, "list", environ=env)
    assert (nobody.status, nobody.stderr) == (
        1,
        "procreg: who is asking? give --user NAME, set PROCREG_USER, or add a "
        "'machine 127.0.0.1 login NAME password ...' line to ~/.netrc\n",
    )
    no_password = procreg(
        "--remote", server.url, "--user", "alice", "list", environ=env
    )
    assert (no_password.status, no_password.stderr) == (
        1,
        "procreg: no password for alice at 127.0.0.1: set PROCREG_PASSWORD, add it "
        "to ~/.netrc, or run procreg in a terminal to be asked\n",
    )


def test_wrong_password_is_said_plainly(server: LiveServer, tmp_path: Path) -> None:
    """A 401 becomes one line naming the server and the user."""
    env = {"HOME": str(tmp_path), "PROCREG_PASSWORD": "guess"}

    outcome = procreg("--remote", server.url, "--user", "alice", "list", environ=env)

    assert (outcome.status, outcome.stderr) == (
        1,
        f"procreg: the registry at {server.url} refused the user 'alice': wrong "
        "user name or password\n",
    )


def test_another_users_id_is_not_found(
    server: LiveServer, alice_env: dict[str, str]
) -> None:
    """show of bob's definition as alice is 'no definition', as for an unknown id."""
    with Registry.open(server.registry_path) as registry:
        registry.create({"exec": "/bin/bob"}, owner="bob")

    outcome = _remote(server, "show", "1", env=alice_env)

    assert (outcome.status, outcome.stderr) == (
        1,
        f"procreg: no definition 1 of alice at {server.url}\n",
    )


def test_delete_follows_the_server(
    server: LiveServer, deleting_server: LiveServer, alice_env: dict[str, str]
) -> None:
    """delete is refused by a server without --allow-delete and works with it."""
    with Registry.open(server.registry_path) as registry:
        registry.create(TR, owner="alice")

    refused = _remote(server, "delete", "1", env=alice_env)
    assert refused.status == 1
    assert refused.stderr == (
        f"procreg: the registry at {server.url} answered 405: this server does not "
        "delete definitions; its operator can allow it with 'procreg serve "
        "--allow-delete' (deletes go to the trash)\n"
    )

    deleted = _remote(deleting_server, "delete", "1", env=alice_env)
    assert deleted.status == 0, deleted.stderr
    assert [r.id for r in Registry.open(deleting_server.registry_path).trash()] == [1]


def test_trash_restore_and_purge_through_the_api(
    server: LiveServer, deleting_server: LiveServer, alice_env: dict[str, str]
) -> None:
    """list --trash and --all, restore and purge work with --remote, on alice's
    definitions only; purge needs a server started with --allow-delete (both
    servers serve one file)."""
    with Registry.open(server.registry_path) as registry:
        for owner in ("alice", "alice", "bob"):
            registry.create(TR, owner=owner)
        registry.delete(3, user="bob")
    assert _remote(deleting_server, "delete", "1", "2", env=alice_env).status == 0

    trash = _remote(server, "list", "--trash", env=alice_env)
    assert (trash.status, trash.stdout) == (
        0,
        "1  tr  single  -  deleted\n2  tr  single  -  deleted\n",
    )

    restored = _remote(server, "restore", "2", env=alice_env)
    assert (restored.status, restored.stderr) == (
        0,
        "procreg: restored definition 2\n",
    )
    listed = _remote(server, "list", "--all", env=alice_env)
    assert listed.stdout == "1  tr  single  -  deleted\n2  tr  single  -  ok\n"
    again = _remote(server, "restore", "2", env=alice_env)
    assert (again.status, again.stderr) == (
        1,
        "procreg: definition 2 is not in the trash; nothing was restored\n",
    )

    refused = _remote(server, "purge", env=alice_env)
    assert (refused.status, refused.stderr) == (
        1,
        f"procreg: the registry at {server.url} answered 405: this server does not "
        "delete definitions; its operator can allow it with 'procreg serve "
        "--allow-delete' (deletes go to the trash)\n",
    )
    purged = _remote(deleting_server, "purge", env=alice_env)
    assert (purged.status, purged.stderr) == (
        0,
        "procreg: purged 1 definition from the trash\n",
    )
    stored = Registry.open(server.registry_path)
    assert [r.id for r in stored.records(include_deleted=True)] == [2, 3]
    assert [r.id for r in stored.trash()] == [3]


def test_invalid_import_is_refused_before_sending(
    server: LiveServer, alice_env: dict[str, str], tmp_path: Path
) -> None:
    """import checks definitions locally and stores nothing on the server."""
    job = tmp_path / "bad.json"
    job.write_text('{"argv": []}', encoding="utf-8")

    outcome = _remote(server, "import", str(job), env=alice_env)

    assert outcome.status == 1
    assert Registry.open(server.registry_path).records() == []


def test_allow_invalid_is_refused_for_a_served_registry(
    server: LiveServer, alice_env: dict[str, str], tmp_path: Path
) -> None:
    """The server refuses definitions with errors whatever the client asks; the
    client says so before sending, and lists the errors on their own lines."""
    job = tmp_path / "bad.json"
    job.write_text('{"argv": []}', encoding="utf-8")

    outcome = _remote(server, "import", "--allow-invalid", str(job), env=alice_env)

    assert outcome.status == 1
    assert f"{job}:1:1: error: $: `exec` is required" in outcome.stderr.splitlines()
    assert outcome.stderr.endswith(
        "procreg: a served registry stores no definition with errors, so "
        "--allow-invalid cannot help; nothing was imported\n"
    )
    assert Registry.open(server.registry_path).records() == []


def test_db_and_remote_together_are_refused(
    server: LiveServer, alice_env: dict[str, str], tmp_path: Path
) -> None:
    """--db and --remote name two registries: a wrong command line, exit 2."""
    outcome = procreg(
        "--db",
        str(tmp_path / "r.json"),
        "--remote",
        server.url,
        "list",
        environ=alice_env,
    )
    assert outcome.status == 2
    assert outcome.stderr.splitlines()[-2:] == [
        "procreg list: give either --db or --remote, not both",
        "Run 'procreg list --help' for the options and examples.",
    ]


def test_a_netrc_others_may_read_is_refused_only_when_its_password_is_used(
    server: LiveServer, tmp_path: Path
) -> None:
    """With --user and PROCREG_PASSWORD, or with no entry for the host, a netrc
    file others may read is not in the way; its name alone may be used."""
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text("machine other.host login x password y\n")
    netrc.chmod(0o644)
    with Registry.open(server.registry_path) as registry:
        registry.create({"exec": "/bin/alice"}, owner="alice")
    env = {"HOME": str(home), "PROCREG_PASSWORD": PASSWORDS["alice"]}

    explicit = procreg("--remote", server.url, "--user", "alice", "list", environ=env)
    assert (explicit.status, explicit.stdout, explicit.stderr) == (
        0,
        "1  alice  -  -  ok\n",
        "",
    )

    netrc.write_text("machine 127.0.0.1 login alice password alice-secret\n")
    netrc.chmod(0o644)
    named = procreg("--remote", server.url, "list", environ=env)
    assert (named.status, named.stdout) == (0, "1  alice  -  -  ok\n")
    taken = procreg("--remote", server.url, "list", environ={"HOME": str(home)})
    assert (taken.status, taken.stderr) == (
        1,
        f"procreg: {netrc} may be read by other users, so procreg does not take "
        f"passwords from it; run 'chmod 600 {netrc}'\n",
    )


def test_a_netrc_that_is_a_folder_is_said_to_be_one(
    server: LiveServer, tmp_path: Path
) -> None:
    """NETRC naming a folder is reported as unreadable, not as readable by others."""
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    outcome = procreg(
        "--remote",
        server.url,
        "list",
        environ={"HOME": str(tmp_path), "NETRC": str(folder)},
    )

    assert (outcome.status, outcome.stderr) == (
        1,
        f"procreg: cannot read {folder}: Is a directory\n",
    )


def test_user_and_password_in_the_address_are_refused(
    server: LiveServer, tmp_path: Path
) -> None:
    """http://alice:secret@host is a wrong command line, saying where the name
    and password go, without repeating the password."""
    address = server.url.replace("http://", "http://alice:topsecret@")

    outcome = procreg("--remote", address, "list", environ={"HOME": str(tmp_path)})

    assert outcome.status == 2
    assert outcome.stderr.splitlines()[-2] == (
        "procreg list: argument --remote: the address gives a user name and "
        "password before the host, which procreg does not take from there (a "
        "command line is seen by other users): give --user alice, and the "
        "password in PROCREG_PASSWORD, ~/.netrc or at the prompt"
    )
    assert "topsecret" not in outcome.stderr


def test_an_import_over_the_servers_limit_says_to_split_it(
    registry_path: Path, users: UserStore, alice_env: dict[str, str], tmp_path: Path
) -> None:
    """An import larger than serve --max-body is refused in one line that gives
    the limit and says to import in smaller parts; nothing is stored."""
    jobs = tmp_path / "jobs.json"
    jobs.write_text(
        json.dumps([{"exec": "/bin/bulk", "argv": ["x" * 600]} for _ in range(5)])
    )
    with running_server(registry_path, users, max_body=2048) as server:
        outcome = _remote(server, "import", str(jobs), env=alice_env)

    assert outcome.status == 1
    assert outcome.stderr.splitlines()[-1] == (
        f"procreg: the registry at {server.url} refused 5 definitions at once: "
        "together they are larger than its limit of 2048 bytes for one request "
        "(serve --max-body); store them in smaller parts, such as a few files per "
        "import; nothing was stored"
    )
    assert Registry.open(registry_path).records() == []
