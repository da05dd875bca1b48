"""The ``procreg`` command line: options, subcommands and their help."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from procreg_tui import __version__
from procreg_tui._helptext import HelpFormatter
from procreg_tui.export._format import ExportFormat
from procreg_tui.remote import RemoteError, add_remote_options, remote_url
from procreg_tui.server import add_commands as add_server_commands

_RESOURCE_URI = re.compile(r"/?api/process_definition/(\d+)/?")


class UsageError(Exception):
    """The command line is wrong; ``usage`` is the usage text of the parser."""

    def __init__(self, message: str, usage: str, prog: str) -> None:
        super().__init__(message)
        self.usage = usage
        self.prog = prog


class Answered(Exception):  # noqa: N818 - not an error: help or version was asked for
    """The command line asked for text that answers it (``--help``, ``--version``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of printing and exiting."""

    commands: Mapping[str, argparse.ArgumentParser] = {}
    """The parser of each command, on the top parser."""

    def error(self, message: str) -> NoReturn:
        """Raise :class:`UsageError` for a wrong command line."""
        raise UsageError(message, self.format_usage(), self.prog)

    def parse_known_args(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse ``args``; refuse any argument this parser does not know.

        argparse hands what a command's parser does not know up to the top
        parser, which would point to ``procreg --help``; refused here, the
        message names the command whose help lists the options.
        """
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            command = self.commands.get(getattr(parsed, "command", None) or "")
            if isinstance(command, _Parser) and command.knows(extras[0]):
                # ``procreg --json list``: an option of the command, before it.
                command.error(
                    f"{extras[0]} goes after the command: {command.prog} {extras[0]}"
                )
            self.error(self._unrecognized(extras))
        return parsed, extras

    def knows(self, word: str) -> bool:
        """Return whether ``word`` is one of this parser's options."""
        name = word.partition("=")[0]
        return any(name in action.option_strings for action in self._actions)

    def _unrecognized(self, extras: Sequence[str]) -> str:
        """Return the message for ``extras``, with the option probably meant."""
        import difflib  # noqa: PLC0415 - only a wrong command line needs it

        message = f"unrecognized arguments: {' '.join(extras)}"
        known = [
            option
            for action in self._actions
            for option in action.option_strings
            if option.startswith("--")
        ]
        for extra in extras:
            name = extra.partition("=")[0]
            if not name.startswith("--"):
                continue
            close = difflib.get_close_matches(name, known, n=1)
            if close:
                return f"{message} (did you mean {close[0]}?)"
        return message

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Raise instead of leaving the process; argparse calls this on its own."""
        if status:
            raise UsageError(message or "invalid command line", "", self.prog)
        raise Answered(message or "")


class _HelpAction(argparse.Action):
    """``-h``/``--help``: answer with the parser's help text."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        raise Answered(parser.format_help())


class _VersionAction(_HelpAction):
    """``--version``: answer with the version of procreg."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        raise Answered(f"procreg {__version__}\n")


def definition_id(text: str) -> int:
    """Return the id written as ``7`` or as ``/api/process_definition/7/``.

    Raises:
        argparse.ArgumentTypeError: ``text`` is neither.
    """
    match = _RESOURCE_URI.fullmatch(text.strip())
    digits = match.group(1) if match else text.strip()
    if digits.isdecimal() and digits.isascii() and int(digits) > 0:
        return int(digits)
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a definition id (a number such as 7, or "
        "/api/process_definition/7/)"
    )


def registry_file(text: str) -> str:
    """Return ``text``, the path given to ``--db``.

    Raises:
        argparse.ArgumentTypeError: it is empty, as an unset variable in
            ``--db "$TEAM_DB"`` gives, which must not mean the user's own registry.
    """
    if not text:
        raise argparse.ArgumentTypeError(
            "the registry path is empty; give a file, or leave --db out for "
            "$PROCREG_DB or your own registry"
        )
    return text


def output_path(text: str) -> str:
    """Return ``text``, the path given to ``export -o``.

    Raises:
        argparse.ArgumentTypeError: it is empty, as an unset variable in
            ``-o "$OUT"`` gives, which must not mean the current folder.
    """
    if not text:
        raise argparse.ArgumentTypeError(
            "the path is empty; give a file, a folder ending in /, or - for "
            "standard output"
        )
    return text


def binding(text: str) -> tuple[str, str]:
    """Return ``NAME=VALUE`` split into its name and value.

    Raises:
        argparse.ArgumentTypeError: there is no ``=`` or the name is empty.
    """
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a binding; write NAME=VALUE, e.g. input_file=/data/in.wav"
        )
    return name, value


_DESCRIPTION = """\
procreg keeps process definitions (JSON objects saying what to run, with which
arguments, and how data gets in and out) in a registry file, checks them, and
shows the command line each would run.

Without a command, procreg starts the app in the terminal. The commands below
work without a terminal, for scripts, cron and CI: data goes to standard
output, messages to standard error.
"""

_EPILOG = """\
registry:
  --db PATH, else the environment variable PROCREG_DB, else the per-user
  registry ('procreg paths' shows where), created with examples on first use.

exit status:
  0  success
  1  invalid definitions, a conflicting edit, an id not found, or a file or
     the registry that could not be read or written
  2  a wrong command line, or the app started without a terminal
  70 an internal error of procreg (a bug; please report it)
  130 interrupted (Ctrl-C)
  129, 143 stopped by a hangup (SIGHUP) or SIGTERM

examples:
  procreg                          start the app
  procreg list                     one line per definition
  procreg validate job.json        check a file without storing it
  procreg import job.json          store the definitions of a file
  procreg render 1 --set input_file=/data/in.wav
  procreg export -o backup.json    the whole registry, written atomically

Run 'procreg COMMAND --help' for the options and examples of a command.
"""

_EXPORT_FORMATS = "formats (--format):\n" + "".join(
    f"  {fmt.value:<12} {fmt.summary}\n" for fmt in ExportFormat
)
"""The export formats, one line each, for ``procreg export --help``."""

_ID_OR_FILE = (
    "An argument that is a definition id (7, /api/process_definition/7/) means "
    "that definition, even when a file of that name exists; give a file named "
    "like a number with its folder, as ./7."
)
"""How ``validate`` and ``render`` tell an id from a file, for their help."""

_COMMANDS: dict[str, tuple[str, str, str]] = {
    "list": (
        "list the definitions, one line each",
        "Print one line per definition: its id, label (its name, else the base "
        "name of exec), process type, application and validity (ok, warnings, "
        "or invalid). Definitions in the trash are left out unless asked for.",
        """\
examples:
  procreg list
  procreg list --json | jq '.objects[].definition.exec'
  procreg list --trash
""",
    ),
    "show": (
        "print a definition as JSON",
        "Print the definition stored under ID as indented JSON, exactly as "
        "stored. With --json, print the whole record: id, resource_uri, "
        "revision, owner, times, and the definition's problems.",
        """\
examples:
  procreg show 3
  procreg show /api/process_definition/3/ > tr.json
  procreg show 3 --json
""",
    ),
    "validate": (
        "check definitions in the registry or in files",
        "Check registry entries (given by id) and files (given by path, - for "
        "standard input), or the whole registry when nothing is given. Every "
        "problem is printed with its JSON path; problems in files also with "
        "file:line:column, as a compiler does. The exit status is 1 when any "
        "definition has an error; warnings alone give 0. An id given more than "
        "once is checked once. " + _ID_OR_FILE,
        """\
examples:
  procreg validate
  procreg validate job.json jobs/*.json
  procreg validate 3 7 --json
  procreg validate ./7             the file named 7, not definition 7
""",
    ),
    "render": (
        "print the command line a definition runs",
        "Resolve a definition (an id, or a file holding one definition) with "
        "the values given by --set and print the POSIX shell command line it "
        "runs. Variables left without a value stay visible as ${name} and are "
        "reported on standard error. With --wiring, also print the path data "
        "takes from the message bus through the process and back. " + _ID_OR_FILE,
        """\
examples:
  procreg render 1
  procreg render 1 --set input_file=/data/in.wav --set output_file=/tmp/out.mp3
  procreg render job.json --wiring
  procreg render 5 --set input_file=notes.txt --set output_file=clean.txt | sh
""",
    ),
    "import": (
        "store the definitions of files in the registry",
        "Read files (- for standard input) of single definitions, arrays of "
        "them, newline-delimited JSON, or what the original HTTP API sends and "
        'answers: the list document, a definition wrapped as {"definition": '
        "{...}}, or a record as GET /api/process_definition/ID/ and 'procreg "
        "show --json' give it (ids are not kept: new ids are given). A "
        "registry file is refused: use it with --db, or export it first. "
        "Either every "
        "definition of every file is stored, or none is: definitions with "
        "errors are refused with their problems unless --allow-invalid is "
        "given. Trailing commas are accepted with a warning.",
        """\
examples:
  procreg import job.json
  curl -s http://registry.example/api/process_definition/ | procreg import -
  procreg import old/*.json --fix-aliases --dry-run
""",
    ),
    "export": (
        "write definitions as JSON, a shell script or scheduler jobs",
        """\
Write the definitions given by id (each once, in the order first given), or
all of them, to standard output or to a file, written atomically: readers see
the old file or the new one. Importing a JSON export into an empty registry and
exporting again gives the same text.

The scheduler formats (cwl, condor, slurm, systemd, k8s) write one document per
definition. One definition gives exactly its file; several give a stream in
which a line '# ==> FILE <==' starts each document; -o DIR/ writes each to its
own file in DIR, all or none: if one cannot be written, no new file stays and
the files already there are left as they were. Each file is named from the
definition's id and label, as 5-tr-strip-x.cwl (a systemd unit's name starts
with procreg-); a label that would make the name longer than 255 bytes is cut,
keeping the id and the extension. Variables take the values given by --set;
the others get sample values (/tmp/procreg/input, /tmp/procreg/output), listed
at the top of each document. What a target cannot express is a warning on
standard error and a comment in the file; what it cannot hold at all (a line
break in an HTCondor argument) stops the export, and nothing is written.

A definition with errors is exported only in the JSON formats, which keep
everything; sh and the scheduler formats name it and its errors and write
nothing.""",
        _EXPORT_FORMATS
        + """
examples:
  procreg export -o backup.json
  procreg export 3 7 --format definitions
  procreg export --format sh -o jobs.sh && . ./jobs.sh
  procreg export 1 --format slurm > job.sbatch
  procreg export 1 --format slurm --set input_file=/data/in.wav -o job.sbatch
  procreg export 3 5 --format k8s | kubectl apply -f -
  procreg export --format cwl -o tools/
""",
    ),
    "delete": (
        "move definitions to the trash",
        "Move the definitions given by id to the trash; 'procreg restore' "
        "brings them back with the same ids, 'procreg purge' removes them for "
        "good. Either all given ids are deleted or none is.",
        """\
examples:
  procreg delete 3
  procreg delete 3 4 5
""",
    ),
    "restore": (
        "bring definitions back from the trash",
        "Bring the definitions given by id back from the trash, with their ids.",
        """\
examples:
  procreg list --trash
  procreg restore 3
""",
    ),
    "purge": (
        "empty the trash for good",
        "Remove every definition in the trash. Their ids are never given again.",
        """\
examples:
  procreg purge
""",
    ),
    "paths": (
        "print where the registry, configuration and logs live",
        "Print the registry file this command would use, and the folders of "
        "the configuration and the logs. Nothing is created.",
        """\
examples:
  procreg paths
  procreg --db team.json paths --json
""",
    ),
}


def build_parser() -> _Parser:
    """Return the parser of the whole ``procreg`` command line.

    The parsed namespace has ``command`` (``None`` to start the app), ``db``,
    ``read_only``, and the options of the chosen command. ``--db`` and
    ``--read-only`` are accepted before or after the command.
    """
    parser = _Parser(
        prog="procreg",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=HelpFormatter,
        add_help=False,
    )
    _add_help(parser)
    parser.add_argument("--version", action=_VersionAction, help="print the version")
    _add_registry_options(parser, top=True)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, description, examples) in _COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=examples,
            formatter_class=HelpFormatter,
            add_help=False,
        )
        _add_help(sub)
        _add_registry_options(sub, top=False)
        _COMMAND_OPTIONS[name](sub)
    add_server_commands(commands, _add_common_options)
    parser.commands = commands.choices
    return parser


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    """Give a command's parser ``--help`` and the registry options."""
    _add_help(parser)
    _add_registry_options(parser, top=False)


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action=_HelpAction, help="show this help")


def _add_registry_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add ``--db`` and ``--read-only``; given after a command they override.

    The command's parser leaves them out of the namespace when they are not
    given, so it keeps what the options before the command said.
    """
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=registry_file,
        default=None if top else argparse.SUPPRESS,
        help="the registry file (default: $PROCREG_DB, else the per-user registry)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="open the registry without ever writing to it",
    )
    add_remote_options(parser, top=top)


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def _list_options(parser: argparse.ArgumentParser) -> None:
    _json_option(parser, "the list document of the original HTTP API, with problems")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--trash", action="store_true", help="list only the definitions in the trash"
    )
    which.add_argument(
        "--all", action="store_true", help="list the trash too, marked as deleted"
    )


def _show_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", type=definition_id, help="definition id")
    _json_option(parser, "the record with its metadata and problems")


def _validate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        metavar="ID|FILE",
        nargs="*",
        help="registry ids and files (- for standard input); none: the registry",
    )
    _json_option(parser, "the problems")


def _render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target", metavar="ID|FILE", help="a registry id, or a file of one definition"
    )
    _set_option(parser, "give the variable ${NAME} a value; may be repeated")
    parser.add_argument(
        "--sample",
        action="store_true",
        help="give variables without a value a sample path such as /tmp/procreg/input",
    )
    parser.add_argument(
        "--wiring", action="store_true", help="also print how data flows"
    )
    _json_option(parser, "the resolution, the command line and the wiring")


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", metavar="FILE", nargs="+", help="files to read, - for standard input"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check and report what would be stored, store nothing",
    )
    parser.add_argument(
        "--allow-invalid",
        action="store_true",
        help="store definitions that have errors too (they are listed as invalid)",
    )
    parser.add_argument(
        "--fix-aliases",
        action="store_true",
        help="store args, input_params, output_params as argv, input_parameters, "
        "output_parameters",
    )
    _json_option(parser, "what was stored")


def _set_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """Add ``--set NAME=VALUE``, repeatable, collected as ``bindings``."""
    parser.add_argument(
        "--set",
        dest="bindings",
        metavar="NAME=VALUE",
        type=binding,
        action="append",
        default=[],
        help=help_text,
    )


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids", metavar="ID", type=definition_id, nargs="*", help="default: all"
    )
    parser.add_argument(
        "-f",
        "--format",
        metavar="FORMAT",
        choices=[fmt.value for fmt in ExportFormat],
        default=ExportFormat.REGISTRY.value,
        help="one of the formats listed below (default: registry)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE|DIR/",
        type=output_path,
        help="write to FILE atomically instead of standard output; for the "
        "scheduler formats, DIR/ (ending in / or an existing folder, created "
        "with its missing parents, as by mkdir -p) gets one file per definition",
    )
    _set_option(
        parser,
        "give the variable ${NAME} a value in the scheduler formats; may be "
        "repeated; variables without one get a sample value such as "
        "/tmp/procreg/input",
    )


def _ids_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids", metavar="ID", type=definition_id, nargs="+", help="definition ids"
    )


def _no_options(parser: argparse.ArgumentParser) -> None:
    del parser


def _paths_options(parser: argparse.ArgumentParser) -> None:
    _json_option(parser, "the paths")


_COMMAND_OPTIONS = {
    "list": _list_options,
    "show": _show_options,
    "validate": _validate_options,
    "render": _render_options,
    "import": _import_options,
    "export": _export_options,
    "delete": _ids_options,
    "restore": _ids_options,
    "purge": _no_options,
    "paths": _paths_options,
}


def parse(
    parser: _Parser, argv: Sequence[str], environ: Mapping[str, str]
) -> argparse.Namespace:
    """Return the namespace of ``argv``.

    Besides what argparse checks, options that contradict each other or a
    value no command could use (``--db`` with ``--remote``, a ``--remote``
    that is no address, ``-`` twice) are a wrong command line too.
    ``environ`` tells whether ``PROCREG_REMOTE`` names a served registry.

    Raises:
        UsageError: the command line is wrong.
        Answered: ``--help`` or ``--version`` was given.
    """
    options = parser.parse_args(list(argv))
    mistake = _contradiction(options, environ)
    if mistake is not None:
        chosen = parser.commands.get(options.command or "", parser)
        raise UsageError(mistake, chosen.format_usage(), chosen.prog)
    return options


def _contradiction(
    options: argparse.Namespace, environ: Mapping[str, str]
) -> str | None:
    """Return what is wrong with ``options`` taken together, or ``None``."""
    remote = getattr(options, "remote", None)
    if remote is not None and options.db is not None:
        return "give either --db or --remote, not both"
    if remote is not None:
        # The client is loaded only when a served registry is named.
        from procreg_tui.remote import Address  # noqa: PLC0415

        try:
            Address.parse(remote)
        except RemoteError as error:
            return f"argument --remote: {error}"
    if (
        getattr(options, "user", None) is not None
        and remote_url(options, environ) is None
    ):
        if options.db is not None:
            return (
                "--user is for a served registry (--remote), but --db names a "
                "registry file; give one or the other"
            )
        return (
            "--user names a user of a served registry; give its address with "
            "--remote URL (or PROCREG_REMOTE)"
        )
    names = [*getattr(options, "files", ()), *getattr(options, "targets", ())]
    if names.count("-") > 1:
        return "- given twice; standard input can be read only once"
    return None
