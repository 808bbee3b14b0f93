"""One person, one history: likely same persons are proposed, limit checks run over them, and a
second request names the earlier one and whether it is answered."""

from __future__ import annotations

import datetime as dt

from privdesk.services.cases import NewCase
from privdesk.services.hub import Services


def _case(inbox: Services, name: str, types: list[str], received: dt.date, **contact: str):  # type: ignore[no-untyped-def]
    return inbox.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=types,
            channel="mail",
            received=received,
            name=name,
            ca_residency_attested=True,
            **contact,  # type: ignore[arg-type]
        )
    )


def test_second_shine_the_light_letter_from_the_same_name_names_the_open_first(inbox: Services) -> None:
    first = _case(inbox, "Harold Kim", ["shine_the_light"], dt.date(2026, 3, 2))
    second = _case(inbox, "Harold Kim", ["shine_the_light"], dt.date(2026, 5, 4))
    messages = {w.code: w.message for w in second.warnings}
    assert "possible_same_person" in messages
    assert messages["earlier_request_open"] == (
        f"an earlier Shine the Light request this year, {first.reference}, is still open: "
        "answer both together"
    )


def test_same_email_with_a_different_spelling_of_the_name_names_the_earlier_request(inbox: Services) -> None:
    first = _case(
        inbox, "Catherine Smith", ["know_specific"], dt.date(2026, 3, 2), email="cat.smith@example.com"
    )
    second = _case(
        inbox, "Cathy Smith", ["know_specific"], dt.date(2026, 4, 2), email="Cat.Smith@example.com"
    )
    earlier = [w for w in second.warnings if w.code == "earlier_request_open"]
    assert [w.earlier_reference for w in earlier] == [first.reference]


def test_a_different_organization_or_an_old_request_is_not_named(inbox: Services) -> None:
    _case(inbox, "Lena Ortiz", ["delete"], dt.date(2025, 1, 5), email="lena@example.com")
    later = _case(inbox, "Lena Ortiz", ["delete"], dt.date(2026, 6, 1), email="lena@example.com")
    assert not any(w.code == "earlier_request_open" for w in later.warnings)


def test_search_finds_a_consumer_by_phone_in_any_format(inbox: Services) -> None:
    _case(inbox, "Caller Person", ["delete"], dt.date(2026, 3, 2), phone="+1 617 555 0199")
    for typed in ("(617) 555-0199", "617.555.0199", "6175550199", "+16175550199"):
        assert [c.full_name for c in inbox.consumers.list(search=typed)] == ["Caller Person"], typed
