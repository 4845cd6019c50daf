"""``{{ name|isolate }}``: a person's name, kept from turning the text around it backwards.

A name in Arabic or Hebrew inside an English sentence (or the other way round) can reorder the
punctuation and words next to it. ``<bdi>`` lets the browser (and WeasyPrint, for certificates)
work out the name's direction on its own and keep it apart from its surroundings. Names are also
refused at input if they carry direction controls (``lms.accounts.names``); this protects names
saved before that rule and text from elsewhere.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(is_safe=True)
def isolate(value) -> str:
    """The value, escaped, inside ``<bdi>``; empty stays empty."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
