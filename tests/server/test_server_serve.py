"""``procreg serve``: where it listens, what it warns about, and what it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import procreg

from procreg_tui.server import exposure_warning, is_loopback


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.0.2.7", False),
        ("registry.example", False),
    ],
)
def test_loopback_addresses(host: str, expected: bool) -> None:
    """Only 127.0.0.0/8, ::1 and localhost count as this machine alone."""
    assert is_loopback(host) is expected


def test_serving_beyond_this_machine_without_tls_is_warned_about() -> None:
    """A non-loopback bind without TLS gets a warning; with TLS or on loopback none."""
    assert exposure_warning("0.0.0.0", tls=False) == (
        "warning: serving on 0.0.0.0 without TLS: passwords and definitions cross "
        "the network in the clear; give --certfile and --keyfile, or serve on "
        "127.0.0.1 behind a TLS proxy"
    )
    assert exposure_warning("0.0.0.0", tls=True) is None
    assert exposure_warning("127.0.0.1", tls=False) is None


def test_serve_without_the_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without uvicorn installed, serve exits 1 naming the extra to install."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)

    outcome = procreg("--db", str(tmp_path / "registry.json"), "serve", "--port", "0")

    assert (outcome.status, outcome.stderr) == (
        1,
        "procreg: procreg serve needs a web server; install the server extra: "
        "pip install 'procreg-tui[server]'\n",
    )


def test_serve_refuses_remote_and_half_tls(tmp_path: Path) -> None:
    """serve works on a file (not --remote) and needs both TLS files or none."""
    db = str(tmp_path / "registry.json")

    remote = procreg("--remote", "http://127.0.0.1:9", "serve")
    assert (remote.status, remote.stderr) == (
        2,
        "procreg: serve serves a registry file; leave out --remote\n",
    )
    half = procreg("--db", db, "serve", "--port", "0", "--certfile", "c.pem")
    assert (half.status, half.stderr) == (
        1,
        "procreg: TLS needs both --certfile and --keyfile\n",
    )
    port = procreg("--db", db, "serve", "--port", "70000")
    assert port.status == 2


def test_headless_commands_load_no_web_framework(tmp_path: Path) -> None:
    """procreg list never imports Starlette, uvicorn or argon2."""
    script = (
        "import io, sys\n"
        "from procreg_tui.cli import run\n"
        f"status = run(['--db', {str(tmp_path / 'r.json')!r}, 'list'], "
        "stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'starlette', 'uvicorn', 'argon2', 'anyio'})\n"
        "print(status, loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout == "0 []\n"
