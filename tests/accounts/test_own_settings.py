"""Her settings: the language and the time zone she reads Pathways in. Dates follow her language
(British English on this site, never US formats) and times her zone, named on the page."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from tests.factories.accounts import EmployerUserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/settings/"


def saved(user) -> Profile:
    return Profile.objects.get(user_id=user.pk)


# The page -----------------------------------------------------------------------------------------


def test_the_settings_page_is_in_every_signed_in_footer(client, participant):
    client.force_login(participant)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert reverse("accounts:settings") == SETTINGS_URL
    assert f'href="{SETTINGS_URL}"' in html and "Your settings" in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_she_chooses_her_language_and_time_zone(client, participant):
    client.force_login(participant)
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="time_zone"' in html and 'name="preferred_language"' in html
    assert '<option value="Europe/London">Europe/London</option>' in html
    assert f"The site&#x27;s time zone ({settings.TIME_ZONE})" in html

    response = client.post(
        SETTINGS_URL, {"preferred_language": "es", "time_zone": "America/Los_Angeles"}
    )
    assert response.status_code == 302 and response["Location"] == SETTINGS_URL
    profile = saved(participant)
    assert (profile.preferred_language, profile.time_zone) == ("es", "America/Los_Angeles")
    # This browser follows her new language at once, even if she had used the footer's switch.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"

    after = client.get(SETTINGS_URL).content.decode()
    assert 'id="pathways-messages"' in after
    assert "Tu configuración quedó guardada." in after
    assert 'lang="es"' in after
    assert "America/Los_Angeles" in after


def test_blank_means_the_sites_own(client, participant):
    profile_update(participant, preferred_language="es", time_zone="Asia/Tokyo")
    client.force_login(participant)
    response = client.post(SETTINGS_URL, {"preferred_language": "", "time_zone": ""})
    assert response.status_code == 302
    profile = saved(participant)
    assert (profile.preferred_language, profile.time_zone) == ("", "")


def test_an_unknown_time_zone_is_refused_with_the_error_summary(client, participant):
    client.force_login(participant)
    response = client.post(SETTINGS_URL, {"preferred_language": "", "time_zone": "Mars/Base"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#id_time_zone"' in html
    assert saved(participant).time_zone == ""


def test_someone_without_a_profile_gets_one_when_she_saves(client):
    user = get_user_model().objects.create_user("host.person", password="x" * 20)
    client.force_login(user)
    assert client.get(SETTINGS_URL).status_code == 200
    client.post(SETTINGS_URL, {"preferred_language": "", "time_zone": "Europe/Madrid"})
    assert saved(user).time_zone == "Europe/Madrid"


def test_an_employer_has_settings_too_without_the_safety_controls(client, employer_org):
    user = employer_org.users.first()
    client.force_login(user)
    html = client.get(SETTINGS_URL).content.decode()
    assert "Your settings" in html
    assert "/safety/exit/" not in html


def test_the_profile_refuses_an_unknown_time_zone():
    user = EmployerUserFactory()
    profile = Profile.objects.get(user=user)
    profile.time_zone = "Europe/Atlantis"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "time_zone" in refused.value.message_dict
    profile.time_zone = "Europe/Lisbon"
    profile.full_clean()


# Her time zone on Pathways' pages ----------------------------------------------------------------


def _seen_by_employer(participant, when):
    from pathways.certificates.sharing.models import AccessChannel, CredentialAccess
    from tests.factories.certificates import (
        CertificateFactory,
        CredentialReleaseFactory,
        EmployerOrganisationFactory,
    )

    employer = EmployerOrganisationFactory(name="Harbour Hotels")
    certificate = CertificateFactory(user=participant)
    release = CredentialReleaseFactory(
        participant=participant, employer=employer, certificates=[certificate]
    )
    access = CredentialAccess.objects.create(
        participant=participant,
        release=release,
        certificate=certificate,
        employer=employer,
        channel=AccessChannel.WEB,
        disclosed_fields=["name", "title"],
    )
    CredentialAccess.objects.filter(pk=access.pk).update(accessed_at=when)


def test_times_are_shown_in_her_zone_and_the_zone_is_named(client, participant, settings):
    settings.TIME_ZONE = "UTC"
    when = datetime(2026, 3, 14, 21, 30, tzinfo=ZoneInfo("UTC"))
    _seen_by_employer(participant, when)
    client.force_login(participant)

    in_utc = client.get(reverse("sharing:seen")).content.decode()
    assert "Times are in UTC." in in_utc
    assert "14 March 2026, 21:30" in in_utc

    profile_update(participant, time_zone="Asia/Tokyo")
    in_tokyo = client.get(reverse("sharing:seen")).content.decode()
    assert "Times are in Asia/Tokyo." in in_tokyo
    assert "15 March 2026, 06:30" in in_tokyo
    assert in_tokyo.count("Asia/Tokyo") == 1  # named once
    # Only for that request: the thread goes back to the site's zone.
    assert timezone.get_current_timezone_name() == "UTC"


def test_spanish_dates_are_spanish_and_british_english_dates_are_not_us(
    client, participant, settings
):
    settings.TIME_ZONE = "UTC"
    _seen_by_employer(participant, datetime(2026, 3, 14, 9, 5, tzinfo=ZoneInfo("UTC")))
    client.force_login(participant)
    english = client.get(reverse("sharing:seen")).content.decode()
    assert "14 March 2026, 09:05" in english
    assert "March 14, 2026" not in english and "a.m." not in english

    profile_update(participant, preferred_language="es")
    spanish = client.get(reverse("sharing:seen")).content.decode()
    assert "14 de marzo de 2026" in spanish


def test_the_admin_user_form_edits_her_time_zone(participant):
    from django.test import Client

    from tests.accounts.test_user_admin import form_data
    from tests.factories.accounts import StaffFactory
    from tests.security.support import with_second_factor

    staff = with_second_factor(StaffFactory())
    client = Client()
    client.force_login(staff)
    url = reverse("wagtailusers_users:edit", args=[participant.pk])
    assert 'name="time_zone"' in client.get(url).content.decode()
    response = client.post(url, form_data(participant, time_zone="Europe/Dublin"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved(participant).time_zone == "Europe/Dublin"
