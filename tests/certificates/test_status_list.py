"""Status-list indexes: drawn at random from at least 131,072 entries, never given twice; the
published lists; and the upgrade of certificates issued when the index was the database id."""

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.credentials import status_list
from pathways.certificates.credentials.models import StatusListAllocation
from pathways.certificates.credentials.openbadges import (
    issuer_of,
    status_list_credential,
    verify,
)
from pathways.certificates.issuance.models import Certificate
from tests.certificates.openbadges_support import (
    ISSUER_NAME,
    decode_status_list,
    make_certificate,
    make_legacy_certificate,
    make_template,
    status_bit,
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base_url(settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    return settings.PATHWAYS_BASE_URL


def bits_of(document: dict) -> bytes:
    return decode_status_list(document["credentialSubject"]["encodedList"])


# Drawing indexes ----------------------------------------------------------------------------


def test_indexes_are_drawn_at_random_not_in_issuing_order(db, base_url):
    certificates = [make_certificate() for _ in range(12)]
    indexes = [certificate.status_list_index for certificate in certificates]
    assert len(set(indexes)) == len(indexes)
    assert all(0 <= index < status_list.MIN_SIZE for index in indexes)
    # Twelve indexes in issuing order by chance: one in 12! (about 2 in a billion).
    assert indexes != sorted(indexes)
    assert indexes != [certificate.pk for certificate in certificates]
    recorded = set(StatusListAllocation.objects.values_list("index", flat=True))
    assert set(indexes) <= recorded


def test_an_index_is_never_given_twice_even_after_its_certificate_is_deleted(
    db, base_url, monkeypatch
):
    certificate = make_certificate()
    used = certificate.status_list_index
    Certificate.objects.filter(pk=certificate.pk).delete()
    draws = iter([used, used, 4242 if used != 4242 else 4343])
    monkeypatch.setattr(status_list.secrets, "randbelow", lambda _span: next(draws))
    fresh = status_list.allocate_index()
    assert fresh != used
    assert StatusListAllocation.objects.filter(index=used).exists()


def test_issuing_fails_loudly_rather_than_reuse_an_index(db, base_url, monkeypatch):
    taken = make_certificate().status_list_index
    monkeypatch.setattr(status_list.secrets, "randbelow", lambda _span: taken)
    with pytest.raises(status_list.StatusListFull, match="PATHWAYS_STATUS_LIST_SIZE"):
        status_list.allocate_index()


def test_the_range_doubles_once_half_of_it_is_given_out():
    size = status_list.MIN_SIZE
    assert status_list.draw_range(0, size) == size
    assert status_list.draw_range(size // 2 - 1, size) == size
    assert status_list.draw_range(size // 2, size) == 2 * size
    assert status_list.draw_range(size, size) == 4 * size
    assert status_list.list_length(None, size) == size
    assert status_list.list_length(size - 1, size) == size
    assert status_list.list_length(size, size) == 2 * size


def test_drawing_many_indexes_at_once_skips_those_taken():
    taken = set(range(0, status_list.MIN_SIZE, 2))
    drawn = status_list.draw_indexes(50, taken=taken, size=status_list.MIN_SIZE)
    assert len(set(drawn)) == 50
    assert not set(drawn) & taken


@pytest.mark.parametrize("size", [1000, 131_073, "131072"])
def test_a_list_size_below_the_minimum_or_not_whole_bytes_is_refused(db, settings, size):
    settings.PATHWAYS_STATUS_LIST_SIZE = size
    with pytest.raises(ImproperlyConfigured):
        status_list.allocate_index()


# The published lists --------------------------------------------------------------------------


def test_published_list_has_at_least_131072_bits(db, base_url):
    certificate = make_certificate()
    assert len(bits_of(status_list_credential(issuer_of(certificate)))) * 8 >= 131_072


def test_published_list_follows_a_larger_configured_size(db, base_url, settings):
    settings.PATHWAYS_STATUS_LIST_SIZE = 2 * 131_072
    certificate = make_certificate()
    assert len(bits_of(status_list_credential(issuer_of(certificate)))) * 8 == 2 * 131_072


def test_published_list_covers_every_index_given_out(db, base_url):
    certificate = make_certificate()
    StatusListAllocation.objects.create(index=300_000)
    assert len(bits_of(status_list_credential(issuer_of(certificate)))) * 8 >= 300_001


def test_each_issuers_list_carries_only_its_own_certificates(db, base_url):
    ours = make_certificate(revoked_at=timezone.now())
    theirs = make_certificate(
        template=make_template(issuer_name="Harbourside Training"), revoked_at=timezone.now()
    )
    assert issuer_of(ours) != issuer_of(theirs)
    ours_bits = bits_of(status_list_credential(issuer_of(ours)))
    assert status_bit(ours_bits, ours.status_list_index)
    assert not status_bit(ours_bits, theirs.status_list_index)


# Copies signed before indexes were random -------------------------------------------------------


def test_legacy_status_list_is_gone(client, db):
    response = client.get(reverse("credentials:legacy_status_list"))
    assert response.status_code == 410


def test_a_legacy_copy_still_checks_out_on_this_site(db, base_url):
    certificate = make_legacy_certificate()
    check = verify(certificate.credential)
    assert check.ok, check.messages
    assert check.issuer_name == ISSUER_NAME
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    assert verify(certificate.credential).status == "revoked"
