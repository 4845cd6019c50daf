"""Delete the records that have passed their retention period (PATHWAYS_RETENTION_DAYS).

Run it daily from cron. ``--dry-run`` counts without deleting; ``--kind`` limits it to some kinds.
"""

from django.core.management.base import BaseCommand, CommandError

from pathways.lms.privacy.retention import BATCH_SIZE, KINDS, purge_expired


class Command(BaseCommand):
    help = "Delete records past their retention period (PATHWAYS_RETENTION_DAYS), per kind."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted, and delete nothing.",
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=list(KINDS),
            dest="kinds",
            help="Only this kind of record (repeat for several). Default: every kind.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows deleted per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run=False, kinds=None, batch_size=BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        verb = "would be deleted" if dry_run else "deleted"
        for result in purge_expired(kinds=kinds, dry_run=dry_run, batch_size=batch_size):
            if result.days is None:
                self.stdout.write(f"{result.kind}: kept for good (no retention period set)")
                continue
            period = f"older than {result.days} days"
            if result.count is None:
                self.stdout.write(f"{result.kind}: {result.note} ({period})")
            else:
                self.stdout.write(f"{result.kind}: {result.count} {verb} ({period})")
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
