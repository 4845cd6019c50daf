"""Programme staff manage people in the Wagtail admin only within their role.

Wagtail's own user screens let anyone who may change people tick "Administrator", add anyone to
any group and set any password. Staff now reach only accounts whose roles they may grant, grant
only those roles, and never set an existing account's password (a participant's is set in
person). Each test posts the forbidden fields straight to the server, as an attacker would, not
only through the rendered form. Superusers keep full power.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.roles import Role
from pathways.lms.security.passwords import temporary_password_set
from tests.factories.accounts import (
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-harbour-58"  # noqa: S105  (a test password)
User = get_user_model()


def edit_url(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def form_data(user, **changes) -> dict:
    """What the edit form posts for ``user`` unchanged, with ``changes`` on top."""
    profile = stored_profile(user) or Profile()
    data = {
        "username": user.username,
        "email": user.email,
        "chosen_name": profile.chosen_name,
        "legal_name": profile.legal_name,
        "peer_alias": profile.peer_alias,
        "preferred_language": profile.preferred_language or "en",
        "safe_contact_channels": list(profile.safe_contact_channels or []),
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


ESCALATION = {
    "is_superuser": "on",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@pytest.fixture
def superuser(db):
    return with_second_factor(UserFactory(is_superuser=True, is_staff=True, chosen_name="Root"))


@pytest.fixture
def maya(db):
    return ParticipantFactory(chosen_name="Maya")


def chosen_name(user) -> str:
    """Her chosen name as stored now."""
    return Profile.objects.get(user_id=user.pk).chosen_name


def unchanged(user, *, roles: set[str], password: str, superuser: bool = False) -> None:
    """In the database, ``user`` still has exactly ``roles``, her superuser status and
    ``password``."""
    fresh = User.objects.get(pk=user.pk)
    assert fresh.is_superuser is superuser
    assert set(fresh.groups.values_list("name", flat=True)) == roles
    assert fresh.check_password(password)


# --- a participant: her profile yes, power and password no ---------------------------------------


def test_staff_edit_a_participants_profile_and_roles_they_may_grant(staff, maya):
    response = admin_client(staff).post(
        edit_url(maya),
        form_data(
            maya, chosen_name="Maya R", groups=[group(Role.PARTICIPANT).pk, group(Role.MENTOR).pk]
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert chosen_name(maya) == "Maya R"
    assert set(maya.groups.values_list("name", flat=True)) == {Role.PARTICIPANT, Role.MENTOR}


def test_staff_cannot_make_a_participant_a_superuser_or_set_her_password(staff, maya, password):
    """The fields are not on the form, so a direct POST of them is ignored: the profile change
    alongside them is saved, the power and the password are not."""
    response = admin_client(staff).post(
        edit_url(maya), form_data(maya, chosen_name="Maya R", **ESCALATION)
    )
    assert response.status_code == 302
    assert chosen_name(maya) == "Maya R"
    unchanged(maya, roles={Role.PARTICIPANT}, password=password)


def test_staff_cannot_grant_a_role_above_those_they_may_grant(staff, maya, password):
    """The programme staff role is not among the choices: the whole edit is refused."""
    posted = form_data(
        maya,
        chosen_name="Maya R",
        groups=[group(Role.PARTICIPANT).pk, group(Role.PROGRAMME_STAFF).pk],
    )
    response = admin_client(staff).post(edit_url(maya), posted)
    assert response.status_code == 200  # the form, with the error
    assert chosen_name(maya) == "Maya"
    unchanged(maya, roles={Role.PARTICIPANT}, password=password)


def test_staff_cannot_grant_a_group_that_is_not_a_pathways_role(staff, maya, password):
    # Wagtail's own "Editors" group, made by its migrations, reaches the admin.
    editors, _created = Group.objects.get_or_create(name="Editors")
    posted = form_data(maya, groups=[group(Role.PARTICIPANT).pk, editors.pk])
    assert admin_client(staff).post(edit_url(maya), posted).status_code == 200
    unchanged(maya, roles={Role.PARTICIPANT}, password=password)


def test_the_form_staff_see_offers_no_administrator_box_password_or_higher_role(staff, maya):
    html = admin_client(staff).get(edit_url(maya)).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="password1"' not in html and 'name="password2"' not in html
    assert f'value="{group(Role.MENTOR).pk}"' in html
    assert f'value="{group(Role.PROGRAMME_STAFF).pk}"' not in html


# --- other staff and superusers: out of reach ---------------------------------------------------


@pytest.mark.parametrize(
    "make_target",
    [
        lambda: with_second_factor(StaffFactory(chosen_name="Sam")),
        lambda: with_second_factor(UserFactory(is_superuser=True, is_staff=True)),
    ],
    ids=["another member of staff", "a superuser"],
)
def test_staff_cannot_open_or_change_another_staff_members_or_a_superusers_account(
    staff, password, make_target
):
    target = make_target()
    roles = set(target.groups.values_list("name", flat=True))
    was_superuser = target.is_superuser
    client = admin_client(staff)
    assert client.get(edit_url(target)).status_code == 404
    posted = form_data(
        target,
        chosen_name="Changed",
        email="attacker@example.org",
        groups=[group(Role.PROGRAMME_STAFF).pk],
        is_active="",
        **ESCALATION,
    )
    posted.pop("is_active", None)  # unticked: an attempt to deactivate
    assert client.post(edit_url(target), posted).status_code == 404
    fresh = User.objects.get(pk=target.pk)
    assert (chosen_name(fresh), fresh.email, fresh.is_active) == (
        target.pathways_profile.chosen_name,
        target.email,
        True,
    )
    unchanged(target, roles=roles, password=password, superuser=was_superuser)


def test_staff_cannot_edit_their_own_account_here(staff):
    """Their own name and password are on the account page; groups are not theirs to pick."""
    assert admin_client(staff).get(edit_url(staff)).status_code == 404


def test_an_account_with_permissions_of_its_own_is_out_of_reach(staff):
    someone = ParticipantFactory()
    someone.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert admin_client(staff).get(edit_url(someone)).status_code == 404


def test_staff_may_manage_facilitators_mentors_and_employer_users(staff):
    client = admin_client(staff)
    for someone in (FacilitatorFactory(), MentorFactory(), ParticipantFactory()):
        assert client.get(edit_url(someone)).status_code == 200


def test_the_listing_links_only_accounts_within_reach(staff, superuser, maya):
    html = admin_client(staff).get(reverse("wagtailusers_users:index")).content.decode()
    assert edit_url(maya) in html
    assert edit_url(superuser) not in html
    assert edit_url(staff) not in html


def test_copying_an_account_is_switched_off(superuser, maya):
    response = admin_client(superuser).get(f"/admin/users/copy/{maya.pk}/")
    assert response.status_code == 404


# --- creating: the same rules, when a host lets staff add people ---------------------------------


def test_staff_who_may_add_people_cannot_create_a_superuser_or_staff(staff):
    staff.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=User._meta.app_label, codename=f"add_{User._meta.model_name}"
        )
    )
    staff = User.objects.get(pk=staff.pk)
    client = admin_client(with_second_factor(staff))
    new = {
        "username": "newcomer",
        "chosen_name": "Newcomer",
        "preferred_language": "en",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "is_superuser": "on",
        "groups": [group(Role.PARTICIPANT).pk],
    }
    assert client.post(reverse("wagtailusers_users:add"), new).status_code == 302
    created = User.objects.get(username="newcomer")
    assert not created.is_superuser
    profile = Profile.objects.get(user=created)  # the form's profile fields, saved with it
    assert (profile.chosen_name, profile.preferred_language) == ("Newcomer", "en")
    assert created.check_password(NEW_PASSWORD)  # a new account's first password, in person

    staff_role = {**new, "username": "other", "groups": [group(Role.PROGRAMME_STAFF).pk]}
    assert client.post(reverse("wagtailusers_users:add"), staff_role).status_code == 200
    assert not User.objects.filter(username="other").exists()


# --- bulk actions -------------------------------------------------------------------------------


def bulk_url(action: str, *people) -> str:
    ids = "&".join(f"id={p.pk}" for p in people)
    opts = User._meta
    return f"/admin/bulk/{opts.app_label}/{opts.model_name}/{action}/?next=/admin/users/&{ids}"


def test_bulk_assign_role_cannot_grant_programme_staff(staff, maya):
    response = admin_client(staff).post(
        bulk_url("assign_role", maya, staff), {"role": group(Role.PROGRAMME_STAFF).pk}
    )
    assert response.status_code == 200  # the form, with the error
    assert not maya.groups.filter(name=Role.PROGRAMME_STAFF).exists()


def test_bulk_assign_role_reaches_only_accounts_within_reach(staff, superuser, maya):
    admin_client(staff).post(
        bulk_url("assign_role", maya, superuser), {"role": group(Role.MENTOR).pk}
    )
    assert maya.groups.filter(name=Role.MENTOR).exists()
    assert not superuser.groups.filter(name=Role.MENTOR).exists()


def test_bulk_deactivation_never_reaches_a_superuser_or_other_staff(staff, superuser, maya):
    other = with_second_factor(StaffFactory())
    admin_client(staff).post(
        bulk_url("set_active_state", maya, superuser, other), {"mark_as_active": "False"}
    )
    assert not User.objects.get(pk=maya.pk).is_active
    assert User.objects.get(pk=superuser.pk).is_active
    assert User.objects.get(pk=other.pk).is_active


# --- superusers keep full power -----------------------------------------------------------------


def test_superusers_keep_full_power(superuser, maya):
    client = admin_client(superuser)
    html = client.get(edit_url(maya)).content.decode()
    assert 'name="is_superuser"' in html and 'name="password1"' in html
    posted = form_data(maya, groups=[group(Role.PROGRAMME_STAFF).pk], **ESCALATION)
    assert client.post(edit_url(maya), posted).status_code == 302
    maya.refresh_from_db()
    assert maya.is_superuser
    assert set(maya.groups.values_list("name", flat=True)) == {Role.PROGRAMME_STAFF}
    assert maya.check_password(NEW_PASSWORD)


def test_a_role_staff_may_not_grant_is_kept_when_they_edit_other_roles(staff, superuser):
    """Should a superuser give a participant a group of the host's, staff editing her roles
    cannot take it away either (they could not see it to keep it)."""
    # Only a superuser can put someone in a group outside reach; such an account is then out of
    # reach for staff, so the rule is about the form: build it directly.
    from pathways.lms.accounts.forms import PathwaysUserEditForm

    maya = ParticipantFactory()
    extra = Group.objects.create(name="Newsletter")
    maya.groups.add(extra)
    form = PathwaysUserEditForm(
        data=form_data(maya, groups=[group(Role.PARTICIPANT).pk, group(Role.MENTOR).pk]),
        instance=maya,
        for_user=staff,
    )
    assert form.is_valid(), form.errors
    form.save()
    assert set(maya.groups.values_list("name", flat=True)) == {
        Role.PARTICIPANT,
        Role.MENTOR,
        "Newsletter",
    }


# --- a password staff set in person -------------------------------------------------------------


def test_staff_cannot_take_a_facilitators_role_away_set_her_password_and_give_it_back(
    staff, password
):
    """Otherwise staff would know a facilitator's password, which pages outside the admin accept
    on its own."""
    facilitator = FacilitatorFactory(chosen_name="Fay")
    client = admin_client(staff)
    demoted = form_data(facilitator, groups=[group(Role.PARTICIPANT).pk])
    assert client.post(edit_url(facilitator), demoted).status_code == 302
    temporary_password_set(
        actor=staff, user=User.objects.get(pk=facilitator.pk), password=NEW_PASSWORD
    )
    fay = User.objects.get(pk=facilitator.pk)
    assert fay.pathways_profile.password_set_by_staff_at is not None

    promoted = form_data(fay, groups=[group(Role.PARTICIPANT).pk, group(Role.FACILITATOR).pk])
    response = client.post(edit_url(fay), promoted)
    assert response.status_code == 200  # the form, with the error
    assert "chosen a password of their own" in response.content.decode()
    assert not User.objects.get(pk=fay.pk).groups.filter(name=Role.FACILITATOR).exists()

    client.post(bulk_url("assign_role", fay), {"role": group(Role.FACILITATOR).pk})
    assert not User.objects.get(pk=fay.pk).groups.filter(name=Role.FACILITATOR).exists()

    # A mentor's role is still fine: staff may set a mentor's password anyway.
    client.post(bulk_url("assign_role", fay), {"role": group(Role.MENTOR).pk})
    assert User.objects.get(pk=fay.pk).groups.filter(name=Role.MENTOR).exists()


def test_once_she_chooses_her_own_password_staff_may_give_her_the_role(staff):
    maya = ParticipantFactory(chosen_name="Maya")
    temporary_password_set(actor=staff, user=maya, password=NEW_PASSWORD)
    maya = User.objects.get(pk=maya.pk)
    assert maya.pathways_profile.password_set_by_staff_at is not None
    maya.set_password("her-own-choice-77")
    maya.save()
    assert Profile.objects.get(user=maya).password_set_by_staff_at is None
    promoted = form_data(maya, groups=[group(Role.PARTICIPANT).pk, group(Role.FACILITATOR).pk])
    assert admin_client(staff).post(edit_url(maya), promoted).status_code == 302
    assert User.objects.get(pk=maya.pk).groups.filter(name=Role.FACILITATOR).exists()


def test_a_superuser_may_give_the_role_even_while_staff_know_the_password(staff, superuser):
    maya = ParticipantFactory(chosen_name="Maya")
    temporary_password_set(actor=staff, user=maya, password=NEW_PASSWORD)
    maya = User.objects.get(pk=maya.pk)
    promoted = form_data(maya, groups=[group(Role.PARTICIPANT).pk, group(Role.FACILITATOR).pk])
    assert admin_client(superuser).post(edit_url(maya), promoted).status_code == 302
    assert User.objects.get(pk=maya.pk).groups.filter(name=Role.FACILITATOR).exists()


@pytest.mark.parametrize("url_name", ["wagtailimages:add", "wagtaildocs:add"])
def test_staff_may_upload_images_and_documents_for_their_courses(staff, url_name):
    """Wagtail permits images and documents per collection: the role's permissions on the root
    collection let staff upload; without them Wagtail sends them back to the dashboard."""
    response = admin_client(staff).get(reverse(url_name))
    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_facilitators_may_not_upload_images(facilitator):
    response = admin_client(facilitator).get(reverse("wagtailimages:add"))
    assert response.status_code in (302, 403)
