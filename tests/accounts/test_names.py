"""Names carry no hidden direction or control characters, are stored in Unicode normal form C,
and are kept apart from the text around them (``<bdi>``) wherever a page shows them."""

import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from pathways.certificates.sharing.consent import CONSENT_VERSION
from pathways.certificates.sharing.models import CredentialRelease
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import PersonNameValidator, normalise_name
from tests.factories.accounts import ParticipantFactory, UserFactory
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Maya\u202eztirf" shows as "Mayafritz"
NFD_MARIA = unicodedata.normalize("NFD", "María")
HIDDEN = [
    "\u202e",  # right-to-left override
    "\u202a",  # left-to-right embedding
    "\u2067",  # right-to-left isolate
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\x00",  # a control character
    "\x1b",
    "\u2028",  # line separator
]


@pytest.mark.parametrize("character", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
@pytest.mark.parametrize("field", ["chosen_name", "legal_name", "peer_alias"])
def test_hidden_characters_are_refused_in_every_name(field, character):
    user = UserFactory.build(**{field: f"Maya{character}ztirf"})
    with pytest.raises(ValidationError) as refused:
        user.pathways_profile.full_clean(exclude=["user"])
    assert field in refused.value.message_dict
    assert "hidden formatting character" in refused.value.message_dict[field][0]


def test_joiners_that_scripts_need_are_allowed():
    # Persian uses the zero-width non-joiner inside words; Indic scripts use the joiner.
    PersonNameValidator()("\u0641\u0627\u0637\u0645\u0647\u200c\u0632\u0647\u0631\u0627")
    PersonNameValidator()("\u0915\u094d\u200d\u0937")


def test_names_are_stored_in_normal_form_c_by_every_save():
    user = UserFactory(chosen_name=NFD_MARIA, legal_name=NFD_MARIA, peer_alias=NFD_MARIA)
    profile = Profile.objects.get(user=user)
    assert profile.chosen_name == profile.legal_name == profile.peer_alias == "María"
    assert unicodedata.is_normalized("NFC", profile.chosen_name)
    assert get_user_model().objects.filter(pathways_profile__chosen_name="María").exists()


def test_normalising_leaves_other_values_alone():
    assert normalise_name(None) is None
    assert normalise_name("") == ""


# Through the admin and the API ----------------------------------------------------------------


@pytest.fixture
def maya(db):
    return ParticipantFactory(username="maya", chosen_name="Maya", email="")


def _edit(staff, person, **changes):
    client = Client()
    client.force_login(staff)
    data = {
        "username": person.username,
        "chosen_name": person.pathways_profile.chosen_name,
        "preferred_language": "en",
        "is_active": "on",
        "groups": [group.pk for group in person.groups.all()],
        **changes,
    }
    return client.post(reverse("wagtailusers_users:edit", args=[person.pk]), data)


def test_the_admin_refuses_a_name_with_a_direction_override(staff, maya):
    response = _edit(staff, maya, chosen_name=f"Maya{RLO}ztirf")
    assert response.status_code == 200
    assert "hidden formatting character" in response.content.decode()
    assert Profile.objects.get(user=maya).chosen_name == "Maya"


def test_the_admin_stores_a_decomposed_name_composed(staff, maya):
    response = _edit(staff, maya, chosen_name=NFD_MARIA, legal_name=NFD_MARIA)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(user=maya)
    assert profile.chosen_name == profile.legal_name == "María"


def _account_page(client, **changes):
    """Wagtail's account page posted with its own name panel filled in."""
    data = {
        "name_email-first_name": "Jo",
        "name_email-last_name": "Smith",
        "name_email-email": "jo@example.org",
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
        **changes,
    }
    return client.post(reverse("wagtailadmin_account"), data)


def test_her_own_account_page_in_the_admin_refuses_a_direction_override(staff):
    """The name Pathways calls her by is on her account page, with the same rule. (Wagtail's own
    first and last names there belong to the user model: Pathways never shows them.)"""
    before = staff.pathways_profile.chosen_name
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="pathways_name-chosen_name"' in html
    response = _account_page(client, **{"pathways_name-chosen_name": f"Jo{RLO}ztirf"})
    assert response.status_code == 200
    assert "hidden formatting character" in response.content.decode()
    assert Profile.objects.get(user=staff).chosen_name == before


def test_her_own_account_page_saves_her_chosen_name_composed(staff):
    client = Client()
    client.force_login(staff)
    response = _account_page(client, **{"pathways_name-chosen_name": f" {NFD_MARIA} "})
    assert response.status_code == 302
    assert Profile.objects.get(user=staff).chosen_name == "María"


def test_a_host_superuser_without_a_profile_gets_one_when_she_gives_her_name():
    root = with_second_factor(
        get_user_model().objects.create_superuser("root", password="x", email="r@example.org")
    )
    client = Client()
    client.force_login(root)
    assert client.get(reverse("wagtailadmin_account")).status_code == 200
    assert not Profile.objects.filter(user=root).exists()  # showing the page made none
    _account_page(client, **{"pathways_name-chosen_name": ""})
    assert not Profile.objects.filter(user=root).exists()  # nor did saving it unchanged
    response = _account_page(client, **{"pathways_name-chosen_name": "Robin"})
    assert response.status_code == 302
    assert Profile.objects.get(user=root).chosen_name == "Robin"


def _sign(participant, signature):
    client = APIClient()
    client.force_authenticate(participant)
    from tests.factories.certificates import EmployerOrganisationFactory

    employer = EmployerOrganisationFactory()
    return client.post(
        reverse("api:my-release-list"),
        {
            "employer": employer.pk,
            "certificates": [CertificateFactory(user=participant).pk],
            "disclose": [],
            "purpose": "A job application",
            "signature": signature,
            "consent_version": CONSENT_VERSION,
        },
        format="json",
    )


def test_the_api_refuses_a_typed_name_with_a_direction_override():
    rosa = ParticipantFactory(chosen_name="María")
    response = _sign(rosa, f"Mar{RLO}aí")
    assert response.status_code == 400
    assert "hidden formatting character" in response.content.decode()
    assert not CredentialRelease.objects.exists()


def test_the_api_accepts_her_name_typed_decomposed_and_keeps_it_composed():
    rosa = ParticipantFactory(chosen_name="María")
    response = _sign(rosa, NFD_MARIA)
    assert response.status_code == 201, response.content
    assert CredentialRelease.objects.get().signature == "María"


# In pages -------------------------------------------------------------------------------------


def test_the_verify_page_isolates_the_name(client):
    certificate = CertificateFactory(printed_name="مريم")
    html = client.get(reverse("verify:code", args=[certificate.verification_code]))
    assert "<bdi>مريم</bdi>" in html.content.decode()


def test_her_dashboard_isolates_her_name(client):
    person = ParticipantFactory(chosen_name="מרים")
    client.force_login(person)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert "<bdi>מרים</bdi>" in html


def test_isolating_escapes_the_name(client):
    person = ParticipantFactory(chosen_name="<b>Jo</b>")
    client.force_login(person)
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert "<bdi>&lt;b&gt;Jo&lt;/b&gt;</bdi>" in html


def test_a_certificate_templates_printed_names_refuse_hidden_characters():
    template = CertificateTemplateFactory.build(
        issuer_name="Bright\u202eFutures", signatory_name="Ana\u2066 Ruiz"
    )
    with pytest.raises(ValidationError) as refused:
        template.clean_fields(exclude=["issuer_logo"])
    assert {"issuer_name", "signatory_name"} <= set(refused.value.message_dict)


def test_the_verify_page_isolates_the_issuer_name(client):
    certificate = CertificateFactory(printed_issuer_name="מרכז הכשרה")
    html = client.get(reverse("verify:code", args=[certificate.verification_code]))
    assert "<bdi>מרכז הכשרה</bdi>" in html.content.decode()
