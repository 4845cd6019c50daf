"""URLs (namespace ``credentials``): each issuer's profile, its keys and its revocation status
list, and the legacy profile and list that credentials named before there was one per issuer.

Their addresses are written into every credential issued, so they must never change.
"""

from django.urls import path

from pathways.certificates.credentials import views as credential_views

app_name = "credentials"

urlpatterns = [
    path("issuers/<str:public_id>/", credential_views.issuer, name="issuer"),
    path(
        "issuers/<str:public_id>/keys/<str:multibase>/",
        credential_views.key,
        name="key",
    ),
    path(
        "issuers/<str:public_id>/status/revocation/",
        credential_views.status_list,
        name="status_list",
    ),
    path("issuer/", credential_views.legacy_issuer, name="legacy_issuer"),
    path("status/revocation/", credential_views.legacy_status_list, name="legacy_status_list"),
]
