"""The error type of a registry reached over HTTP."""

from __future__ import annotations

from procreg_tui.registry import RegistryError


class RemoteError(RegistryError):
    """A served registry could not be reached, refused the request, or failed.

    It is a :class:`RegistryError`, so every place that reports the registry's
    errors reports these too. ``status`` is the HTTP status of the answer, or
    ``None`` when there was no answer (refused, timed out, unknown host).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
