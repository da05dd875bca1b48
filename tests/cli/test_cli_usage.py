"""The command line itself: help, versions, usage errors, exit codes, the app."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import Procreg, Result

from procreg_tui import __version__
from procreg_tui.cli import ExitCode, run

COMMANDS = [
    "list",
    "show",
    "validate",
    "render",
    "import",
    "export",
    "delete",
    "restore",
    "purge",
    "paths",
]


def test_exit_codes_are_the_documented_numbers() -> None:
    """0 success, 1 invalid or failed, 2 usage, 70 internal, 130 interrupted."""
    assert [(code.name, int(code)) for code in ExitCode] == [
        ("OK", 0),
        ("FAILURE", 1),
        ("USAGE", 2),
        ("INTERNAL", 70),
        ("INTERRUPTED", 130),
    ]


def test_help_lists_every_command_with_examples(procreg: Procreg) -> None:
    """procreg --help prints to stdout every command, the exit codes and examples."""
    result = procreg("--help", db=False)

    assert result.status == 0
    assert result.stderr == ""
    assert result.stdout.startswith("usage: procreg [-h]")
    for command in COMMANDS:
        assert f"\n    {command} " in result.stdout
    assert "  70 an internal error of procreg" in result.stdout
    assert "  130 interrupted (Ctrl-C)\n" in result.stdout
    assert "  procreg render 1 --set input_file=/data/in.wav\n" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_a_description_and_examples(
    procreg: Procreg, command: str
) -> None:
    """procreg COMMAND --help teaches: usage, description, options, examples."""
    result = procreg(command, "--help", db=False)

    assert result.status == 0
    assert result.stdout.startswith(f"usage: procreg {command} ")
    assert "--db PATH" in result.stdout
    assert f"examples:\n  procreg {command}" in result.stdout or (
        command == "restore" and "examples:\n  procreg list --trash" in result.stdout
    )


def test_version_prints_the_package_version(procreg: Procreg) -> None:
    """--version prints procreg and its version on stdout."""
    result = procreg("--version", db=False)

    assert (result.status, result.stdout, result.stderr) == (
        0,
        f"procreg {__version__}\n",
        "",
    )


def test_unknown_command_is_a_usage_error(procreg: Procreg) -> None:
    """An unknown command exits 2 with usage and the problem on stderr."""
    result = procreg("frobnicate")

    assert result.status == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.startswith("usage: procreg [-h]")
    assert "procreg: argument COMMAND: invalid choice: 'frobnicate'" in result.stderr
    assert result.stderr.endswith(
        "Run 'procreg --help' for the options and examples.\n"
    )


def test_bad_id_is_a_usage_error_naming_the_command(procreg: Procreg) -> None:
    """An id that is not a number exits 2 and says what an id looks like."""
    result = procreg("show", "abc")

    assert result.status == ExitCode.USAGE
    assert (
        "procreg show: argument ID: 'abc' is not a definition id (a number such as "
        "7, or /api/process_definition/7/)\n"
    ) in result.stderr
    assert result.stderr.endswith(
        "Run 'procreg show --help' for the options and examples.\n"
    )


def test_missing_argument_is_a_usage_error(procreg: Procreg) -> None:
    """render without a target exits 2 naming the missing argument."""
    result = procreg("render")

    assert result.status == ExitCode.USAGE
    assert "procreg render: the following arguments are required: ID|FILE" in (
        result.stderr
    )


def test_binding_without_equals_is_a_usage_error(procreg: Procreg) -> None:
    """--set needs NAME=VALUE."""
    result = procreg("render", "1", "--set", "input_file")

    assert result.status == ExitCode.USAGE
    assert "'input_file' is not a binding; write NAME=VALUE" in result.stderr


def test_without_a_terminal_the_app_is_not_started(procreg: Procreg) -> None:
    """procreg alone without a TTY exits 2 with a hint to the headless commands."""
    result = procreg()

    assert result.status == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "procreg: the app needs a terminal; without one, use the commands such as "
        "'procreg list' (see 'procreg --help')\n"
    )


def test_db_option_may_follow_the_command(procreg: Procreg, tmp_path: object) -> None:
    """--db after the command chooses the registry just as before it does."""
    result = procreg("paths", "--db", "/srv/team.json", db=False)

    assert result.status == 0
    assert result.stdout.splitlines()[0] == "registry  /srv/team.json  (--db)"


def test_run_writes_only_to_the_streams_it_is_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """run() leaves the process's own stdout and stderr untouched."""
    stdout, stderr = io.StringIO(), io.StringIO()

    status = run(
        ["frobnicate"],
        stdin=io.StringIO(),
        stdout=stdout,
        stderr=stderr,
        environ={},
    )

    assert status == 2
    assert capsys.readouterr() == ("", "")
    assert "invalid choice" in stderr.getvalue()


def test_unknown_option_of_a_command_points_to_that_command(
    procreg: Procreg,
) -> None:
    """An option the command does not know names the command and its help,
    with the option probably meant."""
    result = procreg("validate", "--jsn", db=False)

    assert (result.status, result.stdout) == (ExitCode.USAGE, "")
    assert result.stderr.startswith("usage: procreg validate [-h]")
    assert result.stderr.endswith(
        "procreg validate: unrecognized arguments: --jsn (did you mean --json?)\n"
        "Run 'procreg validate --help' for the options and examples.\n"
    )


def test_extra_argument_of_a_nested_command_points_to_it(procreg: Procreg) -> None:
    """Arguments after a command are the command's, however deep it is."""
    listed = procreg("list", "extra", db=False)
    added = procreg("users", "add", "bob", "--jsn", db=False)

    assert listed.stderr.endswith(
        "procreg list: unrecognized arguments: extra\n"
        "Run 'procreg list --help' for the options and examples.\n"
    )
    assert added.stderr.endswith(
        "procreg users add: unrecognized arguments: --jsn\n"
        "Run 'procreg users add --help' for the options and examples.\n"
    )
    assert (listed.status, added.status) == (ExitCode.USAGE, ExitCode.USAGE)


def test_unknown_option_before_the_command_points_to_procreg(
    procreg: Procreg,
) -> None:
    """Before the command, the options are procreg's own."""
    result = procreg("--jsn", "list", db=False)

    assert result.status == ExitCode.USAGE
    assert result.stderr.endswith(
        "procreg: unrecognized arguments: --jsn\n"
        "Run 'procreg --help' for the options and examples.\n"
    )


def _usage_error(result: Result, command: str, message: str) -> None:
    """Assert ``result`` is the usage error ``message`` of ``procreg COMMAND``."""
    assert (result.status, result.stdout) == (ExitCode.USAGE, "")
    assert result.stderr.startswith(f"usage: procreg {command} [-h]")
    assert result.stderr.endswith(
        f"procreg {command}: {message}\n"
        f"Run 'procreg {command} --help' for the options and examples.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--db", "r.json", "--remote", "http://127.0.0.1:8000", "list"],
            "give either --db or --remote, not both",
        ),
        (
            ["list", "--db", "r.json", "--remote", "http://127.0.0.1:8000"],
            "give either --db or --remote, not both",
        ),
        (
            ["--remote", "not a url", "list"],
            "argument --remote: 'not a url' is not the address of a registry; "
            "give one such as http://127.0.0.1:8000",
        ),
        (
            ["list", "--remote", ""],
            "argument --remote: '' is not the address of a registry; "
            "give one such as http://127.0.0.1:8000",
        ),
        (
            ["--remote", "http://[::1", "list"],
            "argument --remote: 'http://[::1' is not the address of a registry; "
            "give one such as http://127.0.0.1:8000",
        ),
        (
            ["--remote", "http://[abc]:8000", "list"],
            "argument --remote: 'http://[abc]:8000' is not the address of a "
            "registry; give one such as http://127.0.0.1:8000",
        ),
        (
            ["--user", "alice", "list"],
            "--user names a user of a served registry; give its address with "
            "--remote URL (or PROCREG_REMOTE)",
        ),
        (
            ["--db", "r.json", "list", "--user", "alice"],
            "--user is for a served registry (--remote), but --db names a "
            "registry file; give one or the other",
        ),
    ],
)
def test_options_that_contradict_are_a_usage_error(
    procreg: Procreg, argv: list[str], message: str
) -> None:
    """Options argparse accepts one by one but that cannot go together exit 2
    before anything is opened, as any other wrong command line does."""
    _usage_error(procreg(*argv, db=False), "list", message)


def test_user_with_the_remote_in_the_environment_is_no_usage_error(
    procreg: Procreg,
) -> None:
    """PROCREG_REMOTE names the served registry --user belongs to."""
    result = procreg(
        "--user",
        "alice",
        "list",
        db=False,
        environ={"PROCREG_REMOTE": "http://127.0.0.1:9", "PROCREG_PASSWORD": "x"},
    )

    assert result.status == ExitCode.FAILURE
    assert "usage:" not in result.stderr


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("import", ["-", "-"]),
        ("import", ["-", "a.json", "-"]),
        ("validate", ["-", "-"]),
    ],
)
def test_standard_input_given_twice_is_a_usage_error(
    procreg: Procreg, command: str, argv: list[str]
) -> None:
    """Standard input can be read once: - twice is refused before reading it."""
    result = procreg(command, *argv, stdin='{"exec": "/bin/true"}')

    _usage_error(result, command, "- given twice; standard input can be read only once")


def test_an_option_of_the_command_before_it_says_where_it_goes(
    procreg: Procreg,
) -> None:
    """procreg --json list: the option is the command's, so its help is meant."""
    result = procreg("--trash", "list", db=False)

    _usage_error(result, "list", "--trash goes after the command: procreg list --trash")


def help_example(text: str, start: str) -> str:
    """Return the one example line of ``text`` that begins with ``start``."""
    [line] = [
        line.strip() for line in text.splitlines() if line.strip().startswith(start)
    ]
    return line


def test_help_examples_name_the_definitions_a_new_registry_holds(
    tmp_path: Path,
) -> None:
    """Copied into a shell on a new machine, the examples of --help that name
    an id reach the example they were written for: 1 converts a .wav to .mp3,
    and the pipe into sh really runs 5, which strips x from a file."""
    environment = {
        "PATH": os.environ["PATH"],
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("xaxbx\nyxz\n", encoding="utf-8")
    program = f"{shlex.quote(sys.executable)} -m procreg_tui"

    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", "-c", line.replace("procreg ", f"{program} ")],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    help_text = shell("procreg render --help").stdout
    convert = shell(
        help_example(help_text, "procreg render 1 --set input_file=/data/in.wav")
    )
    strip = shell(help_example(help_text, "procreg render 5 "))

    assert "/ffmpeg -i /data/in.wav " in convert.stdout
    assert convert.stdout.endswith(" /tmp/out.mp3\n")
    assert strip.returncode == 0, strip.stderr
    assert (work / "clean.txt").read_text(encoding="utf-8") == "ab\nyz\n"
