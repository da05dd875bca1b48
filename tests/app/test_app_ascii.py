"""Under a locale that is not UTF-8 the app draws its own symbols in ASCII."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from typing import Any

import pytest
from app_helpers import list_lines, screen_text, settle, until_loaded
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar, ScrollBarRender

from procreg_tui.app import create_app
from procreg_tui.app._dialogs import ConfirmScreen, HelpScreen, TemplateScreen
from procreg_tui.app._export import ExportScreen
from procreg_tui.app._glyphs import (
    ASCII,
    UNICODE,
    AsciiScrollBarRender,
    choose_glyphs,
    is_utf8,
    locale_encoding,
)
from procreg_tui.app._live_panel import LivePanel, WiringView
from procreg_tui.registry import Registry

C_LOCALE = "ANSI_X3.4-1968"
"""What the C library names the character set of LC_ALL=C."""


@pytest.fixture
def c_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run under a locale whose character set is ASCII, as LC_ALL=C gives.

    Python says UTF-8 there anyway (its UTF-8 mode), so both are patched.
    """
    monkeypatch.setattr(locale, "nl_langinfo", lambda item: C_LOCALE)
    monkeypatch.setattr(
        locale, "getpreferredencoding", lambda do_setlocale=True: C_LOCALE
    )
    yield
    choose_glyphs(ascii_only=False)


def _non_ascii(text: str) -> set[str]:
    """Return the characters of ``text`` beyond ASCII."""
    return {char for char in text if ord(char) > 127}


def test_the_locale_decides(c_locale: None) -> None:
    """The C library's character set decides; only UTF-8 keeps the symbols."""
    assert locale_encoding() == C_LOCALE
    assert choose_glyphs() is ASCII
    assert ScrollBar.renderer is AsciiScrollBarRender
    assert choose_glyphs(ascii_only=False) is UNICODE
    assert ScrollBar.renderer is ScrollBarRender
    assert [is_utf8(name) for name in ("UTF-8", "utf8", C_LOCALE, "ISO-8859-1")] == [
        True, True, False, False,
    ]  # fmt: skip


@pytest.mark.usefixtures("c_locale")
@pytest.mark.asyncio
async def test_every_screen_is_ascii_under_the_c_locale(
    registry: Registry, example_definitions: list[dict[str, Any]]
) -> None:
    """The list, the live panel, the footer, help, dialogs, the palette and
    the export draw only ASCII: marks, arrows, cuts, masks and lines."""
    registry.create({"name": "broken", "exec": ""})
    registry.create(
        {
            "name": "with-a-token",
            "exec": "/bin/env",
            "environment": {"API_TOKEN": "s3cr3t-t0ken"},
        }
    )
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        assert app.has_class("-ascii")

        def drawn() -> str:
            text = screen_text(app)
            assert _non_ascii(text) == set(), text
            return text

        drawn()
        lines = list_lines(app)
        assert lines[6].startswith("x  7  broken"), lines
        assert lines[1].startswith("   2  full-format-servi~"), lines

        await pilot.press("w")
        await pilot.pause()
        assert "  v" in app.query_one(WiringView).rows
        assert "up/down PgDn Scroll" in drawn()

        await pilot.press("escape", "end")
        await settle(pilot)
        assert (
            app.query_one(LivePanel).command_line_text
            == "env API_TOKEN=****** /bin/env"
        )
        drawn()

        for key, screen in (
            ("question_mark", HelpScreen),
            ("d", ConfirmScreen),
            ("n", TemplateScreen),
            ("ctrl+p", CommandPalette),
        ):
            await _opened(pilot, key, screen)
            text = drawn()
            await pilot.press("escape")
            await pilot.pause()
            if screen is ConfirmScreen:
                assert '"with-a-token"' in text
            if screen is TemplateScreen:
                assert "stdin -> stdout filter" in text

        await app.run_action("export('slurm')")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        text = drawn()
        assert "export API_TOKEN=******" in text, text


async def _opened(pilot: Pilot[int], key: str, screen: type) -> None:
    """Press ``key`` and wait until ``screen`` shows."""
    await pilot.press(key)
    for _ in range(100):
        if isinstance(pilot.app.screen, screen):
            break
        await pilot.pause(0.02)
    assert isinstance(pilot.app.screen, screen)
    await pilot.pause(0.1)


@pytest.mark.asyncio
async def test_a_utf8_locale_keeps_the_symbols(registry: Registry) -> None:
    """Under UTF-8 the marks and arrows are the usual ones."""
    registry.create({"name": "broken", "exec": ""})
    app = create_app(registry, ascii_only=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        assert not app.has_class("-ascii")
        assert list_lines(app)[6].startswith("✗  7  broken")
        assert "  ↓" in app.query_one(WiringView).rows
