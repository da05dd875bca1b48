"""The registry: definitions in a TinyDB file, shared safely between processes.

Writes are locked (POSIX record locks, honoured over NFS), atomic (a new file
renamed into place) and refused when made on a stale revision. Ids are never
reused, deletes go to a trash, and a file that does not parse is never
overwritten.
"""

from procreg_tui.registry._checked import problems_of
from procreg_tui.registry._document import list_document
from procreg_tui.registry._errors import (
    Conflict,
    LockTimeout,
    RecordNotFound,
    RegistryCorrupt,
    RegistryError,
    RegistryGone,
    RegistryReadOnly,
)
from procreg_tui.registry._locations import (
    ENVIRONMENT_VARIABLE,
    Paths,
    default_path,
    example_definitions,
    open_default,
    open_registry,
    paths,
    registry_file_at,
    resolve_path,
)
from procreg_tui.registry._record import Record, resource_uri
from procreg_tui.registry._registry import Registry
from procreg_tui.registry._storage import DEFAULT_LOCK_TIMEOUT, RegistryStorage

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "ENVIRONMENT_VARIABLE",
    "Conflict",
    "LockTimeout",
    "Paths",
    "Record",
    "RecordNotFound",
    "Registry",
    "RegistryCorrupt",
    "RegistryError",
    "RegistryGone",
    "RegistryReadOnly",
    "RegistryStorage",
    "default_path",
    "example_definitions",
    "list_document",
    "open_default",
    "open_registry",
    "paths",
    "problems_of",
    "registry_file_at",
    "resolve_path",
    "resource_uri",
]
