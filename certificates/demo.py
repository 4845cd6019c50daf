"""Demo certificates, made through the services (used by ``seed_demo``).

A "Course certificate" template covering the three demo courses, under a neutral issuer name, and
three certificates that show each status: Rosa's for the course she completed (valid); one staff
issued to Maya by mistake and revoked; and one Rosa was given for earlier peer-support training,
long enough ago that it has expired. Idempotent: what is already there is left as it is.
"""

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import openbadges, services
from .codes import format_code
from .models import Certificate, CertificateTemplate

TEMPLATE_NAME = "Course certificate"
VALIDITY_DAYS = 730


def _template(courses: dict, created: list[str]) -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            name=TEMPLATE_NAME,
            title="Certificate of Completion",
            issuer_name="Northstar Skills Institute",
            signatory_name="Jordan Ellis",
            signatory_title="Programme Director",
            wording="has successfully completed",
            validity_days=VALIDITY_DAYS,
        )
        created.append(f"certificate template {TEMPLATE_NAME}")
    # Staff edit templates in the admin, where every save keeps a revision: do the same here.
    template.courses.add(*courses.values())
    if template.latest_revision_id is None:
        template.save_revision(clean=False)
    return template


def _existing(user, course) -> Certificate | None:
    """Any certificate she ever had for the course, current or replaced."""
    key = services.achievement_key(course=course)
    return Certificate.objects.filter(user=user, achievement_key=key).order_by("pk").first()


def _backdate(certificate: Certificate, *, days: int) -> Certificate:
    """Demo only: move an issue into the past, as if made ``days`` ago, and sign it again.

    The product never does this; it lets the demo show an expired certificate today.
    """
    issued_at = timezone.now() - timedelta(days=days)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=issued_at,
        completed_on=timezone.localdate(issued_at),
        expires_at=issued_at + timedelta(days=VALIDITY_DAYS),
    )
    certificate.refresh_from_db()
    certificate.credential = openbadges.issue_credential(certificate)
    certificate.save(update_fields=["credential"])
    return certificate


def _line(username: str, certificate: Certificate) -> str:
    code = format_code(certificate.verification_code)
    try:
        url = reverse("verify:code", args=[certificate.verification_code])
    except NoReverseMatch:
        url = ""
    status = str(certificate.status)
    return f"  {username:<6} {status:<8} {code}  {certificate.printed_achievement}  {url}"


def seed_certificates(*, users: dict, courses: dict, created: list[str]) -> list[str]:
    """The demo template and certificates; returns lines naming each certificate and its code."""
    staff = users["sam"]
    _template(courses, created)
    customer_service = courses["customer-service-fundamentals"]
    peer_support = courses["leading-peer-support-groups"]

    # Rosa completed Customer Service Fundamentals: her certificate is the one issued on completion.
    rosa = users["rosa"]
    valid = _existing(rosa, customer_service)
    if valid is None:
        valid = services.certificate_issue(user=rosa, course=customer_service)
        created.append(f"certificate for rosa: {customer_service.title} (valid)")

    maya = users["maya"]
    revoked = _existing(maya, peer_support)
    if revoked is None:
        revoked = services.certificate_issue(
            user=maya, course=peer_support, issued_by=staff, reason="Recognised prior learning"
        )
        revoked = services.certificate_revoke(
            certificate=revoked, actor=staff, reason="Issued in error"
        )
        created.append(f"certificate for maya: {peer_support.title} (revoked)")

    expired = _existing(rosa, peer_support)
    if expired is None:
        expired = services.certificate_issue(
            user=rosa,
            course=peer_support,
            issued_by=staff,
            reason="Recognised prior learning: peer support training at a partner programme",
        )
        expired = _backdate(expired, days=VALIDITY_DAYS + 60)
        created.append(f"certificate for rosa: {peer_support.title} (expired)")

    return [
        "Demo certificates (codes can be checked on the verification page):",
        _line("rosa", valid),
        _line("maya", revoked),
        _line("rosa", expired),
    ]
