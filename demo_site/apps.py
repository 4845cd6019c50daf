from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoSiteConfig(AppConfig):
    """The standalone site's own command, ``seed_demo``, and its demo data."""

    name = "demo_site"
    label = "demo_site"
    verbose_name = _("Pathways demo site")
    default_auto_field = "django.db.models.BigAutoField"
