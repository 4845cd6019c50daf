"""Course content in the reader's language, with Wagtail's own internationalisation.

Staff translate courses, modules and lessons in the Wagtail admin (wagtail-localize's "Translate
this page", or anything else that makes Wagtail translations: pages sharing a ``translation_key``
in other locales). A course stays one thing across its translations:

- Enrolments, lesson progress, quiz attempts, reflections and sign-offs point at the *source*
  pages: of each set of translations, the page made first (the lowest id; the one translated
  from). Its rules count too (required lessons, pass marks, prerequisites, open for enrolment).
  A page id of any translation leads to the source (:func:`source_page`), so a link to the
  Spanish lesson records progress on the lesson it translates.
- What she reads is the live translation in her language (the active one) where there is one,
  else the source as written. The source page is loaded, and the translation's text is copied
  onto it for showing (:func:`show_in_language`); such a page is never saved (the page models
  refuse to).
- A lesson's translation is shown only while its quizzes, reflection prompts and activities are
  the source's, block by block (ids, answers, which answers are right, pass marks): answers are
  always those of the source's questions. A translation left behind by an edit of the source is
  not shown until it is brought up to date.

Content translation is the host's choice (``WAGTAIL_I18N_ENABLED``): with it off, every page
stands for itself, as written, and nothing here runs a query.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import get_language_info

from wagtail.coreutils import get_supported_content_language_variant

from pathways.courses.models import Page

#: Set on a page whose text was copied from a translation: the translation's language code.
SHOWN_LANGUAGE = "_pathways_shown_language"


def enabled() -> bool:
    """Whether the site translates content (Wagtail's ``WAGTAIL_I18N_ENABLED``)."""
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def content_language(language: str | None = None) -> str | None:
    """The site's content language for ``language`` (the active language by default), or None if
    the site has no content in it."""
    try:
        return get_supported_content_language_variant(
            language or translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return None


def language_name(code: str) -> str:
    """A language's name in that language ("English", "Español"), as language lists show it."""
    try:
        name = get_language_info(code)["name_local"]
    except KeyError:
        return code
    return name[:1].upper() + name[1:]


def _translations(model, keys: Iterable, language: str):
    """Live translations (not aliases, which repeat the source's text) in ``language``."""
    return model.objects.filter(
        translation_key__in=set(keys),
        locale__language_code=language,
        live=True,
        alias_of__isnull=True,
    )


def source_page(page):
    """The page progress and rules belong to: the first of its translations (itself, mostly)."""
    if page is None or not enabled():
        return page
    first = (
        type(page)
        .objects.filter(translation_key=page.translation_key)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if first is None or first == page.pk:
        return page
    return type(page).objects.get(pk=first)


def sources_only(queryset):
    """``queryset`` without the pages that translate another one, so that a list names each
    course once (as its source)."""
    if not enabled():
        return queryset
    earlier = queryset.model.objects.filter(
        translation_key=OuterRef("translation_key"), pk__lt=OuterRef("pk")
    )
    return queryset.exclude(Exists(earlier))


def _fields_for(model, fields) -> tuple[str, ...]:
    if fields is None:
        return tuple(getattr(model, "shown_translated_fields", ("title",)))
    if isinstance(fields, dict):
        return tuple(fields.get(model) or getattr(model, "shown_translated_fields", ("title",)))
    return tuple(fields)


def show_in_language(pages: Iterable, *, fields=None, language: str | None = None) -> list:
    """Show each page in ``language`` (the active one by default) where it has a translation.

    The translation's text fields (``fields``, or each model's ``shown_translated_fields``; a
    dict gives them per model) are copied onto the page object, which keeps its id, place and
    rules. One query per kind of page, and none when the site does not translate content. Returns
    the pages.
    """
    pages = [page for page in pages if page is not None]
    if not pages or not enabled():
        return pages
    code = content_language(language)
    if code is None:
        return pages
    by_model: dict[type, list] = defaultdict(list)
    seen: set[int] = set()
    for page in pages:
        if id(page) in seen or getattr(page, SHOWN_LANGUAGE, None) == code:
            continue
        seen.add(id(page))
        by_model[type(page)].append(page)
    wanted_by_model = {model: _fields_for(model, fields) for model in by_model}
    # Titles alone, whatever the kinds of page, come in one query.
    page_fields = {field.name for field in Page._meta.concrete_fields}
    if all(set(wanted) <= page_fields for wanted in wanted_by_model.values()):
        wanted = tuple(dict.fromkeys(n for names in wanted_by_model.values() for n in names))
        group = [page for pages_of_model in by_model.values() for page in pages_of_model]
        batches = [(Page, group, wanted)]
    else:
        batches = [(model, group, wanted_by_model[model]) for model, group in by_model.items()]
    for model, group, wanted in batches:
        found = {
            shown.translation_key: shown
            for shown in _translations(model, (page.translation_key for page in group), code)
            .exclude(pk__in=[page.pk for page in group])
            .only("pk", "translation_key", *wanted)
        }
        for page in group:
            shown = found.get(page.translation_key)
            if shown is None:
                continue
            fits = getattr(page, "translation_fits", None)
            if "body" in wanted and fits is not None and not fits(shown):
                continue
            for name in wanted:
                setattr(page, name, getattr(shown, name))
            setattr(page, SHOWN_LANGUAGE, code)
    return pages


def titles_in_language(pages: Sequence, language: str) -> dict[int, str]:
    """Each page's title in ``language`` (its live translation's, else its own as stored), by
    page id, read from the database (never from a page object shown in another language). One
    query; none when the site does not translate content."""
    pages = [page for page in pages if page is not None]
    if not pages:
        return {}
    if not enabled():
        return {page.pk: page.title for page in pages}
    code = content_language(language)
    keys = {page.translation_key for page in pages}
    condition = Q(pk__in=[page.pk for page in pages])
    if code is not None:
        condition |= Q(
            translation_key__in=keys,
            locale__language_code=code,
            live=True,
            alias_of__isnull=True,
        )
    stored: dict[int, str] = {}
    translated: dict = {}
    rows = Page.objects.filter(condition).values_list(
        "pk", "translation_key", "title", "locale__language_code", "live", "alias_of_id"
    )
    for pk, key, title, locale, live, alias_of in rows:
        stored[pk] = title
        if locale == code and live and alias_of is None:
            translated.setdefault(key, title)
    return {
        page.pk: translated.get(page.translation_key) or stored.get(page.pk, page.title)
        for page in pages
    }


def offered_languages(pages: Sequence, *, show_fields: Sequence[str] = ()) -> dict[int, list]:
    """The languages each page is offered in, as (code, name): its own first, then those of its
    live translations. One query; none when the site does not translate content (a course then
    says the language it is written in, its ``language`` field).

    ``show_fields`` also shows the pages in the reader's language (as :func:`show_in_language`,
    for plain text fields), from the same query.
    """
    pages = [page for page in pages if page is not None]
    if not enabled():
        return {
            page.pk: [(page.language, language_name(page.language))]
            for page in pages
            if getattr(page, "language", "")
        }
    if not pages:
        return {}
    code = content_language()
    own = {page.pk for page in pages}
    codes: dict = defaultdict(list)
    texts: dict = {}
    rows = (
        type(pages[0])
        .objects.filter(
            translation_key__in={page.translation_key for page in pages},
            live=True,
            alias_of__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "translation_key", "locale__language_code", *show_fields)
    )
    for pk, key, language, *values in rows:
        if language not in codes[key]:
            codes[key].append(language)
        if show_fields and language == code and pk not in own:
            texts.setdefault(key, values)
    for page in pages:
        values = texts.get(page.translation_key)
        if values is not None:
            for name, value in zip(show_fields, values, strict=True):
                setattr(page, name, value)
            setattr(page, SHOWN_LANGUAGE, code)
    return {
        page.pk: [(language, language_name(language)) for language in codes[page.translation_key]]
        for page in pages
    }
