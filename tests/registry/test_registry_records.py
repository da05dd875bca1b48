"""Definitions in the registry: ids, revisions, owners, conflicts and the trash."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest

from procreg_tui.registry import (
    Conflict,
    RecordNotFound,
    Registry,
    RegistryError,
)

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_create_gives_increasing_ids_and_resource_uris(registry: Registry) -> None:
    """Each new definition gets the next id and its API address."""
    first = registry.create({"exec": "ls"})
    second = registry.create({"exec": "cat"})

    assert (first.id, second.id) == (1, 2)
    assert second.resource_uri == "/api/process_definition/2/"
    assert [record.definition for record in registry.records()] == [
        {"exec": "ls"},
        {"exec": "cat"},
    ]


def test_create_records_owner_times_and_first_revision(registry: Registry) -> None:
    """A new record carries its creator, UTC times and revision 1."""
    record = registry.create({"exec": "ls"})

    assert record.owner == getpass.getuser()
    assert record.updated_by == getpass.getuser()
    assert record.revision == 1
    assert ISO_UTC.match(record.created)
    assert record.updated == record.created
    assert record.deleted is None


def test_create_stores_a_copy(registry: Registry) -> None:
    """Changing the caller's dict afterwards does not change what is stored."""
    argv = ["-l"]
    registry.create({"exec": "ls", "argv": argv})
    argv.append("-a")

    assert registry.get(1).definition == {"exec": "ls", "argv": ["-l"]}


def test_create_is_stored_before_it_returns(
    registry: Registry, registry_path: Path
) -> None:
    """A fresh handle on the file sees a create as soon as it returned."""
    registry.create({"exec": "ls"})

    with Registry.open(registry_path) as other:
        assert other.get(1).definition == {"exec": "ls"}


def test_create_many_stores_all_in_order(registry: Registry) -> None:
    """create_many gives consecutive ids in the order the definitions came."""
    records = registry.create_many([{"exec": "a"}, {"exec": "b"}, {"exec": "c"}])

    assert [(record.id, record.definition["exec"]) for record in records] == [
        (1, "a"),
        (2, "b"),
        (3, "c"),
    ]


def test_create_many_stores_nothing_when_one_is_not_json(registry: Registry) -> None:
    """One definition that is not JSON refuses the whole batch."""
    registry.create({"exec": "kept"})

    with pytest.raises(RegistryError, match=r"definition\.argv\[0\]: a set"):
        registry.create_many([{"exec": "a"}, {"exec": "b", "argv": [{1}]}])

    assert [record.definition for record in registry.records()] == [{"exec": "kept"}]


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (["exec"], "a definition must be a JSON object, not list"),
        ({"timeout": float("nan")}, "definition.timeout: nan is not a JSON number"),
        ({1: "x"}, "definition: the key 1 is not a string"),
        ({"n": 2**70}, f"definition.n: the integer {2**70} is too large to store"),
    ],
)
def test_create_refuses_values_json_cannot_hold(
    registry: Registry, definition: object, message: str
) -> None:
    """Values that are not JSON are refused with the place they were found."""
    with pytest.raises(RegistryError) as caught:
        registry.create(definition)  # type: ignore[arg-type]

    assert str(caught.value) == message


def test_update_bumps_the_revision(registry: Registry) -> None:
    """An update on the current revision stores the definition as revision 2."""
    registry.create({"exec": "ls"})

    updated = registry.update(1, {"exec": "ls", "argv": ["-l"]}, base_revision=1)

    assert updated.revision == 2
    assert registry.get(1).definition == {"exec": "ls", "argv": ["-l"]}
    assert registry.get(1).revision == 2


def test_update_on_a_stale_revision_is_a_conflict(registry: Registry) -> None:
    """An update based on an old revision is refused and carries both versions."""
    registry.create({"exec": "ls"})
    registry.update(1, {"exec": "theirs"}, base_revision=1)

    with pytest.raises(Conflict) as caught:
        registry.update(1, {"exec": "mine"}, base_revision=1)

    assert caught.value.current.definition == {"exec": "theirs"}
    assert caught.value.current.revision == 2
    assert caught.value.attempted == {"exec": "mine"}
    assert caught.value.base_revision == 1
    assert "now revision 2" in str(caught.value)
    assert registry.get(1).definition == {"exec": "theirs"}


def test_conflict_between_two_handles(registry: Registry, registry_path: Path) -> None:
    """A second handle's edit on a revision the first already changed is refused."""
    registry.create({"exec": "ls"})
    with Registry.open(registry_path) as other:
        seen = other.get(1)
        registry.update(1, {"exec": "first"}, base_revision=seen.revision)

        with pytest.raises(Conflict):
            other.update(1, {"exec": "second"}, base_revision=seen.revision)

        assert other.get(1).definition == {"exec": "first"}


def test_update_of_unknown_id_is_not_found(registry: Registry) -> None:
    """Updating an id that was never given names the id."""
    with pytest.raises(RecordNotFound, match=r"^no definition 7$"):
        registry.update(7, {"exec": "ls"}, base_revision=1)


def test_delete_moves_to_the_trash(registry: Registry) -> None:
    """A deleted definition leaves records() and appears in trash()."""
    registry.create_many([{"exec": "a"}, {"exec": "b"}])

    deleted = registry.delete(1)

    assert deleted.deleted is not None
    assert deleted.revision == 2
    assert [record.id for record in registry.records()] == [2]
    assert [record.id for record in registry.trash()] == [1]
    assert [record.id for record in registry.records(include_deleted=True)] == [1, 2]


def test_update_of_a_deleted_definition_is_refused(registry: Registry) -> None:
    """A definition in the trash must be restored before it is edited."""
    registry.create({"exec": "a"})
    registry.delete(1)

    with pytest.raises(RecordNotFound, match="in the trash; restore it first"):
        registry.update(1, {"exec": "b"}, base_revision=2)


def test_restore_brings_it_back_with_its_id(registry: Registry) -> None:
    """Restore returns a trashed definition under the same id and content."""
    registry.create({"exec": "a"})
    registry.delete(1)

    restored = registry.restore(1)

    assert (restored.id, restored.definition, restored.deleted) == (
        1,
        {"exec": "a"},
        None,
    )
    assert restored.revision == 3
    assert registry.trash() == []


def test_restore_of_a_live_definition_is_not_found(registry: Registry) -> None:
    """Only definitions in the trash can be restored."""
    registry.create({"exec": "a"})

    with pytest.raises(RecordNotFound, match=r"^no definition 1 in the trash$"):
        registry.restore(1)


def test_delete_and_restore_check_a_given_base_revision(registry: Registry) -> None:
    """delete and restore refuse a stale base_revision when one is given."""
    registry.create({"exec": "a"})
    registry.update(1, {"exec": "b"}, base_revision=1)

    with pytest.raises(Conflict) as caught:
        registry.delete(1, base_revision=1)
    assert caught.value.attempted is None
    registry.delete(1, base_revision=2)
    with pytest.raises(Conflict):
        registry.restore(1, base_revision=2)

    assert registry.restore(1, base_revision=3).revision == 4


def test_purge_empties_the_trash(registry: Registry) -> None:
    """purge removes every trashed definition and reports how many."""
    registry.create_many([{"exec": "a"}, {"exec": "b"}, {"exec": "c"}])
    registry.delete(1)
    registry.delete(3)

    assert registry.purge() == 2
    assert [record.id for record in registry.records(include_deleted=True)] == [2]
    with pytest.raises(RecordNotFound):
        registry.get(1)


def test_purge_of_chosen_ids_needs_them_in_the_trash(registry: Registry) -> None:
    """purge(ids) removes only those, and refuses ids not in the trash."""
    registry.create_many([{"exec": "a"}, {"exec": "b"}])
    registry.delete(1)
    registry.delete(2)

    with pytest.raises(RecordNotFound, match=r"^no definition 5 in the trash$"):
        registry.purge([1, 5])
    assert registry.purge([2]) == 1
    assert [record.id for record in registry.trash()] == [1]


def test_ids_are_not_reused_after_purge_and_reopen(registry_path: Path) -> None:
    """After deleting and purging the highest id, a reopened registry goes on."""
    with Registry.open(registry_path) as registry:
        registry.create_many([{"exec": "a"}, {"exec": "b"}])
        registry.delete(2)
        registry.purge()

    with Registry.open(registry_path) as reopened:
        assert reopened.create({"exec": "c"}).id == 3


def test_ids_are_distinct_across_two_handles(registry_path: Path) -> None:
    """Two handles on one file, alternating creates, never give the same id."""
    with Registry.open(registry_path) as first, Registry.open(registry_path) as second:
        ids = [
            handle.create({"exec": str(number)}).id
            for number, handle in enumerate([first, second] * 3)
        ]
        first.delete(ids[-1])
        first.purge()
        ids.append(second.create({"exec": "last"}).id)

    assert ids == [1, 2, 3, 4, 5, 6, 7]


def test_get_of_a_purged_id_is_not_found(registry: Registry) -> None:
    """A purged id is gone for good."""
    registry.create({"exec": "a"})
    registry.delete(1)
    registry.purge()

    with pytest.raises(RecordNotFound, match=r"^no definition 1$"):
        registry.get(1)


def test_owner_and_user_can_be_named(registry: Registry) -> None:
    """A caller serving other users records them as owner and updated_by."""
    created = registry.create({"exec": "a"}, owner="ann")
    [batch] = registry.create_many([{"exec": "b"}], owner="bob")
    updated = registry.update(1, {"exec": "c"}, base_revision=1, user="cid")
    deleted = registry.delete(2, user="dee")
    restored = registry.restore(2, user="eve")

    assert (created.owner, created.updated_by) == ("ann", "ann")
    assert (batch.owner, batch.updated_by) == ("bob", "bob")
    assert (updated.owner, updated.updated_by) == ("ann", "cid")
    assert (deleted.owner, deleted.updated_by) == ("bob", "dee")
    assert (restored.owner, restored.updated_by) == ("bob", "eve")
    assert registry.get(1).updated_by == "cid"
