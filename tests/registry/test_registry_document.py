"""The list document of the original HTTP API."""

from __future__ import annotations

import pytest

from procreg_tui.registry import Record, RegistryError, list_document


def _records(count: int) -> list[Record]:
    return [
        Record(number, {"exec": f"p{number}"}, 1, "ann", "t", "t")
        for number in range(1, count + 1)
    ]


def test_everything_on_one_page() -> None:
    """Without a limit every record is listed, as the API's limit=0 did."""
    assert list_document(_records(2)) == {
        "meta": {
            "limit": 0,
            "next": None,
            "offset": 0,
            "previous": None,
            "total_count": 2,
        },
        "objects": [
            {
                "definition": {"exec": "p1"},
                "id": 1,
                "resource_uri": "/api/process_definition/1/",
            },
            {
                "definition": {"exec": "p2"},
                "id": 2,
                "resource_uri": "/api/process_definition/2/",
            },
        ],
    }


def test_a_middle_page_links_both_neighbours() -> None:
    """A page inside the list names the next and previous pages."""
    document = list_document(_records(5), limit=2, offset=2, base_url="http://h")

    assert document["meta"] == {
        "limit": 2,
        "next": "http://h/api/process_definition/?limit=2&offset=4",
        "offset": 2,
        "previous": "http://h/api/process_definition/?limit=2&offset=0",
        "total_count": 5,
    }
    assert [item["id"] for item in document["objects"]] == [3, 4]


def test_the_last_page_has_no_next() -> None:
    """The final page ends the chain of next links."""
    document = list_document(_records(5), limit=2, offset=4)

    assert document["meta"]["next"] is None
    assert document["meta"]["previous"] == "/api/process_definition/?limit=2&offset=2"
    assert [item["id"] for item in document["objects"]] == [5]


def test_an_empty_registry() -> None:
    """No records give an empty page with a total of zero."""
    assert list_document([], limit=20) == {
        "meta": {
            "limit": 20,
            "next": None,
            "offset": 0,
            "previous": None,
            "total_count": 0,
        },
        "objects": [],
    }


def test_a_negative_offset_is_refused() -> None:
    """Pages start at offset 0 or later."""
    with pytest.raises(RegistryError, match="offset >= 0"):
        list_document(_records(1), offset=-1)
