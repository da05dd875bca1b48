"""Locations of the files procreg ships: the JSON Schema and the examples."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """Return the shipped folder ``name``, installed or in a source checkout.

    A wheel carries ``schemas/`` and ``data/`` inside the package; an editable
    install or a plain checkout has them at the top of the source tree.
    """
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / name


def schema_path() -> Path:
    """Return the path of the process definition JSON Schema."""
    return _shipped("schemas") / "process_definition.schema.json"


def examples_dir() -> Path:
    """Return the folder of example definitions seeded into a new registry."""
    return _shipped("data") / "examples"
