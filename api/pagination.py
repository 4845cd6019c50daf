"""Pages of 20 by default; ``page_size`` up to 50."""

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50

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
