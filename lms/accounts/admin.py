"""The Wagtail admin's user screens, held to the accounts and roles within the reach of the
person using them (``lms.accounts.selectors``).

- The user viewset (made Wagtail's by ``wagtail_users.PathwaysUsersAppConfig``) shows the fields
  Pathways adds; accounts out of reach are listed without links and answer as if they did not
  exist.
- The user listing's bulk actions: Wagtail's own "Assign role" adds the chosen people to any
  group, programme staff included, and "Set active state" and "Delete" reach superusers'
  accounts; these replace them (same action names, registered after Wagtail's in
  ``wagtail_hooks``).
"""

from django.http import Http404
from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction
from wagtail.users.views.users import CreateView as WagtailUserCreateView
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from pathways.lms.accounts.forms import PathwaysUserCreationForm, PathwaysUserEditForm
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
    """Accounts out of reach are listed without a link to edit or delete them."""

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("groups", "user_permissions")

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
