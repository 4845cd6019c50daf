"""Test data for people and their roles.

One factory per role of the product doc, so that a test reads like the table of who may see what:
``ParticipantFactory()``, ``MentorFactory()``... Every account has the same known password,
:data:`TEST_PASSWORD`, so that tests can sign in through the real login form.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

import factory
from factory.django import DjangoModelFactory, Password

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.permissions import grant_role_permissions
from pathways.lms.accounts.roles import Role

TEST_PASSWORD = "pathways-test"  # noqa: S105  (test accounts only)


def role_group(*, role: Role) -> Group:
    """The group that stands for a role, with its permissions.

    The groups come from a data migration, but a test database flushed between transactional
    tests loses them; re-creating one also re-grants the permissions ``post_migrate`` would have
    given it, so staff made by a factory can always open the Wagtail admin.
    """
    group, created = Group.objects.get_or_create(name=Role(role).value)
    if created:
        grant_role_permissions()
    return group


def _join_roles(*default_roles: Role) -> factory.PostGeneration:
    """A post-generation hook adding the user to role groups.

    ``UserFactory(roles=[Role.MENTOR, Role.PARTICIPANT])`` overrides the factory's default roles.
    """

    def join(user, create: bool, extracted: Iterable[Role] | None, **kwargs) -> None:
        if not create:
            return
        roles = default_roles if extracted is None else tuple(extracted)
        if roles:
            user.groups.add(*(role_group(role=role) for role in roles))
            # Drop the per-request role cache has_role() may have filled.
            user.__dict__.pop("_pathways_roles", None)

    return factory.PostGeneration(join)


#: What a factory keeps in the person's Pathways profile rather than on the user model.
PROFILE_FIELDS = frozenset(
    field.name for field in Profile._meta.get_fields() if field.concrete and field.name != "user"
)


class UserFactory(DjangoModelFactory):
    """Someone who can sign in, with no role, and her Pathways profile. E-mail is blank, as it
    often is in real life. Profile fields (``chosen_name``, ``legal_name``...) are given like the
    user model's own: ``UserFactory(chosen_name="Maya", peer_alias="M")``."""

    username = factory.Sequence(lambda n: f"user{n}")
    chosen_name = factory.Faker("first_name")
    email = ""
    password = Password(TEST_PASSWORD)
    # Already read "Staying safe online", so that tests land on the page they ask for; pass
    # ``safety_notice_seen_at=None`` for someone who has not.
    safety_notice_seen_at = factory.LazyFunction(timezone.now)
    roles = _join_roles()

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    @classmethod
    def _split(cls, kwargs):
        profile = {name: kwargs.pop(name) for name in list(kwargs) if name in PROFILE_FIELDS}
        return kwargs, profile

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs, profile_fields = cls._split(kwargs)
        user = super()._create(model_class, *args, **kwargs)
        user.pathways_profile = Profile.objects.create(user=user, **profile_fields)
        return user

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs, profile_fields = cls._split(kwargs)
        user = super()._build(model_class, *args, **kwargs)
        user.pathways_profile = Profile(user=user, **profile_fields)
        return user


class ParticipantFactory(UserFactory):
    """A survivor enrolled in a programme."""

    username = factory.Sequence(lambda n: f"participant{n}")
    roles = _join_roles(Role.PARTICIPANT)


class MentorFactory(UserFactory):
    """A trained peer. Only a mentor: pass ``roles=[Role.MENTOR, Role.PARTICIPANT]`` for both."""

    username = factory.Sequence(lambda n: f"mentor{n}")
    roles = _join_roles(Role.MENTOR)


class FacilitatorFactory(UserFactory):
    """Staff who run a cohort and sign off practical work."""

    username = factory.Sequence(lambda n: f"facilitator{n}")
    roles = _join_roles(Role.FACILITATOR)


class StaffFactory(UserFactory):
    """Programme staff. Reaches the Wagtail admin through the group's permissions, not is_staff."""

    username = factory.Sequence(lambda n: f"staff{n}")
    roles = _join_roles(Role.PROGRAMME_STAFF)


class EmployerUserFactory(UserFactory):
    """Someone at a partner employer, who sees only what participants shared with it."""

    username = factory.Sequence(lambda n: f"employer{n}")
    chosen_name = factory.Faker("name")
    roles = _join_roles(Role.EMPLOYER)
