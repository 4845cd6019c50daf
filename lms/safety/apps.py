from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """Quick exit, the safety page and session limits. No models: the one field it needs,
    ``safety_notice_seen_at``, lives in the person's Pathways profile (``lms.accounts``)."""

    name = "pathways.lms.safety"
    label = "pathways_safety"
    verbose_name = _("Safety")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pathways.lms.safety import checks  # noqa: F401  (registers the system checks)
        from pathways.lms.safety.sessions import start_on_sign_in

        user_logged_in.connect(start_on_sign_in, dispatch_uid="pathways_safety_session_start")
