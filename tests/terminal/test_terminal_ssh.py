"""The real ``procreg`` on a login node: over SSH, inside tmux, with no display.

The test starts OpenSSH's sshd of its own on a free loopback port, with a
throwaway host key and a key made for the test. An outer tmux server stands
for the user's terminal; in it ``ssh`` logs in and starts procreg inside a
second tmux server on the far side. Keys go to the outer pane, the screen is
read from it. Nothing reads or writes the user's ``~/.ssh``.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_harness import (
    COMMAND,
    DEADLINE,
    Panel,
    Tmux,
    environment,
    procreg_script,
    skip_unless_installed,
    tmux_server,
    wait_for_file,
)

pytestmark = pytest.mark.tmux

SSHD = "/usr/sbin/sshd"

skip_unless_installed("tmux", "ssh", "ssh-keygen", SSHD)

COPIED = (
    "Copied the command line to tmux's paste buffer (paste it with the tmux "
    "prefix, then ]), and sent it to the terminal clipboard (OSC 52)."
)
"""What the app says after ``c`` where there is no display but tmux."""

PRIVILEGE_SEPARATION = Path("/run/sshd")
"""The empty folder sshd started as root needs."""


def ssh_folder_state() -> list[tuple[str, int, int]] | None:
    """Return name, size and change time of everything in ``~/.ssh``, if it exists."""
    folder = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".ssh"
    if not folder.exists():
        return None
    return sorted(
        (str(path.relative_to(folder)), path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
    )


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def keygen(path: Path) -> None:
    """Make an ed25519 key pair without passphrase at ``path`` and ``path.pub``."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "procreg-test",
         "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip


class Sshd:
    """A running sshd: its port, the key it lets in, and its log."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.key = folder / "user_key"
        """The private key whose public half is the only authorized key."""
        self.log = folder / "sshd.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start sshd on a free port; try other ports if one was taken meanwhile."""
        keygen(self.folder / "host_key")
        keygen(self.key)
        authorized = self.folder / "authorized_keys"
        authorized.write_bytes(self.key.with_suffix(".pub").read_bytes())
        if os.geteuid() == 0 and not PRIVILEGE_SEPARATION.exists():
            PRIVILEGE_SEPARATION.mkdir(mode=0o755, exist_ok=True)
        for _ in range(3):
            self.port = free_port()
            config = self.folder / "sshd_config"
            config.write_text(self._config(authorized), encoding="utf-8")
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [SSHD, "-D", "-e", "-f", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._listening():
                return
            self.stop()
        pytest.fail(f"sshd did not start:\n{self.log.read_text(errors='replace')}")

    def _config(self, authorized: Path) -> str:
        """Return the configuration: this port, public keys only, files of the test."""
        return "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"Port {self.port}",
                f"HostKey {self.folder / 'host_key'}",
                f"PidFile {self.folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "AuthenticationMethods publickey",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "X11Forwarding no",
                "PrintMotd no",
                "",
            ]
        )

    def _listening(self) -> bool:
        """Wait until sshd says it listens; ``False`` when it stopped instead."""
        assert self.process is not None
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if "Server listening on" in self.log.read_text(errors="replace"):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop sshd (the listener and what runs in its process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    """OpenSSH's sshd on 127.0.0.1, letting in the current user with a test key."""
    folder = tmp_path / "sshd"
    folder.mkdir()
    server = Sshd(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def outer() -> Iterator[Tmux]:
    """The user's terminal: a tmux server, without a display or an SSH agent."""
    env = environment({"TERM": "xterm-256color"}, without=("SSH_AUTH_SOCK",))
    with tmux_server("procreg-outer", env) as server:
        yield server


@pytest.fixture
def inner() -> Iterator[Tmux]:
    """The tmux server procreg runs in on the far side, killed at the end."""
    with tmux_server("procreg-inner") as server:
        yield server


def toast(screen: str, start: str) -> str:
    """Return the text of the notification whose first line begins with ``start``.

    The notification is a box drawn over the screen; its lines are read from
    the column where ``start`` is, up to the first gap of two spaces.
    """
    lines = screen.splitlines()
    for row, line in enumerate(lines):
        column = line.find(start)
        if column < 0:
            continue
        words = []
        for below in lines[row:]:
            text = re.split(r"\s{2,}", below[column:].strip())[0]
            if not text:
                break
            words.append(text)
        return " ".join(words)
    return ""


def test_app_over_ssh_inside_tmux(
    sshd: Sshd, outer: Tmux, inner: Tmux, registry_file: Path, tmp_path: Path
) -> None:
    """Over SSH in tmux: list and command line show, c fills tmux's buffer, q: 0.

    The notification after ``c`` says the text went to tmux's paste buffer and
    to the terminal, and the far side's tmux buffer holds the command line
    exactly. ``~/.ssh`` is the same afterwards as before.
    """
    ssh_before = ssh_folder_state()
    status = tmp_path / "status"
    path = os.pathsep.join([str(procreg_script().parent), os.environ["PATH"]])
    app = shlex.join(["env", f"PATH={path}", "procreg", "--db", str(registry_file)])
    on_login_node = shlex.join(
        ["tmux", "-L", inner.socket, "-f", "/dev/null", "new-session", "-s", "app",
         f'{app}; echo "$?" > {shlex.quote(str(status))}'],
    )  # fmt: skip
    user = pwd.getpwuid(os.getuid()).pw_name
    ssh = [
        "ssh", "-F", "/dev/null", "-tt", "-p", str(sshd.port), "-i", str(sshd.key),
        "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20",
        f"{user}@127.0.0.1", on_login_node,
    ]  # fmt: skip
    terminal = f'{shlex.join(ssh)}; echo "ssh ended with $?"; sleep 600'
    outer.start(
        ["env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", "sh", "-c", terminal],
        width=80,
        height=24,
    )

    def command_line_shown(screen: str) -> bool:
        if "Command line" not in screen:
            return False
        panel = Panel.under(screen, "Command line", right=78, bottom=23)
        return " ".join(panel.section(screen, "Command line")) == COMMAND

    screen = outer.wait_for(command_line_shown, "the command line")
    assert re.search(r"^ +1 +ffmpeg-to-mp3 ", screen, re.MULTILINE), screen
    assert re.search(r"^ +6 +wc-input-argument ", screen, re.MULTILINE), screen

    outer.send("c")
    screen = outer.wait_for(
        lambda screen: toast(screen, "Copied the").endswith("(OSC 52)."),
        "the copy notification",
    )
    assert toast(screen, "Copied the") == COPIED
    assert inner("show-buffer") == COMMAND

    outer.send("q")
    assert wait_for_file(status, "procreg's exit status") == "0"
    outer.wait_for(lambda screen: "ssh ended with 0" in screen, "ssh ending")
    assert ssh_folder_state() == ssh_before
