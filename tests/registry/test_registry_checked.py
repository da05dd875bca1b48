"""The problems a registry keeps with each definition it writes."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest

from procreg_tui.definition import Severity, validate
from procreg_tui.registry import Registry, problems_of
from procreg_tui.registry._checked import checker

DEFINITIONS = [
    {"exec": "/usr/bin/tr", "argv": ["-d", "x"]},
    {"exec": "/bin/echo", "timeout": -1},
    {"exec": "cat", "exce": "cat", "environment": {"API_TOKEN": "hunter2"}},
    {"exec": "wc", "argv": ["${nowhere}"], "args": ["-l"]},
    {"exec": ""},
]
"""Clean, with an error, with warnings, with unbound variables and an alias, and
an empty exec."""


def _stored(path: Path) -> dict[str, Any]:
    """Return the registry file's definitions table as parsed JSON."""
    table: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["definitions"]
    return table


def _rewrite(path: Path, record_id: int, key: str, value: Any) -> None:
    """Change one stored record's field ``key`` in the file, as a hand edit does."""
    document = json.loads(path.read_text(encoding="utf-8"))
    document["definitions"][str(record_id)][key] = value
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_the_kept_problems_are_those_of_validate(
    registry_path: Path, definition: dict[str, Any]
) -> None:
    """Each written definition carries its problems, read back exactly."""
    with Registry.open(registry_path) as registry:
        registry.create(definition)

    kept = _stored(registry_path)["1"]["checked"]
    expected = validate(definition)
    key = f"{checker()} {zlib.crc32(orjson.dumps(definition)):08x}"
    if expected:
        assert kept == [
            key,
            [[str(p.severity), list(p.path), p.message, p.code] for p in expected],
        ]
    else:
        assert kept == key
    with Registry.open(registry_path) as registry:
        assert problems_of(registry.get(1)) == expected


def test_update_delete_and_restore_keep_the_check_current(registry: Registry) -> None:
    """Every write of a record stores the problems of what it now holds."""
    registry.create({"exec": "cat"})

    updated = registry.update(1, {"exec": "cat", "timeout": 0}, base_revision=1)
    deleted = registry.delete(1)
    restored = registry.restore(1)

    for record in (updated, deleted, restored, registry.get(1)):
        assert [problem.severity for problem in problems_of(record)] == [Severity.ERROR]
        assert record.checked is not None
        assert record.checked[1][0][1] == ["timeout"]


def test_a_definition_edited_by_hand_is_checked_afresh(registry_path: Path) -> None:
    """A definition changed in the file no longer matches its digest."""
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "cat", "timeout": 60})
    _rewrite(registry_path, 1, "definition", {"exec": "cat", "timeout": "60"})

    with Registry.open(registry_path) as registry:
        problems = problems_of(registry.get(1))

    assert [(problem.severity, problem.path) for problem in problems] == [
        (Severity.ERROR, ("timeout",))
    ]


@pytest.mark.parametrize(
    "check",
    [
        None,
        "ok",
        "00000000 00000000",
        ["KEY"],
        ["00000000 00000000", [["error", ["exec"], "made up", "made-up"]]],
        ["KEY", [["fatal", [], "x", "y"]]],
        ["KEY", [["error"]]],
        ["KEY", 7],
        {"by": "KEY", "problems": []},
        ["KEY", [["warning", ["argv", {}], "m", "c"]]],
        ["KEY", [["warning", ["argv", 0.5], "m", "c"]]],
        ["KEY", [["warning", [None], "m", "c"]]],
        ["KEY", [["warning", [True], "m", "c"]]],
        ["KEY", [["warning", [-1], "m", "c"]]],
        ["KEY", [["warning", "timeout", "m", "c"]]],
        ["KEY", [["warning", ["timeout"], 5, "c"]]],
        ["KEY", [["warning", ["timeout"], "m", None]]],
        ["KEY", [[None, ["timeout"], "m", "c"]]],
    ],
    ids=[
        "none", "text", "other-checks", "short", "stale",
        "bad-severity", "short-problem", "int", "object",
        "object-step", "float-step", "null-step", "bool-step", "negative-step",
        "text-path", "number-message", "null-code", "null-severity",
    ],
)  # fmt: skip
def test_a_check_that_is_stale_or_not_procregs_is_not_trusted(
    registry_path: Path, check: Any
) -> None:
    """Kept problems from other checks or of another definition, or in a shape
    procreg never writes, are ignored and the definition is validated instead."""
    with Registry.open(registry_path) as registry:
        record = registry.create({"exec": "cat", "timeout": -5})
    assert isinstance(record.checked, list)
    key = record.checked[0]
    if isinstance(check, list) and check and check[0] == "KEY":
        check = [key, *check[1:]]
    elif isinstance(check, dict):
        check = {**check, "by": key}
    _rewrite(registry_path, 1, "checked", check)

    with Registry.open(registry_path) as registry:
        problems = problems_of(registry.get(1))

    assert problems == validate({"exec": "cat", "timeout": -5})


def test_an_adapter_of_a_kind_procreg_does_not_ship_is_never_kept(
    registry: Registry,
) -> None:
    """Its problems depend on the plugins installed, so it is checked each time."""
    record = registry.create(
        {
            "exec": "cat",
            "input_adapter": {"input_type": "kafka", "input_parameters": {}},
        }
    )

    assert record.checked is None
    assert problems_of(record) == validate(record.definition)
    assert [problem.code for problem in problems_of(record)] == ["unknown-adapter"]
