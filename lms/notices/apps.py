from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices: short, safe messages in the site (a mentor answered, a session tomorrow...), and
    a neutral e-mail saying there is one, only where the person chose e-mail as safe."""

    name = "pathways.lms.notices"
    label = "pathways_notices"
    verbose_name = _("Notices")
    default_auto_field = "django.db.models.BigAutoField"
