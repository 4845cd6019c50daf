from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses authored in Wagtail, and each participant's enrolment and progress through them."""

    name = "pathways.courses"
    label = "pathways_courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.courses.permissions import register as register_permissions

        register_permissions()
