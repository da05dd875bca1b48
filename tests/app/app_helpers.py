"""Helpers shared by the app tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static, TextArea
from textual.widgets._footer import FooterKey

from procreg_tui.app import ProcregApp
from procreg_tui.app._definition_list import DefinitionList


async def until_loaded(pilot: Pilot[int]) -> ProcregApp:
    """Wait until the app has read its registry, and return the app."""
    app = pilot.app
    assert isinstance(app, ProcregApp)
    for _ in range(500):
        if app.loaded:
            break
        await pilot.pause(0.01)
    assert app.loaded, "the registry was never loaded"
    await pilot.pause()
    return app


def list_labels(app: ProcregApp) -> list[str]:
    """Return the labels of the rows the list shows, in order."""
    return [entry.label for entry in app.query_one(DefinitionList).rows]


def list_lines(app: ProcregApp) -> list[str]:
    """Return the text of the list's rows as drawn on screen."""
    listing = app.query_one(DefinitionList)
    height = listing.scrollable_content_region.height
    return [listing.render_line(y).text for y in range(height)]


def shown(app: ProcregApp, selector: str) -> str:
    """Return the plain text a Static widget shows."""
    return str(app.query_one(selector, Static).content)


async def settle(pilot: Pilot[int]) -> ProcregApp:
    """Wait until the editor shows the highlighted definition and no write runs."""
    app = pilot.app
    assert isinstance(app, ProcregApp)
    for _ in range(500):
        if app.settled and app.writing is None:
            break
        await pilot.pause(0.01)
    assert app.settled, "the highlighted definition never opened"
    assert app.writing is None, f"the registry is still being written: {app.writing}"
    await pilot.pause()
    return app


def footer_keys(app: ProcregApp) -> list[tuple[str, str]]:
    """Return the keys the footer shows, with their descriptions."""
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


def text_area_lines(area: TextArea) -> list[str]:
    """Return the rows of a text area as drawn, without the line numbers."""
    height = area.scrollable_content_region.height
    width = area.gutter_width
    return [area.render_line(y).text[width:].rstrip() for y in range(height)]


def screen_text(app: ProcregApp) -> str:
    """Return the text of every row the app would draw now, one line per row."""
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip)
        for line in update.strips
    )
