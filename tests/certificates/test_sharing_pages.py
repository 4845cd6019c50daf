"""A participant's sharing pages: what she shares now, a new release, stopping in one step,
renewing, and who has seen her certificates.

Only participants reach them; anyone else signed in gets 404 and someone signed out is sent to
sign in. Every refusal of the service leaves nothing behind.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialAccess,
    CredentialRelease,
    ReleaseMethod,
)
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.certificates.sharing.services import (
    access_record,
    default_end_date,
    latest_end_date,
    release_create,
)
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(participant):
    return CertificateFactory(user=participant, printed_achievement="Customer Service Fundamentals")


@pytest.fixture
def release(participant, employer_org, certificate):
    return CredentialReleaseFactory(
        participant=participant,
        employer=employer_org,
        certificates=[certificate],
        disclosed_fields=["dates"],
        purpose="A job application",
    )


def share_url(employer=None, renew=None) -> str:
    url = reverse("sharing:share")
    query = []
    if employer is not None:
        query.append(f"employer={employer.pk}")
    if renew is not None:
        query.append(f"renew={renew.pk}")
    return f"{url}?{'&'.join(query)}" if query else url


def form_data(certificates, **overrides) -> dict:
    data = {
        "certificates": [c.pk for c in certificates],
        "disclosed_fields": ["dates", "skills"],
        "purpose": "job_application",
        "purpose_other": "",
        "ends_on": default_end_date().isoformat(),
        "signature": "Maya",
        "consent_version": CONSENT_VERSION,
    }
    data.update(overrides)
    return data


# Who may reach what ---------------------------------------------------------------------------

ROLES = ["anonymous", "owner", "other_participant", "mentor", "facilitator", "staff"]
ROLES += ["employer_user"]


def _client_for(client, request, role, owner):
    if role == "owner":
        client.force_login(owner)
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("page", ["list", "share", "seen"])
@pytest.mark.parametrize("role", ROLES)
def test_only_participants_reach_the_sharing_pages(client, request, release, role, page):
    client = _client_for(client, request, role, release.participant)
    response = client.get(reverse(f"sharing:{page}"))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in ("owner", "other_participant"):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    elif role == "employer_user":  # an employer's account has no learner pages: her portal
        assert response.status_code == 302
        assert response["Location"] == reverse("employer:credentials")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_she_can_stop_her_sharing(client, request, release, role):
    client = _client_for(client, request, role, release.participant)
    response = client.post(reverse("sharing:stop", args=[release.pk]))
    release.refresh_from_db()
    if role == "owner":
        assert response.status_code == 302
        assert release.revoked_at is not None
        return
    assert response.status_code == (302 if role in ("anonymous", "employer_user") else 404)
    assert release.revoked_at is None


@pytest.mark.parametrize("role", ["other_participant", "mentor", "staff", "employer_user"])
def test_nobody_else_can_sign_a_release_for_her(client, request, certificate, employer_org, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(share_url(employer_org), form_data([certificate]))
    # An employer's account is sent to her portal (302) before the form is read.
    assert response.status_code in (400, 404) or (
        role == "employer_user" and response.status_code == 302
    )
    assert not CredentialRelease.objects.exists()


def test_her_sharing_lists_only_her_own_releases(signed_in, release, other_participant):
    page = signed_in(other_participant).get(reverse("sharing:list")).content.decode()
    assert release.employer.name not in page
    assert "You are not sharing your certificates with any employer." in page


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_employer_certificates_details_end_date_and_actions(signed_in, release):
    page = signed_in(release.participant).get(reverse("sharing:list")).content.decode()
    assert "Harbour Hotels" in page
    assert "Customer Service Fundamentals" in page
    assert "name as printed, title, dates" in page
    assert timezone.localtime(release.expires_at).strftime("%Y") in page
    assert "Shared" in page
    assert reverse("sharing:stop", args=[release.pk]) in page
    assert f"employer={release.employer_id}&amp;renew={release.pk}" in page


def test_past_releases_are_listed_apart_with_how_they_ended(signed_in, participant, release):
    release.revoked_at = timezone.now()
    release.save()
    page = signed_in(participant).get(reverse("sharing:list")).content.decode()
    assert "You are not sharing your certificates with any employer." in page
    assert "Sharing that has ended" in page
    assert "Stopped on" in page
    assert reverse("sharing:stop", args=[release.pk]) not in page


def test_a_release_staff_recorded_from_paper_is_marked_so(signed_in, participant, release):
    CredentialRelease.objects.filter(pk=release.pk).update(method=ReleaseMethod.PAPER)
    page = signed_in(participant).get(reverse("sharing:list")).content.decode()
    assert "Given on paper, recorded by staff" in page


def test_my_certificates_links_to_the_sharing_pages(signed_in, participant):
    page = signed_in(participant).get(reverse("certificates:mine")).content.decode()
    assert reverse("sharing:list") in page
    assert reverse("sharing:seen") in page


def test_my_certificates_has_no_sharing_links_for_someone_not_a_participant(signed_in, mentor):
    page = signed_in(mentor).get(reverse("certificates:mine")).content.decode()
    assert reverse("sharing:list") not in page


# Sharing: a new release -----------------------------------------------------------------------


def test_step_one_asks_for_the_employer(signed_in, participant, certificate, employer_org):
    page = signed_in(participant).get(share_url()).content.decode()
    assert "Which employer?" in page
    assert f'<option value="{employer_org.pk}">Harbour Hotels</option>' in page
    assert "Sign and share" not in page


def test_step_one_says_so_when_she_has_nothing_to_share(signed_in, participant, employer_org):
    page = signed_in(participant).get(share_url()).content.decode()
    assert "You have no certificates to share yet." in page


def test_an_unknown_employer_goes_back_to_step_one(
    signed_in, participant, certificate, employer_org
):
    response = signed_in(participant).get(f"{reverse('sharing:share')}?employer=999999")
    page = response.content.decode()
    assert "Choose an employer from the list." in page
    assert "Sign and share" not in page


def test_step_two_shows_the_consent_text_naming_the_employer_and_the_defaults(
    signed_in, participant, certificate, employer_org
):
    page = signed_in(participant).get(share_url(employer_org)).content.decode()
    assert "Share with Harbour Hotels" in page
    first_paragraph = consent_text(employer_name="Harbour Hotels").split("\n\n")[0]
    assert first_paragraph in page
    assert f'value="{default_end_date().isoformat()}"' in page
    assert f'max="{latest_end_date().isoformat()}"' in page
    assert f'min="{timezone.localdate().isoformat()}"' in page
    assert "Type your name as it is on your account: Maya." in page
    assert f'value="{CONSENT_VERSION}"' in page
    assert "Customer Service Fundamentals" in page
    assert "your name as it is printed on each certificate" in page


def test_signing_creates_a_release_with_the_consent_text_and_version_stored(
    signed_in, participant, certificate, employer_org
):
    client = signed_in(participant)
    response = client.post(share_url(employer_org), form_data([certificate]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:list")
    release = CredentialRelease.objects.get()
    assert release.participant == participant
    assert release.employer == employer_org
    assert list(release.certificates.all()) == [certificate]
    assert release.disclosed_fields == ["dates", "skills"]
    assert release.purpose == "A job application"
    assert release.consent_version == CONSENT_VERSION
    assert release.consent_text == consent_text(employer_name="Harbour Hotels")
    assert release.signature == "Maya"
    assert release.method == ReleaseMethod.ONLINE
    assert release.recorded_by is None
    page = client.get(response["Location"]).content.decode()
    assert "You are sharing with Harbour Hotels until" in page
    assert list(shared_credentials(employer=employer_org)) == list(
        release.released_certificates.all()
    )


def test_the_default_end_date_is_90_days_away(signed_in, participant, certificate, employer_org):
    signed_in(participant).post(share_url(employer_org), form_data([certificate]))
    release = CredentialRelease.objects.get()
    last = (timezone.localtime(release.expires_at) - timedelta(microseconds=1)).date()
    assert last == timezone.localdate() + timedelta(days=90)


def test_sharing_for_longer_than_a_year_is_refused_and_nothing_is_created(
    signed_in, participant, certificate, employer_org
):
    too_late = (timezone.localdate() + timedelta(days=366)).isoformat()
    response = signed_in(participant).post(
        share_url(employer_org), form_data([certificate], ends_on=too_late)
    )
    assert response.status_code == 400
    assert "Sharing can last up to 365 days" in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_a_signature_that_is_not_her_name_is_refused(
    signed_in, participant, certificate, employer_org
):
    response = signed_in(participant).post(
        share_url(employer_org), form_data([certificate], signature="Somebody Else")
    )
    assert response.status_code == 400
    assert "To sign, type your name as it is on your account: Maya." in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_someone_elses_certificate_cannot_be_shared(
    signed_in, participant, other_participant, certificate, employer_org
):
    theirs = CertificateFactory(user=other_participant)
    response = signed_in(participant).post(
        share_url(employer_org), form_data([certificate, theirs])
    )
    assert response.status_code == 400
    assert "You can only share your own current certificates." in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_a_revoked_certificate_cannot_be_shared(signed_in, participant, certificate, employer_org):
    certificate.revoked_at = timezone.now()
    certificate.save()
    response = signed_in(participant).post(share_url(employer_org), form_data([certificate]))
    assert response.status_code == 400
    assert not CredentialRelease.objects.exists()


def test_she_must_choose_a_certificate(signed_in, participant, certificate, employer_org):
    response = signed_in(participant).post(share_url(employer_org), form_data([]))
    assert response.status_code == 400
    assert "Choose at least one certificate to share." in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_another_purpose_is_stored_in_her_words_and_required(
    signed_in, participant, certificate, employer_org
):
    client = signed_in(participant)
    response = client.post(share_url(employer_org), form_data([certificate], purpose="other"))
    assert response.status_code == 400
    assert "Tell us why in a few words." in response.content.decode()
    assert not CredentialRelease.objects.exists()
    client.post(
        share_url(employer_org),
        form_data([certificate], purpose="other", purpose_other="  A volunteering role  "),
    )
    assert CredentialRelease.objects.get().purpose == "A volunteering role"


def test_a_changed_consent_text_must_be_read_again(
    signed_in, participant, certificate, employer_org
):
    response = signed_in(participant).post(
        share_url(employer_org), form_data([certificate], consent_version="2001-01")
    )
    assert response.status_code == 400
    assert "The consent text has changed" in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_a_bad_employer_on_sending_creates_nothing(signed_in, participant, certificate):
    response = signed_in(participant).post(
        f"{reverse('sharing:share')}?employer=999999", form_data([certificate])
    )
    assert response.status_code == 400
    assert not CredentialRelease.objects.exists()


# Renewing -------------------------------------------------------------------------------------


def test_renew_opens_the_form_with_her_earlier_choices(signed_in, participant, release):
    page = signed_in(participant).get(share_url(release.employer, release)).content.decode()
    certificate = release.certificates.get()
    assert f'value="{certificate.pk}" id="id_certificates_0" checked' in page
    assert 'value="dates" id="id_disclosed_fields_0" checked' in page
    assert 'value="skills" id="id_disclosed_fields_2" checked' not in page
    assert "it replaces what you shared with them before" in page


def test_renewing_supersedes_the_earlier_release(signed_in, participant, release):
    certificate = release.certificates.get()
    response = signed_in(participant).post(
        share_url(release.employer, release), form_data([certificate])
    )
    assert response.status_code == 302
    release.refresh_from_db()
    new = CredentialRelease.objects.exclude(pk=release.pk).get()
    assert release.superseded_by == new
    assert release.superseded_at is not None
    assert new.is_active
    shared = shared_credentials(employer=release.employer)
    assert [item.release_id for item in shared] == [new.pk]


def test_she_cannot_renew_someone_elses_release(signed_in, other_participant, release):
    response = signed_in(other_participant).get(share_url(release.employer, release))
    assert response.status_code == 404


# Stopping -------------------------------------------------------------------------------------


def test_one_post_stops_sharing_and_the_employer_sees_nothing_next(signed_in, participant, release):
    employer = release.employer
    assert shared_credentials(employer=employer).exists()
    client = signed_in(participant)
    response = client.post(reverse("sharing:stop", args=[release.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sharing:list")
    release.refresh_from_db()
    assert release.revoked_at is not None
    assert release.revoked_by == participant
    assert release.revocation_method == ReleaseMethod.ONLINE
    assert not shared_credentials(employer=employer).exists()
    page = client.get(response["Location"]).content.decode()
    assert "You stopped sharing with Harbour Hotels" in page


def test_stopping_twice_changes_nothing(signed_in, participant, release):
    client = signed_in(participant)
    client.post(reverse("sharing:stop", args=[release.pk]))
    release.refresh_from_db()
    stopped_at = release.revoked_at
    response = client.post(reverse("sharing:stop", args=[release.pk]), follow=True)
    release.refresh_from_db()
    assert release.revoked_at == stopped_at
    assert "had already ended" in response.content.decode()


def test_stopping_needs_a_post(signed_in, participant, release):
    response = signed_in(participant).get(reverse("sharing:stop", args=[release.pk]))
    assert response.status_code == 405
    release.refresh_from_db()
    assert release.revoked_at is None


# Who has seen my certificates -----------------------------------------------------------------


def _accesses(release, number: int, channel=AccessChannel.WEB, **kwargs):
    shared = list(release.released_certificates.select_related("release")) * number
    return access_record(shared=shared[:number], channel=channel, **kwargs)


def test_the_log_shows_employer_certificate_details_channel_and_time(
    signed_in, participant, release, employer_user, employer_key
):
    _accesses(release, 1, employer_user=employer_user)
    _accesses(release, 1, channel=AccessChannel.PDF)
    key, _raw = employer_key
    _accesses(release, 1, channel=AccessChannel.API, api_key=key)
    page = signed_in(participant).get(reverse("sharing:seen")).content.decode()
    assert page.count('class="card access-card"') == 3
    assert "Harbour Hotels" in page
    assert "Customer Service Fundamentals" in page
    assert "Employer web page" in page
    assert "PDF download" in page
    assert "Employer system (API)" in page
    assert "HR system" in page
    assert employer_user.pathways_profile.chosen_name in page
    assert "name as printed, title, what you achieved, issuer, whether it is valid, dates" in page
    assert "the certificate itself" in page


def test_the_log_shows_only_her_own_records(signed_in, release, other_participant):
    _accesses(release, 2)
    page = signed_in(other_participant).get(reverse("sharing:seen")).content.decode()
    assert "Harbour Hotels" not in page
    assert "No employer has seen your certificates yet." in page


@pytest.mark.parametrize("number", [1, 50])
def test_the_log_runs_a_fixed_number_of_queries(
    signed_in,
    participant,
    release,
    employer_user,
    employer_key,
    number,
    django_assert_max_num_queries,
):
    key, _raw = employer_key
    _accesses(release, number, employer_user=employer_user, api_key=key)
    client = signed_in(participant)
    client.get(reverse("sharing:seen"))
    # (6: one is the navigation's count of unread notices.)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("sharing:seen"))
    assert response.content.decode().count('class="card access-card"') == number


def test_the_log_is_paged_fifty_at_a_time(signed_in, participant, release):
    _accesses(release, 51)
    client = signed_in(participant)
    first = client.get(reverse("sharing:seen")).content.decode()
    assert first.count('class="card access-card"') == 50
    assert "Page 1 of 2" in first
    second = client.get(reverse("sharing:seen") + "?page=2").content.decode()
    assert second.count('class="card access-card"') == 1
    assert CredentialAccess.objects.count() == 51


@pytest.mark.parametrize("number", [1, 50])
def test_the_sharing_list_runs_a_fixed_number_of_queries(
    signed_in, participant, number, django_assert_max_num_queries
):
    for index in range(number):
        employer = EmployerOrganisationFactory()
        certificate = CertificateFactory(user=participant)
        release_create(
            participant=participant,
            employer=employer,
            certificates=[certificate],
            disclosed_fields=[],
            purpose=f"Job {index}",
            ends_on=None,
            signature="Maya",
            actor=participant,
        )
    client = signed_in(participant)
    client.get(reverse("sharing:list"))
    # (6: one is the navigation's count of unread notices.)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("sharing:list"))
    assert response.content.decode().count("release-card") == number


def test_without_a_certificate_to_share_the_form_is_not_offered(
    signed_in, participant, employer_org
):
    page = signed_in(participant).get(share_url(employer_org)).content.decode()
    assert "You have no certificates to share yet." in page
    assert "Sign and share" not in page
