"""The admin's history of a record, written by the services that change it."""

from wagtail.log_actions import log


def log_change(instance, *, created: bool = False, actor) -> None:
    """One entry in the admin's history of ``instance``: made, or changed, by ``actor``."""
    log(instance=instance, action="wagtail.create" if created else "wagtail.edit", user=actor)
