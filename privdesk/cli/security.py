"""Security commands: encrypt-db, decrypt-db, rotate-key, recovery-key, backup, restore, check-db, user.

Commands that convert or replace the database file work on the file itself and need privdesk closed
everywhere else. Secrets are never taken from the command line (they would land in shell history and
the process list): passphrases and passwords come from the environment or a prompt.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from privdesk.cli.core import EXIT_ERROR, EXIT_OK, LOGIN_PASSWORD_ENV, USER_ENV, ask_secret, emit
from privdesk.domain.errors import StoreError, ValidationError
from privdesk.domain.types import Role
from privdesk.paths import resolve_database
from privdesk.services import keys
from privdesk.services.backup import Credentials, check_administrator
from privdesk.services.dto import to_json
from privdesk.services.hub import Services
from privdesk.services.secrets import (
    Protection,
    SecretStore,
    crypto,
    database_key_name,
    default_secret_store,
    unlock_key,
)

NEW_PASSPHRASE_ENV = "PRIVDESK_NEW_PASSPHRASE"
NEW_PASSWORD_ENV = "PRIVDESK_NEW_PASSWORD"
RECOVERY_KEY_ENV = "PRIVDESK_RECOVERY_KEY"


def _sqlite_file(args: argparse.Namespace) -> Path:
    location = resolve_database(args.db)
    if "://" in location:
        raise StoreError(
            "this command works on an SQLite database file; for PostgreSQL use pg_dump/pg_restore"
        )
    return Path(location).expanduser()


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise StoreError(f"no database file {path}")
    return path


def _new_secret(store: SecretStore, *, to_passphrase: bool = False) -> keys.NewSecret:
    """A fresh key: derived from a new passphrase when one is given (or asked for), else random and kept
    in the keyring."""
    phrase = os.environ.get(NEW_PASSPHRASE_ENV) or (
        os.environ.get(crypto.PASSPHRASE_ENV) if not to_passphrase else None
    )
    if not phrase and (to_passphrase or not store.remembered):
        phrase = ask_secret(NEW_PASSPHRASE_ENV, "New passphrase", confirm=True)
    if phrase:
        crypto.check_new_passphrase(phrase)
        params = crypto.KdfParams.fresh()
        return keys.NewSecret(crypto.derive_key(phrase, params), params)
    return keys.NewSecret(crypto.new_random_key())


def _credentials(args: argparse.Namespace) -> Credentials | None:
    """The administrator's sign-in for commands that work on the file itself (asked only when named)."""
    name = getattr(args, "as_user", None) or args.user or os.environ.get(USER_ENV)
    if not name:
        return None
    return Credentials(name, ask_secret(LOGIN_PASSWORD_ENV, f"Password for {name}"))


def _authorize(path: Path, key: bytes | None, args: argparse.Namespace) -> str:
    """The current key opened the file; once it has accounts, an administrator must sign in too."""
    return check_administrator(path, key, _credentials(args))


def _protection(new: keys.NewSecret) -> str:
    return "passphrase" if new.params else "keyring"


def cmd_encrypt_db(args: argparse.Namespace) -> int:
    path = _existing(_sqlite_file(args))
    store = default_secret_store()
    if unlock_key(path, store=store, encrypt=False) is not None:
        raise StoreError(f"{path.name} is already encrypted")
    _authorize(path, None, args)
    new = _new_secret(store)
    if new.params is None and not store.remembered:
        raise StoreError("no keyring works on this computer to keep a key: set PRIVDESK_NEW_PASSPHRASE")
    keys.encrypt_file(path, store, database_key_name(path), new)
    mode = "a passphrase" if new.params else "a random key kept in the keyring"
    emit(
        args,
        {"database": str(path), "protection": _protection(new)},
        f"{path.name} is now encrypted with {mode}. Earlier plain backups and copies are still readable: "
        "delete them.",
    )
    return EXIT_OK


def cmd_decrypt_db(args: argparse.Namespace) -> int:
    path = _existing(_sqlite_file(args))
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise ValidationError(f"--out names a folder ({out}); give the name of the new file")
    key = unlock_key(path, store=default_secret_store(), encrypt=False)
    if key is None:
        raise StoreError(f"{path.name} is not encrypted")
    _authorize(path, key, args)
    keys.write_plain_copy(path, key, out)
    crypto.make_private(out)
    print(f"privdesk: {out} is a PLAIN copy readable by anyone who gets the file", file=sys.stderr)
    emit(args, {"plain_copy": str(out)}, f"wrote {out}")
    return EXIT_OK


def cmd_rotate_key(args: argparse.Namespace) -> int:
    path = _existing(_sqlite_file(args))
    store = default_secret_store()
    old = unlock_key(path, store=store, encrypt=False)
    if old is None:
        raise StoreError(f"{path.name} is not encrypted; use encrypt-db")
    _authorize(path, old, args)
    if args.to_keyring and not store.remembered:
        raise StoreError("no keyring works on this computer to keep a key")
    if args.to_keyring:
        new = keys.NewSecret(crypto.new_random_key())
    elif args.to_passphrase or crypto.protection_of(path) is Protection.PASSPHRASE:
        new = _new_secret(store, to_passphrase=True)
    else:
        new = keys.NewSecret(crypto.new_random_key())
    keys.rotate_file(path, store, database_key_name(path), old, new)
    emit(
        args,
        {"database": str(path), "protection": _protection(new)},
        f"{path.name} is re-encrypted with a new key; backups keep their old key",
    )
    return EXIT_OK


def cmd_recovery_key(args: argparse.Namespace) -> int:
    """Show the keyring-kept key (to print and lock away), or put one back with --import."""
    path = _existing(_sqlite_file(args))
    store = default_secret_store()
    if crypto.protection_of(path) is not Protection.KEYRING:
        raise StoreError(f"{path.name} has no keyring key (plain, or protected by a passphrase)")
    if args.import_key:
        key = parse_recovery_key(ask_secret(RECOVERY_KEY_ENV, "Recovery key"))
        crypto.verify_key(path, key)  # the key itself is the proof: it opens the file
        _authorize(path, key, args)
        store.set(database_key_name(path), key.hex())
        emit(args, {"imported": True}, "the recovery key opens the database and is kept in the keyring")
        return EXIT_OK
    kept = unlock_key(path, store=store, encrypt=False)
    assert kept is not None
    _authorize(path, kept, args)
    print("privdesk: anyone with this key and the file can read every case; keep it offline", file=sys.stderr)
    emit(args, {"recovery_key": kept.hex()}, kept.hex())
    return EXIT_OK


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(text.split()).lower()
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        key = b""
    if len(key) != crypto.KEY_BYTES:
        raise ValidationError(
            f"{RECOVERY_KEY_ENV} or the key typed is not a recovery key (64 hexadecimal digits expected)"
        )
    return key


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    info = services.backups.backup(Path(args.to).expanduser() if args.to else None)
    emit(
        args,
        {"backup": str(info.path), "taken_at": info.taken_at.isoformat(), "size": info.size},
        f"backup written to {info.path}",
    )
    return EXIT_OK


def _backup_key(backup: Path, target: Path, store: SecretStore) -> bytes | None:
    protection = crypto.protection_of(backup)
    if protection is Protection.PLAIN:
        return None
    if protection is Protection.PASSPHRASE:
        return unlock_key(backup, store=store, encrypt=False)
    # A keyring-keyed backup shares the key of the database it was taken from.
    stored = store.get(database_key_name(target))
    recovery = os.environ.get(RECOVERY_KEY_ENV)
    if stored:
        return bytes.fromhex(stored.strip())
    if not recovery:
        raise StoreError(
            f"the key for {backup.name} is not in this computer's keyring: set {RECOVERY_KEY_ENV}"
        )
    return parse_recovery_key(recovery)


def cmd_restore(args: argparse.Namespace) -> int:
    from privdesk.services.backup import restore

    target = _sqlite_file(args)
    backup = Path(args.file).expanduser()
    if not backup.is_file():
        raise StoreError(f"no backup file {backup}")
    store = default_secret_store()
    # The current key is needed first: nobody without it replaces an encrypted database.
    current = unlock_key(target, store=store, encrypt=False) if target.exists() else None
    key = _backup_key(backup, target, store)
    result = restore(
        backup,
        target,
        key,
        current_key=current,
        credentials=_credentials(args),
        allow_plain=args.allow_plain,
        store=store,
    )
    if (
        key is not None
        and not store.get(database_key_name(target))
        and (crypto.protection_of(target) is Protection.KEYRING)
    ):
        store.set(database_key_name(target), key.hex())
    kept = f"; the replaced database is kept as {result.previous.name}" if result.previous else ""
    emit(
        args,
        {
            "restored": str(result.restored),
            "previous": str(result.previous) if result.previous else None,
            "audit_events": result.audit_events,
        },
        f"restored {backup.name}: integrity and audit trail ({result.audit_events} events) verified{kept}",
    )
    return EXIT_OK


def cmd_check_db(args: argparse.Namespace) -> int:
    """SQLite's integrity check, then the tamper checks: stored files against their SHA-256, sealed rows
    (dates, outcomes, consumer details) against their seals, and the audit chain."""
    from privdesk.services.backup import startup_check
    from privdesk.services.integrity import tamper_check_file

    path = _sqlite_file(args)
    key = unlock_key(path, store=default_secret_store(), encrypt=False) if path.exists() else None
    problems = [
        {"problem": p.message, "latest_backup": str(p.latest_backup) if p.latest_backup else None}
        for p in startup_check(path, key, Path(args.backups).expanduser() if args.backups else None)
    ]
    unsealed = 0
    if path.exists() and not problems:
        report = tamper_check_file(path, key)
        unsealed = report.unsealed_rows
        problems += [{"problem": text, "latest_backup": None} for text in report.problems]
    note = f" ({unsealed} rows written before seals existed are not sealed yet)" if unsealed else ""
    emit(
        args,
        problems,
        "\n".join(p["problem"] or "" for p in problems)
        or f"the database is sound: integrity, stored files, sealed rows and the audit trail check out{note}",
    )
    return EXIT_ERROR if problems else EXIT_OK


# -- users --------------------------------------------------------------------------------------


def _login_as(services: Services, args: argparse.Namespace) -> None:
    if services.users.needs_first_run():
        return
    if not args.as_user:
        raise ValidationError("name the administrator doing this with --as USER")
    if args.as_user.strip().lower() != services.ctx.actor:  # not the account signed in for the command
        services.users.login(args.as_user, ask_secret(LOGIN_PASSWORD_ENV, f"Password for {args.as_user}"))


def cmd_user_add(services: Services, args: argparse.Namespace) -> int:
    password = ask_secret(NEW_PASSWORD_ENV, f"New password for {args.username}", confirm=True)
    display = args.display_name or args.username
    if services.users.needs_first_run():
        if args.role != Role.ADMINISTRATOR.value:
            raise ValidationError("the first account must be an administrator (--role administrator)")
        user = services.users.create_administrator(args.username, display, password)
    else:
        _login_as(services, args)
        user = services.users.create_user(args.username, display, args.role, password)
    emit(args, to_json(user), f"added {user.username} ({user.role})")
    return EXIT_OK


def cmd_user_list(services: Services, args: argparse.Namespace) -> int:
    users = services.users.list()
    text = "\n".join(
        f"{u.username:<20} {u.role:<14} {'active' if u.active else 'disabled':<9} {u.display_name}"
        for u in users
    )
    emit(
        args,
        [to_json(u) for u in users],
        text or "no accounts yet (the first one added is the administrator)",
    )
    return EXIT_OK


def cmd_user_passwd(services: Services, args: argparse.Namespace) -> int:
    """Without a user name (or with one's own, and no ``--as``): change the signed-in user's own
    password, giving the current one. Otherwise an administrator sets another account's password."""
    actor = services.ctx.actor
    target = (args.username or actor or "").strip().lower()
    own = not args.as_user and target == actor and not services.users.needs_first_run()
    if own:
        current = ask_secret(LOGIN_PASSWORD_ENV, f"Current password for {actor}")
        password = ask_secret(NEW_PASSWORD_ENV, f"New password for {actor}", confirm=True)
        services.users.change_own_password(current, password)
        emit(args, {"username": actor}, f"your password is changed, {actor}")
        return EXIT_OK
    if not args.username:
        raise ValidationError("name the account: privdesk user passwd USERNAME --as ADMIN")
    _login_as(services, args)
    password = ask_secret(NEW_PASSWORD_ENV, f"New password for {args.username}", confirm=True)
    services.users.set_password(args.username, password)
    emit(args, {"username": args.username}, f"password changed for {args.username}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    p = sub.add_parser(
        "encrypt-db",
        parents=[common],
        help="encrypt a plain database (key in the keyring, or PRIVDESK_NEW_PASSPHRASE)",
    )
    p.set_defaults(no_db=cmd_encrypt_db)
    p = sub.add_parser("decrypt-db", parents=[common], help="write a deliberate PLAIN copy of the database")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(no_db=cmd_decrypt_db)
    p = sub.add_parser("rotate-key", parents=[common], help="re-encrypt the database with a new key")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--to-passphrase", action="store_true", help="switch to a passphrase (asked or env)")
    mode.add_argument("--to-keyring", action="store_true", help="switch to a random key kept in the keyring")
    p.set_defaults(no_db=cmd_rotate_key)
    p = sub.add_parser(
        "recovery-key",
        parents=[common],
        help="show the keyring-kept database key, or put it back with --import",
    )
    p.add_argument(
        "--import",
        dest="import_key",
        action="store_true",
        help=f"read the key from {RECOVERY_KEY_ENV} or a prompt and keep it in the keyring",
    )
    p.set_defaults(no_db=cmd_recovery_key)
    p = sub.add_parser("backup", parents=[common], help="take a verified online backup now (rotated)")
    p.add_argument("--to", metavar="DIR", help="backup folder (default: backups beside the database)")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup after verifying it (keeps the old file)",
    )
    p.add_argument("file")
    p.add_argument(
        "--allow-plain",
        action="store_true",
        help="confirm replacing an encrypted database with a PLAIN backup (its encryption ends)",
    )
    p.add_argument("--as", dest="as_user", metavar="ADMIN", help="the administrator doing this")
    p.set_defaults(no_db=cmd_restore)
    p = sub.add_parser(
        "check-db", parents=[common], help="integrity check; names the latest backup if damaged"
    )
    p.add_argument("--backups", metavar="DIR")
    p.set_defaults(no_db=cmd_check_db)

    user = sub.add_parser("user", help="local accounts").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", parents=[common], help="add an account (the first one is the administrator)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--display-name")
    p.add_argument("--as", dest="as_user", metavar="ADMIN", help="the administrator doing this")
    p.set_defaults(handler=cmd_user_add)
    p = user.add_parser("list", parents=[common], help="list accounts")
    p.set_defaults(handler=cmd_user_list)
    p = user.add_parser(
        "passwd",
        parents=[common],
        help="change your own password (signed in with --user), or set another account's (administrator)",
    )
    p.add_argument("username", nargs="?", help="the account (default: your own)")
    p.add_argument("--as", dest="as_user", metavar="ADMIN", help="the administrator doing this")
    p.set_defaults(handler=cmd_user_passwd)
