"""System checks for what Django's own checks cannot see in this setup.

Django's deployment checks look for ``django.middleware.csrf.CsrfViewMiddleware`` by name. We
run a subclass of it (see :class:`~lms.security.middleware.SameOriginCsrfViewMiddleware`), so
``security.W003`` is silenced in the settings and, with it, the check that the CSRF cookie is
secure; these checks take their place.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string

CSP_MIDDLEWARE = "pathways.lms.security.middleware.ContentSecurityPolicyMiddleware"
SECOND_FACTOR_MIDDLEWARE = "pathways.lms.security.middleware.AdminSecondFactorMiddleware"
OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"


def _csrf_middleware_installed() -> bool:
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, CsrfViewMiddleware):
            return True
    return False


@register("security")
def check_security_middleware(app_configs, **kwargs):
    errors = []
    if not _csrf_middleware_installed():
        errors.append(
            Error(
                "No CSRF middleware is installed.",
                hint="Put lms.security.middleware.SameOriginCsrfViewMiddleware in MIDDLEWARE.",
                id="pathways_security.E001",
            )
        )
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "The Content Security Policy middleware is not installed.",
                hint=f"Add {CSP_MIDDLEWARE} to MIDDLEWARE.",
                id="pathways_security.E002",
            )
        )
    if SECOND_FACTOR_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "The Wagtail admin is not protected by a second factor.",
                hint=f"Add {OTP_MIDDLEWARE} and then {SECOND_FACTOR_MIDDLEWARE} to MIDDLEWARE.",
                id="pathways_security.E003",
            )
        )
    elif OTP_MIDDLEWARE not in settings.MIDDLEWARE or settings.MIDDLEWARE.index(
        OTP_MIDDLEWARE
    ) > settings.MIDDLEWARE.index(SECOND_FACTOR_MIDDLEWARE):
        errors.append(
            Error(
                "django-otp's middleware must come before the admin's second-factor middleware.",
                hint=f"Put {OTP_MIDDLEWARE} right after AuthenticationMiddleware.",
                id="pathways_security.E004",
            )
        )
    return errors


@register("security", deploy=True)
def check_csrf_cookie_secure(app_configs, **kwargs):
    if _csrf_middleware_installed() and not settings.CSRF_COOKIE_SECURE:
        return [
            CheckWarning(
                "CSRF_COOKIE_SECURE is not True: the CSRF cookie may be sent over plain HTTP.",
                hint="Set CSRF_COOKIE_SECURE = True in production.",
                id="pathways_security.W001",
            )
        ]
    return []


SAFE_RESET_FORM = "pathways.lms.accounts.password_reset.SafeContactPasswordResetForm"


@register("security")
def check_password_reset_by_email(app_configs, **kwargs):
    """The admin's password reset must not mail people who ruled e-mail out."""
    from wagtail.admin.views.account import password_reset_enabled

    from pathways.lms.accounts.password_reset import SafeContactPasswordResetForm

    if not password_reset_enabled():
        return []
    form_path = getattr(settings, "WAGTAILADMIN_USER_PASSWORD_RESET_FORM", "")
    try:
        form = import_string(form_path) if form_path else None
    except ImportError:
        form = None
    if isinstance(form, type) and issubclass(form, SafeContactPasswordResetForm):
        return []
    return [
        CheckWarning(
            "The Wagtail admin's password reset by e-mail is on without Pathways' form: it would "
            "mail people who asked not to be contacted by e-mail.",
            hint=f"Set WAGTAILADMIN_USER_PASSWORD_RESET_FORM = {SAFE_RESET_FORM!r}, or "
            "WAGTAIL_PASSWORD_RESET_ENABLED = False.",
            id="pathways_security.W002",
        )
    ]
