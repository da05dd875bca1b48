"""The list document of the original HTTP API: ``{"meta": ..., "objects": ...}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from procreg_tui.registry._errors import RegistryError
from procreg_tui.registry._record import API_PREFIX, Record


def _page_address(base_url: str, limit: int, offset: int) -> str:
    return f"{base_url}{API_PREFIX}?limit={limit}&offset={offset}"


def list_document(
    records: Sequence[Record],
    *,
    limit: int | None = None,
    offset: int = 0,
    base_url: str = "",
) -> dict[str, Any]:
    """Return one page of ``records`` in the original HTTP API's list shape.

    ``limit=None`` puts every record from ``offset`` on the page; the API
    showed that as ``"limit": 0``. ``next`` and ``previous`` are the
    addresses of the neighbouring pages (prefixed by ``base_url``), or
    ``None``. Each object carries ``definition``, ``id`` and ``resource_uri``.

    Raises:
        RegistryError: ``limit`` or ``offset`` is negative.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise RegistryError(
            f"a page needs limit >= 0 and offset >= 0, not {limit}, {offset}"
        )

    total = len(records)
    end = total if not limit else min(offset + limit, total)
    page = records[offset:end]
    following = None
    preceding = None
    if limit and end < total:
        following = _page_address(base_url, limit, end)
    if limit and offset > 0:
        preceding = _page_address(base_url, limit, max(0, offset - limit))

    return {
        "meta": {
            "limit": limit or 0,
            "next": following,
            "offset": offset,
            "previous": preceding,
            "total_count": total,
        },
        "objects": [
            {
                "definition": record.definition,
                "id": record.id,
                "resource_uri": record.resource_uri,
            }
            for record in page
        ],
    }
