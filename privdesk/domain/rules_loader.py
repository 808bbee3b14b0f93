"""The TOML loader: ``resources/rules/<code>.toml`` read, validated and turned into the rule model.

Any missing, mistyped or unknown key raises ``RuleFileError`` naming the file, the key path and the
problem (``resources/rules/SCHEMA.md``). A ``[defaults]`` table gives keys every request type shares;
a type's own keys override them. A type may be an array of tables, one per effective-dated version.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from privdesk.domain.calendar import (
    WEEKDAYS,
    HolidayKind,
    HolidayRule,
    HolidaySpec,
    ObservedShift,
    weekday_numbers,
)
from privdesk.domain.errors import RuleFileError
from privdesk.domain.rules_model import (
    ALWAYS,
    TAGS,
    AgentRule,
    AppealProcess,
    AppealRule,
    Basis,
    ChannelRule,
    ClockStart,
    ComplaintRoute,
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
    Source,
    Step,
    TypeRule,
    Unit,
    VerificationRule,
)
from privdesk.domain.types import Channel, RequestType, VerificationLevel


def load_rule_files(directory: Path) -> dict[str, Jurisdiction]:
    """Every ``*.toml`` rule file in ``directory``, validated, by jurisdiction code."""
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise RuleFileError(f"no rule files (*.toml) in {Path(directory).name}")
    found = {}
    for path in files:
        jurisdiction = load_rule_file(path)
        found[jurisdiction.code] = jurisdiction
    return found


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

    def day(self, key: str) -> date:
        value = self._get(key, "a date")
        if type(value) is not date:
            raise self.fail(key, f"expected a date (YYYY-MM-DD), got {_show(value)}")
        return value

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
    effective, effective_basis = ALWAYS, None
    if top.has("effective"):
        effective, effective_basis = _parse_effective(top.table("effective"))
    sources = tuple(_parse_source(node) for node in top.tables("sources"))
    laws = {source.law for source in sources}
    holidays, calendar_basis, saturday_basis = _parse_calendar(top.table("calendar"), code)
    roll_forward = _parse_roll_forward(top.table("roll_forward"))
    limits = tuple(_parse_limit(node) for node in top.tables("limits")) if top.has("limits") else ()
    defaults = top.table("defaults").data if top.has("defaults") else {}
    if defaults and not isinstance(defaults, dict):
        raise top.fail("defaults", "expected a table")
    types_node = top.table("types")
    versions: dict[RequestType, tuple[TypeRule, ...]] = {}
    for key in types_node.all_keys():
        if key not in TYPE_CODES:
            raise types_node.fail(key, f"unknown request type; expected one of {', '.join(TYPE_CODES)}")
        request_type = RequestType(key)
        value = types_node.data[key]
        nodes = list(types_node.tables(key)) if isinstance(value, list) else [types_node.table(key)]
        found = []
        for node in nodes:
            merged = _Node(node.file, node.path, {**defaults, **node.data})
            found.append(_parse_type(merged, code, request_type, laws, limits))
        found.sort(key=lambda rule: rule.effective.start or date.min)
        for earlier, later in itertools.pairwise(found):
            if earlier.effective.overlaps(later.effective):
                spans = f"{earlier.effective.describe()} and {later.effective.describe()}"
                raise types_node.fail(key, f"versions in force {spans} overlap")
        versions[request_type] = tuple(found)
    if not versions:
        raise types_node.fail(None, "no request types")
    for index, limit in enumerate(limits):
        missing = sorted(t.value for t in limit.types if t not in versions)
        if missing:
            raise top.fail(f"limits[{index}].types", f"names types this file does not provide: {missing}")
    appeal_process = _parse_appeal_process(top.table("appeal")) if top.has("appeal") else None
    top.done()
    appeal_versions = versions.get(RequestType.APPEAL)
    if appeal_versions:
        decision = appeal_versions[-1].respond
        for request_type, found_versions in versions.items():
            if request_type is RequestType.APPEAL:
                continue
            versions[request_type] = tuple(
                _with_appeal_decision(rule, decision) if rule.appeal.available else rule
                for rule in found_versions
            )
    if appeal_process is not None and appeal_process.available and not appeal_versions:
        raise top.fail("appeal", "an available appeal process needs a [types.appeal] for its decision period")
    current = {request_type: found[-1] for request_type, found in versions.items()}
    return Jurisdiction(
        code,
        name,
        version,
        sources,
        holidays,
        calendar_basis,
        saturday_basis,
        roll_forward,
        current,
        limits,
        effective=effective,
        effective_basis=effective_basis,
        versions=versions,
        appeal=appeal_process,
    )


def _with_appeal_decision(rule: TypeRule, decision: Step) -> TypeRule:
    return replace(rule, appeal=replace(rule.appeal, decision=decision))


def _parse_effective(node: _Node) -> tuple[Effective, Basis]:
    start = node.day("from") if node.has("from") else None
    end = node.day("until") if node.has("until") else None
    if start is None and end is None:
        raise node.fail(None, "expected from, until or both")
    if start is not None and end is not None and end < start:
        raise node.fail("until", f"expected a date not before {start.isoformat()}, got {end.isoformat()}")
    basis = node.basis()
    node.done()
    return Effective(start, end), basis


def _parse_source(node: _Node) -> Source:
    source = Source(node.string("law"), node.string("title"), node.basis(), node.optional_string("read_at"))
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
        effective=_parse_effective(node.table("effective"))[0] if node.has("effective") else ALWAYS,
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
    clock_value = ClockStart(clock.choice("value", tuple(c.value for c in ClockStart)))
    clock_basis = clock.basis()
    clock.done()
    respond = _parse_step(node.table("respond"))
    respond_elsewhere = (
        _parse_step(node.table("respond_elsewhere")) if node.has("respond_elsewhere") else None
    )
    extension = _parse_extension(node.table("extension"), respond)
    effective = _parse_effective(node.table("effective"))[0] if node.has("effective") else ALWAYS
    pauses = tuple(_parse_pause(p) for p in node.tables("pauses")) if node.has("pauses") else ()
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
        effective=effective,
        clock=clock_value,
        pauses=pauses,
        note=node.optional_string("note"),
        look_back=_parse_look_back(node.table("look_back")) if node.has("look_back") else None,
    )
    node.done()
    return rule


def _parse_look_back(node: _Node) -> LookBack:
    look_back = LookBack(node.integer("default_months", 1), node.day("earliest"), node.basis())
    node.done()
    return look_back


def _parse_pause(node: _Node) -> PauseRule:
    pause = PauseRule(_code(node, "code"), node.string("label"), node.basis())
    node.done()
    return pause


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


def _parse_appeal_process(node: _Node) -> AppealProcess:
    available = node.boolean("available")
    filing = _parse_step(node.table("filing"))
    complaint = None
    if node.has("complaint"):
        route = node.table("complaint")
        url = route.string("url")
        if not url.startswith("https://"):
            raise route.fail("url", f"expected an https:// address, got {_show(url)}")
        complaint = ComplaintRoute(route.string("authority"), url, route.basis())
        route.done()
    process = AppealProcess(available, filing, complaint, node.basis())
    node.done()
    return process


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
