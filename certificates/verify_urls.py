"""URLs (namespace ``verify``)."""

app_name = "verify"

urlpatterns: list = []
