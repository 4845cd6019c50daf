"""Staff tools for courses in the Wagtail admin, under one "Courses" menu item.

- The course list and each course's outline (modules and their lessons), with buttons that open
  Wagtail's own page editor for the right page type under the right parent, so that a course with
  a module, a lesson and a quiz is a handful of clicks. Pages stay Wagtail pages: their rules
  (``parent_page_types``, page permissions, revisions, workflows) apply unchanged, and only people
  who may edit pages see these screens.
- Enrolments, made through the same service as participants, so the admin cannot enrol someone
  the rules would refuse.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn, StatusTagColumn, Table, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.models import Site
from wagtail.permissions import page_permission_policy

from pathways.courses import services, translations
from pathways.courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage, ModulePage
from pathways.lms.accounts.people import PeopleIndexMixin, PeopleInspectMixin, offer_people
from pathways.lms.core.admin import EmptyValuesInspectMixin, ServiceCreateView


class EnrolmentCreateView(ServiceCreateView):
    """Staff enrol a participant; the service applies the rules and records who did it."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "user" in form.fields:
            offer_people(form.fields["user"], form.fields["user"].queryset)
        return form

    def save_through_service(self, form):
        return services.enrolment_start(
            user=form.cleaned_data["user"],
            course=form.cleaned_data["course"],
            enrolled_by=self.request.user,
        )


class EnrolmentIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("user",)
    also_related = ("course",)


class EnrolmentInspectView(PeopleInspectMixin, EmptyValuesInspectMixin, InspectView):
    person_fields = ("user", "enrolled_by")


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    add_view_class = EnrolmentCreateView
    index_view_class = EnrolmentIndexView
    inspect_view_class = EnrolmentInspectView
    form_fields = ["user", "course"]
    list_display = ["user", "course", "status", "enrolled_at", "completed_at"]
    list_filter = ["status", "course"]
    search_fields = ["user__pathways_profile__chosen_name", "user__username", "course__title"]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "user",
        "course",
        "status",
        "enrolled_at",
        "completed_at",
        "withdrawn_at",
        "enrolled_by",
        "last_activity_at",
    ]


# Courses and their outline -------------------------------------------------------------------

#: Page permissions that make someone an author: she sees the course screens.
AUTHORING_ACTIONS = frozenset({"add", "change", "publish"})

#: The interactive blocks a lesson's outline names, in the order they are named.
_MARKED_BLOCKS = ("quiz", "reflection", "activity")


def may_author(user) -> bool:
    return page_permission_policy.user_has_any_permission(user, AUTHORING_ACTIONS)


def may_author_page(user, page) -> bool:
    # In memory once the user's page permissions are cached: no query per page.
    return page_permission_policy.user_has_any_permission_for_instance(
        user, AUTHORING_ACTIONS, page
    )


def _count_below(model, levels: int) -> Subquery:
    """How many pages of ``model`` sit ``levels`` below the outer page (one query in all)."""
    return Subquery(
        model.objects.filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + levels)
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )


def courses_with_counts():
    """Every course with how many modules and lessons it holds, in one query."""
    return (
        CoursePage.objects.annotate(
            module_count=_count_below(ModulePage, 1), lesson_count=_count_below(LessonPage, 2)
        )
        .only(
            "id",
            "path",
            "depth",
            "title",
            "owner",
            "live",
            "has_unpublished_changes",
            "translation_key",
            "track",
            "language",
        )
        .order_by("title", "pk")
    )


def other_languages(courses, *, url_name: str) -> dict[int, list[dict]]:
    """Each course's translations into other languages (drafts too), as links to their outlines,
    in one query; none when the site does not translate content."""
    if not courses or not translations.enabled():
        return {}
    by_key: dict = {}
    rows = (
        CoursePage.objects.filter(
            translation_key__in={course.translation_key for course in courses}
        )
        .order_by("locale__language_code", "pk")
        .values_list("pk", "translation_key", "locale__language_code")
    )
    for pk, key, language in rows:
        by_key.setdefault(key, []).append((pk, language))
    return {
        course.pk: [
            {
                "code": language,
                "language": translations.language_name(language),
                "url": reverse(url_name, args=[pk]),
            }
            for pk, language in by_key.get(course.translation_key, [])
            if pk != course.pk
        ]
        for course in courses
    }


def written_in(course) -> str:
    """The language this version of a course is written in, as the course's "Language" field
    names it. A translation names its locale's: wagtail-localize copies the source's field onto
    its translations, where it would name the source's language."""
    code = course.language
    if translations.enabled() and translations.source_page(course).pk != course.pk:
        code = course.locale.language_code
    labels = dict(CoursePage._meta.get_field("language").flatchoices)
    return str(labels.get(code) or translations.language_name(code))


def page_add_url(model, parent, *, next_url: str = "") -> str:
    """Wagtail's "add page" view for a page of ``model`` under ``parent``; back to
    ``next_url`` once it is published."""
    url = reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def page_edit_url(page, *, next_url: str = "") -> str:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def publication_status(page) -> str:
    """Wagtail's own words for a page's state (and their translations), without the queries of
    ``Page.status_string`` (which also looks for scheduled publishing)."""
    if not page.live:
        return gettext("draft")
    if page.has_unpublished_changes:
        return gettext("live + draft")
    return gettext("live")


def lesson_contents(lesson) -> list[str]:
    """What a lesson asks of participants (quiz, reflection, activity), from its stored blocks
    without rendering them."""
    kinds = {block.get("type") for block in lesson.body.raw_data}
    labels = {
        "quiz": gettext("Quiz"),
        "reflection": gettext("Reflection"),
        "activity": gettext("Practical activity"),
    }
    return [labels[kind] for kind in _MARKED_BLOCKS if kind in kinds]


class CourseTitleColumn(TitleColumn):
    """A course's title, a link to its outline, and under it the languages it is translated
    into ("Also in: Español"), each a link to that translation's outline: in reach on a phone
    too, where a table's last columns are off screen."""

    cell_template_name = "courses/admin/course_title_cell.html"

    def __init__(self, name, *, translated: dict[int, list[dict]], **kwargs):
        super().__init__(name, **kwargs)
        self.translated = translated

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["translations"] = self.translated.get(instance.pk, [])
        return context


class AuthoringMenuItem(MenuItem):
    """Shown to people who may add or edit pages."""

    def is_shown(self, request):
        return may_author(request.user)


class AuthoringViewMixin(WagtailAdminTemplateMixin):
    """Only for people who may add or edit pages; others are refused (403)."""

    index_url_name = None
    course_url_name = None
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not may_author(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def index_url(self) -> str:
        return reverse(self.index_url_name)


class CourseListView(AuthoringViewMixin, TemplateView):
    """Every course staff may edit, with its track, language, state and size; a fixed number of
    queries whatever the number of courses."""

    template_name = "courses/admin/course_list.html"
    page_title = _("Courses")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    @cached_property
    def course_indexes(self) -> list:
        return [
            index
            for index in CourseIndexPage.objects.select_related("locale").order_by("path")
            if may_author_page(self.request.user, index)
        ]

    def catalogue_add_url(self) -> str:
        """Where to add the course catalogue page a site needs before its first course."""
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not may_author_page(self.request.user, site.root_page):
            return ""
        return page_add_url(CourseIndexPage, site.root_page, next_url=self.index_url)

    @cached_property
    def header_buttons(self):
        indexes = self.course_indexes
        if len(indexes) != 1:
            return []
        return [
            HeaderButton(
                gettext("Add course"),
                url=page_add_url(CoursePage, indexes[0], next_url=self.index_url),
                icon_name="plus",
            )
        ]

    def get_header_more_buttons(self):
        indexes = self.course_indexes
        if len(indexes) < 2:
            return []
        return [
            Button(
                self._add_course_label(index),
                url=page_add_url(CoursePage, index, next_url=self.index_url),
                icon_name="plus",
                priority=number,
            )
            for number, index in enumerate(indexes)
        ]

    @staticmethod
    def _add_course_label(index) -> str:
        if translations.enabled():
            return gettext("Add course to “%(catalogue)s” (%(language)s)") % {
                "catalogue": index.title,
                "language": translations.language_name(index.locale.language_code),
            }
        return gettext("Add course to “%(catalogue)s”") % {"catalogue": index.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Each course once, as written first: its translations are named under its title.
        courses = [
            course
            for course in translations.sources_only(courses_with_counts())
            if may_author_page(user, course)
        ]
        translated = other_languages(courses, url_name=self.course_url_name)
        context["courses"] = courses
        context["table"] = Table(
            [
                CourseTitleColumn(
                    "title",
                    label=gettext("Course"),
                    get_url=lambda course: reverse(self.course_url_name, args=[course.pk]),
                    translated=translated,
                ),
                Column("track", label=gettext("Track"), accessor="get_track_display"),
                Column("language", label=gettext("Language"), accessor="get_language_display"),
                StatusTagColumn(
                    "status",
                    label=gettext("Status"),
                    accessor=publication_status,
                    primary=lambda course: course.live,
                ),
                NumberColumn("module_count", label=gettext("Modules")),
                NumberColumn("lesson_count", label=gettext("Lessons")),
            ],
            courses,
            caption=gettext("Courses"),
        )
        context["has_catalogue"] = bool(self.course_indexes)
        if not self.course_indexes:
            context["catalogue_add_url"] = self.catalogue_add_url()
        return context


class CourseOutlineView(AuthoringViewMixin, TemplateView):
    """One course as a tree: its modules and their lessons, with buttons to add and edit each;
    every add and edit comes back here. A fixed number of queries, whatever its size."""

    template_name = "courses/admin/course_outline.html"
    page_title = _("Courses")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.course = get_object_or_404(CoursePage, pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_author_page(request.user, self.course):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.index_url, "label": self.get_page_title()},
            {"url": "", "label": self.course.title},
        ]

    @cached_property
    def here(self) -> str:
        return reverse(self.course_url_name, args=[self.course.pk])

    @cached_property
    def source(self):
        """The course this one translates, or None when it is the source itself. Modules and
        lessons are added to the source; a translation gets them when it is next synced."""
        if not translations.enabled():
            return None
        source = translations.source_page(self.course)
        return source if source.pk != self.course.pk else None

    @cached_property
    def header_buttons(self):
        if self.source is not None:
            return []
        return [
            HeaderButton(
                gettext("Add module"),
                url=page_add_url(ModulePage, self.course, next_url=self.here),
                icon_name="plus",
            )
        ]

    def get_header_more_buttons(self):
        return [
            Button(
                gettext("Edit the course"),
                url=page_edit_url(self.course, next_url=self.here),
                icon_name="edit",
                priority=10,
            ),
            Button(
                gettext("Enrolments"),
                url=f"{reverse('enrolments:index')}?{urlencode({'course': self.course.pk})}",
                icon_name="user",
                priority=20,
            ),
            Button(
                gettext("Show in the page tree"),
                url=reverse("wagtailadmin_explore", args=[self.course.pk]),
                icon_name="sitemap",
                priority=30,
            ),
        ]

    def outline(self) -> list[dict]:
        modules = list(
            ModulePage.objects.child_of(self.course)
            .only("id", "path", "depth", "title", "live", "has_unpublished_changes")
            .order_by("path")
        )
        lessons = (
            LessonPage.objects.descendant_of(self.course)
            .filter(depth=self.course.depth + 2)
            .only("id", "path", "depth", "title", "live", "has_unpublished_changes", "body")
            .order_by("path")
        )
        by_module: dict[str, list[dict]] = {module.path: [] for module in modules}
        for lesson in lessons:
            parent_path = lesson.path[: -ModulePage.steplen]
            if parent_path in by_module:
                by_module[parent_path].append(
                    {
                        "page": lesson,
                        "status": publication_status(lesson),
                        "contents": lesson_contents(lesson),
                        "edit_url": page_edit_url(lesson, next_url=self.here),
                    }
                )
        return [
            {
                "page": module,
                "status": publication_status(module),
                "edit_url": page_edit_url(module, next_url=self.here),
                "add_lesson_url": (
                    page_add_url(LessonPage, module, next_url=self.here)
                    if self.source is None
                    else ""
                ),
                "lessons": by_module[module.path],
            }
            for module in modules
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["course"] = self.course
        context["course_status"] = publication_status(self.course)
        context["course_language"] = written_in(self.course)
        context["translations"] = other_languages([self.course], url_name=self.course_url_name).get(
            self.course.pk, []
        )
        context["modules"] = self.outline()
        if self.source is not None:
            context["source_url"] = reverse(self.course_url_name, args=[self.source.pk])
            context["source_language"] = written_in(self.source)
        context["edit_course_url"] = page_edit_url(self.course, next_url=self.here)
        return context


class CourseAuthoringViewSet(ViewSet):
    """The course list and each course's outline."""

    icon = "doc-full"
    menu_label = _("Courses")
    menu_item_class = AuthoringMenuItem

    def _view_kwargs(self) -> dict:
        return {
            "index_url_name": self.get_url_name("index"),
            "course_url_name": self.get_url_name("course"),
        }

    def get_urlpatterns(self):
        return [
            path("", CourseListView.as_view(**self._view_kwargs()), name="index"),
            path("<int:pk>/", CourseOutlineView.as_view(**self._view_kwargs()), name="course"),
        ]


class CoursesViewSetGroup(ViewSetGroup):
    menu_label = _("Courses")
    menu_icon = "doc-full"
    menu_order = 200
    items = (
        CourseAuthoringViewSet("courses_admin", url_prefix="courses"),
        EnrolmentViewSet("enrolments"),
    )


def viewset_group() -> ViewSetGroup:
    """The admin menu group registered by ``courses.wagtail_hooks``."""
    return CoursesViewSetGroup()
