"""Backing up a Pathways site, and restoring it: the database and every stored file.

``manage.py pathways_backup <directory>`` writes, into a new directory:

- the database: PostgreSQL through ``pg_dump --format=custom`` (in the same snapshot the row
  counts are taken in), SQLite through its online backup API (safe while the site runs);
- every file of every storage in ``STORAGES`` but ``staticfiles`` (``collectstatic`` makes those
  again): certificate PDFs, images, documents, exports. Read through the storage's own API, so
  local disk and S3-compatible object storage alike;
- ``manifest.json``: what was written, each file's size and SHA-256, and the row count of each
  table.

``manage.py pathways_restore <directory>`` checks every checksum first, refuses a database that
already has tables (or a storage whose files differ) unless ``--force``, restores the database
(``pg_restore`` or the backup API) and the files, then checks the row counts against the
manifest. The engine must be the one the backup came from.

A backup holds everything about everyone, the credential signing keys included: keep it
encrypted, somewhere else, and no longer than the retention policy allows.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore, with arguments we build)
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.utils import validate_file_name
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
#: Storages that are built from the code, not backed up.
NOT_BACKED_UP = frozenset({"staticfiles"})


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class Outcome:
    """What a backup wrote or a restore put back."""

    directory: Path
    vendor: str
    tables: int = 0
    rows: int = 0
    files: dict[str, int] = field(default_factory=dict)
    file_bytes: int = 0
    unchanged_files: int = 0
    pending_migrations: int = 0


# Files -------------------------------------------------------------------------------------


def backed_up_storages() -> list[str]:
    return [alias for alias in settings.STORAGES if alias not in NOT_BACKED_UP]


def _walk(storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        if directory:
            raise
        return  # a local folder nothing was ever stored in
    for name in sorted(files):
        yield f"{directory}{name}"
    for name in sorted(directories):
        yield from _walk(storage, f"{directory}{name}/")


def _relative(name: str) -> PurePosixPath:
    """A stored file's name as a path inside the backup, refusing anything that could leave it."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in {"", ".", ".."} for part in path.parts):
        raise BackupError(f"Refusing a stored file name that leaves its folder: {name!r}")
    if "\\" in name or "\x00" in name:
        raise BackupError(f"Refusing a stored file name with a backslash or NUL: {name!r}")
    return path


def _file_path(directory: Path, alias: str, name: str) -> Path:
    if not alias.isidentifier():
        raise BackupError(f"Refusing a storage name that is not an identifier: {alias!r}")
    return directory / FILES / alias / _relative(name)


def _copy(source, target, digest) -> int:
    size = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _back_up_files(directory: Path, alias: str) -> dict:
    storage = storages[alias]
    entries = []
    for name in _walk(storage):
        target = _file_path(directory, alias, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, _private_file(target) as out:
            size = _copy(source, out, digest)
        entries.append({"name": name, "bytes": size, "sha256": digest.hexdigest()})
    return {
        "backend": settings.STORAGES[alias].get("BACKEND", ""),
        "count": len(entries),
        "bytes": sum(entry["bytes"] for entry in entries),
        "files": entries,
    }


def _private_file(path: Path):
    """A new file only its owner can read: a backup holds personal data."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


# Databases ---------------------------------------------------------------------------------


def _tables_of_sqlite_file(path: Path) -> dict[str, int]:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {
            name: source.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }
    finally:
        source.close()


def _row_counts(connection) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _pg_tool(name: str, connection, pg_bin: str | None) -> str:
    """The PostgreSQL client program matching the server's major version where there is one
    (Debian keeps them in /usr/lib/postgresql/<major>/bin), else the one on PATH."""
    candidates = []
    if pg_bin:
        candidates.append(Path(pg_bin) / name)
    major = connection.pg_version // 10000 if connection.pg_version else None
    if major:
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client programs, or give --pg-bin."
        )
    return found


def _pg_env(connection) -> dict[str, str]:
    """Connection settings for pg_dump and pg_restore, in the environment (never in the command
    line, where other users of the machine could read the password)."""
    _args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    values = connection.settings_dict
    env = {**os.environ, **(env or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if values.get(key):
            env[variable] = str(values[key])
    env["PGDATABASE"] = values["NAME"]
    return env


def _run(command: list[str], env: dict[str, str], timeout: float | None) -> None:
    try:
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{Path(command[0]).name} took longer than {timeout} seconds.") from None
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}"
        )


def _dump_sqlite(connection, target: Path) -> dict[str, int]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        # One self-contained file, whatever journal the site's database uses.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    target.chmod(0o600)
    return _tables_of_sqlite_file(target)


def _dump_postgresql(
    connection, target: Path, pg_bin: str | None, timeout: float | None
) -> dict[str, int]:
    pg_dump = _pg_tool("pg_dump", connection, pg_bin)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            # One snapshot for the counts and the dump, so that they agree on a running site.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = _row_counts(connection)
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            _pg_env(connection),
            timeout,
        )
    target.chmod(0o600)
    return counts


def _restore_sqlite(connection, source: Path) -> None:
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()
    connection.close()


def _restore_postgresql(
    connection, source: Path, *, pg_bin: str | None, force: bool, timeout: float | None
) -> None:
    pg_restore = _pg_tool("pg_restore", connection, pg_bin)
    env = _pg_env(connection)
    connection.close()
    command = [
        pg_restore,
        "--no-password",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={env['PGDATABASE']}",
    ]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], env, timeout)


def _pending_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# Backing up --------------------------------------------------------------------------------


def _connection(database: str):
    connection = connections[database]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            f"Backing up a {connection.vendor} database is not supported here: use its own tools "
            "(PostgreSQL and SQLite are)."
        )
    if connection.in_atomic_block:
        raise BackupError("Run this outside a transaction.")
    return connection


def back_up(
    *,
    directory: Path,
    database: str = DEFAULT_DB_ALIAS,
    pg_bin: str | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Write a backup of the database and the stored files into ``directory``, which must be
    new or empty. The database first: a file it names was stored before it. ``timeout`` bounds
    ``pg_dump``, in seconds."""
    directory = Path(directory)
    connection = _connection(database)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    try:
        return _back_up_into(directory, connection, pg_bin, timeout)
    except BaseException:
        # No half-written backup left to be mistaken for a whole one.
        for child in directory.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        raise


def _back_up_into(
    directory: Path, connection, pg_bin: str | None, timeout: float | None
) -> Outcome:
    vendor = connection.vendor
    database_file = directory / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        counts = _dump_sqlite(connection, database_file)
    else:
        counts = _dump_postgresql(connection, database_file, pg_bin, timeout)
    stored = {alias: _back_up_files(directory, alias) for alias in backed_up_storages()}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {
            "vendor": vendor,
            "file": database_file.name,
            "bytes": database_file.stat().st_size,
            "sha256": _sha256_of(database_file),
            "tables": counts,
        },
        "storages": stored,
    }
    with _private_file(directory / MANIFEST) as out:
        out.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
    return Outcome(
        directory=directory,
        vendor=vendor,
        tables=len(counts),
        rows=sum(counts.values()),
        files={alias: entry["count"] for alias, entry in stored.items()},
        file_bytes=sum(entry["bytes"] for entry in stored.values()),
    )


# Restoring ---------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    """The backup's manifest, after checking that every file it lists is there, unchanged."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: this is not a Pathways backup.") from None
    except ValueError as exc:
        raise BackupError(f"{path} is not readable JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')!r}) is not {FORMAT}.")
    database = manifest["database"]
    database_file = Path(directory) / _relative(database["file"])
    if not database_file.is_file() or _sha256_of(database_file) != database["sha256"]:
        raise BackupError(f"{database_file} is missing or damaged: its checksum does not match.")
    for alias, stored in manifest["storages"].items():
        for entry in stored["files"]:
            path = _file_path(Path(directory), alias, entry["name"])
            if not path.is_file() or _sha256_of(path) != entry["sha256"]:
                raise BackupError(f"{path} is missing or damaged: its checksum does not match.")
    return manifest


def _conflicts(manifest: dict) -> list[str]:
    """Files the restore would overwrite with different contents."""
    conflicts = []
    for alias, stored in manifest["storages"].items():
        storage = storages[alias]
        for entry in stored["files"]:
            name = entry["name"]
            if storage.exists(name) and _stored_sha256(storage, name) != entry["sha256"]:
                conflicts.append(f"{alias}:{name}")
    return conflicts


def _restore_files(directory: Path, manifest: dict, outcome: Outcome) -> None:
    for alias, stored in manifest["storages"].items():
        storage = storages[alias]
        count = 0
        for entry in stored["files"]:
            name = entry["name"]
            if storage.exists(name):
                if _stored_sha256(storage, name) == entry["sha256"]:
                    outcome.unchanged_files += 1
                    count += 1
                    continue
                storage.delete(name)
            validate_file_name(name, allow_relative_path=True)
            with _file_path(directory, alias, name).open("rb") as source:
                # The storage's own writer (every storage implements it), not save(): save()
                # picks a free name, and a storage may give new files random names, but the
                # database names each file as it was.
                saved = storage._save(name, File(source, name=name))
            if saved != name:
                storage.delete(saved)
                raise BackupError(f"The storage {alias!r} saved {name!r} as {saved!r}.")
            count += 1
            outcome.file_bytes += entry["bytes"]
        outcome.files[alias] = count


def restore(
    *,
    directory: Path,
    database: str = DEFAULT_DB_ALIAS,
    force: bool = False,
    pg_bin: str | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Put a backup back: check it, refuse to overwrite anything unless ``force``, restore the
    database and the files, and check the row counts. ``timeout`` bounds ``pg_restore``."""
    directory = Path(directory)
    connection = _connection(database)
    manifest = read_manifest(directory)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This is a {vendor} backup; the database {database!r} is {connection.vendor}. "
            "Restore into the same kind of database."
        )
    missing = sorted(set(manifest["storages"]) - set(settings.STORAGES))
    if missing:
        raise BackupError(f"The backup has files for storages this site lacks: {missing}.")
    if not force:
        existing = connection.introspection.table_names()
        if existing:
            raise BackupError(
                f"The database {database!r} already has {len(existing)} tables. Restore into a "
                "new, empty database, or give --force to replace what is there."
            )
        conflicts = _conflicts(manifest)
        if conflicts:
            raise BackupError(
                f"{len(conflicts)} stored files differ from the backup's (the first: "
                f"{conflicts[0]}). Restore into empty storage, or give --force to overwrite them."
            )

    database_file = directory / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(connection, database_file)
    else:
        _restore_postgresql(connection, database_file, pg_bin=pg_bin, force=force, timeout=timeout)

    expected = manifest["database"]["tables"]
    found = _row_counts(connection)
    different = sorted(name for name, count in expected.items() if found.get(name) != count)
    if different:
        raise BackupError(
            f"After the restore, {len(different)} tables do not have the backup's row counts "
            f"(the first: {different[0]}: {found.get(different[0])} rows, not "
            f"{expected[different[0]]})."
        )
    outcome = Outcome(
        directory=directory, vendor=vendor, tables=len(expected), rows=sum(expected.values())
    )
    _restore_files(directory, manifest, outcome)
    outcome.pending_migrations = _pending_migrations(connection)
    return outcome
