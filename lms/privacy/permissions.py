"""Give programme staff the right to erase a participant's personal data, after every migrate.

Kept here rather than in ``lms.accounts.permissions`` so the privacy app brings its own grant.
Like that module, it runs on ``post_migrate`` once the last app's permissions exist, and is
idempotent.
"""

from django.contrib.auth.models import Group, Permission

from pathways.lms.accounts.roles import Role

PRIVACY_STAFF_PERMISSIONS = ["erase_participant", "view_erasurerecord"]


def grant_privacy_permissions(*, app_config=None, **kwargs) -> None:
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and app_config is not with_models[-1]:
        return
    staff = Group.objects.filter(name=Role.PROGRAMME_STAFF.value).first()
    if staff is None:
        return
    staff.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pathways_privacy", codename__in=PRIVACY_STAFF_PERMISSIONS
        )
    )
