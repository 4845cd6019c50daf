from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and roles: one user model for participants, mentors, staff and employer users."""

    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .permissions import grant_role_permissions

        post_migrate.connect(grant_role_permissions)
