"""Signing in and out, and a person's own settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pathways.lms.accounts.forms import OWN_SETTINGS_FIELDS, OwnSettingsForm, SignInForm
from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.sign_in import SIGN_IN, after_sign_in_url, login_required
from pathways.lms.core.responses import clear_site_data


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": gettext_lazy("Sign in")}

    def get_default_redirect_url(self):
        """Without a ``?next=``: where her work is (her first role's page), never the host's
        ``LOGIN_REDIRECT_URL``."""
        return after_sign_in_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """Ends the session and asks the browser to forget this site's pages, cookies and storage."""

    next_page = SIGN_IN

    def post(self, request, *args, **kwargs):
        return clear_site_data(super().post(request, *args, **kwargs))


def _follow_language(response, language: str):
    """This browser follows the language she saved: the footer's switch (a cookie) would
    otherwise win over her settings."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def own_settings(request):
    """ "Your settings": the language and time zone she reads Pathways in, on any device."""
    profile = stored_profile(request.user)
    if request.method == "POST":
        form = OwnSettingsForm(request.POST, profile=profile)
        if form.is_valid():
            chosen = {name: form.cleaned_data[name] for name in OWN_SETTINGS_FIELDS}
            profile_update(request.user, **chosen)
            language = chosen["preferred_language"]
            with translation.override(language or translation.get_language()):
                messages.success(request, _("Your settings are saved."))
            return _follow_language(redirect("accounts:settings"), language)
    else:
        form = OwnSettingsForm(profile=profile)
    return render(
        request,
        "accounts/settings.html",
        {"page_title": gettext_lazy("Your settings"), "form": form},
        status=400 if form.is_bound else 200,
    )
