"""The names of the export formats, light enough for the command line parser."""

from __future__ import annotations

import enum


class ExportFormat(enum.StrEnum):
    """The shapes an export can take."""

    REGISTRY = "registry"
    """The registry's list document, as the original HTTP API served it."""
    DEFINITIONS = "definitions"
    """A JSON array of the definitions alone."""
    NDJSON = "ndjson"
    """One definition per line, as compact JSON."""
    SH = "sh"
    """A POSIX shell script with one function per definition."""
    CWL = "cwl"
    """A CWL v1.2 CommandLineTool per definition."""
    CONDOR = "condor"
    """An HTCondor submit description per definition."""
    SLURM = "slurm"
    """An sbatch script per definition."""
    SYSTEMD = "systemd"
    """A systemd service unit per definition."""
    K8S = "k8s"
    """A Kubernetes Job (single) or Deployment (service) per definition."""

    @property
    def summary(self) -> str:
        """Return the one-line description of this format shown in ``--help``."""
        return _SUMMARIES[self]


_SUMMARIES = {
    ExportFormat.REGISTRY: "the list document of the original HTTP API (default)",
    ExportFormat.DEFINITIONS: "a JSON array of the definitions alone",
    ExportFormat.NDJSON: "one definition per line, compact JSON",
    ExportFormat.SH: "a shell script, one function per definition",
    ExportFormat.CWL: "a CWL CommandLineTool per definition",
    ExportFormat.CONDOR: "an HTCondor submit description per definition",
    ExportFormat.SLURM: "an sbatch script per definition",
    ExportFormat.SYSTEMD: "a systemd service unit per definition",
    ExportFormat.K8S: "a Kubernetes Job or Deployment per definition",
}
