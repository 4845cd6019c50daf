"""The host site's journey, run by ``.ci/host_site`` inside a Wagtail site that had pages and
users before Pathways arrived (``host_before.py`` made them). Exits non-zero on the first thing
that does not hold; prints what it checked.

1. The host's pages and its Wagtail API v2 answer as before, without Pathways' headers.
2. The host's superuser gives the host's existing user the participant role in the Wagtail admin,
   as the README says (her account page: her chosen name, and the "Participants" role).
3. Staff add a course under the host's home page, with a certificate for it.
4. She signs in to Pathways, reads the safety page, enrols, completes the course and downloads
   her certificate PDF; her first and last names on the host never appear.
5. She shares it with an employer, whose API key then lists it; the API schema under the host's
   prefix lists every operation the standalone site's does.
"""

import json
import sys
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from wagtail.models import Site  # noqa: E402

setup_test_environment()
User = get_user_model()
PASSWORD = "host-password-1234"  # noqa: S105  (host_before.py set it)
PREFIX = "/learning/"
before = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
expected_operations = set(map(tuple, json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))))


def check(condition, message):
    if not condition:
        print("FAILED:", message)
        sys.exit(1)
    print("ok:", message)


def get(client, url, **kwargs):
    return client.get(url, HTTP_HOST="localhost", **kwargs)


def post(client, url, data, **kwargs):
    return client.post(url, data, HTTP_HOST="localhost", **kwargs)


# 1. The host's own pages ---------------------------------------------------------------------
visitor = Client()
for url, status in before["statuses"].items():
    response = get(visitor, url)
    check(
        response.status_code == status and "Content-Security-Policy" not in response,
        f"host page {url} answers {status} as before, without Pathways' headers",
    )
for url, status in ((f"{PREFIX}accounts/sign-in/", 200), (f"{PREFIX}verify/", 200)):
    response = get(visitor, url)
    check(
        response.status_code == status and "Content-Security-Policy" in response,
        f"Pathways' page {url} answers {status} with Pathways' own headers",
    )
pages = get(visitor, "/api/v2/pages/").json()
check(
    pages["meta"]["total_count"] == before["api_pages"],
    "the host's Wagtail API v2 lists the same pages",
)

# 2. The superuser gives Rosa the participant role in the admin ------------------------------
rosa = User.objects.get(username="rosa")
participants = Group.objects.get(name="Participants")
admin = Client()
response = post(admin, "/admin/login/", {"username": "admin", "password": PASSWORD})
check(response.status_code == 302, "the host's superuser signs in to the Wagtail admin")
edit_url = reverse("wagtailusers_users:edit", args=[rosa.pk])
response = get(admin, edit_url)
check(response.status_code == 200, "her account page opens in the admin")
form = response.context["form"]
data = {}
for name, field in form.fields.items():
    value = form.initial.get(name, field.initial)
    if value in (None, False):
        continue
    if isinstance(value, list | tuple) or hasattr(value, "all"):
        values = list(value.all() if hasattr(value, "all") else value)
        data[name] = [getattr(item, "pk", item) for item in values]
    elif value is True:
        data[name] = "on"
    else:
        data[name] = value
data.update(chosen_name="Rosa", groups=[*data.get("groups", []), participants.pk])
response = post(admin, edit_url, data)
errors = response.context["form"].errors if response.context and "form" in response.context else ""
check(response.status_code == 302, f"the admin saves her role and chosen name {errors}")
rosa.refresh_from_db()
check(rosa.groups.filter(pk=participants.pk).exists(), "she now holds the participant role")

# 3. A course under the host's home page -----------------------------------------------------
from pathways.certificates.issuance.codes import format_code  # noqa: E402
from pathways.certificates.issuance.models import Certificate, CertificateTemplate  # noqa: E402
from pathways.courses.models import (  # noqa: E402
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
)

home = Site.objects.get(is_default_site=True).root_page.specific
index = home.add_child(instance=CourseIndexPage(title="Learning", slug="courses-catalogue"))
course = index.add_child(
    instance=CoursePage(
        title="Getting ready for work",
        slug="getting-ready",
        track="vocational",
        summary="A first course.",
        estimated_hours=1,
        language="en",
        enrolment_open=True,
    )
)
module = course.add_child(instance=ModulePage(title="First steps", slug="first-steps"))
lesson = module.add_child(
    instance=LessonPage(
        title="Welcome",
        slug="welcome",
        required=True,
        estimated_minutes=5,
        body=[("paragraph", "<p>Welcome.</p>")],
    )
)
for page in (index, course, module, lesson):
    page.save_revision().publish()
check(course.get_parent().get_parent().pk == home.pk, "the course sits under the host's home page")
template = CertificateTemplate.objects.create(
    name="Completion", title="Certificate of Completion", issuer_name="Host Learning"
)
template.courses.add(course)

# 4. Rosa's journey --------------------------------------------------------------------------
rosa_client = Client()
response = post(
    rosa_client, f"{PREFIX}accounts/sign-in/", {"username": "rosa", "password": PASSWORD}
)
check(response.status_code == 302, "she signs in to Pathways with her host account")
response = get(rosa_client, reverse("courses:dashboard"))
check(
    response.status_code == 302 and reverse("safety:notice") in response["Location"],
    "she is shown 'Staying safe online' first",
)
response = post(rosa_client, reverse("safety:notice"), {"next": reverse("courses:dashboard")})
check(response.status_code == 302, "she reads it and goes on")
response = get(rosa_client, reverse("courses:dashboard"))
body = response.content.decode()
check(response.status_code == 200 and "Rosa" in body, "her dashboard greets her by her chosen name")
check("Legalname" not in body, "her host last name is not on her dashboard")
response = post(rosa_client, reverse("courses:enrol", args=[course.pk]), {})
check(response.status_code == 302, "she enrols in the course")
response = post(rosa_client, reverse("courses:lesson_done", args=[lesson.pk]), {})
check(response.status_code == 302, "she completes its lesson")
certificate = Certificate.objects.filter(user=rosa).first()
check(certificate is not None, "completing the course issued her certificate")
check(certificate.printed_name == "Rosa", f"it prints her chosen name ({certificate.printed_name})")
response = get(rosa_client, reverse("certificates:pdf", args=[certificate.pk]))
pdf = b"".join(response.streaming_content) if response.streaming else response.content
check(
    response.status_code == 200 and pdf.startswith(b"%PDF"),
    "she downloads her certificate PDF",
)
response = get(visitor, reverse("verify:code", args=[certificate.verification_code]))
check(response.status_code == 200, "anyone can verify it under the host's prefix")
check("Legalname" not in response.content.decode(), "the verify page never shows her host name")

# 5. An employer's key, and the API schema ---------------------------------------------------
from pathways.certificates.employers.models import EmployerOrganisation  # noqa: E402
from pathways.certificates.employers.services import employer_key_create  # noqa: E402
from pathways.certificates.sharing.models import DisclosedField  # noqa: E402
from pathways.certificates.sharing.services import release_create  # noqa: E402

employer = EmployerOrganisation.objects.create(name="Partner Bakery")
_key, raw_key = employer_key_create(employer=employer, name="Hiring system", actor=None)
release_create(
    participant=rosa,
    employer=employer,
    certificates=[certificate],
    disclosed_fields=[DisclosedField.DATES],
    purpose="A job application",
    ends_on=timezone.localdate(),
    signature="Rosa",
    actor=rosa,
)
api = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
response = get(api, reverse("api:employer-credential-list"))
check(response.status_code == 200, "the employer's API key works under the host's prefix")
shared = json.dumps(response.json())
check(format_code(certificate.verification_code) in shared, "and lists the certificate she shared")
check("Legalname" not in shared, "without her host name")

response = get(visitor, f"{PREFIX}api/v1/schema/?format=json")
schema = json.loads(response.content)
operations = {
    (method.upper(), path.removeprefix(PREFIX.rstrip("/")))
    for path, item in schema["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
}
missing = expected_operations - operations
check(
    not missing and len(operations) == len(expected_operations),
    f"the schema lists all {len(expected_operations)} operations (missing: {sorted(missing)})",
)
print("The host's journey holds.")
