"""Grant each role group the model permissions it needs, after every migrate.

Permissions do not exist yet while migrations run on a fresh database, so this runs on
``post_migrate`` and is idempotent.
"""

from django.contrib.auth.models import Group, Permission

from pathways.lms.accounts.roles import Role

STAFF_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    # Case managers keep participants' profiles and contact details, and reset a participant's
    # password in person (legal-name reads are logged; is_superuser stays superusers' own).
    "pathways_accounts": ["view_user", "change_user"],
    "pathways_courses": [
        "add_skill",
        "change_skill",
        "delete_skill",
        "view_skill",
        "add_enrollment",
        "view_enrollment",
    ],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
FACILITATOR_PERMISSIONS = {"wagtailadmin": ["access_admin"]}
# Mentor profiles, mentee preferences and pairings are managed in the admin, where a pairing's
# goals and check-ins are read too. Nothing is deleted: a pairing is ended, a profile paused.
MENTORSHIP_STAFF_PERMISSIONS = {
    "pathways_cohorts": [
        "add_mentorprofile",
        "change_mentorprofile",
        "view_mentorprofile",
        "add_menteepreferences",
        "change_menteepreferences",
        "view_menteepreferences",
        "add_mentorshippairing",
        "change_mentorshippairing",
        "view_mentorshippairing",
    ],
}

# Cohorts, memberships, sessions and attendance are managed in the admin, always through
# cohorts.services. Nothing but a session without attendance is deleted: members are withdrawn,
# cohorts closed. Facilitators work from the phone pages, not the admin.
COHORT_STAFF_PERMISSIONS = {
    "pathways_cohorts": [
        "add_cohort",
        "change_cohort",
        "view_cohort",
        "add_cohortmembership",
        "change_cohortmembership",
        "view_cohortmembership",
        "add_cohortsession",
        "change_cohortsession",
        "delete_cohortsession",
        "view_cohortsession",
        "add_attendance",
        "change_attendance",
        "view_attendance",
    ],
}


# Certificate templates are snippets with revisions; certificates are issued, revoked and
# reissued in the admin (revoking and reissuing need "change"), always through
# certificates.services. Nothing is deleted: a certificate is revoked, never removed.
CERTIFICATE_STAFF_PERMISSIONS = {
    "pathways_certificates": [
        "add_certificatetemplate",
        "change_certificatetemplate",
        "view_certificatetemplate",
        "add_certificate",
        "change_certificate",
        "view_certificate",
        "add_certificatebatch",
        "view_certificatebatch",
        # Sharing with employers: partner employers are added and edited; API keys are made
        # (shown once) and revoked ("change"); staff record consent given on paper or orally
        # ("add") and a request to stop sharing ("change"), always through release_services.
        # Employer access records are read only. Nothing is deleted.
        "add_employerorganisation",
        "change_employerorganisation",
        "view_employerorganisation",
        "add_employerapikey",
        "change_employerapikey",
        "view_employerapikey",
        "add_credentialrelease",
        "change_credentialrelease",
        "view_credentialrelease",
        "view_credentialaccess",
    ],
}


def _grant(group: Group, spec: dict[str, list[str]]) -> None:
    for app_label, codenames in spec.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        group.permissions.add(*permissions)


def grant_role_permissions(*, app_config=None, using="default", **kwargs) -> None:
    from django.apps import apps

    from wagtail.models import GroupPagePermission, Page

    # post_migrate is sent once per app; permissions of every app exist only after the last.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and app_config is not with_models[-1]:
        return

    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    staff = groups.get(Role.PROGRAMME_STAFF)
    if staff is not None:
        _grant(staff, STAFF_PERMISSIONS)
        _grant(staff, COHORT_STAFF_PERMISSIONS)
        _grant(staff, MENTORSHIP_STAFF_PERMISSIONS)
        _grant(staff, CERTIFICATE_STAFF_PERMISSIONS)
        root = Page.get_first_root_node()
        if root is not None:
            for permission_type in ("add", "change", "publish", "delete"):
                if not GroupPagePermission.objects.filter(
                    group=staff, page=root, permission__codename=f"{permission_type}_page"
                ).exists():
                    GroupPagePermission.objects.create(
                        group=staff, page=root, permission_type=permission_type
                    )
    facilitators = groups.get(Role.FACILITATOR)
    if facilitators is not None:
        _grant(facilitators, FACILITATOR_PERMISSIONS)
