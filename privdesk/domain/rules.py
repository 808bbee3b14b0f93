"""The statutory rules engine: the rules in force on a receipt date, applied to count the deadlines.

Every number and citation lives in the rule files (``resources/rules/<code>.toml``, read by
``rules_loader`` into the model of ``rules_model``); this module only knows how to count. The counting
policy is LEGAL.md's "Decisions for privdesk": receipt is day 0, due dates are hard dates, the legal
outside date is shown beside them where a roll-forward rule exists, an extension ends at received +
the extended total period and must be noticed by the original response date. A request received
before a law (or one of its rights) took effect gets no statutory dates and a one-line reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from privdesk.domain.calendar import BusinessCalendar, add_calendar_days, add_months
from privdesk.domain.errors import ValidationError
from privdesk.domain.rules_loader import load_rule_file, load_rule_files
from privdesk.domain.rules_model import (
    ALWAYS,
    TAGS,
    TYPE_ALIASES,
    AgentRule,
    AppealInfo,
    AppealProcess,
    AppealRule,
    Basis,
    ChannelRule,
    ClockPause,
    ClockStart,
    ComplaintRoute,
    Deadlines,
    Effective,
    Extension,
    Jurisdiction,
    LimitCounts,
    LimitEffect,
    LimitRule,
    LimitWindow,
    LookBack,
    NoticeRule,
    PauseRule,
    Period,
    ResidencyRule,
    RollForward,
    RuleWarning,
    Source,
    Step,
    TypeRule,
    Unit,
    VerificationRule,
)
from privdesk.domain.types import RequestType

__all__ = [
    "ALWAYS",
    "TAGS",
    "TYPE_ALIASES",
    "AgentRule",
    "AppealInfo",
    "AppealProcess",
    "AppealRule",
    "Basis",
    "ChannelRule",
    "ClockPause",
    "ClockStart",
    "ComplaintRoute",
    "Deadlines",
    "Effective",
    "Extension",
    "Jurisdiction",
    "LimitCounts",
    "LimitEffect",
    "LimitRule",
    "LimitWindow",
    "LookBack",
    "NoticeRule",
    "PauseRule",
    "Period",
    "ResidencyRule",
    "RollForward",
    "RuleWarning",
    "Rulebook",
    "Source",
    "Step",
    "TypeRule",
    "Unit",
    "VerificationRule",
    "load_rule_file",
    "load_rulebook",
    "parse_request_type",
]


@dataclass
class Rulebook:
    jurisdictions_by_code: dict[str, Jurisdiction]
    count_saturdays: bool = False
    _calendars: dict[tuple[str, bool], BusinessCalendar] = field(default_factory=dict, repr=False)

    def jurisdictions(self) -> list[str]:
        return sorted(self.jurisdictions_by_code)

    def versions(self) -> dict[str, str]:
        return {code: j.version for code, j in sorted(self.jurisdictions_by_code.items())}

    def jurisdiction(self, code: str) -> Jurisdiction:
        found = self.jurisdictions_by_code.get(code)
        if found is None:
            known = ", ".join(self.jurisdictions())
            raise ValidationError(f"unknown jurisdiction {code!r} (known: {known})")
        return found

    def types(self, jurisdiction: str, on: date | None = None) -> list[RequestType]:
        """The request types the jurisdiction provides (on a day: those in force that day)."""
        found = self.jurisdiction(jurisdiction)
        if on is None:
            return list(found.types)
        return [t for t in found.types if any(r.effective.covers(on) for r in found.type_versions(t))]

    def rule(self, jurisdiction: str, request_type: str | RequestType, on: date | None = None) -> TypeRule:
        """The version of a type's rule in force ``on`` a day (default today); where none is in
        force that day, the nearest version (the first before it starts, the last after it ends)."""
        found = self.jurisdiction(jurisdiction)
        wanted = parse_request_type(request_type)
        versions = found.type_versions(wanted)
        if not versions:
            raise ValidationError(f"{jurisdiction} provides no {wanted.value} request")
        day = on or date.today()
        for version in versions:
            if version.effective.covers(day):
                return version
        first = versions[0].effective.start
        return versions[0] if first is not None and day < first else versions[-1]

    def in_force(self, jurisdiction: str, request_type: str | RequestType, received: date) -> str | None:
        """None when the law and the type apply to a request received that day, else the reason."""
        found = self.jurisdiction(jurisdiction)
        wanted = parse_request_type(request_type)
        if not found.effective.covers(received):
            return _not_yet(f"{found.name}'s law", found.effective, received)
        versions = found.type_versions(wanted)
        if not versions:
            raise ValidationError(f"{jurisdiction} provides no {wanted.value} request")
        if any(v.effective.covers(received) for v in versions):
            return None
        span = Effective(versions[0].effective.start, versions[-1].effective.end)
        label = wanted.label[0].lower() + wanted.label[1:]
        return _not_yet(f"{found.name}'s rules for {label}", span, received)

    def calendar(self, jurisdiction: str, *, count_saturdays: bool | None = None) -> BusinessCalendar:
        saturdays = self.count_saturdays if count_saturdays is None else count_saturdays
        key = (jurisdiction, saturdays)
        cal = self._calendars.get(key)
        if cal is None:
            found = self.jurisdiction(jurisdiction)
            weekdays = found.roll_forward.weekdays
            cal = BusinessCalendar(
                found.holidays, saturdays, weekdays if weekdays is not None else frozenset()
            )
            self._calendars[key] = cal
        return cal

    def deadlines(
        self,
        jurisdiction: str,
        request_type: str | RequestType,
        received: date,
        *,
        designated_channel: bool = True,
        today: date | None = None,
        allow_future: bool = False,
        clock_started: date | None = None,
        pauses: Sequence[ClockPause] = (),
    ) -> Deadlines:
        """The statutory dates for a request received on ``received``.

        ``allow_future`` lets a planner ask about a receipt date after ``today`` (the result is marked
        a projection); cases never do. ``clock_started`` is the UK "relevant time" (identity
        information or fee received later than the request) and ``pauses`` the spans the clock stood
        still; both apply only where the rule file names them for this type, with their basis.
        """
        found = self.jurisdiction(jurisdiction)
        wanted = parse_request_type(request_type)
        if not isinstance(received, date) or isinstance(received, datetime):
            raise ValidationError(f"received must be a calendar date, got {received!r}")
        today = today or date.today()
        projection = received > today
        if projection and not allow_future:
            raise ValidationError(f"received date {received.isoformat()} is in the future")
        reason = self.in_force(jurisdiction, wanted, received)
        rule = self.rule(jurisdiction, wanted, on=received)
        if reason is not None:
            return _no_dates(found, rule, received, reason, projection)
        cal = self.calendar(jurisdiction)
        respond_step = rule.respond
        if not designated_channel and rule.respond_elsewhere is not None:
            respond_step = rule.respond_elsewhere

        basis = {"clock_start": str(rule.clock_start)}
        start = received
        if clock_started is not None and rule.clock is ClockStart.RELEVANT_TIME:
            if clock_started < received:
                raise ValidationError(
                    f"the clock cannot start ({clock_started.isoformat()}) before the request was "
                    f"received ({received.isoformat()})"
                )
            start = clock_started
        acknowledge_by = _due(received, rule.acknowledge.period, cal)
        respond_by = _due(start, respond_step.period, cal)
        extended_by = _due(start, rule.extension.total, cal) if respond_by else None

        paused_days, paused_since = 0, None
        applicable = [p for p in pauses if rule.pauses] if respond_by else []
        for pause in sorted(applicable, key=lambda p: p.start):
            if pause.start < received:
                raise ValidationError(f"a pause cannot start before receipt ({received.isoformat()})")
            if pause.end is not None and pause.end < pause.start:
                raise ValidationError("a pause cannot end before it starts")
            end = pause.end if pause.end is not None else max(today, pause.start)
            if pause.end is None:
                paused_since = pause.start
            paused_days += (end - pause.start).days
        if paused_days:
            respond_by = _shift(respond_by, paused_days)
            extended_by = _shift(extended_by, paused_days)
        if applicable:
            basis["clock_pauses"] = "; ".join(str(p.basis) for p in rule.pauses)
        notice_by = respond_by if extended_by and rule.extension.notice_by else None

        outside = found.roll_forward
        has_outside = outside.weekdays is not None
        respond_outside = cal.roll_forward(respond_by) if has_outside and respond_by else None
        extended_outside = cal.roll_forward(extended_by) if has_outside and extended_by else None

        basis.update(
            {
                "acknowledge_by": _step_basis(rule.acknowledge, found),
                "respond_by": _step_basis(respond_step, found),
                "extension_notice_by": str(rule.extension.basis),
                "extended_respond_by": str(rule.extension.basis),
                "respond_outside_by": str(outside.basis),
                "extended_outside_by": str(outside.basis),
            }
        )
        if found.effective_basis is not None:
            basis["in_force"] = f"{found.effective.describe()}: {found.effective_basis}"
        note = None
        if paused_since is not None:
            remaining = ((respond_by or today) - today).days
            note = (
                f"clock paused since {paused_since.isoformat()}; {max(remaining, 0)} days of the response "
                "period remain when it restarts"
            )
        if projection:
            note = _join(note, f"projection: a request received on {received.isoformat()} (in the future)")
        return Deadlines(
            jurisdiction=jurisdiction,
            request_type=rule.request_type,
            received=received,
            acknowledge_by=acknowledge_by,
            respond_by=respond_by,
            extension_notice_by=notice_by,
            extended_respond_by=extended_by,
            respond_outside_by=respond_outside,
            extended_outside_by=extended_outside,
            basis=basis,
            rule_version=found.version,
            saturday_warning=self._saturday_warning(found, rule, respond_step, received),
            note=note,
            projection=projection,
            clock_started=start,
            paused_days=paused_days,
            paused_since=paused_since,
            unconfirmed=_unconfirmed(basis),
        )

    def appeal_info(self, jurisdiction: str, received: date | None = None) -> AppealInfo:
        """The appeal process of ``jurisdiction``: the consumer's window to appeal, the decision period
        and its extension, the Attorney General's (or regulator's) complaint route, and, given the day
        an appeal was ``received``, the decision dates. Refusal letters and appeal decisions use this.

        A jurisdiction without an appeal process answers ``available=False`` (with its complaint route
        where the rule file names one, e.g. a supervisory authority).
        """
        found = self.jurisdiction(jurisdiction)
        process = found.appeal
        has_type = bool(found.type_versions(RequestType.APPEAL))
        available = process.available if process is not None else has_type
        complaint = process.complaint if process is not None else None
        basis: dict[str, str] = {}
        if process is not None:
            basis["appeal"] = str(process.basis)
            basis["filing_window"] = str(process.filing.basis)
        if complaint is not None:
            basis["complaint"] = str(complaint.basis)
        decision = extension = None
        decide_by = notice_by = extended_by = None
        note = None
        if available and has_type:
            rule = self.rule(jurisdiction, RequestType.APPEAL, on=received)
            decision, extension = rule.respond.period, rule.extension.total
            basis["decide_by"] = str(rule.respond.basis)
            basis["extended_decide_by"] = str(rule.extension.basis)
            if received is not None:
                dates = self.deadlines(
                    jurisdiction, RequestType.APPEAL, received, today=received, allow_future=True
                )
                decide_by, notice_by = dates.respond_by, dates.extension_notice_by
                extended_by = dates.extended_respond_by
                note = dates.note if not dates.in_force else None
        return AppealInfo(
            jurisdiction=jurisdiction,
            available=available,
            filing_window=process.filing.period if process is not None and available else None,
            decision_period=decision,
            extension_total=extension,
            received=received,
            decide_by=decide_by,
            extension_notice_by=notice_by,
            extended_decide_by=extended_by,
            complaint_authority=complaint.authority if complaint else None,
            complaint_url=complaint.url if complaint else None,
            basis=basis,
            rule_version=found.version,
            note=note,
        )

    def _saturday_warning(
        self, found: Jurisdiction, rule: TypeRule, respond: Step, received: date
    ) -> str | None:
        """Say so when the Saturday reading (e.g. Cal. Civ. Code §9) would make a date fall earlier."""
        if self.count_saturdays or found.saturday_basis is None:
            return None
        default = self.calendar(found.code)
        saturdays = self.calendar(found.code, count_saturdays=True)
        earlier = []
        for label, step in (("acknowledgement", rule.acknowledge), ("response", respond)):
            if step.period is None or step.period.unit is not Unit.BUSINESS_DAYS:
                continue
            usual = _due(received, step.period, default)
            strict = _due(received, step.period, saturdays)
            if usual and strict and strict < usual:
                earlier.append(f"the {label} would be due {strict.isoformat()}, not {usual.isoformat()}")
        if not earlier:
            return None
        return f"Counting Saturdays as business days ({found.saturday_basis.cite}): " + "; ".join(earlier)


def parse_request_type(value: str | RequestType) -> RequestType:
    if isinstance(value, RequestType):
        return value
    alias = TYPE_ALIASES.get(str(value))
    if alias is not None:
        return alias
    try:
        return RequestType(value)
    except ValueError:
        raise ValidationError(f"unknown request type {value!r}") from None


def _not_yet(subject: str, effective: Effective, received: date) -> str:
    """The one-line reason, e.g. Oklahoma's law applies to requests received from 2027-01-01; for one
    request type: California's rules for opt-out of automated decision-making apply to requests ..."""
    verb = "applies" if subject.endswith("law") else "apply"
    if effective.start is not None and received < effective.start:
        return f"{subject} {verb} to requests received from {effective.start.isoformat()}"
    assert effective.end is not None
    return f"{subject} {verb} to requests received until {effective.end.isoformat()}"


def _no_dates(
    found: Jurisdiction, rule: TypeRule, received: date, reason: str, projection: bool
) -> Deadlines:
    basis = {"in_force": reason}
    if found.effective_basis is not None:
        basis["in_force"] += f" ({found.effective_basis})"
    elif rule.effective is not ALWAYS:
        basis["in_force"] += f" ({rule.respond.basis})"
    return Deadlines(
        jurisdiction=found.code,
        request_type=rule.request_type,
        received=received,
        acknowledge_by=None,
        respond_by=None,
        extension_notice_by=None,
        extended_respond_by=None,
        respond_outside_by=None,
        extended_outside_by=None,
        basis=basis,
        rule_version=found.version,
        in_force=False,
        note=reason,
        projection=projection,
    )


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second


def _shift(day: date | None, days: int) -> date | None:
    return day + timedelta(days=days) if day is not None else None


def _unconfirmed(basis: dict[str, str]) -> tuple[str, ...]:
    return tuple(f"{key}: {text}" for key, text in basis.items() if "[U]" in text)


def _due(received: date, period: Period | None, cal: BusinessCalendar) -> date | None:
    if period is None:
        return None
    if period.unit is Unit.CALENDAR_DAYS:
        return add_calendar_days(received, period.length)
    if period.unit is Unit.BUSINESS_DAYS:
        return cal.add_business_days(received, period.length)
    return add_months(received, period.length)


def _step_basis(step: Step, found: Jurisdiction) -> str:
    if step.period is not None and step.period.unit is Unit.BUSINESS_DAYS:
        return f"{step.basis}; business days: {found.calendar_basis}"
    return str(step.basis)


def load_rulebook(directory: Path | None = None, *, count_saturdays: bool = False) -> Rulebook:
    """Load and validate every ``*.toml`` rule file in ``directory`` (default ``resources/rules``)."""
    if directory is None:
        from privdesk.paths import resource

        directory = resource("rules")
    return Rulebook(load_rule_files(Path(directory)), count_saturdays)
