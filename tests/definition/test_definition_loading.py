"""Reading definition text and files: values, positions and the problems of the text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from procreg_tui.definition import (
    DefinitionError,
    Problem,
    Severity,
    load_bytes,
    load_file,
    load_text,
)
from procreg_tui.definition.parser import MAX_DEPTH


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("text", "line", "column", "path", "value"),
    [
        pytest.param(
            '{\n  "argv": ["a", "b",],\n  "exec": "x"\n}',
            2,
            20,
            ("argv",),
            {"argv": ["a", "b"], "exec": "x"},
            id="array",
        ),
        pytest.param(
            '{\n  "exec": "x",\n}',
            2,
            14,
            (),
            {"exec": "x"},
            id="object",
        ),
        pytest.param(
            '[\n  {"exec": "a"},\n]\n',
            2,
            16,
            (),
            [{"exec": "a"}],
            id="top-level-array",
        ),
        pytest.param(
            '{"environment": {"A": "1",\n\t}, "exec": "x"}',
            1,
            26,
            ("environment",),
            {"environment": {"A": "1"}, "exec": "x"},
            id="nested-object-comma-before-line-break",
        ),
    ],
)
def test_trailing_comma_is_a_warning_at_the_comma(
    text: str, line: int, column: int, path: tuple[str, ...], value: object
) -> None:
    """A trailing comma is accepted, warned about at the comma itself."""
    document = load_text(text)

    problem = _only(document.problems)
    assert document.value == value
    assert (problem.severity, problem.code) == (Severity.WARNING, "trailing-comma")
    assert (problem.line, problem.column, problem.path) == (line, column, path)
    assert "trailing comma" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        pytest.param(
            '{\n  "exec": "a"\n  "argv": []\n}',
            3,
            3,
            "expected ',' or '}' after the value of \"exec\"",
            id="missing-comma",
        ),
        pytest.param(
            '{\n  // the tool\n  "exec": "a"\n}',
            2,
            3,
            "JSON does not allow comments",
            id="line-comment",
        ),
        pytest.param(
            '{"exec": "a" /* x */}',
            1,
            14,
            "JSON does not allow comments",
            id="block-comment-after-value",
        ),
        pytest.param("{'exec': 'a'}", 1, 2, "double quotes", id="single-quotes"),
        pytest.param(
            '{exec: "a"}',
            1,
            2,
            'object keys must be in double quotes: write "exec"',
            id="bare-key",
        ),
        pytest.param(
            '{"exec" "a"}', 1, 9, "expected ':' after the key \"exec\"", id="no-colon"
        ),
        pytest.param(
            '{"exec": "a"',
            1,
            13,
            "the text ends inside the object opened at line 1, column 1",
            id="unclosed-object",
        ),
        pytest.param('{"exec": "a}', 1, 10, "never closed", id="unclosed-string"),
        pytest.param(
            '{"exec": "a\nb"}',
            1,
            12,
            "cannot run over the end of a line",
            id="line-break-in-string",
        ),
        pytest.param(
            '{"exec": "a\tb"}', 1, 12, "control character U+0009", id="tab-in-string"
        ),
        pytest.param(
            '{"exec": "C:\\dir"}', 1, 13, "invalid escape '\\\\d'", id="bad-escape"
        ),
        pytest.param(
            '{"exec": "\\u12"}', 1, 11, "four hex digits", id="short-unicode-escape"
        ),
        pytest.param('{"timeout": NaN}', 1, 13, "NaN is not JSON", id="nan"),
        pytest.param(
            '{"timeout": Infinity}', 1, 13, "Infinity is not JSON", id="infinity"
        ),
        pytest.param(
            '{"timeout": -Infinity}', 1, 13, "-Infinity is not JSON", id="-infinity"
        ),
        pytest.param(
            '{"timeout": 1e400}',
            1,
            13,
            "the number 1e400 is out of range",
            id="number-out-of-range",
        ),
        pytest.param(
            '{"timeout": 012}',
            1,
            13,
            "'012' is not a valid JSON number",
            id="leading-zero",
        ),
        pytest.param('{"a": True}', 1, 7, "True is not JSON; write true", id="True"),
        pytest.param(
            '{"exec": "a"} x',
            1,
            15,
            "unexpected 'x' after the end of the JSON value",
            id="text-after-value",
        ),
        pytest.param(
            '{"exec": "a"}\n{"exec": "b"}',
            2,
            1,
            "put several definitions in an array",
            id="two-objects",
        ),
        pytest.param('{"exec": }', 1, 10, "expected a value, found '}'", id="no-value"),
        pytest.param(
            '["a",,"b"]', 1, 6, "expected a value, found ','", id="two-commas"
        ),
        pytest.param(
            '["a" "b"]',
            1,
            6,
            "expected ',' or ']' after item 0 of the array",
            id="array-missing-comma",
        ),
        pytest.param(
            "{}\n\u00a0",
            2,
            1,
            "unexpected U+00A0 after the end",
            id="no-break-space-after-value",
        ),
    ],
)
def test_syntax_error_is_one_error_at_its_place(
    text: str, line: int, column: int, words: str
) -> None:
    """Any other syntax error is one error with line, column and a plain message."""
    document = load_text(text)

    problem = _only(document.problems)
    assert document.value is None
    assert problem.severity is Severity.ERROR
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message
    assert document.definitions() == []


def test_syntax_error_keeps_earlier_trailing_comma_warning() -> None:
    """Problems found before a syntax error are kept, in the order of the text."""
    document = load_text('{"argv": ["a",],\n "exec": "x" "y"}')

    assert [(p.code, p.line, p.column) for p in document.problems] == [
        ("trailing-comma", 1, 14),
        ("syntax", 2, 14),
    ]


def test_duplicate_key_names_both_places() -> None:
    """A duplicate key is an error naming the line and column of both keys."""
    document = load_text('{"exec": "a",\n "exec": "b"}')

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.ERROR, "duplicate-key")
    assert (problem.path, problem.line, problem.column) == (("exec",), 2, 2)
    assert "first at line 1, column 2, again at line 2, column 2" in problem.message


def test_duplicate_key_in_nested_object_is_reported_with_its_path() -> None:
    """Duplicates are found in nested objects too, with the full path."""
    document = load_text('{"exec": "a", "environment": {"A": "1", "A": "2"}}')

    problem = _only(document.problems)
    assert problem.code == "duplicate-key"
    assert problem.path == ("environment", "A")
    assert (problem.line, problem.column) == (1, 41)


def test_same_key_in_different_objects_is_not_a_duplicate() -> None:
    """Keys are only duplicates within one object."""
    document = load_text('[{"exec": "a"}, {"exec": "b"}]')

    assert document.problems == []
    assert document.value == [{"exec": "a"}, {"exec": "b"}]


def test_nesting_far_too_deep_is_an_error_not_a_crash() -> None:
    """Nesting of 100,000 levels gives one error, never a RecursionError."""
    document = load_text("[" * 100_000 + "]" * 100_000)

    problem = _only(document.problems)
    assert document.value is None
    assert (problem.code, problem.line, problem.column) == ("too-deep", 1, 201)


def test_nesting_deeper_than_the_limit_but_valid_json_is_refused() -> None:
    """Text that strict JSON reads but that nests over the limit is refused too."""
    text = '{"exec": "a", "x": ' + "[" * 250 + "]" * 250 + "}"

    document = load_text(text)

    problem = _only(document.problems)
    assert problem.code == "too-deep"
    assert (problem.line, problem.column) == (1, 20 + MAX_DEPTH - 1)


def test_nesting_within_the_limit_is_read() -> None:
    """Nesting up to the limit reads into the nested value."""
    depth = MAX_DEPTH
    document = load_text("[" * depth + "]" * depth)

    value = document.value
    for _ in range(depth - 1):
        assert isinstance(value, list)
        value = value[0]
    assert value == []


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n"])
def test_empty_text_is_one_error(text: str) -> None:
    """Empty or whitespace-only text is an error saying it is empty."""
    document = load_text(text)

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.ERROR, "empty")
    assert "empty" in problem.message
    assert document.definitions() == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("42", "the number 42"),
        ('"exec"', 'the string "exec"'),
        ("null", "null"),
        ("true", "the boolean true"),
    ],
)
def test_top_level_scalar_is_an_error(text: str, words: str) -> None:
    """A scalar is not a definition: one error naming what the text holds."""
    document = load_text(text)

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.ERROR, "not-an-object")
    assert (problem.line, problem.column) == (1, 1)
    assert f"this text holds {words}" in problem.message
    assert document.definitions() == []


def test_top_level_array_holds_one_definition_per_item() -> None:
    """An array is a list of definitions, each at its index."""
    document = load_text('[{"exec": "a"}, {"exec": "b"}, 3]')

    assert document.definitions() == [
        ((0,), {"exec": "a"}),
        ((1,), {"exec": "b"}),
        ((2,), 3),
    ]


def test_empty_array_is_a_warning() -> None:
    """An empty array holds no definitions, which is worth a warning."""
    problem = _only(load_text("[]").problems)

    assert (problem.severity, problem.code) == (Severity.WARNING, "no-definitions")


@pytest.mark.parametrize(
    ("objects", "words"),
    [("{}", "an object"), ("null", "null"), ('"x"', 'the string "x"')],
)
def test_list_document_whose_objects_is_no_array_is_an_error(
    objects: str, words: str
) -> None:
    """meta and objects frame a list document: objects that is no array is an
    error at it, and the frame is no definition."""
    document = load_text(f'{{"meta": {{}}, "objects": {objects}}}')

    problem = _only(document.problems)
    assert (problem.severity, problem.code, problem.path) == (
        Severity.ERROR,
        "not-a-list-document",
        ("objects",),
    )
    assert (problem.line, problem.column) == (1, 25)
    assert problem.message == (
        '`objects` of a list document is an array of {"definition": {...}, ...} '
        f"entries, not {words}"
    )
    assert document.definitions() == []


def test_list_document_holds_the_definitions_of_its_objects() -> None:
    """The registry's list document holds one definition per entry of objects."""
    text = (
        '{"meta": {"total_count": 2}, "objects": ['
        '{"definition": {"exec": "a"}, "id": 1},'
        '{"definition": {"exec": "b"}, "id": 2}]}'
    )
    document = load_text(text)

    assert document.problems == []
    assert document.definitions() == [
        (("objects", 0, "definition"), {"exec": "a"}),
        (("objects", 1, "definition"), {"exec": "b"}),
    ]


def test_list_document_entry_without_definition_is_an_error() -> None:
    """An entry of objects without a definition is an error at that entry."""
    document = load_text('{"objects": [{"definition": {"exec": "a"}},\n {"id": 2}]}')

    problem = _only(document.problems)
    assert (problem.code, problem.path) == ("not-a-definition", ("objects", 1))
    assert (problem.line, problem.column) == (2, 2)
    assert document.definitions() == [(("objects", 0, "definition"), {"exec": "a"})]


def test_object_with_exec_and_objects_is_a_definition() -> None:
    """An object with exec is a definition even when it has an objects key."""
    document = load_text('{"exec": "a", "objects": []}')

    assert document.definitions() == [((), {"exec": "a", "objects": []})]


def test_locate_finds_values_and_keys_of_strictly_parsed_text() -> None:
    """Positions are found for valid text read on the fast path."""
    document = load_text('{\n  "exec": "a",\n  "argv": [\n    "-v",\n    "x"\n  ]\n}')

    assert document.locate(()) == (1, 1)
    assert document.locate(("exec",)) == (2, 11)
    assert document.locate(("exec",), key=True) == (2, 3)
    assert document.locate(("argv", 1)) == (5, 5)
    assert document.locate(("argv", 2)) is None
    assert document.locate(("nothing",)) is None


def test_locate_counts_columns_in_characters_and_any_line_break() -> None:
    """Columns count characters, not bytes; CR LF and CR end lines too."""
    document = load_text('{"name": "é€😀",\r\n"exec":\r"a"}')

    assert document.locate(("name",), key=True) == (1, 2)
    assert document.locate(("exec",), key=True) == (2, 1)
    assert document.locate(("exec",)) == (3, 1)


def test_byte_order_mark_in_text_is_accepted_with_a_note() -> None:
    """A text starting with U+FEFF is read, with an info about the mark."""
    document = load_text('\ufeff{"exec": "a"}')

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.INFO, "byte-order-mark")
    assert document.value == {"exec": "a"}
    assert document.locate(("exec",)) == (1, 10)


def test_utf8_byte_order_mark_is_accepted_with_a_note() -> None:
    """UTF-8 bytes with a byte order mark are read, with an info."""
    document = load_bytes(codecs.BOM_UTF8 + b'{"exec": "a"}', "x.json")

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.INFO, "byte-order-mark")
    assert "UTF-8 byte order mark" in problem.message
    assert document.value == {"exec": "a"}


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")],
)
def test_utf16_and_utf32_with_byte_order_mark_are_decoded(
    encoding: str, name: str
) -> None:
    """UTF-16 and UTF-32 with a byte order mark are decoded, with an info."""
    text = '{"exec": "/usr/bin/é"}'
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data

    document = load_bytes(data, "x.json")

    problem = _only(document.problems)
    assert problem.severity is Severity.INFO
    assert f"the file is {name}" in problem.message
    assert document.value == {"exec": "/usr/bin/é"}


def test_utf16_without_byte_order_mark_is_an_error() -> None:
    """UTF-16 without a mark is refused with advice, not read as garbage."""
    problem = _only(load_bytes('{"exec": "a"}'.encode("utf-16-le"), "x").problems)

    assert (problem.severity, problem.code) == (Severity.ERROR, "encoding")
    assert "without a byte order mark" in problem.message


def test_invalid_utf8_is_an_error_at_its_line_and_column() -> None:
    """Bytes that are not UTF-8 give their byte offset, line and column."""
    data = b'{\n  "exec": "caf\xe9"\n}'

    document = load_bytes(data, "x.json")

    problem = _only(document.problems)
    assert document.value is None
    assert (problem.severity, problem.code) == (Severity.ERROR, "encoding")
    assert (problem.line, problem.column) == (2, 15)
    assert "byte 0xE9 at byte offset 16" in problem.message


def test_invalid_utf8_after_byte_order_mark_counts_the_mark() -> None:
    """The byte offset counts from the start of the file, mark included."""
    data = codecs.BOM_UTF8 + b'{"exec": "\xff"}'

    problem = _only(load_bytes(data, "x.json").problems)

    assert (problem.line, problem.column) == (1, 11)
    assert "byte offset 13" in problem.message


def test_load_file_reads_a_file_with_its_name_as_origin(tmp_path: Path) -> None:
    """A file is read with its path as the document's origin."""
    path = tmp_path / "tool.json"
    path.write_text('{"exec": "a",}', encoding="utf-8")

    document = load_file(path)

    assert document.origin == str(path)
    assert document.value == {"exec": "a"}
    assert [p.code for p in document.problems] == ["trailing-comma"]


def test_load_file_of_a_missing_file_raises_definition_error(tmp_path: Path) -> None:
    """A file that cannot be read raises DefinitionError naming it."""
    path = tmp_path / "missing.json"

    with pytest.raises(DefinitionError, match=r"cannot read .*missing\.json"):
        load_file(path)


def test_load_file_of_a_directory_raises_definition_error(tmp_path: Path) -> None:
    """A directory is not a definition file."""
    with pytest.raises(DefinitionError, match="cannot read"):
        load_file(tmp_path)


def test_escaped_strings_are_decoded() -> None:
    """Escapes in keys and values are decoded like any JSON reader does."""
    document = load_text('{"ex\\u0065c": "a\\"b\\\\c\\n\\u00e9", "x": [1.5, -2e3],}')
    assert document.value == {"exec": 'a"b\\c\né', "x": [1.5, -2000.0]}


def test_unpaired_surrogate_escape_is_an_error_at_its_string() -> None:
    """A lone surrogate escape cannot be stored, so it is an error at its string."""
    document = load_text('{"exec": "a",\n "argv": ["\\ud800x", "\\ud83d\\ude00"]}')

    problem = _only(document.problems)
    assert (problem.severity, problem.code) == (Severity.ERROR, "unpaired-surrogate")
    assert (problem.path, problem.line, problem.column) == (("argv", 0), 2, 11)
    assert document.value == {"exec": "a", "argv": ["\ud800x", "😀"]}


def test_escaped_backslash_before_u_is_not_a_surrogate() -> None:
    """A literal backslash followed by ud800 is text, not an escape."""
    document = load_text('{"exec": "C:\\\\ud800"}')

    assert document.problems == []
    assert document.value == {"exec": "C:\\ud800"}


def test_nesting_one_level_over_the_limit_is_refused() -> None:
    """The limit is exact: one level more than it is refused."""
    depth = MAX_DEPTH + 1
    document = load_text("[" * depth + "]" * depth)

    problem = _only(document.problems)
    assert (problem.code, problem.line, problem.column) == ("too-deep", 1, depth)
