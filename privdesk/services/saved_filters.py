"""Saved queue filters, kept in the database per account.

A saved filter often holds a search for a consumer's name or email; kept in the computer's settings
file it would sit in clear text outside the encrypted database. So the filters live in the database
(``settings`` rows keyed by account), and follow the officer to any workstation.
"""

from __future__ import annotations

from typing import Any

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import Role
from privdesk.services.access import require_role
from privdesk.services.context import ServiceContext
from privdesk.store.models import Setting

MAX_FILTERS = 100
MAX_NAME = 80


class SavedFilterService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _key(self) -> str:
        return f"saved_filters:{self.ctx.actor or ''}"[:80]

    def all(self) -> dict[str, dict[str, Any]]:
        """The signed-in account's saved filters, by name."""
        with self.ctx.db.read() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            row = s.get(Setting, self._key())
            filters = (row.value or {}).get("filters") if row is not None else None
            return {str(k): dict(v) for k, v in (filters or {}).items() if isinstance(v, dict)}

    def save(self, name: str, data: dict[str, Any]) -> None:
        self.save_many({name: data})

    def save_many(self, filters: dict[str, dict[str, Any]]) -> None:
        cleaned: dict[str, dict[str, Any]] = {}
        for name, data in filters.items():
            label = " ".join(str(name).split())
            if not label:
                raise ValidationError("give the saved filter a name")
            if len(label) > MAX_NAME:
                raise ValidationError(f"a saved filter's name is at most {MAX_NAME} characters")
            if not isinstance(data, dict):
                raise ValidationError(f"the saved filter {label!r} is not a set of filters")
            cleaned[label] = dict(data)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            row = s.get(Setting, self._key())
            current = dict((row.value or {}).get("filters") or {}) if row is not None else {}
            current.update(cleaned)
            if len(current) > MAX_FILTERS:
                raise ValidationError(f"at most {MAX_FILTERS} saved filters: delete some first")
            if row is None:
                s.add(Setting(key=self._key(), value={"filters": current}))
            else:
                row.value = {"filters": current}

    def delete(self, name: str) -> None:
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            row = s.get(Setting, self._key())
            if row is None:
                return
            current = dict((row.value or {}).get("filters") or {})
            current.pop(name, None)
            row.value = {"filters": current}
