"""Output streams whose reader may go away (``procreg list | head -1``)."""

from __future__ import annotations

from typing import Any, TextIO, cast


class StreamError(OSError):
    """Standard output or error could not be written (a full disk, an I/O error).

    Its message names the stream, which the operating system's error does not.
    """

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


class ReaderGone:
    """A text stream that drops what is written once its reader has gone.

    A reader that stops early (``| head -1``) closes the pipe; whether the
    writer learns of it depends only on how much of the output the pipe had
    taken by then. Ignoring it makes every command end as it would have had
    the reader taken everything: quietly, with the command's own status.
    Any other failure to write is a :class:`StreamError` naming the stream.
    Everything else is the wrapped stream's.
    """

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream = stream
        self.name = name
        """What the stream is called in a message, such as ``standard output``."""
        self.gone = False
        """Whether a write or flush found the reader gone."""

    def write(self, text: str) -> int:
        """Write ``text``, or drop it once the reader has gone."""
        if not self.gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self.gone = True
            except OSError as error:
                raise self.failure(error) from None
        return len(text)

    def flush(self) -> None:
        """Flush the stream, unless the reader has gone."""
        if not self.gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.gone = True
            except OSError as error:
                raise self.failure(error) from None

    def failure(self, error: OSError) -> StreamError:
        """Return ``error`` of this stream as a :class:`StreamError` naming it."""
        return StreamError(error.errno, error.strerror or str(error), self.name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guarded(stream: TextIO, name: str) -> TextIO:
    """Return ``stream`` wrapped in :class:`ReaderGone`, typed as the stream;
    ``name`` is what a message calls it (``standard output``)."""
    if isinstance(stream, ReaderGone):
        return cast(TextIO, stream)
    return cast(TextIO, ReaderGone(stream, name))
