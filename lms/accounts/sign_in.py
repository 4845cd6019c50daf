"""Where Pathways asks a person to sign in, and where she lands afterwards.

Named by URL, never by path, so both follow whatever prefix the host site mounted Pathways at.
Pathways does not read the host's ``LOGIN_URL`` or ``LOGIN_REDIRECT_URL``: those point at the
host's own pages, or at Django's ``/accounts/login/`` default, which no Pathways page answers.
"""

from django.contrib.auth.decorators import login_required as django_login_required
from django.shortcuts import resolve_url

SIGN_IN = "accounts:login"
# The front door of Pathways: the learner's dashboard.
AFTER_SIGN_IN = "courses:dashboard"


def sign_in_url() -> str:
    return resolve_url(SIGN_IN)


def after_sign_in_url() -> str:
    return resolve_url(AFTER_SIGN_IN)


def login_required(view):
    """Django's ``login_required``, sending signed-out people to Pathways' own sign-in page."""
    return django_login_required(view, login_url=SIGN_IN)
