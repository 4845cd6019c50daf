"""The languages a site offers, and staff-written text shown in the reader's language.

Model fields name :func:`language_choices` rather than copying ``settings.LANGUAGES``, so that
migrations never depend on a host's setting (Django writes a reference to the function, not the
list).

Text staff write outside Wagtail pages (a cohort's name, a session's title and place, a skill)
is translated in the admin as rows of a ``translations`` relation, one per language
(:class:`ShownInLanguage`); :func:`translation_for` is the one rule for which row a reader of a
language gets, also used for certificate templates.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import translation


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _code(language: str | None) -> str:
    return (language or "").strip().lower().replace("_", "-")


def translation_for(translations: Iterable, language: str | None = None):
    """Of ``translations`` (objects with a ``language`` code), the one for a reader of
    ``language`` (the active language by default): the same code; else the language itself
    ("es" for a reader of "es-mx"); else the same language for another region. None when none
    fits."""
    wanted = _code(language or translation.get_language() or settings.LANGUAGE_CODE)
    if not wanted:
        return None
    rows = [(row, _code(row.language)) for row in translations]
    base = wanted.split("-")[0]
    for test in (
        lambda code: code == wanted,
        lambda code: code == base,
        lambda code: code.split("-")[0] == base,
    ):
        for row, code in rows:
            if test(code):
                return row
    return None


class ShownInLanguage:
    """A model whose text staff may translate: the rows of its ``translations`` relation hold
    the text in other languages (each row has a ``language`` and the translated fields).

    :meth:`shown` gives a field in the reader's language where a translation has it, else the
    model's own text. Lists prefetch ``translations`` (or hand them over with
    :func:`keep_translations`); an object whose translations were not read with it reads them
    once, on first use.
    """

    translations_relation = "translations"

    def _translations(self) -> list:
        kept = self.__dict__.get("_shown_translations")
        if kept is not None:
            return kept
        name = self.translations_relation
        in_memory = name in getattr(self, "_cluster_related_objects", {})
        prefetched = name in getattr(self, "_prefetched_objects_cache", {})
        if self.pk is not None and not in_memory and not prefetched:
            prefetch_related_objects([self], name)
        return list(getattr(self, name).all())

    def translation_in(self, language: str | None = None):
        """This object's translation for a reader of ``language`` (the active one by default),
        or None."""
        return translation_for(self._translations(), language)

    def shown(self, field: str, language: str | None = None) -> str:
        """``field`` as a reader of ``language`` (the active one by default) sees it: the
        translation's text where it has some, else this object's own."""
        translated = self.translation_in(language)
        text = getattr(translated, field, "") if translated is not None else ""
        return text or getattr(self, field)


def keep_translations(objects: Iterable, rows: Iterable, *, parent: str) -> None:
    """Give each of ``objects`` (a :class:`ShownInLanguage` model's) its translations among
    ``rows`` (translation rows whose foreign key to it is ``parent``), so that showing them reads
    nothing more. For a list whose translations are read with the list's own filter: that query
    runs whether or not the list is empty, so the page costs the same either way."""
    by_parent = defaultdict(list)
    for row in rows:
        by_parent[getattr(row, f"{parent}_id")].append(row)
    for obj in objects:
        obj.__dict__["_shown_translations"] = by_parent.get(obj.pk, [])
