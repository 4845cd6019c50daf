"""The two-step sign-in pages say why a code was refused where staff look: in a visible,
admin-styled box above the code field, which the field names for screen readers. Wagtail's
sign-in styles hide the field's own error (".login .login-form .w-field__errors"), so that one
cannot be the only place the message is."""

from django.test import Client
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from tests.factories.accounts import StaffFactory
from tests.security.support import current_code, enrol_authenticator

pytestmark = pytest.mark.django_db

SETUP = reverse("security:two_factor_setup")
VERIFY = reverse("security:two_factor_verify")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _wrong(code: str) -> str:
    return str((int(code) + 1) % 1_000_000).zfill(6)


def _error_box(html: str):
    """The error box inside the code form, and the code field."""
    soup = BeautifulSoup(html, "html.parser")
    box = soup.select_one("form #code-errors")
    return box, soup.select_one("form input[name=code]")


def _assert_shown(html: str, message: str) -> None:
    box, field = _error_box(html)
    assert box is not None, "no error box in the form"
    assert {"help-block", "help-critical"} <= set(box["class"])
    assert box["role"] == "alert"
    assert message in box.get_text(" ", strip=True)
    # Not inside the element Wagtail's sign-in styles hide.
    assert box.find_parent(class_="w-field__errors") is None
    assert "code-errors" in field["aria-describedby"].split()


def test_a_wrong_code_says_so_in_a_visible_box_named_by_the_field():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    response = _signed_in(staff).post(VERIFY, {"code": _wrong(current_code(device))})
    assert response.status_code == 200
    _assert_shown(response.content.decode(), "That code did not work.")
    box, field = _error_box(response.content.decode())
    # The field's help text is still read out too.
    assert "id_code-helptext" in field["aria-describedby"].split()


def test_a_missing_code_says_so_in_the_box():
    staff = StaffFactory()
    enrol_authenticator(staff)
    response = _signed_in(staff).post(VERIFY, {"code": ""})
    _assert_shown(response.content.decode(), "This field is required.")


def test_a_wrong_code_while_setting_up_says_so_in_the_box():
    staff = StaffFactory()
    client = _signed_in(staff)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    _assert_shown(response.content.decode(), "That code did not work.")


def test_letters_while_setting_up_say_the_code_is_numbers():
    staff = StaffFactory()
    client = _signed_in(staff)
    client.get(SETUP)
    _assert_shown(client.post(SETUP, {"code": "abcdef"}).content.decode(), "The code is 6 numbers.")


def test_no_error_box_before_a_code_is_sent():
    staff = StaffFactory()
    enrol_authenticator(staff)
    html = _signed_in(staff).get(VERIFY).content.decode()
    box, field = _error_box(html)
    assert box is None
    assert "code-errors" not in (field.get("aria-describedby") or "")
