"""Every field that points at a person is accounted for: exported in a named part of data.json,
or left out for a stated reason, and with a stated effect of erasure. A new model that points at
the user model fails here until someone decides what the export and the erasure do with it."""

from django.apps import apps

import pytest

from pathways.lms.privacy.inventory import REFERENCES, user_references
from pathways.lms.privacy.selectors import EXPORT_SOURCES
from pathways.lms.privacy.services import DELETED_ON_ERASURE


def test_every_reference_to_a_person_is_exported_or_left_out_for_a_reason():
    missing = [reference for reference in user_references() if reference not in REFERENCES]

    assert not missing, (
        "These fields point at a person but lms/privacy/inventory.py does not say whether the "
        f"export includes them or what erasure does with them: {missing}"
    )


def test_the_inventory_lists_no_field_that_does_not_exist():
    found = set(user_references())
    installed = {config.label for config in apps.get_app_configs()}

    stale = [
        reference
        for reference in REFERENCES
        if reference.split(".")[0] in installed and reference not in found
    ]

    assert not stale


@pytest.mark.parametrize("reference", sorted(REFERENCES))
def test_each_reference_says_where_it_is_exported_or_why_not_and_what_erasure_does(reference):
    entry = REFERENCES[reference]
    sections = {name for name, _collect in EXPORT_SOURCES}

    assert entry.erasure, "say what erasing a person does to these rows"
    if entry.exported:
        assert entry.section in sections, f"no export source is called {entry.section!r}"
        assert not entry.reason
    else:
        assert entry.reason, "say why this is not in the export"


def test_the_rows_deleted_on_erasure_are_all_in_the_inventory():
    assert set(DELETED_ON_ERASURE) <= set(REFERENCES)
    for reference in DELETED_ON_ERASURE:
        assert REFERENCES[reference].erasure.startswith("Deleted")
