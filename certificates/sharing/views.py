"""A participant's pages for sharing certificates with employers: what she shares now (stop it in
one step, renew it), a new release, and who has seen her certificates.

Only participants reach them; for anyone else signed in they do not exist (404). Views stay thin:
reads go through ``release_selectors`` (someone else's release answers 404), writes through
``release_services``, whose refusals are shown on the form and change nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pathways.certificates.sharing import selectors, services
from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.forms import EmployerChoiceForm, Purpose, ReleaseForm
from pathways.certificates.sharing.models import (
    CredentialRelease,
    DisclosedField,
    ReleaseMethod,
    ReleaseStatus,
)
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.roles import Role, has_role
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.errors import add_form_errors, show_errors

ACCESS_LOG_PER_PAGE = 50

# How the details an employer saw are named to her, in the order she reads them.
SHOWN_LABELS = {
    "name": gettext_lazy("name as printed"),
    "title": gettext_lazy("title"),
    "achievement": gettext_lazy("what you achieved"),
    "issuer": gettext_lazy("issuer"),
    "status": gettext_lazy("whether it is valid"),
    DisclosedField.DATES: gettext_lazy("dates"),
    DisclosedField.HOURS: gettext_lazy("hours"),
    DisclosedField.SKILLS: gettext_lazy("skills"),
    DisclosedField.DOCUMENT: gettext_lazy("the certificate itself"),
}


def participant_required(view):
    """Signed-out people are sent to sign in; anyone signed in but not a participant gets 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Role.PARTICIPANT):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _shown(fields: list[str]) -> list[str]:
    return [str(SHOWN_LABELS[name]) for name in SHOWN_LABELS if name in fields]


@dataclass
class ReleaseRow:
    release: CredentialRelease
    certificates: list = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    ends_on: date | None = None
    renew_url: str = ""

    @property
    def recorded_by_staff(self) -> bool:
        return self.release.method != ReleaseMethod.ONLINE


def _row(release: CredentialRelease) -> ReleaseRow:
    return ReleaseRow(
        release=release,
        certificates=[item.certificate for item in release.released_certificates.all()],
        shown=_shown(["name", "title", *release.disclosed_fields]),
        ends_on=selectors.last_day(release.expires_at),
        renew_url=_share_url(employer_id=release.employer_id, renew_id=release.pk),
    )


def _share_url(*, employer_id: int | None = None, renew_id: int | None = None) -> str:
    query = {}
    if employer_id:
        query["employer"] = employer_id
    if renew_id:
        query["renew"] = renew_id
    url = reverse("sharing:share")
    return f"{url}?{urlencode(query)}" if query else url


@participant_required
@require_safe
def sharing(request):
    rows = [_row(release) for release in selectors.participant_releases(request.user)]
    return render(
        request,
        "sharing/list.html",
        {
            "page_title": _("Sharing with employers"),
            "current": [row for row in rows if row.release.status == ReleaseStatus.ACTIVE],
            "past": [row for row in rows if row.release.status != ReleaseStatus.ACTIVE],
            "statuses": ReleaseStatus,
            "share_url": reverse("sharing:share"),
        },
    )


@participant_required
@require_POST
def sharing_stop(request, release_id: int):
    """One action stops sharing at once: the employer sees nothing from its next request."""
    release = selectors.participant_release(request.user, release_id)
    if release.status != ReleaseStatus.ACTIVE:
        messages.info(
            request,
            _("Sharing with %(employer)s had already ended.") % {"employer": release.employer},
        )
        return redirect("sharing:list")
    try:
        services.release_revoke(release=release, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("You stopped sharing with %(employer)s. They can no longer see your certificates.")
            % {"employer": release.employer},
        )
    return redirect("sharing:list")


def _renewed_release(request) -> CredentialRelease | None:
    renew = request.GET.get("renew")
    if not renew:
        return None
    return selectors.participant_release(request.user, renew)


def _renew_initial(release: CredentialRelease | None) -> dict:
    """What she chose last time, so renewing takes one look and a signature."""
    if release is None:
        return {}
    labels = {str(choice.label): choice.value for choice in Purpose}
    purpose = labels.get(release.purpose)
    initial = {
        "certificates": [item.certificate_id for item in release.released_certificates.all()],
        "disclosed_fields": list(release.disclosed_fields),
    }
    if purpose:
        initial["purpose"] = purpose
    else:
        initial.update({"purpose": Purpose.OTHER, "purpose_other": release.purpose})
    return initial


@participant_required
@require_http_methods(["GET", "HEAD", "POST"])
def share(request):
    """Two steps on one address: choose the employer (``?employer=``), then read the consent
    text naming it, choose what to share, and sign. Works without JavaScript."""
    renewing = _renewed_release(request)
    employer_query = request.GET.copy()
    if renewing is not None:
        employer_query["employer"] = str(renewing.employer_id)
    choice = EmployerChoiceForm(employer_query if "employer" in employer_query else None)
    has_certificates = selectors.releasable_certificates(request.user).exists()
    if not (has_certificates and choice.is_valid()):
        return render(
            request,
            "sharing/choose_employer.html",
            {
                "page_title": _("Share your certificates"),
                "form": choice,
                "has_employers": choice.fields["employer"].queryset.exists(),
                "has_certificates": has_certificates,
            },
            status=400 if request.method == "POST" else 200,
        )
    employer = choice.cleaned_data["employer"]
    if request.method == "POST":
        form = ReleaseForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                release = services.release_create(
                    participant=request.user,
                    employer=employer,
                    certificates=data["certificates"],
                    disclosed_fields=data["disclosed_fields"],
                    purpose=form.purpose_text(),
                    ends_on=data["ends_on"],
                    signature=data["signature"],
                    consent_version=data["consent_version"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "You are sharing with %(employer)s until %(date)s. You can stop at any "
                        "time on this page."
                    )
                    % {
                        "employer": employer.name,
                        "date": date_format(selectors.last_day(release.expires_at), "DATE_FORMAT"),
                    },
                )
                return redirect("sharing:list")
    else:
        form = ReleaseForm(initial=_renew_initial(renewing), user=request.user)
    return render(
        request,
        "sharing/share.html",
        {
            "page_title": _("Share with %(employer)s") % {"employer": employer.name},
            "employer": employer,
            "renewing": renewing,
            "form": form,
            "consent_text": consent_text(employer_name=employer.name, version=CONSENT_VERSION),
            "action_url": _share_url(
                employer_id=employer.pk, renew_id=renewing.pk if renewing else None
            ),
            "change_employer_url": reverse("sharing:share"),
        },
        status=400 if form.is_bound else 200,
    )


@dataclass
class AccessRow:
    access: object
    shown: list[str]
    who: str


def _who(access) -> str:
    if access.employer_user_id:
        return chosen_name_of(access.employer_user)
    if access.api_key_id:
        return _("their system “%(name)s”") % {"name": access.api_key.name}
    return ""


@participant_required
@require_safe
def seen(request):
    """Every time an employer saw one of her certificates: a page of 50 in a fixed number of
    queries."""
    page = Paginator(selectors.participant_access_log(request.user), ACCESS_LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sharing/seen.html",
        {
            "page_title": _("Who has seen my certificates"),
            "page": page,
            "rows": [
                AccessRow(access=access, shown=_shown(access.disclosed_fields), who=_who(access))
                for access in page
            ],
        },
    )
