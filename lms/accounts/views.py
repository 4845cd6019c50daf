"""Signing in and out."""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"page_title": _("Sign in")}


class SignOutView(auth_views.LogoutView):
    pass
