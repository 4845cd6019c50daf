"""Sharing with employers in the Wagtail admin: partner employers, API keys (shown once),
releases (read only, plus consent or a request to stop recorded from paper or orally) and
employer access records. Only programme staff get in."""

import hashlib

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.certificates.employers.services import employer_key_authenticate, employer_key_create
from pathways.certificates.sharing.consent import CONSENT_VERSION
from pathways.certificates.sharing.models import AccessChannel, CredentialRelease, ReleaseMethod
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.certificates.sharing.services import (
    RECORD_RELEASE_ACTION,
    RECORD_REVOCATION_ACTION,
    access_record,
    default_end_date,
)
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(signed_in, staff):
    return signed_in(staff)


@pytest.fixture
def certificate(participant):
    return CertificateFactory(user=participant, printed_achievement="Customer Service Fundamentals")


@pytest.fixture
def release(participant, employer_org, certificate):
    return CredentialReleaseFactory(
        participant=participant, employer=employer_org, certificates=[certificate]
    )


# Who gets in ----------------------------------------------------------------------------------

INDEX_PAGES = [
    "partner_employers:index",
    "partner_employers:add",
    "employer_api_keys:index",
    "employer_api_keys:add",
    "credential_releases:index",
    "credential_releases:add",
    "credential_accesses:index",
]
OBJECT_PAGES = [
    ("partner_employers:edit", "employer"),
    ("employer_api_keys:revoke", "key"),
    ("credential_releases:inspect", "release"),
    ("credential_releases:record_revocation", "release"),
]
NOT_STAFF = ["participant", "mentor", "facilitator", "employer_user"]


@pytest.mark.parametrize("url_name", INDEX_PAGES)
@pytest.mark.parametrize("role", [*NOT_STAFF, "staff"])
def test_only_programme_staff_reach_the_sharing_admin(client, request, release, role, url_name):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(url_name))
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize(("url_name", "target"), OBJECT_PAGES)
@pytest.mark.parametrize("role", [*NOT_STAFF, "staff"])
def test_only_programme_staff_reach_a_sharing_record(
    client, request, release, employer_key, role, url_name, target
):
    objects = {"employer": release.employer, "key": employer_key[0], "release": release}
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(url_name, args=[objects[target].pk]))
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", NOT_STAFF)
def test_nobody_but_staff_can_record_stop_or_revoke(client, request, release, employer_key, role):
    key, raw = employer_key
    client.force_login(request.getfixturevalue(role))
    client.post(
        reverse("credential_releases:record_revocation", args=[release.pk]),
        {"method": "oral", "note": "Phone call"},
    )
    client.post(reverse("employer_api_keys:revoke", args=[key.pk]), {})
    client.post(
        reverse("employer_api_keys:add"),
        {"employer": release.employer_id, "name": "Sneaky", "scopes": ["credentials:read"]},
    )
    release.refresh_from_db()
    assert release.revoked_at is None
    assert employer_key_authenticate(raw) is not None
    assert EmployerApiKey.objects.count() == 1


def test_the_sharing_menu_shows_for_staff_only(client, staff, facilitator):
    client.force_login(staff)
    assert "Sharing with employers" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(facilitator)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Sharing with employers" not in page


# Partner employers ----------------------------------------------------------------------------


def test_staff_add_an_employer_whose_web_users_have_the_employer_role(
    admin, employer_user, participant
):
    page = admin.get(reverse("partner_employers:add")).content.decode()
    assert employer_user.username in page
    assert participant.username not in page
    response = admin.post(
        reverse("partner_employers:add"), {"name": "Bay Bakery", "users": [participant.pk]}
    )
    assert response.status_code == 200
    assert not EmployerOrganisation.objects.filter(name="Bay Bakery").exists()
    response = admin.post(
        reverse("partner_employers:add"), {"name": "Bay Bakery", "users": [employer_user.pk]}
    )
    assert response.status_code == 302
    employer = EmployerOrganisation.objects.get(name="Bay Bakery")
    assert list(employer.users.all()) == [employer_user]


def test_the_employer_list_counts_active_releases_and_live_keys(
    admin, participant, employer_org, staff
):
    certificate = CertificateFactory(user=participant)
    CredentialReleaseFactory(participant=participant, employer=employer_org, certificates=[])
    CredentialReleaseFactory(
        participant=CertificateFactory().user,
        employer=employer_org,
        certificates=[],
        revoked_at=timezone.now(),
    )
    assert certificate
    employer_key_create(employer=employer_org, name="One", actor=staff)
    employer_key_create(employer=employer_org, name="Two", actor=staff)
    revoked, _raw = employer_key_create(employer=employer_org, name="Three", actor=staff)
    revoked.revoked_at = timezone.now()
    revoked.save()
    response = admin.get(reverse("partner_employers:index"))
    row = next(row for row in response.context["table"].rows if row.instance.pk == employer_org.pk)
    assert row.instance.active_releases == 1
    assert row.instance.live_keys == 2
    assert row.instance.web_users == 1


def test_an_employer_is_never_deleted(admin, employer_org):
    response = admin.post(reverse("partner_employers:delete", args=[employer_org.pk]))
    assert response.status_code == 302
    assert EmployerOrganisation.objects.filter(pk=employer_org.pk).exists()


# API keys -------------------------------------------------------------------------------------


def test_a_new_key_is_shown_once_on_its_own_page_and_stored_hashed(admin, employer_org, staff):
    response = admin.post(
        reverse("employer_api_keys:add"),
        {"employer": employer_org.pk, "name": "HR system", "scopes": ["credentials:read"]},
    )
    assert response.status_code == 200
    raw = response.context["raw_key"]
    assert raw.startswith("pwk_")
    page = response.content.decode()
    assert raw in page
    assert "This is the only time the key is shown" in page
    assert "no-store" in response["Cache-Control"]

    key = EmployerApiKey.objects.get()
    assert key.employer == employer_org
    assert key.created_by == staff
    assert key.scopes == ["credentials:read"]
    secret = raw.split("_")[2]
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(EmployerApiKey.objects.values().get())
    assert employer_key_authenticate(raw) == key

    # Not in messages, the session or the history; never again on any page.
    assert not [m for m in get_messages(response.wsgi_request) if raw in str(m)]
    assert raw not in str(dict(admin.session.items()))
    assert not [e for e in ModelLogEntry.objects.all() if secret in str(e.data) + e.label]
    for url in (
        reverse("employer_api_keys:index"),
        f"{reverse('employer_api_keys:index')}?employer={employer_org.pk}",
        reverse("employer_api_keys:add"),
        reverse("partner_employers:index"),
    ):
        later = admin.get(url).content.decode()
        assert secret not in later
    assert key.prefix in admin.get(reverse("employer_api_keys:index")).content.decode()


def test_a_key_needs_a_name(admin, employer_org):
    response = admin.post(
        reverse("employer_api_keys:add"),
        {"employer": employer_org.pk, "name": "", "scopes": ["credentials:read"]},
    )
    assert response.status_code == 200
    assert "raw_key" not in response.context
    assert not EmployerApiKey.objects.exists()


def test_the_new_key_form_starts_with_the_employer_chosen(admin, employer_org):
    response = admin.get(f"{reverse('employer_api_keys:add')}?employer={employer_org.pk}")
    assert response.context["form"].initial["employer"] == str(employer_org.pk)


def test_the_key_list_shows_prefix_name_scopes_use_and_status(admin, employer_key):
    key, _raw = employer_key
    page = admin.get(reverse("employer_api_keys:index")).content.decode()
    assert key.prefix in page
    assert "HR system" in page
    assert "credentials:read" in page
    assert "Live" in page
    assert reverse("employer_api_keys:revoke", args=[key.pk]) in page


def test_revoking_a_key_asks_first_then_stops_it_at_once(admin, employer_key):
    key, raw = employer_key
    confirm = admin.get(reverse("employer_api_keys:revoke", args=[key.pk]))
    assert "The key stops working at once" in confirm.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    response = admin.post(reverse("employer_api_keys:revoke", args=[key.pk]), {})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert employer_key_authenticate(raw) is None
    page = admin.get(reverse("employer_api_keys:index")).content.decode()
    assert "Revoked on" in page


# Releases -------------------------------------------------------------------------------------


def test_the_release_list_shows_participant_employer_status_and_method(admin, release, participant):
    paper = CredentialReleaseFactory(
        participant=participant,
        employer=EmployerOrganisationFactory(name="Bay Bakery"),
        certificates=[release.certificates.get()],
        method=ReleaseMethod.PAPER,
    )
    page = admin.get(reverse("credential_releases:index")).content.decode()
    assert "Maya" in page
    assert "Harbour Hotels" in page
    assert "Bay Bakery" in page
    assert "Customer Service Fundamentals" in page
    assert "Shared" in page
    assert "Given on paper, recorded by staff" in page
    assert reverse("credential_releases:inspect", args=[paper.pk]) in page


def test_the_release_list_filters_by_status_and_employer(admin, release, participant):
    stopped = CredentialReleaseFactory(
        participant=CertificateFactory().user,
        employer=EmployerOrganisationFactory(name="Bay Bakery"),
        certificates=[],
        revoked_at=timezone.now(),
    )
    url = reverse("credential_releases:index")
    revoked = admin.get(f"{url}?status=revoked").context["object_list"]
    assert [r.pk for r in revoked] == [stopped.pk]
    active = admin.get(f"{url}?status=active").context["object_list"]
    assert [r.pk for r in active] == [release.pk]
    by_employer = admin.get(f"{url}?employer={release.employer_id}").context["object_list"]
    assert [r.pk for r in by_employer] == [release.pk]


@pytest.mark.parametrize("number", [1, 50])
def test_the_release_list_runs_a_fixed_number_of_queries(
    admin, employer_org, number, django_assert_max_num_queries
):
    for _index in range(number):
        certificate = CertificateFactory()
        CredentialReleaseFactory(
            participant=certificate.user, employer=employer_org, certificates=[certificate]
        )
    url = reverse("credential_releases:index")
    admin.get(url)
    # 15 = the listing's 14 and the session's second-factor device, checked on every request.
    with django_assert_max_num_queries(15):
        response = admin.get(url)
    assert len(response.context["object_list"]) == number


def test_a_release_page_shows_the_consent_record(admin, release):
    page = admin.get(reverse("credential_releases:inspect", args=[release.pk])).content.decode()
    assert CONSENT_VERSION in page
    assert "Maya" in page
    assert "Signed online by the participant" in page
    assert "I choose to let Harbour Hotels see" in page
    assert reverse("credential_releases:record_revocation", args=[release.pk]) in page


def test_a_release_is_never_edited_or_deleted(admin, release):
    for name in ("edit", "delete"):
        response = admin.post(reverse(f"credential_releases:{name}", args=[release.pk]))
        assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_active


# Recording consent given on paper or orally ---------------------------------------------------


def _record_url(participant, employer) -> str:
    return (
        f"{reverse('credential_releases:add')}?participant={participant.pk}&employer={employer.pk}"
    )


def _record_data(certificates, **overrides) -> dict:
    data = {
        "certificates": [c.pk for c in certificates],
        "disclosed_fields": ["dates", "document"],
        "purpose": "A job application",
        "ends_on": default_end_date().isoformat(),
        "method": "paper",
        "signature": "Maya R.",
        "staff_note": "Signed form in her file",
    }
    data.update(overrides)
    return data


def test_recording_starts_by_choosing_the_participant_and_employer(
    admin, participant, mentor, certificate, employer_org
):
    response = admin.get(reverse("credential_releases:add"))
    page = response.content.decode()
    assert response.context["choose_participant"]
    assert participant.username in page
    assert mentor.username not in page
    assert "Harbour Hotels" in page
    page = admin.get(_record_url(mentor, employer_org)).content.decode()
    assert "Select a valid choice" in page


def test_step_two_offers_her_own_certificates_and_the_consent_naming_the_employer(
    admin, participant, other_participant, certificate, employer_org
):
    theirs = CertificateFactory(user=other_participant, printed_achievement="Forklift Safety")
    response = admin.get(_record_url(participant, employer_org))
    page = response.content.decode()
    assert "Customer Service Fundamentals" in page
    assert "Forklift Safety" not in page
    assert theirs.pk not in [c.pk for c in response.context["form"].fields["certificates"].queryset]
    assert "The consent text" in page
    assert "I choose to let Harbour Hotels see" in page


def test_staff_record_paper_consent_marked_with_method_and_recorder(
    admin, staff, participant, certificate, employer_org
):
    response = admin.post(_record_url(participant, employer_org), _record_data([certificate]))
    assert response.status_code == 302
    release = CredentialRelease.objects.get()
    assert response["Location"] == reverse("credential_releases:inspect", args=[release.pk])
    assert release.participant == participant
    assert release.method == ReleaseMethod.PAPER
    assert release.recorded_by == staff
    assert release.signature == "Maya R."
    assert release.staff_note == "Signed form in her file"
    assert release.consent_version == CONSENT_VERSION
    assert "Harbour Hotels" in release.consent_text
    assert release.disclosed_fields == ["dates", "document"]
    assert list(shared_credentials(employer=employer_org)) == list(
        release.released_certificates.all()
    )
    assert ModelLogEntry.objects.filter(action=RECORD_RELEASE_ACTION).count() == 1
    page = admin.get(reverse("credential_releases:index")).content.decode()
    assert "Given on paper, recorded by staff" in page


def test_staff_record_oral_consent(admin, staff, participant, certificate, employer_org):
    admin.post(
        _record_url(participant, employer_org),
        _record_data([certificate], method="oral", signature="Oral, by phone"),
    )
    release = CredentialRelease.objects.get()
    assert release.method == ReleaseMethod.ORAL
    assert release.recorded_by == staff


def test_recording_someone_elses_certificate_creates_nothing(
    admin, participant, other_participant, certificate, employer_org
):
    theirs = CertificateFactory(user=other_participant)
    response = admin.post(_record_url(participant, employer_org), _record_data([theirs]))
    assert response.status_code == 200
    assert not CredentialRelease.objects.exists()


def test_recording_for_longer_than_a_year_is_refused(admin, participant, certificate, employer_org):
    too_late = (timezone.localdate() + timezone.timedelta(days=366)).isoformat()
    response = admin.post(
        _record_url(participant, employer_org), _record_data([certificate], ends_on=too_late)
    )
    assert response.status_code == 200
    assert "Sharing can last up to 365 days" in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_staff_cannot_record_consent_as_signed_online(
    admin, participant, certificate, employer_org
):
    response = admin.post(
        _record_url(participant, employer_org), _record_data([certificate], method="online")
    )
    assert response.status_code == 200
    assert not CredentialRelease.objects.exists()


def test_recording_without_a_participant_creates_nothing(admin, certificate, employer_org):
    response = admin.post(reverse("credential_releases:add"), _record_data([certificate]))
    assert response.status_code == 200
    assert not CredentialRelease.objects.exists()


# Recording a request to stop sharing ----------------------------------------------------------


def test_staff_record_an_oral_request_to_stop_and_the_employer_sees_nothing(admin, staff, release):
    employer = release.employer
    url = reverse("credential_releases:record_revocation", args=[release.pk])
    response = admin.post(url, {"method": "oral", "note": "Asked by phone on Tuesday"})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.revoked_at is not None
    assert release.revoked_by == staff
    assert release.revocation_method == ReleaseMethod.ORAL
    assert release.revocation_note == "Asked by phone on Tuesday"
    assert not shared_credentials(employer=employer).exists()
    assert ModelLogEntry.objects.filter(action=RECORD_REVOCATION_ACTION).count() == 1
    page = admin.get(reverse("credential_releases:inspect", args=[release.pk])).content.decode()
    assert "Given orally, recorded by staff" in page


def test_a_request_to_stop_needs_a_note(admin, release):
    url = reverse("credential_releases:record_revocation", args=[release.pk])
    response = admin.post(url, {"method": "paper", "note": ""})
    assert response.status_code == 200
    release.refresh_from_db()
    assert release.revoked_at is None


def test_a_stopped_release_offers_no_second_stop(admin, release, staff):
    release.revoked_at = timezone.now()
    release.save()
    url = reverse("credential_releases:record_revocation", args=[release.pk])
    assert admin.get(url).status_code == 302
    page = admin.get(reverse("credential_releases:inspect", args=[release.pk])).content.decode()
    assert url not in page


# Employer access records ----------------------------------------------------------------------


def test_staff_see_access_records_and_filter_them(admin, release, employer_user, participant):
    other = CredentialReleaseFactory(
        participant=CertificateFactory().user,
        employer=EmployerOrganisationFactory(name="Bay Bakery"),
    )
    other_certificate = CertificateFactory(user=other.participant)
    other.released_certificates.create(certificate=other_certificate)
    access_record(
        shared=list(release.released_certificates.select_related("release")),
        channel=AccessChannel.WEB,
        employer_user=employer_user,
    )
    access_record(
        shared=list(other.released_certificates.select_related("release")),
        channel=AccessChannel.PDF,
    )
    url = reverse("credential_accesses:index")
    page = admin.get(url).content.decode()
    assert "Harbour Hotels" in page
    assert "Bay Bakery" in page
    assert "Employer web page" in page
    assert "PDF download" in page
    by_employer = admin.get(f"{url}?employer={release.employer_id}").context["object_list"]
    assert {a.employer_id for a in by_employer} == {release.employer_id}
    by_participant = admin.get(f"{url}?participant={participant.pk}").context["object_list"]
    assert {a.participant_id for a in by_participant} == {participant.pk}


def test_access_records_are_read_only(admin, release):
    response = admin.get(reverse("credential_accesses:add"))
    assert response.status_code == 302


@pytest.mark.parametrize("number", [1, 50])
def test_the_access_record_list_runs_a_fixed_number_of_queries(
    admin, release, employer_user, employer_key, number, django_assert_max_num_queries
):
    shared = list(release.released_certificates.select_related("release")) * number
    access_record(shared=shared, channel=AccessChannel.API, api_key=employer_key[0])
    access_record(shared=shared[:1], channel=AccessChannel.WEB, employer_user=employer_user)
    url = reverse("credential_accesses:index")
    admin.get(url)
    # 14 = the listing's 13 and the session's second-factor device, checked on every request.
    with django_assert_max_num_queries(14):
        response = admin.get(url)
    assert len(response.context["object_list"]) == min(number + 1, 50)


def test_an_active_release_page_never_shows_none(admin, release):
    from bs4 import BeautifulSoup

    response = admin.get(reverse("credential_releases:inspect", args=[release.pk]))
    assert response.status_code == 200
    main = BeautifulSoup(response.content.decode(), "html.parser").select_one("main")
    assert "None" not in main.get_text(" ", strip=True)
    values = {
        term.get_text(" ", strip=True): term.find_next_sibling("dd").get_text(" ", strip=True)
        for term in main.select("dl dt")
    }
    # Not stopped, not replaced: those fields say so with a dash rather than "None" or nothing.
    assert values["Stopped"] == values["Stopped by"] == values["Replaced by"] == "—"
    assert all(value for value in values.values()), values


def test_copy_the_key_is_a_labelled_button_with_a_spoken_status_and_no_inline_script(
    admin, employer_org
):
    from django.contrib.staticfiles import finders

    from bs4 import BeautifulSoup

    response = admin.post(
        reverse("employer_api_keys:add"),
        {"employer": employer_org.pk, "name": "HR system", "scopes": ["credentials:read"]},
    )
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    button = soup.select_one("main button#copy-key")
    assert button["type"] == "button"
    assert button.get_text(" ", strip=True) == "Copy the key"  # its accessible name
    field = soup.select_one(f"input#{button['data-copy-target']}")
    assert field["value"] == response.context["raw_key"]
    assert field["readonly"] is not None
    status = soup.select_one(f"#{button['data-copy-status']}")
    assert status["role"] == "status"
    assert status["aria-live"] == "polite"
    assert button["data-copied"].startswith("Copied")
    # The copying is done by a static file, so that no inline script is needed.
    scripts = [script.get("src", "") for script in soup.select("script")]
    assert any(src.endswith("employers/admin/copy-key.js") for src in scripts)
    assert not [s for s in soup.select("main script") if not s.get("src")]
    assert finders.find("employers/admin/copy-key.js")
