"""The admin's second factor: setting it up and passing it. The pages inside the admin (new
backup codes, temporary passwords) are in ``admin.py``."""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from wagtail.log_actions import log

import django_otp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.lms.security.forms import SetupCodeForm, VerifyCodeForm
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


def _describe_errors(form) -> None:
    """Name the visible error box (``security/_code_errors.html``) in the code field's
    aria-describedby, so that a screen reader reads the refusal with the field it focuses."""
    if not form.errors:
        return
    field = form["code"]
    described_by = ["code-errors"]
    if field.help_text:
        described_by.append(f"{field.id_for_label}-helptext")
    field.field.widget.attrs["aria-describedby"] = " ".join(described_by)


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
    _describe_errors(form)
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
    _describe_errors(form)
    return render(
        request,
        "security/two_factor_verify.html",
        {"page_title": _("Two-step sign-in"), "form": form, "next_url": next_url},
    )
