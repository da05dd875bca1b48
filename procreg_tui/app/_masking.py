"""Secret-looking values masked where JSON text is drawn, the text left as it is.

The live panel masks the values of secret-looking environment variables until
the user reveals them; the JSON text above it holds the same values. A
:class:`MaskedTextArea` draws them as ``•`` while its text, and so saving,
copying and ``$EDITOR``, keep the real values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Offset
from textual.strip import Strip

from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._literal import LiteralTextArea
from procreg_tui.app._text import is_secret_name, safe_json_text

_STRING = r'"(?:[^"\\]|\\.)*"'
_TOKEN = re.compile(_STRING)
"""A JSON string on one line (JSON strings hold no raw line feed)."""
_PAIR = re.compile(rf'({_STRING})\s*:\s*"((?:[^"\\]|\\.)*)')
"""A key and the string after it on the same line, closed or still being typed."""

Span = tuple[int, int]


def secret_spans(line: str, secrets: Sequence[str]) -> list[Span]:
    """Return the character ranges of ``line`` to mask, in order, not overlapping.

    Masked are: the value after a secret-looking key on the same line (closed
    or still being typed, so that it never shows while the text does not
    parse); a string whose value is one of ``secrets``, however it is escaped;
    and each place where a string holds one of ``secrets`` as written by
    ``json.dumps``.
    """
    if '"' not in line:
        return []
    spans: list[Span] = []
    for pair in _PAIR.finditer(line):
        if is_secret_name(_decoded(pair.group(1))):
            spans.append((pair.start(2), pair.end(2)))
    if secrets:
        wanted = set(secrets)
        written = {_written(secret) for secret in secrets}
        for token in _TOKEN.finditer(line):
            start, end = token.start() + 1, token.end() - 1
            if _decoded(token.group()) in wanted:
                spans.append((start, end))
                continue
            body = token.group()[1:-1]
            for form in written:
                found = body.find(form)
                while found >= 0:
                    spans.append((start + found, start + found + len(form)))
                    found = body.find(form, found + len(form))
    return _merged(spans)


def _decoded(token: str) -> str:
    """Return the value of the JSON string ``token``, or its text between quotes."""
    if "\\" not in token:
        return token[1:-1]
    try:
        value = json.loads(token)
    except ValueError:
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]


def _written(secret: str) -> str:
    """Return ``secret`` as it stands between the quotes of the editor's JSON."""
    return safe_json_text(json.dumps(secret, ensure_ascii=False)[1:-1])


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Return ``spans`` sorted, overlapping and touching ones joined, empty dropped."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def masked_strip(strip: Strip, cells: Sequence[Span]) -> Strip:
    """Return ``strip`` with the cells in ``cells`` drawn as ``glyphs().mask_cell``,
    each in the style it had."""
    parts = []
    position = 0
    for start, end in cells:
        parts.append(strip.crop(position, start))
        middle = strip.crop(start, end)
        parts.append(
            Strip(
                [
                    Segment(glyphs().mask_cell * cell_len(text), style)
                    for text, style, _ in middle
                ],
                end - start,
            )
        )
        position = end
    parts.append(strip.crop(position, strip.cell_length))
    return Strip.join(parts)


class MaskedTextArea(LiteralTextArea):
    """A text area that draws secret-looking values as ``•`` until unmasked."""

    def __init__(self, text: str = "", **options: Any) -> None:
        super().__init__(text, **options)
        self._masking = True
        self._secrets: tuple[str, ...] = ()
        self._spans: dict[str, list[Span]] = {}

    @property
    def masking(self) -> bool:
        """Whether secret-looking values are drawn masked."""
        return self._masking

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values masked wherever they stand in a string."""
        return self._secrets

    def mask(self, secrets: Sequence[str], *, masking: bool = True) -> None:
        """Mask the values of secret-looking keys and every one of ``secrets``;
        with ``masking`` false, mask nothing."""
        secrets = tuple(secret for secret in secrets if secret)
        if (masking, secrets) == (self._masking, self._secrets):
            return
        self._masking = masking
        self._secrets = secrets
        self._spans.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` with the secret-looking values on it masked."""
        strip = super().render_line(y)
        if not self._masking:
            return strip
        row = int(self.scroll_y) + y
        wrapped = self.wrapped_document
        if row >= wrapped.height:
            return strip
        line_index, _ = wrapped.offset_to_location(Offset(0, row))
        line = self.document.get_line(line_index)
        spans = self._spans.get(line)
        if spans is None:
            spans = secret_spans(line, self._secrets)
            if len(self._spans) > 4096:
                self._spans.clear()
            self._spans[line] = spans
        if not spans:
            return strip
        left = self.gutter_width
        shift = left - int(self.scroll_x)
        cells: list[Span] = []
        for start, end in spans:
            for column in range(start, end):
                here = wrapped.location_to_offset((line_index, column))
                if here.y != row:
                    continue
                after = wrapped.location_to_offset((line_index, column + 1))
                width = (
                    after.x - here.x
                    if after.y == row
                    else cell_len(line[column : column + 1])
                )
                cell = (here.x + shift, here.x + shift + width)
                if cell[0] >= left and cell[1] <= strip.cell_length:
                    cells.append(cell)
        return masked_strip(strip, _merged(cells))
