"""Never plain by default, no plain file where an encrypted one belongs, restores and key commands behind
the key and an administrator, private file modes, firm-wide calendar, backups before migrations."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from privdesk.cli import run
from privdesk.domain.errors import StoreError
from privdesk.services.access import AccessDenied
from privdesk.services.backup import Credentials, restore
from privdesk.services.hub import Services
from privdesk.services.secrets import database_key_name
from privdesk.store import crypto
from privdesk.store.crypto import Protection
from tests.conftest import fixed_now, sqlite_only
from tests.security.support import contains_secret, fill, raw_bytes

pytestmark = sqlite_only("about SQLite files, their keys and their modes")

ADMIN_PASSWORD = "correct horse battery"
OFFICER_PASSWORD = "officer password 1"


@pytest.fixture(autouse=True)
def no_env_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVDESK_KDF_FAST", "1")
    for name in ("PRIVDESK_PASSPHRASE", "PRIVDESK_USER", "PRIVDESK_LOGIN_PASSWORD", "PRIVDESK_RECOVERY_KEY"):
        monkeypatch.delenv(name, raising=False)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def with_accounts(db: Path, **kwargs: object) -> None:
    svc = Services.open(str(db), actor="tester", now=fixed_now, **kwargs)  # type: ignore[arg-type]
    try:
        fill(svc)
        svc.users.create_administrator("ada", "Ada Admin", ADMIN_PASSWORD)
        svc.ctx.actor = "ada"
        svc.users.create_user("olly", "Olly Officer", "officer", OFFICER_PASSWORD)
    finally:
        svc.close()


def test_without_keyring_or_passphrase_the_command_line_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())
    db = tmp_path / "data" / "privdesk.db"
    db.parent.mkdir()
    code, _, err = cli(capsys, "--db", str(db), "case", "list")
    assert code != 0
    assert "PRIVDESK_PASSPHRASE" in err and len(err.strip().splitlines()) == 1
    assert not db.exists() or db.stat().st_size == 0
    # The default database in the data folder, as a newcomer types it.
    code, _, err = cli(capsys, "case", "list")
    assert code != 0 and "PRIVDESK_PASSPHRASE" in err


def test_a_new_database_is_encrypted_with_a_passphrase_or_the_keyring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyed = tmp_path / "keyed.db"
    code, _, err = cli(capsys, "--db", str(keyed), "seed-demo")
    assert code == 0, err
    assert crypto.protection_of(keyed) is Protection.KEYRING

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "a long enough passphrase")
    phrased = tmp_path / "phrased.db"
    code, _, err = cli(capsys, "--db", str(phrased), "seed-demo")
    assert code == 0, err
    assert crypto.protection_of(phrased) is Protection.PASSPHRASE

    monkeypatch.delenv("PRIVDESK_PASSPHRASE")
    plain = tmp_path / "fictional.db"
    code, _, err = cli(capsys, "--db", str(plain), "--plain", "seed-demo")
    assert code == 0, err
    assert crypto.protection_of(plain) is Protection.PLAIN


def test_a_plain_file_where_an_encrypted_one_belongs_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    forged = tmp_path / "forged.db"
    svc = Services.open(str(db), actor="tester", now=fixed_now, encrypt=True)
    svc.close()
    svc = Services.open(str(forged), actor="attacker", now=fixed_now, encrypt=False)
    svc.close()
    shutil.copy(forged, db)  # the encrypted file swapped for a plain one; the keyring still has its key
    with pytest.raises(StoreError, match="plain, unencrypted file"):
        Services.open(str(db))
    # ...and beside a passphrase's salt file.
    phrased = tmp_path / "phrased.db"
    svc = Services.open(str(phrased), passphrase="another passphrase", encrypt=True)
    svc.close()
    shutil.copy(forged, phrased)
    with pytest.raises(StoreError, match="salt file"):
        Services.open(str(phrased), passphrase="another passphrase")


def test_the_forged_restore_is_refused_without_the_key_and_an_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "live.db"
    with_accounts(db, passphrase="the firm's passphrase", encrypt=True)
    forged = tmp_path / "forged.db"
    with_accounts(forged, encrypt=False)  # the attacker's own administrator

    # Neither the passphrase nor a sign-in.
    code, _, err = cli(capsys, "--db", str(db), "restore", str(forged))
    assert code != 0 and "passphrase" in err
    # The passphrase, but a plain backup over an encrypted database needs an explicit confirmation.
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "the firm's passphrase")
    code, _, err = cli(capsys, "--db", str(db), "restore", str(forged))
    assert code != 0 and "--allow-plain" in err
    # Confirmed, but by nobody signed in, then by an officer.
    code, _, err = cli(capsys, "--db", str(db), "restore", str(forged), "--allow-plain")
    assert code != 0 and "administrator" in err
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", OFFICER_PASSWORD)
    code, _, err = cli(capsys, "--db", str(db), "--user", "olly", "restore", str(forged), "--allow-plain")
    assert code != 0 and "administrator" in err
    assert crypto.protection_of(db) is Protection.PASSPHRASE and not contains_secret(raw_bytes(db))
    assert not list(tmp_path.glob("live.db.before-restore-*")), "something was replaced"

    # The firm's administrator, deliberately: the encryption ends and the restore is on record.
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PASSWORD)
    code, _, err = cli(capsys, "--db", str(db), "--user", "ada", "restore", str(forged), "--allow-plain")
    assert code == 0, err
    assert crypto.protection_of(db) is Protection.PLAIN and not crypto.salt_path(db).exists()
    monkeypatch.delenv("PRIVDESK_PASSPHRASE")
    svc = Services.open(str(db))
    try:
        event = svc.audit.entries()[-1]
        assert event.action == "database.restored" and event.actor == "ada"
        assert event.after is not None and event.after["encryption_ended"] is True
        assert svc.audit.verify().ok
    finally:
        svc.close()


def test_an_officer_cannot_restore_or_change_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    with_accounts(db, encrypt=True)
    svc = Services.open(str(db), actor="olly", now=fixed_now)
    backup = svc.backups.backup(tmp_path / "backups")
    with pytest.raises(AccessDenied):
        svc.backups.restore_over_live(backup.path)
    svc.close()
    # The desktop's start-up dialog passes the sign-in typed into it: an officer's is not enough.
    key = bytes.fromhex(keyring.get_password("privdesk", database_key_name(db)) or "")
    with pytest.raises(AccessDenied):
        restore(backup.path, db, key, current_key=key, credentials=Credentials("olly", OFFICER_PASSWORD))
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", OFFICER_PASSWORD)
    for command in (["rotate-key"], ["recovery-key"], ["decrypt-db", "--out", str(tmp_path / "p.db")]):
        code, _, err = cli(capsys, "--db", str(db), "--user", "olly", *command)
        assert code != 0 and "administrator" in err, command
    assert not (tmp_path / "p.db").exists()
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PASSWORD)
    code, _, err = cli(capsys, "--db", str(db), "--user", "ada", "rotate-key")
    assert code == 0, err
    assert keyring.get_password("privdesk", database_key_name(db)) != key.hex()


def test_private_modes_for_the_data_folder_database_backups_and_logs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PRIVDESK_SQLITE_JOURNAL": "WAL",
    }
    env.pop("PRIVDESK_DB", None)
    for command in (["seed-demo"], ["backup"]):
        done = subprocess.run(
            [sys.executable, "-m", "privdesk", "--demo", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    data = next((home / "data").iterdir())
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name == "demo.db" for p in files) and any(p.suffix == ".log" for p in files)
    assert any(p.parent.name == "backups" for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is readable by others"
    for folder in [p for p in data.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, f"{folder.name} is open to others"


def test_saturdays_are_one_audited_setting_for_every_workstation(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with_accounts(db, encrypt=False)
    first = Services.open(str(db), actor="ada", now=fixed_now)
    second = Services.open(str(db), actor="olly", now=fixed_now)
    try:
        assert not first.ctx.rulebook.count_saturdays and not second.ctx.rulebook.count_saturdays
        with pytest.raises(AccessDenied):
            second.calendar.set_count_saturdays(True)
        first.calendar.set_count_saturdays(True)
        assert first.ctx.rulebook.count_saturdays
        second.ctx.calendar_changed()  # the other workstation's next read (within seconds)
        assert second.ctx.rulebook.count_saturdays
        event = first.audit.entries()[-1]
        assert event.action == "setting.change" and event.entity_id == "calendar.count_saturdays"
        assert event.after == {"value": True} and event.actor == "ada"
    finally:
        first.close()
        second.close()


def test_migrating_from_the_command_line_takes_a_verified_backup_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    from privdesk.store.engine import make_engine
    from privdesk.store.migrate import alembic_config

    db = tmp_path / "old.db"
    svc = Services.open(str(db), actor="tester", now=fixed_now, encrypt=False)
    fill(svc)
    svc.close()
    from alembic import command

    engine = make_engine(db)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "-1")
    engine.dispose()
    with make_engine(db).connect() as conn:
        old = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    code, _, err = cli(capsys, "--db", str(db), "case", "list")
    assert code == 0, err
    backups = list((tmp_path / "backups").glob("privdesk-*.db"))
    assert len(backups) == 1
    with make_engine(backups[0]).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == old
    assert contains_secret(raw_bytes(backups[0]))  # a whole copy of the data, as it was


def test_an_encrypted_forgery_under_the_attackers_own_passphrase_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "live.db"
    with_accounts(db, passphrase="the firm's passphrase", encrypt=True)
    forged = tmp_path / "forged.db"
    with_accounts(forged, passphrase="the attacker's passphrase", encrypt=True)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "the attacker's passphrase")
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PASSWORD)
    code, _, err = cli(capsys, "--db", str(db), "--user", "ada", "restore", str(forged))
    assert code != 0 and "current key or passphrase" in err
    assert not list(tmp_path.glob("live.db.before-restore-*"))
