"""--json answers JSON on failure too: the error, and the problems when there are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Procreg, Result

from procreg_tui.cli import _commands


def _answer(result: Result) -> Any:
    """Return the JSON ``result`` printed, checking it is one document."""
    assert result.stdout.endswith("}\n") or result.stdout.endswith("]\n")
    return json.loads(result.stdout)


def _told(result: Result) -> list[str]:
    """Return the ``procreg:`` messages of ``result`` without their prefix."""
    return [
        line.removeprefix("procreg: ")
        for line in result.stderr.splitlines()
        if line.startswith("procreg: ")
    ]


def test_import_of_a_syntax_error_answers_the_problems(procreg: Procreg) -> None:
    """import --json that stores nothing says why, file by file, on stdout too."""
    result = procreg("import", "-", "--json", stdin="{")

    assert result.status == 1
    assert _answer(result) == {
        "error": "nothing was imported",
        "results": [
            {
                "source": "<stdin>",
                "definitions": 0,
                "problems": [
                    {
                        "severity": "error",
                        "path": "$",
                        "message": "the text ends inside the object opened at "
                        "line 1, column 1; expected a key in double quotes or '}'",
                        "code": "syntax",
                        "line": 1,
                        "column": 2,
                    }
                ],
            }
        ],
    }
    assert _told(result) == ["<stdin>: 0 definitions, 1 error", "nothing was imported"]


def test_import_of_a_missing_file_names_it_among_the_results(
    procreg: Procreg, tmp_path: Path
) -> None:
    """A file that cannot be read is a result with its error; the others are
    listed with their problems, with the hint about --allow-invalid."""
    missing = tmp_path / "nope.json"
    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"exec": "/bin/true", "timeout": 0}')

    result = procreg("import", str(missing), str(invalid), "--json")

    answer = _answer(result)
    assert result.status == 1
    assert answer["error"] == "nothing was imported"
    assert answer["results"][0] == {
        "source": str(missing),
        "definitions": 0,
        "error": f"cannot read {missing}: No such file or directory",
        "problems": [],
    }
    assert answer["results"][1]["source"] == str(invalid)
    assert [p["path"] for p in answer["results"][1]["problems"]] == ["$.timeout"]


def test_import_of_invalid_definitions_gives_the_hint_in_the_error(
    procreg: Procreg,
) -> None:
    """The error is the message told on stderr, hint included."""
    result = procreg("import", "-", "--json", stdin='{"timeout": 1}')

    assert (result.status, _answer(result)["error"]) == (
        1,
        "nothing was imported (--allow-invalid stores definitions with errors anyway)",
    )


def test_import_of_nothing_answers_an_empty_list(procreg: Procreg) -> None:
    """A file without definitions stores nothing, successfully: []."""
    result = procreg("import", "-", "--json", stdin="[]")

    assert (result.status, result.stdout) == (0, "[]\n")


def test_validate_of_an_unknown_id_answers_its_result(
    procreg: Procreg, seeded: Path
) -> None:
    """validate --json names the id not found among the results; invalid."""
    result = procreg("validate", "999", "--json")

    assert (result.status, _answer(result), result.stderr) == (
        1,
        {
            "valid": False,
            "results": [{"id": 999, "error": "no definition 999", "problems": []}],
        },
        "procreg: no definition 999\n",
    )


def test_render_of_an_unknown_id_answers_the_error(
    procreg: Procreg, seeded: Path
) -> None:
    """render --json of an id not found answers the error it tells."""
    result = procreg("render", "999", "--json")

    assert (result.status, _answer(result), result.stderr) == (
        1,
        {"error": "no definition 999"},
        "procreg: no definition 999\n",
    )


def test_render_of_an_invalid_file_answers_its_problems(
    procreg: Procreg, tmp_path: Path
) -> None:
    """render --json of a definition with errors answers them."""
    path = tmp_path / "job.json"
    path.write_text('{"exec": 3}')

    result = procreg("render", str(path), "--json")

    assert result.status == 1
    assert _answer(result) == {
        "error": f"{path} has errors; its command line cannot be rendered",
        "problems": [
            {
                "severity": "error",
                "path": "$.exec",
                "message": "`exec` must be a string, not an integer (3)",
                "code": "schema-type",
                "line": 1,
                "column": 10,
            }
        ],
    }
    assert result.stderr == (
        f"{path}:1:10: error: $.exec: `exec` must be a string, not an integer (3)\n"
        f"procreg: {path} has errors; its command line cannot be rendered\n"
    )


def test_render_of_a_file_of_several_definitions_answers_the_refusal(
    procreg: Procreg, tmp_path: Path
) -> None:
    """A refusal answers its message and the file's own problems."""
    path = tmp_path / "two.json"
    path.write_text('[{"exec": "a"}, {"exec": "b"}]')

    result = procreg("render", str(path), "--json")

    assert (result.status, _answer(result)) == (
        1,
        {
            "error": f"{path} holds 2 definitions; render needs exactly one",
            "problems": [],
        },
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--json"),
        ("show", "1", "--json"),
        ("validate", "--json"),
        ("render", "1", "--json"),
        ("import", "-", "--json"),
    ],
    ids=" ".join,
)
def test_every_command_answers_a_registry_it_cannot_read(
    procreg: Procreg, registry_path: Path, argv: tuple[str, ...]
) -> None:
    """Every command with --json answers the error it tells on stderr."""
    registry_path.write_text('{"definitions": {\n  "1": oops}\n')

    result = procreg(*argv, stdin='{"exec": "/bin/true"}')

    assert result.status == 1
    assert _answer(result) == {"error": _told(result)[-1]}
    assert "the registry file cannot be read" in _told(result)[-1]


def test_an_internal_error_is_answered_too(
    procreg: Procreg, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a failure of procreg itself answers JSON, status 70."""

    def broken(context: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(_commands.COMMANDS, "paths", broken)

    result = procreg("paths", "--json")

    assert (result.status, _answer(result)) == (
        70,
        {"error": "internal error: ZeroDivisionError: division by zero"},
    )


@pytest.mark.parametrize("spelling", ["--json", "--js"])
def test_a_wrong_command_line_asking_for_json_is_answered(
    procreg: Procreg, spelling: str
) -> None:
    """A usage error answers JSON when --json (or what argparse takes for it)
    was given; the usage stays on stderr."""
    result = procreg("validate", "--jsn", spelling)

    assert (result.status, _answer(result)) == (
        2,
        {"error": "unrecognized arguments: --jsn (did you mean --json?)"},
    )
    assert result.stderr.startswith("usage: procreg validate")


def test_a_wrong_command_line_without_json_prints_nothing(procreg: Procreg) -> None:
    """Without --json, standard output stays empty, as a word after -- is no option."""
    plain = procreg("validate", "--jsn")
    after = procreg("show", "--", "--json")

    assert (plain.status, plain.stdout) == (2, "")
    assert (after.status, after.stdout) == (2, "")
