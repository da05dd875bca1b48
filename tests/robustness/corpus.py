"""The hostile input corpus: named strings and files procreg must take calmly.

Two kinds of case live here. A :class:`HostileText` is a string a definition
may carry in any field; every face must show it literally (``cli`` and
``app`` are what a terminal must display instead of the raw text). A
:class:`HostileFile` is the bytes of a file given to ``validate`` and
``import``; ``report`` is exactly what ``procreg validate FILE`` must print,
with ``{file}`` standing for the file's path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

OSC52_PAYLOAD = "UFdORUQ="
"""Base64 of ``PWNED``: what an OSC 52 sequence in a definition would copy."""


@dataclass(frozen=True)
class HostileText:
    """A string a definition may hold, and how each face must show it."""

    name: str
    text: str
    cli: str
    """What a headless command shows on a terminal (controls as ``\\xNN``)."""
    app: str
    """What the app draws (controls as ``\\e``, ``\\xNN``, ``\\uNNNN``)."""
    wiring: str | None = None
    """What the drawn wiring shows, when it differs from ``cli``."""
    reaches_process: bool = True
    """Whether a process can be given it: a NUL cannot, which is an error."""
    printf: str | None = None
    """How a command line writes the argument ``--label=TEXT``, when the text
    holds characters a shell line must not carry raw: each run of them as a
    ``printf`` of its octal UTF-8 bytes."""

    @property
    def shell(self) -> str:
        """How every command line (render, the app, a copy) writes ``--label=TEXT``."""
        return self.printf or f"'--label={self.text}'"

    @property
    def param(self) -> object:
        """The case as a pytest parameter named after it."""
        return pytest.param(self, id=self.name)


TEXTS = [
    HostileText("open-bracket", "[", "[", "["),
    HostileText("closing-tag", "[/", "[/", "[/"),
    HostileText("bold-markup", "[bold]loud[/bold]", "[bold]loud[/bold]", "[bold]loud[/bold]"),  # noqa: E501
    HostileText(
        "link-markup",
        "[link=https://evil.example]click[/link]",
        "[link=https://evil.example]click[/link]",
        "[link=https://evil.example]click[/link]",
    ),
    HostileText("rich-style-close", "a[/]b", "a[/]b", "a[/]b"),
    HostileText("textual-variable", "[$accent]x", "[$accent]x", "[$accent]x"),
    HostileText(
        "esc-colour", "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m", "\\e[31mred\\e[0m",
        printf=r"""'--label='"$(printf '\033')"'[31mred'"$(printf '\033')"'[0m'""",
    ),
    HostileText(
        "osc52-clipboard",
        f"\x1b]52;c;{OSC52_PAYLOAD}\x07",
        f"\\x1b]52;c;{OSC52_PAYLOAD}\\x07",
        f"\\e]52;c;{OSC52_PAYLOAD}\\x07",
        printf=r"""'--label='"$(printf '\033')"']52;c;UFdORUQ='"$(printf '\007')""" '"',
    ),
    HostileText(
        "csi-clear-screen", "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H", "\\e[2J\\e[H",
        printf=r"""'--label='"$(printf '\033')"'[2J'"$(printf '\033')"'[H'""",
    ),
    HostileText(
        "c1-csi", "\x9b31mx", "\\x9b31mx", "\\x9b31mx",
        printf=r"""'--label='"$(printf '\302\233')"'31mx'""",
    ),
    HostileText(
        "bel", "ding\x07", "ding\\x07", "ding\\x07",
        printf=r"""'--label=ding'"$(printf '\007')""" '"',
    ),
    HostileText(
        "nul", "a\x00b", "a\\x00b", "a\\x00b", reaches_process=False,
        printf=r"""'--label=a'"$(printf '\000')"'b'""",
    ),
    HostileText(
        "carriage-return",
        "safe\roverwritten",
        "safe\\x0doverwritten",
        "safe\\roverwritten",
        wiring="safe\\roverwritten",
        printf=r"""'--label=safe'"$(printf '\015')"'overwritten'""",
    ),
    HostileText(
        "backspace-del", "ab\x08\x7f", "ab\\x08\\x7f", "ab\\x08\\x7f",
        printf=r"""'--label=ab'"$(printf '\010\177')""" '"',
    ),
    HostileText(
        "rtl-override", "txt.\u202egpj.exe", "txt.\\u202egpj.exe", "txt.\\u202egpj.exe",
        printf=r"""'--label=txt.'"$(printf '\342\200\256')"'gpj.exe'""",
    ),
    HostileText(
        "zero-width", "a\u200bb", "a\\u200bb", "a\\u200bb",
        printf=r"""'--label=a'"$(printf '\342\200\213')"'b'""",
    ),
    HostileText("combining", "e\u0301\u0323", "e\u0301\u0323", "e\u0301\u0323"),
    HostileText("emoji", "rocket 🚀", "rocket 🚀", "rocket 🚀"),
    HostileText("cjk-wide", "日本語の処理", "日本語の処理", "日本語の処理"),
]  # fmt: skip
"""Strings that look like markup, act on a terminal, or draw oddly."""

RAW_CONTROLS = frozenset(
    [chr(code) for code in range(0x20) if chr(code) not in "\n\t"]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + list("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
    + list("\u2066\u2067\u2068\u2069\u2028\u2029")
)
"""Characters that must never reach a terminal from a definition."""


def raw_controls(text: str) -> list[str]:
    """Return the characters of ``text`` that would act on a terminal."""
    return sorted({char for char in text if char in RAW_CONTROLS})


def hostile_definition(text: str) -> dict[str, object]:
    """Return a definition that carries ``text`` in every field shown anywhere."""
    return {
        "name": text,
        "description": text,
        "exec": f"/opt/{text}/run",
        "argv": [text, f"--label={text}"],
        "application": text,
        "process_type": "single",
        "cwd": f"/srv/{text}",
        "environment": {"LABEL": text},
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
    }


@dataclass(frozen=True)
class HostileFile:
    """A file given to ``procreg validate`` and ``procreg import``."""

    name: str
    data: bytes
    status: int
    """Exit status of ``procreg validate FILE``."""
    report: str
    """Standard output of ``procreg validate FILE``; ``{file}`` is its path."""
    stored: object | None
    """The definition ``import`` stores, or ``None`` when import must refuse."""

    @property
    def param(self) -> object:
        """The case as a pytest parameter named after it."""
        return pytest.param(self, id=self.name)


_DEEP = 20_000
_DEEP_PATH = "$.x" + "[0]" * 199

FILES = [
    HostileFile(
        "utf8-bom",
        b'\xef\xbb\xbf{"exec": "/bin/true"}',
        0,
        "{file}:1:1: info: $: the file starts with a UTF-8 byte order mark, which "
        "JSON does not need\n",
        {"exec": "/bin/true"},
    ),
    HostileFile(
        "utf16-bom",
        '{"exec": "/bin/true"}'.encode("utf-16"),
        0,
        "{file}:1:1: info: $: the file is UTF-16; procreg reads it, and writes UTF-8\n",
        {"exec": "/bin/true"},
    ),
    HostileFile(
        "invalid-utf8",
        b'{"exec": "/bin/\xff"}',
        1,
        "{file}:1:16: error: $: the file is not valid UTF-8: byte 0xFF at byte "
        "offset 15 cannot be decoded; save the file as UTF-8\n",
        None,
    ),
    HostileFile(
        "duplicate-keys",
        b'{"exec": "/bin/a", "exec": "/bin/b"}',
        1,
        '{file}:1:20: error: $.exec: duplicate key "exec": first at line 1, column '
        "2, again at line 1, column 20; JSON readers disagree on which one counts, "
        "so remove one\n",
        None,
    ),
    HostileFile(
        "trailing-commas",
        b'{\n  "exec": "/bin/true",\n  "argv": ["-v",],\n}\n',
        0,
        '{file}:3:16: warning: $.argv: trailing comma after the last item of "argv"; '
        "JSON does not allow it\n"
        "{file}:3:18: warning: $: trailing comma after the last member; JSON does "
        "not allow it\n",
        {"exec": "/bin/true", "argv": ["-v"]},
    ),
    HostileFile(
        "line-comment",
        b'{\n  "exec": "/bin/true" // the program\n}\n',
        1,
        "{file}:2:23: error: $: JSON does not allow comments\n",
        None,
    ),
    HostileFile(
        "block-comment",
        b'{"exec": /* here */ "/bin/true"}',
        1,
        "{file}:1:10: error: $.exec: JSON does not allow comments\n",
        None,
    ),
    HostileFile(
        "nan",
        b'{"exec": "/bin/true", "timeout": NaN}',
        1,
        "{file}:1:34: error: $.timeout: NaN is not JSON; write null or a string "
        "instead\n",
        None,
    ),
    HostileFile(
        "infinity",
        b'{"exec": "/bin/true", "timeout": -Infinity}',
        1,
        "{file}:1:34: error: $.timeout: -Infinity is not JSON; write a finite "
        "number or a string instead\n",
        None,
    ),
    HostileFile(
        "huge-exponent",
        b'{"exec": "/bin/true", "timeout": 1e400}',
        1,
        "{file}:1:34: error: $.timeout: the number 1e400 is out of range\n",
        None,
    ),
    HostileFile(
        "deep-nest",
        b'{"exec": "/bin/true", "x": ' + b"[" * _DEEP + b"]" * _DEEP + b"}",
        1,
        f"{{file}}:1:227: error: {_DEEP_PATH}: arrays and objects are nested more "
        "than 200 levels deep here; procreg refuses such nesting\n",
        None,
    ),
    HostileFile(
        "ten-megabytes",
        json.dumps(
            {"exec": "/bin/echo", "argv": ["x" * 1000] * 10_000}, indent=1
        ).encode(),
        0,
        "{file}:1:1: info: $: the definition's JSON is 10,030,029 characters long, "
        "over the 1,024 the original registry could store\n",
        {"exec": "/bin/echo", "argv": ["x" * 1000] * 10_000},
    ),
]
"""Files that are broken, odd or huge, with exactly what procreg must say."""
