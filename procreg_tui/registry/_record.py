"""One stored definition with its id, revision, owner and times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

API_PREFIX = "/api/process_definition/"


def resource_uri(record_id: int) -> str:
    """Return the original HTTP API's address of definition ``record_id``."""
    return f"{API_PREFIX}{record_id}/"


@dataclass(frozen=True, slots=True)
class Record:
    """A definition as the registry holds it.

    ``definition`` is shared with the registry's parsed copy of the file, so it
    must be treated as read-only: copy it (``copy.deepcopy``) before editing.
    Times are ISO 8601 in UTC; ``deleted`` is the time it went to the trash, or
    ``None`` while it is live. ``owner`` created it; ``updated_by`` made the
    latest change. ``checked`` holds the problems worked out when it was
    written (see ``procreg_tui.registry.problems_of``), or ``None``.
    """

    id: int
    definition: dict[str, Any]
    revision: int
    owner: str
    created: str
    updated: str
    deleted: str | None = None
    updated_by: str = ""
    checked: Any = None

    @property
    def resource_uri(self) -> str:
        """The address ``/api/process_definition/ID/`` of the original HTTP API."""
        return resource_uri(self.id)

    @classmethod
    def from_document(cls, record_id: int, document: Mapping[str, Any]) -> Record:
        """Build a record from its stored form (see ``to_document``)."""
        # Positional: a third faster than keywords, which counts when a
        # registry of 100,000 definitions is listed.
        owner = document["owner"]
        return cls(
            record_id,
            document["definition"],
            document["revision"],
            owner,
            document["created"],
            document["updated"],
            document.get("deleted"),
            document.get("updated_by") or owner,
            document.get("checked"),
        )

    def to_document(self) -> dict[str, Any]:
        """Return the stored form: every field but the id, which is the key."""
        document = {
            "definition": self.definition,
            "revision": self.revision,
            "owner": self.owner,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "updated_by": self.updated_by,
        }
        if self.checked is not None:
            document["checked"] = self.checked
        return document
