"""Settings kept in the database (shared by every workstation, audited), as opposed to a computer's own
preferences in QSettings: the idle lock, single-user mode, intake limits."""

from __future__ import annotations

from typing import Any

from privdesk.domain.types import Role
from privdesk.services.access import require_role
from privdesk.services.audit import record
from privdesk.services.context import COUNT_SATURDAYS_KEY, ServiceContext
from privdesk.store.models import Setting


def read_setting(ctx: ServiceContext, key: str, default: Any) -> Any:
    with ctx.db.read() as s:
        row = s.get(Setting, key)
        return row.value.get("value", default) if row is not None and isinstance(row.value, dict) else default


def write_setting(ctx: ServiceContext, key: str, value: Any) -> None:
    """Administrators only; the change is audited with the value before and after."""
    with ctx.db.write() as s:
        require_role(ctx, Role.ADMINISTRATOR, session=s)
        row = s.get(Setting, key)
        before = row.value.get("value") if row is not None else None
        if row is None:
            s.add(Setting(key=key, value={"value": value}))
        else:
            row.value = {"value": value}
        record(s, ctx, "setting.change", "setting", key, before={"value": before}, after={"value": value})


class CalendarSettings:
    """The firm-wide calendar choice (Saturdays as business days): the same on every workstation."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def count_saturdays(self) -> bool:
        return bool(read_setting(self.ctx, COUNT_SATURDAYS_KEY, False))

    def set_count_saturdays(self, enabled: bool) -> None:
        """Administrators only, audited; new deadlines follow it, existing cases keep theirs."""
        write_setting(self.ctx, COUNT_SATURDAYS_KEY, bool(enabled))
        self.ctx.calendar_changed()
