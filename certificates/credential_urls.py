"""URLs (namespace ``credentials``)."""

app_name = "credentials"

urlpatterns: list = []
