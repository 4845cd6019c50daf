"""How lists and forms load, sort, offer and name people: one way for every app.

A person is named by ``accounts.names`` (her chosen name, or her username until she gives one;
on staff screens with the username beside it, ``staff_label``). This module holds what the
screens built on those names share:

- the ORM side: :func:`by_chosen_name` and :func:`person_ordering` sort people as they are named,
  :func:`with_profiles` loads their profiles with the rows, :func:`people_choices` and
  :func:`active_people` give the people a form offers;
- form fields that label each person by ``staff_label``: :class:`PersonChoiceField`,
  :class:`PersonMultipleChoiceField`, :func:`offer_people` for a model form's own field, and
  :class:`PersonLabelMixin` for any other choice field (a django-filters one, say);
- Wagtail admin views: :class:`PeopleIndexMixin` (and :class:`PersonTitleIndexMixin`) for lists,
  :class:`PeopleInspectMixin` for a record's page.

``str()`` of a user is only her username (on a host's user model, anything), and her first and
last names may be a legal name, so none of these ever use them. Every app may import this
module; it imports nothing above the accounts app.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf

from pathways.lms.accounts.names import chosen_name_of, staff_label

# Sorting and loading ----------------------------------------------------------------------------


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def by_chosen_name(path: str = ""):
    """An expression ordering rows by the chosen name of the person at ``path``, or her username
    when she has none (as ``names.chosen_name_of`` names her), so that people with and without a
    Pathways profile sort together on every database (SQLite puts NULLs first, PostgreSQL last).

    ``path`` is the relation from the rows to the user: ``""`` for a user queryset itself,
    ``"user"`` for enrolments or memberships, ``"mentee"`` for pairings.
    """
    prefix = _prefix(path)
    return Coalesce(
        NullIf(F(f"{prefix}pathways_profile__chosen_name"), Value("")),
        F(f"{prefix}{get_user_model().USERNAME_FIELD}"),
        # A host's username may be an EmailField, which Coalesce would not mix with a CharField.
        output_field=CharField(),
    )


def person_ordering(path: str = "", *, descending: bool = False) -> tuple:
    """``order_by`` arguments sorting by the person at ``path``: by chosen name
    (:func:`by_chosen_name`), then username to keep two people of the same name in one order."""
    name = by_chosen_name(path)
    username = f"{_prefix(path)}{get_user_model().USERNAME_FIELD}"
    if descending:
        return (name.desc(), f"-{username}")
    return (name.asc(), username)


def with_profiles(queryset, *paths: str):
    """The queryset with the Pathways profile of the person at each of ``paths`` (a user queryset
    itself without paths) loaded with the rows, so naming them takes no query per row."""
    return queryset.select_related(*(f"{_prefix(path)}pathways_profile" for path in paths or [""]))


def people_choices(queryset):
    """People (a user queryset) to choose from in a form: with their profiles, so each is
    labelled by ``staff_label`` without a query per person, sorted by chosen name."""
    return with_profiles(queryset).order_by(*person_ordering())


def active_people(*roles: str):
    """Active accounts holding one of ``roles`` (any active account without roles), to choose
    from (:func:`people_choices`)."""
    people = get_user_model()._default_manager.filter(is_active=True)
    if roles:
        people = people.filter(groups__name__in=roles).distinct()
    return people_choices(people)


# Form fields ------------------------------------------------------------------------------------


class PersonLabelMixin:
    """For a model choice field of users: each is labelled by ``staff_label`` (her chosen name
    and username) instead of ``str()``."""

    def label_from_instance(self, obj):
        return staff_label(obj)


class PersonChoiceField(PersonLabelMixin, forms.ModelChoiceField):
    """Choose one person, labelled by ``staff_label``. Give it :func:`people_choices` (or
    :func:`active_people`) as its queryset, in the form's ``__init__``."""


class PersonMultipleChoiceField(PersonLabelMixin, forms.ModelMultipleChoiceField):
    """Choose several people, labelled by ``staff_label``."""


def offer_people(field, queryset) -> None:
    """Make a form's own user field (one a model form made) offer ``queryset``'s people, with
    their profiles, sorted and labelled as :class:`PersonChoiceField` does."""
    field.queryset = people_choices(queryset)
    field.label_from_instance = staff_label


# Wagtail admin views ----------------------------------------------------------------------------


def _labelled(field_name: str, label):
    def accessor(instance) -> str:
        return label(getattr(instance, field_name))

    return accessor


def person_sort_key(field_name: str) -> str:
    """The ``ordering`` a list's column of the person in ``field_name`` sorts by."""
    return f"{field_name}__pathways_profile__chosen_name"


class PeopleIndexMixin:
    """An admin list with people in it: each user field named in ``person_fields`` and shown in
    ``list_display`` (as a field name, not a ``Column``) shows as ``names.staff_label``; the
    people's profiles load with the rows, so the list runs a fixed number of queries; and the
    column sorts by chosen name (:func:`by_chosen_name`), people without a profile by username
    among the others. ``also_related`` adds other ``select_related`` paths the list needs.

    Wagtail's ``sort_key`` is a query string value, not an expression: a person's column keeps
    the field path (:func:`person_sort_key`) as its key, and :meth:`order_queryset` turns that
    key into the expression."""

    person_fields: tuple[str, ...] = ()
    also_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        queryset = with_profiles(super().get_base_queryset(), *self.person_fields)
        return queryset.select_related(*self.also_related) if self.also_related else queryset

    def _get_custom_column(self, field_name, *args, **kwargs):
        if field_name not in self.person_fields:
            return super()._get_custom_column(field_name, *args, **kwargs)
        kwargs.setdefault("accessor", _labelled(field_name, staff_label))
        column = super()._get_custom_column(field_name, *args, **kwargs)
        column.sort_key = person_sort_key(field_name)
        return column

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        ordering = self.ordering
        if not isinstance(ordering, str):
            return queryset
        descending = ordering.startswith("-")
        for field_name in self.person_fields:
            if ordering.removeprefix("-") == person_sort_key(field_name):
                pk = "-pk" if descending else "pk"
                return queryset.order_by(*person_ordering(field_name, descending=descending), pk)
        return queryset


class PersonTitleIndexMixin(PeopleIndexMixin):
    """A :class:`PeopleIndexMixin` list whose first column (``list_display[0]``, linking to the
    record's page) is a person in ``person_fields``, named there by her chosen name alone."""

    def _get_title_column(self, field_name, *args, **kwargs):
        if field_name in self.person_fields:
            kwargs.setdefault("accessor", _labelled(field_name, chosen_name_of))
        return super()._get_title_column(field_name, *args, **kwargs)


class PeopleInspectMixin:
    """A record's page naming the people in ``person_fields`` by ``names.staff_label``."""

    person_fields: tuple[str, ...] = ()

    def get_field_display_value(self, field_name, field):
        if field_name in self.person_fields:
            person = getattr(self.object, field_name)
            return staff_label(person) if person is not None else "-"
        return super().get_field_display_value(field_name, field)
