"""Where privdesk keeps secrets (database keys, mailbox passwords): the operating system's keyring.

When no keyring works (headless Linux without a Secret Service, some frozen builds), secrets are kept
in memory for this session only, and ``remembered`` turns False so the GUI can say so once. Secrets are
never written to a plain file, and keyrings.alt is never selected.

Keyring calls can block (a Secret Service unlock prompt), so the GUI should call them off its thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

from privdesk.domain.errors import StoreError

# The command line reaches key and file operations through here (services are the door to the store).
from privdesk.store import crypto
from privdesk.store.crypto import KeyNeeded, Protection, WrongKey

__all__ = [
    "KeyNeeded",
    "KeyringSecretStore",
    "MemorySecretStore",
    "Protection",
    "SecretStore",
    "WrongKey",
    "crypto",
    "database_key_name",
    "default_secret_store",
    "keyring_available",
    "unlock_key",
]

log = logging.getLogger(__name__)

SERVICE = "privdesk"
NOT_REMEMBERED_MESSAGE = (
    "No working keyring was found on this computer: secrets you enter are kept only until privdesk closes."
)


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...

    @property
    def remembered(self) -> bool:
        """False when secrets last only for this session."""
        ...


class MemorySecretStore:
    """Secrets for this session only (the fallback, and handy in tests)."""

    def __init__(self, *, remembered: bool = False) -> None:
        self._values: dict[str, str] = {}
        self._remembered = remembered

    @property
    def remembered(self) -> bool:
        return self._remembered

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


class KeyringSecretStore:
    """The OS keyring (service ``privdesk``), falling back to memory the first time it fails."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._fallback: MemorySecretStore | None = None
        self.warning: str | None = None  # shown once by the GUI when set
        if not keyring_available():
            self._degrade("no keyring backend")

    @property
    def remembered(self) -> bool:
        return self._fallback is None

    def _degrade(self, why: str) -> MemorySecretStore:
        if self._fallback is None:
            log.warning("keyring unavailable (%s): secrets are kept for this session only", why)
            self._fallback = MemorySecretStore()
            self.warning = NOT_REMEMBERED_MESSAGE
        return self._fallback

    def get(self, name: str) -> str | None:
        if self._fallback is not None:
            return self._fallback.get(name)
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(self.service, name)
        except (KeyringError, RuntimeError) as exc:  # NoKeyringError is a RuntimeError too
            return self._degrade(type(exc).__name__).get(name)

    def set(self, name: str, value: str) -> None:
        if self._fallback is not None:
            self._fallback.set(name, value)
            return
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(self.service, name, value)
        except (KeyringError, RuntimeError) as exc:
            self._degrade(type(exc).__name__).set(name, value)

    def delete(self, name: str) -> None:
        if self._fallback is not None:
            self._fallback.delete(name)
            return
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(self.service, name)
        except PasswordDeleteError:
            pass  # nothing stored under that name
        except (KeyringError, RuntimeError) as exc:
            self._degrade(type(exc).__name__).delete(name)


def keyring_available() -> bool:
    """True when the active keyring backend can store secrets (not ``fail``, ``null`` or plaintext)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop privdesk
        return False
    for inner in getattr(backend, "backends", [backend]):  # a ChainerBackend wraps several
        if isinstance(inner, fail.Keyring | null.Keyring):
            continue
        module = type(inner).__module__
        if module.startswith("keyrings.alt"):
            continue  # plain-text or getpass-prompting stores: never used for privdesk's secrets
        return True
    return False


def default_secret_store() -> SecretStore:
    return KeyringSecretStore()


def database_key_name(db: str | os.PathLike[str]) -> str:
    """The keyring entry holding a database's key: the file name (readable in a keychain) plus a hash of
    the absolute path (two ``privdesk.db`` in different folders get different entries)."""
    path = Path(db).expanduser().resolve()
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:16]
    return f"database-key:{path.name}:{digest}"


# -- database keys -----------------------------------------------------------------------------


def unlock_key(
    db: str | os.PathLike[str],
    *,
    store: SecretStore,
    passphrase: str | None = None,
    encrypt: bool | None = None,
    is_default_database: bool = False,
    notes: list[str] | None = None,
) -> bytes | None:
    """The key to open (or create) an SQLite database with, or None for a plain file.

    Existing files are opened as they are: a plain file stays plain (``encrypt-db`` converts it), a
    keyring-keyed file takes its key from the keyring, a passphrase-keyed file (``<db>.salt`` beside it)
    needs the passphrase (argument, else ``PRIVDESK_PASSPHRASE``); ``KeyNeeded`` asks for it.

    A new file is encrypted when ``encrypt`` is True; when ``encrypt`` is None (the default) it is
    encrypted if a passphrase was supplied, or if it is the user's default database and the keyring
    can keep a random key. Explicitly named files therefore stay plain unless asked, which keeps
    scripts and throwaway test databases simple.
    """
    from privdesk.services.keys import recover_interrupted_change

    path = Path(db).expanduser()
    phrase = passphrase if passphrase else os.environ.get(crypto.PASSPHRASE_ENV) or None
    name = database_key_name(path)
    recovered = recover_interrupted_change(path, store, name, phrase)
    if recovered is not None:
        log.warning("%s", recovered.message.replace(path.name, "the database"))
        if notes is not None:
            notes.append(recovered.message)
        if recovered.key is not None:
            return recovered.key
    protection = crypto.protection_of(path)
    if protection is Protection.PLAIN:
        if crypto.salt_path(path).exists() or store.get(name) is not None:
            evidence = "its salt file is beside it" if crypto.salt_path(path).exists() else "its key is kept"
            raise StoreError(
                f"{path.name} is a plain, unencrypted file, but this database is meant to be encrypted "
                f"({evidence}): "
                "it may have been replaced by an unprotected copy, so privdesk does not open it. Restore a "
                "backup, or move the plain file to a new name if it is what you want"
            )
        return None
    if protection is Protection.KEYRING:
        stored = store.get(name)
        if stored is None:
            hint = "" if store.remembered else " (no keyring works on this computer)"
            raise KeyNeeded(
                f"{path.name} is not a privdesk database, or it is encrypted with a key that is not in "
                f"this computer's keyring{hint}; restore it with its recovery key"
            )
        return _hex_key(stored)
    if protection is Protection.PASSPHRASE:
        params = crypto.read_kdf_params(path)
        assert params is not None
        if not phrase:
            raise KeyNeeded(
                f"{path.name} is protected by a passphrase: enter it "
                f"(scripts may set {crypto.PASSPHRASE_ENV})"
            )
        return crypto.derive_key(phrase, params)
    # A new database.
    if encrypt is False:
        return None
    if encrypt is None and not (phrase or (is_default_database and store.remembered)):
        return None
    if phrase:
        crypto.check_new_passphrase(phrase)
        params = crypto.KdfParams.fresh()
        crypto.write_kdf_params(path, params)
        return crypto.derive_key(phrase, params)
    if not store.remembered:
        raise KeyNeeded(
            "no keyring works on this computer to keep the database key: choose a passphrase "
            f"(scripts may set {crypto.PASSPHRASE_ENV})"
        )
    key = crypto.new_random_key()
    crypto.salt_path(path).unlink(missing_ok=True)  # a stale header would make privdesk ask for a passphrase
    store.set(name, key.hex())
    if store.get(name) != key.hex():
        raise KeyNeeded("the keyring did not keep the database key: choose a passphrase instead")
    return key


def _hex_key(text: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise StoreError("the database key kept in the keyring is damaged")
    return key
