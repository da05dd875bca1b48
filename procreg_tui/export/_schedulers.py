"""The scheduler formats by name, and the export of records in one of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from procreg_tui.export._condor import CONDOR
from procreg_tui.export._cwl import CWL
from procreg_tui.export._engine import EngineExport, EngineFormat, export_documents
from procreg_tui.export._errors import ExportError
from procreg_tui.export._format import ExportFormat
from procreg_tui.export._k8s import K8S
from procreg_tui.export._slurm import SLURM
from procreg_tui.export._systemd import SYSTEMD
from procreg_tui.registry import Record

_ENGINES: dict[ExportFormat, EngineFormat] = {
    ExportFormat.CWL: CWL,
    ExportFormat.CONDOR: CONDOR,
    ExportFormat.SLURM: SLURM,
    ExportFormat.SYSTEMD: SYSTEMD,
    ExportFormat.K8S: K8S,
}

ENGINE_FORMATS = frozenset(_ENGINES)
"""The formats written for a scheduler or workflow engine, one document each."""


def engine_export(
    records: Sequence[Record],
    export_format: ExportFormat,
    bindings: Mapping[str, str] | None = None,
) -> EngineExport:
    """Return ``records`` written for the scheduler ``export_format`` names.

    Each definition becomes one document; a variable takes its value from
    ``bindings``, else a sample value (``/tmp/procreg/input``...), listed in
    the document's header. What the target cannot express is a ``WARNING``
    comment in the document and one of the export's ``warnings``, each naming
    the definition.

    Raises:
        ExportError: ``export_format`` is not a scheduler format, or a
            definition holds what the format cannot carry at all.
    """
    engine = _ENGINES.get(export_format)
    if engine is None:
        raise ExportError(f"{export_format.value} is not a scheduler format")
    return export_documents(records, engine, bindings)
