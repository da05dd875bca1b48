"""procreg: a process-definition registry that lives in the terminal."""

__version__ = "0.1.0"
