"""Shared helpers: the demo organizations in a fresh database, email builders, the samples."""

from __future__ import annotations

from pathlib import Path

from privdesk.paths import resource
from privdesk.services.hub import Services

DATA = Path(__file__).resolve().parent.parent / "data" / "intake"
EXTRA = DATA / "extra"
ORGS = ("mstis", "coverys", "lossexpress")


def add_demo_organizations(services: Services) -> None:
    for slug in ORGS:
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))


def sample_files() -> list[Path]:
    return sorted(DATA.glob("*.eml")) + sorted(EXTRA.glob("*.eml"))


def email_bytes(
    number: int,
    body: str = "I am a California resident. Please delete my personal information.",
    *,
    to: str = "privacy@mstis.example",
    extra_parts: str = "",
) -> bytes:
    """A small valid request email with a unique Message-ID."""
    if not extra_parts:
        return (
            f"From: Consumer {number} <consumer{number}@example.com>\r\n"
            f"To: {to}\r\n"
            f"Subject: Request to delete {number}\r\n"
            "Date: Tue, 03 Nov 2026 10:15:00 -0800\r\n"
            f"Message-ID: <req-{number}@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        ).encode()
    return (
        f"From: Consumer {number} <consumer{number}@example.com>\r\n"
        f"To: {to}\r\n"
        f"Subject: Request to delete {number}\r\n"
        "Date: Tue, 03 Nov 2026 10:15:00 -0800\r\n"
        f"Message-ID: <req-{number}@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=BOUNDARY\r\n"
        "\r\n"
        "--BOUNDARY\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}\r\n"
        f"{extra_parts}"
        "--BOUNDARY--\r\n"
    ).encode()


def attachment_part(
    filename: str, payload_base64: str, content_type: str = "application/octet-stream"
) -> str:
    return (
        "--BOUNDARY\r\n"
        f"Content-Type: {content_type}\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{payload_base64}\r\n"
    )
