"""The user listing's bulk actions, held to the accounts and roles within reach.

Wagtail's own "Assign role" adds the chosen people to any group, programme staff included, and
"Set active state" and "Delete" reach superusers' accounts; these replace them (same action
names, registered after Wagtail's) with the rules of ``lms.accounts.user_admin``.
"""

from django.shortcuts import get_list_or_404
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from pathways.lms.accounts.user_admin import (
    grantable_groups,
    may_manage_account,
    roles_refused_while_staff_know_the_password,
)

# After Wagtail's hooks (order 0), so that these take their action names.
_AFTER_WAGTAIL = 10


class _WithinReach:
    @classmethod
    def get_queryset(cls, model, object_ids):
        people = model._default_manager.prefetch_related("groups", "user_permissions")
        return get_list_or_404(people, pk__in=object_ids)

    def check_perm(self, obj):
        return super().check_perm(obj) and may_manage_account(actor=self.request.user, user=obj)


@hooks.register("register_bulk_action", order=_AFTER_WAGTAIL)
class PathwaysAssignRoleBulkAction(_WithinReach, AssignRoleBulkAction):
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


@hooks.register("register_bulk_action", order=_AFTER_WAGTAIL)
class PathwaysSetActiveStateBulkAction(_WithinReach, SetActiveStateBulkAction):
    pass


@hooks.register("register_bulk_action", order=_AFTER_WAGTAIL)
class PathwaysDeleteBulkAction(_WithinReach, DeleteBulkAction):
    pass
