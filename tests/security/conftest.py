"""Cheap argon2 parameters for the security tests (the production cost is tested by the stored hash)."""

from __future__ import annotations

import os

# Read when privdesk.services.users is first imported, so set before the tests import it.
os.environ.setdefault("PRIVDESK_KDF_FAST", "1")
