from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privdesk.domain.errors import ValidationError
from privdesk.domain.references import format_reference, is_reference, parse_reference


def test_format_reference_pads_the_number() -> None:
    assert format_reference(2026, 123) == "PD-2026-000123"
    assert format_reference(2026, 1_234_567) == "PD-2026-1234567"


@pytest.mark.parametrize(("year", "number"), [(26, 1), (10000, 1), (2026, 0), (2026, -5)])
def test_format_reference_refuses_impossible_parts(year: int, number: int) -> None:
    with pytest.raises(ValidationError):
        format_reference(year, number)


def test_parse_reference_tolerates_blanks_and_case() -> None:
    assert parse_reference("PD-2026-000123") == (2026, 123)
    assert parse_reference("  pd-2026-000123\n") == (2026, 123)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PD-2026-123",
        "PD-26-000123",
        "PD-2026-000000",
        "XX-2026-000123",
        "PD-2026-0001234",
        "PD-2026-000123x",
        "PD 2026 000123",
        "PD-２０２６-000123",
    ],
)
def test_parse_reference_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a case reference like PD-2026-000123"):
        parse_reference(text)
    assert not is_reference(text)


@given(year=st.integers(1000, 9999), number=st.integers(1, 999_999_999))
def test_round_trip(year: int, number: int) -> None:
    assert parse_reference(format_reference(year, number)) == (year, number)
