"""Encryption at rest: the raw files hold no personal data, keys come from the keyring or a passphrase."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from privdesk.cli import run
from privdesk.domain.errors import StoreError
from privdesk.services.hub import Services
from privdesk.services.secrets import (
    KeyringSecretStore,
    MemorySecretStore,
    database_key_name,
    keyring_available,
)
from privdesk.store import crypto
from privdesk.store.crypto import KeyNeeded, Protection, WrongKey
from tests.conftest import fixed_now, sqlite_only
from tests.security.support import contains_secret, fill, raw_bytes

pytestmark = sqlite_only("SQLCipher encrypts SQLite files and their keys; a server protects its own storage")


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVDESK_KDF_FAST", "1")
    monkeypatch.delenv("PRIVDESK_PASSPHRASE", raising=False)


def make(db: Path, **kwargs: object) -> None:
    svc = Services.open(str(db), actor="tester", now=fixed_now, **kwargs)  # type: ignore[arg-type]
    try:
        fill(svc)
    finally:
        svc.close()


def test_plain_database_shows_the_name_so_the_search_can_fail(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    make(db)
    assert crypto.protection_of(db) is Protection.PLAIN
    assert contains_secret(raw_bytes(db))


def test_encrypted_database_with_keyring_key_hides_names_and_emails(tmp_path: Path) -> None:
    db = tmp_path / "enc.db"
    make(db, encrypt=True)
    assert crypto.protection_of(db) is Protection.KEYRING
    assert not contains_secret(raw_bytes(db))
    assert not db.read_bytes().startswith(crypto.SQLITE_HEADER)
    assert keyring.get_password("privdesk", database_key_name(db)) is not None
    svc = Services.open(str(db))  # the key comes back from the keyring
    try:
        assert len(svc.cases.list(_all())) == 3
        assert svc.audit.verify().ok
    finally:
        svc.close()


def _all():  # type: ignore[no-untyped-def]
    from privdesk.services.dto import CaseFilter

    return CaseFilter()


def test_default_database_is_encrypted_when_the_keyring_works(tmp_path: Path) -> None:
    svc = Services.open(None, actor="tester")
    try:
        path = Path(svc.db.url.database or "")
    finally:
        svc.close()
    assert crypto.protection_of(path) is Protection.KEYRING


def test_named_new_database_stays_plain_unless_asked(tmp_path: Path) -> None:
    svc = Services.open(str(tmp_path / "script.db"))
    svc.close()
    assert crypto.protection_of(tmp_path / "script.db") is Protection.PLAIN


def test_passphrase_database_needs_the_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "phrase.db"
    make(db, passphrase="correct horse battery")
    assert crypto.protection_of(db) is Protection.PASSPHRASE
    assert crypto.salt_path(db).exists()
    assert b"correct horse" not in crypto.salt_path(db).read_bytes()
    assert not contains_secret(raw_bytes(db))
    with pytest.raises(KeyNeeded, match="passphrase"):
        Services.open(str(db))
    with pytest.raises(WrongKey, match="wrong key or passphrase"):
        Services.open(str(db), passphrase="wrong horse battery")
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "correct horse battery")
    svc = Services.open(str(db))
    assert svc.audit.verify().ok
    svc.close()


def test_wrong_key_is_a_store_error_and_the_cli_shows_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "enc.db"
    make(db, encrypt=True)
    with pytest.raises(StoreError, match="wrong key or passphrase"):
        Services.open(str(db), key=b"\x01" * 32)
    keyring.set_password("privdesk", database_key_name(db), (b"\x02" * 32).hex())
    code = run(["--db", str(db), "case", "list"])
    err = capsys.readouterr().err
    assert code != 0 and "wrong key or passphrase" in err and "Traceback" not in err
    assert "hmac" not in err


def test_without_a_keyring_secrets_live_in_memory_and_say_so_once(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    assert not keyring_available()
    store = KeyringSecretStore()
    assert not store.remembered and store.warning
    store.set("x", "y")
    assert store.get("x") == "y"
    with pytest.raises(KeyNeeded, match="passphrase"):
        Services.open(str(tmp_path / "new.db"), encrypt=True)
    # the default database falls back to plain rather than to a key nobody could keep
    svc = Services.open(None)
    path = Path(svc.db.url.database or "")
    svc.close()
    assert crypto.protection_of(path) is Protection.PLAIN


def test_memory_store_is_a_secret_store() -> None:
    store = MemorySecretStore()
    store.set("a", "1")
    store.delete("a")
    store.delete("a")
    assert store.get("a") is None and not store.remembered


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_encrypt_decrypt_and_rotate_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "work.db"
    make(db)
    assert contains_secret(raw_bytes(db))
    code, _, err = cli(capsys, "--db", str(db), "encrypt-db")
    assert code == 0, err
    assert crypto.protection_of(db) is Protection.KEYRING and not contains_secret(raw_bytes(db))
    code, out, err = cli(capsys, "--db", str(db), "audit", "verify")
    assert code == 0, err

    old_key = keyring.get_password("privdesk", database_key_name(db))
    code, _, err = cli(capsys, "--db", str(db), "rotate-key")
    assert code == 0, err
    assert keyring.get_password("privdesk", database_key_name(db)) != old_key
    with pytest.raises(WrongKey):
        crypto.verify_key(db, bytes.fromhex(old_key or ""))
    code, out, _ = cli(capsys, "--db", str(db), "case", "list")
    assert code == 0 and "PD-2026-000001" in out

    monkeypatch.setenv("PRIVDESK_NEW_PASSPHRASE", "a brand new passphrase")
    code, _, err = cli(capsys, "--db", str(db), "rotate-key", "--to-passphrase")
    assert code == 0, err
    assert crypto.protection_of(db) is Protection.PASSPHRASE
    code, _, err = cli(capsys, "--db", str(db), "case", "list")
    assert code != 0 and "PRIVDESK_PASSPHRASE" in err
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "a brand new passphrase")
    code, out, _ = cli(capsys, "--db", str(db), "case", "list")
    assert code == 0 and "PD-2026-000001" in out

    plain = tmp_path / "export.db"
    code, _, err = cli(capsys, "--db", str(db), "decrypt-db", "--out", str(plain))
    assert code == 0 and "PLAIN" in err
    assert contains_secret(raw_bytes(plain)) and not contains_secret(raw_bytes(db))
    monkeypatch.delenv("PRIVDESK_PASSPHRASE")
    svc = Services.open(str(plain))
    assert svc.audit.verify().ok
    svc.close()


def test_recovery_key_reopens_the_database_on_a_new_keyring(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: keyring.backend.KeyringBackend,
) -> None:
    db = tmp_path / "enc.db"
    make(db, encrypt=True)
    code, out, _ = cli(capsys, "--db", str(db), "recovery-key")
    assert code == 0
    recovery = out.strip()
    memory_keyring.delete_password("privdesk", database_key_name(db))  # the laptop's keyring is gone
    code, _, err = cli(capsys, "--db", str(db), "case", "list")
    assert code != 0 and "keyring" in err
    monkeypatch.setenv("PRIVDESK_RECOVERY_KEY", recovery)
    code, _, err = cli(capsys, "--db", str(db), "recovery-key", "--import")
    assert code == 0, err
    code, out, _ = cli(capsys, "--db", str(db), "case", "list")
    assert code == 0 and "PD-2026-000001" in out
