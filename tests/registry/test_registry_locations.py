"""Where the registry lives, and the examples a new default registry starts with."""

from __future__ import annotations

from pathlib import Path

import pytest

from procreg_tui.registry import (
    Paths,
    default_path,
    example_definitions,
    open_default,
    open_registry,
    paths,
    resolve_path,
)


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Per-user directories pointed into the test's own folder."""
    for name in ("DATA", "CONFIG", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.delenv("PROCREG_DB", raising=False)
    return tmp_path


def test_default_path_is_in_the_user_data_directory(xdg: Path) -> None:
    """The default registry is registry.json in the XDG data directory."""
    assert default_path() == xdg / "data" / "procreg" / "registry.json"


def test_paths_names_registry_config_logs_and_drafts(xdg: Path) -> None:
    """paths() gives the registry, configuration, log and drafts locations."""
    assert paths() == Paths(
        registry=xdg / "data" / "procreg" / "registry.json",
        config=xdg / "config" / "procreg",
        log=xdg / "state" / "procreg" / "log",
        drafts=xdg / "state" / "procreg" / "drafts",
    )
    assert paths(Path("/srv/reg.json")).registry == Path("/srv/reg.json")


def test_resolve_path_prefers_the_option_then_the_environment(xdg: Path) -> None:
    """--db wins over PROCREG_DB, which wins over the default."""
    environ = {"PROCREG_DB": "/env/reg.json"}

    assert resolve_path("/cli/reg.json", environ) == Path("/cli/reg.json")
    assert resolve_path(None, environ) == Path("/env/reg.json")
    assert resolve_path(None, {"PROCREG_DB": ""}) == default_path()
    assert resolve_path("~/reg.json", {}) == Path.home() / "reg.json"


def test_first_start_seeds_the_examples(xdg: Path) -> None:
    """The default registry is created holding every shipped example."""
    with open_default() as registry:
        stored = [record.definition for record in registry.records()]

    assert stored == example_definitions()
    assert len(stored) == 6
    assert default_path().is_file()


def test_later_starts_never_seed_again(xdg: Path) -> None:
    """After the user removed every example, a new start leaves it empty."""
    with open_default() as registry:
        for record in registry.records():
            registry.delete(record.id)
        registry.purge()

    with open_default() as registry:
        assert registry.records() == []
        assert registry.create({"exec": "ls"}).id == 7


def test_open_registry_uses_the_environment(xdg: Path) -> None:
    """open_registry opens PROCREG_DB without seeding it."""
    chosen = xdg / "chosen.json"

    with open_registry(None, {"PROCREG_DB": str(chosen)}) as registry:
        assert registry.path == chosen
        assert registry.records() == []

    assert not default_path().exists()


def test_open_registry_without_a_choice_opens_the_default(xdg: Path) -> None:
    """With neither --db nor PROCREG_DB the seeded default registry opens."""
    with open_registry(None, {}) as registry:
        assert registry.path == default_path()
        assert len(registry.records()) == 6
