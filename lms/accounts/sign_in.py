"""Where Pathways asks a person to sign in, and where she lands afterwards.

Named by URL, never by path, so both follow whatever prefix the host site mounted Pathways at.
Pathways does not read the host's ``LOGIN_URL`` or ``LOGIN_REDIRECT_URL``: those point at the
host's own pages, or at Django's ``/accounts/login/`` default, which no Pathways page answers.

Each role lands where its work is (:mod:`pathways.lms.accounts.workspaces`): a participant on
her dashboard, a mentor on her mentees, a facilitator on her cohorts, a partner employer on her
portal.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required as django_login_required
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url

from pathways.lms.accounts import workspaces

SIGN_IN = "accounts:login"
# The front door of Pathways for someone without a role yet: the learner's dashboard.
AFTER_SIGN_IN = workspaces.DEFAULT_URL_NAME


def sign_in_url() -> str:
    return resolve_url(SIGN_IN)


def after_sign_in_url(user=None) -> str:
    """Where ``user`` lands after signing in (without a ``?next=``): her first workspace."""
    if user is None:
        return resolve_url(AFTER_SIGN_IN)
    return workspaces.home_url(user)


def login_required(view):
    """Django's ``login_required``, sending signed-out people to Pathways' own sign-in page.

    A partner employer's account has no learner, mentor or facilitator pages: on those she is
    sent to her portal (:func:`workspaces.learning_page`), so she never sees the catalogue or
    anyone's learning.
    """
    if workspaces.learning_page(view):

        @wraps(view)
        def scoped(request, *args, **kwargs):
            if workspaces.is_employer_only(request.user):
                return HttpResponseRedirect(workspaces.home_url(request.user))
            return view(request, *args, **kwargs)

        return django_login_required(scoped, login_url=SIGN_IN)
    return django_login_required(view, login_url=SIGN_IN)
