"""Paused sign-ins in the Wagtail admin: which accounts and addresses are paused, and ending one.

A participant who typed a wrong password too often is told to wait or to ask staff in person.
Programme staff (and superusers) see every current pause here and can end it once they have
checked, in person, that it is her. Nobody else reaches these pages.
"""

from django import forms
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from pathways.lms.security import sign_in_limits


def may_end_pauses(user) -> bool:
    """Programme staff (granted axes' delete permission after every migrate) and superusers.

    A permission rather than a role check: the admin menu asks on every page, and permissions are
    already loaded there."""
    return bool(user and user.is_authenticated and user.has_perm("axes.delete_accessattempt"))


class EndPauseForm(forms.Form):
    kind = forms.ChoiceField(choices=[(sign_in_limits.ACCOUNT, ""), (sign_in_limits.ADDRESS, "")])
    key = forms.CharField(max_length=255)


class SignInPausesView(WagtailAdminTemplateMixin, TemplateView):
    """GET lists the current pauses; POST ends one and comes back here."""

    template_name = "security/sign_in_pauses.html"
    page_title = gettext_lazy("Paused sign-ins")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not may_end_pauses(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pauses=sign_in_limits.current_pauses(),
            pause_minutes=sign_in_limits.pause_minutes(),
            account_limit=sign_in_limits.account_failure_limit(),
            address_limit=sign_in_limits.address_failure_limit(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = EndPauseForm(request.POST)
        if form.is_valid():
            sign_in_limits.pause_end(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                key=form.cleaned_data["key"],
            )
            messages.success(request, _("The pause has ended: signing in works again now."))
        else:
            messages.error(request, _("That pause could not be found. Nothing was changed."))
        return redirect("security_admin:sign_in_pauses")
