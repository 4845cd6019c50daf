"""The Wagtail admin's user screens, showing the fields Pathways adds and holding staff to the
accounts and roles within their reach (``lms.accounts.user_admin``)."""

from django.http import Http404
from django.utils.functional import cached_property

from wagtail.users.views.users import CreateView as WagtailUserCreateView
from wagtail.users.views.users import DeleteView as WagtailUserDeleteView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from pathways.lms.accounts.forms import PathwaysUserCreationForm, PathwaysUserEditForm
from pathways.lms.accounts.user_admin import may_manage_account
from pathways.lms.security.legal_names import legal_name_read_record
from pathways.lms.security.views import temporary_password_button


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
    """A person's page shows her legal name to staff: each showing is recorded (lms.security),
    and a participant's page offers "Set a temporary password"."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        legal_name_read_record(reader=self.request.user, subject=self.object, request=self.request)
        return context

    @cached_property
    def header_more_buttons(self):
        button = temporary_password_button(request_user=self.request.user, user=self.object)
        return [*super().header_more_buttons, *([button] if button else [])]


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
