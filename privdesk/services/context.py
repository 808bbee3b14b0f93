"""What every service needs: the database, who is acting, today's date, and the rulebook."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from privdesk.domain.errors import StoreError
from privdesk.store.engine import Database

if TYPE_CHECKING:
    from privdesk.domain.rules import Rulebook


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


COUNT_SATURDAYS_KEY = "calendar.count_saturdays"
# How long a workstation trusts its copy of the firm-wide calendar setting before reading it again.
SETTING_REFRESH_SECONDS = 5.0


@dataclass
class ServiceContext:
    db: Database
    actor: str = "officer"
    now: Callable[[], dt.datetime] = _utc_now
    _rulebook: Rulebook | None = field(default=None, repr=False)
    _saturdays: bool = field(default=False, repr=False)
    _saturdays_read_at: float | None = field(default=None, repr=False)

    def today(self) -> dt.date:
        return self.now().date()

    @property
    def count_saturdays(self) -> bool:
        """Whether Saturdays are business days: a firm-wide, audited setting kept in the database, so
        every workstation on a shared database computes the same deadlines."""
        moment = time.monotonic()
        if self._saturdays_read_at is None or moment - self._saturdays_read_at > SETTING_REFRESH_SECONDS:
            value = self._read_saturdays()
            self._saturdays_read_at = moment
            if value != self._saturdays:
                self._saturdays = value
                self._rulebook = None
        return self._saturdays

    def _read_saturdays(self) -> bool:
        from sqlalchemy.exc import SQLAlchemyError

        from privdesk.store.models import Setting

        try:
            with self.db.read() as s:
                row = s.get(Setting, COUNT_SATURDAYS_KEY)
        except (SQLAlchemyError, StoreError):
            return self._saturdays  # a database not set up yet: the default until it is
        if row is None or not isinstance(row.value, dict):
            return False
        return bool(row.value.get("value", False))

    def calendar_changed(self) -> None:
        """The setting was written here: read it again now and rebuild the rulebook."""
        self._saturdays_read_at = None

    @property
    def rulebook(self) -> Rulebook:
        saturdays = self.count_saturdays
        if self._rulebook is None:
            from privdesk.domain.rules import load_rulebook

            self._rulebook = load_rulebook(count_saturdays=saturdays)
        return self._rulebook
