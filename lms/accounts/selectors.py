"""Who may manage which account: how far someone who manages people in the Wagtail admin may go.

Wagtail lets anyone holding ``change_user`` edit every account, superusers' included, tick
"Administrator" on any of them, add anyone to any group and set any password. Pathways narrows
that to the product's roles, in the rules below, which every user screen asks (the user forms,
the edit and delete views, the listing and its bulk actions in ``admin.py``):

- superusers keep Wagtail's full power;
- anyone else reaches only accounts whose every role she may grant (participants, mentors,
  facilitators, employer users): never a superuser, a member of programme staff, someone with
  permissions of her own, or her own account (that is the account page);
- she grants only those roles, never superuser status;
- she never sets an existing account's password: a participant's is set in person
  (``lms.security.passwords``), and everyone else's is their own.
"""

from django.contrib.auth.models import Group

from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.roles import Role

#: The roles someone who is not a superuser may grant, and the only roles an account she
#: manages may hold: every role below programme staff.
ROLES_STAFF_MAY_GRANT = (Role.PARTICIPANT, Role.MENTOR, Role.FACILITATOR, Role.EMPLOYER)


#: The roles whose accounts staff may set a password for in person (``lms.security.passwords``).
#: While staff know someone's password, only a superuser may give her any other role: otherwise
#: staff could take a facilitator's role away, set her password, and give the role back.
ROLES_WITH_STAFF_SET_PASSWORDS = (Role.PARTICIPANT, Role.MENTOR)


def roles_refused_while_staff_know_the_password(*, actor, user, groups) -> list[str]:
    """The names of ``groups`` that ``actor`` may not give ``user`` now, because her password was
    set by staff and she has not chosen her own since. Roles she already holds are not refused."""
    if getattr(actor, "is_superuser", False) or user.pk is None:
        return []
    profile = stored_profile(user)
    if profile is None or profile.password_set_by_staff_at is None:
        return []
    allowed = {role.value for role in ROLES_WITH_STAFF_SET_PASSWORDS}
    held = {group.name for group in user.groups.all()}
    return [g.name for g in groups if g.name not in allowed and g.name not in held]


def _grantable_names() -> set[str]:
    return {role.value for role in ROLES_STAFF_MAY_GRANT}


def grantable_groups(*, actor):
    """The groups ``actor`` may add people to, or take them out of."""
    if getattr(actor, "is_superuser", False):
        return Group.objects.all()
    return Group.objects.filter(name__in=_grantable_names())


def may_manage_account(*, actor, user) -> bool:
    """Whether ``user``'s account is within ``actor``'s reach in the admin.

    It says nothing of the model permission the action needs (``change_user`` to edit,
    ``delete_user`` to delete): Wagtail checks that as before. ``user.groups`` and
    ``user.user_permissions`` are read through ``.all()``, so that a listing can prefetch them.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if user.pk == actor.pk or user.is_superuser:
        return False
    allowed = _grantable_names()
    if any(group.name not in allowed for group in user.groups.all()):
        return False
    # Permissions given to the person herself, outside any role, are a superuser's doing.
    return not list(user.user_permissions.all())
