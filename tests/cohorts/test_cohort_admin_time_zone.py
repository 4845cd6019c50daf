"""The cohort form in the admin offers time zones as a searchable choice: a text field with every
zone as a suggestion (``<datalist>``), that understands a zone typed loosely and refuses one that
does not exist."""

import zoneinfo
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from pathways.cohorts.admin import matching_time_zone
from pathways.cohorts.models import Cohort

pytestmark = pytest.mark.django_db


def _cohort_form(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "name": "Autumn Cohort",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=30)).isoformat(),
        "time_zone": "UTC",
        "capacity": "12",
        "mode": "online",
        "status": "planned",
        "cohort_courses-TOTAL_FORMS": "0",
        "cohort_courses-INITIAL_FORMS": "0",
        "cohort_courses-MIN_NUM_FORMS": "0",
        "cohort_courses-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_the_time_zone_field_suggests_every_zone_sorted(client, staff):
    client.force_login(staff)
    soup = BeautifulSoup(client.get(reverse("cohorts_admin:add")).content.decode(), "html.parser")
    field = soup.select_one("input[name=time_zone]")
    assert field["type"] == "text"
    suggestions = soup.select_one(f"datalist#{field['list']}")
    zones = [option["value"] for option in suggestions.select("option")]
    assert zones[0] == "UTC"
    assert zones[1:] == sorted(zones[1:])
    assert {"Europe/Madrid", "America/Los_Angeles", "Africa/Addis_Ababa"} <= set(zones)
    # Every zone someone would choose by place is offered.
    places = {
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    }
    assert places <= set(zones)
    # Its label and its hint are there, so it is not a bare box.
    label = soup.select_one(f"label[for={field['id']}]")
    assert "time zone" in label.get_text().lower()
    assert "Start typing a city or region" in soup.get_text()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("America/Los_Angeles", "America/Los_Angeles"),
        ("america/los angeles", "America/Los_Angeles"),
        ("  Europe/Madrid ", "Europe/Madrid"),
        ("madrid", "Europe/Madrid"),
    ],
)
def test_a_zone_typed_loosely_is_saved_by_its_name(client, staff, typed, stored):
    client.force_login(staff)
    response = client.post(reverse("cohorts_admin:add"), _cohort_form(time_zone=typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Cohort.objects.get(name="Autumn Cohort").time_zone == stored


def test_a_zone_that_does_not_exist_is_refused_with_a_message(client, staff):
    client.force_login(staff)
    response = client.post(reverse("cohorts_admin:add"), _cohort_form(time_zone="Mars/Olympus"))
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    assert not Cohort.objects.exists()


def test_a_place_named_by_two_zones_is_not_guessed():
    # America/Indianapolis and America/Indiana/Indianapolis: the model's validator refuses it.
    assert matching_time_zone("indianapolis") == "indianapolis"
    assert matching_time_zone("Nowhere") == "Nowhere"
    assert matching_time_zone("utc") == "UTC"
