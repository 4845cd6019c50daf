"""The Wagtail admin's user screens, showing the fields Pathways adds."""

from django.utils.functional import cached_property

from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from lms.security.legal_names import legal_name_read_record
from lms.security.views import temporary_password_button

from .forms import PathwaysUserCreationForm, PathwaysUserEditForm


class UserEditView(WagtailUserEditView):
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


class UserViewSet(WagtailUserViewSet):
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return PathwaysUserEditForm if for_update else PathwaysUserCreationForm
