"""Restore a backup made by pathways_backup into this site's database and storages."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from pathways.lms.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by pathways_backup: check its checksums, restore the database "
        "and the stored files, and check the row counts. Refuses a database that already has "
        "tables, or stored files that differ, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The backup's directory.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which database (default: default)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database and the storages already hold.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            help="Give up if pg_restore takes longer than this many seconds (default: no limit).",
        )
        parser.add_argument(
            "--pg-bin", help="Where pg_restore is, if not the server's version's or on PATH."
        )

    def handle(self, *args, directory, database, force=False, pg_bin=None, timeout=None, **options):
        try:
            outcome = restore(
                directory=directory,
                database=database,
                force=force,
                pg_bin=pg_bin,
                timeout=timeout,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{alias}: {count}" for alias, count in outcome.files.items())
        self.stdout.write(
            f"Restored the {outcome.vendor} database ({outcome.tables} tables, {outcome.rows} "
            f"rows, counts checked) and {sum(outcome.files.values())} stored files "
            f"({files or 'no storages'}; {outcome.unchanged_files} were already there)."
        )
        if outcome.pending_migrations:
            self.stdout.write(
                f"The backup is from an older version: run `manage.py migrate` "
                f"({outcome.pending_migrations} migrations to apply)."
            )
