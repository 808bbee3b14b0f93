"""A SIGKILL at every step of a key change leaves a database that opens with the old or the new secret.

The child process counts the steps that change something on disk or in the keyring (renames, writes,
deletions, keyring entries) and kills itself just before step N; N runs from 1 until the change
completes, so every window between two steps is hit once.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from sqlalchemy import select

from privdesk.services import keys
from privdesk.services.hub import Services
from privdesk.services.secrets import KeyringSecretStore, database_key_name, unlock_key
from privdesk.store import crypto
from privdesk.store.models import Consumer
from tests.conftest import fixed_now, sqlite_only
from tests.security.file_keyring import FileKeyring
from tests.security.support import SECRET_NAME, contains_secret, fill

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
    sqlite_only("kills a process changing an SQLite file's key"),
]

OLD_PHRASE = "old passphrase 2026"
NEW_PHRASE = "new passphrase 2026"


def _kill_before_step(n: int, change: Callable[[], None]) -> None:
    """Child: run ``change``, SIGKILLing this process just before its n-th step."""
    count = [0]

    def step(real: Callable[..., object]) -> Callable[..., object]:
        def wrapped(*args: object, **kwargs: object) -> object:
            count[0] += 1
            if count[0] == n:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return wrapped

    os.replace = step(os.replace)  # type: ignore[assignment]
    crypto.write_atomically = step(crypto.write_atomically)  # type: ignore[assignment]
    crypto.export_copy = step(crypto.export_copy)  # type: ignore[assignment]
    backend = keyring.get_keyring()
    backend.set_password = step(backend.set_password)  # type: ignore[method-assign]
    backend.delete_password = step(backend.delete_password)  # type: ignore[method-assign]
    Path.unlink = step(Path.unlink)  # type: ignore[method-assign]
    change()
    os._exit(0)


def _run(n: int, change: Callable[[], None]) -> bool:
    """True when the child was killed (step n exists), False when the change completed first."""
    proc = multiprocessing.get_context("fork").Process(target=_kill_before_step, args=(n, change))
    proc.start()
    proc.join(timeout=60)
    assert proc.exitcode in (0, -signal.SIGKILL), proc.exitcode
    return proc.exitcode == -signal.SIGKILL


def _make(db: Path, phrase: str | None) -> None:
    if phrase:
        svc = Services.open(str(db), actor="tester", now=fixed_now, passphrase=phrase, encrypt=True)
    else:
        svc = Services.open(str(db), actor="tester", now=fixed_now, encrypt=False)
    fill(svc, cases=2)
    svc.close()


def _opens(db: Path, store: KeyringSecretStore, phrase: str | None) -> tuple[bytes | None, list[str]]:
    notes: list[str] = []
    key = unlock_key(db, store=store, passphrase=phrase, encrypt=False, notes=notes)
    assert crypto.integrity_problems(db, key) == []
    svc = Services.open(str(db), key=key, actor="tester", now=fixed_now, migrate=False)
    try:
        assert svc.audit.verify().ok
        with svc.db.read() as s:
            names = set(s.scalars(select(Consumer.full_name)))
        assert SECRET_NAME in names
    finally:
        svc.close()
    return key, notes


def _no_leftovers(folder: Path, db: Path) -> None:
    from privdesk.store.scratch import sweep

    sweep()
    for path in folder.rglob("*"):
        if path.is_file() and path != db and not path.name.startswith(db.name):
            assert not contains_secret(path.read_bytes()), f"plaintext left in {path.name}"
    assert not list(folder.glob(f".{db.name}*.tmp"))


@pytest.fixture
def file_keyring(tmp_path: Path) -> FileKeyring:
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)
    return backend


CHANGES = [
    "encrypt-to-keyring",
    "encrypt-to-passphrase",
    "rotate-keyring",
    "keyring-to-passphrase",
    "passphrase-to-passphrase",
    "passphrase-to-keyring",
]


@pytest.mark.parametrize("change", CHANGES)
def test_a_kill_at_every_step_of_a_key_change_leaves_a_file_that_opens(
    change: str, tmp_path: Path, file_keyring: FileKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(crypto.PASSPHRASE_ENV, raising=False)
    windows = 0
    template = tmp_path / "template" / "cases.db"
    template.parent.mkdir()
    store = KeyringSecretStore()
    start_phrase = OLD_PHRASE if change.startswith("passphrase") else None
    if change.startswith("encrypt"):
        _make(template, None)
    elif start_phrase:
        _make(template, start_phrase)
    else:
        svc = Services.open(str(template), actor="tester", now=fixed_now, encrypt=True, secrets=store)
        fill(svc, cases=2)
        svc.close()
    template_key = unlock_key(template, store=store, passphrase=start_phrase, encrypt=False)
    for n in range(1, 60):
        folder = tmp_path / f"run{n}"
        shutil.copytree(template.parent, folder)
        db = folder / "cases.db"
        name = database_key_name(db)
        if crypto.protection_of(db) is crypto.Protection.KEYRING:
            assert template_key is not None
            store.set(name, template_key.hex())  # the keyring entry follows the file's path
        old_key = unlock_key(db, store=store, passphrase=start_phrase, encrypt=False)
        params = crypto.KdfParams.fresh()
        to_phrase = change.endswith("passphrase") and not change.startswith("encrypt-to-k")
        new = (
            keys.NewSecret(crypto.derive_key(NEW_PHRASE, params), params)
            if to_phrase
            else keys.NewSecret(crypto.new_random_key())
        )

        def run_change(
            db: Path = db, name: str = name, old: bytes | None = old_key, new: keys.NewSecret = new
        ) -> None:
            if old is None:
                keys.encrypt_file(db, store, name, new)
            else:
                keys.rotate_file(db, store, name, old, new)

        killed = _run(n, run_change)
        # Whatever happened, one of the two secrets opens the file, and privdesk says which.
        phrases = [NEW_PHRASE, start_phrase] if to_phrase else [start_phrase]
        opened = None
        for phrase in phrases:
            try:
                opened = _opens(db, store, phrase)
                break
            except crypto.WrongKey:
                continue
            except crypto.KeyNeeded:
                continue
        assert opened is not None, f"step {n}: neither the old nor the new secret opens the file"
        key, notes = opened
        assert key in (old_key, new.key)
        if killed and key == new.key:
            assert not notes or "NEW" in notes[0]
        if killed and key == old_key and notes:
            assert "OLD" in notes[0] or "undone" in notes[0]
        assert not keys.journal_path(db).exists(), "the interrupted change was not resolved"
        # A second unlock needs no recovery and gives the same key.
        again = unlock_key(
            db,
            store=store,
            passphrase=NEW_PHRASE if key == new.key and to_phrase else start_phrase,
            encrypt=False,
        )
        assert again == key
        _no_leftovers(folder, db)
        if not killed:
            assert key == new.key
            break
        windows += 1
    assert windows >= 4, "the change had fewer steps than expected: the test proves little"
