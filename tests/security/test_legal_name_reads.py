"""Staff reads of a legal name are recorded: who, whose, when and where, never the name."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import NameChoice
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.security.models import LegalNameRead
from tests.factories.accounts import ParticipantFactory, UserFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

LEGAL = "Rosa María Pérez"
User = get_user_model()


def _edit(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


@pytest.fixture
def rosa(db):
    return ParticipantFactory(username="rosa", chosen_name="Rosa", legal_name=LEGAL)


@pytest.fixture
def superuser(db):
    return with_second_factor(UserFactory(username="root", is_superuser=True, is_staff=True))


@pytest.fixture
def caseworker(staff):
    staff.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=User._meta.app_label, codename=f"change_{User._meta.model_name}"
        )
    )
    return staff


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("reader", ["superuser", "caseworker"])
def test_opening_a_participants_page_records_one_read_without_the_name(request, reader, rosa):
    reader = request.getfixturevalue(reader)
    response = _client(reader).get(_edit(rosa))
    assert response.status_code == 200
    assert LEGAL in response.content.decode()  # the page does show it...
    read = LegalNameRead.objects.get()  # ...and exactly one record says so
    assert read.reader == reader and read.subject == rosa
    assert read.path == _edit(rosa)
    assert read.view_name == "wagtailusers_users:edit"
    assert abs((timezone.now() - read.read_at).total_seconds()) < 60
    stored = [str(value) for value in LegalNameRead.objects.values().get().values()]
    assert not any("Rosa María" in value or "Pérez" in value for value in stored)


def test_each_opening_is_a_read(superuser, rosa):
    client = _client(superuser)
    client.get(_edit(rosa))
    client.get(_edit(rosa))
    assert LegalNameRead.objects.count() == 2


def test_a_page_with_a_form_error_shown_again_is_a_read(superuser, rosa):
    response = _client(superuser).post(
        _edit(rosa), {"username": "rosa", "chosen_name": "", "legal_name": LEGAL}
    )
    assert response.status_code == 200  # the form came back with "chosen name is required"
    assert LegalNameRead.objects.count() == 1


def test_no_record_when_there_is_no_legal_name_or_it_is_ones_own(superuser):
    nameless = ParticipantFactory(legal_name="")
    client = _client(superuser)
    client.get(_edit(nameless))
    profile_update(superuser, legal_name="Root Person")
    client.get(_edit(superuser))
    host_user = User.objects.create_user("host-user", password="x")  # no profile, no legal name
    client.get(_edit(host_user))
    assert not LegalNameRead.objects.exists()


def test_nobody_else_reaches_the_page_or_makes_a_record(rosa, participant, mentor):
    for user in (participant, mentor):
        response = _client(user).get(_edit(rosa))
        assert response.status_code == 302
    assert not LegalNameRead.objects.exists()


def test_staff_read_the_audit_listing_without_legal_names(superuser, staff, rosa):
    _client(superuser).get(_edit(rosa))
    index = reverse("legal_name_reads:index")
    for reader in (superuser, staff):
        response = _client(reader).get(index)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Rosa (rosa)" in html and "root" in html
        assert LEGAL not in html
        assert reverse("legal_name_reads:index") + "add/" not in html


def test_participants_and_facilitators_cannot_read_the_audit(participant, facilitator):
    index = reverse("legal_name_reads:index")
    assert _client(participant).get(index).status_code == 302
    assert _client(facilitator).get(index).status_code in (302, 403)


def test_the_audit_cannot_be_changed_in_the_admin(superuser, rosa):
    _client(superuser).get(_edit(rosa))
    read = LegalNameRead.objects.get()
    client = _client(superuser)
    for suffix in (f"edit/{read.pk}/", f"delete/{read.pk}/", "add/"):
        assert client.get(reverse("legal_name_reads:index") + suffix).status_code == 404
    assert LegalNameRead.objects.count() == 1


def test_the_certificate_admin_never_shows_a_legal_name_so_reads_nothing(superuser, rosa):
    course = build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)
    CertificateTemplateFactory(courses=[course])
    Enrolment.objects.create(
        user=rosa, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )
    certificate = services.certificate_issue(user=rosa, course=course)
    certificate = services.certificate_set_name_choice(
        certificate=certificate, user=rosa, name_choice=NameChoice.LEGAL
    )
    assert certificate.printed_name == LEGAL
    client = _client(superuser)
    for url in (
        reverse("certificates_admin:index"),
        reverse("certificates_admin:inspect", args=[certificate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert LEGAL not in response.content.decode()
    assert not LegalNameRead.objects.exists()


def test_a_persons_page_lays_out_the_profile_fields_and_saves_them(superuser, rosa):
    client = _client(superuser)
    html = client.get(_edit(rosa)).content.decode()
    for field in ("chosen_name", "legal_name", "peer_alias", "safe_contact_channels"):
        assert f'name="{field}"' in html
    assert 'name="first_name"' not in html and ">None<" not in html
    response = client.post(
        _edit(rosa),
        {
            "username": "rosa",
            "email": "",
            "chosen_name": "Rosa",
            "legal_name": "Rosa M. Pérez",
            "peer_alias": "Sunrise",
            "preferred_language": "es",
            "safe_contact_channels": ["in_person"],
            "is_active": "on",
            "groups": [group.pk for group in rosa.groups.all()],
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=rosa)
    assert (profile.legal_name, profile.peer_alias, profile.safe_contact_channels) == (
        "Rosa M. Pérez",
        "Sunrise",
        ["in_person"],
    )
