"""``procreg serve``: where it listens, what it warns about, and what it needs."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import process_environment, procreg
from server_harness import API, PASSWORDS, LiveServer

from procreg_tui.server import ServeOptions, UserStore, exposure_warning, is_loopback
from procreg_tui.server._serve import readable_warning


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
    """serve works on a file (not --remote) and needs both TLS files or none;
    either mistake is a wrong command line (status 2)."""
    db = str(tmp_path / "registry.json")

    remote = procreg("--remote", "http://127.0.0.1:9", "serve")
    assert (remote.status, remote.stderr) == (
        2,
        "procreg: serve serves a registry file; leave out --remote\n",
    )
    half = procreg("--db", db, "serve", "--port", "0", "--certfile", "c.pem")
    assert (half.status, half.stderr) == (
        2,
        "procreg: TLS needs both --certfile and --keyfile\n",
    )
    other_half = procreg("--db", db, "serve", "--port", "0", "--keyfile", "k.pem")
    assert (other_half.status, other_half.stderr) == (
        2,
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


def test_serve_names_a_tls_file_it_cannot_use(tmp_path: Path) -> None:
    """A missing certificate or key is named before anything is served; files
    that are not PEM are named too."""
    db = str(tmp_path / "registry.json")
    certificate = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"

    def serve(*tls: Path) -> tuple[int, str]:
        options = ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
        outcome = procreg("--db", db, "serve", "--port", "0", *options)
        return outcome.status, outcome.stderr

    assert serve(certificate, key) == (
        1,
        f"procreg: cannot read the TLS certificate {certificate}: No such file or "
        "directory\n",
    )
    certificate.write_text("not a certificate\n")
    assert serve(certificate, key) == (
        1,
        f"procreg: cannot read the TLS key {key}: No such file or directory\n",
    )
    key.write_text("not a key\n")
    assert serve(certificate, key) == (
        1,
        f"procreg: cannot use {certificate} and {key} for TLS: they must be a PEM "
        "certificate and its private key\n",
    )
    assert serve(tmp_path, key) == (
        1,
        f"procreg: cannot read the TLS certificate {tmp_path}: Is a directory\n",
    )
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    assert serve(certificate, fifo) == (
        1,
        f"procreg: the TLS key {fifo} is not a regular file\n",
    )


def test_files_others_may_read_are_warned_about(tmp_path: Path) -> None:
    """A users file readable by the group or others, and a registry readable by
    everyone, get a warning each; owner-only files and a group-shared registry
    none."""
    users = tmp_path / "registry.users.json"
    registry = tmp_path / "registry.json"
    for path in (users, registry):
        path.write_text("{}")

    users.chmod(0o640)
    registry.chmod(0o644)
    assert readable_warning(users, "the password hashes", group=True) == (
        f"warning: {users} may be read by other users, and it holds the password "
        f"hashes; run 'chmod go-rwx {users}'"
    )
    assert readable_warning(registry, "every user's definitions", group=False) == (
        f"warning: {registry} may be read by every user of this machine, and it "
        f"holds every user's definitions; run 'chmod o-rwx {registry}'"
    )

    users.chmod(0o600)
    registry.chmod(0o640)
    assert readable_warning(users, "the password hashes", group=True) is None
    assert readable_warning(registry, "every user's definitions", group=False) is None
    assert readable_warning(tmp_path / "missing", "x", group=True) is None


@dataclass
class Served:
    """``procreg serve`` running in a process of its own on a free port."""

    process: subprocess.Popen[str]
    told: list[str]
    """What it said on standard error before the line saying where it serves."""
    live: LiveServer

    def stop(self, stop: signal.Signals = signal.SIGINT) -> tuple[int, str]:
        """Send ``stop``; return the exit status and the rest of standard error."""
        self.process.send_signal(stop)
        _, rest = self.process.communicate(timeout=60)
        return self.process.returncode, rest


def start_serve(tmp_path: Path, *options: str) -> Served:
    """Start ``procreg --db REGISTRY OPTIONS serve --port 0`` on the registry
    and users file in ``tmp_path``, and wait until it says where it serves."""
    db = tmp_path / "registry.json"
    command = ["procreg_tui", "--db", str(db), *options, "serve", "--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**process_environment(), "HOME": str(tmp_path)},
    )
    assert process.stderr is not None
    told = []
    for line in process.stderr:
        found = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            users = UserStore(tmp_path / "registry.users.json")
            live = LiveServer("", int(found.group(1)), db, users)
            return Served(process, told, live)
        told.append(line)
    process.wait(timeout=60)
    raise AssertionError(f"serve ended with {process.returncode}: {told}")


def test_serve_warns_on_start_and_creates_the_registry_owner_only(
    tmp_path: Path,
) -> None:
    """serve warns about a users file others may read, and the registry file its
    first change creates has mode 600, as the users file."""
    db = tmp_path / "registry.json"
    users = tmp_path / "registry.users.json"
    UserStore(users).add("alice", PASSWORDS["alice"])
    users.chmod(0o644)

    served = start_serve(tmp_path)
    try:
        created = served.live.request(
            "POST", API, {"definition": {"exec": "/bin/true"}}
        )
    finally:
        served.stop()

    (warning,) = served.told
    assert warning == (
        f"procreg: warning: {users} may be read by other users, and it holds the "
        f"password hashes; run 'chmod go-rwx {users}'\n"
    )
    assert created.status == 201
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_serve_stops_on_ctrl_c_and_sigterm_alike(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """Ctrl-C and a service manager's SIGTERM both shut down, say so and exit 0."""
    UserStore(tmp_path / "registry.users.json").add("alice", PASSWORDS["alice"])

    served = start_serve(tmp_path)
    assert served.live.request("GET", API).status == 200  # up, its signals taken
    status, rest = served.stop(stop)

    assert (status, rest.splitlines()[-1]) == (0, "procreg: stopped")


def test_serve_options_reach_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--forwarded-allow-ips, --max-connections and --body-timeout are handed
    to the server as given; by default no proxy is believed."""
    import procreg_tui.server._serve as serving  # noqa: PLC0415

    seen: list[ServeOptions] = []
    monkeypatch.setattr(
        serving, "serve", lambda registry, users, options, tell: seen.append(options)
    )
    db = str(tmp_path / "registry.json")

    assert procreg("--db", db, "serve").status == 0
    given = procreg(
        "--db",
        db,
        "serve",
        "--forwarded-allow-ips",
        "10.0.0.1,10.0.0.2",
        "--max-connections",
        "20",
        "--body-timeout",
        "2.5",
    )
    assert given.status == 0
    assert [
        (o.forwarded_allow_ips, o.max_connections, o.body_seconds) for o in seen
    ] == [(None, 500, 30.0), ("10.0.0.1,10.0.0.2", 20, 2.5)]
    refused = procreg("--db", db, "serve", "--body-timeout", "0")
    assert refused.status == 2
    assert "argument --body-timeout: '0' is not a number of seconds" in refused.stderr


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "proxy.example.com",
            "'proxy.example.com' is not an IP address or network; give the "
            "proxies' addresses, such as 127.0.0.1 or 10.0.0.0/8",
        ),
        (
            "127.0.0.1,10.0.0.1/8",
            "'10.0.0.1/8' is not an IP address or network (10.0.0.1/8 has host "
            "bits set); give the proxies' addresses, such as 127.0.0.1 or "
            "10.0.0.0/8",
        ),
        (
            "10.0.0.0/33",
            "'10.0.0.0/33' is not an IP address or network; give the proxies' "
            "addresses, such as 127.0.0.1 or 10.0.0.0/8",
        ),
        (
            "*,127.0.0.1",
            "'*,127.0.0.1': '*' believes any proxy, so it stands alone",
        ),
    ],
)
def test_forwarded_allow_ips_that_name_no_address_are_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: str,
    message: str,
) -> None:
    """A proxy named by host name, a network with host bits or '*' among
    addresses would believe no proxy at all; it is refused before serving."""
    import procreg_tui.server._serve as serving  # noqa: PLC0415

    seen: list[ServeOptions] = []
    monkeypatch.setattr(
        serving, "serve", lambda registry, users, options, tell: seen.append(options)
    )
    db = str(tmp_path / "registry.json")

    refused = procreg("--db", db, "serve", "--forwarded-allow-ips", given)
    accepted = procreg("--db", db, "serve", "--forwarded-allow-ips", " ::1")

    assert refused.status == 2
    assert refused.stderr.splitlines()[-2] == (
        f"procreg serve: argument --forwarded-allow-ips: {message}"
    )
    assert accepted.status == 0
    assert [o.forwarded_allow_ips for o in seen] == ["::1"]


def test_serve_tells_on_start_that_the_registry_is_read_only(tmp_path: Path) -> None:
    """A registry served read-only is said so before serving, as the other
    commands say it; otherwise only each refused change would tell."""
    db = tmp_path / "registry.json"
    users = tmp_path / "registry.users.json"
    UserStore(users).add("alice", PASSWORDS["alice"])

    served = start_serve(tmp_path, "--read-only")
    try:
        created = served.live.request(
            "POST", API, {"definition": {"exec": "/bin/true"}}
        )
    finally:
        served.stop()

    (told,) = served.told
    assert told == (
        f"procreg: the registry {db} is read-only (opened read-only): every "
        "change is answered 403\n"
    )
    assert created.status == 403
