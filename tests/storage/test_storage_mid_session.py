"""A registry that changes under an open handle: it vanishes or turns read-only."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from procreg_tui.registry import Registry, RegistryGone


def _gone_message(path: Path) -> str:
    return (
        f"the registry {path} has disappeared since procreg read it (the file was "
        "deleted, or its directory removed or renamed). procreg will not write a "
        "new registry in its place, which would hand out its ids again: put the "
        "file back, or start procreg again to begin a new registry there."
    )


def _remove_file(path: Path) -> None:
    path.unlink()


def _remove_directory(path: Path) -> None:
    shutil.rmtree(path.parent)


def _rename_directory(path: Path) -> None:
    path.parent.rename(path.parent.with_name("moved"))


@pytest.mark.parametrize(
    "vanish",
    [_remove_file, _remove_directory, _rename_directory],
    ids=["file deleted", "directory removed", "directory renamed"],
)
def test_a_registry_that_vanishes_is_reported_and_never_started_afresh(
    tmp_path: Path, vanish: Callable[[Path], None]
) -> None:
    """Reads and writes say the file is gone; no new file or directory appears.

    A new registry in its place would give id 1 again to a different
    definition. Once the file is back, the handle reads it and goes on.
    """
    path = tmp_path / "shared" / "registry.json"
    path.parent.mkdir()
    registry = Registry.open(path)
    registry.create({"exec": "ls"})
    registry.create({"exec": "cat"})
    saved = path.read_bytes()

    vanish(path)

    with pytest.raises(RegistryGone) as on_read:
        registry.records()
    assert str(on_read.value) == _gone_message(path)
    with pytest.raises(RegistryGone) as on_write:
        registry.create({"exec": "wc"})
    assert str(on_write.value) == _gone_message(path)
    assert registry.changed_on_disk()
    assert not path.exists()
    if vanish is not _remove_file:
        assert not path.parent.exists()

    path.parent.mkdir(exist_ok=True)
    path.write_bytes(saved)
    assert [record.definition["exec"] for record in registry.records()] == [
        "ls",
        "cat",
    ]
    assert registry.create({"exec": "wc"}).id == 3
    registry.close()


# Runs as the user ``nobody`` when the tests run as root, who may write
# anything; the registry's directory belongs to the user running it. What the
# registry loads on first use (modules, the checks' files) is loaded before,
# as root: the Python and the tree under test may live where nobody cannot read.
_TURNS_READ_ONLY = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import fasteners, socket
    from procreg_tui.registry import Registry, RegistryReadOnly
    from procreg_tui.registry._checked import stored_check
    stored_check({"exec": "ls"})
    if os.getuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    path = Path(sys.argv[1])
    registry = Registry.open(path)
    registry.create({"exec": "ls"})
    os.chmod(path if sys.argv[2] == "file" else path.parent, 0o555)
    before = path.read_bytes()
    try:
        registry.create({"exec": "cat"})
    except RegistryReadOnly as exc:
        print(exc)
    print(registry.read_only)
    print(path.read_bytes() == before)
    print([record.id for record in registry.records()])
    """
)


@pytest.mark.parametrize("what", ["file", "directory"])
def test_a_registry_turned_read_only_while_open_refuses_and_says_why(
    tmp_path: Path, what: str
) -> None:
    """A file or directory made read-only mid-session is reported, not replaced.

    A file protected only by its mode could still be replaced by a rename;
    procreg looks at its writability before each write and refuses.
    """
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"procreg-mid-{os.getpid()}"
    directory = base / what
    directory.mkdir(parents=True)
    if os.getuid() == 0:
        os.chown(directory, 65534, 65534)
    path = directory / "registry.json"
    try:
        result = subprocess.run(
            [sys.executable, "-c", _TURNS_READ_ONLY, str(path), what],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )

        assert result.returncode == 0, result.stderr
        user = "nobody" if os.getuid() == 0 else getpass.getuser()
        reason = (
            f"the file is not writable by {user}"
            if what == "file"
            else f"the directory {directory} is not writable by {user}"
        )
        assert result.stdout.splitlines() == [
            f"the registry {path} is read-only ({reason}); nothing was changed",
            "True",
            "True",
            "[1]",
        ]
    finally:
        directory.chmod(0o755)
        path.chmod(0o644)
        shutil.rmtree(base)
