"""The employer portal's filters: the API's (:mod:`certificates.sharing.filters`), in words for
people rather than parameter names.

The same filters and sort orders, refusing the same bad values and revealing nothing more; only
the labels, hints and error messages differ, and the API's duplicate ``title`` search is left
out.
"""

from django.utils.translation import gettext_lazy as _

import django_filters

from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES
from pathways.certificates.sharing.filters import (
    ORDERING_CHOICES,
    SharedCredentialFilter,
    _date_filter,
    _search_filter,
)

_ONLY_SHARED_DATES = _("Only certificates whose dates were shared with you can match.")


class PortalCredentialFilter(SharedCredentialFilter):
    q = _search_filter(
        label=_("Search"),
        help_text=_("Words from the certificate's title or course."),
    )
    skill = django_filters.CharFilter(
        label=_("Skill"),
        help_text=_(
            "The whole name of a skill, such as “First aid”. Only certificates whose skills "
            "were shared with you can match."
        ),
        method="filter_skill",
        max_length=100,
        error_messages={"max_length": _("A skill name has at most %(limit_value)d characters.")},
    )
    issued_after = _date_filter(
        label=_("Issued on or after"), help_text=_ONLY_SHARED_DATES, method="filter_issued_after"
    )
    issued_before = _date_filter(
        label=_("Issued on or before"),
        help_text=_ONLY_SHARED_DATES,
        method="filter_issued_before",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CURRENT_STATUS_CHOICES,
        method="filter_status",
        empty_label=_("Any status"),
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        help_text=_(
            "Certificates whose dates were not shared with you come last when sorting by "
            "issue date."
        ),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an order from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's other name for the search; the portal's form has one search box.
        self.filters.pop("title", None)
