"""The Wagtail admin's user screens, held to the accounts and roles within the reach of the
person using them (``lms.accounts.selectors``).

- The user viewset (made Wagtail's by ``wagtail_users.PathwaysUsersAppConfig``) shows the fields
  Pathways adds; accounts out of reach are listed without links and answer as if they did not
  exist.
- Her own account page (Wagtail's "Account"): a panel for the name Pathways calls her by, kept in
  her Pathways profile. Wagtail's own "Name" panel edits the user model's first and last names,
  which Pathways never shows.
- The user listing's bulk actions: Wagtail's own "Assign role" adds the chosen people to any
  group, programme staff included, and "Set active state" and "Delete" reach superusers'
  accounts; these replace them (same action names, registered after Wagtail's in
  ``wagtail_hooks``).
"""

from django import forms
from django.http import Http404
from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.views.account import BaseSettingsPanel
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction
from wagtail.users.views.users import CreateView as WagtailUserCreateView
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserColumn
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from pathways.lms.accounts.forms import PathwaysUserCreationForm, PathwaysUserEditForm
from pathways.lms.accounts.names import (
    chosen_name_of,
    normalise_name,
    stored_profile,
    validate_person_name,
)
from pathways.lms.accounts.people import person_ordering, with_profiles
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.selectors import (
    grantable_groups,
    may_manage_account,
    roles_refused_while_staff_know_the_password,
)
from pathways.lms.accounts.signals import USER_HEADER_BUTTONS_HOOK, account_shown_to_staff

# The user viewset -----------------------------------------------------------------------------


class _AccountWithinReach:
    """An account out of the person's reach answers as if it did not exist."""

    def get_object(self, queryset=None):
        user = super().get_object(queryset)
        if not may_manage_account(actor=self.request.user, user=user):
            raise Http404
        return user


class _FormForActor:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class UserIndexView(WagtailUserIndexView):
    """Accounts out of reach are listed without a link to edit or delete them.

    People are named, sorted and found by their chosen name (or username), never by the user
    model's first and last names, which may be a legal name."""

    @cached_property
    def columns(self):
        columns = list(super().columns)
        name_column = self._get_title_column_class(UserColumn)(
            "name",
            accessor=chosen_name_of,
            label=_("Name"),
            sort_key="name",
            get_url=self.get_edit_url,
            classname="name",
        )
        return [name_column if column.name == "name" else column for column in columns]

    @cached_property
    def search_fields(self):
        fields = self.model_fields & {self.model.USERNAME_FIELD, "username", "email"}
        return [*sorted(fields), "pathways_profile__chosen_name"]

    def get_base_queryset(self):
        return with_profiles(super().get_base_queryset()).prefetch_related(
            "groups", "user_permissions"
        )

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            return queryset.order_by(*person_ordering(descending=self.ordering == "-name"))
        return super().order_queryset(queryset)

    def get_edit_url(self, instance):
        if may_manage_account(actor=self.request.user, user=instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if may_manage_account(actor=self.request.user, user=instance):
            return super().get_delete_url(instance)
        return None


class UserCreateView(_FormForActor, WagtailUserCreateView):
    pass


class UserEditView(_AccountWithinReach, _FormForActor, WagtailUserEditView):
    """A person's page shows her legal name to staff: each showing is announced (the security app
    records it), and other apps may add header buttons ("Set a temporary password")."""

    def get_page_subtitle(self):
        return chosen_name_of(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account_shown_to_staff.send(
            sender=type(self.object),
            reader=self.request.user,
            subject=self.object,
            request=self.request,
        )
        return context

    @cached_property
    def header_more_buttons(self):
        buttons = [
            hook(request_user=self.request.user, user=self.object)
            for hook in hooks.get_hooks(USER_HEADER_BUTTONS_HOOK)
        ]
        return [*super().header_more_buttons, *(button for button in buttons if button)]


class UserDeleteView(_AccountWithinReach, WagtailUserDeleteView):
    pass


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    # Copying fills the new account's form from an existing one, superusers' included.
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return PathwaysUserEditForm if for_update else PathwaysUserCreationForm


# Her own account page ------------------------------------------------------------------------


class ChosenNameForm(forms.Form):
    """The name Pathways calls her by, on her own account page. Saved into her profile (made
    then if she has none yet) only when she changed it."""

    chosen_name = forms.CharField(
        label=_("Chosen name"),
        max_length=150,
        required=False,
        help_text=_(
            "The name you are called by on the learning pages and in this admin, everywhere. "
            "Leave it empty to be called by your username."
        ),
        validators=[validate_person_name],
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        profile = stored_profile(user)
        self.fields["chosen_name"].initial = profile.chosen_name if profile else ""

    def clean_chosen_name(self) -> str:
        return normalise_name((self.cleaned_data.get("chosen_name") or "").strip())

    def save(self) -> None:
        if self.has_changed():
            profile_update(self.user, chosen_name=self.cleaned_data["chosen_name"])


class ChosenNamePanel(BaseSettingsPanel):
    """A panel of Wagtail's account page (``register_account_settings_panel``)."""

    name = "pathways_name"
    title = _("Your chosen name")
    order = 110  # just after Wagtail's "Name and Email"
    form_class = ChosenNameForm

    def get_form(self):
        kwargs = {"user": self.user, "prefix": self.name}
        if self.request.method == "POST":
            return self.form_class(self.request.POST, **kwargs)
        return self.form_class(**kwargs)


# Bulk actions on the user listing -----------------------------------------------------------


class _BulkWithinReach:
    @classmethod
    def get_queryset(cls, model, object_ids):
        people = model._default_manager.prefetch_related("groups", "user_permissions")
        return get_list_or_404(people, pk__in=object_ids)

    def check_perm(self, obj):
        return super().check_perm(obj) and may_manage_account(actor=self.request.user, user=obj)


class PathwaysAssignRoleBulkAction(_BulkWithinReach, AssignRoleBulkAction):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = grantable_groups(actor=self.request.user)
        return form

    @cached_property
    def _role_posted(self):
        role_id = self.request.POST.get("role", "")
        if not role_id.isdigit():
            return None
        return grantable_groups(actor=self.request.user).filter(pk=role_id).first()

    def check_perm(self, obj):
        if not super().check_perm(obj):
            return False
        role = self._role_posted
        return role is None or not roles_refused_while_staff_know_the_password(
            actor=self.request.user, user=obj, groups=[role]
        )


class PathwaysSetActiveStateBulkAction(_BulkWithinReach, SetActiveStateBulkAction):
    pass


class PathwaysDeleteBulkAction(_BulkWithinReach, DeleteBulkAction):
    pass
