"""What every service needs: the database, who is acting, today's date, and the rulebook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from privdesk.store.engine import Database

if TYPE_CHECKING:
    from privdesk.domain.rules import Rulebook


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ServiceContext:
    db: Database
    actor: str = "officer"
    now: Callable[[], dt.datetime] = _utc_now
    count_saturdays: bool = False
    _rulebook: Rulebook | None = field(default=None, repr=False)

    def today(self) -> dt.date:
        return self.now().date()

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            from privdesk.domain.rules import load_rulebook

            self._rulebook = load_rulebook(count_saturdays=self.count_saturdays)
        return self._rulebook
