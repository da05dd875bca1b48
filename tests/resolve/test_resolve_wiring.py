"""The wiring: what each adapter looks like between the bus and the process."""

from __future__ import annotations

from procreg_tui.resolve import WiringAdapter, WiringProcess, wiring


def test_no_adapters_say_the_process_is_cut_off_from_the_bus() -> None:
    """A definition without adapters draws both ends as none."""
    drawn = wiring({"exec": "/bin/date"})

    assert drawn.to_text() == [
        "message bus",
        "  ↓",
        "input adapter   none: the process gets nothing from the bus",
        "  ↓",
        "process         /bin/date  (0 arguments)",
        "  ↓",
        "output adapter  none: the process sends nothing to the bus",
        "  ↓",
        "message bus",
    ]


def test_an_unknown_kind_shows_its_parameters_as_written() -> None:
    """An unknown kind is drawn with each parameter as JSON text."""
    definition = {
        "exec": "x",
        "input_adapter": {
            "input_type": "s3",
            "input_params": {"bucket": "b", "retries": 3, "tags": ["a"]},
        },
    }

    drawn = wiring(definition)

    assert drawn.input == WiringAdapter(
        direction="input",
        kind="s3",
        known=False,
        title="s3 (unknown kind)",
        how="unknown to procreg; its parameters are shown as written",
        details=(("bucket", "b"), ("retries", "3"), ("tags", '["a"]')),
    )
    assert drawn.to_text()[2:7] == [
        "input adapter   s3 (unknown kind)",
        "    bucket      b",
        "    retries     3",
        '    tags        ["a"]',
        "    how         unknown to procreg; its parameters are shown as written",
    ]


def test_a_path_variable_missing_from_argv_is_drawn_as_never_passed() -> None:
    """A file path the arguments never carry says so in the wiring."""
    definition = {
        "exec": "x",
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": "${output_file}"},
        },
    }

    drawn = wiring(definition, {"output_file": "/o"})

    assert drawn.output is not None
    assert (drawn.output.path, drawn.output.variable, drawn.output.how) == (
        "/o",
        "output_file",
        "never passed: the path is not among the arguments",
    )


def test_an_argument_used_twice_lists_both_positions() -> None:
    """A path passed twice names both argument positions."""
    definition = {
        "exec": "x",
        "argv": ["${p}", "-o", "--copy=${p}"],
        "input_adapter": {
            "input_type": "pipe",
            "input_parameters": {"pipe_path": "${p}"},
        },
    }

    drawn = wiring(definition)

    assert drawn.input is not None
    assert (drawn.input.arguments, drawn.input.how) == (
        (1, 3),
        "passed as arguments 1, 3",
    )
    assert drawn.process == WiringProcess("x", 3)


def test_stderr_and_append_streams_name_their_operator() -> None:
    """Output on standard error shows 2>, an appended stdout shows >>."""
    stderr = wiring(
        {
            "exec": "x",
            "output_adapter": {
                "output_type": "file",
                "output_parameters": {"file_type": "stream", "stream_name": "STDERR"},
            },
        }
    )
    appended = wiring(
        {
            "exec": "x",
            "output_adapter": {
                "output_type": "append",
                "output_parameters": {"file_path": "/log"},
            },
        }
    )

    assert stderr.output is not None
    assert appended.output is not None
    assert stderr.output.how == "captured from standard error (2>)"
    assert (
        appended.output.how == "standard output appended to it (>>); read as it grows"
    )


def test_long_and_hostile_text_wraps_and_is_escaped() -> None:
    """Long paths wrap within the width; control characters show as escapes."""
    path = "/data/" + "x" * 100 + "\n\x1b[31m"
    definition = {
        "exec": "x\u202e",
        "argv": [path],
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": path},
        },
    }

    lines = wiring(definition).to_text(width=40, ascii_only=True)

    assert lines == [
        "message bus",
        "  v",
        "input adapter   file path",
        "    path        /data/" + "x" * 18,
        " " * 16 + "x" * 24,
        " " * 16 + "x" * 24,
        " " * 16 + "x" * 24,
        " " * 16 + "x" * 10 + "\\n\\x1b[31m",
        "    how         passed as argument 1",
        "  v",
        "process         x\\u202e  (1 argument)",
        "  v",
        "output adapter  none: the process sends",
        "                nothing to the bus",
        "  v",
        "message bus",
    ]
