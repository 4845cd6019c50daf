"""The Wagtail admin's user screens, showing the fields Pathways adds."""

from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import PathwaysUserCreationForm, PathwaysUserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return PathwaysUserEditForm if for_update else PathwaysUserCreationForm
