"""Her notices: the list, opening one (it is then read), and marking them all as read.

Everyone signed in has notices of her own and sees only those; someone else's notice answers
404, whatever the reader's role.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pathways.lms.accounts.sign_in import login_required
from pathways.lms.notices import selectors, services

PER_PAGE = 25


@login_required
@require_safe
def notice_list(request):
    page = Paginator(selectors.notices_for_user(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    unread = selectors.unread_count(request.user)
    return render(
        request,
        "notices/list.html",
        {
            "page_title": _("Notices"),
            "page": page,
            "notices": list(page.object_list),
            "unread": unread,
            # The navigation's count too, so that it costs no second query here.
            "unread_notice_count": unread,
        },
    )


@login_required
@require_safe
def notice_open(request, notice_id: int):
    """Mark the notice read and go to its page, if that is a page of this site."""
    notice = selectors.notice_for_user(request.user, notice_id)
    services.notice_mark_read(user=request.user, notice=notice)
    if services.is_safe_local_path(notice.url):
        return redirect(notice.url)
    return redirect("notices:list")


@login_required
@require_POST
def notices_read(request):
    count = services.notices_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("notices:list")
