"""Signing in and out."""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from pathways.lms.accounts.forms import SignInForm
from pathways.lms.accounts.sign_in import AFTER_SIGN_IN, SIGN_IN
from pathways.lms.core.responses import clear_site_data


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    next_page = AFTER_SIGN_IN  # without a ?next=; not the host's LOGIN_REDIRECT_URL
    extra_context = {"page_title": _("Sign in")}


class SignOutView(auth_views.LogoutView):
    """Ends the session and asks the browser to forget this site's pages, cookies and storage."""

    next_page = SIGN_IN

    def post(self, request, *args, **kwargs):
        return clear_site_data(super().post(request, *args, **kwargs))
