"""The condor export: HTCondor's own bindings read back exactly the definition."""

from __future__ import annotations

import os
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    HOSTILE,
    check_golden,
    export_examples,
    hostile_definition,
    store,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from procreg_tui.export import ExportError, ExportFormat, engine_export
from procreg_tui.export._condor import quote_arguments, submit_value
from procreg_tui.resolve import resolve

os.environ.setdefault("CONDOR_CONFIG", "/dev/null")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import htcondor


def job_ad(text: str) -> Any:
    """Return the job ad HTCondor makes of the submit description ``text``.

    HTCondor refuses an ``initialdir`` that does not exist here; it is checked
    as written, then left out of the ad.
    """
    submit = htcondor.Submit(text)
    directory = submit.expand("initialdir") if submit.get("initialdir", "") else ""
    if directory and not Path(directory).is_dir():
        lines = text.splitlines(keepends=True)
        text = "".join(line for line in lines if not line.startswith("initialdir ="))
        return {**next(iter(htcondor.Submit(text).jobs(count=1))), "Iwd": directory}
    return next(iter(submit.jobs(count=1)))


CONDOR_MACROS = [
    "$ENV(HOME)",
    "$ENV(HOME:default)",
    "$RANDOM_CHOICE(a,b)",
    "$RANDOM_INTEGER(1,5)",
    "$INT(3)",
    "$REAL(1.5)",
    "$EVAL(1+1)",
    "$STRING(x)",
    "$Fn(/a/b.c)",
    "$Fqpdnxba(/a/b.c)",
    "$BASENAME(/a/b)",
    "$DIRNAME(/a/b)",
    "$CHOICE(0,a,b)",
    "$SUBSTR(abc,1)",
    "$(DOLLAR)",
    "$(dollar)",
    "$(DOLLAR)(DOLLAR)",
    "$$",
    "$$$",
    "x$",
    "$$([1+1])",
    "$$(Memory)",
    "$$(Memory:1)",
    "$$(DOLLARDOLLAR)",
    "$$$(X)",
    "$$$$(X)",
    "$(X)",
    "$(Process)",
    "$(ENV(HOME))",
    "$ENV($(X))",
    "it's $ENV(HOME) and $(X)",
    "$'(X)'",
    "'$'",
    '"$(X)"',
]
"""Arguments HTCondor's macro expansion would change, were they written as they are."""


def matched(text: str) -> str:
    """Return an ad's ``text`` after the schedd's expansion when the job is matched.

    The schedd replaces ``$$(NAME)`` and ``$$([expression])`` in the job ad,
    reading a run of ``$`` in pairs; ``$$(DOLLARDOLLAR)`` is its documented
    escape for ``$$``, after which it reads on. Here every other ``$$(`` fails
    the test, even one the schedd would leave alone.
    """
    out = []
    position = 0
    for run in re.finditer(r"\$+", text):
        out.append(text[position : run.end()])
        position = run.end()
        if len(run.group()) % 2 == 0 and text.startswith("(", position):
            escape = "(DOLLARDOLLAR)"
            assert text[position:].upper().startswith(escape), text
            position += len(escape)
    return "".join(out) + text[position:]


def split_ad_words(text: str) -> list[str]:
    """Return the words of an ad's ``Arguments`` or ``Environment`` (V2 syntax).

    White space separates words; single quotes group, and inside them ``''``
    is one single quote. HTCondor writes the ad in this form itself.
    """
    words: list[str] = []
    word: list[str] | None = None
    quoted = False
    index = 0
    while index < len(text):
        character = text[index]
        if quoted:
            if text.startswith("''", index):
                word = [*(word or []), "'"]
                index += 2
                continue
            if character == "'":
                quoted = False
            else:
                word = [*(word or []), character]
        elif character == "'":
            quoted = True
            word = word or []
        elif character.isspace():
            if word is not None:
                words.append("".join(word))
            word = None
        else:
            word = [*(word or []), character]
        index += 1
    if word is not None:
        words.append("".join(word))
    return words


def test_examples_match_golden_files(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Each example's submit description is exactly its golden file."""
    export = export_examples(registry_path, example_definitions, ExportFormat.CONDOR)

    check_golden(export, "condor")


def test_every_example_reads_back_as_its_definition(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """The job ad of each example has its executable, arguments, streams and limit."""
    export = export_examples(registry_path, example_definitions, ExportFormat.CONDOR)

    for definition, document in zip(example_definitions, export.documents, strict=True):
        ad = job_ad(document.text)
        samples = {
            "input_file": "/tmp/procreg/input",
            "output_file": "/tmp/procreg/output",
        }
        resolution = resolve(definition, samples)
        argv = list(resolution.argv)
        if "/" not in argv[0]:
            argv = ["/usr/bin/env", *argv]
        streams = {r.fd: r.target for r in resolution.redirections}

        assert [ad["Cmd"], *split_ad_words(ad.get("Arguments", ""))] == argv
        assert ad["In"] == streams.get(0, "/dev/null")
        assert ad["Out"] == streams.get(1, "/dev/null")
        assert ad.get("AllowedExecuteDuration") == definition.get("timeout")
        assert ad["TransferExecutable"] is False
        environment = [f"{k}={v}" for k, v in definition.get("environment", {}).items()]
        assert split_ad_words(ad.get("Environment", "")) == environment
        if "cwd" in definition:
            assert ad["Iwd"] == definition["cwd"]


def test_hostile_arguments_and_environment_read_back_unchanged(
    registry_path: Path, tmp_path: Path
) -> None:
    """Spaces, quotes, $, $(...) and % in arguments and values survive the bindings."""
    folder = tmp_path / "it's a $(folder)"
    folder.mkdir()
    definition = {**hostile_definition(), "cwd": str(folder)}
    export = engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)

    ad = job_ad(export.text)

    assert split_ad_words(ad["Arguments"]) == list(resolve(definition).argv[1:])
    assert split_ad_words(ad["Arguments"])[2:] == HOSTILE
    assert split_ad_words(ad["Environment"]) == [
        f"HOSTILE={definition['environment']['HOSTILE']}"
    ]
    assert ad["Iwd"] == str(folder)
    assert export.warnings == []


def test_condor_macros_in_arguments_environment_and_paths_read_back(
    registry_path: Path, tmp_path: Path
) -> None:
    """$ENV(), $INT(), $(DOLLAR), $$(...) and the like reach the job as written.

    Each is an argument and an environment value, and some are in the names
    of the executable, the folder and the stream files; the job ad holds each
    exactly, once the schedd has expanded its match-time macros.
    """
    executable = tmp_path / "run $ENV(HOME) $INT(3)"
    folder = tmp_path / "in $Fn(b.c) $$(Memory) $$$(X)"
    folder.mkdir()
    definition = {
        "exec": str(executable),
        "argv": [argument.replace("${", "$${") for argument in CONDOR_MACROS],
        "cwd": str(folder),
        "environment": {f"V{i:02d}": value for i, value in enumerate(CONDOR_MACROS)},
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
    }
    files = {"input_file": "/in/$RANDOM_CHOICE(a,b)", "output_file": "/o/$$$(X)"}
    records = store(registry_path, [definition])
    export = engine_export(records, ExportFormat.CONDOR, files)

    ad = job_ad(export.text)

    assert list(resolve(definition).argv[1:]) == CONDOR_MACROS
    assert split_ad_words(matched(ad["Arguments"])) == CONDOR_MACROS
    assert split_ad_words(matched(ad["Environment"])) == [
        f"V{i:02d}={value}" for i, value in enumerate(CONDOR_MACROS)
    ]
    assert matched(ad["Cmd"]) == str(executable)
    assert matched(ad["Iwd"]) == str(folder)
    assert matched(ad["In"]) == "/in/$RANDOM_CHOICE(a,b)"
    assert matched(ad["Out"]) == "/o/$$$(X)"
    assert export.warnings == []


def test_quoting_follows_the_new_syntax() -> None:
    """The arguments value: double quotes around all, single around spaced words.

    Each ``$`` is followed by a single-quoted part, so that no macro starts
    at it; ``$$(`` gets the schedd's escape ``(DOLLARDOLLAR)``.
    """
    assert quote_arguments(["a b", "it's", 'say "x"', "", "$(X)"]) == (
        "\"'a b' 'it''s' 'say \"\"x\"\"' '' $'(X)'\""
    )
    assert quote_arguments(["$ENV(HOME)", "a $(DOLLAR)'", "x$", "$$(Memory)"]) == (
        "\"$'ENV(HOME)' 'a '$'(DOLLAR)''' x$'' $''$'(DOLLARDOLLAR)(Memory)'\""
    )


def test_match_time_reference_is_escaped_for_the_schedd(registry_path: Path) -> None:
    """$$(Memory) is written so that the schedd gives back $$(Memory), no warning."""
    definition = {"exec": "/bin/echo", "argv": ["$$(Memory)"]}

    export = engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)

    assert resolve(definition).argv[1] == "$$(Memory)"
    assert "arguments = \"$''$'(DOLLARDOLLAR)(Memory)'\"\n" in export.text
    assert job_ad(export.text)["Arguments"] == "$$(DOLLARDOLLAR)(Memory)"
    assert export.warnings == []


def test_paths_escape_only_what_opens_a_macro() -> None:
    """A lone $ before NAME( is $(DOLLAR); $$( gets the schedd's escape."""
    assert submit_value("/a/$ENV(HOME)/$x/$$/$$$(X)") == (
        "/a/$(DOLLAR)ENV(HOME)/$x/$$/$$$(DOLLAR)(X)"
    )
    assert submit_value("/a/$$(Memory)") == "/a/$$(DOLLARDOLLAR)(Memory)"
    assert submit_value("/a/$$(DOLLAR)") == "/a/$$(DOLLARDOLLAR)(DOLLAR)"
    refused = ["/a/$(DOLLAR)", "/$$$(dollar)", "/$ENV($(X))", "/$Fn(a$b(", "/$(a$x(y)"]
    for path in refused:
        with pytest.raises(ValueError, match=r"^holds "):
            submit_value(path)


def test_a_path_holding_dollar_macro_is_an_error(registry_path: Path) -> None:
    """HTCondor always makes $(DOLLAR) $ in a path: ExportError names the field."""
    definition = {"exec": "/bin/echo", "cwd": "/srv/$(DOLLAR)"}
    nested = {"exec": "/srv/$ENV($(X))"}

    records = store(registry_path, [definition, nested])

    with pytest.raises(ExportError) as raised:
        engine_export(records[:1], ExportFormat.CONDOR)
    with pytest.raises(ExportError) as raised_nested:
        engine_export(records[1:], ExportFormat.CONDOR)

    assert str(raised.value) == (
        "definition 1 (echo): cwd /srv/$(DOLLAR) holds $(DOLLAR), which HTCondor"
        " always turns into $"
    )
    assert str(raised_nested.value) == (
        "definition 2 ($ENV($(X))): exec /srv/$ENV($(X)) holds a $NAME( or $("
        " inside the parentheses of another, which HTCondor may read as one macro"
    )


_MACRO_TEXT = st.lists(
    st.sampled_from(
        [
            *("$", "$", "$", "(", ")", "ENV", "DOLLAR", "dollar", "DOLLARDOLLAR"),
            *("x", " ", "'", '"', "[1+1]", ":", "Fn", "b", "/", "CHOICE", ",", "M"),
        ]
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MACRO_TEXT)
def test_any_text_reaches_the_job_ad_or_is_refused(text: str) -> None:
    """Through the bindings: arguments and values always, paths unless refused.

    A path is refused only for ``$(DOLLAR)`` or for a ``$`` after another.
    """
    words = [text, f"a{text}", f"{text}b"]
    path = f"/p/{text}".rstrip()
    try:
        value: str | None = submit_value(path)
    except ValueError:
        value = None
    lines = [
        "executable = /bin/echo",
        f"arguments = {quote_arguments(words)}",
        f"environment = {quote_arguments([f'V={text}'])}",
    ]
    if value is not None:
        lines.append(f"output = {value}")

    ad = next(iter(htcondor.Submit("\n".join([*lines, "queue", ""])).jobs(count=1)))

    assert split_ad_words(matched(ad["Arguments"])) == words
    assert split_ad_words(matched(ad["Environment"])) == [f"V={text}"]
    if value is not None:
        assert matched(ad["Out"]) == path
    else:
        assert re.search(r"(?i)\$\(DOLLAR\)|\$.*\$", path)


def test_line_break_in_an_argument_is_an_error(registry_path: Path) -> None:
    """A line break cannot be written in a submit description: ExportError names it."""
    definition = {"exec": "/bin/echo", "argv": ["one\ntwo"]}

    with pytest.raises(
        ExportError,
        match=r"definition 1 \(echo\): argv\[0\] one\\ntwo holds a line break",
    ):
        engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)


def test_every_definition_that_cannot_be_written_is_named(
    registry_path: Path,
) -> None:
    """Two of three definitions hold a line break: the error has a line for each."""
    definitions = [
        {"exec": "/bin/echo", "argv": ["one\ntwo"]},
        {"exec": "/bin/true"},
        {"exec": "/bin/cat", "environment": {"X": "a\rb"}},
    ]

    with pytest.raises(ExportError) as raised:
        engine_export(store(registry_path, definitions), ExportFormat.CONDOR)

    assert str(raised.value).split("\n") == [
        "definition 1 (echo): argv[0] one\\ntwo holds a line break, which an"
        " HTCondor submit description cannot carry",
        "definition 3 (cat): environment X=a\\rb holds a line break, which an"
        " HTCondor submit description cannot carry",
    ]


def test_appending_output_is_a_warning(registry_path: Path) -> None:
    """An append adapter on standard output is replaced, and said so."""
    definition = {
        "exec": "/bin/date",
        "output_adapter": {
            "output_type": "append",
            "output_parameters": {"file_path": "/var/log/dates"},
        },
    }

    export = engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)

    assert "output = /var/log/dates\n" in export.text
    assert export.warnings == [
        "definition 1 (date): the output file /var/log/dates is replaced, not"
        " appended to: HTCondor cannot append."
    ]


@pytest.mark.parametrize("name", ["-", "-x", "a=b", "tr"])
def test_an_executable_env_would_misread_still_runs(
    registry_path: Path, tmp_path: Path, name: str
) -> None:
    """The job's command, run as HTCondor runs it, starts ``name`` from PATH
    with the definition's arguments: env takes a leading "-" for an option, a
    lone "-" for -i and "a=b" for an assignment, so those go through sh."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / name
    program.write_text('#!/bin/sh\nprintf "%s|" "$0" "$@"\n', encoding="utf-8")
    program.chmod(0o755)
    definition = {"exec": name, "argv": ["-i", "a b"]}
    ad = job_ad(
        engine_export(store(registry_path, [definition]), ExportFormat.CONDOR).text
    )

    ran = subprocess.run(
        [ad["Cmd"], *split_ad_words(ad["Arguments"])],
        env={"PATH": f"{folder}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert (ran.returncode, ran.stdout) == (0, f"{program}|-i|a b|")
