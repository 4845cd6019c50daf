"""Filters and sort orders for the credentials shared with an employer (API and web portal).

Filtering or sorting on a detail must not reveal it where the participant did not share it. So
the date filters only match certificates whose release discloses dates, the skill filter only
those whose release discloses skills, and sorting by issue date puts every certificate without
shared dates after the dated ones, ordered among themselves by when they were shared (which the
employer knows), never by their hidden issue date. Title and status are always shown, so they
filter and sort freely.

Bad values are refused (400 in the API, the form's errors on the web page), never ignored.
"""

import json

from django import forms
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import django_filters

from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES, CertificateStatus
from pathways.certificates.sharing.models import DisclosedField, ReleasedCertificate
from pathways.courses.models import Skill

DATE_FORMAT = "%Y-%m-%d"
DEFAULT_ORDERING = "-issued_at"
ORDERING_CHOICES = [
    ("-issued_at", _("Issue date, newest first")),
    ("issued_at", _("Issue date, oldest first")),
    ("title", _("Title, A to Z")),
    ("-title", _("Title, Z to A")),
    ("shared_until", _("Sharing ends, soonest first")),
    ("-shared_until", _("Sharing ends, latest first")),
]
# Ties, and certificates without shared dates, go newest shared first: the employer knows when
# each was shared, so this order reveals nothing.
_SHARE_ORDER = ("-release__created_at", "-pk")


def discloses_q(field: str, *, prefix: str = "release__") -> Q:
    """Rows whose release discloses ``field``.

    ``disclosed_fields`` is a JSON list of fixed tokens; matching the quoted token in its JSON
    text works on SQLite (which has no JSON containment lookup) and PostgreSQL alike.
    """
    return Q(**{f"{prefix}disclosed_fields__icontains": json.dumps(str(field))})


def skill_names(name: str) -> set[str]:
    """``name`` and, when it names a skill of the taxonomy in any language, that skill's name in
    every language it is written in: a certificate prints skills in its own language, and an
    employer searching "Teamwork" means "Trabajo en equipo" too. One query."""
    name = " ".join(name.split())
    names = {name}
    matching = Skill.objects.filter(Q(name__iexact=name) | Q(translations__name__iexact=name))
    rows = Skill.objects.filter(pk__in=matching.values("pk")).values_list(
        "name", "translations__name"
    )
    for own, translated in rows:
        names.update(value for value in (own, translated) if value)
    return names


def skill_q(name: str) -> Q:
    """Certificates listing the skill ``name`` (whole name, any case, in any language it is
    written in), where skills are shared.

    Skills are a JSON list of names; each quoted name is looked for in its JSON text, written
    both as SQLite keeps it (non-ASCII escaped) and as PostgreSQL prints it.
    """
    match = Q()
    for each in skill_names(name):
        for needle in {json.dumps(each), json.dumps(each, ensure_ascii=False)}:
            match |= Q(certificate__printed_data__skills__icontains=needle)
    return match & discloses_q(DisclosedField.SKILLS)


def status_q(status: str) -> Q:
    now = timezone.now()
    not_revoked = Q(certificate__revoked_at__isnull=True)
    if status == CertificateStatus.REVOKED:
        return ~not_revoked
    if status == CertificateStatus.EXPIRED:
        return not_revoked & Q(certificate__expires_at__lte=now)
    return not_revoked & (
        Q(certificate__expires_at__isnull=True) | Q(certificate__expires_at__gt=now)
    )


def order_shared(queryset: QuerySet[ReleasedCertificate], ordering: str) -> QuerySet:
    """``queryset`` in one of ``ORDERING_CHOICES``, without revealing undisclosed dates."""
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    if key == "issued_at":
        queryset = queryset.annotate(
            shared_issued_at=Case(
                When(discloses_q(DisclosedField.DATES), then=F("certificate__issued_at")),
                default=Value(None),
                output_field=DateTimeField(),
            )
        )
        issued = F("shared_issued_at")
        first = issued.desc(nulls_last=True) if descending else issued.asc(nulls_last=True)
        return queryset.order_by(first, *_SHARE_ORDER)
    if key == "title":
        title, achievement = (
            Lower("certificate__printed_title"),
            Lower("certificate__printed_achievement"),
        )
        if descending:
            return queryset.order_by(title.desc(), achievement.desc(), *_SHARE_ORDER)
        return queryset.order_by(title.asc(), achievement.asc(), *_SHARE_ORDER)
    if key == "shared_until":
        ends = F("release__expires_at")
        return queryset.order_by(ends.desc() if descending else ends.asc(), *_SHARE_ORDER)
    raise ValueError(ordering)


def _date_filter(*, label, help_text, method: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        help_text=help_text,
        method=method,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2025-03-01.")},
    )


def _search_filter(*, label, help_text) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        help_text=help_text,
        method="filter_title",
        max_length=200,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )


class SharedCredentialFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("issued_after"), cleaned.get("issued_before")
        if after and before and after > before:
            self.add_error(
                "issued_before",
                _("This date is before the “issued on or after” date. Swap them or change one."),
            )
        return cleaned


class SharedCredentialFilter(django_filters.FilterSet):
    """Filters over ``release_selectors.shared_credentials``; sorted newest issued first."""

    q = _search_filter(
        label=_("Search"),
        help_text=_("Words in the credential's title or achievement (course), in any case."),
    )
    title = _search_filter(
        label=_("Title"),
        help_text=_("Same as q: words in the credential's title or achievement, in any case."),
    )
    skill = django_filters.CharFilter(
        label=_("Skill"),
        help_text=_(
            "A skill's whole name, in any case. Matches only credentials whose skills were shared."
        ),
        method="filter_skill",
        max_length=100,
        error_messages={"max_length": _("A skill name has at most %(limit_value)d characters.")},
    )
    issued_after = _date_filter(
        label=_("Issued on or after"),
        help_text=_(
            "A date (YYYY-MM-DD). Matches only credentials whose dates were shared with you."
        ),
        method="filter_issued_after",
    )
    issued_before = _date_filter(
        label=_("Issued on or before"),
        help_text=_(
            "A date (YYYY-MM-DD). Matches only credentials whose dates were shared with you."
        ),
        method="filter_issued_before",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        help_text=_("valid, expired or revoked."),
        # Only current certificates are ever shared, so never "replaced".
        choices=CURRENT_STATUS_CHOICES,
        method="filter_status",
        empty_label=_("Any status"),
        error_messages={"invalid_choice": _("Choose one of: valid, expired, revoked.")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        help_text=_(
            "Sort order; the default is -issued_at. Credentials whose dates were not shared "
            "come after all the others when sorting by issue date, newest shared first."
        ),
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        empty_label=None,
        error_messages={
            "invalid_choice": _(
                "Sort by one of: -issued_at, issued_at, title, -title, shared_until, -shared_until."
            )
        },
    )

    class Meta:
        model = ReleasedCertificate
        fields: list[str] = []
        form = SharedCredentialFilterForm

    def filter_title(self, queryset, name, value: str):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(certificate__printed_title__icontains=word)
                | Q(certificate__printed_achievement__icontains=word)
            )
        return queryset

    def filter_skill(self, queryset, name, value: str):
        return queryset.filter(skill_q(value)) if value.strip() else queryset

    def filter_issued_after(self, queryset, name, value):
        return queryset.filter(
            discloses_q(DisclosedField.DATES), certificate__issued_at__date__gte=value
        )

    def filter_issued_before(self, queryset, name, value):
        return queryset.filter(
            discloses_q(DisclosedField.DATES), certificate__issued_at__date__lte=value
        )

    def filter_status(self, queryset, name, value: str):
        return queryset.filter(status_q(value))

    def filter_ordering(self, queryset, name, value: str):
        return order_shared(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = order_shared(queryset, DEFAULT_ORDERING)
        return queryset
