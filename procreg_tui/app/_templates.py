"""The starting points offered when the user creates a new definition."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Template:
    """A named definition to start from."""

    key: str
    """A short identifier, also the key that picks the template in its dialog."""
    title: str
    """What the template is, in a few words."""
    definition: dict[str, Any]

    def fresh(self) -> dict[str, Any]:
        """Return a copy of the template's definition that the caller may change."""
        return copy.deepcopy(self.definition)


_STREAM_IN = {"file_type": "stream", "stream_name": "STDIN"}
_STREAM_OUT = {"file_type": "stream", "stream_name": "STDOUT"}

TEMPLATES: tuple[Template, ...] = (
    Template(
        "filter",
        "stdin → stdout filter",
        {
            "name": "new-filter",
            "exec": "/usr/bin/tr",
            "argv": ["a-z", "A-Z"],
            "process_type": "single",
            "timeout": 60,
            "input_adapter": {"input_type": "file", "input_parameters": _STREAM_IN},
            "output_adapter": {
                "output_type": "file",
                "output_parameters": _STREAM_OUT,
            },
        },
    ),
    Template(
        "files",
        "file argument in and out",
        {
            "name": "new-file-converter",
            "exec": "/usr/bin/cp",
            "argv": ["${input_file}", "${output_file}"],
            "process_type": "single",
            "timeout": 600,
            "input_adapter": {
                "input_type": "file",
                "input_parameters": {"file_path": "${input_file}"},
            },
            "output_adapter": {
                "output_type": "file",
                "output_parameters": {"file_path": "${output_file}"},
            },
        },
    ),
    Template(
        "service",
        "tcp service",
        {
            "name": "new-service",
            "exec": "/usr/local/bin/serve",
            "argv": ["--port", "9000"],
            "process_type": "service",
            "input_adapter": {
                "input_type": "tcp",
                "input_parameters": {"tcp_port": 9000, "chunk_size": "64KB"},
            },
            "output_adapter": {
                "output_type": "file",
                "output_parameters": _STREAM_OUT,
            },
        },
    ),
    Template(
        "blank",
        "blank",
        {"name": "new-definition", "exec": "/usr/bin/true", "argv": []},
    ),
)
"""Every template, in the order the dialog offers them."""
