"""Changing how a database file is protected, so that a crash at any moment leaves a pair that opens.

A key change (``encrypt-db``, ``rotate-key``) never re-encrypts the live file in place. It:

1. keeps the NEW secret where unlocking will look for it: a pending keyring entry
   (``…:pending``) or a pending salt file (``<db>.salt.pending``), and writes a journal
   (``<db>.keychange``) naming the change;
2. writes a complete copy under the new key beside the database and verifies it;
3. renames the copy over the database (atomic: the file is wholly old or wholly new);
4. promotes the pending secret to the current one and removes the old one and the journal.

Whatever step a crash interrupts, unlocking (``secrets.unlock_key``) finds the journal, tries the old and
the new secret, keeps the one that opens the file and says which (``recover_interrupted_change``).

Every function here works on a CLOSED database: no engine may have the file open.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets as _random
from pathlib import Path
from typing import TYPE_CHECKING

from privdesk.domain.errors import StoreError
from privdesk.store import crypto, scratch

if TYPE_CHECKING:
    from privdesk.services.secrets import SecretStore

PENDING_SUFFIX = ":pending"


def journal_path(db: Path) -> Path:
    return db.with_name(db.name + ".keychange")


def pending_salt_path(db: Path) -> Path:
    return db.with_name(db.name + ".salt.pending")


def pending_key_name(name: str) -> str:
    return name + PENDING_SUFFIX


@dataclasses.dataclass(frozen=True)
class NewSecret:
    """The key a change moves to; ``params`` is set when it is derived from a passphrase."""

    key: bytes
    params: crypto.KdfParams | None = None

    @property
    def protection(self) -> crypto.Protection:
        return crypto.Protection.PASSPHRASE if self.params else crypto.Protection.KEYRING


def _stage(db: Path, store: SecretStore, name: str, new: NewSecret, op: str) -> None:
    # The journal first: whatever is staged after it is found and resolved if the process dies.
    journal = {"op": op, "to": new.protection.value, "new": fingerprint(new.key)}
    crypto.write_atomically(journal_path(db), json.dumps(journal).encode("utf-8"))
    if new.params is not None:
        crypto.write_atomically(pending_salt_path(db), json.dumps(new.params.to_json()).encode("utf-8"))
    else:
        store.set(pending_key_name(name), new.key.hex())
        if store.get(pending_key_name(name)) != new.key.hex():
            roll_back(db, store, name)
            raise StoreError("the keyring did not keep the new key; nothing was changed")


def fingerprint(key: bytes) -> str:
    """Tells the new key from the old after a crash; a one-way hash of a 256-bit key reveals nothing."""
    return hashlib.sha256(b"privdesk key change\x00" + key).hexdigest()[:32]


def _swap_in(db: Path, source_key: bytes | None, new: NewSecret) -> None:
    """Write the re-keyed copy beside ``db`` and rename it over ``db`` (the commit point)."""
    tmp = db.with_name(f".{db.name}.rekey-{_random.token_hex(4)}.tmp")
    with scratch.tracked(tmp):
        crypto.export_copy(db, source_key, tmp, new.key)
        crypto.verify_key(tmp, new.key)
        reseal(tmp, new.key, source_key)
        crypto.remove_sidecars(db)
        os.replace(tmp, db)
        crypto.fsync_folder(db.parent)


def promote(db: Path, store: SecretStore, name: str, key: bytes, *, passphrase_salt: Path | None) -> None:
    """Make the secret that opens ``db`` the current one; every step may be repeated after a crash."""
    if passphrase_salt is not None:
        if passphrase_salt != crypto.salt_path(db):
            os.replace(passphrase_salt, crypto.salt_path(db))
        store.delete(name)
    else:
        store.set(name, key.hex())
        crypto.salt_path(db).unlink(missing_ok=True)
    pending_salt_path(db).unlink(missing_ok=True)
    store.delete(pending_key_name(name))
    journal_path(db).unlink(missing_ok=True)
    crypto.fsync_folder(db.parent)


def roll_back(db: Path, store: SecretStore, name: str) -> None:
    """Forget a change that never reached the file: the old secret stays current."""
    pending_salt_path(db).unlink(missing_ok=True)
    store.delete(pending_key_name(name))
    journal_path(db).unlink(missing_ok=True)


def encrypt_file(db: Path, store: SecretStore, name: str, new: NewSecret) -> None:
    """A plain database becomes encrypted under ``new``."""
    if crypto.protection_of(db) is not crypto.Protection.PLAIN:
        raise StoreError(f"{db.name} is already encrypted")
    _stage(db, store, name, new, "encrypt")
    _swap_in(db, None, new)
    promote(db, store, name, new.key, passphrase_salt=pending_salt_path(db) if new.params else None)


def rotate_file(db: Path, store: SecretStore, name: str, old_key: bytes, new: NewSecret) -> None:
    """An encrypted database moves to a new key (and possibly from keyring to passphrase or back)."""
    crypto.verify_key(db, old_key)
    _stage(db, store, name, new, "rotate")
    _swap_in(db, old_key, new)
    promote(db, store, name, new.key, passphrase_salt=pending_salt_path(db) if new.params else None)


def reseal(db: Path, file_key: bytes | None, previous_key: bytes | None) -> None:
    """The row seals of a copy now under ``file_key``, moved from the seal key of ``previous_key``."""
    from privdesk.store import seals
    from privdesk.store.engine import Database, make_engine

    engine = make_engine(db, key=file_key)
    try:
        database = Database(engine)
        with database.write() as s:
            seals.rekey(s, seals.seal_key_from(previous_key), database.seal_key)
    finally:
        engine.dispose()
    crypto.remove_sidecars(db)


def write_plain_copy(db: Path, key: bytes, out: Path) -> None:
    """A deliberate PLAIN copy; its temporary file is removed by the next privdesk run after a crash."""
    if out.exists():
        raise StoreError(f"{out.name} already exists; choose another name")
    if out.parent and not out.parent.is_dir():
        raise StoreError(f"the folder {out.parent} does not exist")
    crypto.export_copy(db, key, out, None)
    reseal(out, None, key)


def interrupted_change(db: Path) -> dict[str, str] | None:
    """The journal of a key change a crash interrupted, or None."""
    path = journal_path(db)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {key: str(data.get(key, "")) for key in ("op", "to", "new")}


@dataclasses.dataclass(frozen=True)
class Recovery:
    key: bytes | None
    message: str


def recover_interrupted_change(
    db: Path, store: SecretStore, name: str, passphrase: str | None
) -> Recovery | None:
    """Finish or undo a key change a crash interrupted, by trying the old and the new secret.

    Returns None when no change was pending; raises ``KeyNeeded`` when only a passphrase can tell.
    """
    journal = interrupted_change(db)
    if journal is None:
        return None
    if crypto.protection_of(db) in (crypto.Protection.PLAIN, crypto.Protection.NONE):
        # encrypt-db died before its rename: the file never depended on the new key.
        roll_back(db, store, name)
        return Recovery(None, f"an interrupted encryption of {db.name} was undone; it is still plain")
    candidates: list[tuple[str, bytes, Path | None]] = []
    pending = store.get(pending_key_name(name))
    current = store.get(name)
    for label, text in (("new", pending), ("old", current)):
        if text:
            try:
                key = bytes.fromhex(text)
            except ValueError:
                continue
            if len(key) == crypto.KEY_BYTES:
                candidates.append((label, key, None))
    needs_phrase = False
    for label, salt_file in (("new", pending_salt_path(db)), ("old", crypto.salt_path(db))):
        if salt_file.exists():
            needs_phrase = True
            if passphrase:
                params = _read_params(salt_file)
                if params is not None:
                    candidates.append((label, crypto.derive_key(passphrase, params), salt_file))
    for label, key, salt in candidates:
        try:
            crypto.verify_key(db, key)
        except StoreError:
            continue
        promote(db, store, name, key, passphrase_salt=salt)
        is_new = fingerprint(key) == journal["new"] if journal["new"] else label == "new"
        outcome = "completed: it opens with the NEW key" if is_new else "undone: it opens with the OLD key"
        return Recovery(key, f"an interrupted key change of {db.name} was {outcome}")
    if needs_phrase and not passphrase:
        raise crypto.KeyNeeded(
            f"a key change of {db.name} was interrupted: enter its old or its new passphrase "
            f"(scripts may set {crypto.PASSPHRASE_ENV})"
        )
    raise crypto.WrongKey(
        f"cannot unlock {db.name}: neither the old nor the new key of an interrupted key change opens it"
    )


def _read_params(path: Path) -> crypto.KdfParams | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return crypto.KdfParams.from_json(data) if isinstance(data, dict) else None
