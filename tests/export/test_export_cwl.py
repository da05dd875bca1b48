"""The cwl export: tools cwltool accepts and runs with the command line's results."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cwltool.main import main as cwltool
from engine_cases import (
    HOSTILE,
    check_golden,
    dumped,
    export_examples,
    hostile_definition,
    store,
)

from procreg_tui.export import ExportFormat, engine_export
from procreg_tui.export._cwl import literal
from procreg_tui.resolve import command_line, resolve


def run_cwltool(*arguments: str) -> tuple[int, str]:
    """Run cwltool in this process; return its exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    status = cwltool(list(arguments), stdout=out, stderr=err)
    return status, out.getvalue()


def _last_line(result: tuple[int, str]) -> tuple[int, str]:
    """Return the exit status and the last line printed (cwltool's verdict)."""
    status, printed = result
    return status, printed.splitlines()[-1] if printed else ""


def run_tool(*arguments: str) -> dict[str, Any]:
    """Run a tool with cwltool, no container; return its outputs, or fail."""
    status, printed = run_cwltool("--no-container", *arguments)
    assert status == 0
    outputs: dict[str, Any] = json.loads(printed)
    return outputs


def example(definitions: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Return the example called ``name``."""
    return next(d for d in definitions if d["name"] == name)


def test_examples_match_golden_files(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Each example's CommandLineTool is exactly its golden file."""
    export = export_examples(registry_path, example_definitions, ExportFormat.CWL)

    check_golden(export, "cwl")


def test_cwltool_validates_every_example(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """cwltool --validate accepts the tool of every example."""
    export = export_examples(registry_path, example_definitions, ExportFormat.CWL)

    results = {
        path.name: _last_line(run_cwltool("--validate", str(path)))
        for path in export.write(tmp_path)
    }

    assert results == {
        path.name: (0, f"{path} is valid CWL.")
        for path in sorted(tmp_path.glob("*.cwl"))
    }


def test_cwltool_rejects_a_broken_tool(tmp_path: Path) -> None:
    """The validation above can fail: a tool without baseCommand's class is refused."""
    broken = tmp_path / "broken.cwl"
    broken.write_text("cwlVersion: v1.2\nclass: CommandLineTol\ninputs: {}\n")

    assert run_cwltool("--validate", str(broken))[0] == 1


@pytest.mark.slow
def test_tr_runs_under_cwltool_like_its_command_line(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """cwltool runs the tr tool on a real file and writes what its line writes."""
    tr = example(example_definitions, "tr-strip-x")
    source = tmp_path / "in.txt"
    source.write_text("xaxbx\nyxz\n")
    (tool,) = engine_export(store(registry_path, [tr]), ExportFormat.CWL).write(
        tmp_path
    )
    by_line = tmp_path / "line.txt"

    outputs = run_tool(
        "--outdir",
        str(tmp_path / "out"),
        str(tool),
        "--input_file",
        str(source),
    )
    subprocess.run(
        [
            "sh",
            "-c",
            command_line(
                resolve(tr, {"input_file": str(source), "output_file": str(by_line)})
            ),
        ],
        check=True,
    )

    produced = Path(outputs["output_file"]["path"])
    assert produced.read_text() == by_line.read_text() == "ab\nyz\n"


@pytest.mark.slow
def test_iconv_output_argument_runs_like_its_command_line(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The file-argument example writes, under cwltool, the bytes its line writes."""
    iconv = example(example_definitions, "iconv-output-argument")
    source = tmp_path / "latin1.txt"
    source.write_bytes("café über naïve\n".encode("latin-1"))
    (tool,) = engine_export(store(registry_path, [iconv]), ExportFormat.CWL).write(
        tmp_path
    )
    by_line = tmp_path / "line.txt"

    outputs = run_tool(
        "--outdir",
        str(tmp_path / "out"),
        str(tool),
        "--input_file",
        str(source),
    )
    subprocess.run(
        [
            "sh",
            "-c",
            command_line(
                resolve(iconv, {"input_file": str(source), "output_file": str(by_line)})
            ),
        ],
        check=True,
    )

    produced = Path(outputs["output_file"]["path"])
    assert produced.read_bytes() == by_line.read_bytes() == "café über naïve\n".encode()


@pytest.mark.slow
def test_hostile_arguments_and_environment_reach_the_process(
    registry_path: Path, tmp_path: Path
) -> None:
    """Under cwltool the process gets every hostile argument and value unchanged."""
    definition = {
        **hostile_definition(),
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
    }
    export = engine_export(store(registry_path, [definition]), ExportFormat.CWL)
    (tool,) = export.write(tmp_path)

    outputs = run_tool("--outdir", str(tmp_path / "out"), str(tool))

    assert json.loads(Path(outputs["output_file"]["path"]).read_text()) == dumped()
    assert export.warnings == []


def test_literal_parameter_references_are_escaped() -> None:
    """$( and ${ are escaped by a backslash, backslashes doubled, only where needed."""
    assert [literal(t) for t in ["a\\b", "$(x)", "a\\$(x)", "${y}", "$HOME"]] == [
        "a\\b",
        "\\$(x)",
        "a\\\\\\$(x)",
        "\\${y}",
        "$HOME",
    ]


def test_working_directory_and_service_are_warnings(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """cwd has no CWL field: a warning and a comment, as for a service and TCP input."""
    service = example(example_definitions, "full-format-service")

    export = engine_export(store(registry_path, [service]), ExportFormat.CWL)

    assert export.warnings == [
        "definition 1 (full-format-service): application ingest-worker-v2 is not"
        " carried: deploy it where the job runs.",
        "definition 1 (full-format-service): the input arrives on TCP port 8090:"
        " nothing here sends it; the process must be fed by the bus.",
        "definition 1 (full-format-service): the working directory /srv/pipeline is"
        " not carried: CWL has no field for it; the tool runs in its output folder.",
        "definition 1 (full-format-service): a service is run as a tool that is"
        " expected to finish.",
        "definition 1 (full-format-service): the output file"
        " /srv/pipeline/results.log is not an output of the tool: a CWL runner"
        " collects files from its output folder only; the process writes it where"
        " it is.",
    ]
    assert export.text.count("# WARNING: ") == 5


def test_hostile_tool_text_is_stable(registry_path: Path) -> None:
    """Hostile arguments are written as escaped strings or inputs' defaults."""
    export = engine_export(
        store(registry_path, [hostile_definition()]), ExportFormat.CWL
    )

    assert '- "\\\\$(VAR)"' in export.text
    assert '  "text_1":\n    type: string\n    default: "  $(padded)  "' in export.text
    assert HOSTILE[3] == "  $(padded)  "


def test_given_values_are_the_defaults_of_the_inputs(registry_path: Path) -> None:
    """A value given for a variable is its input's default, written as data."""
    definition = {
        "exec": "/usr/bin/wc",
        "argv": ["${input_file}", "${mode}", "${other}"],
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": "${input_file}"},
        },
    }
    bindings = {"input_file": "/data/in $(x).txt", "mode": "${fast} $(y)"}

    export = engine_export(
        store(registry_path, [definition]), ExportFormat.CWL, bindings
    )

    inputs = export.text.split("\ninputs:\n", 1)[1].split("\noutputs:", 1)[0]
    assert inputs.splitlines() == [
        '  "input_file":',
        "    type: File",
        "    default:",
        "      class: File",
        '      path: "/data/in $(x).txt"',
        '  "mode":',
        "    type: string",
        '    default: "${fast} $(y)"',
        '  "other":',
        "    type: string",
    ]
    assert export.warnings == []


def test_a_given_output_file_is_a_warning(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """The runner names the output file itself: the value given is said to be lost."""
    iconv = example(example_definitions, "iconv-output-argument")
    bindings = {"output_file": "/data/out.txt"}

    export = engine_export(store(registry_path, [iconv]), ExportFormat.CWL, bindings)

    warning = (
        "the output file /data/out.txt given for ${output_file} is not carried:"
        " the tool writes output in the runner's output folder instead."
    )
    assert export.warnings == [f"definition 1 (iconv-output-argument): {warning}"]
    assert f"\n# WARNING: {warning}\n" in export.text


@pytest.mark.slow
def test_tr_runs_under_cwltool_on_the_file_given(
    registry_path: Path, example_definitions: list[dict[str, Any]], tmp_path: Path
) -> None:
    """With the input given at export, cwltool runs the tool with no inputs at all."""
    tr = example(example_definitions, "tr-strip-x")
    source = tmp_path / "in.txt"
    source.write_text("xaxbx\nyxz\n")
    export = engine_export(
        store(registry_path, [tr]), ExportFormat.CWL, {"input_file": str(source)}
    )
    (tool,) = export.write(tmp_path)

    outputs = run_tool("--outdir", str(tmp_path / "out"), str(tool))

    assert Path(outputs["output_file"]["path"]).read_text() == "ab\nyz\n"


@pytest.mark.slow
def test_literal_adapter_paths_are_arguments_and_the_output_a_warning(
    registry_path: Path, tmp_path: Path
) -> None:
    """Paths without variables stay literal arguments; cwltool validates and runs
    the tool, and the output file, which it cannot collect, is said so."""
    source, target = tmp_path / "in.txt", tmp_path / "copy.txt"
    source.write_text("literal\n")
    definition = {
        "name": "copy",
        "exec": "/bin/cp",
        "argv": [str(source), str(target)],
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": str(source)},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": str(target)},
        },
    }
    export = engine_export(store(registry_path, [definition]), ExportFormat.CWL)
    (tool,) = export.write(tmp_path)

    assert _last_line(run_cwltool("--validate", str(tool))) == (
        0,
        f"{tool} is valid CWL.",
    )
    assert run_tool("--outdir", str(tmp_path / "out"), str(tool)) == {}
    assert target.read_text() == "literal\n"
    assert f'arguments:\n- "{source}"\n- "{target}"\ninputs: {{}}\n' in export.text
    assert export.warnings == [
        f"definition 1 (copy): the output file {target} is not an output of the"
        " tool: a CWL runner collects files from its output folder only; the"
        " process writes it where it is."
    ]
