"""manage.py employer_key create|revoke|list: API keys for partner employers."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.certificates.employers.services import (
    SCOPES,
    employer_key_create,
    employer_key_revoke,
)


class Command(BaseCommand):
    help = (
        "Create, revoke or list partner employers' API keys. A new key is printed once and "
        "only its hash is kept."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--employer", required=True, help="The employer's name.")
        create.add_argument("--name", required=True, help="What the key is for.")
        create.add_argument(
            "--scope", action="append", choices=sorted(SCOPES), help="Repeat for several."
        )
        revoke = sub.add_parser("revoke", help="Revoke a key at once.")
        revoke.add_argument("prefix", help="The key's prefix, as `list` shows it.")
        listing = sub.add_parser("list", help="List keys (never their secrets).")
        listing.add_argument("--employer", help="Only this employer's keys.")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "create":
                employer = EmployerOrganisation.objects.filter(name=options["employer"]).first()
                if employer is None:
                    raise CommandError(f"No partner employer is called {options['employer']!r}.")
                key, raw = employer_key_create(
                    employer=employer, name=options["name"], actor=None, scopes=options["scope"]
                )
                self.stdout.write(f"Created key {key.prefix} for {employer.name}.")
                self.stdout.write("Copy it now: it is not stored and cannot be shown again.")
                self.stdout.write(raw)
            elif action == "revoke":
                key = EmployerApiKey.objects.filter(prefix=options["prefix"]).first()
                if key is None:
                    raise CommandError(f"No key has the prefix {options['prefix']!r}.")
                employer_key_revoke(key=key, actor=None)
                self.stdout.write(f"Revoked key {key.prefix}; it stops working at once.")
            else:
                keys = EmployerApiKey.objects.select_related("employer").order_by(
                    "employer__name", "-created_at"
                )
                if options.get("employer"):
                    keys = keys.filter(employer__name=options["employer"])
                for key in keys:
                    state = "revoked" if key.revoked_at else "active"
                    used = key.last_used_at.isoformat() if key.last_used_at else "never used"
                    self.stdout.write(
                        f"{key.prefix}  {state:7}  {key.employer.name}  {key.name}  "
                        f"{','.join(key.scopes)}  {used}"
                    )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
