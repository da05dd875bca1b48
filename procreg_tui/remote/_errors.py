"""The error type of a registry reached over HTTP."""

from __future__ import annotations

from procreg_tui.registry import RegistryError

_PASSING = frozenset({429, 502, 503, 504})
"""Statuses that say "not now" rather than "no": busy, throttled, gateway."""


class RemoteError(RegistryError):
    """A served registry could not be reached, refused the request, or failed.

    It is a :class:`RegistryError`, so every place that reports the registry's
    errors reports these too. ``status`` is the HTTP status of the answer, or
    ``None`` when there was none; ``unreachable`` says no answer came because
    the server could not be reached (refused, timed out, unknown host, TLS,
    a broken connection).
    """

    def __init__(
        self, message: str, status: int | None = None, *, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.unreachable = unreachable

    @property
    def retryable(self) -> bool:
        """Whether the same request may well succeed later unchanged.

        True when the server could not be reached, or said busy, throttled or
        gateway trouble (429, 502, 503, 504); false for a wrong password
        (401), a refusal (400, 403, 405, 413), a failure of the server itself
        (500), and a registry opened read-only.
        """
        return self.unreachable or self.status in _PASSING
