"""Reading stored file bytes (documents, intake originals, letters), checked against their SHA-256.

Bytes are stored once per SHA-256; a row whose bytes no longer hash to its key was altered outside
privdesk (or the disk failed). Every read goes through ``read_verified`` so that a changed scan, email or
letter is never shown, printed or exported as if it were the original.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from privdesk.domain.errors import StoreError
from privdesk.store.models import DocumentContent


class TamperedContent(StoreError):
    """Stored bytes that do not match the SHA-256 they were stored under."""

    def __init__(self, sha256: str, what: str = "") -> None:
        self.sha256 = sha256
        name = f"{what} " if what else ""
        super().__init__(
            f"the stored file {name}(SHA-256 {sha256[:12]}…) no longer matches its fingerprint: it was "
            "changed outside privdesk or damaged; restore a backup"
        )


def read_verified(s: Session, sha256: str, what: str = "") -> bytes | None:
    """The bytes stored under ``sha256``, or None when there are none; ``TamperedContent`` when they
    do not hash to it."""
    row = s.get(DocumentContent, sha256)
    if row is None:
        return None
    data = bytes(row.data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TamperedContent(sha256, what)
    return data


def mismatched_contents(s: Session) -> list[str]:
    """Every stored content row whose bytes do not hash to its key (for check-db), by SHA-256."""
    bad = []
    for sha, data in s.execute(
        DocumentContent.__table__.select().with_only_columns(DocumentContent.sha256, DocumentContent.data)
    ):
        if hashlib.sha256(bytes(data)).hexdigest() != sha:
            bad.append(str(sha))
    return bad
