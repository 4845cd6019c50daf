"""Passwords are hashed with the site's tuned Argon2id; older hashes are replaced at sign-in.

The test settings hash with MD5 for speed; these tests use the site's own list
(demo_site/settings/base.py). Nothing here measures time: bench/hasher_bench.py does.
"""

from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
)
from django.urls import reverse

import pytest

from demo_site.hashers import PathwaysArgon2PasswordHasher
from demo_site.settings import base
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

TUNED_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def site_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def pbkdf2_hash(password: str) -> str:
    """A PBKDF2 hash as Django stored them before Argon2 (fewer rounds, to keep the test quick:
    the rounds are recorded in the hash, and it is replaced for being PBKDF2 at all)."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt(), iterations=1_000)


def djangos_argon2_hash(password: str) -> str:
    """An Argon2 hash at Django's own, costlier settings."""
    hasher = Argon2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def test_the_site_hashes_new_passwords_with_its_tuned_argon2(site_hashers, password):
    assert isinstance(get_hasher("default"), PathwaysArgon2PasswordHasher)
    user = UserFactory()
    user.set_password(password)
    assert user.password.startswith(TUNED_PREFIX)
    # Django's own Argon2 hasher reads it: the settings are in the hash.
    assert Argon2PasswordHasher().verify(password, user.password)


@pytest.mark.parametrize("old_hash", [pbkdf2_hash, djangos_argon2_hash])
def test_signing_in_replaces_an_older_hash_with_the_tuned_argon2(
    site_hashers, client, password, old_hash
):
    user = UserFactory(username="rosa")
    user.password = old_hash(password)
    user.save(update_fields=["password"])
    before = user.password

    response = client.post(reverse("accounts:login"), {"username": "rosa", "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:dashboard")
    user.refresh_from_db()
    assert user.password != before
    assert user.password.startswith(TUNED_PREFIX)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(password, user.password)


def test_a_wrong_password_leaves_the_old_hash_alone(site_hashers, client, password):
    user = UserFactory(username="rosa")
    user.password = pbkdf2_hash(password)
    user.save(update_fields=["password"])

    client.post(reverse("accounts:login"), {"username": "rosa", "password": "not-hers"})

    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$1000$")
