"""The neutral brand, from one setting: ``PATHWAYS_BRAND_NAME``.

Outside the signed-in pages Pathways names only the brand, never the organisation that runs the
programme: page titles, e-mail senders and subjects, and the authenticator app's issuer label.
The e-mail settings Django and Wagtail read (``DEFAULT_FROM_EMAIL``, ``SERVER_EMAIL``,
``EMAIL_SUBJECT_PREFIX``, ``WAGTAILADMIN_NOTIFICATION_FROM_EMAIL``) are worked out from the brand
each time they are read (see ``demo_site/settings/base.py``), so they always follow it. Certificates
name their own discreet issuer instead (``CertificateTemplate.issuer_name``).
"""

from email.headerregistry import Address

from django.utils.functional import lazy

from pathways.lms.core import app_settings


def brand_name() -> str:
    return str(app_settings.PATHWAYS_BRAND_NAME)


def email_sender() -> str:
    """``Brand <address>``: the brand's name with ``PATHWAYS_EMAIL_ADDRESS``."""
    return str(Address(display_name=brand_name(), addr_spec=app_settings.PATHWAYS_EMAIL_ADDRESS))


def email_subject_prefix() -> str:
    return f"[{brand_name()}] "


def email_subject(subject: str) -> str:
    """A subject for an e-mail to a person: ``[Brand] subject``, as Django's to the admins."""
    return f"{email_subject_prefix()}{subject}"


# For settings: strings that are read from the brand when used, not when settings load.
lazy_email_sender = lazy(email_sender, str)
lazy_email_subject_prefix = lazy(email_subject_prefix, str)
