"""Every problem of a definition: spellings, unknown keys, secrets, size, places."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from procreg_tui.definition import (
    DefinitionError,
    Problem,
    Severity,
    fix_aliases,
    lint,
    load_file,
    load_text,
    validate,
)

_ADAPTERS: dict[str, Any] = {
    "input_adapter": {
        "input_type": "file",
        "input_params": {"file_type": "stream", "stream_name": "STDIN"},
    },
    "output_adapter": {
        "output_type": "file",
        "output_params": {"file_type": "stream", "stream_name": "STDOUT"},
    },
}


def _without(problems: list[Problem], *codes: str) -> list[Problem]:
    return [problem for problem in problems if problem.code not in codes]


@pytest.mark.parametrize(
    ("definition", "severity", "path", "code", "words"),
    [
        pytest.param(
            {"exec": "a", "args": ["x"]},
            Severity.WARNING,
            ("args",),
            "alias-key",
            ["`args` is another spelling of `argv`", "rename it to `argv`"],
            id="args",
        ),
        pytest.param(
            {"exec": "a", "input_adapter": _ADAPTERS["input_adapter"]},
            Severity.WARNING,
            ("input_adapter", "input_params"),
            "alias-key",
            ["another spelling of `input_adapter.input_parameters`"],
            id="input_params",
        ),
        pytest.param(
            {"exec": "a", "output_adapter": _ADAPTERS["output_adapter"]},
            Severity.WARNING,
            ("output_adapter", "output_params"),
            "alias-key",
            ["rename it to `output_parameters`"],
            id="output_params",
        ),
        pytest.param(
            {"exec": "a", "args": ["x"], "argv": ["y"]},
            Severity.ERROR,
            ("args",),
            "alias-conflict",
            ["`args` and `argv` are both present with different values"],
            id="both-spellings-differ",
        ),
        pytest.param(
            {"exec": "a", "args": ["x"], "argv": ["x"]},
            Severity.WARNING,
            ("args",),
            "alias-key",
            ["repeats `argv` with the same value", "remove `args`"],
            id="both-spellings-equal",
        ),
        pytest.param(
            {"exec": "a", "exce": "b"},
            Severity.WARNING,
            ("exce",),
            "unknown-key",
            ['unknown key "exce"', "did you mean `exec`?"],
            id="unknown-key-close",
        ),
        pytest.param(
            {"exec": "a", "input_adapter": {"input_type": "x", "input_parameter": {}}},
            Severity.WARNING,
            ("input_adapter", "input_parameter"),
            "unknown-key",
            ["in `input_adapter`", "did you mean `input_parameters`?"],
            id="unknown-key-nested",
        ),
        pytest.param(
            {"exec": "a", "owner": "me"},
            Severity.WARNING,
            ("owner",),
            "unknown-key",
            ['unknown key "owner"', "keeps it as it is"],
            id="unknown-key-far",
        ),
        pytest.param(
            {"exec": "a", "environment": {"DB_PASSWORD": "hunter2"}},
            Severity.WARNING,
            ("environment", "DB_PASSWORD"),
            "secret-in-plain-text",
            ["`environment.DB_PASSWORD` looks like a secret kept in plain text"],
            id="secret",
        ),
        pytest.param(
            {"exec": "a", "description": "x" * 996},
            Severity.INFO,
            (),
            "definition-size",
            ["1,025 characters", "over the 1,024"],
            id="size",
        ),
    ],
)
def test_lint_problem(
    definition: dict[str, Any],
    severity: Severity,
    path: tuple[str, ...],
    code: str,
    words: list[str],
) -> None:
    """Each kind of lint problem has its severity, path and key words."""
    problems = _without(lint(definition), "schema-required")

    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.severity, problem.path, problem.code) == (severity, path, code)
    for word in words:
        assert word in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "password",
        "api_token",
        "GITHUB_TOKEN_FILE",
        "AWS_SECRET_ACCESS_KEY",
        "client_secret",
        "SSH_KEY",
        "signing_key",
    ],
)
def test_secret_looking_names_are_warned_about(name: str) -> None:
    """Names with SECRET, PASSWORD, TOKEN or ending in _KEY, any case, warn."""
    problems = lint({"exec": "a", "environment": {name: "value"}})

    assert [(p.code, p.path) for p in problems] == [
        ("secret-in-plain-text", ("environment", name))
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_LEVEL", "debug"),
        ("KEYBOARD", "us"),
        ("KEY_FILE", "/etc/key.pem"),
        ("MONKEY", "yes"),
        ("API_TOKEN", ""),
    ],
)
def test_harmless_environment_is_not_a_secret(name: str, value: str) -> None:
    """Other names, and empty values, are not reported as secrets."""
    assert lint({"exec": "a", "environment": {name: value}}) == []


def test_size_at_the_limit_is_fine() -> None:
    """A definition of exactly 1,024 characters of JSON is not reported."""
    assert lint({"exec": "a", "description": "x" * 995}) == []


def test_size_counts_characters_not_bytes() -> None:
    """Non-ASCII characters count once, however many bytes they take."""
    assert lint({"exec": "a", "description": "é" * 995}) == []
    assert [p.code for p in lint({"exec": "a", "description": "é" * 996})] == [
        "definition-size"
    ]


def test_schema_key_is_allowed() -> None:
    """`$schema` is a known key, kept without a warning."""
    assert lint({"$schema": "https://example.org/s.json", "exec": "a"}) == []


def test_lint_of_a_scalar_is_the_schema_error_only() -> None:
    """A value that is not an object gets one error and nothing else."""
    assert [(p.code, p.path) for p in lint(["exec"])] == [("schema-type", ())]


def test_validate_examples_have_no_problems(example_paths: list[Path]) -> None:
    """Every shipped example reads and validates without a single problem."""
    found = []
    for path in example_paths:
        document = load_file(path)
        found += document.problems
        for where, definition in document.definitions():
            found += validate(definition, document=document, base_path=where)

    assert found == []


def test_validate_includes_adapter_and_variable_problems() -> None:
    """validate adds the checks of the adapters and of variable resolution."""
    definition = {
        "exec": "a",
        "argv": ["${nobody}"],
        "input_adapter": {"input_type": "teleport"},
    }

    codes = {problem.code for problem in validate(definition)}

    assert codes == {"unknown-adapter", "unbound-variable"}
    assert lint(definition) == []


def test_validate_places_problems_at_values_and_keys() -> None:
    """With a document, values are placed at the value and key problems at the key."""
    text = (
        "{\n"
        '  "exec": "a",\n'
        '  "timeout": "60",\n'
        '  "exce": 1,\n'
        '  "args": [],\n'
        '  "input_adapter": {\n'
        '    "input_parameters": {}\n'
        "  }\n"
        "}\n"
    )
    document = load_text(text)
    assert document.value is not None

    problems = validate(document.value, document=document)

    placed = {(p.code, p.path): (p.line, p.column) for p in problems}
    assert placed == {
        ("schema-type", ("timeout",)): (3, 14),
        ("unknown-key", ("exce",)): (4, 3),
        ("alias-key", ("args",)): (5, 3),
        ("schema-required", ("input_adapter",)): (6, 20),
    }


def test_validate_places_problems_of_an_array_item() -> None:
    """With a base path, paths and places are those of the item in the document."""
    document = load_text('[\n  {"exec": "a"},\n  {"exec": "b", "exce": 1}\n]')
    (_, first), (where, second) = document.definitions()

    assert validate(first, document=document, base_path=(0,)) == []
    problem = validate(second, document=document, base_path=where)[0]

    assert (problem.path, problem.line, problem.column) == ((1, "exce"), 3, 17)


def test_validate_places_a_missing_key_at_its_object() -> None:
    """A required key that is missing is placed at the object that lacks it."""
    document = load_text('{"objects": [\n {"definition": {"argv": []}}]}')
    ((where, definition),) = document.definitions()

    problems = validate(definition, document=document, base_path=where)

    assert [(p.path, p.line, p.column) for p in problems] == [
        (("objects", 0, "definition"), 2, 17)
    ]


def test_validate_without_document_prefixes_base_path() -> None:
    """Without a document, problems still get the base path and no place."""
    problems = validate({"exec": 1}, base_path=(3,))

    assert [(p.path, p.line) for p in problems] == [((3, "exec"), None)]


def test_fix_aliases_renames_in_place_keeping_order() -> None:
    """Other spellings are renamed where they stand; the input is untouched."""
    definition = {"exec": "a", "args": ["x"], "timeout": 5, **_ADAPTERS}

    fixed = fix_aliases(definition)

    assert list(fixed) == ["exec", "argv", "timeout", "input_adapter", "output_adapter"]
    assert fixed["argv"] == ["x"]
    assert fixed["input_adapter"] == {
        "input_type": "file",
        "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
    }
    assert list(fixed["output_adapter"]) == ["output_type", "output_parameters"]
    assert "args" in definition
    assert "input_params" in definition["input_adapter"]
    assert lint(fixed) == []


def test_fix_aliases_drops_a_spelling_equal_to_the_canonical_key() -> None:
    """Both spellings with the same value leave the canonical key only."""
    assert fix_aliases({"exec": "a", "args": ["x"], "argv": ["x"]}) == {
        "exec": "a",
        "argv": ["x"],
    }


def test_fix_aliases_refuses_conflicting_spellings() -> None:
    """Both spellings with different values cannot be fixed automatically."""
    adapter = {"input_params": {}, "input_type": "x", "input_parameters": {"a": 1}}
    definition = {"exec": "a", "input_adapter": adapter}

    with pytest.raises(DefinitionError, match=r"`input_adapter\.input_params` and"):
        fix_aliases(definition)


def test_fix_aliases_refuses_a_value_that_is_not_an_object() -> None:
    """Only an object is a definition whose keys can be renamed."""
    with pytest.raises(DefinitionError, match="JSON object"):
        fix_aliases(["args"])  # type: ignore[arg-type]


def test_fix_aliases_copies_the_values() -> None:
    """Changing the fixed copy leaves the original definition as it was."""
    definition = {"exec": "a", "argv": ["x"], "environment": {"A": "1"}}

    fixed = fix_aliases(definition)
    fixed["argv"].append("y")
    fixed["environment"]["B"] = "2"

    assert definition == {"exec": "a", "argv": ["x"], "environment": {"A": "1"}}


def test_keys_that_are_not_strings_are_unknown_without_suggestion() -> None:
    """A Python mapping with a key that is not a string is reported, not raised."""
    problems = lint({"exec": "a", 3: "x"})

    assert [(p.code, p.path, p.message) for p in problems] == [
        ("unknown-key", (3,), "unknown key 3; procreg keeps it as it is")
    ]


@pytest.mark.parametrize(
    ("definition", "path"),
    [
        pytest.param({"exec": "/bin/e\x00cho"}, ("exec",), id="exec"),
        pytest.param({"exec": "e", "argv": ["-n", "a\x00b"]}, ("argv", 1), id="argv"),
        pytest.param({"exec": "e", "args": ["a\x00"]}, ("args", 0), id="args"),
        pytest.param({"exec": "e", "cwd": "/tmp/\x00"}, ("cwd",), id="cwd"),
        pytest.param(
            {"exec": "e", "environment": {"LANG": "C\x00"}},
            ("environment", "LANG"),
            id="environment value",
        ),
        pytest.param(
            {
                "exec": "e",
                "argv": ["${input_file}"],
                "input_adapter": {
                    "input_type": "file",
                    "input_parameters": {"file_path": "/in\x00put"},
                },
            },
            ("input_adapter", "input_parameters", "file_path"),
            id="adapter path",
        ),
    ],
)
def test_a_nul_that_would_reach_the_process_is_an_error(
    definition: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    """A NUL in exec, argv, cwd, environment or an adapter's path is an error."""
    problems = [p for p in validate(definition) if p.code == "nul-character"]

    assert [(p.severity, p.path) for p in problems] == [(Severity.ERROR, path)]
    assert "holds a NUL character (\\u0000)" in problems[0].message


def test_a_nul_in_a_description_or_an_escaped_one_is_no_problem() -> None:
    """Text that never reaches the process, and a written ``\\u0000``, are fine."""
    definition = {"exec": "e", "description": "a\x00b", "argv": ["\\u0000"]}

    assert [p.code for p in validate(definition)] == []
