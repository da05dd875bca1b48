"""The adapter kinds in use: the built-in ones and those of installed plugins."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard

from procreg_tui.adapters._builtin import BUILTIN_KINDS
from procreg_tui.adapters._kind import Adapter, AdapterKind, Direction

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "procreg.adapters"
"""The entry point group third-party packages add adapter kinds to."""

_log = logging.getLogger(__name__)


class KindRegistry:
    """A set of adapter kinds, looked up by name and direction.

    Built-in kinds come first; a plugin cannot replace one of them, and the
    first plugin to claim a name keeps it. Whatever goes wrong while loading a
    plugin becomes a line in ``warnings`` instead of an exception.
    """

    def __init__(self, plugins: Iterable[EntryPoint] = ()) -> None:
        """Register the built-in kinds, then load the kinds ``plugins`` name."""
        self._kinds: dict[str, AdapterKind] = {
            kind.name: kind for kind in BUILTIN_KINDS
        }
        self.warnings: list[str] = []
        """Why plugins were skipped, in plain words."""
        self.failed: dict[str, str] = {}
        """Why each plugin that could not be loaded was skipped, by its name:
        the kind it was to provide is then unknown, and this says why."""

        for entry_point in sorted(plugins, key=lambda point: point.name):
            self._load(entry_point)

    @classmethod
    def from_entry_points(cls) -> KindRegistry:
        """Return a registry holding the built-in kinds and every installed plugin."""
        # Imported here: reading the installed packages' metadata is needed
        # only once a kind that is not built in is looked for.
        from importlib.metadata import entry_points  # noqa: PLC0415

        return cls(entry_points(group=ENTRY_POINT_GROUP))

    def kinds(self) -> list[AdapterKind]:
        """Return every kind, built-in ones first."""
        return list(self._kinds.values())

    def kind_for(self, direction: Direction, type_name: str) -> AdapterKind | None:
        """Return the kind called ``type_name`` serving ``direction``, if any."""
        kind = self._kinds.get(type_name)
        if kind is None or direction not in kind.directions:
            return None
        return kind

    def _load(self, entry_point: EntryPoint) -> None:
        """Add the kind ``entry_point`` names, or note why it cannot be used."""
        where = f"adapter plugin {entry_point.name!r} ({entry_point.value})"
        try:
            loaded = entry_point.load()
            is_instance = isinstance(loaded, AdapterKind) and not isinstance(
                loaded, type
            )
            kind = loaded() if callable(loaded) and not is_instance else loaded
        except Exception as error:
            self._warn(f"{where} could not be loaded: {error!r}")
            self.failed[entry_point.name] = self.warnings[-1]
            return

        if not isinstance(kind, AdapterKind):
            self._warn(f"{where} is not an adapter kind: {kind!r}")
            return
        if not isinstance(kind.name, str) or not kind.name:
            self._warn(f"{where} has no usable name: {kind.name!r}")
            return
        if kind.name in self._kinds:
            self._warn(f"{where} is ignored: the kind {kind.name!r} already exists")
            return

        self._kinds[kind.name] = kind

    def _warn(self, message: str) -> None:
        """Keep ``message`` for the user and log it for developers."""
        self.warnings.append(message)
        _log.info("%s", message)


@functools.cache
def _default_registry() -> KindRegistry:
    """Return the registry of installed kinds, loading plugins on first use."""
    return KindRegistry.from_entry_points()


def kinds() -> list[AdapterKind]:
    """Return every adapter kind available, built-in ones first."""
    return _default_registry().kinds()


def kind_for(direction: Direction, type_name: str) -> AdapterKind | None:
    """Return the kind called ``type_name`` for ``direction``, or ``None``."""
    return _default_registry().kind_for(direction, type_name)


def builtin_kind(direction: Direction, type_name: str) -> AdapterKind | None:
    """Return the built-in kind called ``type_name`` for ``direction``, or ``None``.

    Plugins are not loaded: a plugin cannot replace a built-in kind, so this
    is what :func:`kind_for` returns for the built-in names.
    """
    kind = _BUILTIN_BY_NAME.get(type_name)
    return kind if kind is not None and direction in kind.directions else None


_BUILTIN_BY_NAME: dict[str, AdapterKind] = {kind.name: kind for kind in BUILTIN_KINDS}


def plugin_warnings() -> list[str]:
    """Return why installed adapter plugins were skipped, one sentence each."""
    return list(_default_registry().warnings)


def adapter_of(definition: object, direction: Direction) -> Adapter | None:
    """Return the adapter ``definition`` declares for ``direction``, read leniently.

    Returns ``None`` when there is no adapter object. Parameters are read from
    the canonical key first, then from its alias; parameters that are not an
    object read as empty. Never raises, whatever JSON value ``definition`` is.
    """
    if not _is_object(definition):
        return None
    adapter_key, type_key, parameters_keys = _KEYS[direction]
    adapter = definition.get(adapter_key)
    if not _is_object(adapter):
        return None

    type_name = adapter.get(type_key)
    if not isinstance(type_name, str):
        type_name = None

    parameters: Mapping[str, Any] = {}
    parameters_key = None
    usable = True
    for key in parameters_keys:
        if key in adapter:
            parameters_key = key
            value = adapter[key]
            usable = _is_object(value)
            parameters = value if usable else {}
            break

    kind = (
        None
        if type_name is None
        else _default_registry().kind_for(direction, type_name)
    )
    return Adapter(direction, type_name, parameters, parameters_key, kind, usable)


_KEYS = {
    direction: (direction.adapter_key, direction.type_key, direction.parameters_keys)
    for direction in Direction
}
"""The keys of each direction, looked up once: adapter_of runs on every keystroke."""


def _is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    """Return whether ``value`` is a JSON object (a dict, or another mapping)."""
    return isinstance(value, dict | Mapping)
