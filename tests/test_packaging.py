"""The installed package carries the schema and the examples on its own."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

SOURCE_TREE = Path(__file__).resolve().parents[1]

PROBE = """\
import json, sys
import procreg_tui
from procreg_tui import resources
from procreg_tui.definition import shipped_schema
print(json.dumps({
    "package": procreg_tui.__file__,
    "schema": str(resources.schema_path()),
    "schema_id": shipped_schema()["$id"],
    "examples": sorted(p.name for p in resources.examples_dir().glob("*.json")),
}))
"""


def _editable() -> bool:
    """Whether procreg is installed as a link to this source tree."""
    direct = metadata.distribution("procreg-tui").read_text("direct_url.json")
    return bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))


@pytest.mark.skipif(
    _editable(),
    reason="an editable install reads the source tree; the README's test "
    "command (and so CI) installs the wheel",
)
def test_the_installed_package_holds_the_schema_and_examples(tmp_path: Path) -> None:
    """Imported away from the source tree, procreg finds its schema and examples
    inside the installed package, as a wheel installed on another machine does."""
    completed = subprocess.run(
        [sys.executable, "-I", "-c", PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(completed.stdout)
    package = Path(found["package"]).parent

    assert package != SOURCE_TREE / "procreg_tui"
    assert "site-packages" in package.parts
    assert (
        Path(found["schema"]) == package / "schemas" / "process_definition.schema.json"
    )
    assert found["schema_id"].endswith("process_definition.schema.json")
    assert found["examples"] == sorted(
        path.name for path in (SOURCE_TREE / "data" / "examples").glob("*.json")
    )
