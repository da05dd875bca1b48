"""The condor export: HTCondor's own bindings read back exactly the definition."""

from __future__ import annotations

import os
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

from procreg_tui.export import ExportError, ExportFormat, engine_export
from procreg_tui.export._condor import quote_arguments
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


def test_quoting_follows_the_new_syntax() -> None:
    """The arguments value: double quotes around all, single around spaced words."""
    assert quote_arguments(["a b", "it's", 'say "x"', "", "$(X)"]) == (
        "\"'a b' 'it''s' 'say \"\"x\"\"' '' $(DOLLAR)(X)\""
    )


def test_match_time_reference_is_a_warning(registry_path: Path) -> None:
    """An argument holding $$( is kept but warned about: HTCondor expands it."""
    definition = {"exec": "/bin/echo", "argv": ["$$(Memory)"]}

    export = engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)

    assert resolve(definition).argv[1] == "$$(Memory)"
    assert export.warnings == [
        "definition 1 (echo): argument $$(Memory) holds $$(, which HTCondor replaces"
        " with a machine attribute when the job is matched."
    ]
    assert "# WARNING: argument $$(Memory) holds $$(" in export.text


def test_line_break_in_an_argument_is_an_error(registry_path: Path) -> None:
    """A line break cannot be written in a submit description: ExportError names it."""
    definition = {"exec": "/bin/echo", "argv": ["one\ntwo"]}

    with pytest.raises(
        ExportError,
        match=r"definition 1 \(echo\): argv\[0\] one\\ntwo holds a line break",
    ):
        engine_export(store(registry_path, [definition]), ExportFormat.CONDOR)


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
