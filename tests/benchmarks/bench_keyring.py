"""A keyring backend for the start-up benchmark: the encrypted database's key, read from the environment.

The child process selects it with ``PYTHON_KEYRING_BACKEND=bench_keyring.EnvironmentKeyring``, so the
desktop app takes its key the way it does on a workstation (through ``keyring``) without a desktop
keyring service on the benchmark machine. Nothing here imports pytest: the child must start as the app does.
"""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError, PasswordSetError

ENV = "PRIVDESK_BENCH_KEYRING"


class EnvironmentKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        entries: dict[str, str] = json.loads(os.environ.get(ENV, "{}"))
        return entries.get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the benchmark's keyring is read-only")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("the benchmark's keyring is read-only")
