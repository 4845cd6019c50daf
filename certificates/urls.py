"""URLs (namespace ``certificates``)."""

app_name = "certificates"

urlpatterns: list = []
