"""Frequency and free-request limits read from the rule files."""

from __future__ import annotations

from datetime import date

from privdesk.domain.limits import EarlierRequest, NewRequest, check_limits
from privdesk.domain.rules import load_rulebook
from privdesk.domain.types import Outcome, RequestType

RULEBOOK = load_rulebook()


def new(request_type: str, received: str, jurisdiction: str = "US-CA", org: str = "mstis") -> NewRequest:
    return NewRequest(org, request_type, date.fromisoformat(received), jurisdiction)


def earlier(
    ref: str,
    request_type: str,
    received: str,
    responded: str | None = None,
    outcome: Outcome | str | None = None,
    org: str = "mstis",
) -> EarlierRequest:
    answered = date.fromisoformat(responded) if responded else None
    return EarlierRequest(ref, org, request_type, date.fromisoformat(received), answered, outcome)


def codes(found: list) -> list[str]:  # type: ignore[type-arg]
    return [w.code for w in found]


def test_shine_the_light_already_answered_this_year_points_to_the_earlier_case() -> None:
    history = [earlier("PD-2025-000001", "shine_the_light", "2025-01-05", "2025-01-20", Outcome.FULFILLED)]
    [warning] = check_limits(RULEBOOK, new("shine_the_light", "2025-06-01"), history)
    assert warning.code == "stl_already_answered_this_year"
    assert (warning.earlier_reference, warning.earlier_date) == ("PD-2025-000001", date(2025, 1, 20))
    assert "PD-2025-000001" in warning.message and "2025-01-20" in warning.message
    assert "§1798.83" in warning.basis and warning.basis.endswith("[S]")


def test_shine_the_light_counts_the_answer_year_and_the_organization() -> None:
    answered_last_year = [earlier("PD-1", "shine_the_light", "2024-11-05", "2024-12-01")]
    assert check_limits(RULEBOOK, new("shine_the_light", "2025-01-10"), answered_last_year) == []
    answered_in_january = [earlier("PD-1", "shine_the_light", "2024-12-20", "2025-01-08")]
    assert codes(check_limits(RULEBOOK, new("shine_the_light", "2025-03-10"), answered_in_january)) == [
        "stl_already_answered_this_year"
    ]
    other_org = [earlier("PD-1", "shine_the_light", "2025-01-05", "2025-01-20", org="coverys")]
    assert check_limits(RULEBOOK, new("shine_the_light", "2025-06-01"), other_org) == []
    not_answered_yet = [earlier("PD-1", "shine_the_light", "2025-05-20")]
    assert check_limits(RULEBOOK, new("shine_the_light", "2025-06-01"), not_answered_yet) == []


def test_third_know_request_in_twelve_months() -> None:
    two = [earlier("PD-1", "know_categories", "2025-01-05"), earlier("PD-2", "know_specific", "2025-05-05")]
    [warning] = check_limits(RULEBOOK, new(RequestType.KNOW_SPECIFIC, "2025-12-01"), two)
    assert warning.code == "know_limit_12_months" and warning.earlier_reference == "PD-1"
    assert "§1798.130(b)" in warning.basis and warning.basis.endswith("[C]")
    # the first falls out of the window exactly twelve months later
    assert check_limits(RULEBOOK, new("know_specific", "2026-01-05"), two) == []
    assert codes(check_limits(RULEBOOK, new("know_specific", "2026-01-04"), two)) == ["know_limit_12_months"]


def test_know_limit_ignores_other_types_denials_and_one_earlier_request() -> None:
    assert (
        check_limits(
            RULEBOOK, new("know_specific", "2025-06-01"), [earlier("PD-1", "know_specific", "2025-01-05")]
        )
        == []
    )
    mixed = [
        earlier("PD-1", "delete", "2025-01-05"),
        earlier("PD-2", "know_specific", "2025-02-05", "2025-03-01", Outcome.DENIED),
        earlier("PD-3", "know_specific", "2025-03-05", "2025-04-01", "fulfilled"),
    ]
    assert check_limits(RULEBOOK, new("know_specific", "2025-06-01"), mixed) == []
    assert check_limits(RULEBOOK, new("delete", "2025-06-01"), mixed) == []


def test_free_request_limits_per_state() -> None:
    one = [earlier("PD-1", "delete", "2025-01-05")]
    [ct] = check_limits(RULEBOOK, new("know_specific", "2025-06-01", "US-CT"), one)
    assert ct.code == "free_request_limit" and "fee" in ct.message and "Conn. Gen. Stat." in ct.basis
    assert check_limits(RULEBOOK, new("know_specific", "2025-06-01", "US-VA"), one) == []  # twice is free
    two = [*one, earlier("PD-2", "correct", "2025-03-05")]
    assert codes(check_limits(RULEBOOK, new("delete", "2025-06-01", "US-VA"), two)) == ["free_request_limit"]
    assert codes(check_limits(RULEBOOK, new("delete", "2025-06-01", "US-TX"), two)) == ["free_request_limit"]
    assert codes(check_limits(RULEBOOK, new("delete", "2025-06-01", "US-UT"), one)) == ["free_request_limit"]
    assert check_limits(RULEBOOK, new("opt_out_sale_share", "2025-06-01", "US-CT"), two) == []
    assert check_limits(RULEBOOK, new("delete", "2025-06-01", "US-FL"), two) == []  # no limit found


def test_colorado_portability_twice_per_calendar_year() -> None:
    two = [earlier("PD-1", "portability", "2025-01-05"), earlier("PD-2", "portability", "2025-02-05")]
    assert codes(check_limits(RULEBOOK, new("portability", "2025-12-01", "US-CO"), two)) == [
        "portability_limit_calendar_year"
    ]
    assert check_limits(RULEBOOK, new("portability", "2026-01-02", "US-CO"), two) == []


def test_unknown_codes_in_history_count_towards_nothing() -> None:
    history = [earlier("PD-1", "legacy_code", "2025-01-05"), earlier("PD-2", "know_specific", "2025-02-05")]
    assert check_limits(RULEBOOK, new("know_specific", "2025-06-01"), history) == []
