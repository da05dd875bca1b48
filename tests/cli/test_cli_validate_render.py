"""validate and render: located problems, exit statuses, exact command lines."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_runner import Procreg

from procreg_tui.registry import Registry

BAD = '{\n  "exce": "/bin/true",\n  "args": ["a",],\n  "timeout": -1,\n}\n'


def test_validate_file_prints_problems_like_a_compiler(
    procreg: Procreg, tmp_path: Path
) -> None:
    """file:line:column: severity: $.path: message, every problem, exit 1."""
    path = tmp_path / "bad.json"
    path.write_text(BAD)

    result = procreg("validate", str(path))

    assert result.status == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}:1:1: error: $: `exec` is required"
    assert lines[1] == (
        f'{path}:2:3: warning: $.exce: unknown key "exce"; did you mean `exec`?'
    )
    assert lines[3] == (
        f"{path}:3:15: warning: $.args: trailing comma after the last item of "
        '"args"; JSON does not allow it'
    )
    assert lines[4] == (
        f"{path}:4:14: error: $.timeout: `timeout` must be greater than 0, not -1"
    )
    assert len(lines) == 6
    assert result.stderr == "procreg: checked 1 definition: 2 errors, 4 warnings\n"


def test_validate_with_warnings_only_succeeds(procreg: Procreg, tmp_path: Path) -> None:
    """Warnings are printed but do not fail validate."""
    path = tmp_path / "warn.json"
    path.write_text('{"exec": "/bin/true", "colour": 1}')

    result = procreg("validate", str(path))

    assert result.status == 0
    assert result.stdout.startswith(f"{path}:1:23: warning: $.colour: unknown key")


def test_validate_syntax_error_names_line_and_column(
    procreg: Procreg, tmp_path: Path
) -> None:
    """A JSON syntax error is one located error and exit 1."""
    path = tmp_path / "broken.json"
    path.write_text('{\n  "exec": "a"\n  "argv": []\n}')

    result = procreg("validate", str(path))

    assert result.status == 1
    assert result.stdout.startswith(f"{path}:3:3: error: $: expected ',' or '}}'")


def test_validate_registry_without_arguments_checks_everything(
    procreg: Procreg, registry_path: Path
) -> None:
    """No arguments: every registry entry, shown as #ID without line numbers."""
    with Registry.open(registry_path) as registry:
        registry.create_many([{"exec": "/bin/true"}, {"exec": "/bin/true", "x": 1}])

    result = procreg("validate")

    assert result.status == 0
    assert result.stdout == (
        '#2: warning: $.x: unknown key "x"; procreg keeps it as it is\n'
    )
    assert result.stderr == "procreg: checked 2 definitions: 1 warning\n"


def test_validate_mixes_ids_and_files_and_stdin(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """Ids, files and - are checked together; any error fails the run."""
    path = tmp_path / "ok.json"
    path.write_text('{"exec": "/bin/true"}')

    result = procreg("validate", "5", str(path), "-", stdin='{"timeout": 1}')

    assert result.status == 1
    assert result.stdout == "<stdin>:1:1: error: $: `exec` is required\n"
    assert result.stderr == "procreg: checked 3 definitions: 1 error\n"


def test_an_id_given_again_is_checked_once(procreg: Procreg, seeded: Path) -> None:
    """An id repeated, also as its URI or not found, is checked and named once."""
    result = procreg("validate", "5", "99", "/api/process_definition/5/", "99", "5")

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "procreg: no definition 99\n"
        "procreg: checked 1 definition: no problems; not checked: #99\n"
    )


def test_an_id_given_again_has_one_json_result(procreg: Procreg, seeded: Path) -> None:
    """validate --json answers one result for an id given twice."""
    output = json.loads(procreg("validate", "5", "5", "--json").stdout)

    assert output == {
        "valid": True,
        "results": [
            {
                "id": 5,
                "resource_uri": "/api/process_definition/5/",
                "deleted": None,
                "problems": [],
            }
        ],
    }


def test_validate_json_reports_per_source(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """--json gives validity and each source's problems with paths and places."""
    path = tmp_path / "bad.json"
    path.write_text('{"exec": ""}')

    output = json.loads(procreg("validate", "5", str(path), "--json").stdout)

    assert output["valid"] is False
    assert output["results"][0] == {
        "id": 5,
        "resource_uri": "/api/process_definition/5/",
        "deleted": None,
        "problems": [],
    }
    assert output["results"][1]["source"] == str(path)
    assert output["results"][1]["definitions"] == 1
    assert output["results"][1]["problems"][0]["path"] == "$.exec"
    assert output["results"][1]["problems"][0]["line"] == 1


def test_validate_missing_file_fails_with_a_message(
    procreg: Procreg, tmp_path: Path
) -> None:
    """A file that does not exist is reported on one line, exit 1, no traceback."""
    missing = tmp_path / "nope.json"

    result = procreg("validate", str(missing))

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: cannot read {missing}: No such file or directory\n"
        f"procreg: checked no definition; not checked: {missing}\n"
    )


def test_validate_checks_the_rest_when_an_id_or_file_is_missing(
    procreg: Procreg, seeded: Path, tmp_path: Path
) -> None:
    """An id not found and a file that cannot be read are named, the other
    targets are checked all the same, and the status is 1."""
    missing = tmp_path / "nope.json"
    bad = tmp_path / "bad.json"
    bad.write_text('{"exec": ""}')

    result = procreg("validate", "99", str(missing), "5", str(bad))

    assert (result.status, result.stdout) == (
        1,
        f"{bad}:1:10: error: $.exec: `exec` must not be empty\n",
    )
    assert result.stderr == (
        "procreg: no definition 99\n"
        f"procreg: cannot read {missing}: No such file or directory\n"
        f"procreg: checked 2 definitions: 1 error; not checked: #99, {missing}\n"
    )


def test_render_prints_the_command_line_and_reports_unbound(
    procreg: Procreg, seeded: Path
) -> None:
    """Unbound variables stay visible as ${name} and are named on stderr."""
    result = procreg("render", "5")

    assert result.status == 0
    assert result.stdout == "/usr/bin/tr -d x < '${input_file}' > '${output_file}'\n"
    assert result.stderr == (
        "procreg: ${input_file} has no value; give it with --set input_file=VALUE "
        "(or --sample for a sample path)\n"
        "procreg: ${output_file} has no value; give it with --set output_file=VALUE "
        "(or --sample for a sample path)\n"
    )


def test_render_with_bindings_quotes_every_word(procreg: Procreg, seeded: Path) -> None:
    """--set values are substituted and quoted for sh."""
    result = procreg(
        "render",
        "1",
        "--set",
        "input_file=/data/my song.wav",
        "--set",
        "output_file=/tmp/it's.mp3",
    )

    assert result.stdout == (
        "timeout 600 /usr/local/bin/ffmpeg -i '/data/my song.wav' -q:a 2 "
        "'/tmp/it'\"'\"'s.mp3'\n"
    )
    assert result.stderr == ""


def test_render_warns_of_a_set_the_definition_does_not_use(
    procreg: Procreg, seeded: Path
) -> None:
    """A misspelt --set is named, with the variable it is close to."""
    result = procreg(
        "render", "5", "--sample", "--set", "inptu_file=/a", "--set", "zzz=1"
    )

    assert result.status == 0
    assert result.stdout == (
        "/usr/bin/tr -d x < /tmp/procreg/input > /tmp/procreg/output\n"
    )
    assert result.stderr == (
        "procreg: warning: --set inptu_file: the definition has no ${inptu_file}; "
        "did you mean input_file?\n"
        "procreg: warning: --set zzz: the definition has no ${zzz}\n"
    )


def test_render_warns_of_a_set_given_twice_with_other_values(
    procreg: Procreg, seeded: Path
) -> None:
    """--set NAME twice with different values: the last counts, and is named;
    the same value twice says nothing."""
    result = procreg(
        "render",
        "5",
        "--set",
        "input_file=/a",
        "--set",
        "output_file=/o",
        "--set",
        "input_file=/b\nc",
        "--set",
        "output_file=/o",
    )

    assert result.status == 0
    assert result.stdout == "/usr/bin/tr -d x < '/b\nc' > /o\n"
    assert result.stderr == (
        "procreg: warning: --set input_file is given 2 times; the last value, "
        "/b\\x0ac, is used\n"
    )


def test_render_sample_fills_unbound_variables(procreg: Procreg, seeded: Path) -> None:
    """--sample gives every unbound variable its sample path."""
    result = procreg("render", "5", "--sample")

    assert result.stdout == (
        "/usr/bin/tr -d x < /tmp/procreg/input > /tmp/procreg/output\n"
    )
    assert result.stderr == ""


def test_render_wiring_follows_the_command_line(procreg: Procreg, seeded: Path) -> None:
    """--wiring prints the command line, a blank line, then the wiring."""
    result = procreg("render", "5", "--sample", "--wiring")

    lines = result.stdout.splitlines()
    assert lines[0] == "/usr/bin/tr -d x < /tmp/procreg/input > /tmp/procreg/output"
    assert lines[1] == ""
    assert lines[2] == "message bus"
    assert lines[-1] == "message bus"


def test_render_json_holds_resolution_and_wiring(
    procreg: Procreg, seeded: Path
) -> None:
    """--json gives the command line, argv, cwd, environment, timeout, unbound."""
    output = json.loads(procreg("render", "2", "--json").stdout)

    assert output["argv"][0] == "/opt/pipeline/bin/ingest"
    assert output["cwd"] == "/srv/pipeline"
    assert output["environment"] == {"ENVAR": "val", "LOG_LEVEL": "info"}
    assert output["timeout"] == 3600
    assert output["unbound"] == []
    assert output["command_line"].startswith("cd /srv/pipeline && env ENVAR=val")
    assert isinstance(output["wiring"], dict)


def test_render_a_file(procreg: Procreg, tmp_path: Path) -> None:
    """A file holding one definition can be rendered without storing it."""
    path = tmp_path / "job.json"
    path.write_text('{"exec": "echo", "argv": ["a b", "$HOME"]}')

    result = procreg("render", str(path))

    assert result.stdout == "env echo 'a b' '$HOME'\n"


def test_render_refuses_a_definition_with_errors(
    procreg: Procreg, tmp_path: Path
) -> None:
    """Errors are listed on stderr and nothing is rendered; exit 1."""
    path = tmp_path / "job.json"
    path.write_text('{"argv": ["x"]}')

    result = procreg("render", str(path))

    assert result.status == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:1:1: error: $: `exec` is required\n"
        f"procreg: {path} has errors; its command line cannot be rendered\n"
    )


def test_render_writes_controls_as_printf_on_a_terminal_and_through_a_pipe(
    procreg: Procreg, registry_path: Path
) -> None:
    """ESC never leaves procreg raw, yet the line still hands the program the
    exact argument when a shell runs it; a newline stays inside its quotes."""
    argv = ["\x1b[2J", "two\nlines", "\x1b]52;c;SGVsbG8=\x07"]
    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/echo", "argv": argv})

    on_terminal = procreg("render", "1", tty=True)
    piped = procreg("render", "1")

    expected = (
        "/bin/echo \"$(printf '\\033')\"'[2J' 'two\nlines' "
        "\"$(printf '\\033')\"']52;c;SGVsbG8='\"$(printf '\\007')\"\n"
    )
    assert on_terminal.stdout == expected
    assert piped.stdout == expected
    shown = subprocess.run(
        ["sh", "-c", "printf '%s\\0' " + expected.split(" ", 1)[1]],
        capture_output=True,
        check=True,
    )
    assert shown.stdout.decode().split("\0")[:-1] == argv


def test_an_id_means_the_definition_even_beside_a_file_of_that_name(
    procreg: Procreg, seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate 5 and render 5 take definition 5 whatever the current folder
    holds; a file named 5 there is named as ./5, and a note says so."""
    monkeypatch.chdir(tmp_path)
    Path("5").write_text('{"exec": "echo", "argv": ["from the file"]}')
    note = "procreg: 5 is read as definition id 5; for the file, write ./5\n"

    validated = procreg("validate", "5", "--json")
    rendered = procreg("render", "5", "--sample")
    validated_file = procreg("validate", "./5")
    rendered_file = procreg("render", "./5")

    assert (validated.status, validated.stderr) == (0, note)
    assert json.loads(validated.stdout)["results"] == [
        {
            "id": 5,
            "resource_uri": "/api/process_definition/5/",
            "deleted": None,
            "problems": [],
        }
    ]
    assert (rendered.status, rendered.stderr) == (0, note)
    assert rendered.stdout == (
        "/usr/bin/tr -d x < /tmp/procreg/input > /tmp/procreg/output\n"
    )
    assert (validated_file.status, validated_file.stdout, validated_file.stderr) == (
        0,
        "",
        "procreg: checked 1 definition: no problems\n",
    )
    assert (rendered_file.status, rendered_file.stdout, rendered_file.stderr) == (
        0,
        "env echo 'from the file'\n",
        "",
    )


def test_an_id_without_a_file_of_that_name_needs_no_note(
    procreg: Procreg, seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no file is named like the id, the id is read silently."""
    monkeypatch.chdir(tmp_path)

    assert procreg("validate", "5").stderr == (
        "procreg: checked 1 definition: no problems\n"
    )
