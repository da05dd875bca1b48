"""delete, restore, purge, paths, and how failures reach the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Procreg, Result

from procreg_tui.cli import _commands
from procreg_tui.registry import Registry


def test_delete_moves_to_the_trash_and_restore_brings_back(
    procreg: Procreg, seeded: Path
) -> None:
    """delete hides definitions with an undo hint; restore gives them back, same ids."""
    deleted = procreg("delete", "2", "3")
    listed = procreg("list")
    restored = procreg("restore", "2", "3")

    assert (deleted.status, deleted.stdout) == (0, "")
    assert deleted.stderr == (
        "procreg: moved definitions 2, 3 to the trash; 'procreg restore 2 3' undoes "
        "it\n"
    )
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "1",
        "4",
        "5",
        "6",
    ]
    assert restored.stderr == "procreg: restored definitions 2, 3\n"
    assert len(procreg("list").stdout.splitlines()) == 6


def test_delete_is_all_or_nothing(procreg: Procreg, seeded: Path) -> None:
    """An unknown id among several deletes none of them; exit 1."""
    result = procreg("delete", "1", "99")

    assert (result.status, result.stderr) == (1, "procreg: no definition 99\n")
    assert len(procreg("list").stdout.splitlines()) == 6


def test_delete_of_a_deleted_definition_is_refused(
    procreg: Procreg, seeded: Path
) -> None:
    """Deleting twice says it is already in the trash."""
    procreg("delete", "1")

    result = procreg("delete", "1")

    assert (result.status, result.stderr) == (
        1,
        "procreg: definition 1 is already in the trash; nothing was deleted\n",
    )


def test_restore_of_a_live_definition_is_refused(
    procreg: Procreg, seeded: Path
) -> None:
    """Restoring what is not in the trash fails and names it."""
    result = procreg("restore", "1")

    assert (result.status, result.stderr) == (
        1,
        "procreg: definition 1 is not in the trash; nothing was restored\n",
    )


def test_purge_empties_the_trash_and_ids_are_not_reused(
    procreg: Procreg, seeded: Path
) -> None:
    """purge removes trashed definitions for good; a new import gets a new id."""
    procreg("delete", "6")

    purged = procreg("purge")
    gone = procreg("show", "6")
    imported = procreg("import", "-", stdin='{"exec": "new"}')

    assert purged.stderr == "procreg: purged 1 definition from the trash\n"
    assert (gone.status, gone.stderr) == (1, "procreg: no definition 6\n")
    assert imported.stdout == "7  new  <stdin>\n"


def test_read_only_refuses_changes(procreg: Procreg, seeded: Path) -> None:
    """--read-only makes delete fail with the registry's message; nothing changes."""
    result = procreg("--read-only", "delete", "1")

    assert result.status == 1
    assert result.stderr.startswith(f"procreg: the registry {seeded} is read-only")
    assert len(procreg("list").stdout.splitlines()) == 6


def test_paths_prints_registry_config_logs_and_drafts(
    procreg: Procreg, tmp_path: Path
) -> None:
    """paths names each place and what chose the registry; nothing is created."""
    user = tmp_path / "user"

    result = procreg("paths", db=False)
    from_env = procreg("paths", "--json", db=False, environ={"PROCREG_DB": "/x.json"})

    assert result.stdout == (
        f"registry  {user}/xdg_data_home/procreg/registry.json  (default)\n"
        f"config    {user}/xdg_config_home/procreg\n"
        f"logs      {user}/xdg_state_home/procreg/log\n"
        f"drafts    {user}/xdg_state_home/procreg/drafts  (unsaved edits of the app)\n"
    )
    assert json.loads(from_env.stdout) == {
        "registry": "/x.json",
        "registry_from": "PROCREG_DB",
        "config": f"{user}/xdg_config_home/procreg",
        "logs": f"{user}/xdg_state_home/procreg/log",
        "drafts": f"{user}/xdg_state_home/procreg/drafts",
    }
    assert not user.exists()


def test_paths_names_a_served_registry_by_its_address(
    procreg: Procreg, tmp_path: Path
) -> None:
    """With --remote or PROCREG_REMOTE the registry is the served one."""
    by_flag = procreg("--remote", "http://127.0.0.1:9/", "paths", db=False)
    by_variable = procreg(
        "paths", "--json", db=False, environ={"PROCREG_REMOTE": "http://h:8000/"}
    )

    assert by_flag.stdout.splitlines()[0] == (
        "registry  http://127.0.0.1:9/  (--remote)"
    )
    answer = json.loads(by_variable.stdout)
    assert (answer["registry"], answer["registry_from"]) == (
        "http://h:8000/",
        "PROCREG_REMOTE",
    )
    assert not (tmp_path / "user").exists()


def test_default_registry_is_created_with_the_examples(
    procreg: Procreg, tmp_path: Path
) -> None:
    """Without --db or PROCREG_DB the per-user registry starts with the examples."""
    result = procreg("list", db=False)

    assert result.status == 0
    assert len(result.stdout.splitlines()) == 6
    assert (tmp_path / "user/xdg_data_home/procreg/registry.json").is_file()


def test_environment_variable_chooses_the_registry(
    procreg: Procreg, seeded: Path
) -> None:
    """PROCREG_DB names the registry when --db is not given."""
    result = procreg("list", db=False, environ={"PROCREG_DB": str(seeded)})

    assert len(result.stdout.splitlines()) == 6


def test_corrupt_registry_is_reported_with_its_place(
    procreg: Procreg, registry_path: Path
) -> None:
    """A registry that does not parse: file, line, column; exit 1; file untouched."""
    registry_path.write_text('{"definitions": {\n  "1": oops}\n')

    result = procreg("list")

    assert result.status == 1
    assert result.stderr.startswith(f"procreg: {registry_path}:2:")
    assert "the registry file cannot be read" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert registry_path.read_text() == '{"definitions": {\n  "1": oops}\n'


def test_internal_error_is_one_line_with_a_hint(
    procreg: Procreg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in procreg prints one line and a hint, exit 70, no traceback."""

    def broken(context: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(_commands.COMMANDS, "paths", broken)

    result = procreg("paths")

    assert result.status == 70
    assert result.stderr == (
        "procreg: internal error: ZeroDivisionError: division by zero\n"
        "procreg: this is a bug in procreg; run again with PROCREG_DEBUG=1 to see "
        "where it happened, and report it\n"
    )


def test_internal_error_shows_the_traceback_when_asked(
    procreg: Procreg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PROCREG_DEBUG=1 adds the traceback for a developer."""

    def broken(context: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(_commands.COMMANDS, "paths", broken)

    result = procreg("paths", environ={"PROCREG_DEBUG": "1"})

    assert result.status == 70
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert result.stderr.endswith(
        "procreg: internal error: ZeroDivisionError: division by zero\n"
    )


def test_interrupt_exits_130(procreg: Procreg, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a command is one word on stderr and status 130."""

    def interrupted(context: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(_commands.COMMANDS, "paths", interrupted)

    assert procreg("paths") == Result(130, "", "procreg: interrupted\n")


def test_a_definition_in_the_trash_is_noted_or_refused_by_every_command(
    procreg: Procreg, seeded: Path
) -> None:
    """show and validate note that a definition is in the trash; render refuses
    it as export does, since its command line is meant to be run."""
    procreg("delete", "5")
    with Registry.open(seeded) as registry:
        since = registry.get(5).deleted
    note = (
        f"procreg: definition 5 is in the trash since {since}; "
        "'procreg restore 5' brings it back\n"
    )

    shown = procreg("show", "5")
    validated = procreg("validate", "5", "--json")
    rendered = procreg("render", "5", "--sample")
    exported = procreg("export", "5", "--format", "sh")

    assert (shown.status, shown.stderr) == (0, note)
    assert (validated.status, validated.stderr) == (0, note)
    assert json.loads(validated.stdout)["results"] == [
        {
            "id": 5,
            "resource_uri": "/api/process_definition/5/",
            "deleted": since,
            "problems": [],
        }
    ]
    assert (rendered.status, rendered.stdout, rendered.stderr) == (
        1,
        "",
        f"procreg: definition 5 is in the trash since {since}; restore it to "
        "render it ('procreg restore 5'); 'procreg show 5' shows it\n",
    )
    assert (exported.status, exported.stdout) == (1, "")
