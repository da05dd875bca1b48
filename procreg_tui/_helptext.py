"""How ``--help`` lays out prose and examples."""

from __future__ import annotations

import argparse
import re
import textwrap

_PARAGRAPHS = re.compile(r"\n\s*\n")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Wrap prose paragraphs to the terminal; keep indented examples as written.

    A paragraph of a description or epilog is wrapped when none of its lines is
    indented; one with indented lines (a list of example commands under a
    heading) is printed as it stands.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in _PARAGRAPHS.split(text.strip("\n")):
            lines = paragraph.splitlines()
            if any(line[:1].isspace() for line in lines):
                paragraphs.append("\n".join(indent + line for line in lines))
            else:
                paragraphs.append(
                    textwrap.fill(
                        " ".join(line.strip() for line in lines),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                )
        return "\n\n".join(paragraphs) + "\n"
