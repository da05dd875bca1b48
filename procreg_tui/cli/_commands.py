"""The headless commands: each takes a context and returns an exit status."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procreg_tui.cli._context import Context
from procreg_tui.cli._exit import ExitCode
from procreg_tui.cli._parser import definition_id
from procreg_tui.cli._text import printable
from procreg_tui.definition import (
    DefinitionError,
    Problem,
    Severity,
    definition_label,
    fix_aliases,
    format_path,
    has_errors,
    validate,
    worst,
)
from procreg_tui.export._format import ExportFormat
from procreg_tui.export._json import dumps_pretty
from procreg_tui.registry import (
    Record,
    RecordNotFound,
    list_document,
    paths,
    problems_of,
    registry_file_at,
)
from procreg_tui.server import COMMANDS as SERVER_COMMANDS

if TYPE_CHECKING:
    from procreg_tui.cli._sources import Found, Source

# Reading files, resolving and the export formats are imported by the
# commands that use them.


def list_command(context: Context) -> int:
    """Print one line per definition, or the list document with ``--json``."""

    registry = context.registry()
    options = context.options
    if options.trash:
        records = list(registry.trash())
    elif options.all:
        records = sorted([*registry.records(), *registry.trash()], key=_record_id)
    else:
        records = list(registry.records())
    problems = [problems_of(record) for record in records]

    if options.json:
        document = list_document(records)
        for item, found in zip(document["objects"], problems, strict=True):
            item["problems"] = [problem.to_json() for problem in found]
        context.write_json(document)
        return ExitCode.OK

    rows = [
        (
            str(record.id),
            definition_label(record.definition) or "-",
            _text_field(record.definition, "process_type"),
            _text_field(record.definition, "application"),
            _status(record, found),
        )
        for record, found in zip(records, problems, strict=True)
    ]
    context.write_lines(_columns(rows, right_aligned=(0,)))
    return ExitCode.OK


def show_command(context: Context) -> int:
    """Print one definition as indented JSON, or its whole record with ``--json``."""

    record = context.registry().get(context.options.id)
    if record.deleted is not None:
        context.tell(_in_the_trash(record))
    if not context.options.json:
        context.stdout.write(dumps_pretty(record.definition) + "\n")
        return ExitCode.OK

    document = {
        "id": record.id,
        "resource_uri": record.resource_uri,
        "revision": record.revision,
        "owner": record.owner,
        "created": record.created,
        "updated": record.updated,
        "deleted": record.deleted,
        "definition": record.definition,
        "problems": [problem.to_json() for problem in problems_of(record)],
    }
    context.write_json(document)
    return ExitCode.OK


def validate_command(context: Context) -> int:
    """Check registry entries and files; print every problem; 1 on any error.

    A file that cannot be read or an id not found is reported and the others
    are checked all the same; the status is then 1. An id given more than once
    is checked and reported once.
    """

    results: list[tuple[dict[str, Any], str, list[Problem]]] = []
    unchecked: list[str] = []
    targets: Sequence[str] = context.options.targets
    if not targets:
        records = list(context.registry().records())
        for record in records:
            results.append(_registry_result(record, problems_of(record)))
    seen: set[int] = set()
    for target in targets:
        record_id = _registry_target(context, target)
        if record_id is not None and record_id in seen:
            continue  # an id given again (also as its URI) is checked once
        if record_id is None:
            from procreg_tui.cli._sources import read_source  # noqa: PLC0415

            try:
                source = read_source(target, context.stdin)
            except DefinitionError as error:
                context.tell(str(error))
                where = _origin(target)
                unchecked.append(where)
                results.append((_file_result(where, 0, str(error)), where, []))
                continue
            result = _file_result(source.origin, len(source.found))
            results.append((result, source.origin, source.all_problems()))
            continue
        seen.add(record_id)
        try:
            record = context.registry().get(record_id)
        except RecordNotFound as error:
            context.tell(str(error))
            unchecked.append(f"#{record_id}")
            results.append(({"id": record_id, "error": str(error)}, "", []))
            continue
        if record.deleted is not None:
            context.tell(_in_the_trash(record))
        results.append(_registry_result(record, problems_of(record)))

    everything = [problem for _, _, problems in results for problem in problems]
    failed = has_errors(everything) or bool(unchecked)
    if context.options.json:
        output = {
            "valid": not failed,
            "results": [
                {**result, "problems": [problem.to_json() for problem in problems]}
                for result, _, problems in results
            ],
        }
        context.write_json(output)
    else:
        for _, where, problems in results:
            for problem in problems:
                context.write(located(where, problem))
        checked = sum(_count_definitions(result) for result, _, _ in results)
        summary = f"checked {_plural(checked, 'definition')}: {_tally(everything)}"
        if unchecked and not checked:
            summary = "checked no definition"
        if unchecked:
            summary += f"; not checked: {', '.join(unchecked)}"
        context.tell(summary)
    return ExitCode.FAILURE if failed else ExitCode.OK


def render_command(context: Context) -> int:
    """Print the command line of one definition, and its wiring with ``--wiring``."""

    definition, where, problems = _one_definition(context, context.options.target)
    consequence = "its command line cannot be rendered"
    if _refused_for_errors(context, [(where, problems)], consequence):
        context.answer_failure(
            f"{where} has errors; {consequence}",
            problems=[problem.to_json() for problem in problems],
        )
        return ExitCode.FAILURE

    from procreg_tui.resolve import (  # noqa: PLC0415
        command_line,
        resolve,
        sample_bindings,
        wiring,
    )

    bindings = dict(context.options.bindings)
    if context.options.sample:
        bindings = {**sample_bindings(definition), **bindings}
    resolution = resolve(definition, bindings)
    line = command_line(resolution)
    drawn = wiring(definition, bindings)

    if context.options.json:
        output = {
            "command_line": line,
            "argv": list(resolution.argv),
            "cwd": resolution.cwd,
            "environment": dict(resolution.environment),
            "timeout": resolution.timeout,
            "unbound": sorted(resolution.unbound),
            "wiring": drawn.to_json(),
        }
        context.write_json(output)
    else:
        context.write_text(line + "\n")
        if context.options.wiring:
            context.write_text("\n" + "".join(f"{part}\n" for part in drawn.to_text()))
    _warn_of_settings(context, [definition], "the definition has no")
    for name in sorted(resolution.unbound):
        context.tell(
            f"${{{name}}} has no value; give it with --set {name}=VALUE "
            "(or --sample for a sample path)"
        )
    return ExitCode.OK


def _warn_of_settings(
    context: Context, definitions: Sequence[Any], saying: str
) -> None:
    """Warn of each ``--set`` NAME given again with another value (the last
    counts), and of each no ``${NAME}`` of ``definitions`` takes, ``saying`` so
    before it, with the variable it may be a misspelling of."""
    from procreg_tui.resolve import sample_bindings  # noqa: PLC0415

    given: dict[str, list[str]] = {}
    for name, value in context.options.bindings:
        given.setdefault(name, []).append(value)
    for name, values in given.items():
        if len(set(values)) > 1:
            context.tell(
                f"warning: --set {name} is given {len(values)} times; the last "
                f"value, {printable(values[-1])}, is used"
            )

    used = sorted({name for item in definitions for name in sample_bindings(item)})
    unused = [name for name in dict(context.options.bindings) if name not in used]
    if not unused:
        return
    import difflib  # noqa: PLC0415 - only a --set that is not used needs it

    for name in unused:
        message = f"warning: --set {name}: {saying} ${{{name}}}"
        close = difflib.get_close_matches(name, used, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]}?"
        context.tell(message)


def import_command(context: Context) -> int:
    """Store every definition of the given files, or none of them; see ``--help``."""
    options = context.options
    names = _named_once(context, options.files)
    sources, results = _read_sources(context, names)
    blocked = len(sources) < len(names)

    planned: list[tuple[Source, Found, Any]] = []
    invalid = aliases = False
    for source in sources:
        problems = source.all_problems()
        for problem in problems:
            context.report(located(source.origin, problem))
        context.tell(
            f"{source.origin}: {_plural(len(source.found), 'definition')}, "
            f"{_tally(problems)}"
        )
        blocked = blocked or has_errors(source.problems)
        for item in source.found:
            invalid = invalid or has_errors(item.problems)
            aliases = aliases or any(p.code == _ALIAS_CODE for p in item.problems)
            if not isinstance(item.definition, dict):
                blocked = True
                continue
            try:
                definition = (
                    fix_aliases(item.definition)
                    if options.fix_aliases
                    else item.definition
                )
            except DefinitionError as error:
                # Two spellings with different values are already reported
                # above, with their line and column.
                if not any(p.code == _ALIAS_CONFLICT for p in item.problems):
                    context.tell(f"{source.origin} {_json_path(item)}: {error}")
                blocked = True
                continue
            planned.append((source, item, definition))

    if aliases and not options.fix_aliases:
        context.tell("--fix-aliases stores the canonical keys instead of the aliases")
    if invalid and options.allow_invalid and not blocked and _served_registry(context):
        message = (
            "a served registry stores no definition with errors, so "
            "--allow-invalid cannot help; nothing was imported"
        )
        context.tell(message)
        context.answer_failure(message, results=results)
        return ExitCode.FAILURE
    if blocked or (invalid and not options.allow_invalid):
        hint = ""
        if invalid and not blocked and not options.allow_invalid:
            hint = " (--allow-invalid stores definitions with errors anyway)"
        context.tell(f"nothing was imported{hint}")
        context.answer_failure(f"nothing was imported{hint}", results=results)
        return ExitCode.FAILURE
    if not planned:
        context.tell("no definitions to import")
        if options.json:
            context.write_json([])
        return ExitCode.OK

    if options.dry_run:
        stored: list[Record | None] = [None] * len(planned)
    else:
        stored = list(context.registry().create_many([d for _, _, d in planned]))
    _print_imported(context, planned, stored)
    verb = "would import" if options.dry_run else "imported"
    context.tell(f"{verb} {_plural(len(planned), 'definition')}")
    return ExitCode.OK


def _named_once(context: Context, names: Sequence[str]) -> list[str]:
    """Return ``names`` without a file named again, so that a file given twice
    (also through another path to it) is imported once; each repeat is told."""

    kept: list[str] = []
    seen: dict[str, str] = {}
    for name in names:
        key = name if name == "-" else os.path.realpath(name)
        if key in seen:
            first = seen[key]
            again = (
                "is named twice"
                if first == name
                else f"is the same file as {_origin(first)}"
            )
            context.tell(f"{_origin(name)} {again}; it is read once")
            continue
        seen[key] = name
        kept.append(name)
    return kept


def _read_sources(
    context: Context, names: Sequence[str]
) -> tuple[list[Source], list[dict[str, Any]]]:
    """Return the files ``names`` that could be read, and what ``--json``
    says of each file; a file that cannot be read is told on stderr."""
    from procreg_tui.cli._sources import read_source  # noqa: PLC0415

    sources: list[Source] = []
    results: list[dict[str, Any]] = []
    for name in names:
        try:
            source = read_source(name, context.stdin)
        except DefinitionError as error:
            context.tell(str(error))
            results.append(_file_result(_origin(name), 0, str(error), problems=[]))
            continue
        sources.append(source)
        found = len(source.found)
        results.append(
            _file_result(source.origin, found, problems=source.all_problems())
        )
    return sources, results


def export_command(context: Context) -> int:
    """Write the chosen definitions in the chosen format; see ``export --help``.

    The JSON formats and ``sh`` go to standard output or to one file. The
    scheduler formats also go to a folder, one file per definition; every
    warning of theirs goes to standard error.
    """
    from procreg_tui.export import ENGINE_FORMATS, export_text  # noqa: PLC0415

    options = context.options
    export_format = ExportFormat(options.format)
    folder = _output_folder(options.output)
    if export_format not in ENGINE_FORMATS:
        misuse = _stream_misuse(export_format, folder, options.bindings)
        if misuse is not None:
            context.tell(f"{misuse}; see 'procreg export --help'")
            return ExitCode.USAGE

    registry = context.registry()
    if folder is None and options.output not in (None, "-"):
        clash = registry_file_at(registry.path, Path(options.output))
        if clash is not None:
            context.tell(
                f"-o {options.output} is {clash}; writing there would destroy "
                "it; choose another file; nothing was written"
            )
            return ExitCode.FAILURE
    if options.ids:
        records = [registry.get(record_id) for record_id in _unique(options.ids)]
        deleted = [record.id for record in records if record.deleted is not None]
        if deleted:
            context.tell(
                f"{_ids(deleted)} in the trash; restore before exporting; nothing "
                "was written"
            )
            return ExitCode.FAILURE
    else:
        records = list(registry.records())

    if export_format in ENGINE_FORMATS or export_format is ExportFormat.SH:
        checked = [(f"#{record.id}", problems_of(record)) for record in records]
        consequence = f"it cannot be exported as {export_format.value}"
        if _refused_for_errors(context, checked, consequence):
            context.tell("nothing was written")
            return ExitCode.FAILURE

    if export_format in ENGINE_FORMATS:
        return _export_for_engine(context, records, export_format, folder)

    text = export_text(records, export_format)
    if options.output and options.output != "-":
        _write_file(Path(options.output), text)
        context.tell(f"wrote {_plural(len(records), 'definition')} to {options.output}")
    elif options.format == ExportFormat.SH:
        context.write_text(text)
    else:
        context.stdout.write(text)
    return ExitCode.OK


def _export_for_engine(
    context: Context,
    records: Sequence[Record],
    export_format: ExportFormat,
    folder: Path | None,
) -> int:
    """Write ``records`` for a scheduler: to ``folder``, the ``-o`` file or stdout.

    Every warning goes to standard error first. A definition the format cannot
    carry at all stops the export before anything is written, once every such
    definition is named, each on its own line.

    The files of a folder are written all or none.

    Raises:
        ExportError: the ``-o`` file cannot be written.
    """
    from procreg_tui.export import (  # noqa: PLC0415
        ExportError,
        engine_export,
        make_folders,
        remove_folders,
    )

    try:
        export = engine_export(records, export_format, dict(context.options.bindings))
    except ExportError as error:
        *refusals, last = str(error).split("\n")
        for refusal in refusals:
            context.tell(refusal)
        context.tell(f"{last}; nothing was written")
        return ExitCode.FAILURE

    output = context.options.output
    text = export.text
    if folder is None and output and output != "-":
        try:
            text = export.file_text()
        except ExportError as error:
            context.tell(f"{error}; nothing was written")
            return ExitCode.USAGE

    for warning in export.warnings:
        context.tell(f"warning: {warning}")
    _warn_of_settings(
        context,
        [record.definition for record in records],
        "no definition exported uses",
    )

    if folder is not None:
        try:
            made = make_folders(folder)
        except ExportError as error:
            context.tell(str(error))
            return ExitCode.FAILURE
        try:
            written = export.write(folder)
        except ExportError as error:
            remove_folders(made)
            context.tell(f"{error}; nothing was written")
            return ExitCode.FAILURE
        except BaseException:  # interrupted: the files are undone, so the folders
            remove_folders(made)
            raise
        for path in written:
            context.tell(f"wrote {path}")
    elif output and output != "-":
        _write_file(Path(output), text)
        context.tell(f"wrote {_plural(len(records), 'definition')} to {output}")
    else:
        context.write_text(text)
    return ExitCode.OK


def _write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically.

    ``-o /dev/stdout`` or a named pipe may lose its reader early, as standard
    output does (``| head -1``): the rest is dropped quietly, as there.

    Raises:
        ExportError: the file cannot be written.
    """
    from procreg_tui.export import ExportError, write_atomically  # noqa: PLC0415

    try:
        write_atomically(path, text)
    except ExportError as error:
        if not isinstance(error.__cause__, BrokenPipeError):
            raise


def _output_folder(output: str | None) -> Path | None:
    """Return the folder ``-o`` names (ending in ``/`` or a folder), else ``None``."""
    if output is None or output == "-":
        return None
    if output.endswith("/") or Path(output).is_dir():
        return Path(output)
    return None


def _stream_misuse(
    export_format: ExportFormat,
    folder: Path | None,
    bindings: Sequence[tuple[str, str]],
) -> str | None:
    """Return why the options do not fit a format of one stream, else ``None``."""
    from procreg_tui.export import ENGINE_FORMATS  # noqa: PLC0415

    engines = ", ".join(fmt.value for fmt in ExportFormat if fmt in ENGINE_FORMATS)
    if folder is not None:
        return (
            f"-o {folder}/ writes one file per definition, which only the "
            f"scheduler formats ({engines}) do; {export_format.value} is one "
            "stream: give a file name"
        )
    if bindings:
        return (
            f"--set gives values to the scheduler formats ({engines}) only; "
            f"{export_format.value} keeps the definitions' variables"
        )
    return None


def delete_command(context: Context) -> int:
    """Move definitions to the trash, all given ids or none."""
    registry = context.registry()
    records = [registry.get(record_id) for record_id in _unique(context.options.ids)]
    deleted = [record.id for record in records if record.deleted is not None]
    if deleted:
        context.tell(f"{_ids(deleted)} already in the trash; nothing was deleted")
        return ExitCode.FAILURE

    for record in records:
        registry.delete(record.id)
    ids = [record.id for record in records]
    words = " ".join(str(record_id) for record_id in ids)
    context.tell(
        f"moved {_naming(ids)} to the trash; 'procreg restore {words}' undoes it"
    )
    return ExitCode.OK


def restore_command(context: Context) -> int:
    """Bring definitions back from the trash, all given ids or none."""
    registry = context.registry()
    records = [registry.get(record_id) for record_id in _unique(context.options.ids)]
    live = [record.id for record in records if record.deleted is None]
    if live:
        context.tell(f"{_ids(live)} not in the trash; nothing was restored")
        return ExitCode.FAILURE

    for record in records:
        registry.restore(record.id)
    context.tell(f"restored {_naming([record.id for record in records])}")
    return ExitCode.OK


def purge_command(context: Context) -> int:
    """Remove every definition in the trash for good."""
    count = context.registry().purge()
    context.tell(f"purged {_plural(count, 'definition')} from the trash")
    return ExitCode.OK


def paths_command(context: Context) -> int:
    """Print where the registry, configuration, logs and drafts live; create nothing."""
    places = paths(context.registry_path())
    source = context.registry_source()
    registry = str(places.registry)
    served = _served_registry(context)
    if served is not None:
        registry, source = served
    if context.options.json:
        output = {
            "registry": registry,
            "registry_from": source,
            "config": str(places.config),
            "logs": str(places.log),
            "drafts": str(places.drafts),
        }
        context.write_json(output)
        return ExitCode.OK

    rows = [
        ("registry", f"{registry}  ({source})"),
        ("config", str(places.config)),
        ("logs", str(places.log)),
        ("drafts", f"{places.drafts}  (unsaved edits of the app)"),
    ]
    context.write_lines(_columns(rows))
    return ExitCode.OK


def _served_registry(context: Context) -> tuple[str, str] | None:
    """Return the served registry's address and what chose it, if one is used."""
    from procreg_tui.remote import REMOTE_VARIABLE, remote_url  # noqa: PLC0415

    url = remote_url(context.options, context.environ)
    if url is None:
        return None
    return url, "--remote" if context.options.remote else REMOTE_VARIABLE


COMMANDS: dict[str, Callable[[Context], int]] = {
    "list": list_command,
    "show": show_command,
    "validate": validate_command,
    "render": render_command,
    "import": import_command,
    "export": export_command,
    "delete": delete_command,
    "restore": restore_command,
    "purge": purge_command,
    "paths": paths_command,
}
"""Each subcommand's function."""
COMMANDS.update(SERVER_COMMANDS)


_ALIAS_CODE = "alias-key"
_ALIAS_CONFLICT = "alias-conflict"


def located(where: str, problem: Problem) -> str:
    """Return ``problem`` as ``where:line:column: severity: $.path: message``.

    Line and column are left out when the problem has none (a definition read
    from the registry rather than from text).
    """
    place = where
    if problem.line is not None:
        place = f"{where}:{problem.line}:{problem.column}"
    return f"{place}: {problem.severity}: {problem.json_path}: {problem.message}"


def _refused_for_errors(
    context: Context,
    checked: Iterable[tuple[str, Sequence[Problem]]],
    consequence: str,
) -> bool:
    """Report every definition of ``checked`` that has errors; return whether any has.

    ``checked`` holds each definition's name (``#3``, a file name) and its
    problems. For each one with errors, its errors go to standard error, then
    ``NAME has errors; CONSEQUENCE``.
    """
    refused = False
    for where, problems in checked:
        if not has_errors(problems):
            continue
        refused = True
        for problem in problems:
            if problem.severity is Severity.ERROR:
                context.report(located(where, problem))
        context.tell(f"{where} has errors; {consequence}")
    return refused


def _registry_result(
    record: Record, problems: list[Problem]
) -> tuple[dict[str, Any], str, list[Problem]]:
    """Return the validate result of one registry entry."""
    result = {
        "id": record.id,
        "resource_uri": record.resource_uri,
        "deleted": record.deleted,
    }
    return result, f"#{record.id}", problems


def _in_the_trash(record: Record) -> str:
    """Return the note that ``record`` is in the trash and how to bring it back."""
    return (
        f"definition {record.id} is in the trash since {record.deleted}; "
        f"'procreg restore {record.id}' brings it back"
    )


def _registry_target(context: Context, target: str) -> int | None:
    """Return the id ``target`` names, or ``None`` when it names a file.

    A definition id (``7``, ``/api/process_definition/7/``) always means the
    definition, so what a command does never depends on the files of the
    current folder; a file named like a number is given as ``./7``. When such
    a file is there, a note says how to name it.
    """

    if target == "-":
        return None
    try:
        record_id = definition_id(target)
    except argparse.ArgumentTypeError:
        return None
    if "/" not in target and Path(target).exists():
        context.tell(
            f"{target} is read as definition id {record_id}; for the file, "
            f"write ./{target}"
        )
    return record_id


def _one_definition(context: Context, target: str) -> tuple[Any, str, list[Problem]]:
    """Return the definition ``target`` names (an id or a file of exactly one).

    Raises:
        DefinitionError: the file cannot be read.
        RecordNotFound: no definition has that id.
        Refused: the file holds no definition or more than one, or the
            definition is in the trash.
    """

    record_id = _registry_target(context, target)
    if record_id is not None:
        record = context.registry().get(record_id)
        if record.deleted is not None:
            # As export does: what a deleted definition runs is not handed
            # to a shell or a scheduler; show still shows it.
            raise Refused(
                f"definition {record.id} is in the trash since {record.deleted}; "
                f"restore it to render it ('procreg restore {record.id}'); "
                f"'procreg show {record.id}' shows it"
            )
        return record.definition, f"#{record.id}", validate(record.definition)

    from procreg_tui.cli._sources import read_source  # noqa: PLC0415

    source = read_source(target, context.stdin)
    if len(source.found) != 1:
        for problem in source.problems:
            context.report(located(source.origin, problem))
        raise Refused(
            f"{source.origin} holds {_plural(len(source.found), 'definition')}; "
            "render needs exactly one",
            problems=[problem.to_json() for problem in source.problems],
        )
    return source.found[0].definition, source.origin, source.all_problems()


class Refused(Exception):  # noqa: N818 - a refusal, reported as a message
    """A command cannot do what was asked; the message says why.

    ``details`` go with the message into the JSON answer of ``--json``.
    """

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


def _print_imported(
    context: Context,
    planned: Sequence[tuple[Source, Found, Any]],
    stored: Sequence[Record | None],
) -> None:
    """Print what was (or would be) stored: id, label, and where it came from."""
    if context.options.json:
        output = [
            {
                "id": record.id if record else None,
                "resource_uri": record.resource_uri if record else None,
                "source": source.origin,
                "path": _json_path(item),
            }
            for (source, item, _), record in zip(planned, stored, strict=True)
        ]
        context.write_json(output)
        return

    rows = [
        (
            str(record.id) if record else "-",
            definition_label(definition) if isinstance(definition, dict) else "-",
            f"{source.origin} {_json_path(item)}" if item.path else source.origin,
        )
        for (source, item, definition), record in zip(planned, stored, strict=True)
    ]
    context.write_lines(_columns(rows, right_aligned=(0,)))


def _json_path(item: Found) -> str:

    return format_path(item.path)


def _status(record: Record, problems: Iterable[Problem]) -> str:
    """Return the validity mark of a listed definition."""

    if record.deleted is not None:
        return "deleted"
    severity = worst(problems)
    if severity is Severity.ERROR:
        return "invalid"
    if severity is Severity.WARNING:
        return "warnings"
    return "ok"


def _text_field(definition: Any, key: str) -> str:
    """Return a definition's text field for a listing, ``-`` when absent."""
    value = definition.get(key) if isinstance(definition, dict) else None
    return value if isinstance(value, str) and value else "-"


def _columns(
    rows: Sequence[Sequence[str]], right_aligned: Sequence[int] = ()
) -> list[str]:
    """Return ``rows`` as lines of columns two spaces apart, padded to align."""

    cells = [
        row if all(map(str.isprintable, row)) else [printable(cell) for cell in row]
        for row in rows
    ]
    if not cells:
        return []
    width_of = _cell_width(cells)
    widths = [max(map(width_of, column)) for column in zip(*cells, strict=True)]
    if width_of is len:
        # Every cell is ASCII: str.format pads by characters, which are cells.
        layout = "  ".join(
            f"{{:{'>' if index in right_aligned else '<'}{width}}}"
            for index, width in enumerate(widths)
        )
        return [layout.format(*row).rstrip() for row in cells]

    lines = []
    for row in cells:
        padded = []
        for index, (cell, width) in enumerate(zip(row, widths, strict=True)):
            padding = " " * (width - width_of(cell))
            padded.append(padding + cell if index in right_aligned else cell + padding)
        lines.append("  ".join(padded).rstrip())
    return lines


def _cell_width(cells: Sequence[Sequence[str]]) -> Callable[[str], int]:
    """Return how many terminal columns a cell of ``cells`` takes.

    Double-width characters (CJK, most emoji) take two and combining marks
    none; the table of widths is loaded only when a cell is not ASCII.
    """
    if all(cell.isascii() for row in cells for cell in row):
        return len
    from rich.cells import cell_len  # noqa: PLC0415

    return cell_len


def _count_definitions(result: dict[str, Any]) -> int:
    if "error" in result:
        return 0
    return int(result.get("definitions", 1))


def _file_result(
    origin: str,
    definitions: int,
    error: str | None = None,
    *,
    problems: Sequence[Problem] | None = None,
) -> dict[str, Any]:
    """Return what ``--json`` says of one file read: its name, how many
    definitions it holds, why it could not be read, and its problems when given.
    """
    result: dict[str, Any] = {"source": origin, "definitions": definitions}
    if error is not None:
        result["error"] = error
    if problems is not None:
        result["problems"] = [problem.to_json() for problem in problems]
    return result


def _origin(name: str) -> str:
    """Return how messages name the file ``name``: ``<stdin>`` for ``-``."""
    from procreg_tui.cli._sources import STDIN_NAME  # noqa: PLC0415

    return STDIN_NAME if name == "-" else name


def _tally(problems: Sequence[Problem]) -> str:
    """Return ``2 errors, 1 warning`` for ``problems``, or ``no problems``."""

    counts = []
    for severity in Severity:
        count = sum(problem.severity is severity for problem in problems)
        if count:
            noun = "info" if severity is Severity.INFO else str(severity)
            counts.append(f"{count} {noun}" if noun == "info" else _plural(count, noun))
    return ", ".join(counts) if counts else "no problems"


def _plural(count: int, noun: str) -> str:
    """Return ``1 definition`` or ``3 definitions``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _naming(ids: Sequence[int]) -> str:
    """Return ``definition 3`` or ``definitions 3, 4``."""
    if len(ids) == 1:
        return f"definition {ids[0]}"
    return "definitions " + ", ".join(str(i) for i in ids)


def _ids(ids: Sequence[int]) -> str:
    """Return ``definition 3 is`` or ``definitions 3, 4 are``."""
    return _naming(ids) + (" is" if len(ids) == 1 else " are")


def _unique(ids: Iterable[int]) -> list[int]:
    """Return ``ids`` in their order, each once."""
    return list(dict.fromkeys(ids))


def _record_id(record: Record) -> int:
    return record.id
