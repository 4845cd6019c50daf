"""Mentoring pages: the mentor's dashboard, the pairing page shared by the pair, the mentee's page.

Views are thin: they look things up through ``mentorship_selectors`` (which answer 404 for
anything the person may not see, such as a former mentee) and change things only through
``mentorship_services``. People are shown by their alias only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pathways.lms.accounts.names import alias_of, stored_profile
from pathways.lms.accounts.roles import Role, has_role
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.errors import add_form_errors, show_errors
from pathways.mentoring import selectors, services
from pathways.mentoring.forms import (
    CheckInForm,
    GoalForm,
    GoalStatusForm,
    PeerAliasForm,
    ReasonForm,
)
from pathways.mentoring.models import GoalStatus, PairingStatus


def _home_for(user) -> str:
    """Where someone goes after a pairing closes for her: her mentees, or her own mentor page."""
    if selectors.is_mentor(user):
        return reverse("mentoring:mentor_dashboard")
    return reverse("mentoring:my_mentor")


@login_required
def mentor_dashboard(request):
    if not selectors.is_mentor(request.user):
        return redirect("mentoring:my_mentor")
    return render(
        request,
        "mentoring/dashboard.html",
        {
            "page_title": _("My mentees"),
            "viewer_is_mentor": True,
            "rows": selectors.mentor_dashboard(request.user),
            "requests": selectors.mentor_requests(request.user),
        },
    )


@login_required
def my_mentor(request):
    overview = selectors.mentee_overview(request.user)
    may_ask = has_role(request.user, Role.PARTICIPANT) and not (
        overview.current or overview.requests or overview.proposals
    )
    return render(
        request,
        "mentoring/my_mentor.html",
        {
            "page_title": _("My mentor"),
            "viewer_is_mentor": selectors.is_mentor(request.user),
            "overview": overview,
            "PairingStatus": PairingStatus,
            "reason_form": ReasonForm(),
            "suggestions": selectors.mentor_suggestions(request.user, limit=5) if may_ask else [],
        },
    )


def _needs_alias(user) -> bool:
    """She has not chosen the name peers see yet: she chooses it before a mentor meets her."""
    profile = stored_profile(user)
    return not (profile and profile.peer_alias)


def _alias_form(request, **ids):
    """The alias form: bound when she sent one (``peer_alias`` in the post), else empty."""
    if "peer_alias" in request.POST:
        return PeerAliasForm(request.POST, **ids)
    return PeerAliasForm(**ids)


def _choose_alias_page(request, form, *, mentor_alias: str, action: str, proposal: bool):
    """Before a mentor meets her: the page where she chooses the name the mentor will see."""
    title = _("The name your mentor will see")
    return render(
        request,
        "mentoring/choose_alias.html",
        {
            "page_title": _("Error: %(title)s") % {"title": title} if form.errors else title,
            "form": form,
            "mentor_alias": mentor_alias,
            "action": action,
            "proposal": proposal,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def pairing_request(request, mentor_id: int):
    """A participant asks a mentor from her suggestions; asking is her yes. Without a peer alias
    yet, she first chooses the name the mentor will see."""
    if not has_role(request.user, Role.PARTICIPANT):
        raise Http404
    suggestion = next(
        (
            item
            for item in selectors.mentor_suggestions(request.user, limit=50)
            if item.mentor.pk == mentor_id
        ),
        None,
    )
    if suggestion is None:
        raise Http404
    peer_alias = ""
    form = None
    if _needs_alias(request.user):
        form = _alias_form(request, mentor_id=mentor_id)
        if not form.is_valid():
            return _choose_alias_page(
                request,
                form,
                mentor_alias=alias_of(suggestion.mentor),
                action=reverse("mentoring:request", args=[mentor_id]),
                proposal=False,
            )
        peer_alias = form.cleaned_data["peer_alias"]
    try:
        services.pairing_request(
            mentor=suggestion.mentor, mentee=request.user, peer_alias=peer_alias
        )
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            add_form_errors(form, error)
            return _choose_alias_page(
                request,
                form,
                mentor_alias=alias_of(suggestion.mentor),
                action=reverse("mentoring:request", args=[mentor_id]),
                proposal=False,
            )
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("You asked %(name)s to be your mentor. We will tell you when they answer.")
            % {"name": alias_of(suggestion.mentor)},
        )
    return redirect("mentoring:my_mentor")


def _render_pairing(request, pairing, *, goal_form=None, checkin_form=None):
    detail = selectors.pairing_detail(pairing, request.user)
    return render(
        request,
        "mentoring/pairing.html",
        {
            "page_title": _("Mentorship with %(name)s") % {"name": detail.other_alias},
            "viewer_is_mentor": selectors.is_mentor(request.user),
            "detail": detail,
            "pairing": pairing,
            "active": pairing.status == PairingStatus.ACTIVE,
            "paused": pairing.status == PairingStatus.PAUSED,
            "actions": services.pairing_allowed_actions(pairing=pairing, actor=request.user),
            "goal_form": goal_form or GoalForm(),
            "checkin_form": checkin_form or CheckInForm(),
            "reason_form": ReasonForm(),
            "goal_statuses": GoalStatus.choices,
            "GoalStatus": GoalStatus,
            "open_goal_statuses": selectors.OPEN_GOAL_STATUSES,
            "may_keep_private": services.checkin_notes_may_be_private(
                pairing=pairing, actor=request.user
            ),
        },
    )


@login_required
def pairing_detail(request, pairing_id: int):
    pairing = selectors.pairing_for_member(request.user, pairing_id)
    return _render_pairing(request, pairing)


def _pairing_url(pairing) -> str:
    """The pairing page, without a #fragment: after a form, the message at the top of the page
    takes the focus (pathways/feedback.js), which jumping to a fragment would take away."""
    return reverse("mentoring:pairing", args=[pairing.pk])


@login_required
@require_POST
def goal_add(request, pairing_id: int):
    pairing = selectors.pairing_for_member(request.user, pairing_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_add(
                pairing=pairing,
                actor=request.user,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_pairing_url(pairing))
    return _render_pairing(request, pairing, goal_form=form)


@login_required
@require_POST
def goal_update(request, pairing_id: int, goal_id: int):
    goal = selectors.goal_for_member(request.user, pairing_id, goal_id)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the goal's statuses."))
    else:
        try:
            services.goal_update(goal=goal, actor=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Goal updated."))
    return redirect(_pairing_url(goal.pairing))


@login_required
@require_POST
def checkin_log(request, pairing_id: int):
    pairing = selectors.pairing_for_member(request.user, pairing_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.checkin_log(
                pairing=pairing,
                actor=request.user,
                date=form.cleaned_data["date"],
                mode=form.cleaned_data["mode"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                notes=form.cleaned_data["notes"],
                private_from_staff=form.cleaned_data["private_from_staff"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Check-in saved."))
            return redirect(_pairing_url(pairing))
    return _render_pairing(request, pairing, checkin_form=form)


def _change_pairing(request, pairing_id: int, *, change, success: str, closes: bool = False):
    """Pause, resume, complete or end a pairing; the last two take a reason only staff see."""
    pairing = selectors.pairing_for_member(request.user, pairing_id)
    kwargs = {"pairing": pairing, "actor": request.user}
    if closes:
        form = ReasonForm(request.POST)
        kwargs["reason_private"] = form.cleaned_data["reason_private"] if form.is_valid() else ""
    try:
        change(**kwargs)
    except ValidationError as error:
        show_errors(request, error)
        return redirect(_pairing_url(pairing))
    messages.success(request, success)
    return redirect(_home_for(request.user) if closes else _pairing_url(pairing))


@login_required
@require_POST
def pairing_pause(request, pairing_id: int):
    return _change_pairing(
        request,
        pairing_id,
        change=services.pairing_pause,
        success=_("The mentorship is paused. You can resume it at any time."),
    )


@login_required
@require_POST
def pairing_resume(request, pairing_id: int):
    return _change_pairing(
        request,
        pairing_id,
        change=services.pairing_resume,
        success=_("Welcome back: the mentorship is active again."),
    )


@login_required
@require_POST
def pairing_complete(request, pairing_id: int):
    return _change_pairing(
        request,
        pairing_id,
        change=services.pairing_complete,
        success=_("The mentorship is complete. Thank you both."),
        closes=True,
    )


@login_required
@require_POST
def pairing_end(request, pairing_id: int):
    return _change_pairing(
        request,
        pairing_id,
        change=services.pairing_end,
        success=_("The mentorship has ended."),
        closes=True,
    )


def _after_answer(request, pairing) -> str:
    if request.user.pk == pairing.mentor_id:
        return reverse("mentoring:mentor_dashboard")
    return reverse("mentoring:my_mentor")


@login_required
@require_POST
def pairing_accept(request, pairing_id: int):
    """The mentee accepts a proposal (choosing first, without an alias yet, the name the mentor
    will see), or the mentor accepts a request."""
    pairing = selectors.pending_pairing_for_member(request.user, pairing_id)
    peer_alias = ""
    form = None
    if request.user.pk == pairing.mentee_id and _needs_alias(request.user):
        form = _alias_form(request, pairing_id=pairing.pk)
        if not form.is_valid():
            return _choose_alias_page(
                request,
                form,
                mentor_alias=alias_of(pairing.mentor),
                action=reverse("mentoring:accept", args=[pairing.pk]),
                proposal=True,
            )
        peer_alias = form.cleaned_data["peer_alias"]
    try:
        pairing = services.pairing_accept(
            pairing=pairing, actor=request.user, peer_alias=peer_alias
        )
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            add_form_errors(form, error)
            return _choose_alias_page(
                request,
                form,
                mentor_alias=alias_of(pairing.mentor),
                action=reverse("mentoring:accept", args=[pairing.pk]),
                proposal=True,
            )
        show_errors(request, error)
        return redirect(_after_answer(request, pairing))
    messages.success(request, _("You are now working together. Welcome!"))
    return redirect(_pairing_url(pairing))


@login_required
@require_POST
def pairing_decline(request, pairing_id: int):
    pairing = selectors.pending_pairing_for_member(request.user, pairing_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason_private"] if form.is_valid() else ""
    was = pairing.status
    try:
        services.pairing_decline(pairing=pairing, actor=request.user, reason_private=reason)
    except ValidationError as error:
        show_errors(request, error)
    else:
        if request.user.pk == pairing.mentor_id:
            messages.success(request, _("You declined the request."))
        elif was == PairingStatus.REQUESTED:
            messages.success(request, _("Your request is withdrawn."))
        else:
            messages.success(
                request, _("You said no to this mentor. Programme staff can suggest someone else.")
            )
    return redirect(_after_answer(request, pairing))
