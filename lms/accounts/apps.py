from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and roles: the site's own user model (any), with a Pathways profile beside it, for
    participants, mentors, staff and employer users."""

    name = "pathways.lms.accounts"
    label = "pathways_accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate, post_save

        from pathways.lms.accounts.permissions import grant_role_permissions
        from pathways.lms.accounts.signals import password_change_announce

        post_migrate.connect(
            grant_role_permissions, dispatch_uid="pathways.accounts.role_permissions"
        )
        post_save.connect(
            password_change_announce,
            sender=get_user_model(),
            dispatch_uid="pathways.accounts.password_change_announce",
        )
