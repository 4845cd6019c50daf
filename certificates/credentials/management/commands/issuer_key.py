"""Create, rotate and list the issuer's Ed25519 signing keys.

Rotating makes a new key the one that signs; older keys stay in the issuer profiles so that what
they signed still verifies. Nothing here ever prints private key material.
"""

from django.core.management.base import BaseCommand, CommandError

from pathways.certificates.credentials.models import IssuerKey
from pathways.certificates.credentials.openbadges import IssuerKeyError
from pathways.certificates.credentials.services import issuer_key_create, issuer_key_rotate


class Command(BaseCommand):
    help = "Manage the keys Open Badges credentials are signed with: create, rotate or list."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        subcommands.add_parser("create", help="Create the first signing key.")
        subcommands.add_parser(
            "rotate", help="Create a new signing key and retire the current one."
        )
        subcommands.add_parser("list", help="List every key, active and retired (public parts).")

    def handle(self, *args, action: str, **options):
        if action == "create":
            try:
                key = issuer_key_create()
            except IssuerKeyError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"Created signing key {key.key_id}."))
            self._describe(key)
        elif action == "rotate":
            key = issuer_key_rotate()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created signing key {key.key_id}; earlier keys are retired and still "
                    "verify what they signed."
                )
            )
            self._describe(key)
        else:
            keys = IssuerKey.objects.order_by("created_at", "pk")
            if not keys:
                self.stdout.write("No signing keys yet. Run: manage.py issuer_key create")
            for key in keys:
                self._describe(key)

    def _describe(self, key: IssuerKey) -> None:
        state = f"retired {key.retired_at:%Y-%m-%d %H:%M} UTC" if key.retired_at else "active"
        self.stdout.write(
            f"{key.key_id}  {state}  created {key.created_at:%Y-%m-%d %H:%M} UTC\n"
            f"    public key {key.public_key_multibase} (published under each issuer's profile, "
            f"at keys/{key.public_key_multibase}/)"
        )
