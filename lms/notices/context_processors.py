"""Template context for the navigation: how many notices the person signed in has not read."""

from functools import cache

from pathways.lms.notices.selectors import unread_count


def notices(request):
    user = getattr(request, "user", None)

    # A template calls it when it shows the count, at most one query per request; pages that
    # never show it pay nothing. A function rather than a lazy object, so that templates get a
    # real number (for plurals).
    @cache
    def unread_notice_count() -> int:
        return unread_count(user)

    return {"unread_notice_count": unread_notice_count}
