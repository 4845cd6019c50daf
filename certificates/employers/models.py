"""Partner employers and their API keys. Changes go through
``pathways.certificates.employers.services``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerOrganisation(models.Model):
    """A partner employer. It sees only what participants chose to share with it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="employer_organisations",
        verbose_name=_("web users"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner employer")
        verbose_name_plural = _("partner employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployerApiKey(models.Model):
    """An API client's key: a public prefix, and a secret stored only as a hash."""

    employer = models.ForeignKey(
        EmployerOrganisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("employer API key")
        verbose_name_plural = _("employer API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.employer}: {self.name} ({self.prefix})"
