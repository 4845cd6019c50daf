"""Whether a page shows "Exit this page" and "Staying safe online".

They belong on the pages of the people they protect: participants, mentors, and everyone on the
way in (signing in, the safety page). On a partner employer's pages and on the public page that
verifies a certificate they would do harm: whoever holds the certificate, or reads the employer's
screen, would learn something about the holder's history.

A view decides by putting ``show_safety_controls`` (True or False) in its context; without it,
they show for everyone but a person whose only role is partner employer. The exit control's
include and the footer ask here, so a restyled base that keeps the include keeps the rule.
"""

from django import template

from pathways.lms.accounts.workspaces import is_employer_only

register = template.Library()

CONTEXT_FLAG = "show_safety_controls"


def safety_controls_shown(context) -> bool:
    chosen = context.get(CONTEXT_FLAG)
    if chosen is not None:
        return bool(chosen)
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    return not is_employer_only(user)


@register.simple_tag(takes_context=True, name="safety_controls_shown")
def safety_controls_shown_tag(context) -> bool:
    """``{% safety_controls_shown as shown %}``: whether this page shows the safety controls."""
    return safety_controls_shown(context)
