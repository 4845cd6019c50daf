"""Programme staff may read the audit of legal name reads and end paused sign-ins (nothing else
here)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from pathways.lms.accounts.roles import Role


def grant_staff_audit_permission(*, app_config=None, using="default", **kwargs) -> None:
    """Runs on ``post_migrate``; idempotent.

    Permissions are made by another ``post_migrate`` receiver, so, like
    :func:`lms.accounts.permissions.grant_role_permissions`, this waits for the signal sent for
    the last app with models, when every permission exists.
    """
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and app_config is not with_models[-1]:
        return
    permissions = Permission.objects.using(using).filter(
        Q(content_type__app_label="pathways_security", codename="view_legalnameread")
        | Q(content_type__app_label="axes", codename="delete_accessattempt")
    )
    group = Group.objects.using(using).filter(name=Role.PROGRAMME_STAFF.value).first()
    if group is not None:
        group.permissions.add(*permissions)
