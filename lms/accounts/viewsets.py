"""The Wagtail admin's user screens, showing the fields Pathways adds and holding staff to the
accounts and roles within their reach (``lms.accounts.user_admin``)."""

from django.http import Http404
from django.utils.functional import cached_property

from wagtail import hooks
from wagtail.users.views.users import CreateView as WagtailUserCreateView
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from pathways.lms.accounts.forms import PathwaysUserCreationForm, PathwaysUserEditForm
from pathways.lms.accounts.signals import USER_HEADER_BUTTONS_HOOK, account_shown_to_staff
from pathways.lms.accounts.user_admin import may_manage_account


class _WithinReach:
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


class UserEditView(_WithinReach, _FormForActor, WagtailUserEditView):
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


class UserDeleteView(_WithinReach, WagtailUserDeleteView):
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
