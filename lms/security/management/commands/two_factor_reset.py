"""Forget a staff member's authenticator app and backup codes, e.g. after a lost phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wagtail.log_actions import log

from pathways.lms.security.two_factor import second_factor_reset
from pathways.lms.security.views import SECOND_FACTOR_RESET_ACTION


class Command(BaseCommand):
    help = (
        "Forget someone's authenticator app and backup codes. At their next visit to the admin "
        "they set up a new one. Check who is asking first: this removes a safeguard."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is nobody with the username {username!r}.")
        if second_factor_reset(user=user):
            log(instance=user, action=SECOND_FACTOR_RESET_ACTION, user=None)
            self.stdout.write(f"Two-step sign-in reset for {user.get_username()}.")
        else:
            self.stdout.write(f"{user.get_username()} had no two-step sign-in set up.")
