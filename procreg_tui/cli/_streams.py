"""Output streams whose reader may go away (``procreg list | head -1``)."""

from __future__ import annotations

from typing import Any, TextIO, cast


class ReaderGone:
    """A text stream that drops what is written once its reader has gone.

    A reader that stops early (``| head -1``) closes the pipe; whether the
    writer learns of it depends only on how much of the output the pipe had
    taken by then. Ignoring it makes every command end as it would have had
    the reader taken everything: quietly, with the command's own status.
    Everything else is the wrapped stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False
        """Whether a write or flush found the reader gone."""

    def write(self, text: str) -> int:
        """Write ``text``, or drop it once the reader has gone."""
        if not self.gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        """Flush the stream, unless the reader has gone."""
        if not self.gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guarded(stream: TextIO) -> TextIO:
    """Return ``stream`` wrapped in :class:`ReaderGone`, typed as the stream."""
    if isinstance(stream, ReaderGone):
        return cast(TextIO, stream)
    return cast(TextIO, ReaderGone(stream))
