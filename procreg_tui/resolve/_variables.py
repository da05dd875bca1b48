"""The ``${name}`` variables of argv elements and adapter paths, and their bindings."""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SINGLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ANY = re.compile(r"\$\$\{|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\{([^}]*\}?)")

Bindings = Mapping[str, str]
"""Values for variables, by name."""


def references(text: str) -> list[str]:
    """Return the names of the variables ``text`` refers to, in order, repeats kept.

    ``$${`` is a literal ``${`` and refers to nothing.
    """
    return [name for name in _TOKEN.findall(text) if name]


def malformed(text: str) -> list[str]:
    """Return each ``${...}`` of ``text`` that is not a variable, as written.

    A name is letters, digits and ``_``, not starting with a digit, between
    ``${`` and ``}``; anything else (``${input-file}``, ``${1x}``, a ``${``
    never closed) stays as it is written, which is rarely what was meant.
    """
    if "${" not in text:
        return []
    return [
        "${" + match.group(1)
        for match in _ANY.finditer(text)
        if match.group(1) is not None
    ]


def substitute(text: str, bindings: Bindings) -> tuple[str, frozenset[str]]:
    """Return ``text`` with its variables replaced, and the names left unbound.

    A bound ``${name}`` becomes its value, taken as it is; an unbound one stays
    ``${name}``; ``$${`` becomes ``${``.
    """
    unbound: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "${"
        value = bindings.get(name)
        if value is None:
            unbound.add(name)
            return match.group(0)
        return value

    if "$" not in text:
        return text, frozenset()
    return _TOKEN.sub(replace, text), frozenset(unbound)


def single_variable(text: str) -> str | None:
    """Return ``name`` when ``text`` is exactly ``${name}``, else ``None``."""
    match = _SINGLE.fullmatch(text)
    return match.group(1) if match else None
