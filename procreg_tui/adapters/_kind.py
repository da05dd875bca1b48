"""What an adapter kind is, and the adapter a definition declares for each direction."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from procreg_tui.definition.problems import Problem


class Direction(enum.StrEnum):
    """Which way data flows through an adapter."""

    INPUT = "input"
    """From the message bus into the process."""
    OUTPUT = "output"
    """From the process back to the message bus."""

    @property
    def adapter_key(self) -> str:
        """Return the definition key holding this direction's adapter."""
        return f"{self.value}_adapter"

    @property
    def type_key(self) -> str:
        """Return the adapter key naming the kind, ``input_type`` or ``output_type``."""
        return f"{self.value}_type"

    @property
    def parameters_keys(self) -> tuple[str, str]:
        """Return the canonical key of the adapter's parameters, then its alias."""
        return f"{self.value}_parameters", f"{self.value}_params"


@dataclass(frozen=True, slots=True)
class Connection:
    """How an adapter meets the process, as its kind describes it.

    A connection names at most one path (a file, a named pipe) where the bus
    writes the message or reads the result. The path reaches the process as an
    argument when ``by_argument`` is set and it appears in ``argv``; otherwise
    it is connected to the standard stream ``stream`` when one is given.
    """

    title: str
    """A short label of the kind and its mode, such as ``file, stream STDIN``."""
    path: str | None = None
    """The path as written, possibly holding ``${name}`` variables."""
    path_parameter: str | None = None
    """The parameter that holds ``path`` (``file_path``); ``None`` when implied."""
    stream: int | None = None
    """The file descriptor (0, 1 or 2) the path is redirected to or from."""
    append: bool = False
    """Whether output redirected to the path is appended (``>>``)."""
    by_argument: bool = False
    """Whether the process is meant to receive the path among its arguments."""
    how: str | None = None
    """How data moves, in a few words: all of it when no path is involved (a TCP
    port), or what happens besides passing the path (read back after exit)."""
    details: tuple[tuple[str, str], ...] = ()
    """More label and value pairs to show in the wiring."""


@runtime_checkable
class AdapterKind(Protocol):
    """One kind of adapter: its name, its parameters and how it meets the process.

    Third-party packages provide kinds through the entry point group
    ``procreg.adapters``; the entry point names an object that follows this
    protocol, or a callable taking no arguments that returns one.
    """

    @property
    def name(self) -> str:
        """The value of ``input_type`` / ``output_type`` that selects this kind."""

    @property
    def directions(self) -> frozenset[Direction]:
        """The directions this kind can serve."""

    @property
    def schema(self) -> str | Mapping[str, Any] | None:
        """The parameters' JSON Schema.

        Either a reference into the shipped schema (``#/$defs/file_parameters``)
        or a JSON Schema of the kind's own; ``None`` accepts any parameters.
        """

    @property
    def description(self) -> str:
        """One sentence saying what the kind does."""

    def connect(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> Connection:
        """Return how the adapter meets the process.

        ``parameters`` may be wrong in any way the schema reports; the kind
        makes the best of them and never raises.
        """

    def check(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> list[Problem]:
        """Return problems the schema cannot see, with paths inside ``parameters``."""


@dataclass(frozen=True, slots=True)
class Adapter:
    """The adapter a definition declares for one direction, read leniently."""

    direction: Direction
    type_name: str | None
    """The kind as written; ``None`` when it is missing or not a string."""
    parameters: Mapping[str, Any]
    """The parameters; empty when they are missing or not an object."""
    parameters_key: str | None
    """The key the parameters were read from, canonical or alias; ``None`` if absent."""
    kind: AdapterKind | None
    """The kind serving ``type_name`` in ``direction``; ``None`` when unknown."""
    usable: bool = True
    """False when the parameters are there but are not an object."""

    @property
    def path(self) -> tuple[str, ...]:
        """Return the JSON path of the adapter's parameters (or of the adapter)."""
        if self.parameters_key is None:
            return (self.direction.adapter_key,)
        return (self.direction.adapter_key, self.parameters_key)

    def connect(self) -> Connection | None:
        """Return how the adapter meets the process; ``None`` for an unknown kind.

        A kind that raises is shown by a connection whose title says so.
        """
        if self.kind is None:
            return None
        try:
            return self.kind.connect(self.direction, self.parameters)
        except Exception as error:  # a plugin's bug must not stop the others
            return Connection(title=f"{self.kind.name} (its plugin failed: {error!r})")
