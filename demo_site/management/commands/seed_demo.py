"""Fill an empty database with a small, realistic Pathways site to click through.

Courses, a skills taxonomy and one account per role, with progress made through
``courses.services`` so that every record is one the product itself would write. Running it
again finds everything by username or slug and changes nothing. The accounts share one known
password, so the command refuses to run without ``DEBUG`` unless told otherwise.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from demo_site.demo_certificates import seed_certificates, seed_sharing
from demo_site.demo_cohorts import seed_cohort, seed_mentorship
from pathways.courses import services
from pathways.courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    ModulePage,
    Page,
    Skill,
    Track,
)
from pathways.courses.selectors import completion_report
from pathways.courses.site_tree import default_site_root
from pathways.lms.accounts.models import ContactChannel
from pathways.lms.accounts.permissions import grant_role_permissions
from pathways.lms.accounts.roles import Role

DEMO_PASSWORD = "pathways-demo-2026"

RawBlock = dict[str, Any]


# Lesson content, in the JSON form a StreamField stores, with fixed ids -----------------------


def _block(block_type: str, value: Any) -> RawBlock:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _items(values: list[Any]) -> list[RawBlock]:
    # ListBlock items need stored ids too: without them Wagtail invents new ones on every read,
    # and quiz answers could not be matched to their questions.
    return [{"type": "item", "value": value, "id": str(uuid.uuid4())} for value in values]


def _heading(text: str) -> RawBlock:
    return _block("heading", {"text": text, "level": "h2"})


def _text(html: str) -> RawBlock:
    return _block("text", html)


def _callout(*, kind: str, title: str, body: str) -> RawBlock:
    return _block("callout", {"kind": kind, "title": title, "body": body})


def _reflection(*, prompt: str, guidance: str = "") -> RawBlock:
    return _block("reflection", {"prompt": prompt, "guidance": guidance})


def _activity(*, title: str, instructions: str) -> RawBlock:
    return _block("activity", {"title": title, "instructions": instructions})


def _answer(text: str, *, correct: bool = False, feedback: str) -> dict[str, Any]:
    return {"text": text, "correct": correct, "feedback": feedback}


def _question(text: str, *, kind: str = "single", answers: list[dict[str, Any]]) -> dict:
    return {"text": text, "kind": kind, "answers": _items(answers)}


def _quiz(*, title: str, questions: list[dict], pass_mark: int = 80, max_attempts: int = 0):
    return _block(
        "quiz",
        {
            "title": title,
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
            "questions": _items(questions),
        },
    )


# What the demo site contains -----------------------------------------------------------------

SKILLS = [
    ("communication", "Communication", "Saying what you mean and checking you were understood."),
    ("customer-service", "Customer service", "Helping customers calmly, kindly and correctly."),
    ("time-management", "Time management", "Planning a day and keeping to commitments."),
    ("interviewing", "Interviewing", "Preparing for and taking part in a job interview."),
    ("facilitation", "Facilitation", "Guiding a group so that everyone can take part."),
    ("conflict-resolution", "Conflict resolution", "Calming disagreements and finding a way on."),
    ("active-listening", "Active listening", "Listening to understand before responding."),
]


@dataclass
class LessonSpec:
    slug: str
    title: str
    body: list[RawBlock]
    minutes: int = 20


@dataclass
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]


@dataclass
class CourseSpec:
    slug: str
    title: str
    track: str
    summary: str
    description: str
    hours: str
    skills: list[str]
    modules: list[ModuleSpec] = field(default_factory=list)


def _workplace_readiness() -> CourseSpec:
    return CourseSpec(
        slug="workplace-readiness",
        title="Workplace Readiness",
        track=Track.VOCATIONAL,
        summary=(
            "Get ready for your next job: recognise the strengths you already have, write a CV "
            "you are proud of and practise interviews in a safe setting."
        ),
        description=(
            "<p>Three short modules you can take at your own pace. Nothing here asks you to "
            "share your story: you decide what goes on your CV and what you say in "
            "interviews.</p>"
        ),
        hours="6",
        skills=["communication", "interviewing", "time-management"],
        modules=[
            ModuleSpec(
                slug="your-strengths",
                title="Your strengths",
                summary="What you already bring to a workplace.",
                lessons=[
                    LessonSpec(
                        slug="what-you-bring",
                        title="What you bring to work",
                        body=[
                            _heading("Skills you already have"),
                            _text(
                                "<p>Many of the skills employers look for are learned outside "
                                "paid work: looking after others, managing a tight budget, "
                                "staying calm under pressure, learning a new language.</p>"
                                "<p>In this lesson you will name three of your own.</p>"
                            ),
                            _callout(
                                kind="tip",
                                title="Transferable skills",
                                body=(
                                    "<p>A <b>transferable skill</b> is one you can take from one "
                                    "place to another, such as organising, listening or "
                                    "solving problems.</p>"
                                ),
                            ),
                            _reflection(
                                prompt=(
                                    "Think of a time you solved a problem for yourself or "
                                    "someone else. What did you do, and which skills did it "
                                    "take?"
                                ),
                                guidance="Only you can read what you write here.",
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="writing-your-cv",
                        title="Writing your CV",
                        minutes=30,
                        body=[
                            _heading("A CV that works for you"),
                            _text(
                                "<p>A CV is a short summary of your skills, experience and "
                                "training. Keep it to one or two pages, start with your most "
                                "recent experience and use plain words.</p>"
                                "<ul><li>Your name and one safe way to contact you</li>"
                                "<li>A short profile: two or three sentences</li>"
                                "<li>Skills, experience, training and certificates</li></ul>"
                            ),
                            _callout(
                                kind="important",
                                title="You choose what to share",
                                body=(
                                    "<p>You never have to explain a gap in your work history. "
                                    "“Career break” or “Personal and family commitments” is "
                                    "enough. Leave out your home address.</p>"
                                ),
                            ),
                            _quiz(
                                title="Check your learning: your CV",
                                questions=[
                                    _question(
                                        "How long should a CV usually be?",
                                        answers=[
                                            _answer(
                                                "One or two pages",
                                                correct=True,
                                                feedback="Yes. Short and clear is easier to read.",
                                            ),
                                            _answer(
                                                "As long as it takes to list everything",
                                                feedback=(
                                                    "Employers skim CVs; pick what matters "
                                                    "for the job."
                                                ),
                                            ),
                                            _answer(
                                                "Half a page",
                                                feedback="That is usually too short to show "
                                                "your skills.",
                                            ),
                                        ],
                                    ),
                                    _question(
                                        "Which of these belong on your CV?",
                                        kind="multiple",
                                        answers=[
                                            _answer(
                                                "Certificates from your training",
                                                correct=True,
                                                feedback="Yes: they show what you can do.",
                                            ),
                                            _answer(
                                                "One safe way to contact you",
                                                correct=True,
                                                feedback="Yes: choose a phone or e-mail you "
                                                "are comfortable sharing.",
                                            ),
                                            _answer(
                                                "Your home address",
                                                feedback="Not needed: a town or area is enough, "
                                                "or nothing at all.",
                                            ),
                                            _answer(
                                                "The reason for every gap in your work history",
                                                feedback="You do not owe anyone an explanation "
                                                "for a gap.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            ModuleSpec(
                slug="interviews",
                title="Interviews",
                summary="Preparing for interviews and practising them.",
                lessons=[
                    LessonSpec(
                        slug="preparing-for-an-interview",
                        title="Preparing for an interview",
                        body=[
                            _heading("Before the day"),
                            _text(
                                "<p>Read the job description again and pick two examples "
                                "that show you can do what it asks. Plan your journey and "
                                "arrive ten minutes early.</p>"
                            ),
                            _quiz(
                                title="Interview basics",
                                questions=[
                                    _question(
                                        "An interviewer asks something you do not want to "
                                        "answer. What can you do?",
                                        answers=[
                                            _answer(
                                                "Politely steer back to your skills for the job",
                                                correct=True,
                                                feedback="Yes. You stay in control of your story.",
                                            ),
                                            _answer(
                                                "Answer in full, whatever it is",
                                                feedback="You can keep personal matters private.",
                                            ),
                                            _answer(
                                                "Leave the interview",
                                                feedback="You may, but a short redirection "
                                                "usually works.",
                                            ),
                                        ],
                                    ),
                                    _question(
                                        "Which of these help you prepare?",
                                        kind="multiple",
                                        answers=[
                                            _answer(
                                                "Planning your journey",
                                                correct=True,
                                                feedback="Right: arriving calm helps.",
                                            ),
                                            _answer(
                                                "Preparing two examples of your skills",
                                                correct=True,
                                                feedback="Right: examples make skills real.",
                                            ),
                                            _answer(
                                                "Memorising a script word for word",
                                                feedback="Notes help; a script can make you "
                                                "sound stiff.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="practising-interviews",
                        title="Practising interviews",
                        minutes=45,
                        body=[
                            _heading("Practice makes it easier"),
                            _text(
                                "<p>The best way to get ready is to practise out loud with "
                                "someone you trust. Your facilitator will run a mock interview "
                                "with you and tell you what went well.</p>"
                            ),
                            _activity(
                                title="Mock interview",
                                instructions=(
                                    "<p>Book a 20-minute mock interview with your facilitator. "
                                    "Bring the job description of a job you would like. When "
                                    "you have done it, ask for it to be signed off here.</p>"
                                ),
                            ),
                            _reflection(
                                prompt="What went well in your mock interview, and what will "
                                "you do differently next time?",
                            ),
                        ],
                    ),
                ],
            ),
            ModuleSpec(
                slug="your-first-weeks",
                title="Your first weeks at work",
                summary="Settling in to a new job.",
                lessons=[
                    LessonSpec(
                        slug="routines-and-time",
                        title="Routines and time",
                        body=[
                            _heading("Building a routine"),
                            _text(
                                "<p>A steady routine makes the first weeks easier: the same "
                                "time to get up, a plan for getting to work, and a list of "
                                "the day's tasks.</p>"
                            ),
                            _callout(
                                kind="note",
                                title="If you will be late",
                                body="<p>Tell your supervisor as early as you can.</p>",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )


def _customer_service() -> CourseSpec:
    return CourseSpec(
        slug="customer-service-fundamentals",
        title="Customer Service Fundamentals",
        track=Track.VOCATIONAL,
        summary=(
            "The basics of helping customers in shops, cafés and offices: listening, keeping "
            "calm and knowing when to ask for help."
        ),
        description="<p>Two modules and a role-play with your facilitator.</p>",
        hours="4",
        skills=["customer-service", "communication", "conflict-resolution"],
        modules=[
            ModuleSpec(
                slug="understanding-customers",
                title="Understanding customers",
                summary="What customers need from you.",
                lessons=[
                    LessonSpec(
                        slug="what-customers-need",
                        title="What customers need",
                        body=[
                            _heading("Three things every customer wants"),
                            _text(
                                "<p>To be noticed, to be understood, and to leave with their "
                                "question answered or a clear next step.</p>"
                            ),
                            _reflection(
                                prompt="Remember a time you were helped well as a customer. "
                                "What did the person do?",
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="listening-well",
                        title="Listening well",
                        body=[
                            _text(
                                "<p>Let the customer finish, then repeat back what you "
                                "understood before you answer.</p>"
                            ),
                            _quiz(
                                title="Listening check",
                                questions=[
                                    _question(
                                        "A customer is explaining a problem. What do you do first?",
                                        answers=[
                                            _answer(
                                                "Let them finish",
                                                correct=True,
                                                feedback="Yes: people calm down when they feel "
                                                "heard.",
                                            ),
                                            _answer(
                                                "Offer a refund straight away",
                                                feedback="You may not yet know what they need.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            ModuleSpec(
                slug="difficult-moments",
                title="Difficult moments",
                summary="Staying calm and safe when a conversation gets hard.",
                lessons=[
                    LessonSpec(
                        slug="upset-customers",
                        title="Upset customers",
                        body=[
                            _text(
                                "<p>Speak slowly, acknowledge the feeling, and say what you "
                                "can do. You do not have to put up with abuse.</p>"
                            ),
                            _callout(
                                kind="important",
                                title="Your safety comes first",
                                body="<p>If you feel unsafe, step away and get a colleague or "
                                "manager. That is always the right thing to do.</p>",
                            ),
                            _quiz(
                                title="Staying calm",
                                questions=[
                                    _question(
                                        "Which of these help calm an upset customer?",
                                        kind="multiple",
                                        answers=[
                                            _answer(
                                                "Acknowledging how they feel",
                                                correct=True,
                                                feedback="Right.",
                                            ),
                                            _answer(
                                                "Saying what you can do next",
                                                correct=True,
                                                feedback="Right: a next step reassures.",
                                            ),
                                            _answer(
                                                "Raising your voice to be heard",
                                                feedback="This usually makes things worse.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="role-play",
                        title="Role-play practice",
                        minutes=30,
                        body=[
                            _text(
                                "<p>Practise a customer conversation with your facilitator "
                                "playing the customer.</p>"
                            ),
                            _activity(
                                title="Role-play a customer complaint",
                                instructions="<p>Handle a complaint about a late order from "
                                "start to finish, with your facilitator as the customer.</p>",
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )


def _peer_support() -> CourseSpec:
    return CourseSpec(
        slug="leading-peer-support-groups",
        title="Leading Peer Support Groups",
        track=Track.LEADERSHIP,
        summary=(
            "For mentors and future group leaders: hold a safe space, listen without fixing and "
            "know when to bring in staff."
        ),
        description="<p>Two modules and a practice circle you co-facilitate.</p>",
        hours="5",
        skills=["facilitation", "active-listening", "conflict-resolution", "communication"],
        modules=[
            ModuleSpec(
                slug="holding-a-safe-space",
                title="Holding a safe space",
                summary="Agreements and listening.",
                lessons=[
                    LessonSpec(
                        slug="group-agreements",
                        title="Group agreements",
                        body=[
                            _heading("Agreeing how we work together"),
                            _text(
                                "<p>A group agreement is made by the group at its first "
                                "meeting: what is shared stays in the room, anyone may pass, "
                                "one person speaks at a time.</p>"
                            ),
                            _callout(
                                kind="tip",
                                title="Write it down",
                                body="<p>Keep the agreement where everyone can see it.</p>",
                            ),
                            _reflection(
                                prompt="What would make a group feel safe for you?",
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="listening-without-fixing",
                        title="Listening without fixing",
                        body=[
                            _text(
                                "<p>Peers often want to help by giving advice. Usually, being "
                                "heard helps more.</p>"
                            ),
                            _quiz(
                                title="Listening in a group",
                                questions=[
                                    _question(
                                        "A member shares something painful. What is a good "
                                        "first response?",
                                        answers=[
                                            _answer(
                                                "Thank them and reflect back what you heard",
                                                correct=True,
                                                feedback="Yes.",
                                            ),
                                            _answer(
                                                "Tell them what you would do",
                                                feedback="Advice can wait until it is asked for.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            ModuleSpec(
                slug="when-things-get-hard",
                title="When things get hard",
                summary="Conflict, boundaries and bringing in staff.",
                lessons=[
                    LessonSpec(
                        slug="conflict-in-the-group",
                        title="Conflict in the group",
                        body=[
                            _text(
                                "<p>Name what is happening, return to the group agreement, "
                                "and take a break if needed. If anyone may be at risk, bring "
                                "in staff straight away.</p>"
                            ),
                            _quiz(
                                title="Handling conflict",
                                questions=[
                                    _question(
                                        "When should you bring in programme staff?",
                                        kind="multiple",
                                        answers=[
                                            _answer(
                                                "When someone may be at risk",
                                                correct=True,
                                                feedback="Always.",
                                            ),
                                            _answer(
                                                "When the group agreement keeps being broken",
                                                correct=True,
                                                feedback="Yes: you do not have to hold it alone.",
                                            ),
                                            _answer(
                                                "Never: peers handle everything",
                                                feedback="Staff are there to support you.",
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                    LessonSpec(
                        slug="practice-circle",
                        title="Practice circle",
                        minutes=60,
                        body=[
                            _text("<p>Co-facilitate a practice circle with a facilitator.</p>"),
                            _activity(
                                title="Co-facilitate a practice circle",
                                instructions="<p>Open and close a 30-minute practice circle "
                                "with a facilitator, using a group agreement.</p>",
                            ),
                        ],
                    ),
                ],
            ),
        ],
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


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return "(page not available)"


def _demo_users() -> list[DemoUser]:
    dashboard = _url("courses:dashboard")
    admin = _url("wagtailadmin_home")
    return [
        DemoUser(
            "maya",
            "Maya",
            "participant",
            f"{dashboard}: continue Workplace Readiness; {_url('cohorts:mine')}: her group; "
            f"{_url('mentoring:my_mentor')}: her mentor",
            (Role.PARTICIPANT,),
            {"peer_alias": "Sunrise", "safe_contact_channels": [ContactChannel.IN_PERSON]},
        ),
        DemoUser(
            "rosa",
            "Rosa",
            "participant (Spanish)",
            f"{dashboard}: a completed course; the interface in Spanish; "
            f"{_url('sharing:list')}: what she shares with employers, and who looked; "
            "sees 'Staying safe online' once, first",
            (Role.PARTICIPANT,),
            {
                "legal_name": "Rosa María Pérez",
                "preferred_language": "es",
                "safe_contact_channels": [ContactChannel.SMS],
            },
            read_safety_notice=False,
        ),
        DemoUser(
            "amara",
            "Amara",
            "mentor and participant",
            f"{_url('mentoring:mentor_dashboard')}: her two mentees; log a check-in",
            (Role.MENTOR, Role.PARTICIPANT),
            {"peer_alias": "Oak"},
        ),
        DemoUser(
            "dana",
            "Dana",
            "facilitator",
            f"{_url('cohorts:list')}: take attendance; {_url('courses:signoffs')}: sign-offs",
            (Role.FACILITATOR,),
        ),
        DemoUser(
            "sam",
            "Sam",
            "programme staff",
            f"{admin}: edit the courses and skills in the Wagtail admin",
            (Role.PROGRAMME_STAFF,),
            {"is_staff": True},
        ),
        DemoUser(
            "lee",
            "Lee",
            "employer user",
            f"{_url('employer:credentials')}: only what Rosa shared with Harbour Hotels",
            (Role.EMPLOYER,),
        ),
        DemoUser(
            "admin",
            "Admin",
            "superuser",
            f"{admin}: everything, including users and groups",
            (),
            {"is_staff": True, "is_superuser": True},
        ),
    ]


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
        self.created: list[str] = []
        with transaction.atomic():
            users = self._users()
            skills = self._skills()
            index = self._course_index()
            courses = {
                spec.slug: self._course(index=index, spec=spec, skills=skills)
                for spec in (_workplace_readiness(), _customer_service(), _peer_support())
            }
            self._maya(user=users["maya"], course=courses["workplace-readiness"])
            self._rosa(
                user=users["rosa"],
                course=courses["customer-service-fundamentals"],
                facilitator=users["dana"],
            )
            self._amara(user=users["amara"], course=courses["leading-peer-support-groups"])
            seed_cohort(users=users, courses=courses, created=self.created)
            seed_mentorship(users=users, skills=skills, created=self.created)
            certificates = seed_certificates(users=users, courses=courses, created=self.created)
            sharing = seed_sharing(users=users, created=self.created)
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(self.created)} demo records:"))
            for line in self.created:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo data was already there; nothing changed.")
        self._print_logins()
        self.stdout.write("")
        for line in certificates:
            self.stdout.write(line)
        self.stdout.write("")
        for line in sharing:
            self.stdout.write(line)

    # People --------------------------------------------------------------------------------

    def _users(self) -> dict:
        user_model = get_user_model()
        # The role groups come from a migration; make sure they exist with their permissions.
        missing = [role for role in Role if not Group.objects.filter(name=role.value).exists()]
        if missing:
            Group.objects.bulk_create([Group(name=role.value) for role in missing])
            grant_role_permissions()
        users = {}
        for spec in _demo_users():
            user, created = user_model.objects.get_or_create(
                username=spec.username,
                defaults={
                    "chosen_name": spec.chosen_name,
                    "safety_notice_seen_at": timezone.now() if spec.read_safety_notice else None,
                    **spec.fields,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                self.created.append(f"user {spec.username} ({spec.role})")
            elif not user.check_password(DEMO_PASSWORD):
                self.stdout.write(
                    self.style.WARNING(f"{spec.username}'s password was changed; left as it is.")
                )
            groups = Group.objects.filter(name__in=[role.value for role in spec.groups])
            user.groups.add(*groups)
            users[spec.username] = user
        return users

    # Content -------------------------------------------------------------------------------

    def _skills(self) -> dict[str, Skill]:
        skills = {}
        for slug, name, description in SKILLS:
            skill, created = Skill.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            if created:
                self.created.append(f"skill {name}")
            skills[slug] = skill
        return skills

    def _publish_child(self, *, parent: Page, page: Page) -> Page:
        """Add a page as a draft and publish it, as an editor would, so it has a revision."""
        page.live = False
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created.append(f"page {page.url_path}")
        return type(page).objects.get(pk=page.pk)

    def _course_index(self) -> CourseIndexPage:
        root = default_site_root()
        index = CourseIndexPage.objects.child_of(root).first()
        if index is None:
            index = self._publish_child(
                parent=root,
                page=CourseIndexPage(
                    title="Courses",
                    slug="courses",
                    intro="<p>Courses for work and leadership, at your own pace.</p>",
                ),
            )
        return index

    def _course(
        self, *, index: CourseIndexPage, spec: CourseSpec, skills: dict[str, Skill]
    ) -> CoursePage:
        course = CoursePage.objects.child_of(index).filter(slug=spec.slug).first()
        if course is None:
            course = CoursePage(
                title=spec.title,
                slug=spec.slug,
                track=spec.track,
                summary=spec.summary,
                description=spec.description,
                estimated_hours=Decimal(spec.hours),
                language="en",
                enrolment_open=True,
            )
            course.skills = [skills[slug] for slug in spec.skills]
            course = self._publish_child(parent=index, page=course)
        for module_spec in spec.modules:
            module = ModulePage.objects.child_of(course).filter(slug=module_spec.slug).first()
            if module is None:
                module = self._publish_child(
                    parent=course,
                    page=ModulePage(
                        title=module_spec.title,
                        slug=module_spec.slug,
                        summary=module_spec.summary,
                    ),
                )
            for lesson_spec in module_spec.lessons:
                if LessonPage.objects.child_of(module).filter(slug=lesson_spec.slug).exists():
                    continue
                self._publish_child(
                    parent=module,
                    page=LessonPage(
                        title=lesson_spec.title,
                        slug=lesson_spec.slug,
                        body=lesson_spec.body,
                        estimated_minutes=lesson_spec.minutes,
                    ),
                )
        return course

    # Progress, made through the services ---------------------------------------------------

    def _enrol(self, *, user, course: CoursePage) -> Enrolment | None:
        """A new enrolment, or None when this person's story was already seeded."""
        if Enrolment.objects.filter(user=user, course=course).exists():
            return None
        self.created.append(f"enrolment of {user.username} in {course.title}")
        return services.enrolment_start(user=user, course=course)

    @staticmethod
    def _lessons(course: CoursePage) -> dict[str, LessonPage]:
        return {
            lesson.slug: lesson
            for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")
        }

    @staticmethod
    def _block_id(lesson: LessonPage, block_type: str) -> str:
        return lesson.interactive_blocks(block_type)[0].id

    @staticmethod
    def _quiz_answers(lesson: LessonPage, *, correct: bool) -> dict[str, list[str]]:
        """Answers to the lesson's quiz, by the question and answer ids stored with it."""
        quiz = lesson.interactive_blocks("quiz")[0]
        answers = {}
        for question in quiz.value["questions"].bound_blocks:
            options = question.value["answers"].bound_blocks
            wanted = [option.id for option in options if option.value["correct"] == correct]
            answers[question.id] = wanted[:1] if question.value["kind"] == "single" else wanted
        return answers

    def _pass_quiz(self, *, enrolment: Enrolment, lesson: LessonPage) -> None:
        services.quiz_submit(
            enrolment=enrolment,
            lesson=lesson,
            block_id=self._block_id(lesson, "quiz"),
            answers=self._quiz_answers(lesson, correct=True),
        )

    def _maya(self, *, user, course: CoursePage) -> None:
        """Part-way through: module one done after failing its quiz once, module two begun."""
        enrolment = self._enrol(user=user, course=course)
        if enrolment is None:
            return
        lessons = self._lessons(course)
        first = lessons["what-you-bring"]
        services.lesson_start(enrolment=enrolment, lesson=first)
        services.reflection_save(
            enrolment=enrolment,
            lesson=first,
            block_id=self._block_id(first, "reflection"),
            text=(
                "When my sister's landlord would not fix the heating, I found the right office, "
                "wrote the letter and kept copies. Organising, writing, not giving up."
            ),
        )
        services.lesson_complete(enrolment=enrolment, lesson=first)

        cv = lessons["writing-your-cv"]
        services.lesson_start(enrolment=enrolment, lesson=cv)
        failed = services.quiz_submit(
            enrolment=enrolment,
            lesson=cv,
            block_id=self._block_id(cv, "quiz"),
            answers=self._quiz_answers(cv, correct=False),
        )
        if failed.passed:
            raise CommandError("Maya's first quiz attempt should have failed.")
        self._pass_quiz(enrolment=enrolment, lesson=cv)
        services.lesson_complete(enrolment=enrolment, lesson=cv)

        services.lesson_start(enrolment=enrolment, lesson=lessons["preparing-for-an-interview"])

    def _rosa(self, *, user, course: CoursePage, facilitator) -> None:
        """Every lesson done, quizzes passed, role-play signed off: the course is complete."""
        enrolment = self._enrol(user=user, course=course)
        if enrolment is None:
            return
        for lesson in self._lessons(course).values():
            services.lesson_start(enrolment=enrolment, lesson=lesson)
            if lesson.interactive_blocks("reflection"):
                services.reflection_save(
                    enrolment=enrolment,
                    lesson=lesson,
                    block_id=self._block_id(lesson, "reflection"),
                    text="A pharmacist who explained everything slowly and wrote it down for me.",
                )
            if lesson.interactive_blocks("quiz"):
                self._pass_quiz(enrolment=enrolment, lesson=lesson)
            if lesson.interactive_blocks("activity"):
                block_id = self._block_id(lesson, "activity")
                services.activity_request_signoff(
                    enrolment=enrolment, lesson=lesson, block_id=block_id
                )
                services.activity_sign_off(
                    enrolment=enrolment,
                    lesson=lesson,
                    block_id=block_id,
                    signed_off_by=facilitator,
                    note="Calm and clear; offered a next step.",
                )
            services.lesson_complete(enrolment=enrolment, lesson=lesson)
        enrolment.refresh_from_db()
        if enrolment.status != EnrolmentStatus.COMPLETED:
            unmet = ", ".join(str(item.label) for item in completion_report(enrolment).unmet)
            raise CommandError(f"Rosa's course should be complete; still missing: {unmet}")

    def _amara(self, *, user, course: CoursePage) -> None:
        """First lesson done, and the practice circle waiting for a facilitator's sign-off."""
        enrolment = self._enrol(user=user, course=course)
        if enrolment is None:
            return
        lessons = self._lessons(course)
        first = lessons["group-agreements"]
        services.lesson_start(enrolment=enrolment, lesson=first)
        services.reflection_save(
            enrolment=enrolment,
            lesson=first,
            block_id=self._block_id(first, "reflection"),
            text="Knowing I can pass, and that nobody repeats what I said outside the room.",
        )
        services.lesson_complete(enrolment=enrolment, lesson=first)
        circle = lessons["practice-circle"]
        services.lesson_start(enrolment=enrolment, lesson=circle)
        services.activity_request_signoff(
            enrolment=enrolment, lesson=circle, block_id=self._block_id(circle, "activity")
        )

    # Output --------------------------------------------------------------------------------

    def _print_logins(self) -> None:
        rows = [("username", "password", "role", "what to try")]
        rows += [(spec.username, DEMO_PASSWORD, spec.role, spec.try_this) for spec in _demo_users()]
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
