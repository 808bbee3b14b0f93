"""Database URLs for a shared server: the password comes from the keyring, never from a settings file.

A URL such as ``postgresql+psycopg://officer@server/privdesk?sslmode=verify-full&sslrootcert=ca.pem``
names the server, the role and the database; TLS options ride in the query and reach libpq unchanged.
The password is kept in the system keyring under service ``privdesk``, key ``db:<user>@<host>/<db>``.
"""

from __future__ import annotations

from collections.abc import Callable

import keyring
from keyring.errors import KeyringError
from sqlalchemy.engine import URL

from privdesk.domain.errors import StoreError, ValidationError
from privdesk.store.engine import database_url

KEYRING_SERVICE = "privdesk"

# key name -> secret or None, e.g. ``SecretStore.get`` (whose service is "privdesk").
SecretLookup = Callable[[str], "str | None"]


def keyring_lookup(key: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, key)
    except (KeyringError, RuntimeError):  # no usable keyring (headless): libpq may still use ~/.pgpass
        return None


def is_server_url(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


def password_key(url: URL) -> str:
    """The keyring key for a server URL: ``db:<user>@<host>/<db>``."""
    if not url.username:
        raise ValidationError("the database URL names no user (use postgresql+psycopg://USER@HOST/DATABASE)")
    return f"db:{url.username}@{url.host or 'localhost'}/{url.database or url.username}"


def resolve_pg_url(url: str, secret_lookup: SecretLookup | None = None) -> str:
    """Fill a server URL's missing password from the keyring; anything else is returned unchanged.

    A password already in the URL (typed for one run) wins. File paths and SQLite URLs pass through.
    """
    parsed = database_url(url)
    if not is_server_url(parsed) or parsed.password is not None or not parsed.username:
        return url
    lookup = secret_lookup or keyring_lookup
    secret = lookup(password_key(parsed))
    if not secret:
        return url
    return parsed.set(password=secret).render_as_string(hide_password=False)


def server_password_key(url: str) -> str:
    """The keyring key of a server URL; refuses SQLite files and URLs without a user."""
    parsed = database_url(url)
    if not is_server_url(parsed):
        raise ValidationError("passwords are only kept for PostgreSQL URLs (an SQLite file has none)")
    return password_key(parsed)


def store_password(url: str, password: str) -> str:
    """Keep a server password in the keyring; returns the key used."""
    key = server_password_key(url)
    try:
        keyring.set_password(KEYRING_SERVICE, key, password)
    except (KeyringError, RuntimeError) as exc:
        raise StoreError(f"no keyring is available to keep the password ({type(exc).__name__})") from exc
    return key


def forget_password(url: str) -> bool:
    """Remove a stored server password; False when none was stored."""
    key = server_password_key(url)
    try:
        keyring.delete_password(KEYRING_SERVICE, key)
    except (KeyringError, RuntimeError):
        return False
    return True


def check_connection(url: str, secret_lookup: SecretLookup | None = None) -> None:
    """Connect once (password from the keyring) and run a trivial query; StoreError when refused."""
    from sqlalchemy import text

    from privdesk.store.engine import Database, make_engine

    db = Database(make_engine(resolve_pg_url(url, secret_lookup)))
    try:
        with db.read() as s:
            s.execute(text("SELECT 1"))
    finally:
        db.dispose()
