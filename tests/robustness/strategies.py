"""Hypothesis strategies: any JSON value, and definitions that are nearly right."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ODD_TEXT = st.sampled_from(
    ["", " ", "\t", "\n", "[", "[/", "[bold]", "${input_file}", "$${x}", "${",
     "\x1b[31m", "\x1b]52;c;UFdORUQ=\x07", "\x00", "\x9b", "\u202e", "\u200b",
     "e\u0301", "日本", "🚀", "-", "--", "=", "a=b", "'", '"', "\\", "/", "..",
     "STDIN", "STDOUT", "STDERR", "stream", "file", "tcp", "pipe", "append"]
)  # fmt: skip
"""Strings that meet a special case somewhere in procreg."""

TEXT = st.one_of(
    st.text(max_size=12),
    ODD_TEXT,
    st.text(min_size=1, max_size=4).map(lambda text: text * 600),
)
NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from(
        [0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), 2**64, 10**30]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, 1.7976931348623157e308, -0.0, 0.5, 1e-9, 65535.0]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
KEYS = st.one_of(
    st.text(max_size=8), st.sampled_from(["", " ", "\t", " exec", "$schema"])
)

JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=16,
)
"""Any JSON value (no NaN or infinity, which JSON cannot hold)."""


def _nest(depth: int, kind: str) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


DEEP = st.builds(_nest, st.integers(1, 150), st.sampled_from(["list", "dict"]))
"""Arrays or objects nested up to 150 levels."""

ANY_FIELD_VALUE = st.one_of(JSON_VALUES, DEEP)

_BASE: dict[str, Any] = {
    "name": "job",
    "exec": "/usr/bin/tr",
    "argv": ["-d", "x", "${input_file}"],
    "application": "tools",
    "process_type": "single",
    "timeout": 60,
    "cwd": "/srv/work",
    "environment": {"LANG": "C"},
    "input_adapter": {
        "input_type": "file",
        "input_parameters": {"file_path": "${input_file}"},
    },
    "output_adapter": {
        "output_type": "file",
        "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
    },
}
_FIELDS = sorted(_BASE)
_SPELLINGS = ["args", "input_params", "output_params", "exce", "argvs", ""]
_ADAPTER_TYPES = st.one_of(
    st.sampled_from(["file", "tcp", "pipe", "append", "FILE", "", " ", "kafka"]),
    TEXT,
    JSON_VALUES,
)


def _adapter(direction: str) -> st.SearchStrategy[Any]:
    """An adapter object of any kind, with parameters of any shape."""
    parameters = st.one_of(
        st.dictionaries(
            st.sampled_from(
                ["file_type", "stream_name", "file_path", "tcp_port", "chunk_size",
                 "pipe_path", "x"]
            ) | KEYS,
            SCALARS,
            max_size=4,
        ),
        JSON_VALUES,
    )  # fmt: skip
    return st.fixed_dictionaries(
        {f"{direction}_type": _ADAPTER_TYPES},
        optional={
            f"{direction}_parameters": parameters,
            f"{direction}_params": parameters,
        },
    )


@st.composite
def near_valid_definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid definition with some fields given wrong or odd values."""
    definition = dict(_BASE)
    for field in draw(st.lists(st.sampled_from(_FIELDS), max_size=4, unique=True)):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            del definition[field]
        elif choice == 1:
            definition[field] = draw(ANY_FIELD_VALUE)
        elif field in ("input_adapter", "output_adapter"):
            definition[field] = draw(_adapter(field.split("_")[0]))
        else:
            definition[field] = draw(TEXT | NUMBERS)
    for key in draw(st.lists(st.sampled_from(_SPELLINGS) | KEYS, max_size=2)):
        definition[key] = draw(ANY_FIELD_VALUE)
    if draw(st.booleans()):
        definition["argv"] = draw(st.lists(TEXT, max_size=6))
    if draw(st.booleans()):
        definition["environment"] = draw(st.dictionaries(KEYS, TEXT, max_size=3))
    return definition


DEFINITIONS = st.one_of(
    near_valid_definitions(), st.dictionaries(KEYS, ANY_FIELD_VALUE)
)
"""Objects that are definitions, nearly definitions, or any object at all."""
