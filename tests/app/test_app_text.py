"""Text from definitions as data, and the filter, without running the app."""

from __future__ import annotations

import pytest

from procreg_tui.app._editor import definition_text
from procreg_tui.app._entries import Entry, Filter
from procreg_tui.app._live_panel import wrap_wiring_row
from procreg_tui.app._masking import secret_spans
from procreg_tui.app._text import visible


def test_visible_escapes_every_control_character() -> None:
    """ESC, BEL, NUL, C1 controls and bidi overrides become visible escapes."""
    assert visible("a\x1b[31mb\x07\x00\x9b\u202ec\td\n") == (
        "a\\e[31mb\\x07\\x00\\x9b\\u202ec\\td\\n"
    )
    assert visible("line\nnext", keep_newlines=True) == "line\nnext"
    assert visible("[bold]plain[/]") == "[bold]plain[/]"


def test_editor_text_escapes_terminal_controls() -> None:
    """The editor's JSON writes C1 controls and bidi overrides as \\u escapes."""
    text = definition_text({"exec": "a\x9b\u202eb\x1b"})

    assert text == '{\n  "exec": "a\\u009b\\u202eb\\u001b"\n}\n'


def test_filter_matches_substrings_before_fuzzy() -> None:
    """Substring matches come first, fuzzy subsequence matches after them."""
    entries = [
        Entry(1, 1, {"name": "s-o-r-t-er", "exec": "/bin/ss"}),
        Entry(2, 1, {"name": "sort-lines", "exec": "sort"}),
        Entry(3, 1, {"name": "other", "exec": "/bin/x", "application": "s-o-r-t"}),
    ]
    narrowing = Filter(entries)

    assert [e.id for e in narrowing.apply("sort")] == [2, 1, 3]
    assert [e.id for e in narrowing.apply("sortr")] == [1]
    assert [e.id for e in narrowing.apply("")] == [1, 2, 3]


def test_filter_finds_fuzzy_matches_a_slice_at_a_time() -> None:
    """Beyond the first slice, fuzzy matches come from more(); a longer query
    still finds rows the shorter one had not tried yet."""
    entries = [Entry(n, 1, {"name": f"s-o-r-t-{n}", "exec": "/x"}) for n in range(9000)]
    entries.append(Entry(9000, 1, {"name": "sorted", "exec": "/x"}))
    narrowing = Filter(entries)

    assert [e.id for e in narrowing.apply("sort")] == [9000, *range(4000)]
    assert not narrowing.complete
    assert narrowing.more(4000) == 4000
    assert narrowing.apply("sort-8999") == []
    assert [e.id for e in narrowing.finish()] == [8999]
    assert narrowing.complete


def test_secret_spans_cover_values_however_they_are_written() -> None:
    """The value after a secret-looking key is masked even unterminated; a known
    secret is masked where a string is it (in any escaping) or holds it."""
    assert secret_spans('    "DB_PASSWORD": "s3cr', []) == [(20, 24)]
    assert secret_spans('    "LANG": "C",', ["C"]) == [(13, 14)]
    line = '  "A": "x\\"y", "B": "--x\\"y--", "C": "\\u0078\\"y", "x": 1'
    assert secret_spans(line, ['x"y']) == [(8, 12), (23, 27), (38, 47)]
    assert secret_spans("  1, 2, x", ["x"]) == []


@pytest.mark.parametrize(
    ("row", "width", "lines"),
    [
        pytest.param("message bus", 48, ["message bus"], id="short"),
        pytest.param(
            "    path        /tmp/in  (${input_file})",
            32,
            ["    path        /tmp/in", "                (${input_file})"],
            id="note-apart",
        ),
        pytest.param(
            "process         /" + "x" * 40,
            30,
            [
                "process         /xxxxxxxxxxxxx",
                "                xxxxxxxxxxxxxx",
                "                xxxxxxxxxxxxx",
            ],
            id="long-word-cut",
        ),
        pytest.param(
            "    how         passed as argument 5; read back after exit",
            24,
            [
                "    how",
                "        passed as",
                "        argument 5; read",
                "        back after exit",
            ],
            id="narrow-under-the-label",
        ),
        pytest.param(
            "/" * 30,
            20,
            ["/" * 20, "/" * 10],
            id="no-value-column",
        ),
    ],
)
def test_wiring_rows_wrap_with_a_hanging_indent(
    row: str, width: int, lines: list[str]
) -> None:
    """A long row goes on under its value, never cut: every character stays."""
    wrapped = wrap_wiring_row(row, width)

    assert wrapped == lines
    assert all(len(line) <= width for line in wrapped)
    assert "".join(wrapped).replace(" ", "") == row.replace(" ", "")
