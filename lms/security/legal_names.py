"""Recording staff reads of a legal name.

Any screen that shows staff someone's legal name calls :func:`legal_name_read_record` once per
page shown. The record never holds the name.
"""

from django.db import transaction

from pathways.lms.accounts.names import legal_name_of
from pathways.lms.security.models import LegalNameRead


def shows_legal_name(*, reader, subject) -> bool:
    """Whether showing ``subject`` to ``reader`` reveals a legal name someone else holds: a
    person reading her own is not an audited read."""
    return bool(legal_name_of(subject).strip()) and reader.pk != subject.pk


@transaction.atomic
def legal_name_read_record(*, reader, subject, request) -> LegalNameRead | None:
    """Record that ``reader`` was shown ``subject``'s legal name on this request's page.

    Does nothing when there is no legal name to see, or when it is the reader's own.
    """
    if not shows_legal_name(reader=reader, subject=subject):
        return None
    match = getattr(request, "resolver_match", None)
    return LegalNameRead.objects.create(
        reader=reader,
        subject=subject,
        path=request.path[:500],
        view_name=(match.view_name if match else "")[:200],
    )


def record_when_shown(sender, *, reader, subject, request, **kwargs) -> None:
    """``accounts.signals.account_shown_to_staff``: the page shows her legal name."""
    legal_name_read_record(reader=reader, subject=subject, request=request)
