"""How pages name a person: ``{% load pathways_people %}``, then ``{{ user|chosen_name }}`` or
``{{ user|peer_alias }}`` (what cohort-mates and mentors see). Combine with ``isolate`` from
``pathways_names`` where the name sits inside a sentence: ``{{ user|chosen_name|isolate }}``.

Both read the Pathways profile without making one, and fall back to the username: never to the
user model's first and last names, which on a host site may be a legal name.
"""

from django import template

from pathways.lms.accounts.names import alias_of, chosen_name_of, staff_label

register = template.Library()


@register.filter
def chosen_name(user) -> str:
    return chosen_name_of(user) if user else ""


@register.filter
def peer_alias(user) -> str:
    return alias_of(user) if user else ""


@register.filter
def staff_name(user) -> str:
    """The chosen name with the username, for staff screens (``names.staff_label``)."""
    return staff_label(user) if user else ""
