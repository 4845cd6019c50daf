"""Certificate PDFs, Wagtail's images and documents in private S3-compatible object storage.

Against a real S3-compatible server (moto's server mode, started for the session or by
``.ci/run``; tests/production/s3_support.py), with the bucket configured exactly as
``AWS_STORAGE_BUCKET_NAME`` configures the standalone site. What must hold: every object is
private (an unsigned request for it is refused) and has a name nobody can guess; Pathways' views
check first and only then hand out a signed address that expires within a minute (certificates)
or stream the file themselves (Wagtail's documents, the employer API); refused people get a 404
or the sign-in page, never an address; exports read from the bucket and erasure deletes from it.
"""

import io
import re
import subprocess  # noqa: S404
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission
from wagtail.users.models import UserProfile

import pytest
from storages.backends.s3 import S3Storage
from wagtail_factories import ImageFactory

from demo_site import storage_settings
from pathways.certificates.issuance import services as issuance_services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.issuance.rendering import certificate_context
from pathways.certificates.sharing.models import AccessChannel, CredentialAccess
from pathways.certificates.sharing.services import release_revoke
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.core.files import SIGNED_URL_SECONDS, signs_urls
from pathways.lms.privacy.services import participant_erase
from tests.factories.accounts import MentorFactory
from tests.factories.certificates import (
    CertificateFactory,
    CertificateTemplateFactory,
    CredentialReleaseFactory,
)
from tests.factories.courses import build_course
from tests.production.s3_support import (  # noqa: F401 (fixtures)
    anonymous_get,
    s3_bucket_fixture,
    s3_endpoint_fixture,
)

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a certificate kept in the bucket\n"
#: ``<folder>/<random folder>/<file name>``, as demo_site.storage.PrivateS3Storage names objects.
RANDOM_FOLDER = r"[A-Za-z0-9_-]{16}"


def with_stored_pdf(certificate: Certificate) -> Certificate:
    """Store a PDF for ``certificate`` through the default storage, as the render task does."""
    certificate.pdf.save("stored-test.pdf", ContentFile(FAKE_PDF), save=False)
    certificate.pdf_rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    return certificate


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def assert_signed_for_a_minute(url: str, bucket, key: str) -> dict[str, str]:
    """``url`` is a signed address of ``key`` in ``bucket`` on the storage, expiring within 60 s."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == bucket.endpoint
    assert parts.path == f"/{bucket.name}/{key}"
    query = query_of(url)
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
    assert 0 < int(query["X-Amz-Expires"]) <= SIGNED_URL_SECONDS <= 60
    return query


def assert_private(bucket, key: str) -> None:
    """Nobody without a signature reads the object."""
    status, body = anonymous_get(bucket.unsigned_url(key))
    assert status == 403
    assert not body.startswith(b"%PDF")


def assert_no_address_of(response, bucket) -> None:
    location = response.get("Location", "")
    assert bucket.endpoint not in location and bucket.name not in location
    assert bucket.name.encode() not in response.content


# Certificates ----------------------------------------------------------------------------------


def test_issuing_a_certificate_stores_its_pdf_privately_under_a_random_name(
    s3_bucket, participant, django_capture_on_commit_callbacks
):
    course = build_course(title="Food Safety", modules=1, lessons_per_module=1)
    CertificateTemplateFactory(courses=[course])
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuance_services.certificate_issue(user=participant, course=course)

    certificate.refresh_from_db()
    assert s3_bucket.keys() == [certificate.pdf.name]
    assert re.fullmatch(
        rf"certificates/{RANDOM_FOLDER}/[A-Za-z0-9_-]{{32}}\.pdf", certificate.pdf.name
    )
    assert s3_bucket.body(certificate.pdf.name).startswith(b"%PDF-")
    assert certificate.verification_code not in certificate.pdf.name
    assert_private(s3_bucket, certificate.pdf.name)


def test_her_download_is_a_redirect_to_an_address_signed_for_a_minute(
    s3_bucket, signed_in, participant
):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    query = assert_signed_for_a_minute(response["Location"], s3_bucket, certificate.pdf.name)
    code = format_code(certificate.verification_code)
    # The storage sends it as the view would: an attachment under the neutral name, not cached.
    assert query["response-content-disposition"] == f'attachment; filename="certificate-{code}.pdf"'
    assert query["response-content-type"] == "application/pdf"
    assert query["response-cache-control"] == "private, no-store"
    status, body = anonymous_get(response["Location"])
    assert status == 200 and body == FAKE_PDF
    # The same object without the signature is refused.
    assert_private(s3_bucket, certificate.pdf.name)


def test_nobody_else_gets_her_pdf_or_its_address(
    s3_bucket, client, participant, other_participant, employer_user
):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    url = reverse("certificates:pdf", args=[certificate.pk])

    for someone in (other_participant, MentorFactory()):
        client.force_login(someone)
        response = client.get(url)
        assert response.status_code == 404
        assert_no_address_of(response, s3_bucket)
    # An employer never lands on learner pages: she is sent to her portal.
    client.force_login(employer_user)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("employer:credentials")
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert_no_address_of(response, s3_bucket)


def test_a_revoked_certificate_gives_no_address(s3_bucket, signed_in, participant, staff):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    issuance_services.certificate_revoke(certificate=certificate, actor=staff, reason="Test")
    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 404
    assert_no_address_of(response, s3_bucket)


def test_a_pdf_stored_before_the_random_folders_still_downloads(s3_bucket, signed_in, participant):
    certificate = CertificateFactory(user=participant)
    s3_bucket.put("certificates/Jx3kq8s0aB.pdf", FAKE_PDF)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="certificates/Jx3kq8s0aB.pdf")

    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 302
    assert_signed_for_a_minute(response["Location"], s3_bucket, "certificates/Jx3kq8s0aB.pdf")
    assert anonymous_get(response["Location"]) == (200, FAKE_PDF)


# Employers -------------------------------------------------------------------------------------


def test_an_employer_she_shared_it_with_gets_a_signed_address_and_it_is_logged(
    s3_bucket, signed_in, participant, employer_user, employer_org
):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    CredentialReleaseFactory(
        participant=participant, employer=employer_org, certificates=[certificate]
    )
    url = reverse("employer:pdf", args=[format_code(certificate.verification_code)])

    response = signed_in(employer_user).get(url)

    assert response.status_code == 302
    assert_signed_for_a_minute(response["Location"], s3_bucket, certificate.pdf.name)
    assert anonymous_get(response["Location"]) == (200, FAKE_PDF)
    access = CredentialAccess.objects.get()
    assert access.channel == AccessChannel.PDF and access.certificate == certificate


@pytest.mark.parametrize("consent", ["none", "details only", "stopped"])
def test_an_employer_without_consent_to_the_document_gets_no_file_and_no_address(
    s3_bucket, signed_in, participant, employer_user, employer_org, consent
):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    if consent != "none":
        release = CredentialReleaseFactory(
            participant=participant,
            employer=employer_org,
            certificates=[certificate],
            disclosed_fields=["dates"] if consent == "details only" else ["dates", "document"],
        )
    if consent == "stopped":
        release_revoke(release=release, actor=participant)

    response = signed_in(employer_user).get(
        reverse("employer:pdf", args=[format_code(certificate.verification_code)])
    )

    assert response.status_code == 404
    assert_no_address_of(response, s3_bucket)
    assert not CredentialAccess.objects.filter(channel=AccessChannel.PDF).exists()


def test_the_employer_api_streams_the_pdf_from_the_bucket(
    s3_bucket, api_client, employer_key, shared_certificate
):
    """API clients send an Authorization header, which S3 refuses beside a signed address, so
    the API streams the file rather than redirecting."""
    with_stored_pdf(shared_certificate.certificate)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {employer_key[1]}")
    code = format_code(shared_certificate.certificate.verification_code)

    response = api_client.get(reverse("api:employer-credential-pdf", args=[code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == FAKE_PDF


# Wagtail's documents and images ---------------------------------------------------------------


def test_a_document_uploaded_in_the_admin_is_private_and_served_only_by_wagtail(
    s3_bucket, client, staff, participant
):
    handouts = Collection.get_first_root_node().add_child(name="Course handouts")
    CollectionViewRestriction.objects.create(
        collection=handouts, restriction_type=CollectionViewRestriction.LOGIN
    )
    # Wagtail asks for a permission on the collection (as a site's administrator gives it).
    for group in staff.groups.all():
        GroupCollectionPermission.objects.create(
            group=group,
            collection=handouts,
            permission=Permission.objects.get(
                content_type__app_label="wagtaildocs", codename="add_document"
            ),
        )
    client.force_login(staff)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Interview checklist",
            "collection": handouts.pk,
            "file": SimpleUploadedFile("checklist.pdf", FAKE_PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Interview checklist")

    assert s3_bucket.keys() == [document.file.name]
    assert re.fullmatch(rf"documents/{RANDOM_FOLDER}/checklist\.pdf", document.file.name)
    assert document.filename == "checklist.pdf"
    assert_private(s3_bucket, document.file.name)
    # Pages link to Wagtail's serve view, never to the bucket.
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, "checklist.pdf"])

    client.logout()
    refused = client.get(document.url)
    assert refused.status_code == 302 and "login" in refused["Location"]
    assert_no_address_of(refused, s3_bucket)

    client.force_login(participant)
    served = client.get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == FAKE_PDF
    assert served["Content-Disposition"] == document.content_disposition
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert "Location" not in served


def test_images_are_private_and_pages_show_them_by_signed_addresses(s3_bucket):
    image = ImageFactory(file__filename="team-photo.jpg")
    assert re.fullmatch(rf"original_images/{RANDOM_FOLDER}/team-photo\.jpg", image.file.name)
    assert_private(s3_bucket, image.file.name)

    rendition = image.get_rendition("width-50")
    key = rendition.file.name
    assert re.fullmatch(rf"images/{RANDOM_FOLDER}/team-photo\.width-50\.jpg", key)
    assert sorted(s3_bucket.keys()) == sorted([image.file.name, key])
    assert_private(s3_bucket, key)
    parts = urlsplit(rendition.url)
    assert f"{parts.scheme}://{parts.netloc}" == s3_bucket.endpoint
    query = query_of(rendition.url)
    assert int(query["X-Amz-Expires"]) == storage_settings.DEFAULT_PAGE_URL_SECONDS
    status, body = anonymous_get(rendition.url)
    assert status == 200 and body[:2] == b"\xff\xd8"  # a JPEG


def test_a_long_file_name_is_shortened_to_fit_with_its_random_folder(s3_bucket):
    image = ImageFactory(file__filename=f"{'a-very-long-photo-name-' * 6}.jpg")
    assert len(image.file.name) <= 100
    assert re.fullmatch(
        rf"original_images/{RANDOM_FOLDER}/a-very-long-photo-name-[\w.-]*\.jpg", image.file.name
    )
    assert s3_bucket.keys() == [image.file.name]


def test_the_issuer_logo_is_read_from_the_bucket_into_the_certificate(s3_bucket, participant):
    template = CertificateTemplateFactory(issuer_logo=ImageFactory())
    certificate = CertificateFactory(user=participant, template=template)
    certificate.printed_data = {
        **certificate.printed_data,
        "issuer_logo_id": template.issuer_logo_id,
    }
    assert certificate_context(certificate)["logo_src"].startswith("data:image/")
    assert any(key.startswith("images/") for key in s3_bucket.keys(prefix="images/"))


# Privacy ---------------------------------------------------------------------------------------


def test_her_data_export_holds_the_pdf_read_from_the_bucket(s3_bucket, client, participant):
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    client.force_login(participant)
    response = client.post(reverse("privacy:your_data"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    code = format_code(certificate.verification_code)
    assert archive.read(f"certificates/{code}.pdf") == FAKE_PDF
    # The archive is sent, never stored: the bucket holds only the PDF.
    assert s3_bucket.keys() == [certificate.pdf.name]


def test_erasure_deletes_her_files_from_the_bucket(
    s3_bucket, participant, staff, other_participant, django_capture_on_commit_callbacks
):
    hers = [with_stored_pdf(CertificateFactory(user=participant)) for _ in range(2)]
    avatar = UserProfile.get_for_user(participant)
    avatar.avatar.save("avatar.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    someone_elses = with_stored_pdf(CertificateFactory(user=other_participant))
    her_keys = [certificate.pdf.name for certificate in hers] + [avatar.avatar.name]
    assert set(her_keys) <= set(s3_bucket.keys())

    with django_capture_on_commit_callbacks(execute=True):
        participant_erase(subject=participant, actor=staff, confirm_username=participant.username)

    assert s3_bucket.keys() == [someone_elses.pdf.name]


# Configuration ---------------------------------------------------------------------------------


def test_without_a_bucket_files_stay_on_the_local_disk_and_are_streamed(signed_in, participant):
    assert storage_settings.storages({}, {"default": {"BACKEND": "local"}}) == {
        "default": {"BACKEND": "local"}
    }
    assert not signs_urls(FileSystemStorage())
    certificate = with_stored_pdf(CertificateFactory(user=participant))
    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_a_storage_that_would_hand_out_unsigned_addresses_is_streamed_instead():
    options = {"bucket_name": "private-bucket", "region_name": "us-east-1"}
    assert signs_urls(S3Storage(**options, querystring_auth=True))
    assert not signs_urls(S3Storage(**options, querystring_auth=False))
    assert not signs_urls(S3Storage(**options, custom_domain="files.example.org"))


def test_the_bucket_settings_are_private_by_default():
    options = storage_settings.s3_options(
        {
            "AWS_STORAGE_BUCKET_NAME": "pathways-files",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        }
    )
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert options["addressing_style"] == "path"
    assert options["signature_version"] == "s3v4"
    assert options["querystring_expire"] == storage_settings.DEFAULT_PAGE_URL_SECONDS
    assert storage_settings.image_origins(
        {
            "AWS_STORAGE_BUCKET_NAME": "pathways-files",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org:9000/",
        }
    ) == ["https://s3.example.org:9000"]
    assert storage_settings.image_origins(
        {"AWS_STORAGE_BUCKET_NAME": "pathways-files", "AWS_S3_REGION_NAME": "eu-west-2"}
    ) == [
        "https://pathways-files.s3.amazonaws.com",
        "https://pathways-files.s3.eu-west-2.amazonaws.com",
    ]
    assert storage_settings.s3_options({}) is None and storage_settings.image_origins({}) == []


def test_the_site_settings_use_the_bucket_from_the_environment():
    """The settings module itself, read as a web process reads it, with a bucket named."""
    program = (
        "from django.conf import settings as s; "
        "default = s.STORAGES['default']; "
        "print(default['BACKEND']); print(default['OPTIONS']['bucket_name']); "
        "print(s.WAGTAILDOCS_SERVE_METHOD); print(' '.join(s.PATHWAYS_CSP['img-src'])); "
        "print(' '.join(s.PATHWAYS_CSP_ADMIN['img-src']))"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "demo_site.settings.dev",
        "AWS_STORAGE_BUCKET_NAME": "pathways-files",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:5055",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", program],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    backend, bucket, serve_method, img_src, admin_img_src = result.stdout.splitlines()
    assert backend == "demo_site.storage.PrivateS3Storage" and bucket == "pathways-files"
    assert serve_method == "serve_view"
    assert img_src.split() == ["'self'", "data:", "http://127.0.0.1:5055"]
    assert "http://127.0.0.1:5055" in admin_img_src.split()
