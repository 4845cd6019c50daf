"""Where each role's work is: the page a person lands on, and the ones she can switch to.

A person can hold several roles (a mentor is often a participant too; a programme lead may also
sign in for a partner employer). Each role has a landing page, its "workspace": learning (her
dashboard), mentoring (her mentees), facilitating (her cohorts) and the employer portal. She
lands on the first one she holds, in the order below, and the header offers the others.

Workspaces name their pages by URL name, never by import, so this module (low in the layers)
knows no app above it; a workspace whose app a site did not mount is left out.

Someone whose only role is partner employer has no learner, mentor or facilitator pages at all:
:func:`learning_page` says which views those are, and
:func:`pathways.lms.accounts.sign_in.login_required` sends her to her portal from them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pathways.lms.accounts.roles import Role, has_role, is_facilitator, is_programme_staff


@dataclass(frozen=True)
class Workspace:
    key: str
    label: Promise
    url_name: str
    holds: Callable[[object], bool]


def _participant(user) -> bool:
    return has_role(user, Role.PARTICIPANT)


def _mentor(user) -> bool:
    return has_role(user, Role.MENTOR)


def _employer(user) -> bool:
    return has_role(user, Role.EMPLOYER)


# In order of preference for landing: the work she does for others first (a mentor who is also a
# participant lands on her mentees), then her own learning, then the employer portal.
WORKSPACES = (
    Workspace("facilitating", _("Facilitating"), "cohorts:list", is_facilitator),
    Workspace("mentoring", _("Mentoring"), "mentoring:mentor_dashboard", _mentor),
    Workspace("learning", _("Learning"), "courses:dashboard", _participant),
    Workspace("employer", _("Employer portal"), "employer:credentials", _employer),
)
# Without any role (an account the host made and gave no Pathways role yet): the dashboard.
DEFAULT_URL_NAME = "courses:dashboard"

# The views that are a learner's, a mentor's or a facilitator's pages (their modules).
LEARNING_PAGE_MODULES = (
    "pathways.courses.",
    "pathways.cohorts.",
    "pathways.mentoring.",
    "pathways.certificates.issuance.",
    "pathways.certificates.sharing.views",
)


@dataclass(frozen=True)
class WorkspaceLink:
    key: str
    label: Promise
    url: str
    url_name: str


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:  # a site that did not mount this part of Pathways
        return None


def workspaces_of(user) -> list[WorkspaceLink]:
    """The workspaces ``user`` holds, in landing order (no query beyond her groups, which
    ``has_role`` reads once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for workspace in WORKSPACES:
        if workspace.holds(user) and (url := _url(workspace.url_name)):
            links.append(WorkspaceLink(workspace.key, workspace.label, url, workspace.url_name))
    return links


def home_url(user) -> str:
    """Where ``user`` lands after signing in, and where the brand in the header takes her."""
    held = workspaces_of(user)
    return held[0].url if held else reverse(DEFAULT_URL_NAME)


def is_employer_only(user) -> bool:
    """Whether a partner employer's account is all ``user`` has in Pathways: no learner, mentor,
    facilitator or staff role."""
    return (
        _employer(user)
        and not _participant(user)
        and not _mentor(user)
        and not is_facilitator(user)
        and not is_programme_staff(user)
    )


def learning_page(view) -> bool:
    """Whether ``view`` is a learner's, mentor's or facilitator's page (by its module)."""
    module = getattr(view, "__module__", "") or ""
    return module.startswith(LEARNING_PAGE_MODULES)
