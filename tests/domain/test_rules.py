"""The rules engine: worked examples, API contract, invariants over every receipt day, rule files."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privdesk.domain import Deadlines, Rulebook, load_rulebook
from privdesk.domain.errors import RuleFileError, ValidationError
from privdesk.domain.rules import Unit
from privdesk.domain.types import RequestType, VerificationLevel
from privdesk.paths import resource
from tests.domain.test_calendar import CA_HOLIDAY_SET

RULEBOOK = load_rulebook()
# Every US state with a comprehensive privacy law in force or enacted by 2026-12-03 (LEGAL.md audit).
STATES = [
    "CA", "VA", "CO", "CT", "UT", "TX", "OR", "FL", "MT", "IA", "DE", "NE",
    "NH", "NJ", "TN", "MN", "MD", "IN", "KY", "RI", "OK", "LA", "AL",
]  # fmt: skip
TODAY = date(2030, 1, 1)
FIRST, LAST = date(2025, 1, 1), date(2027, 6, 30)
JSON_KEYS = {
    "acknowledge_by", "respond_by", "extension_notice_by", "extended_respond_by",
    "respond_outside_by", "extended_outside_by", "basis", "in_force", "note", "projection", "unconfirmed",
}  # fmt: skip


def deadlines(jurisdiction: str, request_type: str, received: str, **kwargs: bool) -> Deadlines:
    return RULEBOOK.deadlines(jurisdiction, request_type, date.fromisoformat(received), today=TODAY, **kwargs)


# --------------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("jurisdiction", "request_type", "received", "acknowledge", "respond", "extended"),
    [
        ("US-CA", "delete", "2025-09-02", "2025-09-17", "2025-10-17", "2025-12-01"),
        ("US-CA", "opt_out_sale_share", "2025-12-24", None, "2026-01-16", None),
        ("US-CA", "shine_the_light", "2025-02-03", None, "2025-03-05", None),
        ("US-CT", "know", "2025-04-04", None, "2025-05-19", "2025-07-03"),
        ("US-CT", "know_specific", "2025-04-04", None, "2025-05-19", "2025-07-03"),
        ("EU", "know", "2025-03-10", None, "2025-04-10", "2025-06-10"),
        ("EU", "know_specific", "2025-03-10", None, "2025-04-10", "2025-06-10"),
    ],
)
def test_worked_examples(
    jurisdiction: str, request_type: str, received: str, acknowledge: str, respond: str, extended: str
) -> None:
    result = deadlines(jurisdiction, request_type, received).to_json()
    assert (result["acknowledge_by"], result["respond_by"], result["extended_respond_by"]) == (
        acknowledge,
        respond,
        extended,
    )
    assert result["extension_notice_by"] == (respond if extended else None)


def test_to_json_shape_and_basis() -> None:
    result = deadlines("US-CA", RequestType.DELETE, "2025-09-02")
    payload = result.to_json()
    assert set(payload) == JSON_KEYS
    assert payload["respond_outside_by"] == "2025-10-17"
    assert "§7021(a) [C]" in payload["basis"]["acknowledge_by"]
    assert "Gov. Code §§6700(a), 6701" in payload["basis"]["acknowledge_by"]
    assert payload["basis"]["respond_outside_by"].endswith("[S]")
    assert all(re.search(r"\[[CSU]\]", text) for text in payload["basis"].values())
    assert result.rule_version == RULEBOOK.versions()["US-CA"]


def test_outside_dates_exist_only_where_a_roll_forward_rule_exists() -> None:
    ca = deadlines("US-CA", "delete", "2025-09-06")  # + 45 = Tuesday 2025-10-21: nothing to roll
    assert ca.respond_by == date(2025, 10, 21) and ca.respond_outside_by == date(2025, 10, 21)
    sunday = deadlines("US-CA", "delete", "2025-09-04")  # + 45 = Sunday 2025-10-19
    assert sunday.respond_by == date(2025, 10, 19) and sunday.respond_outside_by == date(2025, 10, 20)
    eu = deadlines("EU", "delete", "2025-04-12")  # one month = Monday 2025-05-12
    assert eu.respond_outside_by == eu.respond_by == date(2025, 5, 12)
    eu_saturday = deadlines("EU", "delete", "2025-04-10")  # 2025-05-10 is a Saturday
    assert eu_saturday.respond_outside_by == date(2025, 5, 12)
    state = deadlines("US-VA", "delete", "2025-09-04")
    assert state.respond_by == date(2025, 10, 19) and state.respond_outside_by is None
    assert state.extended_outside_by is None


def test_gdpr_month_end() -> None:
    result = deadlines("EU", "know", "2025-01-31")
    assert result.respond_by == date(2025, 2, 28)
    assert result.extended_respond_by == date(2025, 4, 30)  # three months from receipt, not from Feb 28
    assert result.respond_outside_by == date(2025, 2, 28)


def test_shine_the_light_outside_the_designated_channel() -> None:
    assert deadlines("US-CA", "shine_the_light", "2025-02-03", designated_channel=False).respond_by == date(
        2025, 7, 3
    )
    assert (
        "150"
        in deadlines("US-CA", "shine_the_light", "2025-02-03", designated_channel=False).basis["respond_by"]
    )


def test_florida_extension_is_fifteen_days() -> None:
    result = deadlines("US-FL", "delete", "2025-04-04")
    assert (result.respond_by, result.extended_respond_by) == (date(2025, 5, 19), date(2025, 6, 3))


def test_minor_removal_has_no_deadline() -> None:
    result = deadlines("US-CA", "minor_removal", "2025-04-04")
    assert result.respond_by is None and result.respond_outside_by is None and result.acknowledge_by is None
    assert "no deadline" in result.basis["respond_by"]


def test_saturday_warning_and_setting() -> None:
    default = deadlines("US-CA", "delete", "2025-09-02")
    assert default.saturday_warning is not None and "2025-09-15" in default.saturday_warning
    saturdays = load_rulebook(count_saturdays=True).deadlines(
        "US-CA", "delete", date(2025, 9, 2), today=TODAY
    )
    assert saturdays.acknowledge_by == date(2025, 9, 15) and saturdays.saturday_warning is None
    assert deadlines("US-CA", "shine_the_light", "2025-02-03").saturday_warning is None
    assert deadlines("US-CT", "delete", "2025-02-03").saturday_warning is None


# ------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("jurisdiction", "request_type", "received", "reason"),
    [
        ("US-ZZ", "delete", "2025-01-02", "unknown jurisdiction 'US-ZZ'"),
        ("US-CA", "appeal", "2025-01-02", "US-CA provides no appeal request"),
        ("US-UT", "appeal", "2025-01-02", "US-UT provides no appeal request"),
        ("US-CA", "erase", "2025-01-02", "unknown request type 'erase'"),
        ("US-CA", "delete", "2030-01-02", "received date 2030-01-02 is in the future"),
    ],
)
def test_bad_input_gives_a_one_line_reason(
    jurisdiction: str, request_type: str, received: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        deadlines(jurisdiction, request_type, received)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_future_is_measured_against_today_by_default() -> None:
    with pytest.raises(ValidationError, match="future"):
        RULEBOOK.deadlines("US-CA", "delete", date.today() + timedelta(days=1))
    assert RULEBOOK.deadlines("US-CA", "delete", date.today()).respond_by is not None


# ------------------------------------------------------------------------------------- typed rules


def test_jurisdictions_and_versions() -> None:
    expected = ["EU", "GB", *sorted(f"US-{s}" for s in STATES)]
    assert RULEBOOK.jurisdictions() == expected
    assert set(RULEBOOK.versions()) == set(expected) and all(RULEBOOK.versions().values())
    assert RequestType.MINOR_REMOVAL in RULEBOOK.types("US-CA")
    assert RequestType.KNOW_CATEGORIES not in RULEBOOK.types("EU")


def test_typed_rule_for_california() -> None:
    specific = RULEBOOK.rule("US-CA", "know_specific")
    assert specific.verification.level is VerificationLevel.REASONABLY_HIGH
    assert (specific.verification.data_points, specific.verification.signed_declaration) == (3, True)
    assert specific.agent.allowed and specific.agent.signed_permission and specific.agent.poa_accepted
    assert not specific.appeal.available
    assert [limit.code for limit in specific.limits] == ["know_limit_12_months"]
    assert RULEBOOK.rule("US-CA", "know_categories").verification.data_points == 2
    opt_out = RULEBOOK.rule("US-CA", RequestType.OPT_OUT_SALE_SHARE)
    assert opt_out.verification.forbidden and opt_out.verification.level is VerificationLevel.NONE
    assert opt_out.respond.period is not None and opt_out.respond.period.unit is Unit.BUSINESS_DAYS
    assert RULEBOOK.rule("US-CA", "shine_the_light").limits[0].code == "stl_already_answered_this_year"


def test_appeal_period_where_the_law_has_appeals() -> None:
    delete = RULEBOOK.rule("US-CT", "delete")
    assert delete.appeal.available and delete.appeal.decision is not None
    assert delete.appeal.decision.period is not None and delete.appeal.decision.period.length == 60
    assert deadlines("US-CT", "appeal", "2025-04-04").respond_by == date(2025, 6, 3)
    assert not RULEBOOK.rule("US-UT", "delete").appeal.available
    assert not RULEBOOK.rule("US-CT", "delete").agent.allowed
    assert RULEBOOK.rule("US-CT", "opt_out_sale_share").agent.allowed


# ---------------------------------------------------------------- invariants over every receipt day


def _all_pairs(rulebook: Rulebook) -> list[tuple[str, RequestType]]:
    return [(j, t) for j in rulebook.jurisdictions() for t in rulebook.types(j)]


def _check_invariants(
    rulebook: Rulebook, jurisdiction: str, request_type: RequestType, received: date
) -> None:
    cal = rulebook.calendar(jurisdiction)
    rolls = rulebook.jurisdiction(jurisdiction).roll_forward.weekdays is not None
    has_elsewhere = rulebook.rule(jurisdiction, request_type).respond_elsewhere is not None
    for designated in (True, False) if has_elsewhere else (True,):
        d = rulebook.deadlines(
            jurisdiction, request_type, received, designated_channel=designated, today=TODAY
        )
        if d.acknowledge_by is not None:
            ack = rulebook.rule(jurisdiction, request_type, on=received).acknowledge.period
            assert d.acknowledge_by > received
            in_days = ack is not None and ack.unit is not Unit.BUSINESS_DAYS
            assert cal.is_business_day(d.acknowledge_by) or in_days
            assert d.respond_by is None or d.acknowledge_by <= d.respond_by
        if d.respond_by is None:
            assert d.extended_respond_by is None and d.respond_outside_by is None
            continue
        assert d.respond_by > received
        if d.extended_respond_by is not None:
            assert d.extended_respond_by > d.respond_by
            assert d.extension_notice_by == d.respond_by
        else:
            assert d.extension_notice_by is None
        for hard, outside in (
            (d.respond_by, d.respond_outside_by),
            (d.extended_respond_by, d.extended_outside_by),
        ):
            if hard is None or not rolls:
                assert outside is None
                continue
            assert outside is not None and outside >= hard
            assert not cal.is_holiday(outside) and outside.weekday() not in cal.roll_forward_weekdays
            assert (outside - hard).days <= 5


def test_invariants_for_every_receipt_day_and_every_type() -> None:
    pairs = _all_pairs(RULEBOOK)
    day = FIRST
    while day <= LAST:
        for jurisdiction, request_type in pairs:
            _check_invariants(RULEBOOK, jurisdiction, request_type, day)
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30)),
    st.sampled_from(_all_pairs(RULEBOOK)),
    st.booleans(),
)
def test_invariants_property(received: date, pair: tuple[str, RequestType], saturdays: bool) -> None:
    rulebook = RULEBOOK if not saturdays else SATURDAY_RULEBOOK
    _check_invariants(rulebook, pair[0], pair[1], received)


SATURDAY_RULEBOOK = load_rulebook(count_saturdays=True)


def test_independent_california_dates_for_every_receipt_day() -> None:
    """California dates recomputed from scratch: plain date arithmetic plus the hand-written holiday list."""

    def business(start: date, n: int) -> date:
        current = start
        while n:
            current += timedelta(days=1)
            n -= current.weekday() < 5 and current not in CA_HOLIDAY_SET
        return current

    def outside(day: date) -> date:
        while day.weekday() == 6 or day in CA_HOLIDAY_SET:
            day += timedelta(days=1)
        return day

    day = FIRST
    while day <= LAST:
        for request_type in ("know_categories", "know_specific", "delete", "correct", "portability"):
            d = RULEBOOK.deadlines("US-CA", request_type, day, today=TODAY)
            respond, extended = date.fromordinal(day.toordinal() + 45), date.fromordinal(day.toordinal() + 90)
            assert (d.acknowledge_by, d.respond_by, d.extension_notice_by, d.extended_respond_by) == (
                business(day, 10),
                respond,
                respond,
                extended,
            ), day
            assert (d.respond_outside_by, d.extended_outside_by) == (outside(respond), outside(extended)), day
        for request_type in ("opt_out_sale_share", "limit_sensitive"):
            d = RULEBOOK.deadlines("US-CA", request_type, day, today=TODAY)
            assert (d.acknowledge_by, d.respond_by, d.extended_respond_by) == (None, business(day, 15), None)
        stl = RULEBOOK.deadlines("US-CA", "shine_the_light", day, today=TODAY)
        assert stl.respond_by == date.fromordinal(day.toordinal() + 30)
        day += timedelta(days=1)


# ----------------------------------------------------------------------------- rule-file validation


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    shutil.copy(resource("rules", "US-CA.toml"), tmp_path / "US-CA.toml")
    return tmp_path / "US-CA.toml"


def _edit(path: Path, old: str, new: str, after: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


def _load_error(path: Path) -> str:
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(path.parent)
    return str(caught.value)


def test_bundled_rule_files_load() -> None:
    assert len(load_rulebook(resource("rules")).jurisdictions()) == 2 + len(STATES)


def test_schema_error_names_file_key_and_problem(rules_copy: Path) -> None:
    _edit(rules_copy, 'unit = "calendar_days"', 'unit = "weeks"', after="[types.delete]")
    assert _load_error(rules_copy) == (
        "US-CA.toml: types.delete.respond.unit: "
        'expected one of calendar_days, business_days, months, got "weeks"'
    )


@pytest.mark.parametrize(
    ("old", "new", "after", "expected"),
    [
        (
            'tag = "C" }',
            'tag = "X" }',
            "[types.correct]",
            'types.correct.clock_start.tag: expected one of C, S, U, got "X"',
        ),
        ("period = 45, ", "", "[types.delete]", "types.delete.respond.period: missing (expected an integer)"),
        (
            "period = 45,",
            'period = "45",',
            "[types.delete]",
            'types.delete.respond.period: expected an integer, got "45"',
        ),
        ("total = 90,", "total = 40,", "[types.delete]", "types.delete.extension.total: expected more than"),
        (
            'jurisdiction = "US-CA"',
            'jurisdiction = "US-NV"',
            "",
            'jurisdiction: expected "US-CA" (the file name)',
        ),
        ("[types.minor_removal]", "[types.minors]", "", "types.minors: unknown request type"),
        ('law = "CCPA"', 'law = "CCPA"\nperiod = 3', "[types.delete]", "types.delete.period: unknown key"),
        ('weekday = "monday"', 'weekday = "mon"', "", "calendar.holidays[1].weekday: expected one of monday"),
        (
            "dates = [2023-01-22,",
            'dates = ["2023-01-22",',
            "",
            "calendar.holidays[2].dates[0]: expected a date",
        ),
        (
            'cite = "Cal. Code Regs. tit. 11, §7021(a)", ',
            "",
            "[types.delete]",
            "types.delete.acknowledge.cite: missing",
        ),
        (
            'types = ["shine_the_light"]',
            'types = ["appeal"]',
            "",
            "limits[1].types: names types this file does not",
        ),
        (
            "max_requests = 2",
            "max_requests = 0",
            "",
            "limits[0].max_requests: expected an integer of at least 1",
        ),
        ('skip_weekdays = ["sunday"]', "none = false", "", "roll_forward.none: expected true"),
    ],
)
def test_schema_errors(rules_copy: Path, old: str, new: str, after: str, expected: str) -> None:
    _edit(rules_copy, old, new, after)
    message = _load_error(rules_copy)
    assert message.startswith("US-CA.toml: ") and expected in message, message


def test_invalid_toml_and_empty_directory(rules_copy: Path, tmp_path: Path) -> None:
    _edit(rules_copy, "[calendar]", "[calendar")
    assert _load_error(rules_copy).startswith("US-CA.toml: not valid TOML")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RuleFileError, match="no rule files"):
        load_rulebook(empty)
