"""Sharing: a participant's consent to show chosen certificates to one employer (a release), and
every time an employer looked. Changes go through ``pathways.certificates.sharing.services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.certificates.issuance.models import Certificate


class ReleaseMethod(models.TextChoices):
    ONLINE = "online", _("Signed online by the participant")
    PAPER = "paper", _("Given on paper, recorded by staff")
    ORAL = "oral", _("Given orally, recorded by staff")


class ReleaseStatus(models.TextChoices):
    ACTIVE = "active", _("Shared")
    EXPIRED = "expired", _("Ended")
    REVOKED = "revoked", _("Stopped")
    SUPERSEDED = "superseded", _("Replaced by a newer release")


class DisclosedField(models.TextChoices):
    """What a release shows beyond the name as printed and the credential title, which it always
    shows. ``document`` is the certificate itself (PDF and signed badge), which carries everything
    printed on it, dates, hours and skills included."""

    DATES = "dates", _("Dates (completed, issued, expires)")
    HOURS = "hours", _("Hours of training")
    SKILLS = "skills", _("Skills")
    DOCUMENT = "document", _("The certificate itself (PDF and digital badge)")


class CredentialRelease(models.Model):
    """A participant's written, specific, time-limited and revocable consent to show chosen
    certificates to one employer. It discloses nothing once revoked, expired or superseded; the
    record stays, with the consent text she read and the name she typed."""

    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="credential_releases",
        verbose_name=_("participant"),
    )
    employer = models.ForeignKey(
        EmployerOrganisation,
        on_delete=models.PROTECT,
        related_name="releases",
        verbose_name=_("employer"),
    )
    certificates = models.ManyToManyField(
        Certificate,
        through="ReleasedCertificate",
        related_name="releases",
        verbose_name=_("certificates"),
    )
    disclosed_fields = models.JSONField(
        _("also shown"),
        default=list,
        blank=True,
        help_text=_("Beyond the name as printed and the title: dates, hours, skills, document."),
    )
    purpose = models.CharField(_("purpose"), max_length=500)
    consent_version = models.CharField(_("consent text version"), max_length=20)
    consent_text = models.TextField(_("consent text shown"))
    consent_language = models.CharField(_("language of the consent text"), max_length=10)
    signature = models.CharField(_("typed signature"), max_length=200)
    method = models.CharField(
        _("how consent was given"),
        max_length=10,
        choices=ReleaseMethod.choices,
        default=ReleaseMethod.ONLINE,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    staff_note = models.TextField(_("note (staff only)"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends"))
    revoked_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stopped by"),
    )
    revocation_method = models.CharField(
        _("how it was stopped"), max_length=10, choices=ReleaseMethod.choices, blank=True
    )
    revocation_note = models.TextField(_("note on stopping (staff only)"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    superseded_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("credential release")
        verbose_name_plural = _("credential releases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "employer"],
                condition=Q(superseded_at__isnull=True, revoked_at__isnull=True),
                name="sharing_one_current_release_per_employer",
                violation_error_message=_("There is already a current release for this employer."),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="sharing_release_ends_after_signing",
            ),
        ]
        indexes = [
            # The releases in force for one employer: what every employer read starts from
            # (the portal's list and its count, the API, "what is shared with us"). Partial, so
            # it holds only those in force, and led by the employer, so a read touches only that
            # employer's entries however many other employers have.
            models.Index(
                fields=["employer"],
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True),
                name="sharing_release_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} ({self.created_at:%Y-%m-%d})"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return ReleaseStatus.REVOKED
        if self.superseded_at is not None:
            return ReleaseStatus.SUPERSEDED
        if self.expires_at <= timezone.now():
            return ReleaseStatus.EXPIRED
        return ReleaseStatus.ACTIVE

    def get_status_display(self) -> str:
        return ReleaseStatus(self.status).label

    @property
    def is_active(self) -> bool:
        return self.status == ReleaseStatus.ACTIVE

    def discloses(self, field: str) -> bool:
        return field in (self.disclosed_fields or [])


class ReleasedCertificate(models.Model):
    """One certificate named in a release."""

    release = models.ForeignKey(
        CredentialRelease, on_delete=models.CASCADE, related_name="released_certificates"
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="released_in"
    )

    class Meta:
        verbose_name = _("certificate in a release")
        verbose_name_plural = _("certificates in a release")
        constraints = [
            models.UniqueConstraint(fields=["release", "certificate"], name="sharing_released_once")
        ]

    def __str__(self) -> str:
        return str(self.certificate)


class AccessChannel(models.TextChoices):
    API = "api", _("Employer system (API)")
    WEB = "web", _("Employer web page")
    PDF = "pdf", _("PDF download")
    BADGE = "badge", _("Digital badge download")


class CredentialAccess(models.Model):
    """One disclosure of one certificate to an employer, shown to the participant ("who has seen
    my certificates"). Written for every item an employer reads, whatever the channel."""

    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_accesses"
    )
    release = models.ForeignKey(
        CredentialRelease, on_delete=models.CASCADE, related_name="accesses"
    )
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="accesses")
    employer = models.ForeignKey(
        EmployerOrganisation, on_delete=models.CASCADE, related_name="accesses"
    )
    employer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    api_key = models.ForeignKey(
        EmployerApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="accesses"
    )
    channel = models.CharField(_("how"), max_length=10, choices=AccessChannel.choices)
    disclosed_fields = models.JSONField(_("what was shown"), default=list)
    accessed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("employer access")
        verbose_name_plural = _("employer accesses")
        ordering = ["-accessed_at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-accessed_at"], name="cert_access_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.certificate} · {self.accessed_at:%Y-%m-%d %H:%M}"
