"""Back up the database and every stored file into a new directory (see lms/core/backups.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from pathways.lms.core.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's backup API) and every stored file (PDFs, "
        "images, documents, exports) into a new directory, with a manifest of checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A new or empty directory to write the backup to.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which database (default: default)."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            help="Give up if pg_dump takes longer than this many seconds (default: no limit).",
        )
        parser.add_argument(
            "--pg-bin", help="Where pg_dump is, if not the server's version's or on PATH."
        )

    def handle(self, *args, directory, database, pg_bin=None, timeout=None, **options):
        try:
            outcome = back_up(
                directory=directory, database=database, pg_bin=pg_bin, timeout=timeout
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{alias}: {count}" for alias, count in outcome.files.items())
        self.stdout.write(
            f"Backed up the {outcome.vendor} database ({outcome.tables} tables, "
            f"{outcome.rows} rows) and {sum(outcome.files.values())} stored files "
            f"({files or 'no storages'}; {outcome.file_bytes} bytes) to {outcome.directory}."
        )
        self.stdout.write(
            "It holds personal data and the credential signing keys: encrypt it and keep it "
            "somewhere safe."
        )
