"""People sort as they are named (``accounts.people``): by chosen name, or by username for
someone with no profile or an empty chosen name, all together on every database."""

from django.contrib.auth import get_user_model

import pytest

from pathways.lms.accounts.names import staff_label
from pathways.lms.accounts.people import (
    PersonChoiceField,
    by_chosen_name,
    people_choices,
    person_ordering,
)
from pathways.lms.security.models import LegalNameRead
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Named, in order: Ana, Bea (no profile), Cleo (an empty chosen name), Zoe. (Names all
    capitalised: SQLite compares case by case.)"""
    zoe = UserFactory(username="a-zoe", chosen_name="Zoe")
    ana = UserFactory(username="z-ana", chosen_name="Ana")
    bea = get_user_model().objects.create_user("Bea", password="not-used-here-1")
    cleo = UserFactory(username="Cleo", chosen_name="")
    return [ana, bea, cleo, zoe]


def test_by_chosen_name_sorts_people_with_and_without_a_profile_together(people):
    users = get_user_model().objects.filter(pk__in=[p.pk for p in people])

    assert list(users.order_by(by_chosen_name())) == people
    assert list(users.order_by(*person_ordering(descending=True))) == people[::-1]
    assert list(people_choices(users)) == people


def test_by_chosen_name_follows_a_relation(people):
    for person in reversed(people):
        LegalNameRead.objects.create(subject=person, path="/")

    reads = LegalNameRead.objects.order_by(by_chosen_name("subject"))

    assert [read.subject for read in reads] == people


def test_a_person_choice_is_labelled_by_the_staff_label(people, django_assert_num_queries):
    field = PersonChoiceField(queryset=people_choices(get_user_model().objects.all()))

    with django_assert_num_queries(1):
        labels = [label for _value, label in field.choices][1:]

    assert labels == [staff_label(person) for person in people]
    assert "Bea (Bea)" in labels
