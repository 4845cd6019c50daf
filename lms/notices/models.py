"""What the notices app keeps: one row per notice, naming only its kind and where it leads.

A notice stores no words: its message is made from its kind when it is shown, in the language of
whoever reads it, and never names a course, a cohort, a mentor or an employer, so that a glance
at her screen, or at the notices' table, tells nobody what happened.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    MENTOR_REQUEST_ANSWERED = "mentor_request_answered", _("Mentor request answered")
    MENTOR_REQUEST_NEW = "mentor_request_new", _("New mentor request")
    SIGNOFF_GIVEN = "signoff_given", _("Sign-off given")
    SIGNOFF_RETURNED = "signoff_returned", _("Sign-off returned with a note")
    SESSION_TOMORROW = "session_tomorrow", _("Session tomorrow")
    CERTIFICATE_READY = "certificate_ready", _("Certificate ready")
    SHARING_ENDS_SOON = "sharing_ends_soon", _("Sharing ends soon")
    CHECKIN_DUE = "checkin_due", _("Check-in due")


#: What each kind of notice says, in words that name nobody and nothing in particular.
MESSAGES = {
    NoticeKind.MENTOR_REQUEST_ANSWERED: _("Your request for a mentor has an answer."),
    NoticeKind.MENTOR_REQUEST_NEW: _("Someone has asked you to be their mentor."),
    NoticeKind.SIGNOFF_GIVEN: _("A practical activity of yours was signed off."),
    NoticeKind.SIGNOFF_RETURNED: _("A practical activity of yours was returned with a note."),
    NoticeKind.SESSION_TOMORROW: _("You have a group session tomorrow."),
    NoticeKind.CERTIFICATE_READY: _("You have a new certificate."),
    NoticeKind.SHARING_ENDS_SOON: _("Sharing some of your certificates ends within a week."),
    NoticeKind.CHECKIN_DUE: _("A mentoring check-in is due tomorrow."),
}


class Notice(models.Model):
    """Something that happened for one person, and the page where she can see it.

    ``dedupe_key`` names the event (``session_tomorrow:<session id>``), so that telling her twice
    about one event keeps one notice; a notice without a key is always new.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pathways_notices",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NoticeKind.choices)
    url = models.CharField(_("page to open"), max_length=500)
    dedupe_key = models.CharField(_("event"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notices_one_per_event",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notices_user_read")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def message(self) -> str:
        """What the notice says, in the language active now."""
        return str(MESSAGES.get(self.kind, _("You have a new message.")))

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
