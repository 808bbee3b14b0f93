"""Helpers for the security tests: a database with an organization and a few cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services

SECRET_NAME = "Philippa Quenneville"
SECRET_EMAIL = "philippa.quenneville@example.net"


def new_case(name: str = SECRET_NAME, email: str = SECRET_EMAIL) -> NewCase:
    return NewCase(
        organization="mstis",
        jurisdiction="US-CA",
        types=["delete", "know_categories"],
        channel="mail",
        received=dt.date(2026, 11, 2),
        name=name,
        email=email,
        address="2217 Elm Street\nTorrance, CA 90503",
    )


def fill(services: Services, cases: int = 3) -> None:
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))
    services.cases.create(new_case())
    for n in range(1, cases):
        services.cases.create(new_case(f"Other Person {n}", f"other{n}@example.org"))


def raw_bytes(db: Path) -> bytes:
    """The database file and any journal beside it, as stored on disk."""
    data = db.read_bytes()
    for suffix in ("-wal", "-journal"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            data += side.read_bytes()
    return data


def contains_secret(data: bytes) -> bool:
    return any(
        needle in data
        for text in (SECRET_NAME, SECRET_EMAIL, "Quenneville")
        for needle in (text.encode("utf-8"), text.encode("utf-16-le"))
    )
