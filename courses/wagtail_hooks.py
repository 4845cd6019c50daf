"""Staff tools in the Wagtail admin: enrolments, made through the same service as participants."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from pathways.courses import services
from pathways.courses.models import Enrolment


class EnrolmentCreateView(CreateView):
    """Staff enrol a participant; the service applies the rules and records who did it."""

    def form_valid(self, form):
        self.form = form
        try:
            self.object = services.enrolment_start(
                user=form.cleaned_data["user"],
                course=form.cleaned_data["course"],
                enrolled_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        response = self.save_action()
        return self.run_after_hook() or response


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    menu_order = 210
    add_to_admin_menu = True
    add_view_class = EnrolmentCreateView
    form_fields = ["user", "course"]
    list_display = ["user", "course", "status", "enrolled_at", "completed_at"]
    list_filter = ["status", "course"]
    search_fields = ["user__chosen_name", "user__username", "course__title"]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "user",
        "course",
        "status",
        "enrolled_at",
        "completed_at",
        "withdrawn_at",
        "enrolled_by",
        "last_activity_at",
    ]


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return EnrolmentViewSet("enrolments")
