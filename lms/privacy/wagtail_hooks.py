"""Privacy in the Wagtail admin: the erasure records (with "Erase a person's personal data"), and
"Erase personal data" on each account of the user list for staff who may erase."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.widgets.button import Button

from pathways.lms.core.schedule import PERIODIC_TASKS_HOOK, PeriodicTask
from pathways.lms.privacy import services, tasks
from pathways.lms.privacy.admin import ErasureRecordViewSet
from pathways.lms.privacy.services import ERASE_ACTION


@hooks.register("register_admin_viewset")
def register_erasure_viewset():
    return ErasureRecordViewSet("erasure_records", url_prefix="erasure-records")


@hooks.register("register_user_listing_buttons")
def erase_user_button(user, request_user):
    # Roles are checked on the confirmation page: here they would cost a query per row.
    if user.is_superuser or user.is_staff or not services.may_erase(request_user):
        return []
    return [
        Button(
            _("Erase personal data"),
            url=reverse("erasure_records:erase", args=[user.pk]),
            icon_name="bin",
            priority=90,
        )
    ]


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(
        ERASE_ACTION, gettext_lazy("Erase personal data"), gettext_lazy("Personal data erased")
    )


@hooks.register(PERIODIC_TASKS_HOOK)
def privacy_periodic_tasks():
    return [
        PeriodicTask(
            name="purge_expired",
            task=tasks.purge_expired_records,
            when="03:30",
            description="Delete the records past their retention period (PATHWAYS_RETENTION_DAYS).",
        )
    ]
