"""Staff tools for courses in the Wagtail admin: enrolments, made through the same service as
participants, so the admin cannot enrol someone the rules would refuse.
"""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from pathways.courses import services
from pathways.courses.models import Enrolment
from pathways.lms.accounts.people import PeopleIndexMixin, PeopleInspectMixin, offer_people
from pathways.lms.core.admin import ServiceCreateView


class EnrolmentCreateView(ServiceCreateView):
    """Staff enrol a participant; the service applies the rules and records who did it."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "user" in form.fields:
            offer_people(form.fields["user"], form.fields["user"].queryset)
        return form

    def save_through_service(self, form):
        return services.enrolment_start(
            user=form.cleaned_data["user"],
            course=form.cleaned_data["course"],
            enrolled_by=self.request.user,
        )


class EnrolmentIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("user",)
    also_related = ("course",)


class EnrolmentInspectView(PeopleInspectMixin, InspectView):
    person_fields = ("user", "enrolled_by")


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    menu_order = 210
    add_to_admin_menu = True
    add_view_class = EnrolmentCreateView
    index_view_class = EnrolmentIndexView
    inspect_view_class = EnrolmentInspectView
    form_fields = ["user", "course"]
    list_display = ["user", "course", "status", "enrolled_at", "completed_at"]
    list_filter = ["status", "course"]
    search_fields = ["user__pathways_profile__chosen_name", "user__username", "course__title"]
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


def viewset() -> ModelViewSet:
    """The admin screens registered by ``courses.wagtail_hooks``."""
    return EnrolmentViewSet("enrolments")
