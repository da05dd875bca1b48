"""What the app would send to the terminal, read from its compositor."""

from __future__ import annotations

from rich.segment import Segment

from procreg_tui.app import ProcregApp


def screen_rows(app: ProcregApp) -> list[list[Segment]]:
    """Return the segments of every row the app would send to the terminal now."""
    update = app.screen._compositor.render_full_update()
    return [[segment for strip in line for segment in strip] for line in update.strips]


def screen_text(app: ProcregApp) -> str:
    """Return the text of every row the app would draw, one line per row."""
    return "\n".join(
        "".join(segment.text for segment in row) for row in screen_rows(app)
    )


def styles_over(app: ProcregApp, text: str) -> list[set[str]]:
    """Return, for each row showing ``text``, the styles its characters are drawn in."""
    found: list[set[str]] = []
    for row in screen_rows(app):
        line = "".join(segment.text for segment in row)
        start = line.find(text)
        if start < 0:
            continue
        styles: set[str] = set()
        offset = 0
        for segment in row:
            end = offset + len(segment.text)
            if end > start and offset < start + len(text):
                styles.add(str(segment.style))
            offset = end
        found.append(styles)
    return found
