"""Grant each role group the model permissions it needs, after every migrate.

Each app says what its roles may do in its own ``permissions.py`` and registers it from its
``AppConfig.ready`` with :func:`register_role_permissions`; :func:`grant_role_permissions` grants
everything registered. Permissions do not exist yet while migrations run on a fresh database, so
granting runs on ``post_migrate``, once the last app's permissions exist, and is idempotent.
"""

from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from pathways.lms.accounts.roles import Role

# role -> {app_label: [codename, ...]}, filled by each app's ready().
_REGISTERED: dict[str, dict[str, set[str]]] = {}


def user_model_permission(action: str) -> str:
    """``app_label.codename`` of ``action`` ("view", "change"...) on the site's user model."""
    opts = get_user_model()._meta
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def register_role_permissions(role: str, spec: dict[str, list[str]]) -> None:
    """Grant ``role`` these permissions (``{app_label: [codename, ...]}``) after every migrate."""
    for app_label, codenames in spec.items():
        _REGISTERED.setdefault(role, {}).setdefault(app_label, set()).update(codenames)


def registered_role_permissions(role: str) -> dict[str, set[str]]:
    return {label: set(codenames) for label, codenames in _REGISTERED.get(role, {}).items()}


#: Stands for the site's user model (its app label and model name are known only at grant time).
USER_MODEL = "<user model>"

STAFF_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    # Case managers keep participants' profiles and contact details, and reset a participant's
    # password in person (legal-name reads are logged; is_superuser stays superusers' own).
    USER_MODEL: ["view", "change"],
    "pathways_accounts": ["view_profile", "change_profile"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
FACILITATOR_PERMISSIONS = {"wagtailadmin": ["access_admin"]}
register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)
register_role_permissions(Role.FACILITATOR, FACILITATOR_PERMISSIONS)


def _grant(group: Group, spec: dict[str, set[str]], using: str) -> None:
    condition = Q(pk__in=[])
    for app_label, codenames in spec.items():
        if app_label == USER_MODEL:
            opts = get_user_model()._meta
            app_label = opts.app_label
            codenames = {get_permission_codename(action, opts) for action in codenames}
        condition |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.using(using).filter(condition))


def grant_role_permissions(*, app_config=None, using="default", **kwargs) -> None:
    from django.apps import apps

    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    # post_migrate is sent once per app; permissions of every app exist only after the last.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and app_config is not with_models[-1]:
        return

    groups = {
        group.name: group for group in Group.objects.using(using).filter(name__in=Role.values)
    }
    for role, group in groups.items():
        _grant(group, registered_role_permissions(role), using)
    staff = groups.get(Role.PROGRAMME_STAFF)
    if staff is not None:
        root = Page.get_first_root_node()
        if root is not None:
            for permission_type in ("add", "change", "publish", "delete"):
                if not GroupPagePermission.objects.filter(
                    group=staff, page=root, permission__codename=f"{permission_type}_page"
                ).exists():
                    GroupPagePermission.objects.create(
                        group=staff, page=root, permission_type=permission_type
                    )
        # Images and documents are permitted per collection: from the root, staff add, change
        # and choose them in every collection (model permissions alone let nobody upload).
        collection = Collection.get_first_root_node()
        if collection is not None:
            codenames = [*STAFF_PERMISSIONS["wagtailimages"], *STAFF_PERMISSIONS["wagtaildocs"]]
            media = Permission.objects.using(using).filter(
                content_type__app_label__in=["wagtailimages", "wagtaildocs"],
                codename__in=codenames,
            )
            for permission in media:
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=staff, collection=collection, permission=permission
                )
