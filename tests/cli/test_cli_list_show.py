"""list and show: what is stored, one line each or as JSON, safe on a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import Procreg

from procreg_tui.registry import Registry

LISTING = """\
1  ffmpeg-to-mp3          single   -                 ok
2  full-format-service    service  ingest-worker-v2  ok
3  iconv-output-argument  single   -                 ok
4  sort-lines             single   -                 ok
5  tr-strip-x             single   -                 ok
6  wc-input-argument      single   -                 ok
"""


def test_list_prints_one_aligned_line_per_definition(
    procreg: Procreg, seeded: Path
) -> None:
    """id, label, type, application and validity, columns aligned."""
    result = procreg("list")

    assert (result.status, result.stdout, result.stderr) == (0, LISTING, "")


def test_list_marks_invalid_and_warning_definitions(
    procreg: Procreg, registry_path: Path
) -> None:
    """A definition with errors is 'invalid', one with warnings 'warnings'."""
    with Registry.open(registry_path) as registry:
        registry.create_many(
            [
                {"exec": "/bin/true", "timeout": -1},
                {"exec": "/usr/bin/env", "exce": "typo"},
                {"exec": "/bin/true", "name": "fine", "application": "app"},
            ]
        )

    result = procreg("list")

    assert result.stdout == (
        "1  true  -  -    invalid\n2  env   -  -    warnings\n3  fine  -  app  ok\n"
    )


def test_list_json_is_the_list_document_with_problems(
    procreg: Procreg, registry_path: Path
) -> None:
    """--json prints the original API's list document, each object with problems."""
    with Registry.open(registry_path) as registry:
        registry.create_many([{"exec": "/bin/true"}, {"exec": "/bin/true", "x": 1}])

    document = json.loads(procreg("list", "--json").stdout)

    assert document["meta"] == {
        "limit": 0,
        "next": None,
        "offset": 0,
        "previous": None,
        "total_count": 2,
    }
    assert [item["id"] for item in document["objects"]] == [1, 2]
    assert document["objects"][0] == {
        "definition": {"exec": "/bin/true"},
        "id": 1,
        "resource_uri": "/api/process_definition/1/",
        "problems": [],
    }
    assert [p["code"] for p in document["objects"][1]["problems"]] == ["unknown-key"]
    assert document["objects"][1]["problems"][0]["path"] == "$.x"


def test_list_trash_and_all(procreg: Procreg, seeded: Path) -> None:
    """--trash lists only deleted definitions; --all lists both, marking deleted."""
    assert procreg("delete", "2").status == 0

    trash = procreg("list", "--trash")
    everything = procreg("list", "--all")

    assert (
        trash.stdout == "2  full-format-service  service  ingest-worker-v2  deleted\n"
    )
    assert everything.stdout.splitlines()[1] == (
        "2  full-format-service    service  ingest-worker-v2  deleted"
    )
    assert len(everything.stdout.splitlines()) == 6
    assert "full-format-service" not in procreg("list").stdout


def test_list_escapes_control_characters_of_labels(
    procreg: Procreg, registry_path: Path
) -> None:
    """Escape sequences, new lines and bidi overrides in a name are shown escaped."""
    with Registry.open(registry_path) as registry:
        registry.create(
            {"exec": "/bin/true", "name": "\x1b[31mred\nline\u202eevil\x9b"}
        )

    result = procreg("list", tty=True)

    assert result.stdout == "1  \\x1b[31mred\\x0aline\\u202eevil\\x9b  -  -  ok\n"


def test_list_aligns_columns_by_their_width_on_screen(
    procreg: Procreg, registry_path: Path
) -> None:
    """A double-width label takes two columns a character, a combining mark none."""
    with Registry.open(registry_path) as registry:
        registry.create_many(
            [
                {"exec": "/bin/a", "name": "漢字", "application": "app"},
                {"exec": "/bin/b", "name": "plain", "application": "app"},
                {"exec": "/bin/c", "name": "e\u0301t\u00e9", "application": "app"},
            ]
        )

    result = procreg("list")

    assert result.stdout == (
        "1  漢字   -  app  ok\n2  plain  -  app  ok\n3  e\u0301t\u00e9    -  app  ok\n"
    )


def test_list_of_an_empty_registry_prints_nothing(procreg: Procreg) -> None:
    """A registry without definitions lists no lines and succeeds."""
    assert (procreg("list").status, procreg("list").stdout) == (0, "")


def test_show_prints_the_definition_as_stored(
    procreg: Procreg, seeded: Path, example_definitions: list[dict[str, object]]
) -> None:
    """show ID prints the definition as indented JSON, keys in their order."""
    result = procreg("show", "5")

    assert result.status == 0
    assert json.loads(result.stdout) == example_definitions[4]
    assert result.stdout.startswith('{\n  "name": "tr-strip-x",\n')


def test_show_accepts_a_resource_uri(procreg: Procreg, seeded: Path) -> None:
    """The id may be given as the original API's resource_uri."""
    by_uri = procreg("show", "/api/process_definition/5/")

    assert by_uri.stdout == procreg("show", "5").stdout


def test_show_json_prints_the_record_with_metadata(
    procreg: Procreg, seeded: Path
) -> None:
    """--json prints id, resource_uri, revision, owner, times, definition, problems."""
    record = json.loads(procreg("show", "5", "--json").stdout)

    assert list(record) == [
        "id",
        "resource_uri",
        "revision",
        "owner",
        "created",
        "updated",
        "deleted",
        "definition",
        "problems",
    ]
    assert (record["id"], record["resource_uri"], record["revision"]) == (
        5,
        "/api/process_definition/5/",
        1,
    )
    assert (record["deleted"], record["problems"]) == (None, [])


def test_show_unknown_id_fails_with_a_message(procreg: Procreg, seeded: Path) -> None:
    """An id that is not stored exits 1 with one line on stderr."""
    result = procreg("show", "99")

    assert (result.status, result.stdout, result.stderr) == (
        1,
        "",
        "procreg: no definition 99\n",
    )


def test_show_escapes_c1_controls_in_json(
    procreg: Procreg, registry_path: Path
) -> None:
    """JSON output never carries DEL or C1 controls raw; it still parses the same."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/true", "name": "a\x1bb\x9bc\x7f"})

    result = procreg("show", "1")

    assert '"name": "a\\u001bb\\u009bc\\u007f"' in result.stdout
    assert json.loads(result.stdout)["name"] == "a\x1bb\x9bc\x7f"
