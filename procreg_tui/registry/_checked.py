"""The problems of a stored definition, worked out when it is written.

Listing a registry marks every definition valid or not. Checking each one
again on every ``procreg list`` costs more than reading the file, and loads the
schema validator, so the registry keeps each definition's problems beside it
when it writes it. They are trusted only while both things they came from
still hold: the same checks (procreg's version and the modification times of
the modules and schema that do the checking) and the same definition (a digest
of its JSON, so a file edited by hand is checked again). Anything else, such as
a definition with an adapter of a kind procreg does not ship, whose problems
depend on the plugins installed, is checked afresh whenever it is asked for.
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

import procreg_tui
from procreg_tui.resources import schema_path

if TYPE_CHECKING:
    from procreg_tui.definition import Problem
    from procreg_tui.registry._record import Record

_CHECKING_PACKAGES = ("definition", "adapters", "resolve")
"""The subpackages whose code decides what is wrong with a definition."""


Check = str | list[Any]
"""A stored check: ``"STAMP DIGEST"`` for a definition with no problems (nearly
all), else ``["STAMP DIGEST", [[severity, path, message, code], ...]]``. One
short string costs reading a large registry next to nothing."""


def stored_check(definition: Mapping[str, Any]) -> Check | None:
    """Return the check of ``definition`` to store beside it, or ``None``.

    ``None`` when its problems depend on more than the definition and procreg:
    an adapter that names a kind procreg does not ship.
    """
    from procreg_tui.definition import validate  # noqa: PLC0415

    if not _builtin_kinds_only(definition):
        return None
    key = _key(definition)
    if key is None:
        return None

    problems = [
        [str(problem.severity), list(problem.path), problem.message, problem.code]
        for problem in validate(definition)
    ]
    return [key, problems] if problems else key


def problems_of(record: Record) -> list[Problem]:
    """Return every problem of ``record``'s definition, as ``validate`` does.

    The check stored with the record is used while it is current; otherwise
    the definition is validated now.
    """
    stored = _stored_problems(record)
    if stored is not None:
        return stored

    from procreg_tui.definition import validate  # noqa: PLC0415

    return validate(record.definition)


def _stored_problems(record: Record) -> list[Problem] | None:
    """Return the problems kept with ``record`` if they are current, else ``None``."""
    check = record.checked
    if isinstance(check, str):
        return [] if check == _key(record.definition) else None
    if not (isinstance(check, list) and len(check) == 2):
        return None
    if check[0] != _key(record.definition):
        return None

    from procreg_tui.definition.problems import Problem, Severity  # noqa: PLC0415

    stored = check[1]
    if not (isinstance(stored, list) and all(map(_is_stored_problem, stored))):
        # Not what procreg writes: someone edited it by hand.
        return None
    try:
        return [
            Problem(Severity(severity), tuple(path), message, code)
            for severity, path, message, code in stored
        ]
    except ValueError:  # a severity procreg does not know
        return None


def _is_stored_problem(item: object) -> bool:
    """Return whether ``item`` has the shape procreg writes for one problem:
    ``[severity, path, message, code]``, the path of keys and indexes."""
    if not (isinstance(item, list) and len(item) == 4):
        return False
    severity, path, message, code = item
    return (
        isinstance(severity, str)
        and isinstance(path, list)
        and all(
            isinstance(step, str) or (type(step) is int and step >= 0) for step in path
        )
        and isinstance(message, str)
        and isinstance(code, str)
    )


def _key(definition: Mapping[str, Any]) -> str | None:
    """Return ``"STAMP DIGEST"``: these checks, and this definition's JSON.

    ``None`` when either cannot be known: nothing is kept or trusted then.
    """
    by = checker()
    digest = _digest(definition)
    if by is None or digest is None:
        return None
    return f"{by} {digest:08x}"


@functools.cache
def checker() -> str | None:
    """Return what identifies the checks of this procreg: its version and the
    newest modification time of the files that decide a definition's problems.

    ``None`` when those files cannot be looked at: nothing is kept or trusted.
    """
    package = os.path.dirname(procreg_tui.__file__)
    try:
        newest = os.stat(schema_path()).st_mtime_ns
        for name in _CHECKING_PACKAGES:
            with os.scandir(os.path.join(package, name)) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        newest = max(newest, entry.stat().st_mtime_ns)
    except OSError:
        return None

    # Kept short: it is stored with every definition.
    return f"{zlib.crc32(f'{procreg_tui.__version__}/{newest}'.encode()):08x}"


def _digest(definition: Mapping[str, Any]) -> int | None:
    """Return a checksum of ``definition``'s JSON, or ``None`` if orjson refuses it."""
    try:
        return zlib.crc32(orjson.dumps(definition))
    except (orjson.JSONEncodeError, TypeError):
        return None


def _builtin_kinds_only(definition: Mapping[str, Any]) -> bool:
    """Return whether every adapter ``definition`` names is of a built-in kind.

    An adapter that names no kind, or is not an object, is an error whatever
    is installed, and counts as built in.
    """
    from procreg_tui.adapters import Direction, builtin_kind  # noqa: PLC0415

    for direction in Direction:
        adapter = definition.get(direction.adapter_key)
        if not isinstance(adapter, dict):
            continue
        kind = adapter.get(direction.type_key)
        if isinstance(kind, str) and builtin_kind(direction, kind) is None:
            return False

    return True
