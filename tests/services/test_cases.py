from __future__ import annotations

import datetime as dt

import pytest

from privdesk.domain.errors import NotFound, ValidationError
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from tests.conftest import TODAY


@pytest.fixture
def org_services(services: Services) -> Services:
    for slug in ("mstis", "coverys", "lossexpress"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    return services


def new_case(**overrides: object) -> NewCase:
    fields: dict[str, object] = dict(
        organization="mstis",
        jurisdiction="US-CA",
        types=["delete"],
        channel="mail",
        received=dt.date(2026, 11, 2),
        name="Dana Whitcomb",
        email="dana.whitcomb@example.com",
        address="2217 Elm Street\nTorrance, CA 90503",
    )
    fields.update(overrides)
    return NewCase(**fields)  # type: ignore[arg-type]


def test_organization_profile_round_trip(org_services: Services) -> None:
    mstis = org_services.organizations.show("mstis")
    assert mstis.toll_free_phone and "347-3374" in mstis.toll_free_phone
    assert any(d.kind == "collected" for d in mstis.disclosures)
    assert mstis.profile["subject_lines"]["shine_the_light"].startswith("California Privacy Rights")
    assert [o.slug for o in org_services.organizations.list()] == sorted(
        ["mstis", "coverys", "lossexpress"], key=lambda s: org_services.organizations.show(s).display_name
    )


def test_create_case_computes_deadlines_and_references(org_services: Services) -> None:
    first = org_services.cases.create(new_case())
    second = org_services.cases.create(new_case(name="Someone Else", email="else@example.org"))
    assert first.reference == f"PD-{TODAY.year}-000001"
    assert second.reference == f"PD-{TODAY.year}-000002"
    item = first.items[0]
    assert item.type == "delete"
    assert item.respond_by == dt.date(2026, 12, 17)  # received + 45 calendar days
    assert item.extended_respond_by == dt.date(2027, 1, 31)  # received + 90
    assert item.acknowledge_by is not None and item.acknowledge_by > dt.date(2026, 11, 2)
    assert item.rule_version
    assert first.status == "received"
    assert first.next_action is not None and first.next_action.code == "acknowledge"


def test_case_with_several_items_and_show(org_services: Services) -> None:
    created = org_services.cases.create(new_case(types=["know_categories", "delete"]))
    shown = org_services.cases.show(created.reference)
    assert [i.type for i in shown.items] == ["know_categories", "delete"]
    assert shown.consumer_name == "Dana Whitcomb"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"organization": "acme"}, "unknown organization 'acme'"),
        ({"types": ["erase"]}, "unknown request type 'erase'"),
        ({"channel": "pigeon"}, "unknown channel 'pigeon'"),
        ({"jurisdiction": "US-ZZ"}, "US-ZZ"),
        ({"received": TODAY + dt.timedelta(days=3)}, "future"),
        ({"name": "  "}, "name is required"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    org_services: Services, override: dict[str, object], message: str
) -> None:
    with pytest.raises((ValidationError, NotFound), match=message):
        org_services.cases.create(new_case(**override))
    assert org_services.cases.count() == 0


def test_list_filters(org_services: Services) -> None:
    old = org_services.cases.create(new_case(received=dt.date(2026, 8, 1), name="Overdue Person"))
    org_services.cases.create(
        new_case(
            organization="coverys",
            types=["know_categories"],
            received=dt.date(2026, 11, 18),
            email="someone@example.net",
        )
    )
    assert [r.reference for r in org_services.cases.list(CaseFilter(overdue=True))] == [old.reference]
    assert {r.organization for r in org_services.cases.list(CaseFilter(organization="coverys"))} == {
        "coverys"
    }
    assert len(org_services.cases.list(CaseFilter(request_type="know_categories"))) == 1
    assert [r.consumer_name for r in org_services.cases.list(CaseFilter(search="overdue"))] == [
        "Overdue Person"
    ]
    rows = org_services.cases.list(CaseFilter(due_before=dt.date(2026, 9, 30)))
    assert [r.reference for r in rows] == [old.reference]
    assert rows[0].overdue


def test_second_shine_the_light_in_a_year_is_flagged(org_services: Services) -> None:
    stl = dict(
        types=["shine_the_light"],
        channel="email",
        ca_residency_attested=True,
        subject="California Privacy Rights Direct Marketing Information Request",
    )
    first = org_services.cases.create(new_case(received=dt.date(2026, 3, 2), **stl))
    org_services.workflow.respond(first.reference, "shine_the_light", dt.date(2026, 3, 20), "fulfilled")
    second = org_services.cases.create(
        new_case(received=dt.date(2026, 11, 2), consumer_id=first.consumer_id, **stl)
    )
    codes = {w.code: w for w in second.warnings}
    assert "stl_already_answered_this_year" in codes
    assert codes["stl_already_answered_this_year"].earlier_reference == first.reference


def test_same_person_is_proposed_not_merged(org_services: Services) -> None:
    first = org_services.cases.create(new_case(phone="310-555-0101"))
    second = org_services.cases.create(new_case(name="Dana Whitcom", email=None, phone="(310) 555-0101"))
    assert second.consumer_id != first.consumer_id
    matches = [w for w in second.warnings if w.code == "possible_same_person"]
    assert matches and "phone" in matches[0].message
    org_services.consumers.merge(first.consumer_id, second.consumer_id)
    assert org_services.cases.show(second.reference).consumer_id == first.consumer_id
    assert any(e.action == "consumer.merged" for e in org_services.audit.entries())


def test_every_change_is_audited_and_the_chain_verifies(org_services: Services) -> None:
    case = org_services.cases.create(new_case())
    entries = org_services.audit.entries(case_reference=case.reference)
    assert [e.action for e in entries] == ["case.created"]
    assert entries[0].actor == "tester"
    assert org_services.audit.verify().ok
