"""Server passwords come from the keyring; TLS options pass through the URL untouched."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from privdesk.domain.errors import ValidationError
from privdesk.services.dburl import forget_password, password_key, resolve_pg_url, store_password
from tests.conftest import MemoryKeyring

URL = "postgresql+psycopg://officer@db.example.org/privdesk?sslmode=verify-full&sslrootcert=/etc/ca.pem"


def test_password_filled_from_the_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("privdesk", "db:officer@db.example.org/privdesk", "s3cr;et@/x")
    resolved = make_url(resolve_pg_url(URL))
    assert resolved.password == "s3cr;et@/x"
    assert resolved.username == "officer" and resolved.host == "db.example.org"
    assert dict(resolved.query) == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}


def test_lookup_is_injectable_and_url_password_wins() -> None:
    asked: list[str] = []

    def lookup(key: str) -> str | None:
        asked.append(key)
        return "from-store"

    assert make_url(resolve_pg_url(URL, lookup)).password == "from-store"
    assert asked == ["db:officer@db.example.org/privdesk"]
    typed = "postgresql+psycopg://officer:typed@db.example.org/privdesk"
    assert resolve_pg_url(typed, lookup) == typed
    assert len(asked) == 1


def test_nothing_stored_and_sqlite_pass_through() -> None:
    assert resolve_pg_url(URL) == URL
    assert resolve_pg_url("/tmp/privdesk.db", lambda _k: "x") == "/tmp/privdesk.db"
    assert resolve_pg_url("sqlite:///x.db", lambda _k: "x") == "sqlite:///x.db"


def test_store_and_forget(memory_keyring: MemoryKeyring) -> None:
    key = store_password(URL, "pw")
    assert key == password_key(make_url(URL)) == "db:officer@db.example.org/privdesk"
    assert memory_keyring.get_password("privdesk", key) == "pw"
    assert forget_password(URL) is True
    assert forget_password(URL) is False
    with pytest.raises(ValidationError, match="only kept for PostgreSQL"):
        store_password("/tmp/privdesk.db", "pw")
    with pytest.raises(ValidationError, match="names no user"):
        store_password("postgresql+psycopg://db.example.org/privdesk", "pw")


def test_tls_options_reach_the_driver() -> None:
    from privdesk.store.engine import make_engine

    engine = make_engine(resolve_pg_url(URL, lambda _k: "pw"))
    _, params = engine.dialect.create_connect_args(engine.url)
    assert params["sslmode"] == "verify-full" and params["sslrootcert"] == "/etc/ca.pem"
    assert params["password"] == "pw"
    engine.dispose()


@pytest.mark.postgres
def test_sslmode_is_honoured_by_the_server_connection(pg_url: str) -> None:
    """The test server has no TLS: ``sslmode=require`` must fail, ``disable`` must connect."""
    from sqlalchemy import text

    from privdesk.domain.errors import StoreError
    from privdesk.store.engine import Database, make_engine

    for mode, works in (("disable", True), ("require", False)):
        db = Database(make_engine(resolve_pg_url(f"{pg_url}?sslmode={mode}")))
        try:
            if works:
                with db.read() as s:
                    assert s.execute(text("SELECT 1")).scalar_one() == 1
            else:
                with pytest.raises(StoreError, match=r"(?i)ssl"), db.read() as s:
                    s.execute(text("SELECT 1"))
        finally:
            db.dispose()


def test_db_password_command(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json

    from privdesk.cli.core import run

    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert run(["db-password", "--db", URL, "--password-stdin", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["keyring_key"] == "db:officer@db.example.org/privdesk"
    assert memory_keyring.get_password("privdesk", payload["keyring_key"]) == "correct horse"
    assert make_url(resolve_pg_url(URL)).password == "correct horse"
    assert run(["--db", URL, "db-password", "--forget"]) == 0
    assert "removed" in capsys.readouterr().out
    assert resolve_pg_url(URL) == URL
    assert run(["db-password", "--db", "/tmp/x.db", "--password-stdin"]) == 1
    assert "only kept for PostgreSQL" in capsys.readouterr().err


@pytest.mark.postgres
def test_db_password_check_reaches_the_server(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test server trusts local connections, so any password passes the check; a wrong host fails."""
    import io

    from privdesk.cli.core import run

    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    assert run(["db-password", "--db", pg_url, "--password-stdin", "--check"]) == 0
    assert "the server accepted it" in capsys.readouterr().out
