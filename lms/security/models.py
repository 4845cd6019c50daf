"""What the security app keeps: a record each time staff see someone's legal name."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalNameRead(models.Model):
    """Staff saw a person's legal name. The product doc lets staff see a legal name only as an
    audited read; this is that audit. It says who, whose, when and on which page, never the name
    itself, so the record is safe to show to anyone who may read the audit."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="legal_name_reads_made",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose legal name"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="legal_name_reads",
    )
    read_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    path = models.CharField(_("page"), max_length=500)
    view_name = models.CharField(_("screen"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("legal name read")
        verbose_name_plural = _("legal name reads")
        ordering = ["-read_at", "-pk"]

    def __str__(self) -> str:
        return _("Legal name read %(when)s") % {"when": f"{self.read_at:%Y-%m-%d %H:%M}"}
