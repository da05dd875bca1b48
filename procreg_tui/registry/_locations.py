"""Where the registry, configuration and logs live, and opening the right one."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procreg_tui import resources
from procreg_tui.registry._errors import RegistryError
from procreg_tui.registry._registry import Registry
from procreg_tui.registry._storage import DEFAULT_LOCK_TIMEOUT

APP_NAME = "procreg"
REGISTRY_FILE = "registry.json"
ENVIRONMENT_VARIABLE = "PROCREG_DB"


@dataclass(frozen=True, slots=True)
class Paths:
    """The places procreg keeps its files."""

    registry: Path
    config: Path
    log: Path
    drafts: Path
    """Where the app keeps unsaved edits until they are saved or given up."""


def default_path() -> Path:
    """Return the per-user registry file in the user data directory (XDG)."""
    import platformdirs  # noqa: PLC0415 (only the default location needs it)

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / REGISTRY_FILE


def paths(registry: Path | None = None) -> Paths:
    """Return where the registry (``registry`` or the default), configuration,
    logs and the app's unsaved edits live."""
    import platformdirs  # noqa: PLC0415

    return Paths(
        registry=registry if registry is not None else default_path(),
        config=platformdirs.user_config_path(APP_NAME, appauthor=False),
        log=platformdirs.user_log_path(APP_NAME, appauthor=False),
        drafts=platformdirs.user_state_path(APP_NAME, appauthor=False) / "drafts",
    )


def resolve_path(
    cli_value: str | os.PathLike[str] | None, environ: Mapping[str, str]
) -> Path:
    """Return the registry to use: ``--db`` first, then ``PROCREG_DB``, then
    the default. ``~`` is expanded."""
    if cli_value:
        return Path(cli_value).expanduser()
    if environ.get(ENVIRONMENT_VARIABLE):
        return Path(environ[ENVIRONMENT_VARIABLE]).expanduser()

    return default_path()


def example_definitions() -> list[dict[str, Any]]:
    """Return the shipped example definitions, by file name.

    Raises:
        RegistryError: an example cannot be read or is not a JSON object.
    """
    examples = []
    for path in sorted(resources.examples_dir().glob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegistryError(f"cannot read the example {path}: {exc}") from exc
        if not isinstance(value, dict):
            raise RegistryError(f"the example {path} is not a JSON object")
        examples.append(value)

    return examples


def open_default(
    *, read_only: bool = False, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Registry:
    """Open the per-user registry, creating it with the examples on first start.

    The examples are stored only when the file is created; a marker in it
    records that, so a user who deleted them all never gets them back.

    Raises:
        RegistryCorrupt: the file does not parse; it is left as is.
        RegistryError: it cannot be read or created.
    """
    path = default_path()
    if not read_only:
        # A directory that cannot be made leaves the registry read-only, and
        # ``read_only_reason`` says why.
        with suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
    registry = Registry.open(path, read_only=read_only, lock_timeout=lock_timeout)
    registry.seed_if_new(example_definitions)

    return registry


def open_registry(
    cli_value: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Registry:
    """Open the registry ``--db`` or ``PROCREG_DB`` names, or the default one.

    Raises:
        RegistryCorrupt: the file does not parse; it is left as is.
        RegistryError: it cannot be read.
    """
    environ = os.environ if environ is None else environ
    if not cli_value and not environ.get(ENVIRONMENT_VARIABLE):
        return open_default(read_only=read_only, lock_timeout=lock_timeout)

    return Registry.open(
        resolve_path(cli_value, environ), read_only=read_only, lock_timeout=lock_timeout
    )


def registry_file_at(registry_path: Path, path: Path) -> str | None:
    """Say which of the registry's own files ``path`` is, or return ``None``.

    Links and ``..`` are followed, so no other spelling of the registry, its
    lock files or the users file ``procreg serve`` keeps beside it escapes.
    """
    from procreg_tui.server import users_path  # noqa: PLC0415

    users = users_path(registry_path)
    own = {
        registry_path: "the registry file",
        Path(f"{registry_path}.lock"): "the registry's lock file",
        Path(f"{registry_path}.lock.holder"): "the registry's lock note",
        users: "the users file of 'procreg serve'",
        Path(f"{users}.lock"): "the users file's lock file",
    }
    target = os.path.realpath(path)
    for file, what in own.items():
        if target == os.path.realpath(file):
            return what
    return None
