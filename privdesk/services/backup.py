"""Online backups, rotation, verified restore, and the start-up check of an SQLite database.

A backup is taken with SQLite's backup API while privdesk runs; an encrypted database gives an
encrypted backup under the same key (a passphrase-keyed one gets a copy of its ``.salt`` header).
Every backup is checked (``integrity_check``) under its temporary name before it is renamed, so a
file named ``privdesk-<timestamp>.db`` in the folder is a verified one. Rotation keeps the newest
backup of each of the last 7 days, 4 ISO weeks and 12 months.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from privdesk.domain.errors import StoreError, ValidationError
from privdesk.services.context import ServiceContext
from privdesk.services.secrets import SecretStore, database_key_name
from privdesk.store import crypto, scratch
from privdesk.store.engine import Database, engine_key, make_engine
from privdesk.store.migrate import current_revision, head_revision, is_up_to_date, upgrade

BACKUP_PREFIX = "privdesk-"
BACKUP_PATTERN = re.compile(r"^privdesk-(\d{8}T\d{6}Z)\.db$")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
PG_MESSAGE = (
    "this database is on a PostgreSQL server: back it up with pg_dump (for example "
    "`pg_dump -Fc -f privdesk.dump DBNAME`) and restore with pg_restore"
)


@dataclasses.dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    size: int


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    restored: Path
    previous: Path | None
    audit_events: int


def default_backup_dir(db: Path) -> Path:
    return db.parent / "backups"


def backup_name(moment: dt.datetime) -> str:
    return f"{BACKUP_PREFIX}{moment.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.db"


def list_backups(folder: Path) -> list[BackupInfo]:
    """Verified backups in a folder, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = BACKUP_PATTERN.match(path.name)
        if match and path.is_file():
            taken = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            found.append(BackupInfo(path, taken, path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backups_to_keep(backups: list[BackupInfo]) -> set[Path]:
    """Grandfather-father-son: the newest backup of each of the last N days, ISO weeks and months."""
    keep: set[Path] = set()
    for period_of, limit in (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    ):
        seen: list[Any] = []
        for b in sorted(backups, key=lambda b: b.taken_at, reverse=True):
            period = period_of(b.taken_at)
            if period not in seen:
                seen.append(period)
                if len(seen) > limit:
                    break
                keep.add(b.path)
    return keep


def rotate(folder: Path) -> list[Path]:
    """Delete backups (and their salt headers) that rotation no longer keeps; returns what went."""
    backups = list_backups(folder)
    keep = backups_to_keep(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            crypto.salt_path(b.path).unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def copy_database(source: Path, key: bytes | None, target: Path) -> None:
    """Online copy with the SQLite backup API, under the same key; verified before it is renamed."""
    import sqlcipher3

    tmp = _tmp_name(target)
    with scratch.tracked(tmp):
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with crypto.raw_connection(source, key) as src:
            dest = sqlcipher3.connect(str(tmp), isolation_level=None)
            try:
                if key is not None:
                    dest.execute(f'PRAGMA key = "{crypto.sqlcipher_key(key)}"')
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        problems = crypto.integrity_problems(tmp, key)
        if problems:
            raise StoreError(f"the backup failed its integrity check: {problems[0]}")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        salt = crypto.salt_path(source)
        if salt.exists():
            crypto.write_atomically(crypto.salt_path(target), salt.read_bytes())
        os.replace(tmp, target)
        crypto.fsync_folder(target.parent)


@dataclasses.dataclass(frozen=True)
class Credentials:
    """An administrator's sign-in for a restore that no signed-in session vouches for (CLI, start-up)."""

    username: str
    password: str


def is_protected(target: Path, store: SecretStore | None) -> bool:
    """True when ``target`` is encrypted, or a salt file or keyring key says it should be."""
    if crypto.protection_of(target) in (crypto.Protection.KEYRING, crypto.Protection.PASSPHRASE):
        return True
    if crypto.salt_path(target).exists():
        return True
    return store is not None and store.get(database_key_name(target)) is not None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_administrator(
    db: Path, key: bytes | None, credentials: Credentials | None, signed_in: str | None = None
) -> str:
    """The administrator allowed to restore, checked against the accounts of ``db``; a database with no
    accounts yet (before the first run) has nobody to ask."""
    from privdesk.domain.types import Role
    from privdesk.services.access import AccessDenied, require_role
    from privdesk.services.users import UserService

    engine = make_engine(db, key=key)
    try:
        ctx = ServiceContext(Database(engine), actor=signed_in or "")
        users = UserService(ctx)
        if users.needs_first_run():
            return signed_in or "nobody signed in (the database had no accounts)"
        automatic = users.automatic_user() if signed_in is None and credentials is None else None
        if automatic is not None:  # single-user mode: its one administrator, as at every start
            return automatic.username
        if signed_in is None:
            if credentials is None:
                raise AccessDenied(
                    "this needs an administrator's sign-in: name the account with --user NAME (or "
                    "PRIVDESK_USER); the password is asked for, or read from PRIVDESK_LOGIN_PASSWORD"
                )
            ctx.actor = users.authenticate(credentials.username, credentials.password).username
        require_role(ctx, Role.ADMINISTRATOR)
        return ctx.actor
    finally:
        engine.dispose()


def restore(
    backup_file: Path,
    target: Path,
    key: bytes | None,
    *,
    now: dt.datetime | None = None,
    current_key: bytes | None = None,
    credentials: Credentials | None = None,
    signed_in: str | None = None,
    allow_plain: bool = False,
    store: SecretStore | None = None,
) -> RestoreResult:
    """Replace ``target`` with a backup, only after the copy is proven sound and an administrator of the
    live database (of the backup, when the live file is missing or damaged) has signed in.

    ``key`` opens the backup; ``current_key`` the live database (the same key unless the backup is plain).
    Replacing an encrypted database with a plain backup needs ``allow_plain``: the encryption ends,
    so the salt file and keyring key go with it. The backup is first copied to a NEW file beside the
    target and checked there (integrity check and audit-chain verification); the restore itself is then
    recorded in that copy's audit trail (who, which backup, its SHA-256); only then is the live file
    renamed to ``<db>.before-restore-<timestamp>`` and the checked copy renamed into its place. Every
    connection to the target must be closed first.
    """
    if not backup_file.is_file():
        raise StoreError(f"no backup file {backup_file}")
    if backup_file.resolve() == target.resolve():
        raise ValidationError("the backup and the database are the same file")
    protected = target.exists() and is_protected(target, store)
    if key is None and protected and not allow_plain:
        raise ValidationError(
            f"{backup_file.name} is NOT encrypted but {target.name} is: restoring it ends the database's "
            "encryption, so anyone who gets the file can read every case. An administrator must confirm "
            "this explicitly (privdesk restore --allow-plain)"
        )
    live_key = current_key if current_key is not None else (key if protected else None)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = target.with_name(f"{target.name}.restoring-{stamp}")
    if candidate.exists():
        raise StoreError(f"{candidate.name} is in the way; remove it and try again")
    actor: str | None = None
    if target.exists():
        if protected and (live_key is None or not crypto.key_opens_first_page(target, live_key)):
            raise ValidationError(
                f"the database's current key or passphrase is needed to replace {target.name}; "
                "nothing was replaced"
            )
        try:
            live_sound = not startup_check(target, live_key)
        except StoreError:
            live_sound = False
        if live_sound:
            actor = check_administrator(target, live_key, credentials, signed_in)
        elif protected and key != live_key:
            # Damaged, so its accounts cannot be asked: only a backup under the database's own key
            # (which proves its holder) may replace it, and its own accounts decide.
            raise ValidationError(
                f"{target.name} is damaged and {backup_file.name} is not under its key: restore a backup "
                "of this database, or move the damaged file aside first"
            )
    with scratch.tracked(candidate):
        try:
            copy_database(backup_file, key, candidate)
            events = _verify_audit(candidate, key)
            if actor is None:  # no sound live database: the backup's own accounts decide
                actor = check_administrator(candidate, key, credentials, signed_in)
            _record_restore(candidate, key, actor, backup_file, protected and key is None, now)
            previous: Path | None = None
            if target.exists():
                previous = target.with_name(f"{target.name}.before-restore-{stamp}")
                for suffix in ("-wal", "-shm"):
                    side = target.with_name(target.name + suffix)
                    if side.exists():
                        os.replace(side, previous.with_name(previous.name + suffix))
                try:
                    os.link(target, previous)  # the live name keeps a whole database until the rename
                except OSError:
                    shutil.copy2(target, previous)
                crypto.make_private(previous)
            os.replace(candidate, target)  # atomic: the live path always names a whole database
            crypto.fsync_folder(target.parent)
            salt = crypto.salt_path(candidate)
            if salt.exists():
                os.replace(salt, crypto.salt_path(target))
            elif key is None:
                # A confirmed plain restore: a salt or key left behind would make privdesk refuse the file.
                crypto.salt_path(target).unlink(missing_ok=True)
                if store is not None:
                    store.delete(database_key_name(target))
            return RestoreResult(target, previous, events)
        finally:
            crypto.salt_path(candidate).unlink(missing_ok=True)


def _record_restore(
    db: Path, key: bytes | None, actor: str, backup_file: Path, ends_encryption: bool, now: dt.datetime | None
) -> None:
    from privdesk.services.audit import record

    engine = make_engine(db, key=key)
    try:
        ctx = ServiceContext(Database(engine), actor=actor)
        if now is not None:
            moment = now
            ctx.now = lambda: moment
        with ctx.db.write() as s:
            record(
                s,
                ctx,
                "database.restored",
                "database",
                backup_file.name,
                after={
                    "backup": backup_file.name,
                    "sha256": _sha256(backup_file),
                    "restored_by": actor,
                    "encryption_ended": ends_encryption,
                },
            )
    finally:
        engine.dispose()
    crypto.remove_sidecars(db)


def _verify_audit(db: Path, key: bytes | None) -> int:
    from privdesk.services.audit import AuditService

    engine = make_engine(db, key=key)
    try:
        report = AuditService(ServiceContext(Database(engine))).verify()
    finally:
        engine.dispose()
    crypto.remove_sidecars(db)
    if not report.ok:
        raise StoreError(f"the backup's audit trail does not verify ({report.reason}); nothing was replaced")
    return report.checked


@dataclasses.dataclass(frozen=True)
class StartupProblem:
    message: str
    latest_backup: Path | None = None


def startup_check(db: Path, key: bytes | None, backup_dir: Path | None = None) -> list[StartupProblem]:
    """Problems found before the app uses the database: damage (naming the newest verified backup to
    restore), or an interrupted restore. An empty list means all is well."""
    problems: list[StartupProblem] = []
    if not db.exists():
        left = sorted(db.parent.glob(f"{db.name}.before-restore-*"))
        if left:
            problems.append(StartupProblem(f"the database is missing but {left[-1].name} is there", None))
        return problems
    found = crypto.integrity_problems(db, key)
    if found:
        backups = list_backups(backup_dir or default_backup_dir(db))
        latest = backups[0].path if backups else None
        offer = f"; the latest verified backup is {latest.name}" if latest else "; no backup was found"
        problems.append(StartupProblem(f"the database is damaged ({found[0]}){offer}", latest))
    return problems


def seal_rows_written_before_seals(ctx: ServiceContext) -> None:
    """After an upgrade: rows that predate row seals (migration 0008) are sealed once, as they are."""
    from privdesk.store.seals import seal_unsealed

    with ctx.db.write() as s:
        seal_unsealed(s, ctx.db.seal_key)


class BackupService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _live_file(self) -> Path:
        if not self.ctx.db.is_sqlite:
            raise StoreError(PG_MESSAGE)
        database = self.ctx.db.url.database
        if not database or database == ":memory:":
            raise StoreError("an in-memory database has no file to back up")
        return Path(database)

    def backup(self, folder: Path | None = None, *, rotate_after: bool = True) -> BackupInfo:
        """Take a verified online backup into ``folder`` (default: ``backups`` beside the database)."""
        live = self._live_file()
        target_dir = folder or default_backup_dir(live)
        target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        scratch.sweep()  # a killed backup's temporary copy goes before the next one is written
        moment = self.ctx.now().astimezone(dt.UTC).replace(microsecond=0)
        newest = list_backups(target_dir)
        if newest and newest[0].taken_at >= moment:  # a clock set back, or two backups in one second:
            moment = newest[0].taken_at + dt.timedelta(seconds=1)  # the new one must sort newest
        target = target_dir / backup_name(moment)
        while target.exists():
            moment += dt.timedelta(seconds=1)
            target = target_dir / backup_name(moment)
        copy_database(live, engine_key(self.ctx.db.engine), target)
        if rotate_after:
            rotate(target_dir)
        return BackupInfo(target, moment, target.stat().st_size)

    def supported(self) -> bool:
        """True for an SQLite database file (a server is backed up with pg_dump, see ``PG_MESSAGE``)."""
        database = self.ctx.db.url.database
        return self.ctx.db.is_sqlite and bool(database) and database != ":memory:"

    def backup_if_due(self, folder: Path | None, every: dt.timedelta) -> BackupInfo | None:
        """Take a backup when the newest one in ``folder`` is older than ``every`` (or there is none)."""
        backups = self.available(folder)
        if backups and self.ctx.now() - backups[0].taken_at < every:
            return None
        return self.backup(folder)

    def restore_over_live(
        self, backup_file: Path, *, store: SecretStore | None = None, allow_plain: bool = False
    ) -> RestoreResult:
        """Replace this database with a backup (verified first, old file kept) as the signed-in
        administrator; closes every pooled connection first. Open the services again afterwards: this
        object still points at the file."""
        from privdesk.domain.types import Role
        from privdesk.services.access import require_role

        live = self._live_file()
        require_role(self.ctx, Role.ADMINISTRATOR)
        key = engine_key(self.ctx.db.engine)
        backup_key = None if crypto.protection_of(backup_file) is crypto.Protection.PLAIN else key
        self.ctx.db.dispose()
        return restore(
            backup_file,
            live,
            backup_key,
            current_key=key,
            signed_in=self.ctx.actor,
            store=store,
            allow_plain=allow_plain,
        )

    def available(self, folder: Path | None = None) -> list[BackupInfo]:
        return list_backups(folder or default_backup_dir(self._live_file()))

    def startup_check(self, folder: Path | None = None) -> list[StartupProblem]:
        if not self.ctx.db.is_sqlite:
            return []
        return startup_check(self._live_file(), engine_key(self.ctx.db.engine), folder)

    def migrations_pending(self) -> bool:
        return not is_up_to_date(self.ctx.db.engine)

    def migrate_with_backup(self, folder: Path | None = None) -> BackupInfo | None:
        """Apply pending schema migrations; an existing SQLite database is backed up (verified) first.

        Returns the backup taken, or None when nothing was pending, the database was new, or it lives on
        a server (where ``pg_dump`` is the backup, see ``PG_MESSAGE``).
        """
        engine = self.ctx.db.engine
        if is_up_to_date(engine):
            return None
        current = current_revision(engine)
        if current == head_revision():
            return None
        info = self.backup(folder) if current is not None and self.supported() else None
        upgrade(engine)
        seal_rows_written_before_seals(self.ctx)
        return info
