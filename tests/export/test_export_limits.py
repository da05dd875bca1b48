"""Timeouts longer than a scheduler holds: cut to its largest value, and said so.

Each target's largest value is proved here with its own tool where it has
one (systemd-analyze, cwltool, the Kubernetes schema), else from how the
engine reads the value (sbatch, the HTCondor schedd).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from engine_cases import run_procreg, store
from kubernetes_validate.utils import latest_version, schema_contents
from test_export_cwl import run_tool
from test_export_systemd import settings, verify

from procreg_tui.export import ExportFormat, engine_export

LIMITS = {
    ExportFormat.SYSTEMD: (
        18_446_744_073_708,
        "TimeoutStartSec=",
        "TimeoutStartSec=18446744073708",
        "584,542",
    ),
    ExportFormat.SLURM: (
        2_147_483_580,
        "sbatch --time",
        "#SBATCH --time=24855-03:13:00",
        "68",
    ),
    ExportFormat.CONDOR: (
        2_147_483_647,
        "allowed_execute_duration",
        "allowed_execute_duration = 2147483647",
        "68",
    ),
    ExportFormat.K8S: (
        9_223_372_036_854_775_807,
        "activeDeadlineSeconds",
        "  activeDeadlineSeconds: 9223372036854775807",
        "292,271,023,045",
    ),
    ExportFormat.CWL: (
        9_223_372_036,
        "ToolTimeLimit",
        "    timelimit: 9223372036",
        "292",
    ),
}
"""Per format: the largest timeout in seconds, the setting, its line, in years."""


def timed(timeout: float, export_format: ExportFormat | None = None) -> dict[str, Any]:
    """Return a definition of ``/bin/true`` with ``timeout``.

    For ``k8s`` it names an image, so that the only warning is the timeout's.
    """
    definition: dict[str, Any] = {"name": "long", "exec": "/bin/true"}
    if export_format is ExportFormat.K8S:
        definition["application"] = "debian:stable-slim"
    return {**definition, "timeout": timeout}


@pytest.mark.parametrize("export_format", list(LIMITS))
def test_a_timeout_beyond_the_target_is_cut_with_a_warning(
    registry_path: Path, export_format: ExportFormat
) -> None:
    """timeout 1e300: the largest value the target holds, and a warning saying so."""
    maximum, setting, line, years = LIMITS[export_format]

    records = store(registry_path, [timed(1e300, export_format)])
    export = engine_export(records, export_format)

    warning = (
        f"the timeout of 1e+300 s is longer than {setting} can hold: it is"
        f" {maximum} s (about {years} years) instead."
    )
    assert export.warnings == [f"definition 1 (long): {warning}"]
    assert f"# WARNING: {warning}\n" in export.text
    assert f"\n{line}\n" in export.text


@pytest.mark.parametrize("export_format", list(LIMITS))
def test_a_timeout_the_target_holds_is_kept(
    registry_path: Path, export_format: ExportFormat
) -> None:
    """The largest value is written without a warning; half a second more is cut."""
    maximum, _, line, _ = LIMITS[export_format]
    definitions = [timed(maximum, export_format), timed(maximum + 0.5, export_format)]
    records = store(registry_path, definitions)

    exports = [engine_export([record], export_format) for record in records]

    assert [f"\n{line}\n" in export.text for export in exports] == [True, True]
    assert [len(export.warnings) for export in exports] == [0, 1]


def test_procreg_export_warns_and_writes_the_cut_timeout(
    registry_path: Path, tmp_path: Path
) -> None:
    """procreg export exits 0, says the cut on stderr and writes the unit."""
    store(registry_path, [timed(1e300)])
    target = tmp_path / "long.service"

    result = run_procreg(
        registry_path, "export", "1", "--format", "systemd", "-o", str(target)
    )

    assert result == (
        0,
        "",
        "procreg: warning: definition 1 (long): the timeout of 1e+300 s is longer"
        " than TimeoutStartSec= can hold: it is 18446744073708 s (about 584,542"
        f" years) instead.\nprocreg: wrote 1 definition to {target}\n",
    )
    assert settings(target.read_text())["TimeoutStartSec"] == "18446744073708"


def test_a_service_timeout_is_named_as_written_in_a_deployment(
    registry_path: Path,
) -> None:
    """A Deployment carries no timeout: the warning gives 1e+300, not 301 digits."""
    service = {**timed(1e300), "process_type": "service"}

    export = engine_export(store(registry_path, [service]), ExportFormat.K8S)

    assert export.warnings[-1] == (
        "definition 1 (long): the timeout of 1e+300 s is not carried: a Deployment"
        " restarts its pods and has no deadline."
    )


@pytest.mark.parametrize("service", [False, True])
def test_systemd_analyze_takes_the_largest_and_refuses_one_more(
    tmp_path: Path, service: bool
) -> None:
    """systemd-analyze verify: 18446744073708 s parses, 18446744073709 s does not."""
    setting = "RuntimeMaxSec" if service else "TimeoutStartSec"
    kind = "simple" if service else "oneshot"
    units = []
    for seconds in (
        LIMITS[ExportFormat.SYSTEMD][0],
        LIMITS[ExportFormat.SYSTEMD][0] + 1,
    ):
        unit = tmp_path / f"t{seconds}.service"
        unit.write_text(
            f"[Service]\nType={kind}\nExecStart=/bin/true\n{setting}={seconds}\n"
        )
        units.append(unit)

    assert verify(units[0]) == []
    assert "ignoring: 18446744073709" in verify(units[1])[0]


def test_a_service_unit_with_the_largest_runtime_verifies(
    registry_path: Path, tmp_path: Path
) -> None:
    """The cut RuntimeMaxSec= of a service is one systemd-analyze accepts."""
    service = {**timed(1e300), "process_type": "service"}
    export = engine_export(store(registry_path, [service]), ExportFormat.SYSTEMD)

    (unit,) = export.write(tmp_path)

    assert settings(export.text)["RuntimeMaxSec"] == "18446744073708"
    assert verify(unit) == []


def _slurm_seconds(time: str) -> int:
    """Return what sbatch's time_str2secs computes for days-hours:minutes:seconds."""
    days, clock = time.split("-")
    hours, minutes, seconds = clock.split(":")
    return int(days) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def test_the_largest_slurm_time_fits_the_int_sbatch_reads_it_into() -> None:
    """24855-03:13:00 and its rounding up to minutes stay within a 32-bit int.

    One minute more overflows (sbatch adds 59 seconds to round up).
    """
    largest = _slurm_seconds("24855-03:13:00")
    next_minute = _slurm_seconds("24855-03:14:00")

    assert largest == LIMITS[ExportFormat.SLURM][0]
    assert largest + 59 <= 2**31 - 1 < next_minute + 59


def test_the_largest_deadline_is_the_int64_of_the_api_schema(
    registry_path: Path,
) -> None:
    """activeDeadlineSeconds is an int64 in the API; the manifest validates."""
    version = latest_version()
    schema = schema_contents(
        f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version
    )
    deadline = schema["$defs"]["io.k8s.api.batch.v1.JobSpec"]["properties"][
        "activeDeadlineSeconds"
    ]
    export = engine_export(store(registry_path, [timed(1e300)]), ExportFormat.K8S)
    manifest = yaml.safe_load(export.text)

    kubernetes_validate.validate(manifest, version, strict=True)
    assert deadline["format"] == "int64"
    assert manifest["spec"]["activeDeadlineSeconds"] == 2**63 - 1


@pytest.mark.slow
def test_cwltool_keeps_the_largest_time_limit_and_loses_one_more(
    registry_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cwltool runs the cut tool with its timer; one second more kills the timer."""
    failures: list[str] = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: failures.append(repr(args.exc_value))
    )
    export = engine_export(store(registry_path, [timed(1e300)]), ExportFormat.CWL)
    (tool,) = export.write(tmp_path)
    beyond = tmp_path / "beyond.cwl"
    beyond.write_text(
        tool.read_text().replace("timelimit: 9223372036", "timelimit: 9223372037")
    )

    assert run_tool("--outdir", str(tmp_path / "a"), str(tool)) == {}
    assert failures == []
    assert run_tool("--outdir", str(tmp_path / "b"), str(beyond)) == {}
    assert [failure.split("(")[0] for failure in failures] == ["OverflowError"]


ROUNDED = {
    ExportFormat.CONDOR: ("allowed_execute_duration = 2", "allowed_execute_duration"),
    ExportFormat.CWL: ("    timelimit: 2", "ToolTimeLimit"),
    ExportFormat.K8S: ("  activeDeadlineSeconds: 2", "activeDeadlineSeconds"),
}
"""Per format holding whole seconds: the line of a 1.5 s timeout, the setting."""


@pytest.mark.parametrize("export_format", list(ROUNDED))
def test_a_fractional_timeout_is_rounded_up_with_a_warning(
    registry_path: Path, export_format: ExportFormat
) -> None:
    """1.5 s where only whole seconds fit: 2, said in a comment and a warning."""
    line, setting = ROUNDED[export_format]

    export = engine_export(
        store(registry_path, [timed(1.5, export_format)]), export_format
    )

    warning = (
        f"the timeout of 1.5 s is rounded up to 2 s: {setting} holds whole seconds."
    )
    assert export.warnings == [f"definition 1 (long): {warning}"]
    assert f"# WARNING: {warning}\n" in export.text
    assert f"\n{line}\n" in export.text


@pytest.mark.parametrize(
    ("export_format", "lines"),
    [
        (ExportFormat.SLURM, ["#SBATCH --time=0-00:01:00", "timeout 1.5 /bin/true"]),
        (ExportFormat.SYSTEMD, ["TimeoutStartSec=1.5"]),
    ],
)
def test_a_fractional_timeout_applied_exactly_is_no_warning(
    registry_path: Path, export_format: ExportFormat, lines: list[str]
) -> None:
    """sbatch's --time is whole minutes but its body runs timeout 1.5 itself;
    systemd holds 1.5: nothing to say."""
    export = engine_export(
        store(registry_path, [timed(1.5, export_format)]), export_format
    )

    assert export.warnings == []
    for line in lines:
        assert f"\n{line}\n" in export.text
