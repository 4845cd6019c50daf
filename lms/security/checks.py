"""System checks for what Django's own checks cannot see in this setup.

Django's deployment checks look for ``django.middleware.csrf.CsrfViewMiddleware`` by name. The
standalone site runs a subclass of it in its place (see
:class:`~lms.security.middleware.SameOriginCsrfViewMiddleware`), so ``security.W003`` is silenced
in its settings and, with it, the check that the CSRF cookie is secure; these checks take their
place. A host keeps Django's middleware and puts Pathways' just before it.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string

from pathways.lms.accounts.roles import Role
from pathways.lms.core import app_settings
from pathways.lms.core.checks import boolean_errors, whole_number_errors

CSRF_MIDDLEWARE = "pathways.lms.security.middleware.SameOriginCsrfViewMiddleware"
DJANGO_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
CSP_MIDDLEWARE = "pathways.lms.security.middleware.ContentSecurityPolicyMiddleware"
SECOND_FACTOR_MIDDLEWARE = "pathways.lms.security.middleware.AdminSecondFactorMiddleware"
OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"


def _csrf_middleware() -> list[type]:
    """The CSRF middleware classes in MIDDLEWARE, in order."""
    found = []
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, CsrfViewMiddleware):
            found.append(middleware)
    return found


def _csrf_middleware_installed() -> bool:
    return bool(_csrf_middleware())


def _pathways_csrf_first() -> bool:
    """Whether Pathways' CSRF middleware checks before any other: Django's own, after it, would
    otherwise refuse the ``Origin: null`` that forms on Pathways' no-referrer pages send."""
    from pathways.lms.security.middleware import SameOriginCsrfViewMiddleware

    found = _csrf_middleware()
    return bool(found) and issubclass(found[0], SameOriginCsrfViewMiddleware)


def _second_factor_middleware_errors() -> list[Error]:
    """With ``PATHWAYS_ADMIN_SECOND_FACTOR`` on, its middleware must be there, after django-otp's.
    (Off, ``pathways_security.W003`` says at deploy time what that leaves open.)"""
    middleware = settings.MIDDLEWARE
    if SECOND_FACTOR_MIDDLEWARE not in middleware:
        return [
            Error(
                "The Wagtail admin is not protected by a second factor.",
                hint=f"Add {OTP_MIDDLEWARE} and then {SECOND_FACTOR_MIDDLEWARE} to MIDDLEWARE, "
                "or set PATHWAYS_ADMIN_SECOND_FACTOR = False.",
                id="pathways_security.E003",
            )
        ]
    if OTP_MIDDLEWARE not in middleware or middleware.index(OTP_MIDDLEWARE) > middleware.index(
        SECOND_FACTOR_MIDDLEWARE
    ):
        return [
            Error(
                "django-otp's middleware must come before the admin's second-factor middleware.",
                hint=f"Put {OTP_MIDDLEWARE} right after AuthenticationMiddleware.",
                id="pathways_security.E004",
            )
        ]
    return []


@register("security")
def check_security_middleware(app_configs, **kwargs):
    errors = []
    if not _csrf_middleware_installed():
        errors.append(
            Error(
                "No CSRF middleware is installed.",
                hint=f"Put {DJANGO_CSRF_MIDDLEWARE} and, just before it, {CSRF_MIDDLEWARE} in "
                "MIDDLEWARE.",
                id="pathways_security.E001",
            )
        )
    elif not _pathways_csrf_first():
        errors.append(
            Error(
                "Pathways' CSRF middleware must come before any other CSRF middleware: forms on "
                "Pathways' pages (sent with Referrer-Policy: no-referrer) would be refused.",
                hint=f"Put {CSRF_MIDDLEWARE} just before {DJANGO_CSRF_MIDDLEWARE}. It checks "
                "the host's own views exactly as Django does.",
                id="pathways_security.E005",
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
    if app_settings.PATHWAYS_ADMIN_SECOND_FACTOR:
        errors.extend(_second_factor_middleware_errors())
    return errors


@register("security", deploy=True)
def check_csrf_cookie_secure(app_configs, **kwargs):
    # With Django's own middleware installed, Django's security.W016 says this already.
    if DJANGO_CSRF_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    if _csrf_middleware_installed() and not settings.CSRF_COOKIE_SECURE:
        return [
            CheckWarning(
                "CSRF_COOKIE_SECURE is not True: the CSRF cookie may be sent over plain HTTP.",
                hint="Set CSRF_COOKIE_SECURE = True in production.",
                id="pathways_security.W001",
            )
        ]
    return []


def staff_without_second_factor() -> int | None:
    """How many active programme staff and facilitators have no confirmed authenticator app, or
    None when the database cannot say (not reachable, or not migrated yet). Read only by the
    deployment check below, never at import time."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import FieldDoesNotExist
    from django.db import DatabaseError, connections, router

    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_model = get_user_model()
    try:
        groups = user_model._meta.get_field("groups")
    except FieldDoesNotExist:  # a user model without groups cannot hold Pathways' roles
        return 0
    alias = router.db_for_read(user_model)
    models = (user_model, groups.remote_field.model, groups.remote_field.through, TOTPDevice)
    try:
        tables = set(connections[alias].introspection.table_names())
        if not {model._meta.db_table for model in models} <= tables:
            return None
        people = user_model._default_manager.using(alias).filter(
            groups__name__in=[Role.PROGRAMME_STAFF, Role.FACILITATOR]
        )
        if any(field.name == "is_active" for field in user_model._meta.concrete_fields):
            people = people.filter(is_active=True)
        confirmed = TOTPDevice.objects.using(alias).filter(confirmed=True).values("user_id")
        return people.exclude(pk__in=confirmed).distinct().count()
    except DatabaseError:
        return None


@register("security", deploy=True)
def check_admin_second_factor(app_configs, **kwargs):
    """With the admin's second factor off (a host's default), say what that leaves open while
    staff with Pathways roles have none."""
    if app_settings.PATHWAYS_ADMIN_SECOND_FACTOR:
        return []
    count = staff_without_second_factor()
    if not count:
        return []
    return [
        CheckWarning(
            f"PATHWAYS_ADMIN_SECOND_FACTOR is off and {count} programme staff or facilitators "
            "have no second factor: anyone who learns one of their passwords can open the "
            "Wagtail admin, with participants' legal names and contact details, and the admin "
            "asks for nothing more.",
            hint="Set PATHWAYS_ADMIN_SECOND_FACTOR = True: each is then asked to set up an "
            "authenticator app at their next visit to the admin.",
            id="pathways_security.W003",
        )
    ]


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


# The values of the security settings (lms/core/app_settings.py) -------------------------------


def _is_policy(value) -> bool:
    """A Content Security Policy as the settings hold it: directive -> list of sources."""
    return isinstance(value, dict) and all(
        isinstance(directive, str)
        and isinstance(sources, list | tuple)
        and all(isinstance(source, str) for source in sources)
        for directive, sources in value.items()
    )


@register("security")
def check_security_settings(app_configs, **kwargs):
    errors = [
        *whole_number_errors(
            "PATHWAYS_TRUSTED_PROXY_COUNT", minimum=0, check_id="pathways_security.E010"
        ),
        *whole_number_errors(
            "PATHWAYS_SIGN_IN_ACCOUNT_FAILURES", minimum=1, check_id="pathways_security.E011"
        ),
        *whole_number_errors(
            "PATHWAYS_SIGN_IN_ADDRESS_FAILURES", minimum=1, check_id="pathways_security.E012"
        ),
        *whole_number_errors(
            "PATHWAYS_SIGN_IN_PAUSE_MINUTES", minimum=1, check_id="pathways_security.E013"
        ),
        *boolean_errors("PATHWAYS_PASSWORD_RESET_BY_EMAIL", check_id="pathways_security.E014"),
        *boolean_errors("PATHWAYS_ADMIN_SECOND_FACTOR", check_id="pathways_security.E018"),
        *boolean_errors("PATHWAYS_POLICIES_SITE_WIDE", check_id="pathways_security.E019"),
    ]
    for name, check_id in (
        ("PATHWAYS_CSP", "pathways_security.E015"),
        ("PATHWAYS_CSP_ADMIN", "pathways_security.E016"),
    ):
        if not _is_policy(getattr(app_settings, name)):
            errors.append(
                Error(
                    f"{name} must map each directive to a list of sources.",
                    hint='For example {"default-src": ["\'self\'"]}.',
                    id=check_id,
                )
            )
    views = app_settings.PATHWAYS_CSP_VIEWS
    if not (
        isinstance(views, dict)
        and all(isinstance(name, str) and _is_policy(policy) for name, policy in views.items())
    ):
        errors.append(
            Error(
                "PATHWAYS_CSP_VIEWS must map URL names to policies, each mapping directives to "
                "lists of sources.",
                hint='For example {"api:docs": {"default-src": ["\'self\'"]}}.',
                id="pathways_security.E017",
            )
        )
    return errors
