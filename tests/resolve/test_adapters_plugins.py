"""Adapter kinds from installed packages, found through the procreg.adapters group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from procreg_tui.adapters import ENTRY_POINT_GROUP, Direction, KindRegistry

PLUGIN_MODULE = """\
from dataclasses import dataclass, field

from procreg_tui.adapters import Connection, Direction
from procreg_tui.definition.problems import Problem, Severity


@dataclass(frozen=True)
class SocketKind:
    name: str = "socket"
    directions: frozenset = frozenset({Direction.INPUT, Direction.OUTPUT})
    schema: dict = field(default_factory=lambda: {
        "type": "object",
        "required": ["socket_path"],
        "properties": {"socket_path": {"type": "string"}},
    })
    description: str = "A unix socket the process listens on."

    def connect(self, direction, parameters):
        return Connection(
            "unix socket",
            path=parameters.get("socket_path"),
            path_parameter="socket_path",
            by_argument=True,
        )

    def check(self, direction, parameters):
        if direction is Direction.OUTPUT:
            return [
                Problem(Severity.WARNING, ("socket_path",), "Talks back.", "socket")
            ]
        return []


@dataclass(frozen=True)
class Impostor(SocketKind):
    name: str = "file"


@dataclass(frozen=True)
class Crashing(SocketKind):
    name: str = "crashing"

    def connect(self, direction, parameters):
        raise RuntimeError("no socket today")


NOT_A_KIND = 42


def exploding():
    raise RuntimeError("boom")
"""

ENTRY_POINTS = """\
[procreg.adapters]
socket = procreg_fake_kinds:SocketKind
crashing = procreg_fake_kinds:Crashing
impostor = procreg_fake_kinds:Impostor
missing = procreg_fake_missing:Nothing
not_a_kind = procreg_fake_kinds:NOT_A_KIND
exploding = procreg_fake_kinds:exploding
"""


@pytest.fixture(scope="module")
def plugin_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an installed-looking distribution with adapter kinds."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "procreg_fake_kinds.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    info = folder / "procreg_fake_kinds-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: procreg-fake-kinds\nVersion: 1.0\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return folder


@pytest.fixture
def registry(plugin_folder: Path, monkeypatch: pytest.MonkeyPatch) -> KindRegistry:
    """A kind registry built from the entry points with the plugin installed."""
    monkeypatch.syspath_prepend(str(plugin_folder))
    return KindRegistry(entry_points(group=ENTRY_POINT_GROUP))


def test_a_plugin_kind_is_found_and_serves_its_directions(
    registry: KindRegistry,
) -> None:
    """The socket kind of the fake distribution is listed after the built-in ones."""
    kind = registry.kind_for(Direction.INPUT, "socket")

    assert kind is not None
    assert kind.description == "A unix socket the process listens on."
    assert [kind.name for kind in registry.kinds()] == [
        "file",
        "tcp",
        "pipe",
        "append",
        "crashing",
        "socket",
    ]


def test_broken_plugins_are_warnings_not_crashes(registry: KindRegistry) -> None:
    """A missing module, a non-kind, a raising factory and a taken name are skipped."""
    assert registry.warnings == [
        "adapter plugin 'exploding' (procreg_fake_kinds:exploding) could not be loaded:"
        " RuntimeError('boom')",
        "adapter plugin 'impostor' (procreg_fake_kinds:Impostor) is ignored:"
        " the kind 'file' already exists",
        "adapter plugin 'missing' (procreg_fake_missing:Nothing) could not be loaded:"
        " ModuleNotFoundError(\"No module named 'procreg_fake_missing'\")",
        "adapter plugin 'not_a_kind' (procreg_fake_kinds:NOT_A_KIND)"
        " is not an adapter kind: 42",
    ]


def test_the_public_functions_use_installed_plugins(plugin_folder: Path) -> None:
    """In a fresh interpreter, kind_for, checks and wiring all see the plugin kinds."""
    script = textwrap.dedent(
        """
        import json
        from procreg_tui.adapters import Direction, adapter_problems, kind_for
        from procreg_tui.adapters import plugin_warnings
        from procreg_tui.resolve import command_line, resolve, wiring

        good = {
            "exec": "/bin/srv",
            "argv": ["--socket", "${sock}"],
            "input_adapter": {
                "input_type": "socket",
                "input_parameters": {"socket_path": "${sock}"},
            },
            "output_adapter": {
                "output_type": "crashing",
                "output_parameters": {"socket_path": "/s"},
            },
        }
        bad = {
            "exec": "/bin/srv",
            "input_adapter": {
                "input_type": "socket", "input_params": {"socket_path": 1}
            },
            "output_adapter": {"output_type": "socket", "output_parameters": {}},
        }
        print(json.dumps({
            "kind": kind_for(Direction.OUTPUT, "socket").name,
            "warnings": len(plugin_warnings()),
            "problems": [p.to_json() for p in adapter_problems(bad)],
            "line": command_line(resolve(good, {"sock": "/run/s"})),
            "wiring": wiring(good, {"sock": "/run/s"}).to_text(),
        }))
        """
    )
    environment = dict(os.environ, PYTHONPATH=str(plugin_folder))

    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        env=environment,
        text=True,
    )

    assert json.loads(completed.stdout) == {
        "kind": "socket",
        "warnings": 4,
        "problems": [
            {
                "severity": "error",
                "path": "$.input_adapter.input_params.socket_path",
                "message": '1 is not of type "string"',
                "code": "adapter-parameters",
            },
            {
                "severity": "error",
                "path": "$.output_adapter.output_parameters",
                "message": '"socket_path" is a required property',
                "code": "adapter-parameters",
            },
            {
                "severity": "warning",
                "path": "$.output_adapter.output_parameters.socket_path",
                "message": "Talks back.",
                "code": "socket",
            },
        ],
        "line": "/bin/srv --socket /run/s",
        "wiring": [
            "message bus",
            "  ↓",
            "input adapter   unix socket",
            "    path        /run/s  (${sock})",
            "    how         passed as argument 2",
            "  ↓",
            "process         /bin/srv  (2 arguments)",
            "  ↓",
            "output adapter  crashing"
            " (its plugin failed: RuntimeError('no socket today'))",
            "    how         not described by its kind",
            "  ↓",
            "message bus",
        ],
    }


def test_a_kind_whose_plugin_failed_says_why_it_is_unknown(plugin_folder: Path) -> None:
    """The warning for a kind named like a plugin that could not be loaded
    gives the plugin's failure, so the user looks at the plugin, not a typo."""
    script = textwrap.dedent(
        """
        import json
        from procreg_tui.adapters import adapter_problems

        definition = {"exec": "x", "input_adapter": {"input_type": "missing"}}
        print(json.dumps([p.message for p in adapter_problems(definition)]))
        """
    )
    environment = dict(os.environ, PYTHONPATH=str(plugin_folder))

    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        env=environment,
        text=True,
    )

    [message] = json.loads(completed.stdout)
    assert message.startswith("unknown input adapter kind 'missing'; known input")
    assert message.endswith(
        ". The adapter plugin 'missing' (procreg_fake_missing:Nothing) could not be"
        " loaded: ModuleNotFoundError(\"No module named 'procreg_fake_missing'\")."
        " Its parameters are shown as they are."
    )
