"""export to schedulers: warnings on stderr, folders, streams, --set, refusals."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from cli_runner import Procreg

from procreg_tui.export import EngineExport, ExportFormat, engine_export, export_text
from procreg_tui.registry import Registry

ENGINES = ["cwl", "condor", "slurm", "systemd", "k8s"]
STREAMS = ["registry", "definitions", "ndjson", "sh"]

EXAMPLES = [
    "1-ffmpeg-to-mp3",
    "2-full-format-service",
    "3-iconv-output-argument",
    "4-sort-lines",
    "5-tr-strip-x",
    "6-wc-input-argument",
]
"""The seeded examples as the scheduler formats name their files."""

FILE_NAMES = {
    "cwl": "{}.cwl",
    "condor": "{}.sub",
    "slurm": "{}.sbatch",
    "systemd": "procreg-{}.service",
    "k8s": "{}.yaml",
}

SERVICE = "procreg: warning: definition 2 (full-format-service): "
APPLICATION = (
    "application ingest-worker-v2 is not carried: deploy it where the job runs."
)
TCP = (
    "the input arrives on TCP port 8090: nothing here sends it; the process must "
    "be fed by the bus."
)
SERVICE_WARNINGS = {
    "cwl": [
        APPLICATION,
        TCP,
        "the working directory /srv/pipeline is not carried: CWL has no field for "
        "it; the tool runs in its output folder.",
        "a service is run as a tool that is expected to finish.",
        "the output file /srv/pipeline/results.log is not an output of the tool: a"
        " CWL runner collects files from its output folder only; the process"
        " writes it where it is.",
    ],
    "condor": [APPLICATION, TCP],
    "slurm": [APPLICATION, TCP],
    "systemd": [APPLICATION, TCP],
    "k8s": [
        TCP,
        "the timeout of 3600 s is not carried: a Deployment restarts its pods and "
        "has no deadline.",
    ],
}
"""What each format says it cannot express of the TCP-fed service example."""

ENGINE_NAMES = "cwl, condor, slurm, systemd, k8s"


def _exported(
    registry_path: Path,
    ids: list[int] | None,
    export_format: str,
    bindings: Mapping[str, str] | None = None,
) -> EngineExport:
    """Return what the export area gives for the stored records ``ids`` (or all)."""
    with Registry.open(registry_path, read_only=True) as registry:
        records = list(registry.records())
    if ids is not None:
        records = [record for record in records if record.id in ids]
    return engine_export(records, ExportFormat(export_format), bindings)


@pytest.mark.parametrize("export_format", ENGINES)
def test_tcp_example_warns_on_stderr_and_streams_its_file(
    procreg: Procreg, seeded: Path, export_format: str
) -> None:
    """Each thing a format cannot express is one warning line; stdout is the file."""
    result = procreg("export", "2", "--format", export_format)

    assert result.status == 0
    assert result.stderr.splitlines() == [
        SERVICE + warning for warning in SERVICE_WARNINGS[export_format]
    ]
    assert result.stdout == _exported(seeded, [2], export_format).text


def test_several_definitions_stream_with_file_lines(
    procreg: Procreg, seeded: Path
) -> None:
    """Several ids on stdout are the engine's stream, each file named by a line."""
    result = procreg("export", "4", "5", "--format", "k8s")

    assert result.status == 0
    assert result.stdout == _exported(seeded, [4, 5], "k8s").text
    assert result.stdout.startswith("--- # ==> 4-sort-lines.yaml <==\n")
    assert "\n--- # ==> 5-tr-strip-x.yaml <==\n" in result.stdout


@pytest.mark.parametrize("export_format", ENGINES)
def test_folder_gets_one_file_per_definition(
    procreg: Procreg, seeded: Path, tmp_path: Path, export_format: str
) -> None:
    """-o DIR/ creates DIR, writes each definition's file and names each on stderr."""
    folder = tmp_path / "out"
    expected = _exported(seeded, None, export_format)
    names = [FILE_NAMES[export_format].format(example) for example in EXAMPLES]

    result = procreg("export", "--format", export_format, "-o", f"{folder}/")

    assert (result.status, result.stdout) == (0, "")
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)
    assert {name: (folder / name).read_text("utf-8") for name in names} == {
        document.file_name: document.text for document in expected.documents
    }
    assert result.stderr.splitlines() == [
        *(f"procreg: warning: {warning}" for warning in expected.warnings),
        *(f"procreg: wrote {folder / name}" for name in names),
    ]


def test_existing_folder_without_slash_is_a_folder(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """-o naming an existing folder writes into it even without a trailing /."""
    folder = tmp_path / "units"
    folder.mkdir()

    result = procreg("export", "5", "--format", "systemd", "-o", str(folder))

    assert result.status == 0
    assert result.stderr == (
        f"procreg: wrote {folder / 'procreg-5-tr-strip-x.service'}\n"
    )
    assert [path.name for path in folder.iterdir()] == ["procreg-5-tr-strip-x.service"]


def test_file_output_of_k8s_is_the_stream(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """-o FILE of several Kubernetes manifests writes them as one YAML stream."""
    target = tmp_path / "jobs.yaml"

    result = procreg("export", "5", "6", "--format", "k8s", "-o", str(target))

    assert (result.status, result.stdout) == (0, "")
    assert result.stderr.endswith(f"\nprocreg: wrote 2 definitions to {target}\n")
    assert target.read_text("utf-8") == _exported(seeded, [5, 6], "k8s").text


@pytest.mark.parametrize("export_format", ["cwl", "condor", "slurm", "systemd"])
def test_several_definitions_in_one_file_of_a_single_document_format_are_refused(
    procreg: Procreg, seeded: Path, tmp_path: Path, export_format: str
) -> None:
    """A format whose file holds one document refuses -o FILE for several,
    pointing to -o DIR/; nothing is written."""
    target = tmp_path / "jobs.out"

    result = procreg("export", "5", "6", "--format", export_format, "-o", str(target))

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.startswith("procreg: 2 definitions cannot share one file: ")
    assert result.stderr.endswith(
        "; write each to its own file with -o DIR/; nothing was written\n"
    )
    assert not target.exists()


def test_set_reaches_the_export(procreg: Procreg, seeded: Path) -> None:
    """--set gives a variable its value; the others keep their sample values."""
    result = procreg(
        "export", "3", "--format", "slurm", "--set", "output_file=/data/out.txt"
    )

    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == (
        _exported(seeded, [3], "slurm", {"output_file": "/data/out.txt"}).text
    )
    header = result.stdout.splitlines()[:5]
    assert "# ${output_file} = /data/out.txt" in header
    assert "# ${input_file} = /tmp/procreg/input" in header


def test_set_of_a_variable_nobody_uses_is_a_warning(
    procreg: Procreg, seeded: Path
) -> None:
    """A --set no exported definition uses is said on stderr, not ignored."""
    result = procreg("export", "5", "--format", "slurm", "--set", "output_fiel=/x")

    assert result.status == 0
    assert result.stderr == (
        "procreg: warning: --set output_fiel: no definition exported uses "
        "${output_fiel}; did you mean output_file?\n"
    )
    assert result.stdout == _exported(seeded, [5], "slurm").text


def test_set_without_equals_is_the_usage_error_of_render(
    procreg: Procreg, seeded: Path
) -> None:
    """export --set parses and refuses NAME=VALUE exactly as render --set does."""
    exported = procreg("export", "3", "--format", "slurm", "--set", "output_file")
    rendered = procreg("render", "3", "--set", "output_file")

    problem = (
        "argument --set: 'output_file' is not a binding; write NAME=VALUE, "
        "e.g. input_file=/data/in.wav"
    )
    assert (exported.status, exported.stdout) == (2, "")
    assert f"procreg export: {problem}\n" in exported.stderr
    assert f"procreg render: {problem}\n" in rendered.stderr


@pytest.mark.parametrize("output", ["dir", "file"])
def test_what_a_format_cannot_hold_writes_nothing(
    procreg: Procreg, seeded: Path, tmp_path: Path, output: str
) -> None:
    """A line break in an HTCondor argument: exit 1, one message, no file at all."""
    target = tmp_path / ("out/" if output == "dir" else "job.sub")

    result = procreg(
        "export",
        "3",
        "--format",
        "condor",
        "--set",
        "output_file=/data/a\nb",
        "-o",
        f"{target}/" if output == "dir" else str(target),
    )

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "procreg: definition 3 (iconv-output-argument): argv[3] /data/a\\nb holds "
        "a line break, which an HTCondor submit description cannot carry; nothing "
        "was written\n"
    )
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "job.sub").exists()


def test_every_definition_a_format_cannot_hold_is_named(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """Three definitions HTCondor cannot hold: each is named, nothing is written."""
    target = tmp_path / "out"

    result = procreg(
        "export",
        "1",
        "3",
        "5",
        "--format",
        "condor",
        "--set",
        "output_file=/data/a\nb",
        "-o",
        f"{target}/",
    )

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "procreg: definition 1 (ffmpeg-to-mp3): argv[4] /data/a\\nb holds a line"
        " break, which an HTCondor submit description cannot carry\n"
        "procreg: definition 3 (iconv-output-argument): argv[3] /data/a\\nb holds"
        " a line break, which an HTCondor submit description cannot carry\n"
        "procreg: definition 5 (tr-strip-x): output /data/a\\nb holds a line"
        " break, which an HTCondor submit description cannot carry; nothing was"
        " written\n"
    )
    assert not target.exists()


@pytest.mark.parametrize("export_format", ENGINES)
def test_a_label_too_long_for_a_file_name_is_cut(
    procreg: Procreg, seeded: Path, tmp_path: Path, export_format: str
) -> None:
    """Two definitions with one label of 400 letters: names of 255 bytes, ids kept."""
    with Registry.open(seeded) as registry:
        registry.create_many([{"name": "Ré" * 200, "exec": "/bin/true"}] * 2)
    folder = tmp_path / "out"

    result = procreg("export", "7", "8", "--format", export_format, "-o", f"{folder}/")

    pattern = FILE_NAMES[export_format]
    slug = ("r-" * 200)[: 255 - len(pattern.format("7-"))].rstrip("-")
    names = [pattern.format(f"{id_}-{slug}") for id_ in (7, 8)]
    assert (result.status, result.stdout) == (0, "")
    said = [line for line in result.stderr.splitlines() if "warning:" not in line]
    assert said == [f"procreg: wrote {folder / name}" for name in names]
    assert sorted(path.name for path in folder.iterdir()) == names
    assert {len(name.encode()) for name in names} <= {254, 255}


def test_folder_and_its_missing_parents_are_created(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """-o DIR/ whose parents are missing creates them all, as mkdir -p does."""
    folder = tmp_path / "missing" / "deeper" / "out"

    result = procreg("export", "5", "--format", "cwl", "-o", f"{folder}/")

    assert (result.status, result.stdout) == (0, "")
    assert result.stderr == f"procreg: wrote {folder / '5-tr-strip-x.cwl'}\n"
    assert [path.name for path in folder.iterdir()] == ["5-tr-strip-x.cwl"]


@pytest.mark.parametrize("inside", ["file/", "file/out/", "file/out/deeper/"])
def test_folder_that_cannot_be_created_fails_cleanly(
    procreg: Procreg, seeded: Path, tmp_path: Path, inside: str
) -> None:
    """-o DIR/ where a file is in the way: exit 1 and one message naming both."""
    (tmp_path / "file").write_text("kept\n")
    target = f"{tmp_path}/{inside}"

    result = procreg("export", "5", "--format", "cwl", "-o", target)

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: cannot create the folder {target}: {tmp_path}/file is not a folder\n"
    )
    assert (tmp_path / "file").read_text() == "kept\n"


def test_folders_made_are_removed_when_writing_fails(
    procreg: Procreg, seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the folders -o DIR/ made are removed again, exit 1."""

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    (tmp_path / "kept").mkdir()
    folder = tmp_path / "kept" / "new" / "out"
    monkeypatch.setattr(os, "fsync", full)

    result = procreg("export", "5", "--format", "cwl", "-o", f"{folder}/")

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: cannot write {folder / '5-tr-strip-x.cwl'}: No space left on"
        " device; nothing was written\n"
    )
    assert list((tmp_path / "kept").iterdir()) == []


def test_a_folder_export_is_written_all_or_none(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """The third file cannot be written: the first is not made, the second is kept."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "5-tr-strip-x.cwl").write_text("kept\n")
    (folder / "6-wc-input-argument.cwl").symlink_to(tmp_path / "gone" / "6.cwl")

    result = procreg("export", "4", "5", "6", "--format", "cwl", "-o", f"{folder}/")

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: cannot write {folder / '6-wc-input-argument.cwl'}: No such file"
        " or directory; nothing was written\n"
    )
    assert sorted(path.name for path in folder.iterdir()) == [
        "5-tr-strip-x.cwl",
        "6-wc-input-argument.cwl",
    ]
    assert (folder / "5-tr-strip-x.cwl").read_text() == "kept\n"


@pytest.mark.parametrize(
    ("stop", "status", "told"),
    [
        (signal.SIGINT, 130, "procreg: interrupted"),
        (signal.SIGTERM, 143, "procreg: stopped by SIGTERM"),
        (signal.SIGHUP, 129, "procreg: stopped by SIGHUP"),
    ],
)
def test_a_folder_export_stopped_halfway_leaves_nothing(
    registry_path: Path, tmp_path: Path, stop: int, status: int, told: str
) -> None:
    """Ctrl-C, SIGTERM or a hangup (a closed SSH session) while the files are
    being written: the files and the folders made go, and the status says so."""
    with Registry.open(registry_path) as registry:
        registry.create_many(
            [
                {"name": f"job{index}", "exec": "/bin/echo", "argv": ["x" * 20_000]}
                for index in range(1000)
            ]
        )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "kept.txt").write_text("kept\n")
    folder = tmp_path / "out" / "made" / "sub"
    command = [sys.executable, "-m", "procreg_tui", "--db", str(registry_path)]
    command += ["export", "--format", "slurm", "-o", f"{folder}/"]
    export = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for _ in range(6000):
        if folder.is_dir() and any(folder.iterdir()):
            break
        time.sleep(0.005)
    export.send_signal(stop)
    _, stderr = export.communicate(timeout=120)

    assert (export.returncode, stderr.splitlines()[-1]) == (status, told)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["kept.txt"]


@pytest.mark.parametrize("export_format", ENGINES + STREAMS)
def test_an_empty_output_path_is_a_usage_error(
    procreg: Procreg,
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    export_format: str,
) -> None:
    """-o "" (an unset variable) is refused as empty, never the current folder."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)

    result = procreg("export", "5", "--format", export_format, "-o", "")

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-2:] == [
        "procreg export: argument -o/--output: the path is empty; give a file, a"
        " folder ending in /, or - for standard output",
        "Run 'procreg export --help' for the options and examples.",
    ]
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("export_format", STREAMS)
def test_folder_with_a_stream_format_is_a_usage_error(
    procreg: Procreg, seeded: Path, tmp_path: Path, export_format: str
) -> None:
    """-o DIR/ with a JSON format or sh: exit 2, nothing created, the reason given."""
    target = tmp_path / "out"

    result = procreg("export", "--format", export_format, "-o", f"{target}/")

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr == (
        f"procreg: -o {target}/ writes one file per definition, which only the "
        f"scheduler formats ({ENGINE_NAMES}) do; {export_format} is one stream: "
        "give a file name; see 'procreg export --help'\n"
    )
    assert not target.exists()


def test_set_with_a_stream_format_is_a_usage_error(
    procreg: Procreg, seeded: Path
) -> None:
    """--set with a JSON format would change nothing: exit 2 and the reason."""
    result = procreg("export", "--format", "definitions", "--set", "input_file=/x")

    assert (result.status, result.stdout) == (2, "")
    assert result.stderr == (
        f"procreg: --set gives values to the scheduler formats ({ENGINE_NAMES}) "
        "only; definitions keeps the definitions' variables; see 'procreg export "
        "--help'\n"
    )


def test_help_lists_every_format_and_examples(procreg: Procreg) -> None:
    """export --help has one line per format with its summary, and the examples."""
    result = procreg("export", "--help", db=False)

    formats = "".join(f"  {fmt.value:<12} {fmt.summary}\n" for fmt in ExportFormat)
    assert result.status == 0
    assert f"formats (--format):\n{formats}\nexamples:\n" in result.stdout
    assert "  procreg export 1 --format slurm > job.sbatch\n" in result.stdout
    assert "  procreg export --format cwl -o tools/\n" in result.stdout
    assert "the others get sample values (/tmp/procreg/input" in result.stdout


INVALID = [
    {"exec": "/bin/echo", "argv": ["late"], "timeout": -1},
    {"exec": "/bin/echo", "environment": {"1BAD": "x"}},
    {"exec": "/bin/echo", "argv": ["a\0b"]},
]
"""Definitions with errors, stored after the six examples as ids 7 to 9."""

INVALID_REPORT = (
    "#7: error: $.timeout: `timeout` must be greater than 0, not -1\n"
    "procreg: #7 has errors; it cannot be exported as {format}\n"
    '#8: error: $.environment["1BAD"]: the key "1BAD" in `environment` is not '
    "valid; it must be an environment variable name: a letter or underscore, "
    "then letters, digits or underscores\n"
    "procreg: #8 has errors; it cannot be exported as {format}\n"
    "#9: error: $.argv[0]: `argv[0]` holds a NUL character (\\u0000); no process "
    "can be given one, so everything after it would be lost: remove it\n"
    "procreg: #9 has errors; it cannot be exported as {format}\n"
    "procreg: nothing was written\n"
)
"""What sh and the scheduler formats say of ids 7 to 9."""


@pytest.fixture
def with_invalid(seeded: Path) -> Path:
    """The seeded registry with the definitions of ``INVALID`` as ids 7 to 9."""
    with Registry.open(seeded) as registry:
        registry.create_many(INVALID)
    return seeded


@pytest.mark.parametrize(
    ("export_format", "output"),
    [
        *((fmt, output) for fmt in ENGINES for output in ("stdout", "file", "dir")),
        ("sh", "stdout"),
        ("sh", "file"),
    ],
)
def test_a_definition_with_errors_is_refused_and_nothing_is_written(
    procreg: Procreg,
    with_invalid: Path,
    tmp_path: Path,
    export_format: str,
    output: str,
) -> None:
    """sh and the scheduler formats name each definition with errors, as render does.

    Its errors go to standard error, the status is 1, and no file is written,
    not even for the valid definitions exported with it.
    """
    target = {"stdout": [], "file": ["-o", str(tmp_path / "out.txt")]}.get(
        output, ["-o", f"{tmp_path / 'out'}/"]
    )

    before = sorted(path.name for path in tmp_path.iterdir())

    result = procreg("export", "5", "7", "8", "9", "--format", export_format, *target)

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == INVALID_REPORT.format(format=export_format)
    assert sorted(path.name for path in tmp_path.iterdir()) == before


@pytest.mark.parametrize("export_format", [*ENGINES, "sh"])
def test_the_valid_definitions_of_a_registry_with_errors_still_export(
    procreg: Procreg, with_invalid: Path, export_format: str
) -> None:
    """Only the definitions exported are checked: id 5 alone exports as before."""
    with Registry.open(with_invalid, read_only=True) as registry:
        expected = export_text([registry.get(5)], ExportFormat(export_format))

    result = procreg("export", "5", "--format", export_format)

    assert (result.status, result.stdout) == (0, expected)
    assert "error" not in result.stderr


@pytest.mark.parametrize("export_format", STREAMS[:3])
def test_json_formats_export_definitions_with_errors_exactly(
    procreg: Procreg, with_invalid: Path, export_format: str
) -> None:
    """The JSON formats are backups: every definition, with its errors, exactly."""
    result = procreg("export", "7", "8", "9", "--format", export_format)

    assert (result.status, result.stderr) == (0, "")
    if export_format == "ndjson":
        exported = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        document = json.loads(result.stdout)
        exported = (
            document
            if export_format == "definitions"
            else [item["definition"] for item in document["objects"]]
        )
    assert exported == INVALID
