"""The live panel, text from definitions shown as data, and the adaptive layout."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest
from app_helpers import (
    footer_keys,
    list_lines,
    settle,
    shown,
    text_area_lines,
    until_loaded,
)
from example_wiring import WIRING_AT_80
from textual.geometry import Region
from textual.widgets import Footer, Input, OptionList, TextArea

from procreg_tui.app import create_app
from procreg_tui.app._definition_list import DefinitionList
from procreg_tui.app._dialogs import ConflictScreen
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._live_panel import SHOWN_LIMIT, LivePanel, WiringView
from procreg_tui.app._text import MASK
from procreg_tui.registry import Registry

pytestmark = pytest.mark.asyncio

HOSTILE = {
    "name": "[bold]x[/bold] [/] [link=http://e]\x1b[31mred\x07\x00\x9b\u202eevil",
    "exec": "/bin/echo",
    "argv": ["[red]hi", "$HOME"],
}


async def test_live_panel_shows_command_line_and_wiring(registry: Registry) -> None:
    """The live panel shows the resolved command line and the wiring."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        assert shown(app, "#command-line") == (
            "timeout 600 /usr/local/bin/ffmpeg -i /tmp/procreg/input -q:a 2 "
            "/tmp/procreg/output"
        )
        wiring = app.query_one(WiringView).rows
        assert wiring[0] == "message bus"
        assert wiring[-1] == "message bus"


async def test_w_reaches_the_wiring_by_keyboard(registry: Registry) -> None:
    """At 80x24 w moves the keyboard to the live panel with the wiring in view,
    its long rows wrapped under their values; the arrows, PgDn and End scroll
    the panel, the footer says so, and Escape goes back to the list."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        panel = app.query_one(LivePanel)
        wiring = app.query_one(WiringView)
        assert wiring.lines(wiring.content_size.width) == WIRING_AT_80
        assert wiring.content_size.width == 48
        assert panel.scroll_y == 0

        await pilot.press("w")
        await pilot.pause()
        assert panel.has_focus
        assert footer_keys(app)[:2] == [("↑↓ PgDn", "Scroll"), ("esc", "List")]
        heading = app.query_one("#wiring-heading")
        assert heading.region.y == panel.content_region.y
        start = panel.scroll_y

        await pilot.press("down")
        await pilot.pause(0.3)
        assert panel.scroll_y == start + 1
        await pilot.press("end")
        await pilot.pause(0.5)
        assert panel.scroll_y == panel.max_scroll_y
        assert wiring.region.bottom == panel.content_region.bottom
        await pilot.press("home")
        await pilot.pause(0.5)
        assert panel.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause(0.5)
        assert panel.scroll_y == panel.content_region.height

        await pilot.press("escape")
        assert app.focused is app.query_one(DefinitionList)


async def test_w_right_after_opening_brings_the_wiring_to_the_top(
    registry: Registry,
) -> None:
    """w pressed as soon as a definition shows, while the fields of its
    bindings are still coming in, still puts the wiring at the panel's top."""
    for _ in range(5):
        app = create_app(registry)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(500):
                if app.analysis is not None:
                    break
                await pilot.pause(0.001)
            await pilot.press("w")
            await pilot.pause(0.2)

            heading = app.query_one("#wiring-heading")
            assert heading.region.y == app.query_one(LivePanel).content_region.y


async def test_the_panel_is_in_the_tab_order_only_with_a_definition(
    registry: Registry,
) -> None:
    """From a binding, shift+Tab reaches the panel itself; with no definition
    shown the panel takes no keyboard."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        panel = app.query_one(LivePanel)
        await pilot.press("b", "shift+tab")
        assert app.focused is panel
        await pilot.press("escape", "slash", *"zzzz")
        await settle(pilot)
        assert not panel.focusable
        await pilot.press("w")
        assert app.focused is app.query_one("#filter")


async def test_binding_inputs_resolve_again(registry: Registry) -> None:
    """Typing a value for ${input_file} puts it into the command line."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        fields = {
            field.name: field for field in app.query(".binding-value").results(Input)
        }
        assert {name: field.value for name, field in fields.items()} == {
            "input_file": "/tmp/procreg/input",
            "output_file": "/tmp/procreg/output",
        }

        fields["input_file"].value = "/data/my song.wav"
        await pilot.pause()

        assert shown(app, "#command-line") == (
            "timeout 600 /usr/local/bin/ffmpeg -i '/data/my song.wav' -q:a 2 "
            "/tmp/procreg/output"
        )


async def test_problems_are_listed_and_jump_to_their_place(registry: Registry) -> None:
    """A validation problem is listed; choosing it moves the editor's cursor there."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = '{\n  "exec": "/bin/true",\n  "timeout": -5\n}\n'
        await pilot.pause(0.3)

        assert app.analysis is not None
        assert [(p.severity.value, p.path, p.line) for p in app.analysis.problems] == [
            ("error", ("timeout",), 3)
        ]
        problems = app.query_one("#problems", OptionList)
        problems.focus()
        problems.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()

        assert editor.has_focus
        assert editor.cursor_location == (2, 13)


async def test_only_the_adapters_files_get_sample_values(registry: Registry) -> None:
    """${input_file} of a file adapter gets a sample path; any other variable
    stays unbound and reported, as render and validate say, until a value is
    typed for it."""
    registry.create(
        {
            "exec": "/bin/echo",
            "argv": ["${API_TOKEN}", "${input_file}"],
            "input_adapter": {
                "input_type": "file",
                "input_parameters": {"file_path": "${input_file}"},
            },
        }
    )
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)

        assert shown(app, "#command-line") == (
            "/bin/echo '${API_TOKEN}' /tmp/procreg/input"
        )
        assert app.analysis is not None
        assert [(p.code, p.path) for p in app.analysis.problems] == [
            ("unbound-variable", ("argv", 0))
        ]
        fields = {
            field.name: field for field in app.query(".binding-value").results(Input)
        }
        assert {name: field.value for name, field in fields.items()} == {
            "input_file": "/tmp/procreg/input",
            "API_TOKEN": "",
        }

        fields["API_TOKEN"].value = "t0ken"
        await pilot.pause()

        assert shown(app, "#command-line") == "/bin/echo t0ken /tmp/procreg/input"
        assert app.analysis.problems == []


async def test_a_definition_with_errors_is_shown_not_runnable(
    registry: Registry,
) -> None:
    """Its command line is labelled, and c refuses to copy it, as render does."""
    registry.create({"exec": "", "argv": ["-d", "x"]})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)

        assert shown(app, "#command-line") == (
            "Not runnable until the errors are fixed:\nenv '' -d x"
        )
        await pilot.press("c")
        await pilot.pause()

        assert [note.message for note in app._notifications] == [
            "The definition has 1 error: its command line would not run as shown. "
            "Fix it first (the Problems list has it)."
        ]
        assert app.last_copy is None


async def test_copy_refusal_counts_the_errors(registry: Registry) -> None:
    """Two errors are "them", as one is "it"."""
    registry.create({"exec": "", "timeout": -1})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()

        assert [note.message for note in app._notifications] == [
            "The definition has 2 errors: its command line would not run as "
            "shown. Fix them first (the Problems list has them)."
        ]


async def test_lines_with_problems_have_their_number_marked(
    registry: Registry,
) -> None:
    """The gutter of a line with an error takes the error colour, over its own."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = '{\n  "exec": "/bin/true",\n  "timeout": -5\n}\n'
        await pilot.pause(0.3)

        error = editor.get_component_rich_style("definition-editor--error-line")
        gutters = [
            editor.render_line(y).crop(0, editor.gutter_width - 1) for y in range(4)
        ]
        marked = [
            all(segment.style is not None and segment.style.bgcolor == error.bgcolor
                for segment in gutter)
            for gutter in gutters
        ]  # fmt: skip

        assert [gutter.text.strip() for gutter in gutters] == ["1", "2", "3", "4"]
        assert marked == [False, False, True, False]


async def test_secrets_are_masked_until_revealed(registry: Registry) -> None:
    """A secret-looking environment value is masked in the panel until s."""
    registry.create(
        {"exec": "/bin/env", "environment": {"API_TOKEN": "hunter2", "LANG": "C"}}
    )
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)

        assert shown(app, "#command-line") == f"env API_TOKEN={MASK} LANG=C /bin/env"
        await pilot.press("s")
        assert shown(app, "#command-line") == "env API_TOKEN=hunter2 LANG=C /bin/env"


SECRET_DEFINITION = {
    "exec": "/bin/env",
    "argv": ["--token=hunter2"],
    "environment": {"API_TOKEN": "hunter2", "LANG": "C"},
}


async def test_the_editor_masks_what_the_panel_masks_until_revealed(
    registry: Registry,
) -> None:
    """The editor draws secret-looking values as • until s, wherever they stand
    in a string; its text keeps them."""
    registry.create(SECRET_DEFINITION)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)
        masked = [
            "{",
            '  "exec": "/bin/env",',
            '  "argv": [',
            '    "--token=•••••••"',
            "  ],",
            '  "environment": {',
            '    "API_TOKEN": "•••••••",',
            '    "LANG": "C"',
            "  }",
            "}",
        ]

        assert text_area_lines(app.query_one(DefinitionEditor))[:10] == masked
        assert editor.text.count("hunter2") == 2

        await pilot.press("s")
        shown_lines = text_area_lines(editor)[:10]
        assert shown_lines[3] == '    "--token=hunter2"'
        assert shown_lines[6] == '    "API_TOKEN": "hunter2",'

        await pilot.press("s")
        assert text_area_lines(editor)[:10] == masked


async def test_a_secret_being_typed_is_masked_at_once(registry: Registry) -> None:
    """The value after a secret-looking key is masked as it is typed, also while
    the text does not parse; known values stay masked then too."""
    registry.create(SECRET_DEFINITION)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)

        await pilot.press("enter")
        editor.move_cursor((7, 15))
        await pilot.press("enter", "tab", "tab", *'"DB_PASSWORD": "s3cr')
        await pilot.pause(0.3)

        assert app.analysis is not None
        assert app.analysis.definition is None
        assert text_area_lines(editor)[3:9] == [
            '    "--token=•••••••"',
            "  ],",
            '  "environment": {',
            '    "API_TOKEN": "•••••••",',
            '    "LANG": "C"',
            '    "DB_PASSWORD": "••••',
        ]


async def test_the_conflict_dialog_masks_both_versions(registry: Registry) -> None:
    """Both versions of a definition changed elsewhere are drawn masked."""
    registry.create(SECRET_DEFINITION)
    app = create_app(registry)
    async with app.run_test(size=(100, 30)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"LANG": "C"', '"LANG": "D"')
        await pilot.pause()
        with Registry.open(registry.path) as other:
            theirs = {**SECRET_DEFINITION, "environment": {"API_TOKEN": "rosebud"}}
            other.update(7, theirs, base_revision=1)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        mine, theirs_area = app.screen.query(TextArea).results(TextArea)
        assert '    "API_TOKEN": "•••••••",' in text_area_lines(mine)
        assert '    "API_TOKEN": "•••••••"' in text_area_lines(theirs_area)
        assert "rosebud" in theirs_area.text


async def test_definition_text_is_shown_literally(registry: Registry) -> None:
    """Markup and control characters in a definition are drawn as visible text."""
    registry.create(HOSTILE)
    app = create_app(registry, read_only=False)
    async with app.run_test(size=(120, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)

        row = list_lines(app)[6]
        assert row.rstrip() == "   7  [bold]x[/bold] [/] …"
        assert "\x1b" not in row
        title = app.query_one(DefinitionEditor).border_title
        assert title == (
            "#7 \\[bold]x\\[/bold] \\[/] \\[link=http://e]"
            "\\e[31mred\\x07\\x00\\x9b\\u202eevil"
        )
        assert shown(app, "#command-line") == "/bin/echo '[red]hi' '$HOME'"


@pytest.mark.parametrize(
    ("size", "classes"),
    [((80, 24), {"-narrow", "-tall"}), ((140, 40), {"-wide", "-tall"})],
)
async def test_layout_follows_the_width(
    registry: Registry, size: tuple[int, int], classes: set[str]
) -> None:
    """Narrow terminals stack editor and live panel; wide ones set them side by side."""
    app = create_app(registry)
    async with app.run_test(size=size) as pilot:
        await until_loaded(pilot)
        editor = app.query_one("#editor").region
        live = app.query_one("#live").region

        assert classes <= app.screen.classes
        if "-wide" in classes:
            # One column between them draws the line that parts them.
            divider = app.query_one("#divider").region
            assert (editor.y, divider.x, live.x) == (
                live.y,
                editor.right,
                editor.right + 1,
            )
            assert divider.height == live.height
        else:
            assert (editor.x, live.y) == (live.x, editor.bottom)


async def test_too_small_asks_for_a_larger_terminal(registry: Registry) -> None:
    """Below the minimum size only a plain request to enlarge is shown, laid
    over the whole screen; the app stays in place underneath."""
    app = create_app(registry)
    async with app.run_test(size=(50, 12)) as pilot:
        await until_loaded(pilot)

        assert app.query_one("#too-small").region == Region(0, 0, 50, 12)
        assert not app.query_one(Footer).display
        assert shown(app, "#too-small").endswith("Please enlarge the terminal.")


async def test_opener_is_called_after_the_first_screen(tmp_path: Path) -> None:
    """Given an opener, the app shows its screen, then opens the registry."""
    opened: list[Registry] = []

    def opener() -> Registry:
        registry = Registry.open(tmp_path / "r.json")
        opened.append(registry)
        return registry

    app = create_app(opener)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        assert app.registry is opened[0]
        assert shown(app, "#list-status") == "0 definitions"


async def test_p_and_b_reach_the_live_panel_and_escape_leaves_it(
    registry: Registry,
) -> None:
    """From the list, p goes to the problems and b to the bindings; Escape in
    either gives the keyboard back to the list, and Enter on a problem shows it."""
    registry.create({"exec": "/bin/echo", "argv": ["${who}"], "timeout": -1})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        problems = app.query_one("#problems", OptionList)

        await pilot.press("p")
        assert problems.has_focus
        await pilot.press("escape")
        assert app.focused is app.query_one("#list")

        await pilot.press("b")
        field = app.query_one(".binding-value", Input)
        assert (field.has_focus, field.name) == (True, "who")
        await pilot.press(*"me")
        await pilot.press("escape")
        assert app.focused is app.query_one("#list")
        assert shown(app, "#command-line").endswith("/bin/echo me")

        await pilot.press("p", "enter")
        editor = app.query_one(DefinitionEditor)
        assert editor.has_focus
        assert editor.cursor_location == (5, 13)


async def test_the_next_definition_shows_its_command_line_first(
    registry: Registry,
) -> None:
    """After w scrolled the live panel to the wiring, moving to another
    definition in the list shows that one's live panel from the top, its
    command line in view."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        panel = app.query_one(LivePanel)
        await pilot.press("w")
        await pilot.pause()
        assert panel.scroll_y > 0

        await pilot.press("escape", "j")
        await settle(pilot)
        highlighted = app.query_one(DefinitionList).highlighted
        assert highlighted is not None
        assert highlighted.id == 2
        assert panel.scroll_y == 0
        assert panel.command_line_region.height > 0


async def test_a_definition_of_a_large_size_is_shown_plainly_and_copied_whole(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An argument of 600 kB: the editor shows it unwrapped, without highlighting
    or bracket matching (each would go through all of it at every change);
    the panel draws the start of the command line and says how much is left;
    c copies all of it."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    monkeypatch.setattr(pyperclip, "paste", lambda: copied[-1] if copied else "")
    argument = "x" * 600_000
    registry.create({"exec": "/bin/echo", "argv": [argument]})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)
        state = (
            editor.language,
            editor.soft_wrap,
            editor.match_cursor_bracket,
            editor.find_matching_bracket("{", (0, 0)),
        )
        shown = app.query_one(LivePanel).command_line_text
        await pilot.press("c")
        for _ in range(200):
            if copied:
                break
            await pilot.pause(0.02)

    assert state == (None, False, False, None)
    assert shown == (
        "/bin/echo "
        + argument[: SHOWN_LIMIT - len("/bin/echo ")]
        + f"{glyphs().more}\n{600_010 - SHOWN_LIMIT:,} more characters not "
        "shown here"
    )
    assert copied == [f"/bin/echo {argument}"]
