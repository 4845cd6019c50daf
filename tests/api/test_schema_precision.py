"""The OpenAPI schema says everything a generated client needs: limits, the exact shape and type of
the signed badge download, and only the responses an operation can really give."""

import json

from django.urls import reverse
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from pathways.api.pagination import PagePagination
from pathways.certificates.issuance import services
from pathways.courses.models import Enrolment, EnrolmentStatus
from tests.factories.certificates import CertificateTemplateFactory, CredentialReleaseFactory
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db

BADGE_PATH = "/api/v1/employer/credentials/{code}/credential/"
VERIFY_PATH = "/api/v1/verify/{code}/"


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_page_size_parameter_says_its_maximum_and_default(schema):
    found = 0
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] != "page_size":
                continue
            found += 1
            assert parameter["schema"]["maximum"] == PagePagination.max_page_size, path
            assert parameter["schema"]["minimum"] == 1, path
            assert parameter["schema"]["default"] == PagePagination.page_size, path
    assert found


def test_the_signed_badge_is_an_open_badges_credential_served_as_json_ld(schema):
    content = schema["paths"][BADGE_PATH]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/ld+json"]
    reference = content["application/ld+json"]["schema"]["$ref"]
    name = reference.rsplit("/", 1)[-1]
    credential = schema["components"]["schemas"][name]
    assert {
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "credentialSubject",
        "credentialStatus",
        "proof",
    } <= set(credential["required"])

    def component(prop):
        return schema["components"]["schemas"][
            credential["properties"][prop]["$ref"].rsplit("/", 1)[-1]
        ]

    assert {"statusListIndex", "statusListCredential", "statusPurpose"} <= set(
        component("credentialStatus")["required"]
    )
    assert {"cryptosuite", "verificationMethod", "proofValue"} <= set(
        component("proof")["required"]
    )
    assert {"id", "name"} <= set(component("issuer")["required"])


def test_a_real_signed_badge_matches_its_schema(schema, participant, employer_org, employer_key):
    import jsonschema

    course = CoursePageFactory()
    CertificateTemplateFactory(courses=[course])
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    certificate = services.certificate_issue(user=participant, course=course)
    CredentialReleaseFactory(
        participant=participant, employer=employer_org, certificates=[certificate]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {employer_key[1]}")
    response = client.get(
        reverse("api:employer-credential-badge", args=[certificate.verification_code])
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    reference = schema["paths"][BADGE_PATH]["get"]["responses"]["200"]["content"][
        "application/ld+json"
    ]["schema"]
    jsonschema.validate(
        json.loads(response.content), {**reference, "components": schema["components"]}
    )


def test_public_verification_lists_no_response_it_cannot_give(schema):
    responses = schema["paths"][VERIFY_PATH]["get"]["responses"]
    assert "401" not in responses
    assert "403" not in responses
    assert {"200", "404", "429"} <= set(responses)


def test_operations_that_need_credentials_still_list_401_and_403(schema):
    responses = schema["paths"][BADGE_PATH]["get"]["responses"]
    assert {"401", "403"} <= set(responses)
