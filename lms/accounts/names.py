"""One rule for every person's name, whichever way it arrives (admin, API, commands, forms).

A name is shown on pages, printed on certificates and read out by verifiers, so it must look the
same everywhere. Invisible control characters break that: a right-to-left override makes a name
print reversed on a PDF or on the verify page, and a zero-width space makes two names look alike
while they differ. Such characters are refused at input, and every name is stored in Unicode
normal form C, so that "María" typed on one keyboard equals "María" typed on another.

The joiners U+200C and U+200D stay allowed: Persian, Hindi, Malayalam and other scripts need them
to spell names correctly, and they cannot reorder text.
"""

import unicodedata

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Format characters that some scripts need inside words: zero-width non-joiner and joiner.
ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})

#: Categories never wanted in a name: controls, format characters (bidi embeddings, overrides,
#: isolates, marks, zero-width spaces, tags), line and paragraph separators, lone surrogates.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

#: The fields of the profile that hold a person's name.
NAME_FIELDS = ("chosen_name", "legal_name", "peer_alias")


def is_refused_character(character: str) -> bool:
    if character in ALLOWED_FORMAT_CHARACTERS:
        return False
    return unicodedata.category(character) in _REFUSED_CATEGORIES


def normalise_name(value):
    """The name in normal form C; anything that is not text is returned unchanged."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value)


@deconstructible
class PersonNameValidator:
    """Refuses hidden control and direction characters in a name, with a message that helps."""

    message = _(
        "This name contains a hidden formatting character (for example one that changes the "
        "direction of the text). Please type the name again, or paste it as plain text."
    )
    code = "hidden_character"

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        if any(is_refused_character(character) for character in value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PersonNameValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_person_name = PersonNameValidator()


def stored_profile(user):
    """The person's Pathways profile if she has one yet, without making it (reads only)."""
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return user.pathways_profile
    except (ObjectDoesNotExist, AttributeError):
        return None


def chosen_name_of(user) -> str:
    """The name a person is called by: her chosen name, or her username until she gives one.

    Never the user model's first and last names: on a host site those may be her legal name.
    """
    if user is None:
        return ""
    profile = stored_profile(user)
    return (profile.chosen_name if profile else "") or user.get_username()


def alias_of(user) -> str:
    """The name peers (cohort-mates, mentors) see: her alias, or her chosen name without one."""
    profile = stored_profile(user)
    return (profile.peer_alias if profile else "") or chosen_name_of(user)


def legal_name_of(user) -> str:
    profile = stored_profile(user)
    return profile.legal_name if profile else ""


def staff_label(user) -> str:
    """How staff screens name a person: the chosen name, and the username to tell two people of
    the same name apart. Never the legal name, which is shown only as an audited read."""
    if user is None:
        return "-"
    return f"{chosen_name_of(user)} ({user.get_username()})"
