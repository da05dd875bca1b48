"""How the app draws the wiring of the ffmpeg-to-mp3 example, shared by the
pilot tests and the tests of the real app in tmux."""

WIRING_AT_80 = [
    "message bus",
    "  ↓",
    "input adapter   file path",
    "    path        /tmp/procreg/input",
    "                (${input_file})",
    "    how         passed as argument 2",
    "  ↓",
    "process         /usr/local/bin/ffmpeg",
    "                (5 arguments)",
    "  ↓",
    "output adapter  file path",
    "    path        /tmp/procreg/output",
    "                (${output_file})",
    "    how         passed as argument 5; read back",
    "                after exit",
    "  ↓",
    "message bus",
]
"""The wiring with the sample bindings at 80 columns, where the live panel is
48 columns wide: rows too long for it go on under their values."""
