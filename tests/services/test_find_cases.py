"""Finding a case by what the officer types: a bare number, a loose reference, a phone number in any
format."""

from __future__ import annotations

import pytest

from privdesk.domain.errors import NotFound
from privdesk.domain.references import loose_reference
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.services.search import phone_digits


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("52", (None, 52)),
        ("#52", (None, 52)),
        ("PD-2026-52", (2026, 52)),
        ("pd 2026 000052", (2026, 52)),
        ("2026-52", (2026, 52)),
        ("Castellanos", None),
        ("0", None),
    ],
)
def test_loose_references(typed: str, meant: tuple[int | None, int] | None) -> None:
    assert loose_reference(typed) == meant


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("(951) 555-0173", "9515550173"),
        ("+1 951.555.0173", "9515550173"),
        ("951-555-0173", "9515550173"),
        ("52", None),
        ("PD-2026-000052", None),
        ("Lorraine", None),
    ],
)
def test_phone_numbers_in_any_format(typed: str, digits: str | None) -> None:
    assert phone_digits(typed) == digits


def test_a_bare_number_opens_the_newest_case_with_it(demo_services: Services) -> None:
    case = demo_services.cases.show("46")
    assert case.reference.endswith("-000046")
    assert demo_services.cases.show(f"PD-{case.reference[3:7]}-46").reference == case.reference
    with pytest.raises(NotFound):
        demo_services.cases.show("99999")


def test_search_by_phone_in_any_format(demo_services: Services) -> None:
    for typed in ("(916) 555-0102", "916.555.0102", "+1 916 555 0102"):
        rows = demo_services.cases.list(CaseFilter(search=typed))
        assert rows and {r.consumer_name for r in rows} == {"Lorraine Castellanos"}, typed
