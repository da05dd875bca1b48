"""import and export: every input shape, all or nothing, lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Procreg

from procreg_tui.export import ExportFormat
from procreg_tui.registry import Registry

FORMATS = ["registry", "definitions", "ndjson"]


def _stored(registry_path: Path) -> list[tuple[int, dict[str, Any]]]:
    with Registry.open(registry_path) as registry:
        return [(record.id, record.definition) for record in registry.records()]


def test_import_single_array_and_list_document(
    procreg: Procreg, registry_path: Path, tmp_path: Path
) -> None:
    """All three shapes are read; list document ids are not kept; new ids given."""
    single = tmp_path / "single.json"
    single.write_text('{"exec": "a"}')
    array = tmp_path / "array.json"
    array.write_text('[{"exec": "b"}, {"exec": "c"}]')
    page = tmp_path / "page.json"
    page.write_text(
        json.dumps(
            {
                "meta": {"limit": 20, "next": None, "offset": 0, "total_count": 1},
                "objects": [
                    {
                        "definition": {"exec": "d"},
                        "id": 40,
                        "resource_uri": "/api/process_definition/40/",
                    }
                ],
            }
        )
    )

    result = procreg("import", str(single), str(array), str(page))

    assert result.status == 0
    assert result.stdout == (
        f"1  a  {single}\n"
        f"2  b  {array} $[0]\n"
        f"3  c  {array} $[1]\n"
        f"4  d  {page} $.objects[0].definition\n"
    )
    assert result.stderr.splitlines()[-2:] == [
        "procreg: imported 4 definitions",
        f"procreg: created the registry {registry_path}",
    ]
    assert _stored(registry_path) == [
        (1, {"exec": "a"}),
        (2, {"exec": "b"}),
        (3, {"exec": "c"}),
        (4, {"exec": "d"}),
    ]


def test_import_is_all_or_nothing(
    procreg: Procreg, registry_path: Path, tmp_path: Path
) -> None:
    """One invalid definition in one file stores nothing from any file; exit 1."""
    good = tmp_path / "good.json"
    good.write_text('{"exec": "a"}')
    bad = tmp_path / "bad.json"
    bad.write_text('[{"exec": "b"}, {"exec": "c", "timeout": 0}]')

    result = procreg("import", str(good), str(bad))

    assert result.status == 1
    assert result.stdout == ""
    assert (
        f"{bad}:1:42: error: $[1].timeout: `timeout` must be greater than 0, not 0\n"
    ) in result.stderr
    assert result.stderr.endswith(
        "procreg: nothing was imported (--allow-invalid stores definitions with "
        "errors anyway)\n"
    )
    assert _stored(registry_path) == []


def test_import_allow_invalid_stores_and_lists_them_invalid(
    procreg: Procreg, tmp_path: Path
) -> None:
    """--allow-invalid stores definitions with errors; list marks them invalid."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"exec": "c", "timeout": 0}')

    result = procreg("import", str(bad), "--allow-invalid")

    assert result.status == 0
    assert procreg("list").stdout == "1  c  -  -  invalid\n"


def test_import_syntax_error_is_never_allowed(
    procreg: Procreg, registry_path: Path
) -> None:
    """A syntax error blocks the import even with --allow-invalid."""
    result = procreg("import", "-", "--allow-invalid", stdin='{"exec": "a" "b"}')

    assert result.status == 1
    assert result.stderr.splitlines() == [
        "<stdin>:1:14: error: $: expected ',' or '}' after the value of \"exec\", "
        "found '\"'",
        "procreg: <stdin>: 0 definitions, 1 error",
        "procreg: nothing was imported",
    ]
    assert _stored(registry_path) == []


def test_import_trailing_comma_is_a_located_warning(
    procreg: Procreg, registry_path: Path
) -> None:
    """Trailing commas are accepted; the warning gives line and column."""
    result = procreg("import", "-", stdin='{\n  "exec": "a",\n}\n')

    assert result.status == 0
    assert result.stderr.splitlines()[0] == (
        "<stdin>:2:14: warning: $: trailing comma after the last member; JSON does "
        "not allow it"
    )
    assert _stored(registry_path) == [(1, {"exec": "a"})]


def test_import_dry_run_reports_and_stores_nothing(
    procreg: Procreg, registry_path: Path
) -> None:
    """--dry-run prints what would be stored, without ids, and stores nothing."""
    result = procreg("import", "-", "--dry-run", stdin='[{"exec": "/bin/a"}]')

    assert result.status == 0
    assert result.stdout == "-  a  <stdin> $[0]\n"
    assert result.stderr.endswith("procreg: would import 1 definition\n")
    assert _stored(registry_path) == []


def test_import_fix_aliases_stores_canonical_keys(
    procreg: Procreg, registry_path: Path
) -> None:
    """--fix-aliases renames args to argv before storing; without it keys are kept."""
    text = '{"exec": "a", "args": ["x"]}'

    kept = procreg("import", "-", stdin=text)
    fixed = procreg("import", "-", "--fix-aliases", stdin=text)

    assert kept.status == fixed.status == 0
    assert "--fix-aliases stores the canonical keys" in kept.stderr
    assert _stored(registry_path) == [
        (1, {"exec": "a", "args": ["x"]}),
        (2, {"exec": "a", "argv": ["x"]}),
    ]


def test_import_ndjson_places_problems_on_their_lines(
    procreg: Procreg, registry_path: Path
) -> None:
    """One object per line is read line by line; problems keep their line."""
    text = '{"exec": "a"}\n\n{"exec": "b", "x": 1}\n'

    result = procreg("import", "-", stdin=text)

    assert result.status == 0
    assert result.stderr.splitlines()[0] == (
        '<stdin>:3:15: warning: $[1].x: unknown key "x"; procreg keeps it as it is'
    )
    assert _stored(registry_path) == [(1, {"exec": "a"}), (2, {"exec": "b", "x": 1})]


def test_import_missing_file_stores_nothing(
    procreg: Procreg, registry_path: Path, tmp_path: Path
) -> None:
    """A file that cannot be read fails the whole import."""
    good = tmp_path / "good.json"
    good.write_text('{"exec": "a"}')

    result = procreg("import", str(good), str(tmp_path / "missing.json"))

    assert result.status == 1
    assert "missing.json" in result.stderr
    assert _stored(registry_path) == []


def test_a_file_named_twice_is_imported_once(
    procreg: Procreg,
    registry_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Naming one file again, by the same or another path, adds nothing twice."""
    (tmp_path / "a.json").write_text('{"exec": "a"}')
    (tmp_path / "b.json").write_text('{"exec": "b"}')
    monkeypatch.chdir(tmp_path)

    result = procreg("import", "a.json", "b.json", "a.json", "./b.json")

    assert result.status == 0
    assert result.stdout == "1  a  a.json\n2  b  b.json\n"
    assert result.stderr.splitlines()[:2] == [
        "procreg: a.json is named twice; it is read once",
        "procreg: ./b.json is the same file as b.json; it is read once",
    ]
    assert _stored(registry_path) == [(1, {"exec": "a"}), (2, {"exec": "b"})]


def test_import_json_lists_new_ids(procreg: Procreg) -> None:
    """--json prints the new ids with where each definition came from."""
    result = procreg("import", "-", "--json", stdin='[{"exec": "a"}]')

    assert json.loads(result.stdout) == [
        {
            "id": 1,
            "resource_uri": "/api/process_definition/1/",
            "source": "<stdin>",
            "path": "$[0]",
        }
    ]


@pytest.mark.parametrize("export_format", FORMATS)
def test_export_import_export_is_lossless(
    procreg: Procreg, tmp_path: Path, export_format: str
) -> None:
    """Export, import into an empty registry, export again: the same text."""
    definitions = [
        {"exec": "/bin/a", "zeta": 1, "alpha": {"nested": [1.5, None, True]}},
        {"exec": "b", "argv": ["ünï", "\x1b[0m", "\x9b", "new\nline", "$${x}"]},
        {"exec": "c", "args": ["alias kept"], "input_params": {}},
        {"exec": "d", "timeout": 0.25, "environment": {"A": "1"}},
    ]
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    with Registry.open(first) as registry:
        registry.create_many(definitions)

    exported = procreg(
        "--db", str(first), "export", "--format", export_format, db=False
    )
    imported = procreg(
        "--db",
        str(second),
        "import",
        "-",
        "--allow-invalid",
        stdin=exported.stdout,
        db=False,
    )
    again = procreg("--db", str(second), "export", "--format", export_format, db=False)

    assert (exported.status, imported.status, again.status) == (0, 0, 0)
    assert again.stdout == exported.stdout
    assert _stored(second) == list(enumerate(definitions, start=1))


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_round_trip_after_deletes_keeps_every_definition_in_order(
    procreg: Procreg, tmp_path: Path, export_format: str
) -> None:
    """With gaps in the ids, import numbers afresh: the definitions and their
    order are kept; only the list document's ids and addresses change."""
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    with Registry.open(first) as registry:
        registry.create_many([{"exec": name} for name in "abcd"])
        registry.delete(2)
        registry.purge()

    exported = procreg(
        "--db", str(first), "export", "--format", export_format, db=False
    )
    procreg("--db", str(second), "import", "-", stdin=exported.stdout, db=False)
    again = procreg("--db", str(second), "export", "--format", export_format, db=False)

    assert _stored(second) == [
        (1, {"exec": "a"}),
        (2, {"exec": "c"}),
        (3, {"exec": "d"}),
    ]
    if export_format == "registry":
        before, after = json.loads(exported.stdout), json.loads(again.stdout)
        assert [o["id"] for o in before["objects"]] == [1, 3, 4]
        assert [o["id"] for o in after["objects"]] == [1, 2, 3]
        assert [o["definition"] for o in after["objects"]] == [
            o["definition"] for o in before["objects"]
        ]
    else:
        assert again.stdout == exported.stdout


def test_export_default_is_the_list_document_of_live_definitions(
    procreg: Procreg, seeded: Path
) -> None:
    """Without --format the list document; deleted definitions are left out."""
    procreg("delete", "1")

    document = json.loads(procreg("export").stdout)

    assert document["meta"]["total_count"] == 5
    assert [item["id"] for item in document["objects"]] == [2, 3, 4, 5, 6]


def test_export_chosen_ids_in_the_given_order(procreg: Procreg, seeded: Path) -> None:
    """IDs choose the definitions and their order."""
    result = procreg("export", "5", "2", "--format", "definitions")

    assert [item["name"] for item in json.loads(result.stdout)] == [
        "tr-strip-x",
        "full-format-service",
    ]


@pytest.mark.parametrize("export_format", [fmt.value for fmt in ExportFormat])
def test_an_id_given_again_is_exported_once_where_first_given(
    procreg: Procreg, seeded: Path, export_format: str
) -> None:
    """Repeated ids give each definition once, in the order first given."""
    once = procreg("export", "5", "2", "--format", export_format)

    result = procreg("export", "5", "2", "5", "5", "2", "--format", export_format)

    assert (result.status, result.stdout) == (0, once.stdout)
    assert result.stderr == once.stderr


def test_repeated_ids_are_counted_once_in_the_list_document(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """export 1 1 1 writes one object, total_count 1, and says one definition."""
    target = tmp_path / "backup.json"

    result = procreg(
        "export", "1", "1", "/api/process_definition/1/", "-o", str(target)
    )

    document = json.loads(target.read_text())
    assert result.stderr == f"procreg: wrote 1 definition to {target}\n"
    assert document["meta"]["total_count"] == 1
    assert [item["id"] for item in document["objects"]] == [1]


def test_export_of_a_deleted_id_is_refused(procreg: Procreg, seeded: Path) -> None:
    """A definition in the trash is not exported; exit 1 and nothing written."""
    procreg("delete", "2")

    result = procreg("export", "2")

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "procreg: definition 2 is in the trash; restore before exporting; nothing "
        "was written\n"
    )


def test_export_to_a_file(procreg: Procreg, seeded: Path, tmp_path: Path) -> None:
    """-o writes the file and says so on stderr; stdout stays empty."""
    target = tmp_path / "backup.json"

    result = procreg("export", "-o", str(target))

    assert result.status == 0
    assert result.stdout == ""
    assert result.stderr == f"procreg: wrote 6 definitions to {target}\n"
    assert target.read_text() == procreg("export").stdout


def test_export_to_a_missing_folder_fails_cleanly(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """A file that cannot be written is one message and exit 1."""
    target = tmp_path / "missing" / "backup.json"

    result = procreg("export", "-o", str(target))

    assert result.status == 1
    assert result.stderr == (
        f"procreg: cannot write {target}: No such file or directory\n"
    )


def test_export_sh_matches_the_golden_file(procreg: Procreg, seeded: Path) -> None:
    """The sh format of the examples through the CLI is the golden script."""
    golden = Path(__file__).parents[1] / "export" / "golden" / "examples.sh"

    assert procreg("export", "--format", "sh").stdout == golden.read_text()


def test_import_reads_the_definition_the_original_api_wraps(
    procreg: Procreg, registry_path: Path, tmp_path: Path
) -> None:
    """A POST body {"definition": {...}} and a record as the API or show --json
    give it are read as the definition they wrap, as a list document's entries
    are; new ids are given."""
    posted = tmp_path / "post.json"
    posted.write_text('{"definition": {"exec": "/bin/a", "name": "posted"}}')
    record = tmp_path / "record.json"
    record.write_text(
        json.dumps(
            {
                "definition": {"exec": "/bin/b"},
                "id": 40,
                "resource_uri": "/api/process_definition/40/",
                "revision": 3,
                "owner": "alice",
                "created": "2024-01-01T00:00:00Z",
                "updated": "2024-01-02T00:00:00Z",
                "updated_by": "bob",
                "valid": True,
            }
        )
    )
    lines = '{"definition": {"exec": "/bin/c"}}\n{"exec": "/bin/d"}\n'

    result = procreg("import", str(posted), str(record), "-", stdin=lines)

    assert (result.status, result.stdout) == (
        0,
        f"1  posted  {posted} $.definition\n"
        f"2  b       {record} $.definition\n"
        "3  c       <stdin> $[0].definition\n"
        "4  d       <stdin> $[1]\n",
    )
    assert result.stderr.splitlines()[:3] == [
        f"procreg: {posted}: 1 definition, no problems",
        f"procreg: {record}: 1 definition, no problems",
        "procreg: <stdin>: 2 definitions, no problems",
    ]
    assert _stored(registry_path) == [
        (1, {"exec": "/bin/a", "name": "posted"}),
        (2, {"exec": "/bin/b"}),
        (3, {"exec": "/bin/c"}),
        (4, {"exec": "/bin/d"}),
    ]


def test_show_json_of_one_registry_imports_into_another(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """procreg show N --json | procreg --db OTHER import - copies definition N."""
    shown = procreg("show", "5", "--json").stdout
    other = tmp_path / "other.json"

    result = procreg("--db", str(other), "import", "-", stdin=shown, db=False)

    assert (result.status, result.stdout) == (
        0,
        "1  tr-strip-x  <stdin> $.definition\n",
    )
    with Registry.open(seeded) as registry:
        original = registry.get(5).definition
    assert _stored(other) == [(1, original)]


def test_a_wrapped_definition_has_its_problems_placed_in_the_file(
    procreg: Procreg, tmp_path: Path
) -> None:
    """Problems of a wrapped definition name its path and place in the file."""
    path = tmp_path / "post.json"
    path.write_text('{"definition": {\n  "exec": "/bin/a",\n  "timeout": 0\n}}\n')

    result = procreg("validate", str(path))

    assert (result.status, result.stdout) == (
        1,
        f"{path}:3:14: error: $.definition.timeout: `timeout` must be greater "
        "than 0, not 0\n",
    )


@pytest.mark.parametrize("allow_invalid", [[], ["--allow-invalid"]])
def test_a_registry_file_is_not_imported_as_a_definition(
    procreg: Procreg, seeded: Path, tmp_path: Path, allow_invalid: list[str]
) -> None:
    """A registry file given to import is named as one, with the two ways to
    use it; nothing is stored, even with --allow-invalid."""
    other = tmp_path / "other.json"

    result = procreg(
        "--db", str(other), "import", str(seeded), *allow_invalid, db=False
    )

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"{seeded}:1:1: error: $: this is a registry file of procreg, not "
        f"definitions: to import what it holds, export it first ('procreg --db "
        f"{seeded} export -o definitions.json', then import definitions.json), "
        f"or use it as it is with --db {seeded}\n"
        f"procreg: {seeded}: 0 definitions, 1 error\n"
        "procreg: nothing was imported\n"
    )
    assert not other.exists()


def test_a_registry_file_on_standard_input_is_named_as_one(procreg: Procreg) -> None:
    """From standard input, the commands name the file as FILE."""
    text = json.dumps({"definitions": {"1": {"definition": {"exec": "a"}}}, "meta": {}})

    result = procreg("validate", "-", stdin=text)

    assert (result.status, result.stdout) == (
        1,
        "<stdin>:1:1: error: $: this is a registry file of procreg, not "
        "definitions: to import what it holds, export it first ('procreg --db "
        "FILE export -o definitions.json', then import definitions.json), or use "
        "it as it is with --db FILE\n",
    )


def _page(meta: dict[str, Any], count: int) -> str:
    """Return a list document of ``count`` definitions with ``meta``."""
    objects = [
        {
            "definition": {"exec": f"/bin/p{index}"},
            "id": index,
            "resource_uri": f"/api/process_definition/{index}/",
        }
        for index in range(1, count + 1)
    ]
    return json.dumps({"meta": meta, "objects": objects})


def test_import_of_one_page_of_a_longer_list_warns_how_to_get_all(
    procreg: Procreg, registry_path: Path
) -> None:
    """A page saved from the API says how many of how many it holds and how to
    fetch the whole list; the definitions it holds are imported."""
    meta = {
        "limit": 2,
        "next": "http://registry.example/api/process_definition/?limit=2&offset=2",
        "offset": 0,
        "previous": None,
        "total_count": 5,
    }
    text = _page(meta, 2)
    column = text.index('"http') + 1

    result = procreg("import", "-", stdin=text)

    assert result.status == 0
    assert result.stderr.splitlines()[:3] == [
        f"<stdin>:1:{column}: warning: $.meta.next: this page holds 2 of the 5 "
        "definitions of its list; fetch them all at once with ?limit=0, as in "
        "http://registry.example/api/process_definition/?limit=0",
        "procreg: <stdin>: 2 definitions, 1 warning",
        "procreg: imported 2 definitions",
    ]
    assert [record_id for record_id, _ in _stored(registry_path)] == [1, 2]


def test_the_last_page_of_a_list_warns_too(procreg: Procreg) -> None:
    """A page with no next page but fewer definitions than the list is partial."""
    meta = {"limit": 2, "next": None, "offset": 4, "total_count": 5}
    text = _page(meta, 1)
    column = text.index('"total_count": 5') + len('"total_count": ') + 1

    result = procreg("validate", "-", stdin=text)

    assert (result.status, result.stdout) == (
        0,
        f"<stdin>:1:{column}: warning: $.meta.total_count: this page holds 1 of "
        "the 5 definitions of its list, from offset 4; fetch them all at once "
        "with ?limit=0, as in /api/process_definition/?limit=0\n",
    )


@pytest.mark.parametrize(
    "meta",
    [
        {"limit": 0, "next": None, "offset": 0, "previous": None, "total_count": 3},
        {"limit": 20, "next": None, "offset": 0, "total_count": 3},
        {},
    ],
)
def test_a_whole_list_does_not_warn(procreg: Procreg, meta: dict[str, Any]) -> None:
    """A list holding every definition of its meta, or with no meta, is whole."""
    result = procreg("validate", "-", stdin=_page(meta, 3))

    assert (result.status, result.stdout, result.stderr) == (
        0,
        "",
        "procreg: checked 3 definitions: no problems\n",
    )


def test_import_fix_aliases_tells_a_conflict_once_at_its_place(
    procreg: Procreg, registry_path: Path
) -> None:
    """Both spellings with different values are one located error, told once;
    --fix-aliases cannot rename them, so nothing is stored even with
    --allow-invalid."""
    text = (
        '{"exec": "a", "args": ["x"], "argv": ["y"],\n'
        ' "input_adapter": {"input_type": "file", "input_params": {},\n'
        '                   "input_parameters": {"file_path": "/in"}}}\n'
    )

    result = procreg("import", "-", "--fix-aliases", "--allow-invalid", stdin=text)

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "<stdin>:1:15: error: $.args: `args` and `argv` are both present with "
        "different values; keep only `argv`\n"
        "<stdin>:2:42: error: $.input_adapter.input_params: "
        "`input_adapter.input_params` and `input_adapter.input_parameters` are "
        "both present with different values; keep only `input_parameters`\n"
        "procreg: <stdin>: 1 definition, 2 errors\n"
        "procreg: nothing was imported\n"
    )
    assert _stored(registry_path) == []
