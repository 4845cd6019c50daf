"""The admin's second factor (set up, verify, backup codes) and the temporary password view."""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.log_actions import log

import django_otp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.lms.security import passwords
from pathways.lms.security.forms import SetupCodeForm, TemporaryPasswordForm, VerifyCodeForm
from pathways.lms.security.two_factor import (
    admin_prefix,
    backup_codes_replace,
    confirmed_authenticator,
    needs_second_factor,
    otpauth_uri,
    pending_authenticator,
    qr_svg,
    second_factor_code_check,
    secret_in_groups,
    wait_message,
)

SECOND_FACTOR_SET_UP_ACTION = "pathways.second_factor_set_up"
BACKUP_CODES_ACTION = "pathways.backup_codes_replaced"
SECOND_FACTOR_RESET_ACTION = "pathways.second_factor_reset"


def _next_url(request) -> str:
    """Where to go after the second factor: the admin page asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return admin_prefix()


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _person_who_needs_it(request):
    """The signed-in person, if she needs a second factor; otherwise sign in, or nothing here."""
    if not request.user.is_authenticated:
        return None
    if not needs_second_factor(request.user):
        raise Http404
    return request.user


def _signed_in(request, device) -> None:
    """Mark this session as having passed the second factor, under a new session key."""
    django_otp.login(request, device)
    request.session.cycle_key()


@never_cache
@sensitive_post_parameters("code")
def two_factor_setup(request):
    user = _person_who_needs_it(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    next_url = _next_url(request)
    if confirmed_authenticator(user) is not None:
        return redirect(_with_next("security:two_factor_verify", next_url))
    device = pending_authenticator(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = wait_message(device)
        if wait:
            form.add_error("code", wait)
        elif device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = backup_codes_replace(user=user)
            _signed_in(request, device)
            log(instance=user, action=SECOND_FACTOR_SET_UP_ACTION, user=user)
            return render(
                request,
                "security/backup_codes.html",
                {
                    "page_title": _("Keep your backup codes"),
                    "codes": codes,
                    "next_url": next_url,
                    "just_set_up": True,
                },
            )
        else:
            form.add_error(
                "code",
                _(
                    "That code did not work. Check that the time on your phone is right, then "
                    "type the newest code."
                ),
            )
    uri = otpauth_uri(device)
    return render(
        request,
        "security/two_factor_setup.html",
        {
            "page_title": _("Set up two-step sign-in"),
            "form": form,
            "next_url": next_url,
            "qr_svg": qr_svg(uri, title=_("QR code to scan with your authenticator app")),
            "secret": secret_in_groups(device),
            "account_label": f"{device.user.get_username()}",
        },
    )


@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request):
    user = _person_who_needs_it(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    next_url = _next_url(request)
    if confirmed_authenticator(user) is None:
        return redirect(_with_next("security:two_factor_setup", next_url))
    if user.is_verified():
        return redirect(next_url)
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_code_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _signed_in(request, check.device)
            return redirect(next_url)
        form.add_error("code", check.error)
    return render(
        request,
        "security/two_factor_verify.html",
        {"page_title": _("Two-step sign-in"), "form": form, "next_url": next_url},
    )


# Views inside the Wagtail admin (registered in wagtail_hooks) ---------------------------------


def temporary_password_button(*, request_user, user, button_class=Button, priority: int = 50):
    """A "Set a temporary password" button for a participant's row or page, if allowed."""
    if not passwords.may_set_temporary_password(actor=request_user, user=user):
        return None
    return button_class(
        _("Set a temporary password"),
        url=reverse("security_admin:temporary_password", args=[user.pk]),
        icon_name="key",
        priority=priority,
    )


class BackupCodesView(WagtailAdminTemplateMixin, TemplateView):
    """New backup codes, shown once. Reached only after passing the second factor."""

    template_name = "security/backup_codes_replace.html"
    page_title = gettext_lazy("Backup codes")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not needs_second_factor(request.user) or not request.user.is_verified():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            remaining=StaticToken.objects.filter(device__user=self.request.user).count(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        codes = backup_codes_replace(user=request.user)
        log(instance=request.user, action=BACKUP_CODES_ACTION, user=request.user)
        return render(
            request,
            "security/backup_codes.html",
            {
                "page_title": _("Keep your backup codes"),
                "codes": codes,
                "next_url": reverse("wagtailadmin_account"),
                "just_set_up": False,
            },
        )


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class TemporaryPasswordView(WagtailAdminTemplateMixin, FormView):
    """Programme staff set a participant's password in person (she asked at the programme)."""

    template_name = "security/temporary_password.html"
    page_title = gettext_lazy("Set a temporary password")
    header_icon = "key"
    form_class = TemporaryPasswordForm

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        if not passwords.may_set_temporary_password(actor=request.user, user=self.person):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.person.get_full_name()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {
                "url": reverse("wagtailusers_users:edit", args=[self.person.pk]),
                "label": self.person.get_full_name(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.person}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(person=self.person, **kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=_("Set the password"),
            submit_button_active_label=_("Setting the password…"),
            media=context["form"].media,
        )
        return context

    @method_decorator(sensitive_variables("password"))
    def form_valid(self, form):
        made = form.cleaned_data["how"] == TemporaryPasswordForm.MAKE
        if made:
            password = passwords.readable_password_for(self.person)
            if password is None:
                form.add_error(
                    "how", _("A password could not be made that fits the rules. Type one instead.")
                )
                return self.form_invalid(form)
        else:
            password = form.cleaned_data["password1"]
        passwords.temporary_password_set(
            actor=self.request.user, user=self.person, password=password
        )
        return render(
            self.request,
            "security/temporary_password_done.html",
            {
                **self.get_context_data(form=form),
                # Shown once on this page only when we made it; never stored in a message.
                "password": password if made else "",
            },
        )
