"""Fill an empty database with a small, realistic Pathways site to click through.

Courses, a skills taxonomy and one account per role, with progress made through
``courses.services`` so that every record is one the product itself would write. What the demo
contains is data, in ``demo_site/demo_data/*.json``; this command checks all of it first, then
builds it. Running it again finds everything by username or slug and changes nothing. The
accounts share one known password, so the command refuses to run without ``DEBUG`` unless told
otherwise.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from demo_site.demo_certificates import (
    DemoCertificates,
    load_certificates,
    seed_certificates,
    seed_sharing,
)
from demo_site.demo_cohorts import DemoCohorts, load_cohorts, seed_cohort, seed_mentorship
from demo_site.demo_courses import (
    DemoCourses,
    LearnerProgress,
    load_courses,
    load_progress,
    seed_courses,
    seed_progress,
    seed_skills,
)
from demo_site.demo_data import DemoDataError, at, choice, fields, items, read
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.permissions import grant_role_permissions
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role

DEMO_PASSWORD = "pathways-demo-2026"
PEOPLE_FILE = "people"
# In a user's "what to try", {name} stands for the address of the URL pattern of that name.
URL_NAME = re.compile(r"\{([^{}]+)\}")
#: A user's "fields" may name the user model's fields (is_staff...) or her Pathways profile's.
PROFILE_FIELDS = frozenset(
    field.name for field in Profile._meta.get_fields() if field.concrete and field.name != "user"
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    chosen_name: str
    role: str
    try_this: str
    groups: tuple[Role, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    # Whether "Staying safe online" was already read: Rosa has not, to show it once.
    read_safety_notice: bool = True

    def what_to_try(self) -> str:
        return URL_NAME.sub(lambda match: _url(match[1]), self.try_this)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return "(page not available)"


def _demo_user(value: Any, where: str) -> DemoUser:
    spec = fields(
        value,
        where,
        required={"username": str, "chosen_name": str, "role": str, "try": str},
        optional={
            "groups": (list, []),
            "fields": (dict, {}),
            "read_safety_notice": (bool, True),
        },
    )
    user_model = get_user_model()
    for name in spec["fields"]:
        if name in PROFILE_FIELDS:
            continue
        try:
            user_model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise DemoDataError(
                f"{at(where, 'fields')}: neither users nor their profiles have a field {name!r}."
            ) from exc
    groups = [
        choice(group, Role, place)
        for place, group in items(spec["groups"], at(where, "groups"), str)
    ]
    return DemoUser(
        username=spec["username"],
        chosen_name=spec["chosen_name"],
        role=spec["role"],
        try_this=spec["try"],
        groups=tuple(groups),
        fields=spec["fields"],
        read_safety_notice=spec["read_safety_notice"],
    )


@dataclass(frozen=True)
class DemoPlan:
    """All the demo data, read and checked before anything is written."""

    users: list[DemoUser]
    courses: DemoCourses
    progress: list[LearnerProgress]
    cohorts: DemoCohorts
    certificates: DemoCertificates


def load_plan() -> DemoPlan:
    where = f"{PEOPLE_FILE}.json"
    people = fields(read(PEOPLE_FILE), where, required={"users": list, "progress": list})
    users = [_demo_user(user, place) for place, user in items(people["users"], at(where, "users"))]
    usernames = [user.username for user in users]
    twice = sorted({name for name in usernames if usernames.count(name) > 1})
    if twice:
        raise DemoDataError(f"{at(where, 'users')}: more than one {', '.join(twice)}.")
    courses = load_courses()
    course_slugs = [course.slug for course in courses.courses]
    return DemoPlan(
        users=users,
        courses=courses,
        progress=load_progress(
            people["progress"], at(where, "progress"), courses=courses, usernames=usernames
        ),
        cohorts=load_cohorts(
            usernames=usernames,
            courses=course_slugs,
            skills=[skill["slug"] for skill in courses.skills],
        ),
        certificates=load_certificates(usernames=usernames, courses=course_slugs),
    )


class Command(BaseCommand):
    help = "Create a demo site: courses, skills, one account per role and some progress."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off. The demo accounts have a published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo creates accounts with a published password, including a superuser. "
                "Run it only on a development or demo database (with DEBUG on), or pass "
                "--allow-without-debug."
            )
        try:
            plan = load_plan()
        except DemoDataError as exc:
            raise CommandError(
                f"The demo data in demo_site/demo_data/ is malformed: {exc}"
            ) from exc
        # Before anything is written: reversing the URLs loads the URLconf, which registers the
        # admin's models with Wagtail's reference index, so that what is made below is indexed.
        logins = self._logins(plan.users)
        self.created: list[str] = []
        with transaction.atomic():
            users = self._users(plan.users)
            skills = seed_skills(content=plan.courses, created=self.created)
            courses = seed_courses(content=plan.courses, skills=skills, created=self.created)
            seed_progress(
                progress=plan.progress, users=users, courses=courses, created=self.created
            )
            seed_cohort(plan=plan.cohorts, users=users, courses=courses, created=self.created)
            seed_mentorship(plan=plan.cohorts, users=users, skills=skills, created=self.created)
            certificates = seed_certificates(
                plan=plan.certificates, users=users, courses=courses, created=self.created
            )
            sharing = seed_sharing(plan=plan.certificates, users=users, created=self.created)
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(self.created)} demo records:"))
            for line in self.created:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo data was already there; nothing changed.")
        self._print_logins(logins)
        self.stdout.write("")
        for line in certificates:
            self.stdout.write(line)
        self.stdout.write("")
        for line in sharing:
            self.stdout.write(line)

    # People --------------------------------------------------------------------------------

    def _users(self, specs: list[DemoUser]) -> dict:
        user_model = get_user_model()
        # The role groups come from a migration; make sure they exist with their permissions.
        missing = [role for role in Role if not Group.objects.filter(name=role.value).exists()]
        if missing:
            Group.objects.bulk_create([Group(name=role.value) for role in missing])
            grant_role_permissions()
        users = {}
        for spec in specs:
            account = {k: v for k, v in spec.fields.items() if k not in PROFILE_FIELDS}
            user, created = user_model.objects.get_or_create(
                username=spec.username, defaults=account
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                profile = {
                    "chosen_name": spec.chosen_name,
                    "safety_notice_seen_at": timezone.now() if spec.read_safety_notice else None,
                }
                profile.update({k: v for k, v in spec.fields.items() if k in PROFILE_FIELDS})
                profile_update(user, **profile)
                self.created.append(f"user {spec.username} ({spec.role})")
            elif not user.check_password(DEMO_PASSWORD):
                self.stdout.write(
                    self.style.WARNING(f"{spec.username}'s password was changed; left as it is.")
                )
            groups = Group.objects.filter(name__in=[role.value for role in spec.groups])
            user.groups.add(*groups)
            users[spec.username] = user
        return users

    # Output --------------------------------------------------------------------------------

    @staticmethod
    def _logins(specs: list[DemoUser]) -> list[tuple[str, str, str, str]]:
        rows = [("username", "password", "role", "what to try")]
        rows += [(spec.username, DEMO_PASSWORD, spec.role, spec.what_to_try()) for spec in specs]
        return rows

    def _print_logins(self, rows: list[tuple[str, str, str, str]]) -> None:
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins (sign in at {_url('accounts:login')})")
        )
        for number, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in [*widths, 11]))
        self.stdout.write("")
        self.stdout.write(
            "These accounts share a published password: never load this data into a real site."
        )
