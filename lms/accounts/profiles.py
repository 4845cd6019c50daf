"""Each person's Pathways profile, made the first time Pathways needs it.

Reading a name never makes a profile (``names.chosen_name_of`` and friends fall back to the
username); anything that records something about the person goes through :func:`profile_of`.
"""

from django.db import IntegrityError, transaction

from pathways.lms.accounts.models import ContactChannel, Profile
from pathways.lms.accounts.names import stored_profile

__all__ = ["ContactChannel", "may_be_contacted_by", "profile_of", "profile_update"]


def profile_of(user) -> Profile | None:
    """The person's profile, made now if she has none yet; ``None`` for a visitor."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return None
    profile = stored_profile(user)
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            profile, _created = Profile.objects.get_or_create(user_id=user.pk)
    except IntegrityError:  # made at the same moment by another request
        profile = Profile.objects.get(user_id=user.pk)
    user.pathways_profile = profile
    return profile


def profile_update(user, **fields) -> Profile:
    """Set some of the person's profile fields and save only those."""
    profile = profile_of(user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save(update_fields=list(fields))
    return profile


def may_be_contacted_by(user, channel: str) -> bool:
    """Whether this person said Pathways may reach her this way. No profile, no channel: no."""
    profile = stored_profile(user)
    return bool(profile and profile.may_be_contacted_by(channel))
