"""System checks: the verifiable-credential settings must hold values that work.

Read as the app reads them (``lms/core/app_settings.py``), so a setting left out passes; a bad
value would otherwise fail only when a certificate is issued or looked up.
"""

from django.core.checks import Error, register

from pathways.certificates.credentials.ratelimit import parse_rate
from pathways.certificates.credentials.status_list import MIN_SIZE, size_is_valid
from pathways.lms.core import app_settings


@register()
def check_credential_settings(app_configs, **kwargs):
    errors = []
    size = app_settings.PATHWAYS_STATUS_LIST_SIZE
    if not size_is_valid(size):
        errors.append(
            Error(
                f"PATHWAYS_STATUS_LIST_SIZE must be a whole number of at least {MIN_SIZE} and a "
                f"multiple of 8, not {size!r}.",
                hint=f"Leave it out for {MIN_SIZE}, the W3C Bitstring Status List minimum.",
                id="pathways_credentials.E001",
            )
        )
    rate = app_settings.PATHWAYS_VERIFY_RATE
    if parse_rate(rate) is None:
        errors.append(
            Error(
                f'PATHWAYS_VERIFY_RATE must be "<lookups>/<seconds>", both 1 or more, not '
                f"{rate!r}.",
                hint='For example "30/600": 30 lookups per client every 10 minutes.',
                id="pathways_credentials.E002",
            )
        )
    return errors
