"""Encryption at rest for SQLite files with SQLCipher: keys, passphrases, and converting files.

Every encrypted privdesk database is opened with a raw 256-bit key (``PRAGMA key = "x'…'"``), so
SQLCipher skips its own PBKDF2 and a connection opens in well under a millisecond. The key is either
random and kept in the operating system's keyring (the services layer does that), or derived from a
passphrase with argon2id. A passphrase-keyed database has a small, non-secret header file beside it,
``<db>.salt`` (JSON: KDF name, parameters, salt), which is how privdesk knows to ask for a passphrase.
The salt sits in its own file rather than in SQLCipher's plaintext header so that the database file
stays a standard SQLCipher file (readable by the ``sqlcipher`` shell with the derived key) and so that
backups, WAL files and the backup API need no special page-1 handling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from privdesk.domain.errors import StoreError

KEY_BYTES = 32
SALT_BYTES = 16
SQLITE_HEADER = b"SQLite format 3\x00"
PASSPHRASE_ENV = "PRIVDESK_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 8


class Protection(StrEnum):
    """How a database file is protected."""

    NONE = "none"  # does not exist yet
    PLAIN = "plain"  # an ordinary SQLite file
    KEYRING = "keyring"  # SQLCipher, random key kept in the keyring
    PASSPHRASE = "passphrase"  # SQLCipher, key derived from a passphrase (``<db>.salt`` beside it)


class KeyNeeded(StoreError):
    """The database is encrypted and no key could be found: ask the person for the passphrase."""


class WrongKey(StoreError):
    """The key or passphrase does not open the database."""


@dataclasses.dataclass(frozen=True)
class KdfParams:
    """argon2id parameters (RFC 9106 second recommendation: 64 MiB, 3 passes)."""

    salt: bytes
    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    def to_json(self) -> dict[str, Any]:
        return {
            "kdf": "argon2id",
            "salt": self.salt.hex(),
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        if data.get("kdf") != "argon2id":
            raise StoreError(f"unknown key derivation {data.get('kdf')!r} in the salt file")
        try:
            params = cls(
                salt=bytes.fromhex(str(data["salt"])),
                time_cost=int(data["time_cost"]),
                memory_kib=int(data["memory_kib"]),
                parallelism=int(data["parallelism"]),
            )
        except KeyError as exc:
            missing = exc.args[0]
            raise StoreError(f"the salt file beside the database is damaged (no {missing!r})") from exc
        except (ValueError, TypeError) as exc:
            raise StoreError(
                "the salt file beside the database is damaged (a value is not a number)"
            ) from exc
        problem = params.problem()
        if problem:
            raise StoreError(f"the salt file beside the database is damaged ({problem})")
        return params

    def problem(self) -> str:
        """What makes these parameters unusable (a damaged or forged salt file), or ''."""
        if len(self.salt) < 8:
            return "the salt is shorter than 8 bytes"
        if not 1 <= self.parallelism <= 64:
            return f"parallelism {self.parallelism} is outside 1-64"
        if not 1 <= self.time_cost <= 64:
            return f"time cost {self.time_cost} is outside 1-64"
        if not 8 * self.parallelism <= self.memory_kib <= 4 * 1024 * 1024:
            return f"memory {self.memory_kib} KiB is outside {8 * self.parallelism} KiB-4 GiB"
        return ""

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(salt=secrets.token_bytes(SALT_BYTES), **_kdf_cost())


def _kdf_cost() -> dict[str, int]:
    # Tests and CI may lower the cost (never below argon2's minimums); the file records what was used.
    if os.environ.get("PRIVDESK_KDF_FAST") == "1":
        return {"time_cost": 1, "memory_kib": 8 * 1024, "parallelism": 1}
    return {}


def new_random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """argon2id (memory-hard) from the passphrase and the file's salt to a 256-bit key."""
    from argon2.low_level import Type, hash_secret_raw

    if not passphrase:
        raise StoreError("an empty passphrase cannot protect a database")
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise StoreError(f"choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters")


def sqlcipher_key(key: bytes) -> str:
    """The raw-key form SQLCipher expects inside ``PRAGMA key = "…"``."""
    if len(key) != KEY_BYTES:
        raise StoreError("an encryption key must be 32 bytes")
    return f"x'{key.hex()}'"


# -- files -------------------------------------------------------------------------------------


def salt_path(db: Path) -> Path:
    return db.with_name(db.name + ".salt")


def read_kdf_params(db: Path) -> KdfParams | None:
    path = salt_path(db)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreError(f"the salt file {path} cannot be read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise StoreError(f"the salt file {path} is damaged (it is not JSON text)") from exc
    if not isinstance(data, dict):
        raise StoreError(f"the salt file {path} is damaged (it holds no parameters)")
    try:
        return KdfParams.from_json(data)
    except StoreError as exc:
        named = str(exc).replace("the salt file beside the database", f"the salt file {path}")
        raise StoreError(named) from exc


def write_kdf_params(db: Path, params: KdfParams) -> None:
    write_atomically(salt_path(db), json.dumps(params.to_json(), indent=2).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name (private to the user), fsync, rename, fsync the folder."""
    from privdesk.store import scratch

    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with scratch.tracked(tmp):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_private(path: Path) -> None:
    """Owner read and write only (POSIX); Windows keeps the ACL inherited from the user's folder."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)


def protection_of(db: Path) -> Protection:
    """Tell from the file's first bytes (and the salt file) how it is protected."""
    if not db.exists() or db.stat().st_size == 0:
        return Protection.NONE
    with db.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        return Protection.PLAIN
    return Protection.PASSPHRASE if salt_path(db).exists() else Protection.KEYRING


# -- connections -------------------------------------------------------------------------------


@contextlib.contextmanager
def raw_connection(db: Path, key: bytes | None) -> Iterator[Any]:
    """A bare sqlcipher3 connection (plain when ``key`` is None), checked to be readable."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(db), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.execute(f'PRAGMA key = "{sqlcipher_key(key)}"')
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlcipher3.DatabaseError as exc:
            if key is not None:
                raise WrongKey(f"cannot unlock {db.name}: wrong key or passphrase") from exc
            raise StoreError(f"{db.name} is damaged or not a database") from exc
        yield conn
    finally:
        conn.close()


def key_opens_first_page(db: Path, key: bytes) -> bool:
    """True when ``key`` decrypts the file's first page (its HMAC checks out), even if later pages are
    damaged: tells a wrong key from a damaged database."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(db), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{sqlcipher_key(key)}"')
        conn.execute("PRAGMA user_version").fetchone()  # reads the header on page 1 only
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def verify_key(db: Path, key: bytes) -> None:
    with raw_connection(db, key):
        pass


def integrity_problems(db: Path, key: bytes | None) -> list[str]:
    """``PRAGMA integrity_check`` (and SQLCipher's page HMAC check): an empty list when sound."""
    import sqlcipher3

    try:
        with raw_connection(db, key) as conn:
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
            if key is not None:
                problems += [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
            return problems
    except WrongKey:
        raise
    except (StoreError, sqlcipher3.DatabaseError) as exc:
        return [f"cannot read the database: {exc}"]


def export_copy(source: Path, source_key: bytes | None, target: Path, target_key: bytes | None) -> None:
    """Copy every table to a new file with another key (``sqlcipher_export``); ``None`` means plain.

    The target is written under a temporary name and renamed, so a crash leaves no half file.
    """
    from privdesk.store import scratch

    if target.exists():
        raise StoreError(f"{target.name} already exists; choose another name")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    attach_key = sqlcipher_key(target_key) if target_key is not None else ""
    with scratch.tracked(tmp):
        # Created empty and private first: SQLite gives its journal files the database file's mode.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with raw_connection(source, source_key) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute(f'ATTACH DATABASE ? AS exported KEY "{attach_key}"', (str(tmp),))
            conn.execute("SELECT sqlcipher_export('exported')")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA exported.user_version = {int(version)}")
            conn.execute("DETACH DATABASE exported")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_folder(target.parent)


def remove_sidecars(db: Path) -> None:
    """Drop ``-wal``/``-shm`` files left after the last connection closed cleanly."""
    for suffix in ("-wal", "-shm", "-journal"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
