"""One file for several definitions: only a multi-document YAML stream is one.

``EngineExport.file_text`` is what ``-o FILE`` should write. The engines'
own tools show why the stream of the other formats is no file of theirs.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine_cases import store
from test_export_cwl import run_cwltool
from test_export_systemd import verify

from procreg_tui.export import ExportError, ExportFormat, engine_export
from procreg_tui.registry import Record

os.environ.setdefault("CONDOR_CONFIG", "/dev/null")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import htcondor

APART = {
    ExportFormat.SLURM: (
        "sbatch runs a script as one job and ignores the #SBATCH lines after its"
        " first command"
    ),
    ExportFormat.CONDOR: (
        "in one submit description each job keeps the commands of the jobs"
        " before it that it does not set"
    ),
    ExportFormat.SYSTEMD: (
        "systemd reads a unit file as one unit, later settings joining earlier ones"
    ),
    ExportFormat.CWL: "a CWL runner reads the first tool of a file only",
}
"""Why several documents of each format cannot share one file."""


@pytest.fixture
def two(registry_path: Path, example_definitions: list[dict[str, Any]]) -> list[Record]:
    """The sort-lines and tr-strip-x examples, stored as ids 1 and 2."""
    names = ("sort-lines", "tr-strip-x")
    return store(registry_path, [d for d in example_definitions if d["name"] in names])


@pytest.mark.parametrize("export_format", list(APART))
def test_several_definitions_cannot_share_one_file(
    two: list[Record], export_format: ExportFormat
) -> None:
    """file_text refuses, saying why and that -o DIR/ writes one file each."""
    export = engine_export(two, export_format)

    with pytest.raises(ExportError) as raised:
        export.file_text()

    assert str(raised.value) == (
        f"2 definitions cannot share one file: {APART[export_format]}; write each"
        " to its own file with -o DIR/"
    )


@pytest.mark.parametrize("export_format", [*APART, ExportFormat.K8S])
def test_one_definition_is_exactly_its_file(
    two: list[Record], export_format: ExportFormat
) -> None:
    """With one definition, file_text is its document, for every format."""
    export = engine_export(two[:1], export_format)

    assert export.file_text() == export.documents[0].text == export.text


def test_a_k8s_stream_is_one_file_of_every_manifest(two: list[Record]) -> None:
    """Several manifests are one YAML file, as kubectl apply -f reads it."""
    export = engine_export(two, ExportFormat.K8S)

    text = export.file_text()

    assert text == export.text
    assert [m["metadata"]["name"] for m in yaml.safe_load_all(text)] == [
        "procreg-1-sort-lines",
        "procreg-2-tr-strip-x",
    ]


def test_cwltool_reads_only_the_first_tool_of_the_stream(
    two: list[Record], tmp_path: Path
) -> None:
    """The CWL stream validates, but as the sort tool alone: tr is lost."""
    joined = tmp_path / "both.cwl"
    joined.write_text(engine_export(two, ExportFormat.CWL).text)

    status, printed = run_cwltool("--print-pre", str(joined))

    assert status == 0
    assert yaml.safe_load(printed)["baseCommand"] == ["sort"]


def test_systemd_reads_the_stream_as_one_unit_running_both(
    two: list[Record], tmp_path: Path
) -> None:
    """systemd-analyze accepts the joined units as one, with both commands."""
    joined = tmp_path / "both.service"
    joined.write_text(engine_export(two, ExportFormat.SYSTEMD).text)

    lines = joined.read_text().splitlines()

    assert verify(joined) == []
    assert [line.split(" ")[0] for line in lines if line.startswith("ExecStart=")] == [
        'ExecStart="sort"',
        'ExecStart="/usr/bin/tr"',
    ]


def test_htcondor_bindings_see_one_job_in_the_stream(two: list[Record]) -> None:
    """The bindings read the first job of the joined submit descriptions only."""
    joined = engine_export(two, ExportFormat.CONDOR).text

    ads = list(htcondor.Submit(joined).jobs(count=1))

    assert [ad["Cmd"] for ad in ads] == ["/usr/bin/env"]
    assert joined.count("\nqueue\n") == 2


def test_the_second_scripts_directives_follow_the_first_command(
    two: list[Record],
) -> None:
    """sbatch stops reading #SBATCH at the first command: the second job's are lost."""
    lines = engine_export(two, ExportFormat.SLURM).text.splitlines()
    commands = [
        index
        for index, line in enumerate(lines)
        if line.strip() and not line.startswith("#")
    ]
    names = [i for i, line in enumerate(lines) if line.startswith("#SBATCH --job")]

    assert lines[names[1]] == "#SBATCH --job-name=tr-strip-x"
    assert [i > commands[0] for i in names] == [False, True]
