"""URLs (namespace ``credentials``): the issuer profile and the revocation status list.

Their addresses are written into every credential issued, so they must never change.
"""

from django.urls import path

from . import credential_views

app_name = "credentials"

urlpatterns = [
    path("issuer/", credential_views.issuer, name="issuer"),
    path("status/revocation/", credential_views.status_list, name="status_list"),
]
