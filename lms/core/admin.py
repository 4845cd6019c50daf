"""The one way Pathways builds admin screens that change something: a form whose change is made
by a service. The service checks every rule and writes the audit log; these views only call it
and show its refusal on the form. Used by every app's ``admin.py``.

- :class:`ServiceCreateView` and :class:`ServiceEditView`: a viewset's add and edit views, with
  ``save_through_service(form)`` returning the saved object.
- :class:`AdminFormView`: any other form page (issue, revoke, record consent...), with
  ``form_valid`` calling the service and :meth:`AdminFormView.run_service` showing a refusal;
  :class:`RecordFormView` when the form is about one record (``self.object``).
- :class:`KeptRecordsMixin`: a viewset whose records are never added by hand, edited or deleted
  here; those views become :class:`NotEditableView`, back to the record's page or the list.
- :class:`EmptyValuesInspectMixin`: a record's page that shows an empty value as a dash, never as
  "None" or a blank.
- :class:`RowActionsMixin`: a list whose rows' "More" menu offers the record's own actions
  (:class:`RowAction`) after Wagtail's edit, inspect and delete.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from pathways.lms.core.errors import add_form_errors


class ServiceFormMixin:
    """A viewset's create or edit view whose change is made by a service (which also writes the
    audit log); a refusal is shown on the form and nothing is saved."""

    def save_through_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_through_service(form)
        except ValidationError as error:
            add_form_errors(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        return self.run_after_hook() or response


class ServiceCreateView(ServiceFormMixin, CreateView):
    pass


class ServiceEditView(ServiceFormMixin, EditView):
    pass


class AdminFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A form page in the admin whose change is made by a service."""

    template_name = "pathways/admin/form.html"
    submit_button_label = gettext_lazy("Save")
    intro = ""
    index_url_name = None
    breadcrumbs_label = ""

    def run_service(self, form, call):
        """``call()`` inside a transaction; its refusal goes on the form and None is returned."""
        try:
            with transaction.atomic():
                return call()
        except ValidationError as error:
            add_form_errors(form, error)
            return None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.breadcrumbs_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = self.submit_button_label
        context["intro"] = self.intro
        context["media"] = context["form"].media
        return context


class RecordFormView(AdminFormView):
    """An :class:`AdminFormView` about one record, named by ``pk`` in the URL: ``self.object``
    is loaded from :meth:`get_record_queryset` before anything else, or the page is a 404."""

    def get_record_queryset(self):
        return self.model._default_manager.all()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(self.get_record_queryset(), pk=kwargs["pk"])


class NotEditableView(View):
    """Stands in for a view a record type must not have: back to the record's page (which says
    what staff can do) when there is one, otherwise to the list."""

    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, *args, pk=None, **kwargs):
        if self.inspect_url_name and pk is not None:
            return redirect(self.inspect_url_name, pk)
        return redirect(self.index_url_name)


class KeptRecordsMixin:
    """For a ``ModelViewSet`` whose records are never added by hand, edited or deleted here: the
    views named in ``not_editable`` (any of "add", "edit", "delete") lose their links and go back
    to the record's page (when the viewset has one) or to the list."""

    not_editable: tuple[str, ...] = ("edit", "delete")

    def get_common_view_kwargs(self, **kwargs):
        hidden = {f"{name}_url_name": None for name in self.not_editable}
        return super().get_common_view_kwargs(**{**hidden, **kwargs})

    def _not_editable_view(self):
        return NotEditableView.as_view(
            index_url_name=self.get_url_name("index"),
            inspect_url_name=self.get_url_name("inspect") if self.inspect_view_enabled else None,
        )

    @property
    def add_view(self):
        return self._not_editable_view() if "add" in self.not_editable else super().add_view

    @property
    def edit_view(self):
        return self._not_editable_view() if "edit" in self.not_editable else super().edit_view

    @property
    def delete_view(self):
        return self._not_editable_view() if "delete" in self.not_editable else super().delete_view


#: How an admin page shows a value that is not there.
EMPTY_VALUE = "—"


def is_empty_value(value) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip() in ("", "-", "None")


class EmptyValuesInspectMixin:
    """For a viewset's inspect view: a field with no value (``None``, a blank, or the "-" of an
    older display method) shows as :data:`EMPTY_VALUE`, so staff never read "None"."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return EMPTY_VALUE if is_empty_value(value) else value


@dataclass(frozen=True)
class RowAction:
    """One action in a list row's "More" menu. Without a priority it comes after every button
    before it."""

    label: str
    url: str
    icon_name: str
    priority: int | None = None


class RowActionsMixin:
    """For a viewset's index view: each row's "More" menu holds Wagtail's own buttons (edit,
    inspect, delete, those the viewset has), or with ``keep_wagtail_buttons = False`` only the
    record's page ("Details"), and then the actions :meth:`row_actions` gives, in order."""

    keep_wagtail_buttons = True

    def row_actions(self, instance) -> Iterable[RowAction]:
        return ()

    def get_list_more_buttons(self, instance):
        if self.keep_wagtail_buttons:
            buttons = list(super().get_list_more_buttons(instance))
        else:
            buttons = []
            if inspect_url := self.get_inspect_url(instance):
                buttons.append(
                    MenuItem(_("Details"), url=inspect_url, icon_name="info-circle", priority=10)
                )
        highest = max((button.priority for button in buttons), default=0)
        for action in self.row_actions(instance):
            priority = action.priority if action.priority is not None else highest + 10
            highest = max(highest, priority)
            buttons.append(
                MenuItem(
                    action.label, url=action.url, icon_name=action.icon_name, priority=priority
                )
            )
        return buttons
