"""Commands under hostile conditions: closed streams, odd paths, endless input,
planted links and registry files that procreg did not write."""

from __future__ import annotations

import argparse
import io
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from cli_runner import Procreg

from procreg_tui.cli import run
from procreg_tui.definition import document
from procreg_tui.registry import Registry
from procreg_tui.registry._lock import RegistryLock


def _procreg_process(*argv: str, close: str) -> subprocess.CompletedProcess[str]:
    """Run ``procreg ARGV`` from a shell that closed one of its streams first,
    as ``procreg ... >&-`` (``close="stdout"``) or ``<&-`` (``"stdin"``) does."""
    redirection = ">&-" if close == "stdout" else "<&-"
    command = shlex.join([sys.executable, "-m", "procreg_tui", *argv])
    return subprocess.run(
        ["sh", "-c", f"{command} {redirection}"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        check=False,
        env={**os.environ, "PROCREG_DEBUG": ""},
    )


def test_closed_standard_output_refuses_before_doing_anything(
    registry_path: Path, tmp_path: Path
) -> None:
    """With nowhere to write, nothing is imported and one line says why."""
    source = tmp_path / "job.json"
    source.write_text('{"exec": "/bin/true"}', encoding="utf-8")

    result = _procreg_process(
        "--db", str(registry_path), "import", str(source), close="stdout"
    )

    assert (result.returncode, result.stderr) == (
        1,
        "procreg: standard output is closed; nothing was done\n",
    )
    assert not registry_path.exists()


def test_closed_standard_input_reads_as_empty(registry_path: Path) -> None:
    """import - with standard input closed reports an empty text, not a crash."""
    result = _procreg_process("--db", str(registry_path), "import", "-", close="stdin")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "<stdin>:1:1: error: $: the text is empty; a definition is a JSON object "
        'such as {"exec": "/usr/bin/true"}',
        "procreg: <stdin>: 0 definitions, 1 error",
        "procreg: nothing was imported",
    ]


@pytest.mark.parametrize("folder", ["/", "."])
def test_a_folder_as_the_registry_is_named(
    procreg: Procreg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """--db naming a folder says so and suggests a file in it."""
    monkeypatch.chdir(tmp_path)
    shown = Path(os.path.abspath(folder))

    result = procreg("--db", folder, "list", db=False)

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: the registry {shown} is a folder; give the registry's file, "
        f"such as {shown / 'registry.json'}\n"
    )


def test_an_empty_registry_path_is_a_usage_error(procreg: Procreg) -> None:
    """--db "" (an unset variable) never means the user's own registry."""
    result = procreg("--db", "", "purge", db=False)

    assert result.status == 2
    assert result.stderr.splitlines()[-2] == (
        "procreg: argument --db: the registry path is empty; give a file, or leave "
        "--db out for $PROCREG_DB or your own registry"
    )


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("registry.json", "the registry file"),
        ("link.json", "the registry file"),
        ("registry.json.lock", "the registry's lock file"),
        ("registry.json.lock.holder", "the registry's lock note"),
        ("registry.users.json", "the users file of 'procreg serve'"),
        ("registry.users.json.lock", "the users file's lock file"),
    ],
)
def test_export_never_writes_over_the_registrys_own_files(
    procreg: Procreg, seeded: Path, target: str, what: str
) -> None:
    """-o naming the registry (also through a link), its lock files or the
    users file of procreg serve beside it is refused."""
    (seeded.parent / "link.json").symlink_to(seeded)
    users = seeded.parent / "registry.users.json"
    users.write_text('{"format": 1, "users": {}}\n', encoding="utf-8")
    before = seeded.read_bytes()
    output = seeded.parent / target

    result = procreg("export", "--format", "sh", "-o", str(output))

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: -o {output} is {what}; writing there would destroy it; choose "
        "another file; nothing was written\n"
    )
    assert seeded.read_bytes() == before
    assert users.read_text(encoding="utf-8") == '{"format": 1, "users": {}}\n'


def test_the_lock_note_never_writes_through_a_planted_link(
    registry_path: Path, tmp_path: Path
) -> None:
    """A link planted where the lock note goes is replaced; its target is kept."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    holder = Path(f"{registry_path}.lock.holder")
    holder.symlink_to(victim)

    with Registry.open(registry_path) as registry:
        registry.create({"exec": "/bin/true"})

    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not holder.is_symlink()
    assert holder.read_text(encoding="utf-8").split(" pid ")[1].split()[0] == str(
        os.getpid()
    )
    assert sorted(path.name for path in tmp_path.iterdir() if ".tmp" in path.name) == []


@pytest.mark.parametrize("planted", ["link", "fifo", "huge"])
def test_the_lock_note_is_read_only_from_a_small_regular_file(
    registry_path: Path, tmp_path: Path, planted: str
) -> None:
    """Reading who holds the lock follows no link, waits on no pipe and reads
    a few hundred bytes at most."""
    holder = Path(f"{registry_path}.lock.holder")
    if planted == "link":
        secret = tmp_path / "secret"
        secret.write_text("someone else's file", encoding="utf-8")
        holder.symlink_to(secret)
    elif planted == "fifo":
        os.mkfifo(holder)
    else:
        holder.write_text("x" * 1_000_000, encoding="utf-8")

    note = RegistryLock(registry_path, timeout=1).holder()

    assert note == ("x" * 200 if planted == "huge" else None)


def test_endless_input_stops_at_the_limit(
    procreg: Procreg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file larger than procreg reads (such as /dev/zero) is refused by name."""
    monkeypatch.setattr(document, "MAX_TEXT_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_text('{"exec": "/bin/true", "x": "' + "y" * 1000 + '"}', encoding="utf-8")

    result = procreg("validate", str(big))

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        f"procreg: {big} holds more than 0 MiB, the most procreg reads at once; "
        "split the definitions over several files\n"
        f"procreg: checked no definition; not checked: {big}\n"
    )


def test_dev_zero_is_refused(procreg: Procreg) -> None:
    """The real endless file: refused after the limit, not after all memory."""
    result = procreg("validate", "/dev/zero")

    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == (
        "procreg: /dev/zero holds more than 256 MiB, the most procreg reads at "
        "once; split the definitions over several files\n"
        "procreg: checked no definition; not checked: /dev/zero\n"
    )


def test_a_registry_nested_too_deeply_is_reported(
    procreg: Procreg, registry_path: Path
) -> None:
    """Nesting that exhausts the readers is a registry that cannot be read."""
    deep = "[" * 1100 + "]" * 1100
    registry_path.write_text(
        '{"definitions": {"1": {"definition": {"exec": "x", "deep": '
        + deep
        + '}, "revision": 1, "owner": "a", "created": "t", "updated": "t", '
        '"deleted": null}}}',
        encoding="utf-8",
    )
    before = registry_path.read_bytes()

    result = procreg("import", "-", stdin='{"exec": "/bin/true"}')

    assert result.status == 1
    assert result.stderr.endswith(
        f"procreg: {registry_path}:1:256: the registry file cannot be read: arrays "
        "and objects are nested more than 200 levels deep here; procreg refuses "
        "such nesting. procreg will not write to it; repair the file or choose "
        "another with --db.\n"
    )
    assert registry_path.read_bytes() == before


def test_a_registry_of_a_newer_format_is_never_rewritten(
    procreg: Procreg, seeded: Path
) -> None:
    """A file a newer procreg wrote is refused with what to do, and kept."""
    stored = json.loads(seeded.read_text(encoding="utf-8"))
    stored["meta"]["1"]["format"] = 2
    seeded.write_text(json.dumps(stored), encoding="utf-8")
    before = seeded.read_bytes()

    result = procreg("delete", "1")

    assert result.status == 1
    assert result.stderr == (
        f"procreg: {seeded}: the registry file cannot be read: it was written by a "
        "newer procreg (registry format 2; this procreg 0.1.0 knows format 1); "
        "upgrade procreg to use it. procreg will not write to it; repair the file "
        "or choose another with --db.\n"
    )
    assert seeded.read_bytes() == before


def test_ndjson_lines_end_at_line_feeds_only(
    procreg: Procreg, registry_path: Path, tmp_path: Path
) -> None:
    """U+2028 and U+0085 may stand raw in a JSON string, as jq -c writes them."""
    lines = tmp_path / "jq.ndjson"
    lines.write_text(
        '{"exec": "/bin/echo", "argv": ["a\u2028b\u0085c"]}\r\n{"exec": "/bin/true"}\n',
        encoding="utf-8",
    )

    result = procreg("import", str(lines))

    assert result.status == 0, result.stderr
    with Registry.open(registry_path) as registry:
        assert [record.definition for record in registry.records()] == [
            {"exec": "/bin/echo", "argv": ["a\u2028b\u0085c"]},
            {"exec": "/bin/true"},
        ]


def test_a_bad_line_of_ndjson_is_reported_at_its_place(
    procreg: Procreg, tmp_path: Path
) -> None:
    """One broken line among objects is located on that line, not at line 2:1."""
    lines = tmp_path / "jobs.ndjson"
    lines.write_text(
        '{"exec": "/bin/cat"}\n{"exec": "/bin/cat" "x"}\n{"exec": "/bin/true"}\n',
        encoding="utf-8",
    )

    result = procreg("validate", str(lines))

    assert (result.status, result.stdout) == (
        1,
        f"{lines}:2:21: error: $[1]: expected ',' or '}}' after the value of "
        '"exec", found \'"\'\n',
    )


def test_a_new_registry_file_is_announced_once(
    procreg: Procreg, registry_path: Path
) -> None:
    """A mistyped --db reads an empty registry or starts a new one: a command
    reading it says there is none yet, the command that made the file says so,
    and later commands say nothing."""
    listed = procreg("list")
    first = procreg("import", "-", stdin='{"exec": "/bin/true"}')
    second = procreg("import", "-", stdin='{"exec": "/bin/true"}')
    listed_again = procreg("list")

    assert (listed.status, listed.stdout, listed.stderr) == (
        0,
        "",
        f"procreg: no registry at {registry_path} yet: the first import or change "
        "creates it\n",
    )
    assert (
        first.stderr.splitlines()[-1]
        == f"procreg: created the registry {registry_path}"
    )
    assert "created" not in second.stderr
    assert (listed_again.status, listed_again.stderr) == (0, "")


class _ReaderGone(io.StringIO):
    """Standard output whose reader went away after the first line it took."""

    def write(self, text: str) -> int:
        if self.tell():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text.partition("\n")[0] + "\n")


_CUT_COMMANDS = [
    ("list",),
    ("list", "--json"),
    ("show", "1"),
    ("show", "1", "--json"),
    ("validate",),
    ("validate", "--json"),
    ("render", "1", "--wiring"),
    ("render", "1", "--json"),
    ("export",),
    ("export", "1", "2", "--format", "sh"),
    ("export", "1", "2", "--format", "slurm"),
    ("paths",),
]


@pytest.fixture
def with_invalid(seeded: Path) -> Path:
    """The seeded registry with an invalid definition, 7, that validate fails on."""
    with Registry.open(seeded) as registry:
        registry.create({"exec": "/bin/true", "timeout": 0})
    return seeded


@pytest.mark.parametrize("argv", _CUT_COMMANDS, ids=" ".join)
def test_a_reader_that_goes_away_changes_no_status(
    procreg: Procreg, with_invalid: Path, argv: tuple[str, ...]
) -> None:
    """A reader that stops early (| head -1) ends the output quietly: status and
    messages are those of a reader that took everything, for every command."""
    whole = procreg(*argv)
    stdout, stderr = _ReaderGone(), io.StringIO()

    status = run(
        ["--db", str(with_invalid), *argv],
        stdin=io.StringIO(),
        stdout=stdout,
        stderr=stderr,
        environ={},
    )

    assert whole.status == (1 if argv[0] == "validate" else 0)
    assert (status, stderr.getvalue()) == (whole.status, whole.stderr)
    assert stdout.getvalue() == whole.stdout.partition("\n")[0] + "\n"


def _process(registry: Path, argv: Sequence[str], stdout: int) -> tuple[int, str]:
    """Run ``procreg --db REGISTRY ARGV`` as a process; return status and stderr."""
    process = subprocess.run(
        [sys.executable, "-m", "procreg_tui", "--db", str(registry), *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        check=False,
        env={**os.environ, "PROCREG_DEBUG": ""},
    )
    return process.returncode, process.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("list",),
        ("list", "--json"),
        ("show", "1"),
        ("validate",),
        ("render", "1"),
        ("export",),
        ("export", "-o", "/dev/stdout"),
    ],
    ids=" ".join,
)
def test_a_closed_pipe_ends_the_process_with_the_commands_status(
    with_invalid: Path, argv: tuple[str, ...]
) -> None:
    """The process whose pipe lost its reader before it wrote ends as it does
    when the reader takes everything: its status, its messages, no traceback."""
    whole = _process(with_invalid, argv, subprocess.DEVNULL)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        cut = _process(with_invalid, argv, write_end)
    finally:
        os.close(write_end)

    assert whole[0] == (1 if argv[0] == "validate" else 0)
    assert cut == whole


def test_a_message_of_several_lines_keeps_them_each_made_safe() -> None:
    """A refusal that lists problems shows one per line; a control character
    in any line is still written as an escape."""
    from procreg_tui.cli._context import Context  # noqa: PLC0415

    stderr = io.StringIO()
    context = Context(io.StringIO(), io.StringIO(), stderr, {}, argparse.Namespace())

    context.tell("refused: 2 errors\n  $.exec: is \x1b[2J\n  $.argv: bad")

    assert stderr.getvalue() == (
        "procreg: refused: 2 errors\n  $.exec: is \\x1b[2J\n  $.argv: bad\n"
    )


class _FullDisk(io.StringIO):
    """Standard output on a full disk: every write fails with ENOSPC."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


_FULL = "procreg: cannot write standard output: No space left on device\n"


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (("paths",), _FULL),
        (("list", "--json"), _FULL),
        (("show", "1"), _FULL),
        (("show", "99", "--json"), "procreg: no definition 99\n" + _FULL),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_standard_output_on_a_full_disk_is_named(
    seeded: Path, argv: tuple[str, ...], stderr: str
) -> None:
    """A write to standard output that fails says so, naming the stream; a
    JSON answer to a failure that cannot be written is no traceback."""
    errors = io.StringIO()

    status = run(
        ["--db", str(seeded), *argv],
        stdin=io.StringIO(),
        stdout=_FullDisk(),
        stderr=errors,
        environ={},
    )

    assert (status, errors.getvalue()) == (1, stderr)


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (("paths",), _FULL),
        (("show", "1"), _FULL),
        (("show", "99", "--json"), "procreg: no definition 99\n" + _FULL),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_buffered_output_lost_on_a_full_disk_fails_the_command(
    seeded: Path, argv: tuple[str, ...], stderr: str
) -> None:
    """Output Python holds until exit and then cannot write is told in one
    line with status 1, not a traceback and status 120."""
    environ = {
        name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"
    }
    with open("/dev/full", "w") as full:
        process = subprocess.run(
            [sys.executable, "-m", "procreg_tui", "--db", str(seeded), *argv],
            stdout=full,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
            env={**environ, "PROCREG_DEBUG": ""},
        )

    assert (process.returncode, process.stderr) == (1, stderr)
