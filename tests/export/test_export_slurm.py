"""The slurm export: sbatch scripts that bash reads and runs like the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    check_golden,
    dumped,
    export_examples,
    hostile_definition,
    parse_dump,
    store,
)

from procreg_tui.export import ExportError, ExportFormat, engine_export, export_text
from procreg_tui.resolve import command_line, quote, resolve


def test_examples_match_golden_files(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Each example's sbatch script is exactly its golden file."""
    export = export_examples(registry_path, example_definitions, ExportFormat.SLURM)

    check_golden(export, "slurm")


def test_every_example_script_passes_bash_syntax_check(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """bash -n accepts the script of every example."""
    export = export_examples(registry_path, example_definitions, ExportFormat.SLURM)
    folder = tmp_path / "scripts"
    folder.mkdir()

    for path in export.write(folder):
        result = subprocess.run(
            ["bash", "-n", str(path)], capture_output=True, text=True, check=False
        )
        assert (path.name, result.returncode, result.stderr) == (path.name, 0, "")


def test_directives_name_the_job_its_time_and_folder(registry_path: Path) -> None:
    """#SBATCH lines carry the name, the time rounded up to minutes, the folder
    and the job's own files."""
    definition = {"name": "Long Job", "exec": "/bin/true", "timeout": 3601.5}
    definition["cwd"] = "/srv/work"

    text = engine_export(store(registry_path, [definition]), ExportFormat.SLURM).text

    directives = [line for line in text.splitlines() if line.startswith("#SBATCH")]
    assert directives == [
        "#SBATCH --job-name=long-job",
        "#SBATCH --time=0-01:01:00",
        "#SBATCH --chdir=/srv/work",
        "#SBATCH --output=long-job-%j.out",
        "#SBATCH --error=long-job-%j.err",
    ]


@pytest.mark.parametrize(
    ("path", "directive"),
    [
        ("/data/in.txt", "#SBATCH --input=/data/in.txt"),
        ("in.txt", None),  # sbatch would take it from elsewhere than the cd
        ("/data/in 1.txt", None),  # sbatch reads no quotes
    ],
)
def test_a_file_on_standard_input_is_shown_to_slurm(
    registry_path: Path, path: str, directive: str | None
) -> None:
    """An absolute, plain stdin file is also --input; the body still reads it."""
    definition = {
        "exec": "/usr/bin/tr",
        "argv": ["-d", "x"],
        "cwd": "/srv/work",
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
    }
    bindings = {"input_file": path}

    script = engine_export(
        store(registry_path, [definition]), ExportFormat.SLURM, bindings=bindings
    ).text

    inputs = [line for line in script.splitlines() if line.startswith("#SBATCH --in")]
    assert inputs == ([directive] if directive else [])
    assert script.splitlines()[-1].endswith(f" < {quote(path)}")


def submitted_in(script: str, submit_folder: Path) -> Path:
    """Return the folder sbatch starts ``script`` in when run in ``submit_folder``.

    sbatch takes a relative ``--chdir`` from the folder it is run in.
    """
    prefix = "#SBATCH --chdir="
    found = [
        line[len(prefix) :] for line in script.splitlines() if line.startswith(prefix)
    ]
    return submit_folder / found[-1] if found else submit_folder


@pytest.mark.parametrize("cwd", ["sub", "sub/deeper"])
def test_a_relative_folder_is_entered_once(
    registry_path: Path, tmp_path: Path, cwd: str
) -> None:
    """A relative cwd gets no --chdir: the job runs in it, not in cwd/cwd."""
    (tmp_path / cwd / cwd).mkdir(parents=True)
    definition = {"exec": "/bin/pwd", "argv": ["-P"], "cwd": cwd}
    script = engine_export(store(registry_path, [definition]), ExportFormat.SLURM).text

    ran = subprocess.run(
        ["bash", "-c", script],
        cwd=submitted_in(script, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )

    assert ran.stdout == f"{(tmp_path / cwd).resolve()}\n"
    assert "# No --chdir: the folder is relative; the command line changes" in script


BASH_OWN = {
    "UID": "5",
    "EUID": "6",
    "PPID": "7",
    "SHELLOPTS": "xtrace",
    "BASHOPTS": "extglob",
    "BASH_ENV": "/nonexistent/env.sh",
    "RANDOM": "not a number",
    "SECONDS": "9",
    "PWD": "/not/the/folder",
    "POSIXLY_CORRECT": "1",
    "EXECIGNORE": "*",
    "IFS": "/",
    "_": "last",
    "PLAIN": "kept",
}
"""Variables bash refuses, replaces or obeys, and one it does not know."""


def test_variables_bash_uses_reach_the_process_exactly(
    registry_path: Path, tmp_path: Path
) -> None:
    """They are given by env on the command, not exported: bash says nothing."""
    dump = "import json, os; print(json.dumps(dict(os.environ)))"
    definition = {
        "exec": sys.executable,
        "argv": ["-c", dump],
        "cwd": str(tmp_path),
        "environment": BASH_OWN,
    }
    script = engine_export(store(registry_path, [definition]), ExportFormat.SLURM).text

    ran = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=False
    )

    assert (ran.returncode, ran.stderr) == (0, "")
    got = json.loads(ran.stdout)
    assert {name: got.get(name) for name in BASH_OWN} == BASH_OWN
    assert [line for line in script.splitlines() if line.startswith("export")] == [
        "export PLAIN=kept"
    ]


def test_tr_script_gives_the_output_of_the_command_line(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The tr example's script, run by bash, writes what its command line writes."""
    tr = next(d for d in example_definitions if d["name"] == "tr-strip-x")
    source = tmp_path / "in put.txt"
    source.write_text("xaxbx\nyxz\n")
    by_script, by_line = tmp_path / "script out", tmp_path / "line out"
    records = store(registry_path, [tr])

    script = engine_export(
        records,
        ExportFormat.SLURM,
        {"input_file": str(source), "output_file": str(by_script)},
    ).text
    line = command_line(
        resolve(tr, {"input_file": str(source), "output_file": str(by_line)})
    )
    subprocess.run(["bash", "-c", script], check=True)
    subprocess.run(["sh", "-c", line], check=True)

    assert by_script.read_text() == by_line.read_text() == "ab\nyz\n"


@pytest.mark.parametrize("folder_name", ["plain", "with space", "it's $x"])
def test_hostile_script_runs_like_the_command_line(
    registry_path: Path, tmp_path: Path, folder_name: str
) -> None:
    """Hostile arguments, environment and folder reach the process unchanged."""
    folder = tmp_path / folder_name
    folder.mkdir()
    definition = {**hostile_definition(), "cwd": str(folder), "timeout": 60}
    script = engine_export(store(registry_path, [definition]), ExportFormat.SLURM).text

    by_script = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True
    )
    by_line = subprocess.run(
        ["sh", "-c", command_line(resolve(definition))],
        capture_output=True,
        text=True,
        check=True,
    )

    assert parse_dump(by_script.stdout) == parse_dump(by_line.stdout) == dumped()
    assert ("#SBATCH --chdir" in script) is (folder_name == "plain")


def test_stream_names_each_file_and_write_makes_them(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Several documents: a line names each file; written, each file is one document."""
    records = store(registry_path, example_definitions[3:5])
    export = engine_export(records, ExportFormat.SLURM)

    paths = export.write(tmp_path)

    assert [path.name for path in paths] == [
        "1-sort-lines.sbatch",
        "2-tr-strip-x.sbatch",
    ]
    assert export.text == "".join(
        f"# ==> {path.name} <==\n{path.read_text()}" for path in paths
    )
    assert export_text(records, ExportFormat.SLURM) == export.text
    assert engine_export(records[:1], ExportFormat.SLURM).text == paths[0].read_text()


def test_writing_into_a_missing_folder_is_an_export_error(
    registry_path: Path, tmp_path: Path
) -> None:
    """-o into a folder that does not exist fails with a message naming it."""
    export = engine_export(
        store(registry_path, [{"exec": "/bin/true"}]), ExportFormat.SLURM
    )

    with pytest.raises(
        ExportError, match=r"cannot write into .*missing: it is not a folder"
    ):
        export.write(tmp_path / "missing")


def test_adapters_no_scheduler_connects_are_warnings(registry_path: Path) -> None:
    """A named pipe and an unknown adapter kind are warned about, in the file too."""
    definition = {
        "exec": "/bin/cat",
        "argv": ["/run/in.fifo"],
        "input_adapter": {
            "input_type": "pipe",
            "input_parameters": {"pipe_path": "/run/in.fifo"},
        },
        "output_adapter": {"output_type": "kafka", "output_parameters": {}},
    }

    export = engine_export(store(registry_path, [definition]), ExportFormat.SLURM)

    assert export.warnings == [
        "definition 1 (cat): the input named pipe /run/in.fifo is not created: make"
        " it with mkfifo before the job starts.",
        "definition 1 (cat): the output adapter kafka is unknown to procreg: nothing"
        " connects it.",
    ]
    assert export.text.count("\n# WARNING: ") == 2
