"""Cohort pages: a participant's own cohorts, and the roster and attendance sheet facilitators use.

Views are thin: they look things up through selectors (which 404 on anything the person may not
see) and change things only through services. Pages are built for phones first.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pathways.cohorts import selectors, services
from pathways.cohorts.models import AttendanceStatus, MembershipStatus
from pathways.courses.forms import RefusalForm
from pathways.lms.accounts.roles import is_facilitator
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.errors import show_errors

# Participants --------------------------------------------------------------------------------


@login_required
def my_cohorts(request):
    mine = selectors.participant_cohorts(request.user)
    return render(
        request,
        "cohorts/mine.html",
        {
            "page_title": _("My groups"),
            "my_cohorts": mine,
            # Her next sessions are listed with their times: the page names her time zone.
            "shows_times": any(item.upcoming for item in mine),
            "joinable": list(selectors.joinable_cohorts(request.user)),
        },
    )


@login_required
@require_POST
def join(request, cohort_id: int):
    cohort = selectors.cohort_for_joining(request.user, cohort_id)
    try:
        membership = services.membership_enrol(cohort=cohort, user=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        _placed_message(request, membership)
    return redirect("cohorts:mine")


def _placed_message(request, membership) -> None:
    if membership.status == MembershipStatus.ACTIVE:
        messages.success(
            request,
            _("You have a place in %(cohort)s. Welcome!")
            % {"cohort": membership.cohort.shown_name},
        )
    else:
        messages.info(
            request,
            _(
                "%(cohort)s is full at the moment, so you are on the waiting list. You will get "
                "a place as soon as one frees up."
            )
            % {"cohort": membership.cohort.shown_name},
        )


@login_required
@require_POST
def accept_invitation(request, membership_id: int):
    membership = selectors.participant_membership(request.user, membership_id)
    try:
        membership = services.membership_accept_invitation(membership=membership)
    except ValidationError as error:
        show_errors(request, error)
    else:
        _placed_message(request, membership)
    return redirect("cohorts:mine")


@login_required
@require_POST
def decline_invitation(request, membership_id: int):
    membership = selectors.participant_membership(request.user, membership_id)
    try:
        services.membership_decline_invitation(membership=membership)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("You have declined the invitation. Thank you for letting us know.")
        )
    return redirect("cohorts:mine")


@login_required
def leave(request, membership_id: int):
    """Leaving takes two steps: this page says what happens, then she confirms (a POST with
    ``confirm=yes``). Anything else, the "Leave" button of her groups page included, only shows
    the page and changes nothing."""
    membership = selectors.participant_membership(request.user, membership_id)
    was_waiting = membership.status == MembershipStatus.WAITLISTED
    error_form = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.membership_withdraw(membership=membership, actor=request.user)
        except ValidationError as error:
            error_form = RefusalForm.for_error(error)
        else:
            if was_waiting:
                messages.success(request, _("You have left the waiting list."))
            else:
                messages.success(
                    request, _("You have left the group. Your course progress is kept.")
                )
            return redirect("cohorts:mine")
    elif membership.status not in selectors.LEAVABLE_STATUSES:
        # Already left, completed, or only invited (an invitation is declined instead).
        return redirect("cohorts:mine")
    return render(
        request,
        "cohorts/leave.html",
        {
            "page_title": (
                _("Leave the waiting list for %(cohort)s?")
                if was_waiting
                else _("Leave %(cohort)s?")
            )
            % {"cohort": membership.cohort.shown_name},
            "membership": membership,
            "cohort": membership.cohort,
            "waitlisted": was_waiting,
            "applied": membership.status == MembershipStatus.APPLIED,
            "may_leave": membership.status in selectors.LEAVABLE_STATUSES,
            "error_form": error_form,
        },
        status=400 if error_form is not None else 200,
    )


# Facilitators and programme staff -------------------------------------------------------------


@login_required
def facilitated_list(request):
    if not is_facilitator(request.user):
        raise Http404
    return render(
        request,
        "cohorts/list.html",
        {
            "page_title": _("Cohorts I run"),
            "cohorts": list(selectors.cohorts_facilitated_by(request.user, shown=True)),
        },
    )


@login_required
def cohort_detail(request, cohort_id: int):
    cohort = selectors.cohort_for_facilitator(request.user, cohort_id)
    return render(
        request,
        "cohorts/detail.html",
        {
            "page_title": cohort.shown_name,
            "cohort": cohort,
            "roster": selectors.cohort_roster(cohort),
            "sessions": list(selectors.cohort_sessions(cohort)),
            "now": timezone.now(),
        },
    )


def _read_sheet(request, sheet) -> tuple[list[dict], list, list[str]]:
    """The posted sheet as rows for the template, the entries to record, and form-wide errors."""
    by_id = {str(row.membership.pk): row for row in sheet}
    form_errors = []
    posted_ids = {
        key.split("-", 1)[1] for key in request.POST if key.startswith(("status-", "minutes-"))
    }
    if posted_ids - set(by_id):
        form_errors.append(
            _("Someone on the form is not a member of this cohort. Nothing was saved.")
        )
    rows, entries = [], []
    for key, row in by_id.items():
        status = request.POST.get(f"status-{key}", "")
        minutes_text = request.POST.get(f"minutes-{key}", "").strip()
        errors = []
        minutes = None
        if status and status not in AttendanceStatus.values:
            errors.append(_("Please choose present, late, excused or absent."))
        if minutes_text and status == AttendanceStatus.LATE:
            if minutes_text.isdigit():
                minutes = int(minutes_text)
            else:
                errors.append(_("Please give the minutes as a whole number, like 90."))
        if status and not errors:
            entries.append(
                services.AttendanceEntry(membership=row.membership, status=status, minutes=minutes)
            )
        rows.append({"row": row, "status": status, "minutes": minutes_text, "errors": errors})
    if not form_errors and not any(row["errors"] for row in rows) and not entries:
        form_errors.append(_("Please mark at least one person before saving."))
    return rows, entries, form_errors


def _sheet_rows(sheet) -> list[dict]:
    rows = []
    for row in sheet:
        attendance = row.attendance
        rows.append(
            {
                "row": row,
                "status": attendance.status if attendance else "",
                "minutes": (
                    attendance.minutes_attended
                    if attendance and attendance.status == AttendanceStatus.LATE
                    else ""
                ),
                "errors": [],
            }
        )
    return rows


def _attendance_not_open(request, session):
    """A session that has not started: no sheet yet, only when it opens."""
    return render(
        request,
        "cohorts/attendance.html",
        {
            "page_title": _("Attendance: %(session)s") % {"session": session.shown_title},
            "cohort": session.cohort,
            "session": session,
            "not_open": True,
        },
        status=409 if request.method == "POST" else 200,
    )


@login_required
def take_attendance(request, cohort_id: int, session_id: int):
    session = selectors.session_for_facilitator(request.user, cohort_id, session_id)
    if not services.attendance_is_open(session):
        return _attendance_not_open(request, session)
    sheet = selectors.session_attendance_sheet(session)
    form_errors: list[str] = []
    if request.method == "POST":
        rows, entries, form_errors = _read_sheet(request, sheet)
        if not form_errors and not any(row["errors"] for row in rows):
            try:
                services.attendance_record_many(
                    session=session, entries=entries, actor=request.user
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for row in rows:
                        row["errors"].extend(
                            error.message_dict.get(str(row["row"].membership.pk), [])
                        )
                else:
                    form_errors.extend(error.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved for %(count)s person.",
                        "Attendance saved for %(count)s people.",
                        len(entries),
                    )
                    % {"count": len(entries)},
                )
                return redirect(
                    "cohorts:attendance", cohort_id=session.cohort_id, session_id=session.pk
                )
        if any(row["errors"] for row in rows) and not form_errors:
            form_errors.append(_("Nothing was saved. Please check the people marked below."))
    else:
        rows = _sheet_rows(sheet)
    return render(
        request,
        "cohorts/attendance.html",
        {
            "page_title": _("Attendance: %(session)s") % {"session": session.shown_title},
            "cohort": session.cohort,
            "session": session,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "form_errors": form_errors,
            "unrecorded": sum(1 for row in sheet if row.attendance is None),
        },
        status=400 if form_errors else 200,
    )


@login_required
@require_POST
def mark_all_present(request, cohort_id: int, session_id: int):
    """ "Mark everyone present": those not marked yet, for the whole session; then she corrects
    anyone who was late, excused or absent on the sheet."""
    session = selectors.session_for_facilitator(request.user, cohort_id, session_id)
    if not services.attendance_is_open(session):
        return _attendance_not_open(request, session)
    try:
        recorded = services.attendance_mark_all_present(session=session, actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        if recorded:
            messages.success(
                request,
                ngettext(
                    "%(count)s person marked present for the whole session. Change anyone who "
                    "was late, excused or absent below, then save.",
                    "%(count)s people marked present for the whole session. Change anyone who "
                    "was late, excused or absent below, then save.",
                    len(recorded),
                )
                % {"count": len(recorded)},
            )
        else:
            messages.info(
                request, _("Everyone already has attendance recorded. Change it below if needed.")
            )
    return redirect("cohorts:attendance", cohort_id=session.cohort_id, session_id=session.pk)
