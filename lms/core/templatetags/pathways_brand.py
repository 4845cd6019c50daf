"""``{% brand_name %}``: the neutral brand, also where no context processor runs (the 500 page)."""

from django import template

from pathways.lms.core import branding

register = template.Library()


@register.simple_tag
def brand_name() -> str:
    return branding.brand_name()
