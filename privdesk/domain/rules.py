"""The statutory rules engine: rule files (``resources/rules/<code>.toml``) loaded, validated and applied.

Every number and citation lives in the rule files; this module only knows how to count. The counting
policy is LEGAL.md's "Decisions for privdesk": receipt is day 0, due dates are hard dates, the legal
outside date is shown beside them where a roll-forward rule exists, an extension ends at received +
the extended total period and must be noticed by the original response date.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from privdesk.domain.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    HolidayKind,
    HolidayRule,
    HolidaySpec,
    ObservedShift,
    add_calendar_days,
    add_months,
    weekday_numbers,
)
from privdesk.domain.errors import RuleFileError, ValidationError
from privdesk.domain.types import Channel, RequestType, VerificationLevel

TAGS = ("C", "S", "U")
# "know" is how LEGAL.md and GDPR speak of access; it maps to the specific-pieces code (DESIGN.md §4).
TYPE_ALIASES = {"know": RequestType.KNOW_SPECIFIC, "access": RequestType.KNOW_SPECIFIC}


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    MONTHS = "months"


class NoticeRule(StrEnum):
    ORIGINAL_RESPOND_BY = "original_respond_by"  # notice no later than the original response date


class LimitWindow(StrEnum):
    ROLLING_12_MONTHS = "rolling_12_months"
    CALENDAR_YEAR = "calendar_year"


class LimitCounts(StrEnum):
    RECEIVED = "received"  # every earlier request received in the window
    ANSWERED = "answered"  # only earlier requests answered in the window


class LimitEffect(StrEnum):
    MAY_DECLINE = "may_decline"
    FEE_MAY_BE_CHARGED = "fee_may_be_charged"


@dataclass(frozen=True)
class Basis:
    """Where a value comes from: a citation and the LEGAL.md confidence tag (C, S or U)."""

    cite: str
    tag: str

    def __str__(self) -> str:
        return f"{self.cite} [{self.tag}]"


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.length} {self.unit.value.replace('_', ' ')}"


@dataclass(frozen=True)
class Step:
    """A deadline step (acknowledge, respond); ``period`` is None where the law sets none."""

    period: Period | None
    basis: Basis


@dataclass(frozen=True)
class Extension:
    """``total`` counts from receipt (California: 90 days in all); None where the law allows none."""

    total: Period | None
    once: bool
    notice_by: NoticeRule | None
    basis: Basis


@dataclass(frozen=True)
class VerificationRule:
    level: VerificationLevel
    data_points: int
    signed_declaration: bool
    forbidden: bool  # verification must not be demanded (opt-out, limit)
    note: str
    basis: Basis


@dataclass(frozen=True)
class AgentRule:
    allowed: bool
    signed_permission: bool
    poa_accepted: bool
    consumer_confirmation: bool  # the consumer may be asked to confirm the agent's permission directly
    basis: Basis


@dataclass(frozen=True)
class AppealRule:
    available: bool
    basis: Basis
    decision: Step | None = None  # the appeal type's own response period, where the law has appeals


@dataclass(frozen=True)
class ChannelRule:
    accepted: frozenset[Channel]
    optional: frozenset[Channel]  # accepted only if the business chooses to
    basis: Basis


@dataclass(frozen=True)
class ResidencyRule:
    required: str  # e.g. "California"
    warning: str  # the code of the warning when residency is not shown
    basis: Basis


@dataclass(frozen=True)
class LimitRule:
    code: str
    types: frozenset[RequestType]
    max_requests: int
    window: LimitWindow
    counts: LimitCounts
    effect: LimitEffect
    basis: Basis


@dataclass(frozen=True)
class TypeRule:
    """Everything a rule file says about one request type in one jurisdiction."""

    jurisdiction: str
    request_type: RequestType
    law: str
    clock_start: Basis
    acknowledge: Step
    respond: Step
    respond_elsewhere: Step | None  # Shine the Light: request not sent to the designated address
    extension: Extension
    verification: VerificationRule
    agent: AgentRule
    appeal: AppealRule
    channels: ChannelRule | None
    residency: ResidencyRule | None
    limits: tuple[LimitRule, ...]


@dataclass(frozen=True)
class RollForward:
    """Where the last day may not fall (besides holidays); None weekdays means no roll-forward rule."""

    weekdays: frozenset[int] | None
    basis: Basis


@dataclass(frozen=True)
class Source:
    law: str
    title: str
    basis: Basis


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    version: str
    sources: tuple[Source, ...]
    holidays: HolidaySpec
    calendar_basis: Basis
    saturday_basis: Basis | None  # where a reading counts Saturdays as business days
    roll_forward: RollForward
    types: dict[RequestType, TypeRule]
    limits: tuple[LimitRule, ...]


@dataclass(frozen=True)
class RuleWarning:
    """A coded finding for the officer: never a silent rejection, always with its legal basis."""

    code: str
    message: str
    basis: str
    earlier_reference: str | None = None
    earlier_date: date | None = None


@dataclass(frozen=True)
class Deadlines:
    jurisdiction: str
    request_type: RequestType
    received: date
    acknowledge_by: date | None
    respond_by: date | None
    extension_notice_by: date | None
    extended_respond_by: date | None
    respond_outside_by: date | None
    extended_outside_by: date | None
    basis: dict[str, str]
    rule_version: str
    saturday_warning: str | None = None

    def to_json(self) -> dict[str, Any]:
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "acknowledge_by": iso(self.acknowledge_by),
            "respond_by": iso(self.respond_by),
            "extension_notice_by": iso(self.extension_notice_by),
            "extended_respond_by": iso(self.extended_respond_by),
            "respond_outside_by": iso(self.respond_outside_by),
            "extended_outside_by": iso(self.extended_outside_by),
            "basis": dict(self.basis),
        }


# ---------------------------------------------------------------------------------------------- rulebook


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

    def types(self, jurisdiction: str) -> list[RequestType]:
        return list(self.jurisdiction(jurisdiction).types)

    def rule(self, jurisdiction: str, request_type: str | RequestType) -> TypeRule:
        found = self.jurisdiction(jurisdiction)
        wanted = parse_request_type(request_type)
        rule = found.types.get(wanted)
        if rule is None:
            raise ValidationError(f"{jurisdiction} provides no {wanted.value} request")
        return rule

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
    ) -> Deadlines:
        rule = self.rule(jurisdiction, request_type)
        if not isinstance(received, date) or isinstance(received, datetime):
            raise ValidationError(f"received must be a calendar date, got {received!r}")
        today = today or date.today()
        if received > today:
            raise ValidationError(f"received date {received.isoformat()} is in the future")
        found = self.jurisdiction(jurisdiction)
        cal = self.calendar(jurisdiction)
        respond_step = rule.respond
        if not designated_channel and rule.respond_elsewhere is not None:
            respond_step = rule.respond_elsewhere

        acknowledge_by = _due(received, rule.acknowledge.period, cal)
        respond_by = _due(received, respond_step.period, cal)
        extended_by = _due(received, rule.extension.total, cal) if respond_by else None
        notice_by = respond_by if extended_by and rule.extension.notice_by else None

        outside = found.roll_forward
        has_outside = outside.weekdays is not None
        respond_outside = cal.roll_forward(respond_by) if has_outside and respond_by else None
        extended_outside = cal.roll_forward(extended_by) if has_outside and extended_by else None

        basis = {
            "clock_start": str(rule.clock_start),
            "acknowledge_by": _step_basis(rule.acknowledge, found),
            "respond_by": _step_basis(respond_step, found),
            "extension_notice_by": str(rule.extension.basis),
            "extended_respond_by": str(rule.extension.basis),
            "respond_outside_by": str(outside.basis),
            "extended_outside_by": str(outside.basis),
        }
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
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise RuleFileError(f"no rule files (*.toml) in {Path(directory).name}")
    found = {}
    for path in files:
        jurisdiction = load_rule_file(path)
        found[jurisdiction.code] = jurisdiction
    return Rulebook(found, count_saturdays)


# ------------------------------------------------------------------------------------------- validation


def load_rule_file(path: Path) -> Jurisdiction:
    name = path.name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise RuleFileError(f"{name}: not valid TOML: {err}") from None
    except OSError as err:
        raise RuleFileError(f"{name}: cannot be read: {err.strerror}") from None
    return _parse_jurisdiction(_Node(name, "", data), expected_code=path.stem)


class _Node:
    """A table of a rule file being read: remembers its key path and flags unknown keys."""

    def __init__(self, file: str, path: str, data: dict[str, Any]) -> None:
        self.file, self.path, self.data = file, path, data
        self._used: set[str] = set()

    def fail(self, key: str | None, problem: str) -> RuleFileError:
        where = ".".join(part for part in (self.path, key) if part) or "(top level)"
        return RuleFileError(f"{self.file}: {where}: {problem}")

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, kind: str) -> Any:
        self._used.add(key)
        if key not in self.data:
            raise self.fail(key, f"missing (expected {kind})")
        return self.data[key]

    def string(self, key: str) -> str:
        value = self._get(key, "a string")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {_show(value)}")
        return value

    def optional_string(self, key: str, default: str = "") -> str:
        return self.string(key) if self.has(key) else default

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self._get(key, "an integer")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected an integer, got {_show(value)}")
        if value < minimum:
            raise self.fail(key, f"expected an integer of at least {minimum}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key, "true or false")
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {_show(value)}")
        return value

    def choice(self, key: str, choices: tuple[str, ...] | list[str]) -> str:
        value = self._get(key, "one of " + ", ".join(choices))
        if value not in choices:
            raise self.fail(key, f"expected one of {', '.join(choices)}, got {_show(value)}")
        return str(value)

    def choices(self, key: str, choices: tuple[str, ...] | list[str]) -> list[str]:
        values = self._get(key, "a list")
        if not isinstance(values, list):
            raise self.fail(key, f"expected a list, got {_show(values)}")
        for index, value in enumerate(values):
            if value not in choices:
                raise self.fail(
                    f"{key}[{index}]", f"expected one of {', '.join(choices)}, got {_show(value)}"
                )
        return [str(value) for value in values]

    def dates(self, key: str) -> tuple[date, ...]:
        values = self._get(key, "a list of dates")
        if not isinstance(values, list) or not values:
            raise self.fail(key, f"expected a non-empty list of dates, got {_show(values)}")
        for index, value in enumerate(values):
            if type(value) is not date:
                raise self.fail(f"{key}[{index}]", f"expected a date (YYYY-MM-DD), got {_show(value)}")
        return tuple(values)

    def table(self, key: str) -> _Node:
        value = self._get(key, "a table")
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {_show(value)}")
        return _Node(self.file, self._child(key), value)

    def tables(self, key: str) -> Iterator[_Node]:
        values = self._get(key, "an array of tables")
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
            raise self.fail(key, "expected an array of tables")
        for index, value in enumerate(values):
            yield _Node(self.file, f"{self._child(key)}[{index}]", value)

    def all_keys(self) -> list[str]:
        self._used.update(self.data)
        return list(self.data)

    def basis(self) -> Basis:
        return Basis(self.string("cite"), self.choice("tag", TAGS))

    def done(self) -> None:
        unknown = [key for key in self.data if key not in self._used]
        if unknown:
            raise self.fail(unknown[0], "unknown key")

    def _child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


UNITS = tuple(unit.value for unit in Unit)
TYPE_CODES = tuple(t.value for t in RequestType)
CHANNELS = tuple(c.value for c in Channel)
LEVELS = tuple(level.value for level in VerificationLevel)


def _parse_jurisdiction(top: _Node, expected_code: str) -> Jurisdiction:
    code = top.string("jurisdiction")
    if code != expected_code:
        raise top.fail("jurisdiction", f'expected "{expected_code}" (the file name), got {_show(code)}')
    name = top.string("name")
    version = top.string("version")
    sources = tuple(_parse_source(node) for node in top.tables("sources"))
    laws = {source.law for source in sources}
    holidays, calendar_basis, saturday_basis = _parse_calendar(top.table("calendar"), code)
    roll_forward = _parse_roll_forward(top.table("roll_forward"))
    limits = tuple(_parse_limit(node) for node in top.tables("limits")) if top.has("limits") else ()
    types_node = top.table("types")
    rules: dict[RequestType, TypeRule] = {}
    for key in types_node.all_keys():
        if key not in TYPE_CODES:
            raise types_node.fail(key, f"unknown request type; expected one of {', '.join(TYPE_CODES)}")
        rules[RequestType(key)] = _parse_type(types_node.table(key), code, RequestType(key), laws, limits)
    if not rules:
        raise types_node.fail(None, "no request types")
    for index, limit in enumerate(limits):
        missing = sorted(t.value for t in limit.types if t not in rules)
        if missing:
            raise top.fail(f"limits[{index}].types", f"names types this file does not provide: {missing}")
    top.done()
    appeal = rules.get(RequestType.APPEAL)
    if appeal is not None:
        for request_type, rule in rules.items():
            if rule.appeal.available and request_type is not RequestType.APPEAL:
                rules[request_type] = _with_appeal_decision(rule, appeal.respond)
    return Jurisdiction(
        code, name, version, sources, holidays, calendar_basis, saturday_basis, roll_forward, rules, limits
    )


def _with_appeal_decision(rule: TypeRule, decision: Step) -> TypeRule:
    return replace(rule, appeal=replace(rule.appeal, decision=decision))


def _parse_source(node: _Node) -> Source:
    source = Source(node.string("law"), node.string("title"), node.basis())
    node.done()
    return source


def _parse_calendar(node: _Node, code: str) -> tuple[HolidaySpec, Basis, Basis | None]:
    node.string("business_days")
    basis = node.basis()
    first = node.integer("first_year", 1900) if node.has("first_year") else None
    last = node.integer("last_year", 1900) if node.has("last_year") else None
    if first is not None and last is not None and last < first:
        raise node.fail("last_year", f"expected a year not before first_year {first}, got {last}")
    saturday_basis = None
    if node.has("saturday_reading"):
        node.string("saturday_reading")
        saturday_basis = Basis(node.string("saturday_cite"), node.choice("saturday_tag", TAGS))
    rules = tuple(_parse_holiday(h) for h in node.tables("holidays")) if node.has("holidays") else ()
    node.done()
    return HolidaySpec(rules, first, last, code), basis, saturday_basis


def _parse_holiday(node: _Node) -> HolidayRule:
    name = node.string("name")
    kind = HolidayKind(node.choice("rule", tuple(k.value for k in HolidayKind)))
    node.basis()
    observed = tuple(_parse_shift(shift) for shift in node.tables("observed")) if node.has("observed") else ()
    if kind is HolidayKind.FIXED:
        month = _month(node)
        day = node.integer("day", 1)
        try:
            date(2000, month, day)  # a leap year accepts every real month/day pair
        except ValueError:
            raise node.fail("day", f"month {month} has no day {day}") from None
        rule = HolidayRule(name, kind, month=month, day=day, observed=observed)
    elif kind is HolidayKind.NTH_WEEKDAY:
        nth = node.integer("nth", 1)
        if nth > 5:
            raise node.fail("nth", f"expected 1 to 5, got {nth}")
        rule = HolidayRule(name, kind, month=_month(node), weekday=_weekday(node), nth=nth, observed=observed)
    elif kind is HolidayKind.LAST_WEEKDAY:
        rule = HolidayRule(name, kind, month=_month(node), weekday=_weekday(node), observed=observed)
    elif kind is HolidayKind.EASTER:
        offset = _signed(node, "offset") if node.has("offset") else 0
        rule = HolidayRule(name, kind, offset=offset, observed=observed)
    else:
        rule = HolidayRule(name, kind, dates=node.dates("dates"), observed=observed)
    node.done()
    return rule


def _parse_shift(node: _Node) -> ObservedShift:
    shift = ObservedShift(WEEKDAYS.index(node.choice("on", WEEKDAYS)), _signed(node, "move"))
    if shift.move == 0:
        raise node.fail("move", "expected a non-zero number of days")
    node.done()
    return shift


def _signed(node: _Node, key: str) -> int:
    value = node.data.get(key)
    node._used.add(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise node.fail(key, f"expected an integer, got {_show(value)}")
    return value


def _month(node: _Node) -> int:
    month = node.integer("month", 1)
    if month > 12:
        raise node.fail("month", f"expected 1 to 12, got {month}")
    return month


def _weekday(node: _Node) -> int:
    return WEEKDAYS.index(node.choice("weekday", WEEKDAYS))


def _parse_roll_forward(node: _Node) -> RollForward:
    basis = node.basis()
    if node.has("none"):
        _expect_true(node, "none")
        node.done()
        return RollForward(None, basis)
    weekdays = weekday_numbers(node.choices("skip_weekdays", WEEKDAYS))
    node.done()
    return RollForward(weekdays, basis)


def _expect_true(node: _Node, key: str) -> None:
    if not node.boolean(key):
        raise node.fail(key, "expected true (leave the key out otherwise)")


def _code(node: _Node, key: str) -> str:
    code = node.string(key)
    if not code.replace("_", "").isalnum() or code.lower() != code:
        raise node.fail(key, f"expected a snake_case code, got {_show(code)}")
    return code


def _parse_limit(node: _Node) -> LimitRule:
    limit = LimitRule(
        code=_code(node, "code"),
        types=frozenset(RequestType(t) for t in node.choices("types", TYPE_CODES)),
        max_requests=node.integer("max_requests", 1),
        window=LimitWindow(node.choice("window", tuple(w.value for w in LimitWindow))),
        counts=LimitCounts(node.choice("counts", tuple(c.value for c in LimitCounts))),
        effect=LimitEffect(node.choice("effect", tuple(e.value for e in LimitEffect))),
        basis=node.basis(),
    )
    if not limit.types:
        raise node.fail("types", "expected at least one request type")
    node.done()
    return limit


def _parse_type(
    node: _Node, code: str, request_type: RequestType, laws: set[str], limits: tuple[LimitRule, ...]
) -> TypeRule:
    law = node.string("law")
    if law not in laws:
        raise node.fail("law", f"expected one of the [[sources]] laws {sorted(laws)}, got {_show(law)}")
    clock = node.table("clock_start")
    clock.choice("value", ("receipt",))
    clock_basis = clock.basis()
    clock.done()
    respond = _parse_step(node.table("respond"))
    respond_elsewhere = (
        _parse_step(node.table("respond_elsewhere")) if node.has("respond_elsewhere") else None
    )
    extension = _parse_extension(node.table("extension"), respond)
    rule = TypeRule(
        jurisdiction=code,
        request_type=request_type,
        law=law,
        clock_start=clock_basis,
        acknowledge=_parse_step(node.table("acknowledge")),
        respond=respond,
        respond_elsewhere=respond_elsewhere,
        extension=extension,
        verification=_parse_verification(node.table("verification")),
        agent=_parse_agent(node.table("agent")),
        appeal=_parse_appeal(node.table("appeal")),
        channels=_parse_channels(node.table("channels")) if node.has("channels") else None,
        residency=_parse_residency(node.table("residency")) if node.has("residency") else None,
        limits=tuple(limit for limit in limits if request_type in limit.types),
    )
    node.done()
    return rule


def _parse_step(node: _Node) -> Step:
    basis = node.basis()
    if node.has("none"):
        _expect_true(node, "none")
        node.done()
        return Step(None, basis)
    period = Period(node.integer("period", 1), Unit(node.choice("unit", UNITS)))
    node.done()
    return Step(period, basis)


def _parse_extension(node: _Node, respond: Step) -> Extension:
    basis = node.basis()
    if node.has("none"):
        _expect_true(node, "none")
        node.done()
        return Extension(None, False, None, basis)
    total = Period(node.integer("total", 1), Unit(node.choice("unit", UNITS)))
    once = node.boolean("once")
    notice = NoticeRule(node.choice("notice_by", tuple(n.value for n in NoticeRule)))
    if respond.period is None:
        raise node.fail(None, "an extension needs a response period to extend")
    if total.unit is not respond.period.unit:
        raise node.fail(
            "unit", f'expected the response unit "{respond.period.unit.value}", got "{total.unit.value}"'
        )
    if total.length <= respond.period.length:
        raise node.fail(
            "total", f"expected more than the response period {respond.period.length}, got {total.length}"
        )
    node.done()
    return Extension(total, once, notice, basis)


def _parse_verification(node: _Node) -> VerificationRule:
    rule = VerificationRule(
        level=VerificationLevel(node.choice("level", LEVELS)),
        data_points=node.integer("data_points", 0),
        signed_declaration=node.boolean("signed_declaration"),
        forbidden=node.boolean("forbidden"),
        note=node.optional_string("note"),
        basis=node.basis(),
    )
    node.done()
    return rule


def _parse_agent(node: _Node) -> AgentRule:
    rule = AgentRule(
        allowed=node.boolean("allowed"),
        signed_permission=node.boolean("signed_permission"),
        poa_accepted=node.boolean("poa_accepted"),
        consumer_confirmation=node.boolean("consumer_confirmation"),
        basis=node.basis(),
    )
    node.done()
    return rule


def _parse_appeal(node: _Node) -> AppealRule:
    rule = AppealRule(node.boolean("available"), node.basis())
    node.done()
    return rule


def _parse_channels(node: _Node) -> ChannelRule:
    accepted = frozenset(Channel(c) for c in node.choices("accepted", CHANNELS))
    optional = (
        frozenset(Channel(c) for c in node.choices("optional", CHANNELS)) if node.has("optional") else None
    )
    rule = ChannelRule(accepted, optional or frozenset(), node.basis())
    node.done()
    return rule


def _parse_residency(node: _Node) -> ResidencyRule:
    rule = ResidencyRule(node.string("required"), _code(node, "warning"), node.basis())
    node.done()
    return rule
