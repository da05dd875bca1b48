"""Sentences the app tells about definitions: counts, quoted labels, and what
is wrong with an analysed definition that is about to be saved or exported."""

from __future__ import annotations

from procreg_tui.app._analysis import LOST, REPLACEMENT, Analysis
from procreg_tui.app._external_editor import ENCODING_PROBLEMS
from procreg_tui.app._glyphs import glyphs
from procreg_tui.definition import Severity


def count(number: int, noun: str) -> str:
    """Return ``1 definition`` or ``3 definitions``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def quoted(text: str) -> str:
    """Return ``text`` between quotation marks."""
    g = glyphs()
    return f"{g.open_quote}{text}{g.close_quote}"


def save_warning(analysis: Analysis) -> str:
    """Say what saving a text with errors stores: characters standing for lost
    bytes, which stay as they are, and errors, which mark it invalid."""
    text = analysis.document.text
    lost = text.count(REPLACEMENT)
    errors = analysis.count(Severity.ERROR)
    sentences = []
    if lost:
        # The problems of bytes that were not UTF-8 are those of the U+FFFD.
        errors -= sum(
            1
            for problem in analysis.problems
            if problem.severity is Severity.ERROR
            and problem.code in (LOST, *ENCODING_PROBLEMS)
        )
        line, column = analysis.document.position(text.index(REPLACEMENT))
        where = "the first at" if lost > 1 else "at"
        stays = "they stay" if lost > 1 else "it stays"
        sentences.append(
            f"The text holds {count(lost, 'U+FFFD replacement character')} "
            f"({where} line {line}, column {column}), standing for bytes that were "
            f"not UTF-8 and are lost; saved, {stays} in the definition."
        )
    if errors:
        sentences.append(
            f"The definition has {count(errors, 'error')}; it will be marked invalid."
        )
    return " ".join(sentences)


def export_refusal(analysis: Analysis) -> str | None:
    """Say why the analysed definition cannot be exported, or return ``None``."""
    if analysis.definition is None:
        return "is not a JSON object"
    errors = [p for p in analysis.problems if p.severity is Severity.ERROR]
    if not errors:
        return None
    first = errors[0]
    more = f"; {len(errors) - 1} more in the Problems list" if len(errors) > 1 else ""
    return (
        f"has {count(len(errors), 'error')} ({first.json_path}: {first.message}{more})"
    )
