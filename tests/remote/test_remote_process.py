"""``procreg serve`` and ``procreg --remote`` as real processes, as a user runs them."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from cli_helpers import process_environment
from server_harness import PASSWORDS

from procreg_tui.server import UserStore

_SERVING = re.compile(r"at (http://127\.0\.0\.1:\d+)/api/process_definition/")


def test_serve_and_remote_commands_as_processes(tmp_path: Path) -> None:
    """A served registry started with --port 0 says where it listens; procreg
    --remote imports and lists through it; Ctrl-C stops it cleanly."""
    db = tmp_path / "registry.json"
    UserStore(tmp_path / "registry.users.json").add("alice", PASSWORDS["alice"])
    job = tmp_path / "tr.json"
    job.write_text(json.dumps({"exec": "/usr/bin/tr", "argv": ["-d", "x"]}))
    procreg = [sys.executable, "-m", "procreg_tui"]

    server = subprocess.Popen(
        [*procreg, "--db", str(db), "serve", "--port", "0", "--no-access-log"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=process_environment(),
    )
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        found = _SERVING.search(first)
        assert found, first
        url = found.group(1)
        client_env = process_environment(
            PROCREG_REMOTE=url, PROCREG_PASSWORD=PASSWORDS["alice"], HOME=str(tmp_path)
        )

        imported = subprocess.run(
            [*procreg, "--user", "alice", "import", str(job)],
            capture_output=True,
            text=True,
            env=client_env,
            timeout=120,
            check=False,
        )
        listed = subprocess.run(
            [*procreg, "--user", "alice", "list"],
            capture_output=True,
            text=True,
            env=client_env,
            timeout=120,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGINT)
        _, rest = server.communicate(timeout=60)

    assert first == (
        f"procreg: serving {db} at {url}/api/process_definition/ (no deletes; "
        "Ctrl-C stops)\n"
    )
    assert (imported.returncode, imported.stdout) == (0, f"1  tr  {job}\n")
    assert (listed.returncode, listed.stdout) == (0, "1  tr  -  -  ok\n")
    assert server.returncode == 0
    assert rest.endswith("procreg: stopped\n")
    assert "Traceback" not in rest
