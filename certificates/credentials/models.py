"""Verifiable credentials: the issuers credentials name, their signing keys and every status-list
index ever given out. Changes go through ``pathways.certificates.credentials.openbadges`` and
``...status_list``."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_issuer_public_id() -> str:
    return secrets.token_hex(8)


class CredentialIssuer(models.Model):
    """The issuer a signed credential names: one per discreet issuer name printed.

    Each has its own public profile, signing-key documents and revocation status list, at an
    address made of a random id, so that the profile a verifier fetches carries the very name the
    credential and the printed certificate carry, and the address says nothing of that name. The
    name never changes: a template given a new issuer name issues under another issuer.
    """

    public_id = models.CharField(max_length=32, unique=True, default=_new_issuer_public_id)
    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credential issuer")
        verbose_name_plural = _("credential issuers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StatusListAllocation(models.Model):
    """Every status-list index ever given out, kept for good: an index is never given twice, even
    if the certificate holding it were deleted. Indexes are drawn at random (see
    ``certificates.status_list``), so the published list says nothing of the issuing order."""

    index = models.PositiveIntegerField(primary_key=True)
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status list index")
        verbose_name_plural = _("status list indexes")

    def __str__(self) -> str:
        return str(self.index)


class IssuerKey(models.Model):
    """An Ed25519 key the issuer signs credentials with. Retired keys still verify old ones."""

    key_id = models.CharField(max_length=100, unique=True)
    public_key_multibase = models.CharField(max_length=100, unique=True)
    private_key_seed_hex = models.CharField(
        max_length=64, help_text=_("Never shown. Kept to sign new credentials while active.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issuer signing key")
        verbose_name_plural = _("issuer signing keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key_id
