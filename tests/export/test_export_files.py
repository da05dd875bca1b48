"""Writing an export to a file: all at once, keeping permissions, or not at all."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from engine_cases import store

from procreg_tui.export import (
    ExportError,
    ExportFormat,
    engine_export,
    json_safe,
    make_folders,
    remove_folders,
    write_all_atomically,
    write_atomically,
)
from procreg_tui.export._files import fitted_name


def test_write_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    """An existing file gets the new text and keeps its mode; no temporary is left."""
    target = tmp_path / "backup.json"
    target.write_text("old")
    target.chmod(0o640)

    write_atomically(target, "new ✓\n")

    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backup.json"]


def test_new_file_gets_the_permissions_the_umask_allows(tmp_path: Path) -> None:
    """A new file is created 0666 less the umask, not the 0600 of a temporary."""
    target = tmp_path / "new.json"
    old = os.umask(0o022)
    try:
        write_atomically(target, "{}\n")
    finally:
        os.umask(old)

    assert target.stat().st_mode & 0o777 == 0o644


def test_full_disk_is_an_export_error_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up while writing raises ExportError; the old file stays."""
    target = tmp_path / "backup.json"
    target.write_text("old")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match=r"cannot write .*backup\.json: No space"):
        write_atomically(target, "new")

    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backup.json"]


def test_missing_folder_is_an_export_error(tmp_path: Path) -> None:
    """Writing into a folder that does not exist raises ExportError naming the file."""
    target = tmp_path / "missing" / "backup.json"

    with pytest.raises(ExportError, match=r"cannot write .*backup\.json: No such file"):
        write_atomically(target, "new")


def test_failed_replace_removes_the_temporary_and_keeps_the_file(
    tmp_path: Path,
) -> None:
    """A target that is a folder cannot be replaced: error, nothing left behind."""
    target = tmp_path / "folder"
    target.mkdir()

    with pytest.raises(ExportError, match="cannot write"):
        write_atomically(target, "new")

    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"plain"', '"plain"'),
        ('"del\x7f"', '"del\\u007f"'),
        ('"csi\x9b31m"', '"csi\\u009b31m"'),
        ('"line\u2028sep"', '"line\\u2028sep"'),
        ('"ünï"', '"ünï"'),
    ],
)
def test_json_safe_escapes_controls_json_leaves_raw(text: str, expected: str) -> None:
    """DEL, C1 controls and line separators are escaped; other text is kept."""
    assert json_safe(text) == expected


def test_a_device_or_pipe_is_written_to_and_never_replaced(tmp_path: Path) -> None:
    """Exporting to /dev/null or a named pipe writes into it; it stays what it was."""
    write_atomically(Path("/dev/null"), "gone\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_atomically(pipe, "through the pipe\n")
    reader.join(timeout=10)

    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_link_is_followed_and_kept(tmp_path: Path) -> None:
    """The file a symbolic link points to is replaced; the link stays a link."""
    target = tmp_path / "real.json"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)

    write_atomically(link, "new\n")

    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "link.json",
        "real.json",
    ]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    """A folder given as the output file is an error naming it; it is left alone."""
    with pytest.raises(ExportError) as refused:
        write_atomically(tmp_path, "text\n")

    assert str(refused.value) == f"cannot write {tmp_path}: it is a folder"
    assert list(tmp_path.iterdir()) == []


def test_make_folders_creates_the_missing_parents(tmp_path: Path) -> None:
    """As mkdir -p: every missing folder, outermost first; existing ones kept."""
    (tmp_path / "a").mkdir()

    made = make_folders(tmp_path / "a" / "b" / "c")

    assert made == [tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"]
    assert (tmp_path / "a" / "b" / "c").is_dir()
    assert make_folders(tmp_path / "a" / "b" / "c") == []


def test_make_folders_that_fails_removes_the_folders_it_made(tmp_path: Path) -> None:
    """A name too long deep down: the folders made above it are removed again."""
    target = tmp_path / "new" / ("x" * 300) / "out"

    with pytest.raises(ExportError) as raised:
        make_folders(target)

    assert str(raised.value) == (
        f"cannot create the folder {target}/: File name too long"
    )
    assert list(tmp_path.iterdir()) == []


def test_make_folders_names_a_file_in_the_way(tmp_path: Path) -> None:
    """A file where a folder should be: refused, naming it; nothing made."""
    (tmp_path / "file").write_text("kept\n")
    target = tmp_path / "file" / "out"

    with pytest.raises(ExportError) as raised:
        make_folders(target)

    assert str(raised.value) == (
        f"cannot create the folder {target}/: {tmp_path / 'file'} is not a folder"
    )
    assert (tmp_path / "file").read_text() == "kept\n"


def test_remove_folders_keeps_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    """Only empty folders are removed; one holding a file stays, with the file."""
    made = make_folders(tmp_path / "a" / "b" / "c")
    (tmp_path / "a" / "note").write_text("kept\n")

    remove_folders(made)

    assert [path.name for path in (tmp_path / "a").iterdir()] == ["note"]


def test_a_name_that_fits_is_kept() -> None:
    """255 bytes is the longest name: kept whole."""
    assert fitted_name("5-", "a" * 249, ".cwl") == f"5-{'a' * 249}.cwl"


def test_a_long_name_is_cut_on_a_character_boundary() -> None:
    """A two-byte character that would not fit whole is left out, not split."""
    name = fitted_name("5-", "é" * 200, ".cwl")

    assert name == f"5-{'é' * 124}.cwl"
    assert len(name.encode()) == 254


def test_the_hyphens_a_cut_leaves_at_the_end_are_dropped() -> None:
    """A cut just after a hyphen does not leave it before the extension."""
    assert fitted_name("5-", f"{'a' * 247}--b", ".cwl") == f"5-{'a' * 247}.cwl"


def test_a_file_with_the_longest_name_is_written(tmp_path: Path) -> None:
    """A name of 255 bytes: the temporary file's name is cut to fit too."""
    path = tmp_path / ("é" * 127 + "x")

    write_atomically(path, "new\n")

    assert path.read_text() == "new\n"
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("export_format", "head", "extension"),
    [
        (ExportFormat.CWL, "", ".cwl"),
        (ExportFormat.CONDOR, "", ".sub"),
        (ExportFormat.SLURM, "", ".sbatch"),
        (ExportFormat.SYSTEMD, "procreg-", ".service"),
        (ExportFormat.K8S, "", ".yaml"),
    ],
)
def test_a_long_label_gives_names_that_fit_and_differ(
    registry_path: Path,
    tmp_path: Path,
    export_format: ExportFormat,
    head: str,
    extension: str,
) -> None:
    """Two definitions with one label of 300 letters: cut to 255 bytes, ids kept."""
    label = "Ünïcødé " + "x" * 300
    records = store(registry_path, [{"name": label, "exec": "/bin/true"}] * 2)
    folder = tmp_path / "out"
    folder.mkdir()

    paths = engine_export(records, export_format).write(folder)

    room = 255 - len(f"{head}1-{extension}")
    slug = ("n-c-d-" + "x" * 300)[:room]
    assert [path.name for path in paths] == [
        f"{head}1-{slug}{extension}",
        f"{head}2-{slug}{extension}",
    ]
    assert [len(path.name.encode()) for path in paths] == [255, 255]
    assert sorted(folder.iterdir()) == paths


def names(folder: Path) -> list[str]:
    """Return the names in ``folder``, sorted."""
    return sorted(path.name for path in folder.iterdir())


def test_write_all_writes_every_file(tmp_path: Path) -> None:
    """A new file and one replaced, which keeps its permissions; nothing else."""
    (tmp_path / "b").write_text("old\n")
    (tmp_path / "b").chmod(0o640)

    write_all_atomically([(tmp_path / "a", "new a\n"), (tmp_path / "b", "new b\n")])

    assert names(tmp_path) == ["a", "b"]
    assert (tmp_path / "a").read_text() == "new a\n"
    assert (tmp_path / "b").read_text() == "new b\n"
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o640


def test_a_file_that_cannot_be_written_leaves_everything_as_it_was(
    tmp_path: Path,
) -> None:
    """The last file's folder is missing: the others are not written either."""
    (tmp_path / "b").write_text("old\n")
    (tmp_path / "c").symlink_to(tmp_path / "missing" / "c")
    files = [(tmp_path / name, f"new {name}\n") for name in "abc"]

    with pytest.raises(ExportError) as refused:
        write_all_atomically(files)

    assert str(refused.value) == (
        f"cannot write {tmp_path / 'c'}: No such file or directory"
    )
    assert names(tmp_path) == ["b", "c"]
    assert (tmp_path / "b").read_text() == "old\n"


def test_a_folder_in_the_way_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """A folder where the second file goes: the first is not written."""
    (tmp_path / "b").mkdir()

    with pytest.raises(ExportError) as refused:
        write_all_atomically([(tmp_path / "a", "a\n"), (tmp_path / "b", "b\n")])

    assert str(refused.value) == f"cannot write {tmp_path / 'b'}: it is a folder"
    assert names(tmp_path) == ["b"]


def test_one_path_given_twice_is_refused(tmp_path: Path) -> None:
    """The second text would replace the first: neither is written."""
    path = tmp_path / "a"

    with pytest.raises(ExportError) as refused:
        write_all_atomically([(path, "1\n"), (path, "2\n")])

    assert str(refused.value) == f"cannot write {path} twice in one export"
    assert names(tmp_path) == []


@pytest.mark.parametrize("links", [True, False])
def test_a_rename_that_fails_puts_back_the_files_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """The third rename fails: the first file is the same file again, the new
    one is removed; without links, a copy puts back content and permissions."""
    (tmp_path / "a").write_text("old a\n")
    (tmp_path / "a").chmod(0o600)
    (tmp_path / "c").write_text("old c\n")
    inode = (tmp_path / "a").stat().st_ino
    replace = os.replace

    def failing_replace(source: Any, target: Any) -> None:
        if Path(target).name == "c" and Path(source).suffix == ".tmp":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        replace(source, target)

    def no_link(source: Any, target: Any) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "replace", failing_replace)
    if not links:
        monkeypatch.setattr(os, "link", no_link)
    files = [(tmp_path / name, f"new {name}\n") for name in "abc"]

    with pytest.raises(ExportError) as refused:
        write_all_atomically(files)

    assert str(refused.value) == f"cannot write {tmp_path / 'c'}: Input/output error"
    assert names(tmp_path) == ["a", "c"]
    assert (tmp_path / "a").read_text() == "old a\n"
    assert (tmp_path / "c").read_text() == "old c\n"
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600
    assert ((tmp_path / "a").stat().st_ino == inode) is links
