"""Adapter kinds: how data moves between the message bus and a process.

Built-in kinds are ``file`` (a standard stream or a path), ``tcp``, ``pipe``
and ``append``; installed packages add more through the entry point group
``procreg.adapters``.
"""

from procreg_tui.adapters._builtin import (
    AppendKind,
    FileKind,
    PipeKind,
    TcpKind,
    default_variable,
    parse_size,
)
from procreg_tui.adapters._kind import Adapter, AdapterKind, Connection, Direction
from procreg_tui.adapters._problems import (
    adapter_problems,
    adapters_json,
    builtin_adapter_problems,
    builtin_adapter_schema,
)
from procreg_tui.adapters._registry import (
    ENTRY_POINT_GROUP,
    KindRegistry,
    adapter_of,
    builtin_kind,
    kind_for,
    kinds,
    plugin_warnings,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "AdapterKind",
    "AppendKind",
    "Connection",
    "Direction",
    "FileKind",
    "KindRegistry",
    "PipeKind",
    "TcpKind",
    "adapter_of",
    "adapter_problems",
    "adapters_json",
    "builtin_adapter_problems",
    "builtin_adapter_schema",
    "builtin_kind",
    "default_variable",
    "kind_for",
    "kinds",
    "parse_size",
    "plugin_warnings",
]
