"""Staff tools for courses in the Wagtail admin: enrolments, made through the same service as
participants, so the admin cannot enrol someone the rules would refuse.

Also :class:`PeopleIndexMixin` and :class:`PeopleInspectMixin`, which the cohorts and mentoring
admin screens use too: how the admin names the people in a record.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from pathways.courses import services
from pathways.courses.models import Enrolment
from pathways.lms.accounts.names import staff_label
from pathways.lms.core.admin import ServiceCreateView


def _person_label(field_name: str):
    def label(instance) -> str:
        return staff_label(getattr(instance, field_name))

    return label


class PeopleIndexMixin:
    """An admin list with people in it: each user field named in ``person_fields`` shows as
    ``names.staff_label`` (her chosen name and username: ``str()`` of the user model is only
    the username, or on a host's model anything), sorts by chosen name, and the people's
    profiles load with the rows, so the list runs a fixed number of queries.
    ``also_related`` adds other ``select_related`` paths the list needs for what it shows."""

    person_fields: tuple[str, ...] = ()
    also_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related(
                *(f"{name}__pathways_profile" for name in self.person_fields), *self.also_related
            )
        )

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if field_name not in self.person_fields:
            return super()._get_custom_column(field_name, column_class, **kwargs)
        column = super()._get_custom_column(
            field_name, column_class, accessor=_person_label(field_name), **kwargs
        )
        column.sort_key = f"{field_name}__pathways_profile__chosen_name"
        return column


class PeopleInspectMixin:
    """A record's page naming the people in ``person_fields`` by ``names.staff_label``."""

    person_fields: tuple[str, ...] = ()

    def get_field_display_value(self, field_name, field):
        if field_name in self.person_fields:
            person = getattr(self.object, field_name)
            return staff_label(person) if person is not None else "-"
        return super().get_field_display_value(field_name, field)


def people_choices(queryset):
    """People to choose from in an admin form, with their profiles, so each is labelled by
    ``names.staff_label`` without a query per person (set the field's ``label_from_instance``
    to ``staff_label``)."""
    return queryset.select_related("pathways_profile")


class EnrolmentCreateView(ServiceCreateView):
    """Staff enrol a participant; the service applies the rules and records who did it."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "user" in form.fields:
            form.fields["user"].queryset = people_choices(form.fields["user"].queryset).order_by(
                "pathways_profile__chosen_name", get_user_model().USERNAME_FIELD
            )
            form.fields["user"].label_from_instance = staff_label
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
