"""The record that a person's personal data was erased, kept without any of that data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    """Who erased which account's personal data, when, and how much went: nothing else.

    The account row itself is kept (anonymised) so that aggregate counts stay right, so the
    subject is named only by that row's number. ``counts`` holds numbers only, never text from
    the erased records.
    """

    subject_id = models.PositiveBigIntegerField(
        _("account number"),
        unique=True,
        help_text=_("The number of the anonymised account. One erasure per account."),
    )
    subject_roles = models.JSONField(
        _("roles"), default=list, blank=True, help_text=_("For counts only.")
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    counts = models.JSONField(_("what was removed or kept"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("erase_participant", _("Can erase a participant's personal data"))]

    def __str__(self) -> str:
        return _("Account %(number)s, erased %(date)s") % {
            "number": self.subject_id,
            "date": timezone.localtime(self.erased_at).strftime("%Y-%m-%d"),
        }
