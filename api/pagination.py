"""Pages of 20 by default; ``page_size`` up to 50."""

from django.core.paginator import Page
from django.db import connections
from django.db.models import Count, Window

from rest_framework.pagination import PageNumberPagination

#: The name under which ``paginate_counted`` reads the total from each row of a page.
TOTAL = "pathways_page_total"
#: Beyond this page number, ``paginate_counted`` leaves it to the paginator (which answers 404
#: without asking the database for an offset it cannot hold).
_LAST_COUNTED_PAGE = 10**9


class PagePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50

    def paginate_counted(self, queryset, request, view=None):
        """``paginate_queryset`` in one query rather than two: the page's rows carry the total
        (``COUNT(*) OVER ()``, evaluated before the page is cut), so the rows are not walked a
        second time just to count them. Same answers: the count, the links, and any page that
        is not a whole number, is below 1 or lies past the end (and ``page=last``) go the usual
        way, with the usual 404. Each row is a dict (``queryset`` is a ``values()`` query) with
        an extra ``TOTAL`` key."""
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            number = int(raw)  # as Django's paginator reads it
        except (TypeError, ValueError):
            number = 0
        windows = connections[queryset.db].features.supports_over_clause
        if not windows or not 1 <= number <= _LAST_COUNTED_PAGE:
            return self.paginate_queryset(queryset, request, view)
        start = (number - 1) * page_size
        rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[start : start + page_size])
        if not rows and number > 1:
            return self.paginate_queryset(queryset, request, view)  # past the end: the 404
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.count = rows[0][TOTAL] if rows else 0
        self.page = Page(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return rows

    def get_schema_operation_parameters(self, view):
        """Say the limits in the schema, so that a generated client need not guess them."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                parameter["description"] = (
                    f"Number of results per page: {self.page_size} if not given, at most "
                    f"{self.max_page_size} (a larger number gives {self.max_page_size})."
                )
        return parameters
