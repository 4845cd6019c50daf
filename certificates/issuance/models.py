"""Certificates: the templates staff design, certificates as printed and cohort batches.

A certificate keeps everything it printed, so a later template edit never changes it. At most one
current (not superseded) certificate exists per participant and achievement, enforced by the
database. Changes go through ``pathways.certificates.issuance.services``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index

from pathways.cohorts.models import Cohort
from pathways.courses.models import CoursePage
from pathways.lms.accounts.names import validate_person_name
from pathways.lms.core.languages import language_choices

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1d4f7a (a hash and six hexadecimal digits).")
)


class PaperSize(models.TextChoices):
    BY_LANGUAGE = "auto", _("By the template's language: US Letter for US English, A4 otherwise")
    LETTER = "letter", _("US Letter, landscape")
    A4 = "a4", _("A4, landscape")


def paper_size_for_language(language: str) -> str:
    """The paper a certificate in ``language`` is printed on: A4, as everywhere but the United
    States, unless the language is US English ("en-us"). A language without a region ("en")
    takes the region of the site's own language when it is the same language, so English on a
    site whose ``LANGUAGE_CODE`` is "en-us" (Django's default) is printed on US Letter."""
    code = (language or "").lower().replace("_", "-")
    site_code = (settings.LANGUAGE_CODE or "").lower().replace("_", "-")
    if "-" not in code and site_code.split("-")[0] == code:
        code = site_code
    return PaperSize.LETTER if code == "en-us" else PaperSize.A4


class CertificateTemplate(RevisionMixin, index.Indexed, ClusterableModel):
    """How a certificate looks and reads. Staff edit it in the admin; revisions are kept.

    Its title and wording may be translated (``translations``): a participant whose preferred
    language has a translation gets her certificate printed in it.
    """

    name = models.CharField(_("name (staff only)"), max_length=200)
    title = models.CharField(
        _("printed title"), max_length=200, default=_("Certificate of Completion")
    )
    issuer_name = models.CharField(
        _("issuer name"),
        max_length=200,
        help_text=_(
            "The discreet name printed as the issuer. It must not reveal who the programme serves."
        ),
        validators=[validate_person_name],
    )
    issuer_logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuer logo"),
    )
    signatory_name = models.CharField(
        _("signatory name"), max_length=200, blank=True, validators=[validate_person_name]
    )
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    wording = models.TextField(
        _("wording"),
        max_length=1000,
        default=_("has successfully completed"),
        help_text=_("Printed between the name and the achievement."),
    )
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1d4f7a", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b08d2b", validators=[colour_validator]
    )
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.BY_LANGUAGE
    )
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for a certificate that does not expire."),
    )
    courses = models.ManyToManyField(
        CoursePage, blank=True, related_name="certificate_templates", verbose_name=_("courses")
    )
    cohorts = models.ManyToManyField(
        Cohort,
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("cohort programmes"),
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("wording"),
                FieldPanel("language"),
                FieldPanel("validity_days"),
            ],
            heading=_("Wording"),
        ),
        InlinePanel(
            "translations",
            heading=_("Translations"),
            label=_("Translation"),
            help_text=_(
                "The title and wording in other languages. A participant whose preferred "
                "language is one of these gets her certificate printed in it."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuer_name"),
                FieldPanel("issuer_logo"),
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
            ],
            heading=_("Issuer"),
        ),
        MultiFieldPanel(
            [FieldPanel("primary_colour"), FieldPanel("accent_colour"), FieldPanel("paper_size")],
            heading=_("Look"),
        ),
        FieldPanel("courses"),
        FieldPanel("cohorts"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("title")]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def printed_paper_size(self) -> str:
        """US Letter or A4: the one chosen, or by the template's language."""
        if self.paper_size in (PaperSize.LETTER, PaperSize.A4):
            return self.paper_size
        return paper_size_for_language(self.language)


class NameChoice(models.TextChoices):
    CHOSEN = "chosen", _("My chosen name")
    LEGAL = "legal", _("My legal name")


class Certificate(models.Model):
    """A credential as issued: what was printed, its code, its status, its files."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("participant"),
    )
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("course"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("cohort programme"),
    )
    achievement_key = models.CharField(
        max_length=64, help_text=_("What was achieved, e.g. course:12 or cohort:3.")
    )
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="certificates"
    )
    template_revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verification_code = models.CharField(
        _("verification code"),
        max_length=17,
        unique=True,
        help_text=_("16 Crockford base32 characters and a check character, stored without dashes."),
    )
    name_choice = models.CharField(
        _("name printed"), max_length=10, choices=NameChoice.choices, default=NameChoice.CHOSEN
    )
    # What was printed, kept as printed.
    printed_name = models.CharField(_("name as printed"), max_length=200)
    printed_title = models.CharField(_("credential title"), max_length=300)
    printed_achievement = models.CharField(_("achievement"), max_length=300)
    # The credential issuer (its profile and status list) is the one carrying this name.
    printed_issuer_name = models.CharField(_("issuer"), max_length=200, db_index=True)
    printed_data = models.JSONField(
        _("everything printed"),
        default=dict,
        help_text=_("Wording, signatory, hours, skills, colours, paper size and language."),
    )
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issue_reason = models.TextField(_("reason for issuing (staff only)"), blank=True)
    issued_without_completion = models.BooleanField(
        _("issued although the completion rules were not met"),
        default=False,
        help_text=_(
            "Programme staff chose to issue it to one person who had not met the course's or "
            "cohort's completion rules, with the reason above (recorded in the history)."
        ),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("reason for revoking (staff only)"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    superseded_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    status_list_index = models.PositiveIntegerField(
        unique=True,
        null=True,
        blank=True,
        help_text=_("Its bit in the revocation status list, drawn at random."),
    )
    credential = models.JSONField(_("signed Open Badges credential"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "achievement_key"],
                condition=Q(superseded_by__isnull=True),
                name="certificates_one_current_per_achievement",
                violation_error_message=_("This person already holds this certificate."),
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=False) | Q(cohort__isnull=False),
                name="certificates_has_achievement",
            ),
        ]

    def __str__(self) -> str:
        # Never the printed name: it may be the legal name, which staff reads must not show.
        return f"{self.printed_title} ({self.verification_code})"

    @property
    def status(self) -> str:
        return certificate_status(
            superseded_at=self.superseded_at,
            superseded_by_id=self.superseded_by_id,
            revoked_at=self.revoked_at,
            expires_at=self.expires_at,
        )


def certificate_status(
    *, superseded_at, superseded_by_id, revoked_at, expires_at, now=None
) -> "CertificateStatus":
    """A certificate's status from its columns (``Certificate.status``, and reads that fetch the
    columns alone). Replaced first (as the admin and the staff API always said), then revoked:
    neither is valid any more, whatever its dates say, and a replaced one points its holder at
    the newer certificate."""
    if superseded_at is not None or superseded_by_id is not None:
        return CertificateStatus.REPLACED
    if revoked_at is not None:
        return CertificateStatus.REVOKED
    if expires_at is not None and expires_at <= (now or timezone.now()):
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced by a newer certificate")


#: What a current (not replaced) certificate can be: all an employer or its holder ever sees.
CURRENT_STATUS_CHOICES = [
    (status.value, status.label)
    for status in (CertificateStatus.VALID, CertificateStatus.EXPIRED, CertificateStatus.REVOKED)
]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", pgettext_lazy("certificate batch status", "Done")
    FAILED = "failed", _("Stopped with an error")


class CertificateBatch(models.Model):
    """Staff issuing certificates to a whole cohort, in the background, resumable."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="certificate_batches")
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    not_completed = models.PositiveIntegerField(
        _("not completed"),
        default=0,
        help_text=_("Members left out because they had not met the completion rules."),
    )
    # Who was left out and why, and what stopped a failed run.
    error = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} ({self.get_status_display()})"


class CertificateTemplateTranslation(models.Model):
    """A certificate template's title and wording in another language than its own.

    Read when a certificate is issued, for a participant who prefers that language; what was
    printed stays on the certificate, so editing or removing a translation changes no certificate
    already issued.
    """

    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    title = models.CharField(_("printed title"), max_length=200)
    wording = models.TextField(
        _("wording"), max_length=1000, help_text=_("Printed between the name and the achievement.")
    )
    signatory_title = models.CharField(
        _("signatory title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to print the template's own."),
    )

    panels = [
        FieldPanel("language"),
        FieldPanel("title"),
        FieldPanel("wording"),
        FieldPanel("signatory_title"),
    ]

    class Meta:
        verbose_name = _("certificate template translation")
        verbose_name_plural = _("certificate template translations")
        unique_together = [("template", "language")]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"
