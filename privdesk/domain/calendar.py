"""Business-day calendars built from holiday specifications stated as data in the rule files.

Counting conventions (LEGAL.md, "Decisions for privdesk"): the day of receipt is day 0, a period of N
calendar days ends on received + N, business day 1 is the first business day after the start date,
and due dates are hard dates; ``roll_forward`` gives the later legal outside date.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from privdesk.domain.errors import ValidationError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SATURDAY = 5


class HolidayKind(StrEnum):
    FIXED = "fixed"  # the same month and day every year
    NTH_WEEKDAY = "nth_weekday"  # e.g. the third Monday in January
    LAST_WEEKDAY = "last_weekday"  # e.g. the last Monday in May
    EXPLICIT = "explicit"  # listed dates (moon-based holidays, one-off days)
    EASTER = "easter"  # Western Easter Sunday plus an offset in days


@dataclass(frozen=True)
class ObservedShift:
    """When the holiday falls on ``weekday`` (0 = Monday), the day ``move`` days away is also a holiday."""

    weekday: int
    move: int


@dataclass(frozen=True)
class HolidayRule:
    name: str
    kind: HolidayKind
    month: int = 0
    day: int = 0
    weekday: int = 0
    nth: int = 0
    offset: int = 0
    dates: tuple[date, ...] = ()
    observed: tuple[ObservedShift, ...] = ()

    def actual_dates(self, year: int) -> list[date]:
        if self.kind is HolidayKind.FIXED:
            return [date(year, self.month, self.day)]
        if self.kind is HolidayKind.NTH_WEEKDAY:
            first = date(year, self.month, 1)
            delta = (self.weekday - first.weekday()) % 7
            return [first + timedelta(days=delta + 7 * (self.nth - 1))]
        if self.kind is HolidayKind.LAST_WEEKDAY:
            last = date(year, self.month, _stdcal.monthrange(year, self.month)[1])
            return [last - timedelta(days=(last.weekday() - self.weekday) % 7)]
        if self.kind is HolidayKind.EASTER:
            return [easter_sunday(year) + timedelta(days=self.offset)]
        return [d for d in self.dates if d.year == year]


@dataclass(frozen=True)
class HolidaySpec:
    """A jurisdiction's holidays; ``first_year``/``last_year`` bound the years the data is known for."""

    rules: tuple[HolidayRule, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    name: str = ""


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday, anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def add_calendar_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """Same day-of-month ``months`` later, or that month's last day when it has no such date (GDPR)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


@dataclass
class BusinessCalendar:
    """Monday to Friday (optionally Saturday) minus the spec's holidays.

    ``roll_forward_weekdays`` are the weekdays that a legal outside date may not fall on, besides
    holidays (California: Sunday only, Civ. Code §§7, 10; GDPR: Saturday and Sunday).
    """

    spec: HolidaySpec
    count_saturdays: bool = False
    roll_forward_weekdays: frozenset[int] = frozenset({5, 6})
    _cache: dict[int, dict[date, str]] = field(default_factory=dict, repr=False, compare=False)

    def with_saturdays(self, count_saturdays: bool) -> BusinessCalendar:
        return BusinessCalendar(self.spec, count_saturdays, self.roll_forward_weekdays)

    def holidays(self, year: int) -> dict[date, str]:
        """Every holiday dated in ``year`` (actual and observed days) with its name."""
        cached = self._cache.get(year)
        if cached is not None:
            return cached
        self._check_year(year)
        found: dict[date, str] = {}
        # Observed shifts can cross a year boundary, so neighbouring years are expanded too.
        for source_year in (year - 1, year, year + 1):
            for rule in self.spec.rules:
                for actual in rule.actual_dates(source_year):
                    _add(found, actual, rule.name, year)
                    for shift in rule.observed:
                        if actual.weekday() == shift.weekday:
                            observed = actual + timedelta(days=shift.move)
                            _add(found, observed, f"{rule.name} (observed)", year)
        result = dict(sorted(found.items()))
        self._cache[year] = result
        return result

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays(day.year)

    def is_business_day(self, day: date) -> bool:
        weekday = day.weekday()
        if weekday > SATURDAY or (weekday == SATURDAY and not self.count_saturdays):
            return False
        return not self.is_holiday(day)

    def add_business_days(self, start: date, days: int) -> date:
        """The ``days``-th business day after ``start`` (``start`` itself is day 0)."""
        if days < 0:
            raise ValueError("business-day periods run forwards")
        current = start
        counted = 0
        while counted < days:
            current += timedelta(days=1)
            if self.is_business_day(current):
                counted += 1
        return current

    def roll_forward(self, day: date) -> date:
        """The first day on or after ``day`` that is neither a holiday nor a non-working weekday."""
        current = day
        while current.weekday() in self.roll_forward_weekdays or self.is_holiday(current):
            current += timedelta(days=1)
        return current

    add_calendar_days = staticmethod(add_calendar_days)
    add_months = staticmethod(add_months)

    def _check_year(self, year: int) -> None:
        first, last = self.spec.first_year, self.spec.last_year
        if (first is not None and year < first) or (last is not None and year > last):
            span = f"{first or '…'}–{last or '…'}"
            raise ValidationError(
                f"the {self.spec.name or 'holiday'} calendar has holiday data for {span} only, not {year}; "
                "update the rule file"
            )


def _add(found: dict[date, str], day: date, name: str, year: int) -> None:
    if day.year == year and day not in found:
        found[day] = name


def weekday_numbers(names: Iterable[str]) -> frozenset[int]:
    return frozenset(WEEKDAYS.index(name) for name in names)
